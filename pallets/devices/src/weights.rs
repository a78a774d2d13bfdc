//! Weights of `pallet_devices`, generated from its benchmarks by `scripts/benchmark.sh`.
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
		// Minimum execution time: 74_089_000 picoseconds.
		Weight::from_parts(147_236_000, 3593)
			.saturating_add(T::DbWeight::get().reads(7))
			.saturating_add(T::DbWeight::get().writes(7))
	}
	fn approve_registration() -> Weight {
		// Proof size measured: `983` bytes.
		// Minimum execution time: 57_407_000 picoseconds.
		Weight::from_parts(94_187_000, 4071)
			.saturating_add(T::DbWeight::get().reads(5))
			.saturating_add(T::DbWeight::get().writes(3))
	}
	fn reject_registration() -> Weight {
		// Proof size measured: `1123` bytes.
		// Minimum execution time: 73_237_000 picoseconds.
		Weight::from_parts(136_165_000, 4071)
			.saturating_add(T::DbWeight::get().reads(6))
			.saturating_add(T::DbWeight::get().writes(5))
	}
	fn provision_device() -> Weight {
		// Proof size measured: `708` bytes.
		// Minimum execution time: 129_613_000 picoseconds.
		Weight::from_parts(245_580_000, 3806)
			.saturating_add(T::DbWeight::get().reads(6))
			.saturating_add(T::DbWeight::get().writes(4))
	}
	fn suspend_device() -> Weight {
		// Proof size measured: `680` bytes.
		// Minimum execution time: 48_971_000 picoseconds.
		Weight::from_parts(92_524_000, 4071)
			.saturating_add(T::DbWeight::get().reads(3))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	fn resume_device() -> Weight {
		// Proof size measured: `683` bytes.
		// Minimum execution time: 47_529_000 picoseconds.
		Weight::from_parts(80_922_000, 4071)
			.saturating_add(T::DbWeight::get().reads(3))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	fn revoke_device() -> Weight {
		// Proof size measured: `1123` bytes.
		// Minimum execution time: 70_121_000 picoseconds.
		Weight::from_parts(135_674_000, 4071)
			.saturating_add(T::DbWeight::get().reads(6))
			.saturating_add(T::DbWeight::get().writes(4))
	}
	fn rotate_key() -> Weight {
		// Proof size measured: `580` bytes.
		// Minimum execution time: 153_938_000 picoseconds.
		Weight::from_parts(289_042_000, 6196)
			.saturating_add(T::DbWeight::get().reads(6))
			.saturating_add(T::DbWeight::get().writes(5))
	}
	fn update_device_info() -> Weight {
		// Proof size measured: `733` bytes.
		// Minimum execution time: 64_641_000 picoseconds.
		Weight::from_parts(125_335_000, 6140)
			.saturating_add(T::DbWeight::get().reads(5))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	/// The range of component `n` is `[0, 4]`.
	fn expire_requests(n: u32, ) -> Weight {
		// Proof size measured: `403 + n * (509 ±0)` bytes.
		// Minimum execution time: 8_667_000 picoseconds.
		Weight::from_parts(28_993_540, 3565)
			.saturating_add(Weight::from_parts(67_690_719, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(2))
			.saturating_add(T::DbWeight::get().reads((3_u64).saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().writes(2))
			.saturating_add(T::DbWeight::get().writes((4_u64).saturating_mul(n.into())))
			.saturating_add(Weight::from_parts(0, 3081).saturating_mul(n.into()))
	}
	fn check_nonce_request_registration() -> Weight {
		// Proof size measured: `590` bytes.
		// Minimum execution time: 43_622_000 picoseconds.
		Weight::from_parts(86_392_000, 3593)
			.saturating_add(T::DbWeight::get().reads(5))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	fn check_nonce_rotate_key() -> Weight {
		// Proof size measured: `565` bytes.
		// Minimum execution time: 113_753_000 picoseconds.
		Weight::from_parts(213_460_000, 6052)
			.saturating_add(T::DbWeight::get().reads(5))
			.saturating_add(T::DbWeight::get().writes(1))
	}
}

/// The same figures with ParityDB's database weights, for mock runtimes in tests.
impl WeightInfo for () {
	fn request_registration() -> Weight {
		Weight::from_parts(147_236_000, 3593)
			.saturating_add(ParityDbWeight::get().reads(7))
			.saturating_add(ParityDbWeight::get().writes(7))
	}
	fn approve_registration() -> Weight {
		Weight::from_parts(94_187_000, 4071)
			.saturating_add(ParityDbWeight::get().reads(5))
			.saturating_add(ParityDbWeight::get().writes(3))
	}
	fn reject_registration() -> Weight {
		Weight::from_parts(136_165_000, 4071)
			.saturating_add(ParityDbWeight::get().reads(6))
			.saturating_add(ParityDbWeight::get().writes(5))
	}
	fn provision_device() -> Weight {
		Weight::from_parts(245_580_000, 3806)
			.saturating_add(ParityDbWeight::get().reads(6))
			.saturating_add(ParityDbWeight::get().writes(4))
	}
	fn suspend_device() -> Weight {
		Weight::from_parts(92_524_000, 4071)
			.saturating_add(ParityDbWeight::get().reads(3))
			.saturating_add(ParityDbWeight::get().writes(1))
	}
	fn resume_device() -> Weight {
		Weight::from_parts(80_922_000, 4071)
			.saturating_add(ParityDbWeight::get().reads(3))
			.saturating_add(ParityDbWeight::get().writes(1))
	}
	fn revoke_device() -> Weight {
		Weight::from_parts(135_674_000, 4071)
			.saturating_add(ParityDbWeight::get().reads(6))
			.saturating_add(ParityDbWeight::get().writes(4))
	}
	fn rotate_key() -> Weight {
		Weight::from_parts(289_042_000, 6196)
			.saturating_add(ParityDbWeight::get().reads(6))
			.saturating_add(ParityDbWeight::get().writes(5))
	}
	fn update_device_info() -> Weight {
		Weight::from_parts(125_335_000, 6140)
			.saturating_add(ParityDbWeight::get().reads(5))
			.saturating_add(ParityDbWeight::get().writes(1))
	}
	fn expire_requests(n: u32, ) -> Weight {
		Weight::from_parts(28_993_540, 3565)
			.saturating_add(Weight::from_parts(67_690_719, 0).saturating_mul(n.into()))
			.saturating_add(ParityDbWeight::get().reads(2))
			.saturating_add(ParityDbWeight::get().reads((3_u64).saturating_mul(n.into())))
			.saturating_add(ParityDbWeight::get().writes(2))
			.saturating_add(ParityDbWeight::get().writes((4_u64).saturating_mul(n.into())))
	}
	fn check_nonce_request_registration() -> Weight {
		Weight::from_parts(86_392_000, 3593)
			.saturating_add(ParityDbWeight::get().reads(5))
			.saturating_add(ParityDbWeight::get().writes(1))
	}
	fn check_nonce_rotate_key() -> Weight {
		Weight::from_parts(213_460_000, 6052)
			.saturating_add(ParityDbWeight::get().reads(5))
			.saturating_add(ParityDbWeight::get().writes(1))
	}
}
