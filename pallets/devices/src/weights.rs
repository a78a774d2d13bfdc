//! Weights of `pallet_devices`, generated from its benchmarks by `scripts/benchmark.sh`.
//!
//! Measured with frame-benchmarking-cli 64.0.0 on 2026-11-24: steps 20, repeat
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
//! pallet_devices
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
//! pallets/devices/src/weights.rs

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::{constants::ParityDbWeight, Weight}};

/// What the calls of `pallet_devices` cost.
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
	fn expire_requests(n: u32, ) -> Weight;
}

/// Weights for a runtime, with that runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn request_registration() -> Weight {
		// Proof size measured: `223` bytes.
		// Minimum execution time: 43_692_000 picoseconds.
		Weight::from_parts(73_587_000, 3593)
			.saturating_add(T::DbWeight::get().reads(4))
			.saturating_add(T::DbWeight::get().writes(5))
	}
	fn approve_registration() -> Weight {
		// Proof size measured: `675` bytes.
		// Minimum execution time: 41_337_000 picoseconds.
		Weight::from_parts(74_509_000, 3809)
			.saturating_add(T::DbWeight::get().reads(3))
			.saturating_add(T::DbWeight::get().writes(2))
	}
	fn reject_registration() -> Weight {
		// Proof size measured: `815` bytes.
		// Minimum execution time: 52_187_000 picoseconds.
		Weight::from_parts(90_008_000, 3809)
			.saturating_add(T::DbWeight::get().reads(4))
			.saturating_add(T::DbWeight::get().writes(4))
	}
	fn provision_device() -> Weight {
		// Proof size measured: `436` bytes.
		// Minimum execution time: 116_558_000 picoseconds.
		Weight::from_parts(193_521_000, 3806)
			.saturating_add(T::DbWeight::get().reads(5))
			.saturating_add(T::DbWeight::get().writes(4))
	}
	fn suspend_device() -> Weight {
		// Proof size measured: `408` bytes.
		// Minimum execution time: 38_371_000 picoseconds.
		Weight::from_parts(69_099_000, 3809)
			.saturating_add(T::DbWeight::get().reads(2))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	fn resume_device() -> Weight {
		// Proof size measured: `410` bytes.
		// Minimum execution time: 36_989_000 picoseconds.
		Weight::from_parts(45_305_000, 3809)
			.saturating_add(T::DbWeight::get().reads(2))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	fn revoke_device() -> Weight {
		// Proof size measured: `815` bytes.
		// Minimum execution time: 50_424_000 picoseconds.
		Weight::from_parts(62_357_000, 3809)
			.saturating_add(T::DbWeight::get().reads(4))
			.saturating_add(T::DbWeight::get().writes(3))
	}
	fn rotate_key() -> Weight {
		// Proof size measured: `612` bytes.
		// Minimum execution time: 126_496_000 picoseconds.
		Weight::from_parts(184_674_000, 6196)
			.saturating_add(T::DbWeight::get().reads(6))
			.saturating_add(T::DbWeight::get().writes(5))
	}
	fn update_device_info() -> Weight {
		// Proof size measured: `408` bytes.
		// Minimum execution time: 43_191_000 picoseconds.
		Weight::from_parts(57_276_000, 3809)
			.saturating_add(T::DbWeight::get().reads(2))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	/// The range of component `n` is `[0, 4]`. Not yet measured: a request's removal costs what
	/// `reject_registration` measured, per request; regenerate with `scripts/benchmark.sh`.
	fn expire_requests(n: u32, ) -> Weight {
		Weight::from_parts(5_000_000, 1489)
			.saturating_add(Weight::from_parts(60_000_000, 3809).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::DbWeight::get().writes(1))
			.saturating_add(T::DbWeight::get().reads((3_u64).saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().writes((5_u64).saturating_mul(n.into())))
	}
}

/// The same figures with ParityDB's database weights, for mock runtimes in tests.
impl WeightInfo for () {
	fn request_registration() -> Weight {
		Weight::from_parts(73_587_000, 3593)
			.saturating_add(ParityDbWeight::get().reads(4))
			.saturating_add(ParityDbWeight::get().writes(5))
	}
	fn approve_registration() -> Weight {
		Weight::from_parts(74_509_000, 3809)
			.saturating_add(ParityDbWeight::get().reads(3))
			.saturating_add(ParityDbWeight::get().writes(2))
	}
	fn reject_registration() -> Weight {
		Weight::from_parts(90_008_000, 3809)
			.saturating_add(ParityDbWeight::get().reads(4))
			.saturating_add(ParityDbWeight::get().writes(4))
	}
	fn provision_device() -> Weight {
		Weight::from_parts(193_521_000, 3806)
			.saturating_add(ParityDbWeight::get().reads(5))
			.saturating_add(ParityDbWeight::get().writes(4))
	}
	fn suspend_device() -> Weight {
		Weight::from_parts(69_099_000, 3809)
			.saturating_add(ParityDbWeight::get().reads(2))
			.saturating_add(ParityDbWeight::get().writes(1))
	}
	fn resume_device() -> Weight {
		Weight::from_parts(45_305_000, 3809)
			.saturating_add(ParityDbWeight::get().reads(2))
			.saturating_add(ParityDbWeight::get().writes(1))
	}
	fn revoke_device() -> Weight {
		Weight::from_parts(62_357_000, 3809)
			.saturating_add(ParityDbWeight::get().reads(4))
			.saturating_add(ParityDbWeight::get().writes(3))
	}
	fn rotate_key() -> Weight {
		Weight::from_parts(184_674_000, 6196)
			.saturating_add(ParityDbWeight::get().reads(6))
			.saturating_add(ParityDbWeight::get().writes(5))
	}
	fn update_device_info() -> Weight {
		Weight::from_parts(57_276_000, 3809)
			.saturating_add(ParityDbWeight::get().reads(2))
			.saturating_add(ParityDbWeight::get().writes(1))
	}
	/// The range of component `n` is `[0, 4]`. Not yet measured: a request's removal costs what
	/// `reject_registration` measured, per request; regenerate with `scripts/benchmark.sh`.
	fn expire_requests(n: u32, ) -> Weight {
		Weight::from_parts(5_000_000, 1489)
			.saturating_add(Weight::from_parts(60_000_000, 3809).saturating_mul(n.into()))
			.saturating_add(ParityDbWeight::get().reads(1))
			.saturating_add(ParityDbWeight::get().writes(1))
			.saturating_add(ParityDbWeight::get().reads((3_u64).saturating_mul(n.into())))
			.saturating_add(ParityDbWeight::get().writes((5_u64).saturating_mul(n.into())))
	}
}
