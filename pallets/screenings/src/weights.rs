//! Weights of `pallet_screenings`, generated from its benchmarks by `scripts/benchmark.sh`.
//!
//! Measured with frame-benchmarking-cli 64.0.0 on 2026-12-01: steps 20, repeat
//! 10, CPU `AMD EPYC`, wasm execution `Compiled`. Regenerate after
//! changing a call; do not edit by hand.
//!
//! Command:
//! /root/.cache/cinechain/target/release/cinechain-node
//! benchmark
//! pallet
//! --chain
//! dev
//! --pallet
//! pallet_screenings
//! --extrinsic
//! *
//! --steps
//! 20
//! --repeat
//! 10
//! --wasm-execution
//! compiled
//! --heap-pages
//! 4096
//! --template
//! scripts/weights.hbs
//! --output
//! pallets/screenings/src/weights.rs

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::{constants::ParityDbWeight, Weight}};

/// What the calls of `pallet_screenings` cost.
pub trait WeightInfo {
	fn record_screening() -> Weight;
	fn record_screenings(n: u32, ) -> Weight;
	fn flag_screening() -> Weight;
	fn resolve_flag() -> Weight;
	fn check_screening(n: u32, ) -> Weight;
}

/// Weights for a runtime, with that runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn record_screening() -> Weight {
		// Proof size measured: `755` bytes.
		// Minimum execution time: 66_535_000 picoseconds.
		Weight::from_parts(101_089_000, 4071)
			.saturating_add(T::DbWeight::get().reads(5))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	/// The range of component `n` is `[1, 100]`.
	fn record_screenings(n: u32, ) -> Weight {
		// Proof size measured: `755` bytes.
		// Minimum execution time: 70_743_000 picoseconds.
		Weight::from_parts(109_685_138, 4071)
			.saturating_add(Weight::from_parts(8_532_973, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(5))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	fn flag_screening() -> Weight {
		// Proof size measured: `773` bytes.
		// Minimum execution time: 59_742_000 picoseconds.
		Weight::from_parts(88_856_000, 4071)
			.saturating_add(T::DbWeight::get().reads(5))
			.saturating_add(T::DbWeight::get().writes(2))
	}
	fn resolve_flag() -> Weight {
		// Proof size measured: `866` bytes.
		// Minimum execution time: 56_556_000 picoseconds.
		Weight::from_parts(93_405_000, 4071)
			.saturating_add(T::DbWeight::get().reads(5))
			.saturating_add(T::DbWeight::get().writes(2))
	}
	/// The range of component `n` is `[1, 100]`.
	fn check_screening(n: u32, ) -> Weight {
		// Proof size measured: `755` bytes.
		// Minimum execution time: 56_616_000 picoseconds.
		Weight::from_parts(87_707_303, 4071)
			.saturating_add(Weight::from_parts(1_656_379, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(5))
			.saturating_add(T::DbWeight::get().writes(1))
	}
}

/// The same figures with ParityDB's database weights, for mock runtimes in tests.
impl WeightInfo for () {
	fn record_screening() -> Weight {
		Weight::from_parts(101_089_000, 4071)
			.saturating_add(ParityDbWeight::get().reads(5))
			.saturating_add(ParityDbWeight::get().writes(1))
	}
	fn record_screenings(n: u32, ) -> Weight {
		Weight::from_parts(109_685_138, 4071)
			.saturating_add(Weight::from_parts(8_532_973, 0).saturating_mul(n.into()))
			.saturating_add(ParityDbWeight::get().reads(5))
			.saturating_add(ParityDbWeight::get().writes(1))
	}
	fn flag_screening() -> Weight {
		Weight::from_parts(88_856_000, 4071)
			.saturating_add(ParityDbWeight::get().reads(5))
			.saturating_add(ParityDbWeight::get().writes(2))
	}
	fn resolve_flag() -> Weight {
		Weight::from_parts(93_405_000, 4071)
			.saturating_add(ParityDbWeight::get().reads(5))
			.saturating_add(ParityDbWeight::get().writes(2))
	}
	fn check_screening(n: u32, ) -> Weight {
		Weight::from_parts(87_707_303, 4071)
			.saturating_add(Weight::from_parts(1_656_379, 0).saturating_mul(n.into()))
			.saturating_add(ParityDbWeight::get().reads(5))
			.saturating_add(ParityDbWeight::get().writes(1))
	}
}
