//! Weights of the supervisors pallet's calls.
//!
//! NOT YET BENCHMARKED: these are hand-set starting values (an execution time plus the database
//! reads and writes each call makes, costed by the runtime's `DbWeight`), in the shape that
//! `scripts/benchmark.sh` generates. Run that script to replace them with measured figures.

#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::Weight};

/// What the supervisors pallet's calls cost.
pub trait WeightInfo {
	fn grant_role() -> Weight;
	fn revoke_role() -> Weight;
	fn request_role() -> Weight;
	fn approve_role_request() -> Weight;
	fn reject_role_request() -> Weight;
	fn withdraw_role_request() -> Weight;
}

/// Weights for the cinechain runtime, measured with its database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn grant_role() -> Weight {
		Weight::from_parts(20_000_000, 3_700)
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::DbWeight::get().writes(2))
	}
	fn revoke_role() -> Weight {
		Weight::from_parts(15_000_000, 3_600)
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	fn request_role() -> Weight {
		Weight::from_parts(18_000_000, 3_700)
			.saturating_add(T::DbWeight::get().reads(2))
			.saturating_add(T::DbWeight::get().writes(2))
	}
	fn approve_role_request() -> Weight {
		Weight::from_parts(22_000_000, 3_700)
			.saturating_add(T::DbWeight::get().reads(2))
			.saturating_add(T::DbWeight::get().writes(3))
	}
	fn reject_role_request() -> Weight {
		Weight::from_parts(16_000_000, 3_700)
			.saturating_add(T::DbWeight::get().reads(2))
			.saturating_add(T::DbWeight::get().writes(2))
	}
	fn withdraw_role_request() -> Weight {
		Weight::from_parts(16_000_000, 3_700)
			.saturating_add(T::DbWeight::get().reads(2))
			.saturating_add(T::DbWeight::get().writes(2))
	}
}

/// For tests: every call costs a fixed small weight.
impl WeightInfo for () {
	fn grant_role() -> Weight { Weight::from_parts(10_000, 0) }
	fn revoke_role() -> Weight { Weight::from_parts(10_000, 0) }
	fn request_role() -> Weight { Weight::from_parts(10_000, 0) }
	fn approve_role_request() -> Weight { Weight::from_parts(10_000, 0) }
	fn reject_role_request() -> Weight { Weight::from_parts(10_000, 0) }
	fn withdraw_role_request() -> Weight { Weight::from_parts(10_000, 0) }
}
