//! `CheckScreening`: the transaction-pool gate for screening records.
//!
//! Records are feeless, so whatever a record costs the chain must be stopped before it reaches
//! a block. For `record_screening` and `record_screenings` this extension refuses, at pool
//! validation (and again when the block is built):
//! - a signer that is not an active device: `Custom(NOT_ACTIVE_DEVICE)`;
//! - a device whose records would exceed its quota for this period: `Custom(OVER_QUOTA)`;
//! - a record (or a batch starting with one) whose sequence number is already on chain:
//!   `Custom(ALREADY_RECORDED)`. Such a resubmission changes nothing and costs nothing.
//!
//! When the transaction is included it counts its records against the device's quota, whether
//! or not the call then succeeds. Other calls pass untouched. It encodes to nothing, so wallets
//! that do not know it need nothing to send other transactions.

use crate::{rules, Call, Config, Heads, Pallet};
use cinechain_primitives::{refusal, DeviceId, Devices};
use codec::{Decode, DecodeWithMemTracking, Encode};
use core::marker::PhantomData;
use frame_support::{
	dispatch::DispatchInfo, pallet_prelude::TransactionSource, traits::{Get, IsSubType}, weights::Weight,
};
use scale_info::TypeInfo;
use sp_runtime::{
	traits::{
		AsSystemOriginSigner, DispatchInfoOf, Dispatchable, Implication, PostDispatchInfoOf,
		TransactionExtension, ValidateResult,
	},
	transaction_validity::{InvalidTransaction, TransactionValidityError, ValidTransaction},
	DispatchResult,
};

/// See the module documentation.
#[derive(Encode, Decode, DecodeWithMemTracking, Clone, Eq, PartialEq, TypeInfo)]
#[scale_info(skip_type_params(T))]
pub struct CheckScreening<T: Config>(PhantomData<T>);

impl<T: Config> CheckScreening<T> {
	/// The extension (it carries no data).
	pub fn new() -> Self {
		Self(PhantomData)
	}
}

impl<T: Config> Default for CheckScreening<T> {
	fn default() -> Self {
		Self::new()
	}
}

impl<T: Config> core::fmt::Debug for CheckScreening<T> {
	fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
		write!(f, "CheckScreening")
	}
}

/// The records a call carries, if it is a screening call: `(count, first sequence number)`.
fn records_in<T: Config>(call: &T::RuntimeCall) -> Option<(u32, u64)>
where
	T::RuntimeCall: IsSubType<Call<T>>,
{
	match call.is_sub_type()? {
		Call::record_screening { record } => Some((1, record.seq)),
		Call::record_screenings { records } => Some((records.len() as u32, records.first().map_or(0, |r| r.seq))),
		_ => None,
	}
}

/// Why the pool refuses `count` records starting at `first_seq` from `who`, if it does; else the
/// device they count against.
pub fn pool_check<T: Config>(who: &T::AccountId, count: u32, first_seq: u64) -> Result<DeviceId, InvalidTransaction> {
	let (device, _) = T::Devices::active_device(who).ok_or(InvalidTransaction::Custom(refusal::NOT_ACTIVE_DEVICE))?;
	let head = Heads::<T>::get(device);
	if count > 0 && first_seq <= head.last_seq {
		return Err(InvalidTransaction::Custom(refusal::ALREADY_RECORDED));
	}
	if !rules::quota_allows(&head, Pallet::<T>::current_period(), count, T::Quota::get()) {
		return Err(InvalidTransaction::Custom(refusal::OVER_QUOTA));
	}
	Ok(device)
}

impl<T: Config + Send + Sync> TransactionExtension<T::RuntimeCall> for CheckScreening<T>
where
	T::RuntimeCall: Dispatchable<Info = DispatchInfo> + IsSubType<Call<T>>,
	<T::RuntimeCall as Dispatchable>::RuntimeOrigin: AsSystemOriginSigner<T::AccountId> + Clone,
{
	const IDENTIFIER: &'static str = "CheckScreening";
	type Implicit = ();
	/// The device and how many records to count against its quota.
	type Val = Option<(DeviceId, u32)>;
	type Pre = ();

	fn weight(&self, call: &T::RuntimeCall) -> Weight {
		// The device lookup (key -> id -> device) and the head; the head is written at inclusion.
		match records_in::<T>(call) {
			Some(_) => T::DbWeight::get().reads_writes(3, 1),
			None => Weight::zero(),
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
		let Some((count, first_seq)) = records_in::<T>(call) else {
			return Ok((ValidTransaction::default(), None, origin));
		};
		let Some(who) = origin.as_system_origin_signer() else {
			return Err(InvalidTransaction::Custom(refusal::NOT_ACTIVE_DEVICE).into());
		};
		let device = pool_check::<T>(who, count, first_seq)?;
		Ok((ValidTransaction::default(), Some((device, count)), origin))
	}

	fn prepare(
		self,
		val: Self::Val,
		_origin: &T::RuntimeOrigin,
		_call: &T::RuntimeCall,
		_info: &DispatchInfoOf<T::RuntimeCall>,
		_len: usize,
	) -> Result<Self::Pre, TransactionValidityError> {
		if let Some((device, count)) = val {
			let period = Pallet::<T>::current_period();
			Heads::<T>::mutate(device, |head| rules::consume_quota(head, period, count));
		}
		Ok(())
	}

	fn post_dispatch_details(
		_pre: Self::Pre,
		_info: &DispatchInfoOf<T::RuntimeCall>,
		_post_info: &PostDispatchInfoOf<T::RuntimeCall>,
		_len: usize,
		_result: &DispatchResult,
	) -> Result<Weight, TransactionValidityError> {
		Ok(Weight::zero())
	}
}
