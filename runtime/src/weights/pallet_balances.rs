//! Weights of `pallet_balances` in the cinechain runtime, generated from its benchmarks by
//! `scripts/benchmark.sh` (FRAME's own pallets: the runtime plugs these in instead of the
//! figures the pallets ship, which were measured on other hardware with another database).
//!
//! Measured with frame-benchmarking-cli 64.0.0 on 2026-11-25: steps 20, repeat
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
		// Minimum execution time: 44_777_000 picoseconds.
		Weight::from_parts(47_862_000, 3593)
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	fn transfer_keep_alive() -> Weight {
		// Proof size measured: `0` bytes.
		// Minimum execution time: 35_012_000 picoseconds.
		Weight::from_parts(38_027_000, 3593)
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	fn force_set_balance_creating() -> Weight {
		// Proof size measured: `39` bytes.
		// Minimum execution time: 16_955_000 picoseconds.
		Weight::from_parts(18_898_000, 3593)
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	fn force_set_balance_killing() -> Weight {
		// Proof size measured: `174` bytes.
		// Minimum execution time: 18_968_000 picoseconds.
		Weight::from_parts(20_251_000, 3593)
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	fn force_transfer() -> Weight {
		// Proof size measured: `103` bytes.
		// Minimum execution time: 46_630_000 picoseconds.
		Weight::from_parts(50_275_000, 6196)
			.saturating_add(T::DbWeight::get().reads(2))
			.saturating_add(T::DbWeight::get().writes(2))
	}
	fn transfer_all() -> Weight {
		// Proof size measured: `0` bytes.
		// Minimum execution time: 44_826_000 picoseconds.
		Weight::from_parts(47_571_000, 3593)
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	fn force_unreserve() -> Weight {
		// Proof size measured: `174` bytes.
		// Minimum execution time: 14_943_000 picoseconds.
		Weight::from_parts(16_144_000, 3593)
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	/// The range of component `u` is `[1, 1000]`.
	fn upgrade_accounts(u: u32, ) -> Weight {
		// Proof size measured: `0 + u * (85 ±0)` bytes.
		// Minimum execution time: 15_663_000 picoseconds.
		Weight::from_parts(15_943_000, 990)
			.saturating_add(Weight::from_parts(14_056_680, 0).saturating_mul(u.into()))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(u.into())))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(u.into())))
			.saturating_add(Weight::from_parts(0, 2603).saturating_mul(u.into()))
	}
	fn force_adjust_total_issuance() -> Weight {
		// Proof size measured: `0` bytes.
		// Minimum execution time: 4_486_000 picoseconds.
		Weight::from_parts(4_988_000, 0)
	}
	fn burn_allow_death() -> Weight {
		// Proof size measured: `0` bytes.
		// Minimum execution time: 27_821_000 picoseconds.
		Weight::from_parts(30_205_000, 0)
	}
	fn burn_keep_alive() -> Weight {
		// Proof size measured: `0` bytes.
		// Minimum execution time: 18_318_000 picoseconds.
		Weight::from_parts(19_859_000, 0)
	}
}
