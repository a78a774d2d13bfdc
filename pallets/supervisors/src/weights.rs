//! Weights of `pallet_supervisors`, generated from its benchmarks by `scripts/benchmark.sh`.
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
//! pallet_supervisors
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
//! pallets/supervisors/src/weights.rs

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::{constants::ParityDbWeight, Weight}};

/// What the calls of `pallet_supervisors` cost.
pub trait WeightInfo {
	fn grant_role() -> Weight;
	fn revoke_role() -> Weight;
	fn request_role() -> Weight;
	fn approve_role_request() -> Weight;
	fn reject_role_request() -> Weight;
	fn withdraw_role_request() -> Weight;
}

/// Weights for a runtime, with that runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn grant_role() -> Weight {
		// Proof size measured: `142` bytes.
		// Minimum execution time: 39_834_000 picoseconds.
		Weight::from_parts(68_028_000, 3793)
			.saturating_add(T::DbWeight::get().reads(2))
			.saturating_add(T::DbWeight::get().writes(3))
	}
	fn revoke_role() -> Weight {
		// Proof size measured: `442` bytes.
		// Minimum execution time: 25_709_000 picoseconds.
		Weight::from_parts(43_442_000, 3806)
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	fn request_role() -> Weight {
		// Proof size measured: `43` bytes.
		// Minimum execution time: 33_523_000 picoseconds.
		Weight::from_parts(54_092_000, 3793)
			.saturating_add(T::DbWeight::get().reads(2))
			.saturating_add(T::DbWeight::get().writes(2))
	}
	fn approve_role_request() -> Weight {
		// Proof size measured: `419` bytes.
		// Minimum execution time: 40_396_000 picoseconds.
		Weight::from_parts(68_208_000, 3793)
			.saturating_add(T::DbWeight::get().reads(2))
			.saturating_add(T::DbWeight::get().writes(3))
	}
	fn reject_role_request() -> Weight {
		// Proof size measured: `419` bytes.
		// Minimum execution time: 26_941_000 picoseconds.
		Weight::from_parts(46_958_000, 3793)
			.saturating_add(T::DbWeight::get().reads(2))
			.saturating_add(T::DbWeight::get().writes(2))
	}
	fn withdraw_role_request() -> Weight {
		// Proof size measured: `419` bytes.
		// Minimum execution time: 27_121_000 picoseconds.
		Weight::from_parts(43_792_000, 3793)
			.saturating_add(T::DbWeight::get().reads(2))
			.saturating_add(T::DbWeight::get().writes(2))
	}
}

/// The same figures with ParityDB's database weights, for mock runtimes in tests.
impl WeightInfo for () {
	fn grant_role() -> Weight {
		Weight::from_parts(68_028_000, 3793)
			.saturating_add(ParityDbWeight::get().reads(2))
			.saturating_add(ParityDbWeight::get().writes(3))
	}
	fn revoke_role() -> Weight {
		Weight::from_parts(43_442_000, 3806)
			.saturating_add(ParityDbWeight::get().reads(1))
			.saturating_add(ParityDbWeight::get().writes(1))
	}
	fn request_role() -> Weight {
		Weight::from_parts(54_092_000, 3793)
			.saturating_add(ParityDbWeight::get().reads(2))
			.saturating_add(ParityDbWeight::get().writes(2))
	}
	fn approve_role_request() -> Weight {
		Weight::from_parts(68_208_000, 3793)
			.saturating_add(ParityDbWeight::get().reads(2))
			.saturating_add(ParityDbWeight::get().writes(3))
	}
	fn reject_role_request() -> Weight {
		Weight::from_parts(46_958_000, 3793)
			.saturating_add(ParityDbWeight::get().reads(2))
			.saturating_add(ParityDbWeight::get().writes(2))
	}
	fn withdraw_role_request() -> Weight {
		Weight::from_parts(43_792_000, 3793)
			.saturating_add(ParityDbWeight::get().reads(2))
			.saturating_add(ParityDbWeight::get().writes(2))
	}
}
