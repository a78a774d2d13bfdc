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
}

/// Weights for a runtime, with that runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn request_registration() -> Weight {
		// Proof size measured: `590` bytes.
		// Minimum execution time: 33_570_000 picoseconds.
		Weight::from_parts(36_515_000, 3593)
			.saturating_add(T::DbWeight::get().reads(7))
			.saturating_add(T::DbWeight::get().writes(7))
	}
	fn approve_registration() -> Weight {
		// Proof size measured: `983` bytes.
		// Minimum execution time: 26_539_000 picoseconds.
		Weight::from_parts(28_583_000, 4071)
			.saturating_add(T::DbWeight::get().reads(5))
			.saturating_add(T::DbWeight::get().writes(3))
	}
	fn reject_registration() -> Weight {
		// Proof size measured: `1123` bytes.
		// Minimum execution time: 33_400_000 picoseconds.
		Weight::from_parts(36_534_000, 4071)
			.saturating_add(T::DbWeight::get().reads(6))
			.saturating_add(T::DbWeight::get().writes(5))
	}
	fn provision_device() -> Weight {
		// Proof size measured: `721` bytes.
		// Minimum execution time: 65_507_000 picoseconds.
		Weight::from_parts(70_625_000, 3806)
			.saturating_add(T::DbWeight::get().reads(6))
			.saturating_add(T::DbWeight::get().writes(4))
	}
	fn suspend_device() -> Weight {
		// Proof size measured: `680` bytes.
		// Minimum execution time: 24_146_000 picoseconds.
		Weight::from_parts(26_209_000, 4071)
			.saturating_add(T::DbWeight::get().reads(3))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	fn resume_device() -> Weight {
		// Proof size measured: `683` bytes.
		// Minimum execution time: 23_425_000 picoseconds.
		Weight::from_parts(26_189_000, 4071)
			.saturating_add(T::DbWeight::get().reads(3))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	fn revoke_device() -> Weight {
		// Proof size measured: `1123` bytes.
		// Minimum execution time: 31_467_000 picoseconds.
		Weight::from_parts(34_952_000, 4071)
			.saturating_add(T::DbWeight::get().reads(6))
			.saturating_add(T::DbWeight::get().writes(4))
	}
	fn rotate_key() -> Weight {
		// Proof size measured: `580` bytes.
		// Minimum execution time: 65_818_000 picoseconds.
		Weight::from_parts(73_129_000, 6196)
			.saturating_add(T::DbWeight::get().reads(6))
			.saturating_add(T::DbWeight::get().writes(5))
	}
	fn update_device_info() -> Weight {
		// Proof size measured: `733` bytes.
		// Minimum execution time: 28_092_000 picoseconds.
		Weight::from_parts(30_605_000, 6140)
			.saturating_add(T::DbWeight::get().reads(5))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	/// The range of component `n` is `[0, 4]`.
	fn expire_requests(n: u32, ) -> Weight {
		// Proof size measured: `427 + n * (512 ±0)` bytes.
		// Minimum execution time: 4_106_000 picoseconds.
		Weight::from_parts(7_334_540, 3565)
			.saturating_add(Weight::from_parts(19_344_719, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(2))
			.saturating_add(T::DbWeight::get().reads((3_u64).saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().writes(2))
			.saturating_add(T::DbWeight::get().writes((4_u64).saturating_mul(n.into())))
			.saturating_add(Weight::from_parts(0, 3081).saturating_mul(n.into()))
	}
}

/// The same figures with ParityDB's database weights, for mock runtimes in tests.
impl WeightInfo for () {
	fn request_registration() -> Weight {
		Weight::from_parts(36_515_000, 3593)
			.saturating_add(ParityDbWeight::get().reads(7))
			.saturating_add(ParityDbWeight::get().writes(7))
	}
	fn approve_registration() -> Weight {
		Weight::from_parts(28_583_000, 4071)
			.saturating_add(ParityDbWeight::get().reads(5))
			.saturating_add(ParityDbWeight::get().writes(3))
	}
	fn reject_registration() -> Weight {
		Weight::from_parts(36_534_000, 4071)
			.saturating_add(ParityDbWeight::get().reads(6))
			.saturating_add(ParityDbWeight::get().writes(5))
	}
	fn provision_device() -> Weight {
		Weight::from_parts(70_625_000, 3806)
			.saturating_add(ParityDbWeight::get().reads(6))
			.saturating_add(ParityDbWeight::get().writes(4))
	}
	fn suspend_device() -> Weight {
		Weight::from_parts(26_209_000, 4071)
			.saturating_add(ParityDbWeight::get().reads(3))
			.saturating_add(ParityDbWeight::get().writes(1))
	}
	fn resume_device() -> Weight {
		Weight::from_parts(26_189_000, 4071)
			.saturating_add(ParityDbWeight::get().reads(3))
			.saturating_add(ParityDbWeight::get().writes(1))
	}
	fn revoke_device() -> Weight {
		Weight::from_parts(34_952_000, 4071)
			.saturating_add(ParityDbWeight::get().reads(6))
			.saturating_add(ParityDbWeight::get().writes(4))
	}
	fn rotate_key() -> Weight {
		Weight::from_parts(73_129_000, 6196)
			.saturating_add(ParityDbWeight::get().reads(6))
			.saturating_add(ParityDbWeight::get().writes(5))
	}
	fn update_device_info() -> Weight {
		Weight::from_parts(30_605_000, 6140)
			.saturating_add(ParityDbWeight::get().reads(5))
			.saturating_add(ParityDbWeight::get().writes(1))
	}
	fn expire_requests(n: u32, ) -> Weight {
		Weight::from_parts(7_334_540, 3565)
			.saturating_add(Weight::from_parts(19_344_719, 0).saturating_mul(n.into()))
			.saturating_add(ParityDbWeight::get().reads(2))
			.saturating_add(ParityDbWeight::get().reads((3_u64).saturating_mul(n.into())))
			.saturating_add(ParityDbWeight::get().writes(2))
			.saturating_add(ParityDbWeight::get().writes((4_u64).saturating_mul(n.into())))
	}
}
