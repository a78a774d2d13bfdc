//! Weights of `pallet_archive`, generated from its benchmarks by `scripts/benchmark.sh`.
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
		// Proof size measured: `60989` bytes.
		// Minimum execution time: 2_372_639_000 picoseconds.
		Weight::from_parts(3_597_456_000, 688977)
			.saturating_add(T::DbWeight::get().reads(289))
			.saturating_add(T::DbWeight::get().writes(9))
	}
	fn heartbeat() -> Weight {
		// Proof size measured: `59457` bytes.
		// Minimum execution time: 2_438_312_000 picoseconds.
		Weight::from_parts(3_377_854_000, 688977)
			.saturating_add(T::DbWeight::get().reads(282))
			.saturating_add(T::DbWeight::get().writes(2))
	}
	fn heartbeat_in_cluster() -> Weight {
		// Proof size measured: `1226` bytes.
		// Minimum execution time: 64_931_000 picoseconds.
		Weight::from_parts(128_841_000, 3753)
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	fn leave() -> Weight {
		// Proof size measured: `1300` bytes.
		// Minimum execution time: 152_095_000 picoseconds.
		Weight::from_parts(194_104_000, 6196)
			.saturating_add(T::DbWeight::get().reads(7))
			.saturating_add(T::DbWeight::get().writes(10))
	}
	/// The range of component `n` is `[1, 256]`.
	fn liveness_check(n: u32, ) -> Weight {
		// Proof size measured: `242 + n * (228 ±0)` bytes.
		// Minimum execution time: 59_502_000 picoseconds.
		Weight::from_parts(67_518_946, 3753)
			.saturating_add(Weight::from_parts(20_612_372, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(n.into())))
			.saturating_add(Weight::from_parts(0, 2763).saturating_mul(n.into()))
	}
	/// The range of component `n` is `[1, 256]`.
	fn reform_clusters(n: u32, ) -> Weight {
		// Proof size measured: `405 + n * (352 ±0)` bytes.
		// Minimum execution time: 129_984_000 picoseconds.
		Weight::from_parts(136_316_000, 5109)
			.saturating_add(Weight::from_parts(131_205_196, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(7))
			.saturating_add(T::DbWeight::get().reads((3_u64).saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().writes(4))
			.saturating_add(T::DbWeight::get().writes((6_u64).saturating_mul(n.into())))
			.saturating_add(Weight::from_parts(0, 2763).saturating_mul(n.into()))
	}
	fn check_heartbeat() -> Weight {
		// Proof size measured: `2145` bytes.
		// Minimum execution time: 64_470_000 picoseconds.
		Weight::from_parts(101_951_000, 3753)
			.saturating_add(T::DbWeight::get().reads(2))
	}
	fn report_unproven() -> Weight {
		// Proof size measured: `1829` bytes.
		// Minimum execution time: 118_182_000 picoseconds.
		Weight::from_parts(171_471_000, 6516)
			.saturating_add(T::DbWeight::get().reads(3))
			.saturating_add(T::DbWeight::get().writes(2))
	}
	fn check_report() -> Weight {
		// Proof size measured: `2813` bytes.
		// Minimum execution time: 72_927_000 picoseconds.
		Weight::from_parts(149_901_000, 6516)
			.saturating_add(T::DbWeight::get().reads(4))
	}
}

/// The same figures with ParityDB's database weights, for mock runtimes in tests.
impl WeightInfo for () {
	fn register_node() -> Weight {
		Weight::from_parts(3_597_456_000, 688977)
			.saturating_add(ParityDbWeight::get().reads(289))
			.saturating_add(ParityDbWeight::get().writes(9))
	}
	fn heartbeat() -> Weight {
		Weight::from_parts(3_377_854_000, 688977)
			.saturating_add(ParityDbWeight::get().reads(282))
			.saturating_add(ParityDbWeight::get().writes(2))
	}
	fn heartbeat_in_cluster() -> Weight {
		Weight::from_parts(128_841_000, 3753)
			.saturating_add(ParityDbWeight::get().reads(1))
			.saturating_add(ParityDbWeight::get().writes(1))
	}
	fn leave() -> Weight {
		Weight::from_parts(194_104_000, 6196)
			.saturating_add(ParityDbWeight::get().reads(7))
			.saturating_add(ParityDbWeight::get().writes(10))
	}
	fn liveness_check(n: u32, ) -> Weight {
		Weight::from_parts(67_518_946, 3753)
			.saturating_add(Weight::from_parts(20_612_372, 0).saturating_mul(n.into()))
			.saturating_add(ParityDbWeight::get().reads(1))
			.saturating_add(ParityDbWeight::get().reads((1_u64).saturating_mul(n.into())))
			.saturating_add(ParityDbWeight::get().writes(0))
			.saturating_add(ParityDbWeight::get().writes((1_u64).saturating_mul(n.into())))
	}
	fn reform_clusters(n: u32, ) -> Weight {
		Weight::from_parts(136_316_000, 5109)
			.saturating_add(Weight::from_parts(131_205_196, 0).saturating_mul(n.into()))
			.saturating_add(ParityDbWeight::get().reads(7))
			.saturating_add(ParityDbWeight::get().reads((3_u64).saturating_mul(n.into())))
			.saturating_add(ParityDbWeight::get().writes(4))
			.saturating_add(ParityDbWeight::get().writes((6_u64).saturating_mul(n.into())))
	}
	fn check_heartbeat() -> Weight {
		Weight::from_parts(101_951_000, 3753)
			.saturating_add(ParityDbWeight::get().reads(2))
			.saturating_add(ParityDbWeight::get().writes(0))
	}
	fn report_unproven() -> Weight {
		Weight::from_parts(171_471_000, 6516)
			.saturating_add(ParityDbWeight::get().reads(3))
			.saturating_add(ParityDbWeight::get().writes(2))
	}
	fn check_report() -> Weight {
		Weight::from_parts(149_901_000, 6516)
			.saturating_add(ParityDbWeight::get().reads(4))
			.saturating_add(ParityDbWeight::get().writes(0))
	}
}
