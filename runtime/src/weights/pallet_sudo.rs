//! Weights of `pallet_sudo` in the cinechain runtime, generated from its benchmarks by
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
//! pallet_sudo
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
//! runtime/src/weights/pallet_sudo.rs

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::Weight};

/// What the benchmarks measured, with the runtime's database weights.
pub struct WeightInfo<T>(PhantomData<T>);
impl<T: frame_system::Config> pallet_sudo::WeightInfo for WeightInfo<T> {
	fn set_key() -> Weight {
		// Proof size measured: `165` bytes.
		// Minimum execution time: 18_314_000 picoseconds.
		Weight::from_parts(31_018_000, 1517)
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	fn sudo() -> Weight {
		// Proof size measured: `165` bytes.
		// Minimum execution time: 20_329_000 picoseconds.
		Weight::from_parts(36_298_000, 1517)
			.saturating_add(T::DbWeight::get().reads(1))
	}
	fn sudo_as() -> Weight {
		// Proof size measured: `165` bytes.
		// Minimum execution time: 20_078_000 picoseconds.
		Weight::from_parts(34_104_000, 1517)
			.saturating_add(T::DbWeight::get().reads(1))
	}
	fn remove_key() -> Weight {
		// Proof size measured: `165` bytes.
		// Minimum execution time: 16_451_000 picoseconds.
		Weight::from_parts(28_984_000, 1517)
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	fn check_only_sudo_account() -> Weight {
		// Proof size measured: `165` bytes.
		// Minimum execution time: 8_686_000 picoseconds.
		Weight::from_parts(15_258_000, 1517)
			.saturating_add(T::DbWeight::get().reads(1))
	}
}
