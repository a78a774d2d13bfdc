//! Weights of `pallet_balances` in the cinechain runtime, generated from its benchmarks by
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
//! pallet_balances
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
//! runtime/src/weights/pallet_balances.rs

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::Weight};

/// What the benchmarks measured, with the runtime's database weights.
pub struct WeightInfo<T>(PhantomData<T>);
impl<T: frame_system::Config> pallet_balances::WeightInfo for WeightInfo<T> {
	fn transfer_allow_death() -> Weight {
		// Proof size measured: `0` bytes.
		// Minimum execution time: 81_783_000 picoseconds.
		Weight::from_parts(138_129_000, 3593)
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	fn transfer_keep_alive() -> Weight {
		// Proof size measured: `0` bytes.
		// Minimum execution time: 64_471_000 picoseconds.
		Weight::from_parts(100_509_000, 3593)
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	fn force_set_balance_creating() -> Weight {
		// Proof size measured: `39` bytes.
		// Minimum execution time: 36_398_000 picoseconds.
		Weight::from_parts(61_075_000, 3593)
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	fn force_set_balance_killing() -> Weight {
		// Proof size measured: `174` bytes.
		// Minimum execution time: 38_021_000 picoseconds.
		Weight::from_parts(71_714_000, 3593)
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	fn force_transfer() -> Weight {
		// Proof size measured: `103` bytes.
		// Minimum execution time: 84_188_000 picoseconds.
		Weight::from_parts(139_542_000, 6196)
			.saturating_add(T::DbWeight::get().reads(2))
			.saturating_add(T::DbWeight::get().writes(2))
	}
	fn transfer_all() -> Weight {
		// Proof size measured: `0` bytes.
		// Minimum execution time: 79_218_000 picoseconds.
		Weight::from_parts(144_841_000, 3593)
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	fn force_unreserve() -> Weight {
		// Proof size measured: `174` bytes.
		// Minimum execution time: 31_088_000 picoseconds.
		Weight::from_parts(53_140_000, 3593)
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	/// The range of component `u` is `[1, 1000]`.
	fn upgrade_accounts(u: u32, ) -> Weight {
		// Proof size measured: `0 + u * (85 ±0)` bytes.
		// Minimum execution time: 45_806_000 picoseconds.
		Weight::from_parts(48_842_000, 990)
			.saturating_add(Weight::from_parts(37_395_377, 0).saturating_mul(u.into()))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(u.into())))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(u.into())))
			.saturating_add(Weight::from_parts(0, 2603).saturating_mul(u.into()))
	}
	fn force_adjust_total_issuance() -> Weight {
		// Proof size measured: `0` bytes.
		// Minimum execution time: 11_973_000 picoseconds.
		Weight::from_parts(21_771_000, 0)
	}
	fn burn_allow_death() -> Weight {
		// Proof size measured: `0` bytes.
		// Minimum execution time: 53_982_000 picoseconds.
		Weight::from_parts(97_392_000, 0)
	}
	fn burn_keep_alive() -> Weight {
		// Proof size measured: `0` bytes.
		// Minimum execution time: 37_310_000 picoseconds.
		Weight::from_parts(63_639_000, 0)
	}
}
