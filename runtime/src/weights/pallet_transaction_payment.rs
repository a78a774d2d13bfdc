//! Weights of `pallet_transaction_payment` in the cinechain runtime, generated from its benchmarks by
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
//! pallet_transaction_payment
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
//! runtime/src/weights/pallet_transaction_payment.rs

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::Weight};

/// What the benchmarks measured, with the runtime's database weights.
pub struct WeightInfo<T>(PhantomData<T>);
impl<T: frame_system::Config> pallet_transaction_payment::WeightInfo for WeightInfo<T> {
	fn charge_transaction_payment() -> Weight {
		// Proof size measured: `101` bytes.
		// Minimum execution time: 70_011_000 picoseconds.
		Weight::from_parts(121_598_000, 3593)
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::DbWeight::get().writes(1))
	}
}
