//! Weights of `frame_system_extensions` in the cinechain runtime, generated from its benchmarks by
//! `scripts/benchmark.sh` (FRAME's own pallets: the runtime plugs these in instead of the
//! figures the pallets ship, which were measured on other hardware with another database).
//!
//! Measured with frame-benchmarking-cli 64.0.0 on 2026-12-01: steps 20, repeat
//! 10, CPU `AMD EPYC`, wasm execution `Compiled`. Regenerate after
//! upgrading FRAME; do not edit by hand.
//!
//! Command:
//! /root/.cache/cinechain/target/release/cinechain-node
//! benchmark
//! pallet
//! --chain
//! dev
//! --pallet
//! frame_system_extensions
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
//! scripts/runtime-weights.hbs
//! --output
//! runtime/src/weights/frame_system_extensions.rs

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::Weight};

/// What the benchmarks measured, with the runtime's database weights.
pub struct WeightInfo<T>(PhantomData<T>);
impl<T: frame_system::Config> frame_system::ExtensionsWeightInfo for WeightInfo<T> {
	fn check_genesis() -> Weight {
		// Proof size measured: `0` bytes.
		// Minimum execution time: 2_996_000 picoseconds.
		Weight::from_parts(4_087_000, 0)
	}
	fn check_mortality_mortal_transaction() -> Weight {
		// Proof size measured: `0` bytes.
		// Minimum execution time: 6_382_000 picoseconds.
		Weight::from_parts(8_315_000, 0)
	}
	fn check_mortality_immortal_transaction() -> Weight {
		// Proof size measured: `0` bytes.
		// Minimum execution time: 6_392_000 picoseconds.
		Weight::from_parts(7_384_000, 0)
	}
	fn check_non_zero_sender() -> Weight {
		// Proof size measured: `0` bytes.
		// Minimum execution time: 821_000 picoseconds.
		Weight::from_parts(1_102_000, 0)
	}
	fn check_nonce() -> Weight {
		// Proof size measured: `101` bytes.
		// Minimum execution time: 11_772_000 picoseconds.
		Weight::from_parts(14_266_000, 3593)
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	fn check_spec_version() -> Weight {
		// Proof size measured: `0` bytes.
		// Minimum execution time: 632_000 picoseconds.
		Weight::from_parts(1_122_000, 0)
	}
	fn check_tx_version() -> Weight {
		// Proof size measured: `0` bytes.
		// Minimum execution time: 631_000 picoseconds.
		Weight::from_parts(1_182_000, 0)
	}
	fn check_weight() -> Weight {
		// Proof size measured: `0` bytes.
		// Minimum execution time: 7_123_000 picoseconds.
		Weight::from_parts(8_376_000, 0)
	}
	fn weight_reclaim() -> Weight {
		// Proof size measured: `0` bytes.
		// Minimum execution time: 4_108_000 picoseconds.
		Weight::from_parts(7_184_000, 0)
	}
}
