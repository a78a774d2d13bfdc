//! `CheckScreening`: the transaction-pool gate for screening records.
//!
//! Records are feeless, so a record must never reach a block only to fail there. For
//! `record_screening` and `record_screenings` this extension applies the call's own rules at
//! pool validation and again when the block is built, and refuses with
//! `InvalidTransaction::Custom(code)` (codes in `cinechain_primitives::refusal`):
//! - a signer that is not an active device: `NOT_ACTIVE_DEVICE`;
//! - a device whose records would exceed its quota for this period: `OVER_QUOTA`;
//! - an empty batch: `EMPTY_BATCH` (an oversized one does not even decode);
//! - a record (or a batch starting with one) already on chain: `ALREADY_RECORDED`, a
//!   resubmission that changes nothing and costs nothing;
//! - a record whose `prev_hash` or sequence number breaks the device's chain of records:
//!   `BROKEN_HASH_CHAIN`;
//! - content the call refuses: `BAD_TIMES`, `RECORD_IN_FUTURE`, `WRONG_VENUE`, `BAD_RECORD`.
//!
//! In the pool a batch may build on a record that is itself still waiting there: it then
//! requires that record's tag `(device, seq, hash)` and provides its own, so the pool hands the
//! block builder a device's records in order. In a block the check is exact: the batch must
//! follow the device's head as the block's earlier transactions left it (if not, it waits:
//! `Future`). So every record that enters a block succeeds.
//!
//! When the transaction is included it counts its records against the device's quota. Records
//! get [`priority::RECORD`]. Other calls pass untouched. It encodes to nothing, so wallets that
//! do not know it need nothing to send other transactions.

use crate::{rules::{self, RecordError}, types::ScreeningRecord, Call, Config, Heads, Pallet, WeightInfo};
use cinechain_primitives::{priority, refusal, DeviceId, Devices};
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
	transaction_validity::{
		InvalidTransaction, TransactionValidityError, ValidTransaction,
	},
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

/// The records a call carries, if it is a screening call.
fn records_in<T: Config>(call: &T::RuntimeCall) -> Option<&[ScreeningRecord]>
where
	T::RuntimeCall: IsSubType<Call<T>>,
{
	match call.is_sub_type()? {
		Call::record_screening { record } => Some(core::slice::from_ref(record)),
		Call::record_screenings { records } => Some(records),
		_ => None,
	}
}

/// The pool's refusal code for a record the rules refuse.
pub fn refusal_of(error: RecordError) -> InvalidTransaction {
	InvalidTransaction::Custom(match error {
		RecordError::Duplicate => refusal::ALREADY_RECORDED,
		RecordError::Gap | RecordError::BrokenChain => refusal::BROKEN_HASH_CHAIN,
		RecordError::EmptyBatch => refusal::EMPTY_BATCH,
		RecordError::EndBeforeStart | RecordError::TooLong => refusal::BAD_TIMES,
		RecordError::InFuture => refusal::RECORD_IN_FUTURE,
		RecordError::WrongVenue => refusal::WRONG_VENUE,
		RecordError::NoFilm | RecordError::BadLocation => refusal::BAD_RECORD,
	})
}

/// The pool tag of a device's record `(seq, hash)`.
fn record_tag(device: DeviceId, seq: u64, hash: &[u8; 32]) -> alloc::vec::Vec<u8> {
	(b"cinechain/record", device, seq, hash).encode()
}

/// Judges `records` from `who` as the pool (`in_block == false`) or a block being built
/// (`in_block == true`) sees them: refuses what the call would refuse, and else returns the
/// device they count against and the pool's view of them.
pub fn pool_check<T: Config>(
	who: &T::AccountId,
	records: &[ScreeningRecord],
	in_block: bool,
) -> Result<(DeviceId, ValidTransaction), InvalidTransaction> {
	let (device, place) =
		T::Devices::active_device(who).ok_or(InvalidTransaction::Custom(refusal::NOT_ACTIVE_DEVICE))?;
	let head = Heads::<T>::get(device);
	let count = records.len() as u32;
	if !rules::quota_allows(&head, Pallet::<T>::current_period(), count, T::Quota::get()) {
		return Err(InvalidTransaction::Custom(refusal::OVER_QUOTA));
	}
	let pending = rules::check_pending(&head, records, place.cinema, &Pallet::<T>::limits()).map_err(refusal_of)?;
	let mut validity = ValidTransaction {
		priority: priority::RECORD,
		provides: alloc::vec![record_tag(device, pending.last.0, &pending.last.1)],
		..Default::default()
	};
	match pending.after {
		// In a block, the records before it must already be there.
		Some(_) if in_block => return Err(InvalidTransaction::Future),
		Some((seq, hash)) => validity.requires.push(record_tag(device, seq, &hash)),
		None => {},
	}
	Ok((device, validity))
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
		// Benchmarked as the extension itself (`check_screening`): the device, its head and
		// quota, each record's rules and hash, the quota written at inclusion.
		match records_in::<T>(call) {
			Some(records) => T::WeightInfo::check_screening(records.len() as u32),
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
		source: TransactionSource,
	) -> ValidateResult<Self::Val, T::RuntimeCall> {
		let Some(records) = records_in::<T>(call) else {
			return Ok((ValidTransaction::default(), None, origin));
		};
		let Some(who) = origin.as_system_origin_signer() else {
			return Err(InvalidTransaction::Custom(refusal::NOT_ACTIVE_DEVICE).into());
		};
		let (device, validity) = pool_check::<T>(who, records, source == TransactionSource::InBlock)?;
		Ok((validity, Some((device, records.len() as u32)), origin))
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
