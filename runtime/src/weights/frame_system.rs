//! Weights of `frame_system` in the cinechain runtime, generated from its benchmarks by
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
//! frame_system
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
//! runtime/src/weights/frame_system.rs

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::Weight};

/// What the benchmarks measured, with the runtime's database weights.
pub struct WeightInfo<T>(PhantomData<T>);
impl<T: frame_system::Config> frame_system::WeightInfo for WeightInfo<T> {
	/// The range of component `b` is `[0, 3932160]`.
	fn remark(b: u32, ) -> Weight {
		// Proof size measured: `0` bytes.
		// Minimum execution time: 5_239_000 picoseconds.
		Weight::from_parts(77_586_166, 0)
			.saturating_add(Weight::from_parts(988, 0).saturating_mul(b.into()))
	}
	/// The range of component `b` is `[0, 3932160]`.
	fn remark_with_event(b: u32, ) -> Weight {
		// Proof size measured: `0` bytes.
		// Minimum execution time: 15_038_000 picoseconds.
		Weight::from_parts(24_801_525, 0)
			.saturating_add(Weight::from_parts(2_390, 0).saturating_mul(b.into()))
	}
	fn set_heap_pages() -> Weight {
		// Proof size measured: `0` bytes.
		// Minimum execution time: 8_856_000 picoseconds.
		Weight::from_parts(16_791_000, 0)
			.saturating_add(T::DbWeight::get().writes(1))
	}
	fn set_code() -> Weight {
		// Proof size measured: `0` bytes.
		// Minimum execution time: 157_936_522_000 picoseconds.
		Weight::from_parts(237_237_121_000, 0)
			.saturating_add(T::DbWeight::get().writes(1))
	}
	/// The range of component `i` is `[0, 1000]`.
	fn set_storage(i: u32, ) -> Weight {
		// Proof size measured: `0` bytes.
		// Minimum execution time: 5_220_000 picoseconds.
		Weight::from_parts(7_344_000, 0)
			.saturating_add(Weight::from_parts(2_015_852, 0).saturating_mul(i.into()))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(i.into())))
	}
	/// The range of component `i` is `[0, 1000]`.
	fn kill_storage(i: u32, ) -> Weight {
		// Proof size measured: `0` bytes.
		// Minimum execution time: 6_512_000 picoseconds.
		Weight::from_parts(8_496_000, 0)
			.saturating_add(Weight::from_parts(1_555_994, 0).saturating_mul(i.into()))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(i.into())))
	}
	/// The range of component `p` is `[0, 1000]`.
	fn kill_prefix(p: u32, ) -> Weight {
		// Proof size measured: `23 + p * (69 ±0)` bytes.
		// Minimum execution time: 8_927_000 picoseconds.
		Weight::from_parts(12_854_000, 40)
			.saturating_add(Weight::from_parts(3_195_471, 0).saturating_mul(p.into()))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(p.into())))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(p.into())))
			.saturating_add(Weight::from_parts(0, 70).saturating_mul(p.into()))
	}
	fn authorize_upgrade() -> Weight {
		// Proof size measured: `0` bytes.
		// Minimum execution time: 31_870_000 picoseconds.
		Weight::from_parts(57_138_000, 0)
			.saturating_add(T::DbWeight::get().writes(1))
	}
	fn apply_authorized_upgrade() -> Weight {
		// Proof size measured: `22` bytes.
		// Minimum execution time: 164_283_874_000 picoseconds.
		Weight::from_parts(230_908_444_000, 1518)
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::DbWeight::get().writes(2))
	}
}
