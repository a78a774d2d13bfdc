//! Weights of the screenings pallet's calls.
//!
//! NOT YET BENCHMARKED: these are hand-set starting values (an execution time plus the database
//! reads and writes each call makes, costed by the runtime's `DbWeight`), in the shape that
//! `scripts/benchmark.sh` generates. Run that script to replace them with measured figures.

#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::Weight};

/// What the screenings pallet's calls cost.
pub trait WeightInfo {
	fn record_screening() -> Weight;
	fn flag_screening() -> Weight;
	fn resolve_flag() -> Weight;
	fn record_screenings(n: u32) -> Weight;
}

/// Weights for the cinechain runtime, measured with its database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn record_screening() -> Weight {
		Weight::from_parts(45_000_000, 4_000)
			.saturating_add(T::DbWeight::get().reads(4))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	fn flag_screening() -> Weight {
		Weight::from_parts(30_000_000, 4_000)
			.saturating_add(T::DbWeight::get().reads(4))
			.saturating_add(T::DbWeight::get().writes(2))
	}
	fn resolve_flag() -> Weight {
		Weight::from_parts(30_000_000, 4_000)
			.saturating_add(T::DbWeight::get().reads(4))
			.saturating_add(T::DbWeight::get().writes(2))
	}
	fn record_screenings(n: u32) -> Weight {
		Weight::from_parts(20_000_000, 4_000)
			.saturating_add(Weight::from_parts(30_000_000, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(4))
			.saturating_add(T::DbWeight::get().writes(1))
	}
}

/// For tests: every call costs a fixed small weight.
impl WeightInfo for () {
	fn record_screening() -> Weight { Weight::from_parts(10_000, 0) }
	fn flag_screening() -> Weight { Weight::from_parts(10_000, 0) }
	fn resolve_flag() -> Weight { Weight::from_parts(10_000, 0) }
	fn record_screenings(n: u32) -> Weight { Weight::from_parts(10_000, 0).saturating_mul(n.into()) }
}
