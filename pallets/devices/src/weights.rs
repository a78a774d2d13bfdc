//! Weights of `pallet_devices`, generated from its benchmarks by `scripts/benchmark.sh`.
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
	fn check_nonce_request_registration() -> Weight;
	fn check_nonce_rotate_key() -> Weight;
}

/// Weights for a runtime, with that runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn request_registration() -> Weight {
		// Proof size measured: `590` bytes.
		// Minimum execution time: 33_630_000 picoseconds.
		Weight::from_parts(37_056_000, 3593)
			.saturating_add(T::DbWeight::get().reads(7))
			.saturating_add(T::DbWeight::get().writes(7))
	}
	fn approve_registration() -> Weight {
		// Proof size measured: `983` bytes.
		// Minimum execution time: 26_690_000 picoseconds.
		Weight::from_parts(29_033_000, 4071)
			.saturating_add(T::DbWeight::get().reads(5))
			.saturating_add(T::DbWeight::get().writes(3))
	}
	fn reject_registration() -> Weight {
		// Proof size measured: `1123` bytes.
		// Minimum execution time: 33_961_000 picoseconds.
		Weight::from_parts(37_045_000, 4071)
			.saturating_add(T::DbWeight::get().reads(6))
			.saturating_add(T::DbWeight::get().writes(5))
	}
	fn provision_device() -> Weight {
		// Proof size measured: `721` bytes.
		// Minimum execution time: 65_017_000 picoseconds.
		Weight::from_parts(71_947_000, 3806)
			.saturating_add(T::DbWeight::get().reads(6))
			.saturating_add(T::DbWeight::get().writes(4))
	}
	fn suspend_device() -> Weight {
		// Proof size measured: `680` bytes.
		// Minimum execution time: 24_246_000 picoseconds.
		Weight::from_parts(26_219_000, 4071)
			.saturating_add(T::DbWeight::get().reads(3))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	fn resume_device() -> Weight {
		// Proof size measured: `683` bytes.
		// Minimum execution time: 23_825_000 picoseconds.
		Weight::from_parts(26_179_000, 4071)
			.saturating_add(T::DbWeight::get().reads(3))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	fn revoke_device() -> Weight {
		// Proof size measured: `1123` bytes.
		// Minimum execution time: 31_687_000 picoseconds.
		Weight::from_parts(35_443_000, 4071)
			.saturating_add(T::DbWeight::get().reads(6))
			.saturating_add(T::DbWeight::get().writes(4))
	}
	fn rotate_key() -> Weight {
		// Proof size measured: `580` bytes.
		// Minimum execution time: 66_389_000 picoseconds.
		Weight::from_parts(72_008_000, 6196)
			.saturating_add(T::DbWeight::get().reads(6))
			.saturating_add(T::DbWeight::get().writes(5))
	}
	fn update_device_info() -> Weight {
		// Proof size measured: `733` bytes.
		// Minimum execution time: 28_473_000 picoseconds.
		Weight::from_parts(31_037_000, 6140)
			.saturating_add(T::DbWeight::get().reads(5))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	/// The range of component `n` is `[0, 4]`.
	fn expire_requests(n: u32, ) -> Weight {
		// Proof size measured: `424 + n * (512 ±0)` bytes.
		// Minimum execution time: 4_167_000 picoseconds.
		Weight::from_parts(7_392_140, 3565)
			.saturating_add(Weight::from_parts(19_698_520, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(2))
			.saturating_add(T::DbWeight::get().reads((3_u64).saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().writes(2))
			.saturating_add(T::DbWeight::get().writes((4_u64).saturating_mul(n.into())))
			.saturating_add(Weight::from_parts(0, 3081).saturating_mul(n.into()))
	}
	fn check_nonce_request_registration() -> Weight {
		// Proof size measured: `590` bytes.
		// Minimum execution time: 21_502_000 picoseconds.
		Weight::from_parts(24_046_000, 3593)
			.saturating_add(T::DbWeight::get().reads(5))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	fn check_nonce_rotate_key() -> Weight {
		// Proof size measured: `565` bytes.
		// Minimum execution time: 59_689_000 picoseconds.
		Weight::from_parts(64_346_000, 6052)
			.saturating_add(T::DbWeight::get().reads(5))
			.saturating_add(T::DbWeight::get().writes(1))
	}
}

/// The same figures with ParityDB's database weights, for mock runtimes in tests.
impl WeightInfo for () {
	fn request_registration() -> Weight {
		Weight::from_parts(37_056_000, 3593)
			.saturating_add(ParityDbWeight::get().reads(7))
			.saturating_add(ParityDbWeight::get().writes(7))
	}
	fn approve_registration() -> Weight {
		Weight::from_parts(29_033_000, 4071)
			.saturating_add(ParityDbWeight::get().reads(5))
			.saturating_add(ParityDbWeight::get().writes(3))
	}
	fn reject_registration() -> Weight {
		Weight::from_parts(37_045_000, 4071)
			.saturating_add(ParityDbWeight::get().reads(6))
			.saturating_add(ParityDbWeight::get().writes(5))
	}
	fn provision_device() -> Weight {
		Weight::from_parts(71_947_000, 3806)
			.saturating_add(ParityDbWeight::get().reads(6))
			.saturating_add(ParityDbWeight::get().writes(4))
	}
	fn suspend_device() -> Weight {
		Weight::from_parts(26_219_000, 4071)
			.saturating_add(ParityDbWeight::get().reads(3))
			.saturating_add(ParityDbWeight::get().writes(1))
	}
	fn resume_device() -> Weight {
		Weight::from_parts(26_179_000, 4071)
			.saturating_add(ParityDbWeight::get().reads(3))
			.saturating_add(ParityDbWeight::get().writes(1))
	}
	fn revoke_device() -> Weight {
		Weight::from_parts(35_443_000, 4071)
			.saturating_add(ParityDbWeight::get().reads(6))
			.saturating_add(ParityDbWeight::get().writes(4))
	}
	fn rotate_key() -> Weight {
		Weight::from_parts(72_008_000, 6196)
			.saturating_add(ParityDbWeight::get().reads(6))
			.saturating_add(ParityDbWeight::get().writes(5))
	}
	fn update_device_info() -> Weight {
		Weight::from_parts(31_037_000, 6140)
			.saturating_add(ParityDbWeight::get().reads(5))
			.saturating_add(ParityDbWeight::get().writes(1))
	}
	fn expire_requests(n: u32, ) -> Weight {
		Weight::from_parts(7_392_140, 3565)
			.saturating_add(Weight::from_parts(19_698_520, 0).saturating_mul(n.into()))
			.saturating_add(ParityDbWeight::get().reads(2))
			.saturating_add(ParityDbWeight::get().reads((3_u64).saturating_mul(n.into())))
			.saturating_add(ParityDbWeight::get().writes(2))
			.saturating_add(ParityDbWeight::get().writes((4_u64).saturating_mul(n.into())))
	}
	fn check_nonce_request_registration() -> Weight {
		Weight::from_parts(24_046_000, 3593)
			.saturating_add(ParityDbWeight::get().reads(5))
			.saturating_add(ParityDbWeight::get().writes(1))
	}
	fn check_nonce_rotate_key() -> Weight {
		Weight::from_parts(64_346_000, 6052)
			.saturating_add(ParityDbWeight::get().reads(5))
			.saturating_add(ParityDbWeight::get().writes(1))
	}
}
