//! `CheckNonce`: frame_system's nonce check, extended so that a brand-new device can ask to be
//! registered.
//!
//! A device generates its key on first boot; that key is not an account yet (it holds no money
//! and nothing refers to it), and `frame_system::CheckNonce` refuses every signer that is not an
//! account. This extension behaves exactly like it (same identifier, same encoding: a compact
//! nonce, so wallets and subxt need nothing new) with one exception: a signer that is not an
//! account may send [`Call::request_registration`] as its first transaction (nonce 0).
//!
//! Because that request is feeless, the pool must not take requests the call would refuse; so
//! for registration requests (and for the feeless key rotation) this extension also asks the
//! pallet's own checks, in the pool and again when a block is built, and refuses with
//! `Custom(REGISTRATION_REFUSED)` or `Custom(KEY_ROTATION_REFUSED)` (see
//! [`device_call_validity`]). Nothing that would only fail enters a block for free.

use crate::{Call, Config, Error, Pallet, RequestsAt, WeightInfo};
use alloc::vec;
use cinechain_primitives::refusal;
use codec::{Decode, DecodeWithMemTracking, Encode};
use frame_support::{
	dispatch::DispatchInfo, pallet_prelude::TransactionSource, traits::IsSubType, weights::Weight,
};
use scale_info::TypeInfo;
use sp_runtime::{
	traits::{
		AsSystemOriginSigner, DispatchInfoOf, Dispatchable, Implication, PostDispatchInfoOf,
		TransactionExtension, ValidateResult, Zero,
	},
	transaction_validity::{
		InvalidTransaction, TransactionLongevity, TransactionValidityError, ValidTransaction,
	},
	DispatchResult,
};

/// The nonce of the transaction's signer; see the module documentation.
#[derive(Encode, Decode, DecodeWithMemTracking, Clone, Eq, PartialEq, TypeInfo)]
#[scale_info(skip_type_params(T))]
pub struct CheckNonce<T: Config>(#[codec(compact)] pub T::Nonce);

impl<T: Config> CheckNonce<T> {
	/// The extension for a transaction with nonce `nonce`.
	pub fn from(nonce: T::Nonce) -> Self {
		Self(nonce)
	}
}

impl<T: Config> core::fmt::Debug for CheckNonce<T> {
	fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
		write!(f, "CheckNonce({:?})", self.0)
	}
}

/// Whether a transaction with nonce `nonce` from a signer that is not an account (no provider,
/// no sufficient reference) may pass: only a registration request, and only with the nonce the
/// key has (0 for a key never seen; more if an earlier request was included but failed).
fn may_pass_without_account<T: Config>(
	call: &T::RuntimeCall,
	nonce: T::Nonce,
	account_nonce: T::Nonce,
) -> Result<(), TransactionValidityError>
where
	T::RuntimeCall: IsSubType<Call<T>>,
{
	if !matches!(call.is_sub_type(), Some(Call::request_registration { .. })) {
		// What frame_system says to any other signer that is not an account.
		return Err(InvalidTransaction::Payment.into());
	}
	match nonce.cmp(&account_nonce) {
		core::cmp::Ordering::Less => Err(InvalidTransaction::Stale.into()),
		core::cmp::Ordering::Greater => Err(InvalidTransaction::Future.into()),
		core::cmp::Ordering::Equal => Ok(()),
	}
}

/// The pallet's own judgement of its feeless calls, asked at pool validation and again when a
/// block is built, so that none of them reaches a block only to fail:
/// - a registration request the call would refuse: `Custom(REGISTRATION_REFUSED)`; when only
///   this block is full of requests, `ExhaustsResources` (the block builder keeps it for the
///   next block). A request provides the tag of the cinema's next free place, so the pool holds
///   one request per free place of a cinema, not any number;
/// - a rotation the call would refuse, its proof included: `Custom(KEY_ROTATION_REFUSED)`.
///   (Only an active device's rotation is feeless; anyone else's pays, and may fail.)
fn device_call_validity<T: Config>(
	who: &T::AccountId,
	call: &T::RuntimeCall,
) -> Result<ValidTransaction, TransactionValidityError>
where
	T::RuntimeCall: IsSubType<Call<T>>,
{
	match call.is_sub_type() {
		Some(Call::request_registration { info }) => match Pallet::<T>::registration_refusal(who, info) {
			Some(Error::BlockRequestsFull) => Err(InvalidTransaction::ExhaustsResources.into()),
			Some(_) => Err(InvalidTransaction::Custom(refusal::REGISTRATION_REFUSED).into()),
			None => {
				let cinema = info.cinema;
				let place = (b"cinechain/request", cinema, RequestsAt::<T>::get(cinema)).encode();
				Ok(ValidTransaction { provides: vec![place], ..Default::default() })
			},
		},
		Some(Call::rotate_key { new_key, proof }) if Pallet::<T>::is_active_key(who) =>
			match Pallet::<T>::rotatable(who, new_key, proof) {
				Ok(_) => Ok(ValidTransaction::default()),
				Err(_) => Err(InvalidTransaction::Custom(refusal::KEY_ROTATION_REFUSED).into()),
			},
		_ => Ok(ValidTransaction::default()),
	}
}

/// What validation hands to `prepare`.
pub enum Val<AccountId> {
	/// A signed transaction: bump this account's nonce.
	Signed(AccountId),
	/// Not signed: nothing to do; refund this extension's weight.
	Unsigned(Weight),
}

impl<T: Config> TransactionExtension<T::RuntimeCall> for CheckNonce<T>
where
	T::RuntimeCall: Dispatchable<Info = DispatchInfo> + IsSubType<Call<T>>,
	<T::RuntimeCall as Dispatchable>::RuntimeOrigin: AsSystemOriginSigner<T::AccountId> + Clone,
{
	const IDENTIFIER: &'static str = "CheckNonce";
	type Implicit = ();
	type Val = Val<T::AccountId>;
	type Pre = Weight;

	fn weight(&self, call: &T::RuntimeCall) -> Weight {
		// The feeless calls' judgement is benchmarked with the nonce check, as this extension
		// runs them; every other call costs what frame_system's nonce check costs.
		match call.is_sub_type() {
			Some(Call::request_registration { .. }) => T::WeightInfo::check_nonce_request_registration(),
			Some(Call::rotate_key { .. }) => T::WeightInfo::check_nonce_rotate_key(),
			_ => <T::ExtensionsWeightInfo as frame_system::ExtensionsWeightInfo>::check_nonce(),
		}
	}

	fn validate(
		&self,
		origin: T::RuntimeOrigin,
		call: &T::RuntimeCall,
		_info: &DispatchInfoOf<T::RuntimeCall>,
		_len: usize,
		_self_implicit: Self::Implicit,
		_inherited_implication: &impl Implication,
		_source: TransactionSource,
	) -> ValidateResult<Self::Val, T::RuntimeCall> {
		let Some(who) = origin.as_system_origin_signer() else {
			return Ok((Default::default(), Val::Unsigned(self.weight(call)), origin));
		};
		let judged = device_call_validity::<T>(who, call)?;
		let account = frame_system::Account::<T>::get(who);
		let (provides, requires) = if !account.providers.is_zero() || !account.sufficients.is_zero() {
			let info = frame_system::CheckNonce::<T>::validate_nonce_for_account(who, self.0)?;
			(info.provides, info.requires)
		} else {
			may_pass_without_account::<T>(call, self.0, account.nonce)?;
			(vec![(who.clone(), self.0).encode()], vec![])
		};
		let validity = ValidTransaction {
			priority: 0,
			requires,
			provides,
			longevity: TransactionLongevity::MAX,
			propagate: true,
		}
		.combine_with(judged);
		let who = who.clone();
		Ok((validity, Val::Signed(who), origin))
	}

	fn prepare(
		self,
		val: Self::Val,
		_origin: &T::RuntimeOrigin,
		_call: &T::RuntimeCall,
		_info: &DispatchInfoOf<T::RuntimeCall>,
		_len: usize,
	) -> Result<Self::Pre, TransactionValidityError> {
		match val {
			// Also right for a new account: the nonce goes from 0 to 1.
			Val::Signed(who) =>
				frame_system::CheckNonce::<T>::prepare_nonce_for_account(&who, self.0).map(|()| Weight::zero()),
			Val::Unsigned(refund) => Ok(refund),
		}
	}

	fn post_dispatch_details(
		refund: Self::Pre,
		_info: &DispatchInfoOf<T::RuntimeCall>,
		_post_info: &PostDispatchInfoOf<T::RuntimeCall>,
		_len: usize,
		_result: &DispatchResult,
	) -> Result<Weight, TransactionValidityError> {
		Ok(refund)
	}
}
