//! Weights of the devices pallet's calls.
//!
//! NOT YET BENCHMARKED: these are hand-set starting values (an execution time plus the database
//! reads and writes each call makes, costed by the runtime's `DbWeight`), in the shape that
//! `scripts/benchmark.sh` generates. Run that script to replace them with measured figures.

#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::Weight};

/// What the devices pallet's calls cost.
pub trait WeightInfo {
	fn request_registration() -> Weight;
	fn approve_registration() -> Weight;
	fn reject_registration() -> Weight;
	fn provision_device() -> Weight;
	fn suspend_device() -> Weight;
	fn resume_device() -> Weight;
	fn revoke_device() -> Weight;
	fn rotate_key() -> Weight;
	fn update_device_info() -> Weight;
}

/// Weights for the cinechain runtime, measured with its database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn request_registration() -> Weight {
		Weight::from_parts(40_000_000, 4_000)
			.saturating_add(T::DbWeight::get().reads(4))
			.saturating_add(T::DbWeight::get().writes(4))
	}
	fn approve_registration() -> Weight {
		Weight::from_parts(30_000_000, 4_000)
			.saturating_add(T::DbWeight::get().reads(3))
			.saturating_add(T::DbWeight::get().writes(2))
	}
	fn reject_registration() -> Weight {
		Weight::from_parts(35_000_000, 4_000)
			.saturating_add(T::DbWeight::get().reads(4))
			.saturating_add(T::DbWeight::get().writes(4))
	}
	fn provision_device() -> Weight {
		Weight::from_parts(90_000_000, 4_000)
			.saturating_add(T::DbWeight::get().reads(4))
			.saturating_add(T::DbWeight::get().writes(4))
	}
	fn suspend_device() -> Weight {
		Weight::from_parts(30_000_000, 4_000)
			.saturating_add(T::DbWeight::get().reads(2))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	fn resume_device() -> Weight {
		Weight::from_parts(30_000_000, 4_000)
			.saturating_add(T::DbWeight::get().reads(2))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	fn revoke_device() -> Weight {
		Weight::from_parts(35_000_000, 4_000)
			.saturating_add(T::DbWeight::get().reads(3))
			.saturating_add(T::DbWeight::get().writes(3))
	}
	fn rotate_key() -> Weight {
		Weight::from_parts(95_000_000, 4_000)
			.saturating_add(T::DbWeight::get().reads(4))
			.saturating_add(T::DbWeight::get().writes(5))
	}
	fn update_device_info() -> Weight {
		Weight::from_parts(35_000_000, 4_000)
			.saturating_add(T::DbWeight::get().reads(2))
			.saturating_add(T::DbWeight::get().writes(1))
	}
}

/// For tests: every call costs a fixed small weight.
impl WeightInfo for () {
	fn request_registration() -> Weight { Weight::from_parts(10_000, 0) }
	fn approve_registration() -> Weight { Weight::from_parts(10_000, 0) }
	fn reject_registration() -> Weight { Weight::from_parts(10_000, 0) }
	fn provision_device() -> Weight { Weight::from_parts(10_000, 0) }
	fn suspend_device() -> Weight { Weight::from_parts(10_000, 0) }
	fn resume_device() -> Weight { Weight::from_parts(10_000, 0) }
	fn revoke_device() -> Weight { Weight::from_parts(10_000, 0) }
	fn rotate_key() -> Weight { Weight::from_parts(10_000, 0) }
	fn update_device_info() -> Weight { Weight::from_parts(10_000, 0) }
}
