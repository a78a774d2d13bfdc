//! `CheckHeartbeat`: the transaction-pool gate for archive heartbeats and reports.
//!
//! A heartbeat from a node's own archive key is feeless, so nothing but this gate stops a key
//! from sending one per nonce and filling blocks for free. A node needs one heartbeat per
//! [`Config::HeartbeatInterval`]: this extension refuses, at pool validation and again when a
//! block is built, a feeless heartbeat from a node already heard from in the current interval
//! (`Custom(HEARTBEAT_TOO_SOON)`), and gives each accepted one the tag `(node, interval)`, so the
//! pool holds at most one per node per interval. Heartbeats get [`priority::HEARTBEAT`]: a late
//! one would mark a live member offline. Heartbeats that are not feeless (another key, another
//! node's number) pay like any call; other calls pass untouched. It encodes to nothing.
//!
//! Reports of members that failed a proof of possession ([`Call::report_unproven`]) are feeless
//! for the reporter's archive key too, and pass the same gate: the call's own checks
//! ([`Pallet::check_report`], which include one report per reporter per
//! [`Config::ReportInterval`]) in the pool and when a block is built (`Custom(REPORT_REFUSED)`),
//! and the tag `(reporter, its last report's block)`: the pool holds one report per reporter
//! until one is taken.

use crate::{Call, Config, LastReport, NodeByKey, NodeId, Nodes, Pallet, WeightInfo};
use frame_system::pallet_prelude::BlockNumberFor;
use cinechain_primitives::{priority, refusal};
use codec::{Decode, DecodeWithMemTracking, Encode};
use core::marker::PhantomData;
use frame_support::{
	dispatch::DispatchInfo,
	pallet_prelude::TransactionSource,
	traits::{Get, IsSubType},
	weights::Weight,
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

/// The runtime's call type (named through `frame_system`: the archive pallet's config also
/// sees the one of `CreateTransactionBase`).
type CallOf<T> = <T as frame_system::Config>::RuntimeCall;

/// See the module documentation.
#[derive(Encode, Decode, DecodeWithMemTracking, Clone, Eq, PartialEq, TypeInfo)]
#[scale_info(skip_type_params(T))]
pub struct CheckHeartbeat<T: Config>(PhantomData<T>);

impl<T: Config> CheckHeartbeat<T> {
	/// The extension (it carries no data).
	pub fn new() -> Self {
		Self(PhantomData)
	}
}

impl<T: Config> Default for CheckHeartbeat<T> {
	fn default() -> Self {
		Self::new()
	}
}

impl<T: Config> core::fmt::Debug for CheckHeartbeat<T> {
	fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
		write!(f, "CheckHeartbeat")
	}
}

/// The node whose heartbeat `call` is, if `who` may send it for free (its own archive key).
fn feeless_heartbeat<T: Config>(who: &T::AccountId, call: &CallOf<T>) -> Option<NodeId>
where
	CallOf<T>: IsSubType<Call<T>>,
{
	match call.is_sub_type()? {
		Call::heartbeat { node } if NodeByKey::<T>::get(who) == Some(*node) => Some(*node),
		_ => None,
	}
}

/// The report `call` is, `(reporter, node, block)`, if `who` may send it for free (the
/// reporter's archive key).
fn feeless_report<T: Config>(who: &T::AccountId, call: &CallOf<T>) -> Option<(NodeId, NodeId, BlockNumberFor<T>)>
where
	CallOf<T>: IsSubType<Call<T>>,
{
	match call.is_sub_type()? {
		Call::report_unproven { reporter, node, block } if NodeByKey::<T>::get(who) == Some(*reporter) =>
			Some((*reporter, *node, *block)),
		_ => None,
	}
}

/// Judges a feeless report: refused unless the call would be taken, else tagged with
/// `(reporter, its last report's block)`.
pub fn report_validity<T: Config>(
	who: &T::AccountId,
	(reporter, node, block): (NodeId, NodeId, BlockNumberFor<T>),
) -> Result<ValidTransaction, InvalidTransaction> {
	Pallet::<T>::check_report(who, reporter, node, block)
		.map_err(|_| InvalidTransaction::Custom(refusal::REPORT_REFUSED))?;
	let last = LastReport::<T>::get(reporter);
	Ok(ValidTransaction {
		priority: priority::HEARTBEAT,
		provides: alloc::vec![(b"cinechain/report", reporter, last).encode()],
		..Default::default()
	})
}

/// Judges a feeless heartbeat of `node`: refused if the node was heard from in this interval,
/// else tagged with `(node, interval)`.
pub fn heartbeat_validity<T: Config>(node: NodeId) -> Result<ValidTransaction, InvalidTransaction> {
	let now = frame_system::Pallet::<T>::block_number();
	let heard = Nodes::<T>::get(node).map(|info| info.last_heartbeat);
	if heard.is_some_and(|last| Pallet::<T>::same_interval(last, now)) {
		return Err(InvalidTransaction::Custom(refusal::HEARTBEAT_TOO_SOON));
	}
	let interval = now / T::HeartbeatInterval::get();
	Ok(ValidTransaction {
		priority: priority::HEARTBEAT,
		provides: alloc::vec![(b"cinechain/heartbeat", node, interval).encode()],
		..Default::default()
	})
}

impl<T: Config + Send + Sync> TransactionExtension<CallOf<T>> for CheckHeartbeat<T>
where
	CallOf<T>: Dispatchable<Info = DispatchInfo> + IsSubType<Call<T>>,
	<CallOf<T> as Dispatchable>::RuntimeOrigin: AsSystemOriginSigner<T::AccountId> + Clone,
{
	const IDENTIFIER: &'static str = "CheckHeartbeat";
	type Implicit = ();
	type Val = ();
	type Pre = ();

	fn weight(&self, call: &CallOf<T>) -> Weight {
		// Benchmarked as the extension itself (`check_heartbeat`): the key's node and its entry.
		match call.is_sub_type() {
			Some(Call::heartbeat { .. }) => T::WeightInfo::check_heartbeat(),
			Some(Call::report_unproven { .. }) => T::WeightInfo::check_report(),
			_ => Weight::zero(),
		}
	}

	fn validate(
		&self,
		origin: T::RuntimeOrigin,
		call: &CallOf<T>,
		_info: &DispatchInfoOf<CallOf<T>>,
		_len: usize,
		_self_implicit: Self::Implicit,
		_inherited_implication: &impl Implication,
		_source: TransactionSource,
	) -> ValidateResult<Self::Val, CallOf<T>> {
		let validity = match origin.as_system_origin_signer() {
			Some(who) => match (feeless_heartbeat::<T>(who, call), feeless_report::<T>(who, call)) {
				(Some(node), _) => heartbeat_validity::<T>(node)?,
				(None, Some(report)) => report_validity::<T>(who, report)?,
				(None, None) => ValidTransaction::default(),
			},
			None => ValidTransaction::default(),
		};
		Ok((validity, (), origin))
	}

	fn prepare(
		self,
		_val: Self::Val,
		_origin: &T::RuntimeOrigin,
		_call: &CallOf<T>,
		_info: &DispatchInfoOf<CallOf<T>>,
		_len: usize,
	) -> Result<Self::Pre, TransactionValidityError> {
		Ok(())
	}

	fn post_dispatch_details(
		_pre: Self::Pre,
		_info: &DispatchInfoOf<CallOf<T>>,
		_post_info: &PostDispatchInfoOf<CallOf<T>>,
		_len: usize,
		_result: &DispatchResult,
	) -> Result<Weight, TransactionValidityError> {
		Ok(Weight::zero())
	}
}
