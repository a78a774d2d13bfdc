//! Weights of `pallet_archive`, generated from its benchmarks by `scripts/benchmark.sh`.
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
//! pallet_archive
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
//! pallets/archive/src/weights.rs

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::{constants::ParityDbWeight, Weight}};

/// What the calls of `pallet_archive` cost.
pub trait WeightInfo {
	fn register_node() -> Weight;
	fn heartbeat() -> Weight;
	fn heartbeat_in_cluster() -> Weight;
	fn leave() -> Weight;
	fn liveness_check(n: u32, ) -> Weight;
	fn reform_clusters(n: u32, ) -> Weight;
	fn check_heartbeat() -> Weight;
	fn report_unproven() -> Weight;
	fn check_report() -> Weight;
}

/// Weights for a runtime, with that runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn register_node() -> Weight {
		// Proof size measured: `59468` bytes.
		// Minimum execution time: 1_055_284_000 picoseconds.
		Weight::from_parts(1_172_519_000, 688977)
			.saturating_add(T::DbWeight::get().reads(286))
			.saturating_add(T::DbWeight::get().writes(6))
	}
	fn heartbeat() -> Weight {
		// Proof size measured: `58478` bytes.
		// Minimum execution time: 1_003_938_000 picoseconds.
		Weight::from_parts(1_102_624_000, 688977)
			.saturating_add(T::DbWeight::get().reads(282))
			.saturating_add(T::DbWeight::get().writes(2))
	}
	fn heartbeat_in_cluster() -> Weight {
		// Proof size measured: `1216` bytes.
		// Minimum execution time: 23_065_000 picoseconds.
		Weight::from_parts(32_638_000, 3753)
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	fn leave() -> Weight {
		// Proof size measured: `829` bytes.
		// Minimum execution time: 26_300_000 picoseconds.
		Weight::from_parts(27_942_000, 3753)
			.saturating_add(T::DbWeight::get().reads(4))
			.saturating_add(T::DbWeight::get().writes(7))
	}
	/// The range of component `n` is `[1, 256]`.
	fn liveness_check(n: u32, ) -> Weight {
		// Proof size measured: `232 + n * (228 ±0)` bytes.
		// Minimum execution time: 12_429_000 picoseconds.
		Weight::from_parts(12_599_000, 3753)
			.saturating_add(Weight::from_parts(8_875_395, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(n.into())))
			.saturating_add(Weight::from_parts(0, 2763).saturating_mul(n.into()))
	}
	/// The range of component `n` is `[1, 256]`.
	fn reform_clusters(n: u32, ) -> Weight {
		// Proof size measured: `120 + n * (321 ±0)` bytes.
		// Minimum execution time: 32_098_000 picoseconds.
		Weight::from_parts(33_179_000, 5109)
			.saturating_add(Weight::from_parts(26_040_257, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(4))
			.saturating_add(T::DbWeight::get().reads((2_u64).saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().writes(2))
			.saturating_add(T::DbWeight::get().writes((5_u64).saturating_mul(n.into())))
			.saturating_add(Weight::from_parts(0, 2763).saturating_mul(n.into()))
	}
	fn check_heartbeat() -> Weight {
		// Proof size measured: `2131` bytes.
		// Minimum execution time: 25_568_000 picoseconds.
		Weight::from_parts(33_780_000, 3753)
			.saturating_add(T::DbWeight::get().reads(2))
	}
	fn report_unproven() -> Weight {
		// Proof size measured: `1819` bytes.
		// Minimum execution time: 44_276_000 picoseconds.
		Weight::from_parts(55_113_000, 6516)
			.saturating_add(T::DbWeight::get().reads(3))
			.saturating_add(T::DbWeight::get().writes(2))
	}
	fn check_report() -> Weight {
		// Proof size measured: `2734` bytes.
		// Minimum execution time: 33_730_000 picoseconds.
		Weight::from_parts(40_631_000, 6516)
			.saturating_add(T::DbWeight::get().reads(4))
	}
}

/// The same figures with ParityDB's database weights, for mock runtimes in tests.
impl WeightInfo for () {
	fn register_node() -> Weight {
		Weight::from_parts(1_172_519_000, 688977)
			.saturating_add(ParityDbWeight::get().reads(286))
			.saturating_add(ParityDbWeight::get().writes(6))
	}
	fn heartbeat() -> Weight {
		Weight::from_parts(1_102_624_000, 688977)
			.saturating_add(ParityDbWeight::get().reads(282))
			.saturating_add(ParityDbWeight::get().writes(2))
	}
	fn heartbeat_in_cluster() -> Weight {
		Weight::from_parts(32_638_000, 3753)
			.saturating_add(ParityDbWeight::get().reads(1))
			.saturating_add(ParityDbWeight::get().writes(1))
	}
	fn leave() -> Weight {
		Weight::from_parts(27_942_000, 3753)
			.saturating_add(ParityDbWeight::get().reads(4))
			.saturating_add(ParityDbWeight::get().writes(7))
	}
	fn liveness_check(n: u32, ) -> Weight {
		Weight::from_parts(12_599_000, 3753)
			.saturating_add(Weight::from_parts(8_875_395, 0).saturating_mul(n.into()))
			.saturating_add(ParityDbWeight::get().reads(1))
			.saturating_add(ParityDbWeight::get().reads((1_u64).saturating_mul(n.into())))
			.saturating_add(ParityDbWeight::get().writes(0))
			.saturating_add(ParityDbWeight::get().writes((1_u64).saturating_mul(n.into())))
	}
	fn reform_clusters(n: u32, ) -> Weight {
		Weight::from_parts(33_179_000, 5109)
			.saturating_add(Weight::from_parts(26_040_257, 0).saturating_mul(n.into()))
			.saturating_add(ParityDbWeight::get().reads(4))
			.saturating_add(ParityDbWeight::get().reads((2_u64).saturating_mul(n.into())))
			.saturating_add(ParityDbWeight::get().writes(2))
			.saturating_add(ParityDbWeight::get().writes((5_u64).saturating_mul(n.into())))
	}
	fn check_heartbeat() -> Weight {
		Weight::from_parts(33_780_000, 3753)
			.saturating_add(ParityDbWeight::get().reads(2))
			.saturating_add(ParityDbWeight::get().writes(0))
	}
	fn report_unproven() -> Weight {
		Weight::from_parts(55_113_000, 6516)
			.saturating_add(ParityDbWeight::get().reads(3))
			.saturating_add(ParityDbWeight::get().writes(2))
	}
	fn check_report() -> Weight {
		Weight::from_parts(40_631_000, 6516)
			.saturating_add(ParityDbWeight::get().reads(4))
			.saturating_add(ParityDbWeight::get().writes(0))
	}
}
