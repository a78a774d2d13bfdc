//! # Devices pallet
//!
//! The projector registry. A device **is** its public key: the key pair is generated on the
//! projector and the private key never leaves it. Only the public key (the device's account)
//! and the device's own signatures go anywhere.
//!
//! ## Overview
//!
//! Lifecycle: `Requested -> Active <-> Suspended`, and `Revoked` (final) from any of them.
//! - **Self-registration**: the device signs [`Pallet::request_registration`] with its own key.
//!   It holds no money, so the call is feeless, and the runtime lets a key that is not yet an
//!   account send exactly this call ([`CheckNonce`]). A registrar whose scope covers the
//!   device's cinema then approves or rejects it. A request nobody answers expires after
//!   [`Config::RequestLifetime`] blocks, and the key may ask again.
//!
//! ## Requests cannot lock projectors out
//!
//! Requests cost their sender nothing, so three bounds keep a flood of them (from fresh keys,
//! which cost nothing either) from locking real projectors out or filling the state:
//! - each cinema has at most [`Config::MaxRequestsPerCinema`] requests waiting: a flood aimed
//!   at one cinema fills that cinema's queue and no other;
//! - each block takes at most [`Config::MaxRequestsPerBlock`] requests (the rest wait in the
//!   pool for the next block), so requests can never crowd screenings out of blocks and at most
//!   `MaxRequestsPerBlock x RequestLifetime` of them exist at once;
//! - requests expire: what a flood took is free again after `RequestLifetime`.
//!
//! What a flood can still do: keep the queues of the cinemas it names full. A projector of such
//! a cinema is then provisioned by its registrar ([`Pallet::provision_device`], a paid call that
//! carries the projector's signed proof), which no flood can block.
//! - **Provisioning**: a registrar registers a device directly with
//!   [`Pallet::provision_device`], carrying the device's signature over
//!   [`Pallet::provision_payload`] as proof that the device holds the key. Operators provision
//!   without ever holding device keys.
//! - Supervisors in scope suspend, resume and revoke devices; registrars in scope update their
//!   information. A device's place is its cinema's entry in the cinema registry
//!   ([`Config::Cinemas`]), so no registrant can put a device out of its region's reach by
//!   what it writes.
//! - **Who may resume.** A suspension remembers the suspending supervisor's scope; only a
//!   supervisor whose scope contains it (the same or wider) may resume the device: a cinema's
//!   own supervisor cannot undo what the national one did. A suspended device, or one with open
//!   flags, cannot move to another cinema. A device rotates its own key ([`Pallet::rotate_key`], signed by the old key,
//!   with the new key's signature over [`Pallet::rotation_payload`]); its [`DeviceId`] and so
//!   its history stay the same.
//!
//! Permissions come from the supervisors pallet through [`Config::Permissions`], checked on
//! every call. Every event names the device, who acted, and the cinema and region, so an
//! indexer needs nothing else.
//!
//! ## Interface
//!
//! - Device (signed by its key): `request_registration`, `rotate_key`.
//! - Registrar in scope: `approve_registration`, `reject_registration`, `provision_device`,
//!   `update_device_info`.
//! - Supervisor in scope: `suspend_device`, `resume_device`, `revoke_device`.
//! - For other pallets: `impl cinechain_primitives::Devices<AccountId> for Pallet<T>`.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod check_nonce;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod types;
pub mod weights;

pub use check_nonce::CheckNonce;
pub use cinechain_primitives::{CinemaId, DeviceId, Place, Role};
pub use types::*;
pub use weights::WeightInfo;

use alloc::vec::Vec;
use cinechain_primitives::{Cinemas, OpenFlags, Permissions, Scope};
use codec::Encode;
use frame_support::pallet_prelude::*;
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::{
	traits::{IdentifyAccount, Verify, Zero},
	Saturating,
};

/// The log target of this pallet.
pub const LOG_TARGET: &str = "runtime::devices";

/// A registered device, as stored.
pub type DeviceOf<T> = Device<<T as frame_system::Config>::AccountId, BlockNumberFor<T>>;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_system::pallet_prelude::*;

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(2);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// Who may act as registrar or supervisor where (the supervisors pallet).
		type Permissions: Permissions<Self::AccountId>;
		/// Where each cinema lies (the cinemas pallet): a device's place is its cinema's entry.
		type Cinemas: Cinemas;
		/// Open supervisor flags on devices' screenings (the screenings pallet): a device with
		/// open flags cannot move to another cinema.
		type OpenFlags: OpenFlags;
		/// The signatures devices make: over provisioning and key-rotation payloads.
		type Signature: Verify<Signer: IdentifyAccount<AccountId = Self::AccountId>> + Parameter;
		/// The most registration requests that may wait for registrars at one cinema. Requests
		/// are feeless (a fresh device holds nothing): this keeps a flood aimed at one cinema
		/// from touching any other.
		#[pallet::constant]
		type MaxRequestsPerCinema: Get<u32>;
		/// The most registration requests one block takes; the others wait in the pool. With
		/// the lifetime, this bounds how many requests exist at once.
		#[pallet::constant]
		type MaxRequestsPerBlock: Get<u32>;
		/// Blocks after which a request nobody approved or rejected is dropped.
		#[pallet::constant]
		type RequestLifetime: Get<BlockNumberFor<Self>>;
		/// The fewest blocks between two key rotations of one device, so that a stolen key
		/// cannot fill blocks with feeless rotations.
		#[pallet::constant]
		type KeyRotationCooldown: Get<BlockNumberFor<Self>>;
		/// Weights of this pallet's calls, from its benchmarks.
		type WeightInfo: WeightInfo;
		/// Makes real device signatures for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: cinechain_primitives::BenchmarkKeys<Self::AccountId, Self::Signature>;
	}

	/// The registry: every device that ever asked or was provisioned, except rejected requests.
	#[pallet::storage]
	pub type Devices<T: Config> = StorageMap<_, Twox64Concat, DeviceId, DeviceOf<T>>;

	/// Which device a key belongs to. Keys of revoked devices stay, so they cannot register
	/// again; a rotated-out key is removed.
	#[pallet::storage]
	pub type DeviceByKey<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, DeviceId>;

	/// The number the next device gets.
	#[pallet::storage]
	pub type NextDeviceId<T: Config> = StorageValue<_, DeviceId, ValueQuery>;

	/// How many devices are in status `Requested`.
	#[pallet::storage]
	pub type PendingRequests<T: Config> = StorageValue<_, u32, ValueQuery>;

	/// How many devices are in status `Requested` at each cinema.
	#[pallet::storage]
	pub type RequestsAt<T: Config> = StorageMap<_, Twox64Concat, CinemaId, u32, ValueQuery>;

	/// The requests that expire at each block: those taken `RequestLifetime` blocks earlier (at
	/// most `MaxRequestsPerBlock` per block). An entry whose device was answered meanwhile is
	/// skipped.
	#[pallet::storage]
	pub type RequestExpiries<T: Config> =
		StorageMap<_, Twox64Concat, BlockNumberFor<T>, BoundedVec<DeviceId, T::MaxRequestsPerBlock>, ValueQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A device asked to be registered with its own key.
		RegistrationRequested { device: DeviceId, key: T::AccountId, cinema: u32, region: Vec<u8> },
		/// A registrar approved a requested device: it is active.
		DeviceApproved {
			device: DeviceId,
			key: T::AccountId,
			registrar: T::AccountId,
			cinema: u32,
			region: Vec<u8>,
		},
		/// Nobody answered a request within `RequestLifetime`: it is gone, and the key may ask
		/// again.
		RegistrationExpired { device: DeviceId, key: T::AccountId, cinema: u32, region: Vec<u8> },
		/// A registrar turned a request down; the request is gone.
		RegistrationRejected {
			device: DeviceId,
			key: T::AccountId,
			registrar: T::AccountId,
			reason: u16,
			cinema: u32,
			region: Vec<u8>,
		},
		/// A registrar registered a device directly, with the device's proof of its key.
		DeviceProvisioned {
			device: DeviceId,
			key: T::AccountId,
			registrar: T::AccountId,
			cinema: u32,
			region: Vec<u8>,
		},
		/// A supervisor suspended a device.
		DeviceSuspended {
			device: DeviceId,
			supervisor: T::AccountId,
			reason: u16,
			cinema: u32,
			region: Vec<u8>,
		},
		/// A supervisor resumed a suspended device.
		DeviceResumed { device: DeviceId, supervisor: T::AccountId, cinema: u32, region: Vec<u8> },
		/// A supervisor revoked a device for good.
		DeviceRevoked {
			device: DeviceId,
			supervisor: T::AccountId,
			reason: u16,
			cinema: u32,
			region: Vec<u8>,
		},
		/// A device replaced its key; its number and history stay.
		DeviceKeyRotated { device: DeviceId, old_key: T::AccountId, new_key: T::AccountId },
		/// A registrar changed a device's information (the new cinema and region are given).
		DeviceInfoUpdated { device: DeviceId, registrar: T::AccountId, cinema: u32, region: Vec<u8> },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// No device has that number.
		UnknownDevice,
		/// The key already belongs to a device (or to a revoked one).
		KeyInUse,
		/// A text is empty or has control characters, the date is not `YYYYMMDD`, or the region
		/// code is malformed.
		InvalidDeviceInfo,
		/// The cinema already has as many registration requests waiting as it may; ask its
		/// registrar to answer them, or to provision the device.
		CinemaRequestsFull,
		/// This block takes no more registration requests; the next one will.
		BlockRequestsFull,
		/// The device is not waiting for approval.
		NotRequested,
		/// The device is not active.
		NotActive,
		/// The device is not suspended.
		NotSuspended,
		/// The device is revoked; nothing more can happen to it.
		Revoked,
		/// The device's signature does not match its key and the payload.
		BadProof,
		/// The signer is not a device's current key.
		NotADevice,
		/// The device changed its key too recently.
		RotationTooSoon,
		/// No cinema with that code is registered.
		UnknownCinema,
		/// The device is suspended or has open flags: it cannot move to another cinema until a
		/// supervisor has resumed it and resolved its flags.
		UnderSupervision,
		/// A supervisor whose scope is wider than the caller's suspended the device; only a
		/// supervisor whose scope contains theirs may resume it.
		SuspendedFromWider,
	}

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Devices active from genesis: `(key, info)`.
		pub devices: Vec<(T::AccountId, DeviceInfo)>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			for (key, info) in &self.devices {
				assert!(info.is_valid(), "genesis device with invalid information");
				assert!(T::Cinemas::place_of(info.cinema).is_some(), "genesis device of an unregistered cinema");
				assert!(!DeviceByKey::<T>::contains_key(key), "genesis device key listed twice");
				Pallet::<T>::insert_device(key.clone(), info.clone(), DeviceStatus::Active);
			}
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// Drops the requests that expire at this block.
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			let due = RequestExpiries::<T>::take(now);
			for device in due.iter() {
				Self::expire(*device);
			}
			T::WeightInfo::expire_requests(due.len() as u32)
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Asks for the signing key to be registered as a device with `info`. Feeless: a fresh
		/// device holds nothing. The transaction pool already refuses a request that this call
		/// would refuse (see [`CheckNonce`]).
		///
		/// Origin: signed by the device's own key. Emits `RegistrationRequested`.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::request_registration())]
		#[pallet::feeless_if(|_origin: &OriginFor<T>, _info: &DeviceInfo| -> bool { true })]
		pub fn request_registration(origin: OriginFor<T>, info: DeviceInfo) -> DispatchResult {
			let key = ensure_signed(origin)?;
			if let Some(error) = Self::registration_refusal(&key, &info) {
				return Err(error.into());
			}
			let (cinema, region) = Self::place_fields(&Self::place(info.cinema)?);
			let device = Self::insert_device(key.clone(), info, DeviceStatus::Requested);
			Self::open_request(device, cinema);
			Self::deposit_event(Event::RegistrationRequested { device, key, cinema, region });
			Ok(())
		}

		/// Approves a requested device: it becomes active.
		///
		/// Origin: signed by a registrar whose scope covers the device's cinema. Emits
		/// `DeviceApproved`.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::approve_registration())]
		pub fn approve_registration(origin: OriginFor<T>, device: DeviceId) -> DispatchResult {
			let registrar = ensure_signed(origin)?;
			let (mut entry, place, _) = Self::device_for(&registrar, Role::Registrar, device)?;
			ensure!(entry.status == DeviceStatus::Requested, Error::<T>::NotRequested);
			Self::set_status(&mut entry, DeviceStatus::Active);
			Devices::<T>::insert(device, &entry);
			Self::close_request(entry.info.cinema);
			let (cinema, region) = Self::place_fields(&place);
			Self::deposit_event(Event::DeviceApproved { device, key: entry.key, registrar, cinema, region });
			Ok(())
		}

		/// Turns down a request with a reason code; the request is removed, and the key may ask
		/// again.
		///
		/// Origin: signed by a registrar whose scope covers the device's cinema. Emits
		/// `RegistrationRejected`.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::reject_registration())]
		pub fn reject_registration(origin: OriginFor<T>, device: DeviceId, reason: u16) -> DispatchResult {
			let registrar = ensure_signed(origin)?;
			let (entry, place, _) = Self::device_for(&registrar, Role::Registrar, device)?;
			ensure!(entry.status == DeviceStatus::Requested, Error::<T>::NotRequested);
			Self::drop_request(device, &entry);
			let (cinema, region) = Self::place_fields(&place);
			Self::deposit_event(Event::RegistrationRejected {
				device,
				key: entry.key,
				registrar,
				reason,
				cinema,
				region,
			});
			Ok(())
		}

		/// Registers the device with key `key` directly as active. `proof` is the device's
		/// signature over [`Pallet::provision_payload`]`(key, info)`, made on the device: the
		/// registrar never holds the device's private key.
		///
		/// Origin: signed by a registrar whose scope covers `info`'s cinema. Emits
		/// `DeviceProvisioned`.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::provision_device())]
		pub fn provision_device(
			origin: OriginFor<T>,
			key: T::AccountId,
			info: DeviceInfo,
			proof: T::Signature,
		) -> DispatchResult {
			let registrar = ensure_signed(origin)?;
			ensure!(info.is_valid(), Error::<T>::InvalidDeviceInfo);
			let place = Self::place(info.cinema)?;
			T::Permissions::ensure_permission(&registrar, Role::Registrar, &place)?;
			ensure!(!DeviceByKey::<T>::contains_key(&key), Error::<T>::KeyInUse);
			ensure!(proof.verify(&Self::provision_payload(&key, &info)[..], &key), Error::<T>::BadProof);
			let (cinema, region) = Self::place_fields(&place);
			let device = Self::insert_device(key.clone(), info, DeviceStatus::Active);
			Self::deposit_event(Event::DeviceProvisioned { device, key, registrar, cinema, region });
			Ok(())
		}

		/// Suspends an active device with a reason code: its records are refused until it is
		/// resumed. The suspension keeps the supervisor's scope: only a supervisor of the same or
		/// a wider scope may resume the device.
		///
		/// Origin: signed by a supervisor whose scope covers the device's cinema. Emits
		/// `DeviceSuspended`.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::suspend_device())]
		pub fn suspend_device(origin: OriginFor<T>, device: DeviceId, reason: u16) -> DispatchResult {
			let supervisor = ensure_signed(origin)?;
			let (mut entry, place, scope) = Self::device_for(&supervisor, Role::Supervisor, device)?;
			ensure!(entry.status == DeviceStatus::Active, Error::<T>::NotActive);
			Self::set_status(&mut entry, DeviceStatus::Suspended { reason, scope });
			Devices::<T>::insert(device, &entry);
			let (cinema, region) = Self::place_fields(&place);
			Self::deposit_event(Event::DeviceSuspended { device, supervisor, reason, cinema, region });
			Ok(())
		}

		/// Resumes a suspended device.
		///
		/// Origin: signed by a supervisor whose scope covers the device's cinema and contains
		/// the scope of the supervisor who suspended it (the same or wider). Emits
		/// `DeviceResumed`.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::resume_device())]
		pub fn resume_device(origin: OriginFor<T>, device: DeviceId) -> DispatchResult {
			let supervisor = ensure_signed(origin)?;
			let (mut entry, place, scope) = Self::device_for(&supervisor, Role::Supervisor, device)?;
			let DeviceStatus::Suspended { scope: suspended_by, .. } = &entry.status else {
				return Err(Error::<T>::NotSuspended.into());
			};
			ensure!(scope.contains(suspended_by), Error::<T>::SuspendedFromWider);
			Self::set_status(&mut entry, DeviceStatus::Active);
			Devices::<T>::insert(device, &entry);
			let (cinema, region) = Self::place_fields(&place);
			Self::deposit_event(Event::DeviceResumed { device, supervisor, cinema, region });
			Ok(())
		}

		/// Revokes a device for good, with a reason code. Its key can never register again.
		///
		/// Origin: signed by a supervisor whose scope covers the device's cinema. Emits
		/// `DeviceRevoked`.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::revoke_device())]
		pub fn revoke_device(origin: OriginFor<T>, device: DeviceId, reason: u16) -> DispatchResult {
			let supervisor = ensure_signed(origin)?;
			let (mut entry, place, _) = Self::device_for(&supervisor, Role::Supervisor, device)?;
			if entry.status == DeviceStatus::Requested {
				Self::close_request(entry.info.cinema);
			}
			Self::set_status(&mut entry, DeviceStatus::Revoked { reason });
			Devices::<T>::insert(device, &entry);
			Self::release_account(&entry.key);
			let (cinema, region) = Self::place_fields(&place);
			Self::deposit_event(Event::DeviceRevoked { device, supervisor, reason, cinema, region });
			Ok(())
		}

		/// Replaces the signing device's key with `new_key`, keeping its number and history.
		/// `proof` is the new key's signature over [`Pallet::rotation_payload`]. Feeless for
		/// active devices; at most one rotation per [`Config::KeyRotationCooldown`].
		///
		/// Origin: signed by the device's current key. Emits `DeviceKeyRotated`.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::rotate_key())]
		#[pallet::feeless_if(|origin: &OriginFor<T>, _new_key: &T::AccountId, _proof: &T::Signature| -> bool {
			ensure_signed(origin.clone()).is_ok_and(|who| Pallet::<T>::is_active_key(&who))
		})]
		pub fn rotate_key(origin: OriginFor<T>, new_key: T::AccountId, proof: T::Signature) -> DispatchResult {
			let old_key = ensure_signed(origin)?;
			let (device, mut entry) = Self::rotatable(&old_key, &new_key, &proof)?;
			DeviceByKey::<T>::remove(&old_key);
			DeviceByKey::<T>::insert(&new_key, device);
			frame_system::Pallet::<T>::inc_providers(&new_key);
			Self::release_account(&old_key);
			entry.key = new_key.clone();
			entry.key_since = frame_system::Pallet::<T>::block_number();
			Devices::<T>::insert(device, &entry);
			Self::deposit_event(Event::DeviceKeyRotated { device, old_key, new_key });
			Ok(())
		}

		/// Replaces a device's information (a firmware update, a move to another cinema). A
		/// device cannot move while it is suspended or has open flags: a move must never take it
		/// out of reach of the supervisor who acted on it.
		///
		/// Origin: signed by a registrar whose scope covers both the old and the new cinema.
		/// Emits `DeviceInfoUpdated`.
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::update_device_info())]
		pub fn update_device_info(origin: OriginFor<T>, device: DeviceId, info: DeviceInfo) -> DispatchResult {
			let registrar = ensure_signed(origin)?;
			ensure!(info.is_valid(), Error::<T>::InvalidDeviceInfo);
			let (mut entry, _, _) = Self::device_for(&registrar, Role::Registrar, device)?;
			let place = Self::place(info.cinema)?;
			T::Permissions::ensure_permission(&registrar, Role::Registrar, &place)?;
			let (cinema, region) = Self::place_fields(&place);
			if cinema != entry.info.cinema {
				ensure!(Self::may_move(device, &entry), Error::<T>::UnderSupervision);
				if entry.status == DeviceStatus::Requested {
					// The request moves with the device (the new cinema's cap does not apply: a
					// registrar moved it, not a flood).
					Self::close_request(entry.info.cinema);
					RequestsAt::<T>::mutate(cinema, |n| *n += 1);
					PendingRequests::<T>::mutate(|n| *n += 1);
				}
			}
			entry.info = info;
			Devices::<T>::insert(device, &entry);
			Self::deposit_event(Event::DeviceInfoUpdated { device, registrar, cinema, region });
			Ok(())
		}
	}
}

impl<T: Config> Pallet<T> {
	/// The cinema and region of a place, as events carry them.
	fn place_fields(place: &Place) -> (CinemaId, Vec<u8>) {
		(place.cinema, place.region.to_vec())
	}

	/// The place of cinema `cinema`, from the cinema registry.
	fn place(cinema: CinemaId) -> Result<Place, Error<T>> {
		T::Cinemas::place_of(cinema).ok_or(Error::<T>::UnknownCinema)
	}

	/// Whether `device` may move to another cinema: not while a supervisor's suspension or open
	/// flag is on it (the move could take it out of that supervisor's reach).
	pub fn may_move(device: DeviceId, entry: &DeviceOf<T>) -> bool {
		!matches!(entry.status, DeviceStatus::Suspended { .. }) && T::OpenFlags::open_flags(device) == 0
	}

	/// What a device signs so that a registrar can provision it: the context, this chain's
	/// genesis hash, the device's key and its information, SCALE-encoded.
	pub fn provision_payload(key: &T::AccountId, info: &DeviceInfo) -> Vec<u8> {
		(PROVISION_CONTEXT, Self::genesis_hash(), key, info).encode()
	}

	/// What a device's new key signs to take over device `device` from `old_key`.
	pub fn rotation_payload(device: DeviceId, old_key: &T::AccountId, new_key: &T::AccountId) -> Vec<u8> {
		(ROTATION_CONTEXT, Self::genesis_hash(), device, old_key, new_key).encode()
	}

	fn genesis_hash() -> T::Hash {
		frame_system::Pallet::<T>::block_hash(BlockNumberFor::<T>::zero())
	}

	/// Why a registration request from `key` with `info` cannot be taken, if it cannot. The
	/// transaction pool and the call ask the same question.
	pub fn registration_refusal(key: &T::AccountId, info: &DeviceInfo) -> Option<Error<T>> {
		if !info.is_valid() {
			Some(Error::InvalidDeviceInfo)
		} else if DeviceByKey::<T>::contains_key(key) {
			Some(Error::KeyInUse)
		} else if T::Cinemas::place_of(info.cinema).is_none() {
			Some(Error::UnknownCinema)
		} else if RequestsAt::<T>::get(info.cinema) >= T::MaxRequestsPerCinema::get() {
			Some(Error::CinemaRequestsFull)
		} else if RequestExpiries::<T>::decode_len(Self::expiry_of_new_request()).unwrap_or(0) as u32 >=
			T::MaxRequestsPerBlock::get()
		{
			Some(Error::BlockRequestsFull)
		} else {
			None
		}
	}

	/// The block at which a request taken now expires.
	fn expiry_of_new_request() -> BlockNumberFor<T> {
		frame_system::Pallet::<T>::block_number().saturating_add(T::RequestLifetime::get())
	}

	/// Counts a new request at `cinema` and schedules its expiry.
	fn open_request(device: DeviceId, cinema: CinemaId) {
		RequestsAt::<T>::mutate(cinema, |n| *n += 1);
		PendingRequests::<T>::mutate(|n| *n += 1);
		// Cannot fail: `registration_refusal` saw room in this block's list.
		let _ = RequestExpiries::<T>::try_mutate(Self::expiry_of_new_request(), |due| due.try_push(device));
	}

	/// Uncounts a request at `cinema` that was answered (or expired).
	fn close_request(cinema: CinemaId) {
		RequestsAt::<T>::mutate_exists(cinema, |n| {
			*n = n.map(|n| n.saturating_sub(1)).filter(|n| *n > 0);
		});
		PendingRequests::<T>::mutate(|n| n.saturating_dec());
	}

	/// Removes the requested `device` (rejected or expired): its key may ask again.
	fn drop_request(device: DeviceId, entry: &DeviceOf<T>) {
		Devices::<T>::remove(device);
		DeviceByKey::<T>::remove(&entry.key);
		Self::release_account(&entry.key);
		Self::close_request(entry.info.cinema);
	}

	/// Drops `device` if it still waits for an answer.
	fn expire(device: DeviceId) {
		let Some(entry) = Devices::<T>::get(device).filter(|e| e.status == DeviceStatus::Requested) else {
			return;
		};
		Self::drop_request(device, &entry);
		// A registered cinema is never removed; the fallback only keeps the event whole.
		let place = T::Cinemas::place_of(entry.info.cinema).unwrap_or(Place { cinema: entry.info.cinema, region: Default::default() });
		let (cinema, region) = Self::place_fields(&place);
		Self::deposit_event(Event::RegistrationExpired { device, key: entry.key, cinema, region });
	}

	/// The device whose key `old_key` may now be replaced by `new_key` with `proof`: an active
	/// device past its rotation cooldown, a new key no device uses, and the new key's signature
	/// over [`Pallet::rotation_payload`]. The pool and the call share this check, so a feeless
	/// rotation that reaches a block succeeds.
	pub fn rotatable(
		old_key: &T::AccountId,
		new_key: &T::AccountId,
		proof: &T::Signature,
	) -> Result<(DeviceId, DeviceOf<T>), Error<T>> {
		let device = DeviceByKey::<T>::get(old_key).ok_or(Error::<T>::NotADevice)?;
		let entry = Devices::<T>::get(device).ok_or(Error::<T>::NotADevice)?;
		ensure!(entry.status == DeviceStatus::Active, Error::<T>::NotActive);
		ensure!(!DeviceByKey::<T>::contains_key(new_key), Error::<T>::KeyInUse);
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(
			now >= entry.key_since.saturating_add(T::KeyRotationCooldown::get()),
			Error::<T>::RotationTooSoon
		);
		ensure!(proof.verify(&Self::rotation_payload(device, old_key, new_key)[..], new_key), Error::<T>::BadProof);
		Ok((device, entry))
	}

	/// Whether `key` is the current key of an active device.
	pub fn is_active_key(key: &T::AccountId) -> bool {
		Self::active(key).is_some()
	}

	fn active(key: &T::AccountId) -> Option<(DeviceId, DeviceOf<T>)> {
		let device = DeviceByKey::<T>::get(key)?;
		let entry = Devices::<T>::get(device)?;
		(entry.status == DeviceStatus::Active).then_some((device, entry))
	}

	/// Device `device`, its place, and the scope `who` holds `role` over, if that scope covers
	/// the place and the device is not revoked.
	fn device_for(
		who: &T::AccountId,
		role: Role,
		device: DeviceId,
	) -> Result<(DeviceOf<T>, Place, Scope), DispatchError> {
		let entry = Devices::<T>::get(device).ok_or(Error::<T>::UnknownDevice)?;
		let place = Self::place(entry.info.cinema)?;
		let scope = T::Permissions::ensure_permission(who, role, &place)?;
		ensure!(!matches!(entry.status, DeviceStatus::Revoked { .. }), Error::<T>::Revoked);
		Ok((entry, place, scope))
	}

	fn set_status(entry: &mut DeviceOf<T>, status: DeviceStatus) {
		entry.status = status;
		entry.status_since = frame_system::Pallet::<T>::block_number();
	}

	/// Adds a device under the next number. Its key becomes an account (a provider reference
	/// held by the registry), so the device can sign transactions without holding money.
	fn insert_device(key: T::AccountId, info: DeviceInfo, status: DeviceStatus) -> DeviceId {
		let device = NextDeviceId::<T>::mutate(|next| {
			let id = *next;
			*next += 1;
			id
		});
		let now = frame_system::Pallet::<T>::block_number();
		frame_system::Pallet::<T>::inc_providers(&key);
		DeviceByKey::<T>::insert(&key, device);
		Devices::<T>::insert(device, Device { key, info, status, status_since: now, key_since: now });
		device
	}

	/// Drops the registry's provider reference on `key`.
	fn release_account(key: &T::AccountId) {
		if let Err(e) = frame_system::Pallet::<T>::dec_providers(key) {
			log::warn!(target: LOG_TARGET, "could not release a device account: {e:?}");
		}
	}

	/// The pallet's invariants (its `try_state`); also run by the runtime fuzzer after every block.
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		let mut requested = 0u32;
		for (id, entry) in Devices::<T>::iter() {
			ensure!(id < NextDeviceId::<T>::get(), "a device number at or above the next one");
			ensure!(DeviceByKey::<T>::get(&entry.key) == Some(id), "a device's key does not point back to it");
			ensure!(T::Cinemas::place_of(entry.info.cinema).is_some(), "a device of an unregistered cinema");
			requested += (entry.status == DeviceStatus::Requested) as u32;
		}
		for (key, id) in DeviceByKey::<T>::iter() {
			let entry = Devices::<T>::get(id).ok_or("a key points to no device")?;
			ensure!(entry.key == key, "a key points to a device that has another key");
		}
		ensure!(requested == PendingRequests::<T>::get(), "the pending counter is off");
		let mut per_cinema = alloc::collections::BTreeMap::<CinemaId, u32>::new();
		for (_, entry) in Devices::<T>::iter().filter(|(_, e)| e.status == DeviceStatus::Requested) {
			*per_cinema.entry(entry.info.cinema).or_default() += 1;
		}
		ensure!(
			RequestsAt::<T>::iter().collect::<alloc::collections::BTreeMap<_, _>>() == per_cinema,
			"the per-cinema request counters are off"
		);
		Ok(())
	}
}

impl<T: Config> cinechain_primitives::Devices<T::AccountId> for Pallet<T> {
	fn active_device(who: &T::AccountId) -> Option<(DeviceId, Place)> {
		Self::active(who).and_then(|(id, entry)| Some((id, T::Cinemas::place_of(entry.info.cinema)?)))
	}

	fn place_of(id: DeviceId) -> Option<Place> {
		Devices::<T>::get(id).and_then(|entry| T::Cinemas::place_of(entry.info.cinema))
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn register_active_for_benchmarks(who: &T::AccountId, place: Place) -> DeviceId {
		let text = |s: &[u8]| Text::try_from(s.to_vec()).expect("short");
		let info = DeviceInfo {
			manufacturer: text(b"bench"),
			model: text(b"bench"),
			serial_number: text(b"bench"),
			production_date: 2025_01_01,
			firmware_version: text(b"1"),
			cinema: place.cinema,
		};
		if T::Cinemas::place_of(place.cinema).is_none() {
			T::Cinemas::register_for_benchmarks(place.cinema, place.region);
		}
		Self::insert_device(who.clone(), info, DeviceStatus::Active)
	}
}
