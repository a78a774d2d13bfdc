//! # Cinemas pallet
//!
//! The cinema registry: each cinema under its national code, with the region it lies in, its
//! name and its location. A device's place (and so which registrars and supervisors reach it)
//! is its cinema's entry here, never what a registrant writes.
//!
//! ## Overview
//!
//! - The admin origin (root on development chains) registers cinemas anywhere, changes any
//!   entry, and alone may move a cinema to another region: that moves every device of the
//!   cinema out of one region's supervisors' reach into another's.
//! - A registrar registers a cinema, and changes its name and location, where their scope
//!   covers the cinema's code and region.
//! - The location (millionths of a degree) is where the cinema stands, for regulators' maps and
//!   for checks of where projectors report they are.
//!
//! ## Interface
//!
//! - Admin or registrar in scope: `register_cinema`, `update_cinema`.
//! - Admin: `move_cinema`.
//! - For other pallets: `impl cinechain_primitives::Cinemas for Pallet<T>`.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
pub mod migrations;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod weights;

pub use cinechain_primitives::{CinemaId, Location, Place, RegionCode};
pub use weights::WeightInfo;

use cinechain_primitives::{Permissions, Role};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{pallet_prelude::*, traits::ConstU32, BoundedVec};
use scale_info::TypeInfo;

/// Where this pallet logs.
pub const LOG_TARGET: &str = "runtime::cinemas";

/// The registry's storage layout.
///
/// - 0: keys hashed with `Twox64Concat` (the released runtime).
/// - 1: keys hashed with `Blake2_128Concat` (the next release; [`migrations::v1`]). Cinema codes
///   are chosen by registrars, outside the chain's control, and FRAME keeps `Twox64Concat` for
///   keys nobody can choose. Built with the `next-release` feature until that release ships:
///   the runtime upgrade test and operators' rehearsals upgrade a running chain to it.
#[cfg(not(feature = "next-release"))]
pub const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);
/// See above.
#[cfg(feature = "next-release")]
pub const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

/// How the registry hashes cinema codes into storage keys (see [`STORAGE_VERSION`]).
#[cfg(not(feature = "next-release"))]
pub type RegistryHasher = Twox64Concat;
/// See above.
#[cfg(feature = "next-release")]
pub type RegistryHasher = Blake2_128Concat;

/// The most bytes of a cinema's name.
pub const MAX_NAME_LEN: u32 = 64;

/// A cinema's name, UTF-8.
pub type Name = BoundedVec<u8, ConstU32<MAX_NAME_LEN>>;

/// A cinema in the registry.
#[derive(Clone, Encode, Decode, DecodeWithMemTracking, Eq, PartialEq, Debug, TypeInfo, MaxEncodedLen)]
pub struct Cinema {
	/// The region it lies in (a region code, e.g. `CN-BJ`).
	pub region: RegionCode,
	/// Its name, for people reading the registry.
	pub name: Name,
	/// Where it stands, if known.
	pub location: Option<Location>,
}

impl Cinema {
	/// Whether the entry is usable: a valid region code, a non-empty name without control
	/// characters, a location on Earth.
	pub fn is_valid(&self) -> bool {
		cinechain_primitives::is_valid_region(&self.region) &&
			!self.name.is_empty() &&
			core::str::from_utf8(&self.name).is_ok_and(|name| !name.chars().any(char::is_control)) &&
			self.location.as_ref().is_none_or(Location::is_valid)
	}
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_system::pallet_prelude::*;

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// Who keeps the whole registry (root on development chains).
		type AdminOrigin: EnsureOrigin<Self::RuntimeOrigin>;
		/// Who may act as registrar where (the supervisors pallet).
		type Permissions: Permissions<Self::AccountId>;
		/// Weights of this pallet's calls, from its benchmarks.
		type WeightInfo: WeightInfo;
	}

	/// The registry: national cinema code -> entry.
	#[pallet::storage]
	pub type Cinemas<T: Config> = StorageMap<_, RegistryHasher, CinemaId, Cinema>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A cinema was registered (`by`: the registrar, or `None` for the admin).
		CinemaRegistered { cinema: CinemaId, region: RegionCode, name: Name, by: Option<T::AccountId> },
		/// A cinema's name or location changed.
		CinemaUpdated { cinema: CinemaId, name: Name, location: Option<Location>, by: Option<T::AccountId> },
		/// The admin moved a cinema (and its devices) to another region.
		CinemaMoved { cinema: CinemaId, from: RegionCode, to: RegionCode },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// A cinema with that code is already registered.
		AlreadyRegistered,
		/// No cinema has that code.
		UnknownCinema,
		/// The region code is malformed, the name empty or not printable UTF-8, or the location
		/// not on Earth.
		InvalidCinema,
	}

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Cinemas registered from genesis: `(code, region, name, location)`.
		pub cinemas: alloc::vec::Vec<(CinemaId, RegionCode, Name, Option<Location>)>,
		#[serde(skip)]
		pub _config: core::marker::PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			for (code, region, name, location) in &self.cinemas {
				let cinema = Cinema { region: region.clone(), name: name.clone(), location: *location };
				assert!(cinema.is_valid(), "genesis cinema {code} is not valid");
				assert!(!Cinemas::<T>::contains_key(code), "genesis cinema {code} listed twice");
				Cinemas::<T>::insert(code, cinema);
			}
		}
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
		/// Registers cinema `cinema` (its national code) in `region`, with its name and location.
		///
		/// Origin: the admin, or signed by a registrar whose scope covers the cinema and region.
		/// Emits `CinemaRegistered`.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register_cinema())]
		pub fn register_cinema(
			origin: OriginFor<T>,
			cinema: CinemaId,
			region: RegionCode,
			name: Name,
			location: Option<Location>,
		) -> DispatchResult {
			let entry = Cinema { region, name, location };
			ensure!(entry.is_valid(), Error::<T>::InvalidCinema);
			let by = Self::ensure_keeper(origin, &Place { cinema, region: entry.region.clone() })?;
			ensure!(!Cinemas::<T>::contains_key(cinema), Error::<T>::AlreadyRegistered);
			Self::deposit_event(Event::CinemaRegistered {
				cinema,
				region: entry.region.clone(),
				name: entry.name.clone(),
				by,
			});
			Cinemas::<T>::insert(cinema, entry);
			Ok(())
		}

		/// Changes a cinema's name and location (not its region: see `move_cinema`).
		///
		/// Origin: the admin, or signed by a registrar whose scope covers the cinema. Emits
		/// `CinemaUpdated`.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::update_cinema())]
		pub fn update_cinema(
			origin: OriginFor<T>,
			cinema: CinemaId,
			name: Name,
			location: Option<Location>,
		) -> DispatchResult {
			let mut entry = Cinemas::<T>::get(cinema).ok_or(Error::<T>::UnknownCinema)?;
			let by = Self::ensure_keeper(origin, &Place { cinema, region: entry.region.clone() })?;
			entry.name = name.clone();
			entry.location = location;
			ensure!(entry.is_valid(), Error::<T>::InvalidCinema);
			Cinemas::<T>::insert(cinema, entry);
			Self::deposit_event(Event::CinemaUpdated { cinema, name, location, by });
			Ok(())
		}

		/// Moves a cinema, and with it every device it owns, to region `region`.
		///
		/// Origin: the admin. Emits `CinemaMoved`.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::move_cinema())]
		pub fn move_cinema(origin: OriginFor<T>, cinema: CinemaId, region: RegionCode) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			ensure!(cinechain_primitives::is_valid_region(&region), Error::<T>::InvalidCinema);
			let mut entry = Cinemas::<T>::get(cinema).ok_or(Error::<T>::UnknownCinema)?;
			let from = core::mem::replace(&mut entry.region, region.clone());
			Cinemas::<T>::insert(cinema, entry);
			Self::deposit_event(Event::CinemaMoved { cinema, from, to: region });
			Ok(())
		}
	}
}

impl<T: Config> Pallet<T> {
	/// Checks that `origin` may keep the registry's entry at `place`: the admin (`None`), or a
	/// registrar whose scope covers it (`Some(registrar)`).
	fn ensure_keeper(origin: T::RuntimeOrigin, place: &Place) -> Result<Option<T::AccountId>, DispatchError> {
		let origin = match T::AdminOrigin::try_origin(origin) {
			Ok(_) => return Ok(None),
			Err(origin) => origin,
		};
		let who = frame_system::ensure_signed(origin)?;
		T::Permissions::ensure_permission(&who, Role::Registrar, place)?;
		Ok(Some(who))
	}

	/// The pallet's invariants: every key under the registry's prefix holds an entry that decodes
	/// (iterating the map skips one that does not, which would hide it), and every entry is
	/// valid. Also run by the runtime fuzzer after every block.
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		use frame_support::storage::{KeyPrefixIterator, StoragePrefixedMap};
		let mut entries = 0usize;
		for (_, cinema) in Cinemas::<T>::iter() {
			ensure!(cinema.is_valid(), "an invalid cinema entry");
			entries += 1;
		}
		let prefix = Cinemas::<T>::final_prefix().to_vec();
		let keys = KeyPrefixIterator::new(prefix.clone(), prefix, |_| Ok(())).count();
		ensure!(keys == entries, "a key under the cinema registry whose entry does not decode");
		Ok(())
	}
}

impl<T: Config> cinechain_primitives::Cinemas for Pallet<T> {
	fn place_of(cinema: CinemaId) -> Option<Place> {
		Cinemas::<T>::get(cinema).map(|entry| Place { cinema, region: entry.region })
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn register_for_benchmarks(cinema: CinemaId, region: RegionCode) {
		let name = Name::truncate_from(b"Benchmark Cinema".to_vec());
		Cinemas::<T>::insert(cinema, Cinema { region, name, location: None });
	}
}
