//! Weights of `pallet_cinemas`. Not yet measured: estimates from the other pallets' measured
//! calls of the same shape (one registrar check, one entry read and written). Regenerate with
//! `scripts/benchmark.sh cinemas`; do not edit by hand after that.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::{constants::ParityDbWeight, Weight}};

/// What the calls of `pallet_cinemas` cost.
pub trait WeightInfo {
	fn register_cinema() -> Weight;
	fn update_cinema() -> Weight;
	fn move_cinema() -> Weight;
}

/// Weights for a runtime, with that runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn register_cinema() -> Weight {
		Weight::from_parts(60_000_000, 3700)
			.saturating_add(T::DbWeight::get().reads(2))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	fn update_cinema() -> Weight {
		Weight::from_parts(60_000_000, 3700)
			.saturating_add(T::DbWeight::get().reads(2))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	fn move_cinema() -> Weight {
		Weight::from_parts(40_000_000, 3700)
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::DbWeight::get().writes(1))
	}
}

/// The same figures with ParityDB's database weights, for mock runtimes in tests.
impl WeightInfo for () {
	fn register_cinema() -> Weight {
		Weight::from_parts(60_000_000, 3700)
			.saturating_add(ParityDbWeight::get().reads(2))
			.saturating_add(ParityDbWeight::get().writes(1))
	}
	fn update_cinema() -> Weight {
		Weight::from_parts(60_000_000, 3700)
			.saturating_add(ParityDbWeight::get().reads(2))
			.saturating_add(ParityDbWeight::get().writes(1))
	}
	fn move_cinema() -> Weight {
		Weight::from_parts(40_000_000, 3700)
			.saturating_add(ParityDbWeight::get().reads(1))
			.saturating_add(ParityDbWeight::get().writes(1))
	}
}
