//! Weights of `pallet_cinemas`, generated from its benchmarks by `scripts/benchmark.sh`.
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
//! pallet_cinemas
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
//! pallets/cinemas/src/weights.rs

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::{constants::ParityDbWeight, Weight}};

/// What the calls of `pallet_cinemas` cost.
pub trait WeightInfo {
	fn register_cinema() -> Weight;
	fn update_cinema() -> Weight;
	fn move_cinema() -> Weight;
}

/// Weights for a runtime, with that runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn register_cinema() -> Weight {
		// Proof size measured: `417` bytes.
		// Minimum execution time: 34_755_000 picoseconds.
		Weight::from_parts(58_680_000, 3806)
			.saturating_add(T::DbWeight::get().reads(2))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	fn update_cinema() -> Weight {
		// Proof size measured: `506` bytes.
		// Minimum execution time: 36_178_000 picoseconds.
		Weight::from_parts(60_003_000, 3806)
			.saturating_add(T::DbWeight::get().reads(2))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	fn move_cinema() -> Weight {
		// Proof size measured: `337` bytes.
		// Minimum execution time: 23_665_000 picoseconds.
		Weight::from_parts(36_969_000, 3565)
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::DbWeight::get().writes(1))
	}
}

/// The same figures with ParityDB's database weights, for mock runtimes in tests.
impl WeightInfo for () {
	fn register_cinema() -> Weight {
		Weight::from_parts(58_680_000, 3806)
			.saturating_add(ParityDbWeight::get().reads(2))
			.saturating_add(ParityDbWeight::get().writes(1))
	}
	fn update_cinema() -> Weight {
		Weight::from_parts(60_003_000, 3806)
			.saturating_add(ParityDbWeight::get().reads(2))
			.saturating_add(ParityDbWeight::get().writes(1))
	}
	fn move_cinema() -> Weight {
		Weight::from_parts(36_969_000, 3565)
			.saturating_add(ParityDbWeight::get().reads(1))
			.saturating_add(ParityDbWeight::get().writes(1))
	}
}
