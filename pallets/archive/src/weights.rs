//! Weights of `pallet_archive`. NOT YET BENCHMARKED: hand-set starting values in the shape
//! `scripts/benchmark.sh` generates, to be replaced by benchmark output when the pallet enters
//! the runtime (it is not in any runtime yet).

#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::{constants::ParityDbWeight, Weight}};

/// What the calls and hooks of `pallet_archive` cost.
pub trait WeightInfo {
	fn register_node() -> Weight;
	fn heartbeat() -> Weight;
	fn leave() -> Weight;
	fn liveness_check(n: u32) -> Weight;
	fn reform_clusters(n: u32) -> Weight;
}

/// Starting values with ParityDB's database weights.
impl WeightInfo for () {
	fn register_node() -> Weight {
		Weight::from_parts(60_000_000, 4_000).saturating_add(ParityDbWeight::get().reads_writes(6, 5))
	}
	fn heartbeat() -> Weight {
		Weight::from_parts(30_000_000, 4_000).saturating_add(ParityDbWeight::get().reads_writes(3, 2))
	}
	fn leave() -> Weight {
		Weight::from_parts(40_000_000, 4_000).saturating_add(ParityDbWeight::get().reads_writes(3, 4))
	}
	fn liveness_check(n: u32) -> Weight {
		Weight::from_parts(5_000_000, 0)
			.saturating_add(Weight::from_parts(10_000_000, 1_000).saturating_mul(n.into()))
			.saturating_add(ParityDbWeight::get().reads_writes(n.into(), n.into()))
	}
	fn reform_clusters(n: u32) -> Weight {
		Weight::from_parts(5_000_000, 0)
			.saturating_add(Weight::from_parts(10_000_000, 1_000).saturating_mul(n.into()))
			.saturating_add(ParityDbWeight::get().reads_writes((2 * n).into(), n.into()))
	}
}
