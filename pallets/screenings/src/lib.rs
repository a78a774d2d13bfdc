//! # Screenings pallet
//!
//! The records projectors write and regulators audit.
//!
//! ## Overview
//!
//! An active device signs [`Pallet::record_screening`] (or [`Pallet::record_screenings`] for a
//! backlog) with its own key. Each [`ScreeningRecord`] carries the device's next sequence
//! number and the hash of its previous record, so a missing or altered record shows; its times
//! are the device's own, so a record made offline keeps its true time.
//!
//! The chain keeps only each device's [`DeviceHead`] (last sequence number and hash, quota use,
//! open flags) and open flags. The record itself lives in the extrinsic and the
//! `ScreeningRecorded` event, that is in the block bodies that archive nodes keep.
//!
//! ## Fees and floods
//!
//! Devices hold no money: records from active devices are feeless (`#[pallet::feeless_if]`,
//! honoured by `pallet-skip-feeless-payment` in the runtime). So that this cannot be abused,
//! [`CheckScreening`] runs in the transaction pool, and again when a block is built, and holds
//! every record to the rules the call applies: a record from a key that is not an active
//! device, over the device's quota ([`Config::Quota`] records per [`Config::QuotaPeriod`]),
//! already on chain, out of the device's chain of records, or with content the call would
//! refuse never enters the pool; and a block takes it only if it follows the device's head at
//! that point of the block. A record that reaches a block therefore never fails.
//!
//! Several records of one device may wait in the pool at once: each provides the tag of its
//! `(seq, hash)` and requires that of the record it names as its predecessor, so the pool
//! orders them and releases a record only after the one it builds on.
//!
//! ## Interface
//!
//! - Device (signed by its key): `record_screening`, `record_screenings`.
//! - Supervisor in scope of the device's cinema: `flag_screening`, `resolve_flag`.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod check_screening;
#[cfg(test)]
mod mock;
pub mod rules;
#[cfg(test)]
mod tests;
pub mod types;
pub mod weights;

pub use check_screening::CheckScreening;
pub use cinechain_primitives::{DeviceId, Devices, Permissions, Role};
pub use types::*;
pub use weights::WeightInfo;

use frame_support::{pallet_prelude::*, traits::UnixTime};
use frame_system::pallet_prelude::BlockNumberFor;
use rules::{Limits, RecordError};
use sp_runtime::{traits::UniqueSaturatedInto, Saturating};

/// The log target of this pallet.
pub const LOG_TARGET: &str = "runtime::screenings";

/// A flag as stored.
pub type FlagOf<T> = Flag<<T as frame_system::Config>::AccountId, BlockNumberFor<T>>;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_system::pallet_prelude::*;

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// The device registry: which key is an active device, and where.
		type Devices: Devices<Self::AccountId>;
		/// Who may act as supervisor where.
		type Permissions: Permissions<Self::AccountId>;
		/// The chain's clock (the block's timestamp).
		type Time: UnixTime;
		/// The most records in one `record_screenings` call.
		#[pallet::constant]
		type MaxBatchLen: Get<u32>;
		/// Records one device may submit per quota period.
		#[pallet::constant]
		type Quota: Get<u32>;
		/// The quota period, in blocks.
		#[pallet::constant]
		type QuotaPeriod: Get<BlockNumberFor<Self>>;
		/// How far (ms) a record's end may lie ahead of the chain's clock.
		#[pallet::constant]
		type MaxClockSkew: Get<u64>;
		/// The longest (ms) a screening may last.
		#[pallet::constant]
		type MaxDuration: Get<u64>;
		/// The most open flags one device may have.
		#[pallet::constant]
		type MaxOpenFlags: Get<u32>;
		/// Weights of this pallet's calls, from its benchmarks.
		type WeightInfo: WeightInfo;
	}

	/// Each device's head: last sequence number and hash, quota use, open flags.
	#[pallet::storage]
	pub type Heads<T: Config> = StorageMap<_, Twox64Concat, DeviceId, DeviceHead, ValueQuery>;

	/// Open flags: `(device, sequence number) -> flag`.
	#[pallet::storage]
	pub type Flags<T: Config> = StorageDoubleMap<_, Twox64Concat, DeviceId, Twox64Concat, u64, FlagOf<T>>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A device recorded a screening. `record_hash` is what its next record carries as
		/// `prev_hash`.
		ScreeningRecorded { device: DeviceId, seq: u64, record_hash: Hash32, record: ScreeningRecord },
		/// A supervisor flagged screening `seq` of `device` with a reason code.
		ScreeningFlagged { device: DeviceId, seq: u64, reason: u16, supervisor: T::AccountId },
		/// A supervisor resolved the flag on screening `seq` of `device`, with a resolution code.
		FlagResolved { device: DeviceId, seq: u64, resolution: u16, supervisor: T::AccountId },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The signer is not an active device.
		NotActiveDevice,
		/// That sequence number is already on chain; nothing changed.
		DuplicateRecord,
		/// The sequence number is not the device's last plus one.
		SequenceGap,
		/// `prev_hash` is not the hash of the device's last record.
		BrokenHashChain,
		/// The screening ends before it starts.
		EndBeforeStart,
		/// The screening lasts longer than `MaxDuration`.
		TooLong,
		/// The screening ends too far ahead of the chain's clock (`MaxClockSkew`).
		InFuture,
		/// The venue is not the device's cinema.
		WrongVenue,
		/// The film has neither a CPL id nor a film code.
		NoFilm,
		/// The location's coordinates are out of range.
		BadLocation,
		/// A batch must hold at least one record.
		EmptyBatch,
		/// No device has that number.
		UnknownDevice,
		/// The device has no screening with that sequence number.
		UnknownScreening,
		/// The screening is already flagged.
		AlreadyFlagged,
		/// The screening is not flagged.
		NotFlagged,
		/// The device has too many open flags; resolve some first.
		TooManyOpenFlags,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Records one screening. Feeless for an active device.
		///
		/// Origin: signed by an active device's key. Emits `ScreeningRecorded`.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::record_screening())]
		#[pallet::feeless_if(|origin: &OriginFor<T>, _record: &ScreeningRecord| -> bool {
			Pallet::<T>::is_active_device(origin)
		})]
		pub fn record_screening(origin: OriginFor<T>, record: ScreeningRecord) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_record(&who, core::slice::from_ref(&record))
		}

		/// Records a backlog of screenings, oldest first, all or none. Feeless for an active
		/// device.
		///
		/// Origin: signed by an active device's key. Emits one `ScreeningRecorded` per record.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::record_screenings(records.len() as u32))]
		#[pallet::feeless_if(|origin: &OriginFor<T>, _records: &BoundedVec<ScreeningRecord, T::MaxBatchLen>| -> bool {
			Pallet::<T>::is_active_device(origin)
		})]
		pub fn record_screenings(
			origin: OriginFor<T>,
			records: BoundedVec<ScreeningRecord, T::MaxBatchLen>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_record(&who, &records)
		}

		/// Flags screening `seq` of `device` with a reason code, for the device's operator and
		/// other regulators to see.
		///
		/// Origin: signed by a supervisor whose scope covers the device's cinema. Emits
		/// `ScreeningFlagged`.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::flag_screening())]
		pub fn flag_screening(origin: OriginFor<T>, device: DeviceId, seq: u64, reason: u16) -> DispatchResult {
			let supervisor = ensure_signed(origin)?;
			Self::ensure_supervisor(&supervisor, device)?;
			let mut head = Heads::<T>::get(device);
			ensure!(seq >= 1 && seq <= head.last_seq, Error::<T>::UnknownScreening);
			ensure!(!Flags::<T>::contains_key(device, seq), Error::<T>::AlreadyFlagged);
			ensure!(head.open_flags < T::MaxOpenFlags::get(), Error::<T>::TooManyOpenFlags);
			head.open_flags += 1;
			Heads::<T>::insert(device, head);
			let at = frame_system::Pallet::<T>::block_number();
			Flags::<T>::insert(device, seq, Flag { reason, by: supervisor.clone(), at });
			Self::deposit_event(Event::ScreeningFlagged { device, seq, reason, supervisor });
			Ok(())
		}

		/// Resolves the flag on screening `seq` of `device`, with a resolution code.
		///
		/// Origin: signed by a supervisor whose scope covers the device's cinema. Emits
		/// `FlagResolved`.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::resolve_flag())]
		pub fn resolve_flag(origin: OriginFor<T>, device: DeviceId, seq: u64, resolution: u16) -> DispatchResult {
			let supervisor = ensure_signed(origin)?;
			Self::ensure_supervisor(&supervisor, device)?;
			Flags::<T>::take(device, seq).ok_or(Error::<T>::NotFlagged)?;
			Heads::<T>::mutate(device, |head| head.open_flags.saturating_dec());
			Self::deposit_event(Event::FlagResolved { device, seq, resolution, supervisor });
			Ok(())
		}
	}
}

impl<T: Config> cinechain_primitives::OpenFlags for Pallet<T> {
	fn open_flags(device: DeviceId) -> u32 {
		Heads::<T>::get(device).open_flags
	}
}

impl<T: Config> From<RecordError> for Error<T> {
	fn from(e: RecordError) -> Self {
		match e {
			RecordError::Duplicate => Error::DuplicateRecord,
			RecordError::Gap => Error::SequenceGap,
			RecordError::BrokenChain => Error::BrokenHashChain,
			RecordError::EndBeforeStart => Error::EndBeforeStart,
			RecordError::TooLong => Error::TooLong,
			RecordError::InFuture => Error::InFuture,
			RecordError::WrongVenue => Error::WrongVenue,
			RecordError::NoFilm => Error::NoFilm,
			RecordError::BadLocation => Error::BadLocation,
			RecordError::EmptyBatch => Error::EmptyBatch,
		}
	}
}

impl<T: Config> Pallet<T> {
	/// Appends `records` to the head of the device whose key is `who`, or changes nothing.
	fn do_record(who: &T::AccountId, records: &[ScreeningRecord]) -> DispatchResult {
		let (device, place) = T::Devices::active_device(who).ok_or(Error::<T>::NotActiveDevice)?;
		let mut head = Heads::<T>::get(device);
		let hashes = rules::append(&mut head, records, place.cinema, &Self::limits())
			.map_err(|(_, e)| Error::<T>::from(e))?;
		Heads::<T>::insert(device, head);
		for (record, record_hash) in records.iter().zip(hashes) {
			Self::deposit_event(Event::ScreeningRecorded { device, seq: record.seq, record_hash, record: record.clone() });
		}
		Ok(())
	}

	/// The limits records are checked against now.
	pub fn limits() -> Limits {
		Limits {
			now_ms: T::Time::now().as_millis().min(u64::MAX as u128) as u64,
			max_clock_skew_ms: T::MaxClockSkew::get(),
			max_duration_ms: T::MaxDuration::get(),
		}
	}

	/// The quota period block `now` falls in.
	pub fn period_at(now: BlockNumberFor<T>) -> u32 {
		let period = T::QuotaPeriod::get().max(1u32.into());
		(now / period).unique_saturated_into()
	}

	/// The current quota period.
	pub fn current_period() -> u32 {
		Self::period_at(frame_system::Pallet::<T>::block_number())
	}

	fn is_active_device(origin: &frame_system::pallet_prelude::OriginFor<T>) -> bool {
		frame_system::ensure_signed(origin.clone()).is_ok_and(|who| T::Devices::active_device(&who).is_some())
	}

	fn ensure_supervisor(who: &T::AccountId, device: DeviceId) -> DispatchResult {
		let place = T::Devices::place_of(device).ok_or(Error::<T>::UnknownDevice)?;
		T::Permissions::ensure_permission(who, Role::Supervisor, &place).map(|_| ())
	}

	/// The pallet's invariants (its `try_state`); also run by the runtime fuzzer after every block.
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		for (device, head) in Heads::<T>::iter() {
			let flags = Flags::<T>::iter_prefix(device).collect::<alloc::vec::Vec<_>>();
			ensure!(flags.len() as u32 == head.open_flags, "open_flags differs from the flags");
			ensure!(flags.iter().all(|(seq, _)| *seq >= 1 && *seq <= head.last_seq), "a flag on no record");
			ensure!(head.used <= T::Quota::get(), "a device over its quota");
		}
		Ok(())
	}
}
