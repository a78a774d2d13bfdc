//! Weights of `pallet_screenings`, generated from its benchmarks by `scripts/benchmark.sh`.
//!
//! Measured with frame-benchmarking-cli 64.0.0 on 2026-11-25: steps 20, repeat
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
		// Minimum execution time: 30_055_000 picoseconds.
		Weight::from_parts(32_279_000, 4071)
			.saturating_add(T::DbWeight::get().reads(5))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	/// The range of component `n` is `[1, 100]`.
	fn record_screenings(n: u32, ) -> Weight {
		// Proof size measured: `755` bytes.
		// Minimum execution time: 31_126_000 picoseconds.
		Weight::from_parts(31_435_242, 4071)
			.saturating_add(Weight::from_parts(3_306_773, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(5))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	fn flag_screening() -> Weight {
		// Proof size measured: `773` bytes.
		// Minimum execution time: 28_512_000 picoseconds.
		Weight::from_parts(30_666_000, 4071)
			.saturating_add(T::DbWeight::get().reads(5))
			.saturating_add(T::DbWeight::get().writes(2))
	}
	fn resolve_flag() -> Weight {
		// Proof size measured: `866` bytes.
		// Minimum execution time: 26_570_000 picoseconds.
		Weight::from_parts(29_203_000, 4071)
			.saturating_add(T::DbWeight::get().reads(5))
			.saturating_add(T::DbWeight::get().writes(2))
	}
	/// The range of component `n` is `[1, 100]`.
	fn check_screening(n: u32, ) -> Weight {
		// Proof size measured: `755` bytes.
		// Minimum execution time: 26_129_000 picoseconds.
		Weight::from_parts(27_900_702, 4071)
			.saturating_add(Weight::from_parts(803_992, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(5))
			.saturating_add(T::DbWeight::get().writes(1))
	}
}

/// The same figures with ParityDB's database weights, for mock runtimes in tests.
impl WeightInfo for () {
	fn record_screening() -> Weight {
		Weight::from_parts(32_279_000, 4071)
			.saturating_add(ParityDbWeight::get().reads(5))
			.saturating_add(ParityDbWeight::get().writes(1))
	}
	fn record_screenings(n: u32, ) -> Weight {
		Weight::from_parts(31_435_242, 4071)
			.saturating_add(Weight::from_parts(3_306_773, 0).saturating_mul(n.into()))
			.saturating_add(ParityDbWeight::get().reads(5))
			.saturating_add(ParityDbWeight::get().writes(1))
	}
	fn flag_screening() -> Weight {
		Weight::from_parts(30_666_000, 4071)
			.saturating_add(ParityDbWeight::get().reads(5))
			.saturating_add(ParityDbWeight::get().writes(2))
	}
	fn resolve_flag() -> Weight {
		Weight::from_parts(29_203_000, 4071)
			.saturating_add(ParityDbWeight::get().reads(5))
			.saturating_add(ParityDbWeight::get().writes(2))
	}
	fn check_screening(n: u32, ) -> Weight {
		Weight::from_parts(27_900_702, 4071)
			.saturating_add(Weight::from_parts(803_992, 0).saturating_mul(n.into()))
			.saturating_add(ParityDbWeight::get().reads(5))
			.saturating_add(ParityDbWeight::get().writes(1))
	}
}
