//! Benchmarks of the screenings pallet's calls and of its transaction extension
//! ([`CheckScreening`]), each at its most expensive: every field of a record at its longest,
//! batches up to the bound, a device with history.

use super::*;
use crate::Pallet as Screenings;
use alloc::vec::Vec;
use cinechain_primitives::{Place, RegionCode, Scope};
use frame_benchmarking::v2::*;
use frame_support::{
	dispatch::{DispatchInfo, PostDispatchInfo},
	traits::IsSubType,
};
use frame_system::RawOrigin;
use sp_runtime::traits::{AsSystemOriginSigner, AsTransactionAuthorizedOrigin, DispatchTransaction, Dispatchable};

/// A record with every optional field present and every text at its longest. Its times are
/// early in the epoch so that they pass the clock check whatever the benchmark's clock says.
fn longest_record(seq: u64, prev_hash: Hash32, cinema: u32) -> ScreeningRecord {
	ScreeningRecord {
		seq,
		prev_hash,
		film: Film {
			cpl_id: Some([1; 16]),
			film_code: Some(BoundedVec::truncate_from(alloc::vec![b'0'; MAX_FILM_CODE_LEN as usize])),
			title: BoundedVec::truncate_from(alloc::vec![b't'; MAX_TITLE_LEN as usize]),
		},
		projectionist: BoundedVec::truncate_from(alloc::vec![b'p'; MAX_PROJECTIONIST_ID_LEN as usize]),
		started_at: 1_000,
		ended_at: 2_000,
		venue: Venue { cinema, hall: u16::MAX },
		location: Some(Location { latitude: 39_904_200, longitude: 116_407_400 }),
		outcome: Outcome::Aborted { reason: u16::MAX },
		report_hash: Some([2; 32]),
	}
}

fn place() -> Place {
	Place { cinema: 4401, region: RegionCode::truncate_from(b"CN-GD".to_vec()) }
}

/// An active device with `history` records on chain: its key and number.
fn device_with_history<T: Config>(history: u64) -> (T::AccountId, DeviceId) {
	let key: T::AccountId = account("device", 0, 0);
	let device = T::Devices::register_active_for_benchmarks(&key, place());
	let head = DeviceHead { last_seq: history, last_hash: [history as u8; 32], ..Default::default() };
	Heads::<T>::insert(device, head);
	(key, device)
}

/// `n` records that follow the device's head.
fn next_records<T: Config>(device: DeviceId, n: u32) -> Vec<ScreeningRecord> {
	let head = Heads::<T>::get(device);
	let mut hash = head.last_hash;
	(1..=n as u64)
		.map(|i| {
			let record = longest_record(head.last_seq + i, hash, place().cinema);
			hash = record.hash();
			record
		})
		.collect()
}

fn supervisor<T: Config>() -> T::AccountId {
	let who: T::AccountId = whitelisted_caller();
	T::Permissions::grant_for_benchmarks(&who, Role::Supervisor, Scope::National);
	who
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
	fn record_screening() {
		let (key, device) = device_with_history::<T>(10);
		let record = next_records::<T>(device, 1).remove(0);
		#[extrinsic_call]
		_(RawOrigin::Signed(key), record);
		assert_eq!(Heads::<T>::get(device).last_seq, 11);
	}

	#[benchmark]
	fn record_screenings(n: Linear<1, { T::MaxBatchLen::get() }>) {
		let (key, device) = device_with_history::<T>(10);
		let records: BoundedVec<_, T::MaxBatchLen> =
			next_records::<T>(device, n).try_into().expect("n is within the bound");
		#[extrinsic_call]
		_(RawOrigin::Signed(key), records);
		assert_eq!(Heads::<T>::get(device).last_seq, 10 + n as u64);
	}

	#[benchmark]
	fn flag_screening() {
		let (_, device) = device_with_history::<T>(10);
		let who = supervisor::<T>();
		#[extrinsic_call]
		_(RawOrigin::Signed(who), device, 5, 1);
		assert!(Flags::<T>::contains_key(device, 5));
	}

	#[benchmark]
	fn resolve_flag() {
		let (_, device) = device_with_history::<T>(10);
		let who = supervisor::<T>();
		Screenings::<T>::flag_screening(RawOrigin::Signed(who.clone()).into(), device, 5, 1)
			.expect("a recorded screening can be flagged");
		#[extrinsic_call]
		_(RawOrigin::Signed(who), device, 5, 2);
		assert!(!Flags::<T>::contains_key(device, 5));
	}

	/// The pool's and the block builder's check of a batch of `n` records (what
	/// [`CheckScreening`] charges on top of the call): the device, its head and quota, every
	/// record's rules and hash, and the quota written when the batch is included.
	#[benchmark]
	fn check_screening(n: Linear<1, { T::MaxBatchLen::get() }>) {
		let (key, device) = device_with_history::<T>(10);
		let records: BoundedVec<_, T::MaxBatchLen> =
			next_records::<T>(device, n).try_into().expect("n is within the bound");
		let call: T::RuntimeCall = Call::<T>::record_screenings { records }.into();
		let info = DispatchInfo::default();
		#[block]
		{
			CheckScreening::<T>::new()
				.test_run(RawOrigin::Signed(key).into(), &call, &info, 0, 0, |_| Ok(().into()))
				.expect("the records pass the pool's check")
				.expect("nothing is dispatched");
		}
		assert_eq!(Heads::<T>::get(device).used, n);
	}

	impl_benchmark_test_suite!(Screenings, crate::mock::new_test_ext(), crate::mock::Test);
}
