//! # Supervisors pallet
//!
//! Who may do what, where. cinechain has two roles ([`Role`]):
//! - a **Registrar** approves and provisions projectors (a cinema chain, an operator, a
//!   regulator's office);
//! - a **Supervisor** audits screenings, flags them, and suspends or resumes projectors (a
//!   regulator).
//!
//! ## Overview
//!
//! A grant ([`Grant`]) gives one account one role over a [`Scope`] (region codes, cinemas, or
//! the whole country) until an optional expiry block. The admin origin (root on development
//! chains, a council later) grants and revokes roles directly, or approves a request that a
//! person made with their own key ([`Pallet::request_role`]): the same pattern by which devices
//! register themselves.
//!
//! Roles are **enforced, not just stored**: the devices and screenings pallets call
//! [`Permissions::ensure_permission`] (implemented here) on every privileged call, so an
//! expired or revoked grant stops working on the very next call. No hook has to run for expiry
//! to take effect; expired grants stay in storage until the admin revokes or renews them.
//!
//! ## Interface
//!
//! - Admin origin: [`Pallet::grant_role`], [`Pallet::revoke_role`],
//!   [`Pallet::approve_role_request`], [`Pallet::reject_role_request`].
//! - Signed: [`Pallet::request_role`], [`Pallet::withdraw_role_request`].
//! - For other pallets: `impl Permissions<AccountId> for Pallet<T>`.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod weights;

pub use cinechain_primitives::{Permissions, Place, Role, Scope};
pub use weights::WeightInfo;

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::pallet_prelude::*;
use frame_system::pallet_prelude::BlockNumberFor;
use scale_info::TypeInfo;

/// The log target of this pallet.
pub const LOG_TARGET: &str = "runtime::supervisors";

/// A role held by one account: where it reaches and until when.
#[derive(Clone, Encode, Decode, DecodeWithMemTracking, Eq, PartialEq, Debug, TypeInfo, MaxEncodedLen)]
pub struct Grant<BlockNumber> {
	/// Where the role reaches.
	pub scope: Scope,
	/// The first block at which the role no longer works; `None` for no expiry.
	pub expires_at: Option<BlockNumber>,
	/// The block in which it was granted.
	pub granted_at: BlockNumber,
}

impl<BlockNumber: PartialOrd> Grant<BlockNumber> {
	/// Whether the grant still works at block `now`.
	pub fn is_live(&self, now: &BlockNumber) -> bool {
		self.expires_at.as_ref().map_or(true, |end| now < end)
	}
}

/// A person's request for a role, waiting for the admin.
#[derive(Clone, Encode, Decode, DecodeWithMemTracking, Eq, PartialEq, Debug, TypeInfo, MaxEncodedLen)]
pub struct RoleRequest<BlockNumber> {
	/// The role asked for.
	pub role: Role,
	/// The scope asked for.
	pub scope: Scope,
	/// When it was asked.
	pub requested_at: BlockNumber,
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use alloc::vec::Vec;
	use frame_system::pallet_prelude::*;

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// Who grants and revokes roles and decides on requests (root on development chains).
		type AdminOrigin: EnsureOrigin<Self::RuntimeOrigin>;
		/// The most role requests that may wait for a decision at once. Requests are cheap to
		/// make, so this bound keeps them from filling the state.
		#[pallet::constant]
		type MaxPendingRequests: Get<u32>;
		/// Weights of this pallet's calls, from its benchmarks.
		type WeightInfo: WeightInfo;
	}

	/// The roles each account holds: `(account, role) -> grant`.
	#[pallet::storage]
	pub type Grants<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Twox64Concat,
		Role,
		Grant<BlockNumberFor<T>>,
	>;

	/// Role requests waiting for the admin's decision, one per account.
	#[pallet::storage]
	pub type Requests<T: Config> =
		CountedStorageMap<_, Blake2_128Concat, T::AccountId, RoleRequest<BlockNumberFor<T>>>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// `who` now holds `role` over `scope` until `expires_at` (`None`: no expiry).
		RoleGranted {
			who: T::AccountId,
			role: Role,
			scope: Scope,
			expires_at: Option<BlockNumberFor<T>>,
		},
		/// `who` no longer holds `role`.
		RoleRevoked { who: T::AccountId, role: Role },
		/// `who` asked for `role` over `scope`.
		RoleRequested { who: T::AccountId, role: Role, scope: Scope },
		/// The admin turned down `who`'s request for `role`.
		RoleRequestRejected { who: T::AccountId, role: Role },
		/// `who` withdrew their request for `role`.
		RoleRequestWithdrawn { who: T::AccountId, role: Role },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The scope lists nothing, or a region code is empty or not printable ASCII.
		InvalidScope,
		/// The expiry block is not in the future.
		ExpiryInPast,
		/// The account does not hold that role.
		NoSuchGrant,
		/// The account already has a request waiting.
		RequestPending,
		/// Too many requests are waiting; try again after the admin has decided some.
		TooManyRequests,
		/// The account has no request waiting.
		NoSuchRequest,
		/// The caller does not hold the role this action needs.
		NoPermission,
		/// The caller's role has expired.
		RoleExpired,
		/// The caller's role does not reach this cinema or region.
		OutOfScope,
	}

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Roles held from genesis: `(account, role, scope, expiry)`.
		pub grants: Vec<(T::AccountId, Role, Scope, Option<BlockNumberFor<T>>)>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			for (who, role, scope, expires_at) in &self.grants {
				assert!(scope.is_valid(), "genesis grant with an invalid scope");
				Pallet::<T>::do_grant(who.clone(), *role, scope.clone(), *expires_at);
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
		/// Gives `who` the role `role` over `scope`, until block `expires_at` (`None`: no
		/// expiry). Replaces any grant of that role `who` held, and settles a request of theirs
		/// for the same role.
		///
		/// Origin: the admin. Emits `RoleGranted`.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::grant_role())]
		pub fn grant_role(
			origin: OriginFor<T>,
			who: T::AccountId,
			role: Role,
			scope: Scope,
			expires_at: Option<BlockNumberFor<T>>,
		) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			Self::check_grant(&scope, expires_at)?;
			if Requests::<T>::get(&who).is_some_and(|r| r.role == role) {
				Requests::<T>::remove(&who);
			}
			Self::do_grant(who, role, scope, expires_at);
			Ok(())
		}

		/// Takes the role `role` from `who`; it stops working at once.
		///
		/// Origin: the admin. Emits `RoleRevoked`.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::revoke_role())]
		pub fn revoke_role(origin: OriginFor<T>, who: T::AccountId, role: Role) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			Grants::<T>::take(&who, role).ok_or(Error::<T>::NoSuchGrant)?;
			Self::deposit_event(Event::RoleRevoked { who, role });
			Ok(())
		}

		/// Asks the admin for the role `role` over `scope`, signed with the asker's own key.
		/// One request per account may wait at a time.
		///
		/// Origin: signed. Emits `RoleRequested`.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::request_role())]
		pub fn request_role(origin: OriginFor<T>, role: Role, scope: Scope) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(scope.is_valid(), Error::<T>::InvalidScope);
			ensure!(!Requests::<T>::contains_key(&who), Error::<T>::RequestPending);
			ensure!(Requests::<T>::count() < T::MaxPendingRequests::get(), Error::<T>::TooManyRequests);
			let requested_at = frame_system::Pallet::<T>::block_number();
			Requests::<T>::insert(&who, RoleRequest { role, scope: scope.clone(), requested_at });
			Self::deposit_event(Event::RoleRequested { who, role, scope });
			Ok(())
		}

		/// Grants `who` what they asked for, until block `expires_at` (`None`: no expiry).
		///
		/// Origin: the admin. Emits `RoleGranted`.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::approve_role_request())]
		pub fn approve_role_request(
			origin: OriginFor<T>,
			who: T::AccountId,
			expires_at: Option<BlockNumberFor<T>>,
		) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			let request = Requests::<T>::get(&who).ok_or(Error::<T>::NoSuchRequest)?;
			Self::check_grant(&request.scope, expires_at)?;
			Requests::<T>::remove(&who);
			Self::do_grant(who, request.role, request.scope, expires_at);
			Ok(())
		}

		/// Turns down `who`'s request.
		///
		/// Origin: the admin. Emits `RoleRequestRejected`.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::reject_role_request())]
		pub fn reject_role_request(origin: OriginFor<T>, who: T::AccountId) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			let request = Requests::<T>::take(&who).ok_or(Error::<T>::NoSuchRequest)?;
			Self::deposit_event(Event::RoleRequestRejected { who, role: request.role });
			Ok(())
		}

		/// Withdraws the caller's own waiting request.
		///
		/// Origin: signed. Emits `RoleRequestWithdrawn`.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::withdraw_role_request())]
		pub fn withdraw_role_request(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let request = Requests::<T>::take(&who).ok_or(Error::<T>::NoSuchRequest)?;
			Self::deposit_event(Event::RoleRequestWithdrawn { who, role: request.role });
			Ok(())
		}
	}
}

impl<T: Config> Pallet<T> {
	/// A grant's scope must be well formed and its expiry in the future.
	fn check_grant(scope: &Scope, expires_at: Option<BlockNumberFor<T>>) -> DispatchResult {
		ensure!(scope.is_valid(), Error::<T>::InvalidScope);
		if let Some(end) = expires_at {
			ensure!(end > frame_system::Pallet::<T>::block_number(), Error::<T>::ExpiryInPast);
		}
		Ok(())
	}

	fn do_grant(who: T::AccountId, role: Role, scope: Scope, expires_at: Option<BlockNumberFor<T>>) {
		let granted_at = frame_system::Pallet::<T>::block_number();
		Grants::<T>::insert(&who, role, Grant { scope: scope.clone(), expires_at, granted_at });
		Self::deposit_event(Event::RoleGranted { who, role, scope, expires_at });
	}

	/// The scope under which `who` may act as `role` at `place` now, or why they may not. The
	/// plain rule behind [`Permissions::ensure_permission`].
	pub fn permission(who: &T::AccountId, role: Role, place: &Place) -> Result<Scope, Error<T>> {
		let grant = Grants::<T>::get(who, role).ok_or(Error::NoPermission)?;
		ensure!(grant.is_live(&frame_system::Pallet::<T>::block_number()), Error::RoleExpired);
		ensure!(grant.scope.covers(place), Error::OutOfScope);
		Ok(grant.scope)
	}

	/// The pallet's invariants (its `try_state`); also run by the runtime fuzzer after every block.
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		for (_, _, grant) in Grants::<T>::iter() {
			ensure!(grant.scope.is_valid(), "a stored grant has an invalid scope");
		}
		let requests = Requests::<T>::iter().count() as u32;
		ensure!(requests == Requests::<T>::count(), "request counter differs from the requests");
		ensure!(requests <= T::MaxPendingRequests::get(), "more requests than allowed");
		Ok(())
	}
}

impl<T: Config> Permissions<T::AccountId> for Pallet<T> {
	fn ensure_permission(who: &T::AccountId, role: Role, place: &Place) -> Result<Scope, DispatchError> {
		Self::permission(who, role, place).map_err(Into::into)
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn grant_for_benchmarks(who: &T::AccountId, role: Role, scope: Scope) {
		Self::do_grant(who.clone(), role, scope, None);
	}
}
