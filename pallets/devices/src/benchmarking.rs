//! Benchmarks of the devices pallet's calls and of its transaction extension ([`CheckNonce`]
//! judging the feeless calls), each on its most expensive path: texts at their longest, real
//! signature checks.

use super::*;
use crate::Pallet as DevicesPallet;
use cinechain_primitives::{BenchmarkKeys as _, Cinemas as _, Devices as _, RegionCode, Scope, MAX_REGION_CODE_LEN};
use frame_benchmarking::v2::*;
use frame_support::{
	dispatch::{DispatchInfo, PostDispatchInfo},
	traits::IsSubType,
};
use frame_system::RawOrigin;
use sp_runtime::traits::{AsSystemOriginSigner, AsTransactionAuthorizedOrigin, DispatchTransaction, Dispatchable};

/// Device information with every text at its longest.
fn longest_info() -> DeviceInfo {
	let text = |c: u8| Text::try_from(alloc::vec![c; MAX_TEXT_LEN as usize]).expect("exactly the bound");
	DeviceInfo {
		manufacturer: text(b'm'),
		model: text(b'o'),
		serial_number: text(b's'),
		production_date: 2025_06_30,
		firmware_version: text(b'f'),
		cinema: 1,
	}
}

/// The benchmark cinema's place, registered.
fn place<T: Config>() -> Place {
	let region = RegionCode::try_from(alloc::vec![b'R'; MAX_REGION_CODE_LEN as usize]).expect("bound");
	if T::Cinemas::place_of(1).is_none() {
		T::Cinemas::register_for_benchmarks(1, region.clone());
	}
	Place { cinema: 1, region }
}

/// An account holding `role` nationwide.
fn official<T: Config>(role: Role) -> T::AccountId {
	let who: T::AccountId = whitelisted_caller();
	T::Permissions::grant_for_benchmarks(&who, role, Scope::National);
	who
}

/// A device in status `Requested` under a fresh key.
fn requested<T: Config>() -> (DeviceId, T::AccountId) {
	let key = T::BenchmarkHelper::new_key();
	let info = longest_info();
	let cinema = place::<T>().cinema;
	let id = DevicesPallet::<T>::insert_device(key.clone(), info, DeviceStatus::Requested);
	DevicesPallet::<T>::open_request(id, cinema);
	(id, key)
}

/// An active device under a fresh key.
fn active<T: Config>() -> (DeviceId, T::AccountId) {
	let key = T::BenchmarkHelper::new_key();
	(DevicesPallet::<T>::register_active_for_benchmarks(&key, place::<T>()), key)
}

/// The fullest state a registration request still gets through: the cinema's queue and the
/// block's list one short of full.
fn requests_nearly_full<T: Config>() {
	RequestsAt::<T>::insert(place::<T>().cinema, T::MaxRequestsPerCinema::get().saturating_sub(1));
	let due = DevicesPallet::<T>::expiry_of_new_request();
	let others = (1..T::MaxRequestsPerBlock::get()).map(|i| u64::MAX - i as u64).collect::<alloc::vec::Vec<_>>();
	RequestExpiries::<T>::insert(due, BoundedVec::truncate_from(others));
}

/// An active device's key after its rotation cooldown, a fresh key, and the fresh key's proof.
fn rotation<T: Config>() -> (DeviceId, T::AccountId, T::AccountId, T::Signature) {
	let (id, old) = active::<T>();
	frame_system::Pallet::<T>::set_block_number(T::KeyRotationCooldown::get() + 1u32.into());
	let new = T::BenchmarkHelper::new_key();
	let proof = T::BenchmarkHelper::sign(&new, &DevicesPallet::<T>::rotation_payload(id, &old, &new));
	(id, old, new, proof)
}

#[benchmarks(where
	T: Send + Sync,
	T::RuntimeCall: Dispatchable<Info = DispatchInfo, PostInfo = PostDispatchInfo> + IsSubType<Call<T>> + From<Call<T>>,
	<T::RuntimeCall as Dispatchable>::RuntimeOrigin:
		AsSystemOriginSigner<T::AccountId> + AsTransactionAuthorizedOrigin + Clone,
)]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn request_registration() {
		requests_nearly_full::<T>();
		let key = T::BenchmarkHelper::new_key();
		#[extrinsic_call]
		_(RawOrigin::Signed(key.clone()), longest_info());
		assert!(DeviceByKey::<T>::contains_key(&key));
	}

	#[benchmark]
	fn approve_registration() {
		let registrar = official::<T>(Role::Registrar);
		let (id, _) = requested::<T>();
		#[extrinsic_call]
		_(RawOrigin::Signed(registrar), id);
		assert_eq!(Devices::<T>::get(id).map(|d| d.status), Some(DeviceStatus::Active));
	}

	#[benchmark]
	fn reject_registration() {
		let registrar = official::<T>(Role::Registrar);
		let (id, _) = requested::<T>();
		#[extrinsic_call]
		_(RawOrigin::Signed(registrar), id, 1);
		assert!(!Devices::<T>::contains_key(id));
	}

	#[benchmark]
	fn provision_device() {
		let registrar = official::<T>(Role::Registrar);
		let key = T::BenchmarkHelper::new_key();
		place::<T>();
		let info = longest_info();
		let proof = T::BenchmarkHelper::sign(&key, &DevicesPallet::<T>::provision_payload(&key, &info));
		#[extrinsic_call]
		_(RawOrigin::Signed(registrar), key.clone(), info, proof);
		assert!(DevicesPallet::<T>::is_active_key(&key));
	}

	#[benchmark]
	fn suspend_device() {
		let supervisor = official::<T>(Role::Supervisor);
		let (id, key) = active::<T>();
		#[extrinsic_call]
		_(RawOrigin::Signed(supervisor), id, 1);
		assert!(!DevicesPallet::<T>::is_active_key(&key));
	}

	#[benchmark]
	fn resume_device() {
		let supervisor = official::<T>(Role::Supervisor);
		let (id, key) = active::<T>();
		DevicesPallet::<T>::suspend_device(RawOrigin::Signed(supervisor.clone()).into(), id, 1)
			.expect("an active device can be suspended");
		#[extrinsic_call]
		_(RawOrigin::Signed(supervisor), id);
		assert!(DevicesPallet::<T>::is_active_key(&key));
	}

	#[benchmark]
	fn revoke_device() {
		let supervisor = official::<T>(Role::Supervisor);
		let (id, key) = requested::<T>();
		#[extrinsic_call]
		_(RawOrigin::Signed(supervisor), id, 1);
		assert!(!DevicesPallet::<T>::is_active_key(&key));
		assert_eq!(PendingRequests::<T>::get(), 0);
	}

	#[benchmark]
	fn rotate_key() {
		let (_, old, new, proof) = rotation::<T>();
		#[extrinsic_call]
		_(RawOrigin::Signed(old.clone()), new.clone(), proof);
		assert!(DevicesPallet::<T>::is_active_key(&new));
	}

	#[benchmark]
	fn update_device_info() {
		let registrar = official::<T>(Role::Registrar);
		let (id, _) = active::<T>();
		// The worst case: a move to another cinema (its registry entry and the open flags read).
		let mut info = longest_info();
		info.firmware_version = Text::try_from(alloc::vec![b'2'; MAX_TEXT_LEN as usize]).expect("bound");
		info.cinema = 2;
		T::Cinemas::register_for_benchmarks(2, place::<T>().region);
		#[extrinsic_call]
		_(RawOrigin::Signed(registrar), id, info.clone());
		assert_eq!(Devices::<T>::get(id).map(|d| d.info), Some(info));
	}

	/// `n` requests expire at this block, none of them answered.
	#[benchmark]
	fn expire_requests(n: Linear<0, { T::MaxRequestsPerBlock::get() }>) {
		let now = frame_system::Pallet::<T>::block_number();
		let devices = (0..n).map(|_| requested::<T>().0).collect::<alloc::vec::Vec<_>>();
		RequestExpiries::<T>::insert(now, BoundedVec::truncate_from(devices.clone()));
		#[block]
		{
			DevicesPallet::<T>::on_initialize(now);
		}
		assert!(devices.iter().all(|d| !Devices::<T>::contains_key(d)));
		assert_eq!(PendingRequests::<T>::get(), 0);
	}

	/// [`CheckNonce`] on a registration request from a key that is not an account yet: the
	/// nonce, and the pallet's judgement of the request (the cinema, its queue, the block's).
	#[benchmark]
	fn check_nonce_request_registration() {
		requests_nearly_full::<T>();
		let key = T::BenchmarkHelper::new_key();
		let call: T::RuntimeCall = Call::<T>::request_registration { info: longest_info() }.into();
		let info = DispatchInfo::default();
		#[block]
		{
			CheckNonce::<T>::from(0u32.into())
				.test_run(RawOrigin::Signed(key.clone()).into(), &call, &info, 0, 0, |_| Ok(().into()))
				.expect("the request passes the pool's check")
				.expect("nothing is dispatched");
		}
		assert_eq!(frame_system::Pallet::<T>::account_nonce(&key), 1u32.into());
	}

	/// [`CheckNonce`] on a device's feeless key rotation: the nonce, and the rotation's checks,
	/// the new key's proof (a signature check) included.
	#[benchmark]
	fn check_nonce_rotate_key() {
		let (_, old, new, proof) = rotation::<T>();
		let call: T::RuntimeCall = Call::<T>::rotate_key { new_key: new, proof }.into();
		let info = DispatchInfo::default();
		let nonce = frame_system::Pallet::<T>::account_nonce(&old);
		#[block]
		{
			CheckNonce::<T>::from(nonce)
				.test_run(RawOrigin::Signed(old.clone()).into(), &call, &info, 0, 0, |_| Ok(().into()))
				.expect("the rotation passes the pool's check")
				.expect("nothing is dispatched");
		}
		assert_eq!(frame_system::Pallet::<T>::account_nonce(&old), nonce + 1u32.into());
	}

	impl_benchmark_test_suite!(DevicesPallet, crate::mock::new_test_ext(), crate::mock::Test);
}
