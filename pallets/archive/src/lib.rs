//! # Archive pallet
//!
//! Cluster-sharded block archival (the patent in `../shared/design/SOURCES.md`, part B): full
//! nodes keep only recent block bodies, and archive nodes in bounded clusters together keep every
//! finalized block `R` times, so no node stores all of history and no block is lost.
//!
//! This pallet is the chain's half: the registry of archive nodes (operator, archive key, peer id,
//! address, zone), clusters formed by rule, liveness from heartbeats, and the holder rule
//! ([`holders`]) every node evaluates the same way.
//!
//! - **Registration.** An operator registers a node with a proof that it holds the archive key
//!   (the key's signature over [`Pallet::key_payload`]: this chain, the operator and the key), so
//!   nobody can register someone else's key under their own account. A [`Config::Deposit`] is
//!   held from the operator while the node is registered: returned when the node leaves or is
//!   removed for being offline, taken when the admin origin removes it. With `MaxNodes` places,
//!   filling the registry costs `MaxNodes` deposits, held for at least `OfflineRemoval`.
//! - **Clusters by rule.** A node that registers (or returns after being dropped) joins the
//!   lowest-numbered cluster with room (at most [`Config::MaxClusterSize`] members), or opens a
//!   new one. Its member number is its position in the cluster's member list, fixed by the chain.
//!   A full cluster gives the place of a member offline for longer than [`Config::RejoinGrace`]
//!   to a newcomer (a restarting member keeps its place). Every [`Config::EpochLength`] blocks
//!   the clusters are re-formed: members that are offline are dropped, and a dropped node
//!   rejoins by rule when it is heard from again; nodes offline for longer than
//!   [`Config::OfflineRemoval`] are removed from the registry, so it frees itself. The admin
//!   origin may remove any node ([`Pallet::remove_node`]).
//! - **Liveness.** Each archive node's offchain worker sends [`Pallet::heartbeat`] every
//!   [`Config::HeartbeatInterval`] blocks, signed by its archive key (feeless for a registered
//!   key). A member silent for [`Config::MaxMissedHeartbeats`] intervals is marked offline by the
//!   chain itself (`NodeOffline`), and the blocks it held get new holders: the holder rule counts
//!   only online members. A node's key gets one feeless heartbeat per interval: the
//!   [`CheckHeartbeat`] transaction extension refuses any other in the pool, and a heartbeat
//!   is charged what the common case (an online member) costs.
//! - **Holders.** [`Pallet::holders_of`] answers which `R` online members of a cluster keep the
//!   block with a given hash — rendezvous hashing with distinct zones first (see [`holders`] for
//!   why this rule).
//!
//! - **Heartbeats from the offchain worker.** [`Hooks::offchain_worker`] signs a `heartbeat` with
//!   every archive key ([`crypto::KEY_TYPE`]) in the node's keystore whose node is registered,
//!   once per interval, at a block of the interval set by the node's number (so that many
//!   nodes' heartbeats spread over the interval). The archive key becomes an account at registration (the pallet gives it
//!   a provider reference), so it needs no funds: the heartbeat is feeless for it.
//! - **Runtime API.** [`runtime_api::ArchiveApi`] gives nodes their assignment, a cluster's
//!   members and the holders of a block; the node's archive worker (`archive/` in the repository)
//!   fetches, checks and serves the blocks.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

mod check_heartbeat;
pub mod crypto;
pub mod holders;
pub mod offchain;
pub mod runtime_api;
pub mod weights;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

pub use check_heartbeat::CheckHeartbeat;
pub use holders::{Member, NodeId};
pub use pallet::*;
pub use weights::WeightInfo;

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{
	pallet_prelude::ConstU32,
	traits::fungible::{Inspect, Mutate, MutateHold},
	BoundedVec,
};
use scale_info::TypeInfo;

/// What an archive key signs to prove it is its operator's (see [`Pallet::key_payload`]).
pub const KEY_CONTEXT: &[u8] = b"cinechain/archive-key/v1";

/// An amount of the currency deposits are held in.
pub type BalanceOf<T> = <<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;

/// A cluster's number.
pub type ClusterId = u32;
/// Longest libp2p peer id accepted (its text form).
pub const MAX_PEER_ID_LEN: u32 = 64;
/// Longest network address accepted (a multiaddress or URL, as text).
pub const MAX_ADDRESS_LEN: u32 = 128;
/// A libp2p peer id, as text.
pub type PeerId = BoundedVec<u8, ConstU32<MAX_PEER_ID_LEN>>;
/// A network address, as text.
pub type Address = BoundedVec<u8, ConstU32<MAX_ADDRESS_LEN>>;

/// Whether an archive node is heard from.
#[derive(Clone, Copy, Encode, Decode, DecodeWithMemTracking, Eq, PartialEq, Debug, TypeInfo, MaxEncodedLen)]
pub enum NodeStatus<BlockNumber> {
	/// Sends heartbeats; counts for the holder rule.
	Online,
	/// Missed its heartbeats; marked at block `since`. Its blocks have moved to other holders.
	Offline { since: BlockNumber },
}

/// Why the chain removed a node from the registry.
#[derive(Clone, Copy, Encode, Decode, DecodeWithMemTracking, Eq, PartialEq, Debug, TypeInfo, MaxEncodedLen)]
pub enum Removal {
	/// Offline for longer than `OfflineRemoval`.
	Offline,
	/// By the admin origin.
	Admin,
}

/// An archive node in the registry.
#[derive(Clone, Encode, Decode, DecodeWithMemTracking, Eq, PartialEq, Debug, TypeInfo, MaxEncodedLen)]
pub struct ArchiveNode<AccountId, BlockNumber> {
	/// Who runs it (registers it, may remove it).
	pub operator: AccountId,
	/// The key its offchain worker signs heartbeats with.
	pub key: AccountId,
	/// Its libp2p peer id.
	pub peer_id: PeerId,
	/// Where other members reach it (multiaddress or RPC URL).
	pub address: Address,
	/// The network segment it stands in: copies of a block go to distinct zones where possible.
	pub zone: u16,
	/// Its cluster, unless dropped at a re-forming while offline.
	pub cluster: Option<ClusterId>,
	pub status: NodeStatus<BlockNumber>,
	/// The block of its last heartbeat (or of its registration).
	pub last_heartbeat: BlockNumber,
}

/// What archive key `key` signs to prove it is `operator`'s on the chain with genesis hash
/// `genesis` ([`Pallet::key_payload`] on chain; the node's `archive-registration` command off it).
pub fn key_payload<Hash: Encode, AccountId: Encode>(genesis: &Hash, operator: &AccountId, key: &AccountId) -> alloc::vec::Vec<u8> {
	(KEY_CONTEXT, genesis, operator, key).encode()
}

/// What becomes of a node's deposit when it leaves the registry.
#[derive(Clone, Copy, Eq, PartialEq, Debug)]
enum DepositFate {
	/// Released to the operator (it left, or its node stopped running).
	Return,
	/// Burned (the admin origin removed the node).
	Take,
}

/// The printable text of a peer id or address: non-empty, no control characters.
pub fn is_printable(text: &[u8]) -> bool {
	!text.is_empty() && text.iter().all(|b| b.is_ascii_graphic())
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use alloc::vec::Vec;
	use frame_support::pallet_prelude::*;
	use frame_support::traits::tokens::{Fortitude, Precision};
	use frame_system::pallet_prelude::*;
	use sp_runtime::traits::{IdentifyAccount, Saturating, Verify, Zero};

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config:
		frame_system::Config<RuntimeEvent: From<Event<Self>>>
		+ frame_system::offchain::CreateSignedTransaction<Call<Self>>
	{
		/// How the offchain worker signs heartbeats with the archive key.
		type AuthorityId: frame_system::offchain::AppCrypto<Self::Public, Self::Signature>;
		/// Who may register an archive node; its success value is the operator.
		type RegisterOrigin: EnsureOrigin<Self::RuntimeOrigin, Success = Self::AccountId>;
		/// Who may remove any node from the registry (governance); the node's deposit is taken.
		type AdminOrigin: EnsureOrigin<Self::RuntimeOrigin>;
		/// The signature an archive key makes over [`Pallet::key_payload`] at registration.
		type KeySignature: Verify<Signer: IdentifyAccount<AccountId = Self::AccountId>> + Parameter;
		/// The currency registration deposits are held in.
		type Currency: Mutate<Self::AccountId> + MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;
		/// The runtime's hold reasons, of which [`HoldReason::Registration`] is one.
		type RuntimeHoldReason: From<HoldReason>;
		/// Held from the operator while its node is registered.
		#[pallet::constant]
		type Deposit: Get<BalanceOf<Self>>;
		/// Copies of each block a cluster keeps (`R`).
		#[pallet::constant]
		type Replication: Get<u32>;
		/// Most members of one cluster (`K`).
		#[pallet::constant]
		type MaxClusterSize: Get<u32>;
		/// Most archive nodes registered at once.
		#[pallet::constant]
		type MaxNodes: Get<u32>;
		/// Blocks between two heartbeats of a node (and between two liveness checks).
		#[pallet::constant]
		type HeartbeatInterval: Get<BlockNumberFor<Self>>;
		/// Heartbeat intervals a node may miss before it is marked offline.
		#[pallet::constant]
		type MaxMissedHeartbeats: Get<u32>;
		/// Blocks between two re-formings of the clusters.
		#[pallet::constant]
		type EpochLength: Get<BlockNumberFor<Self>>;
		/// Blocks a member reported for failing a proof of possession stays a suspect: treated as
		/// not holding, so that other members keep R copies of its blocks without it.
		#[pallet::constant]
		type SuspicionPeriod: Get<BlockNumberFor<Self>>;
		/// Blocks a member waits after a report before it may report again. A report costs more
		/// than a heartbeat, and a registry full of liars could otherwise send one per heartbeat
		/// from every node: this bounds what reports take from blocks, whatever members do.
		#[pallet::constant]
		type ReportInterval: Get<BlockNumberFor<Self>>;
		/// Blocks an offline member keeps its place in a full cluster before a newcomer may take
		/// it: a member that restarts comes back to its place and its share.
		#[pallet::constant]
		type RejoinGrace: Get<BlockNumberFor<Self>>;
		/// Blocks a node may stay offline before the chain removes it from the registry (at the
		/// next re-forming), so that registrations of nodes that do not run free their places.
		#[pallet::constant]
		type OfflineRemoval: Get<BlockNumberFor<Self>>;
		/// Weights of this pallet's calls and hooks.
		type WeightInfo: WeightInfo;
		/// Makes real archive-key signatures for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: cinechain_primitives::BenchmarkKeys<Self::AccountId, Self::KeySignature>;
	}

	/// Why this pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// The deposit of a registered archive node, held from its operator.
		Registration,
	}

	/// The number the next registered node gets.
	#[pallet::storage]
	pub type NextNodeId<T> = StorageValue<_, NodeId, ValueQuery>;

	/// Registered archive nodes.
	#[pallet::storage]
	pub type Nodes<T: Config> =
		CountedStorageMap<_, Twox64Concat, NodeId, ArchiveNode<T::AccountId, BlockNumberFor<T>>>;

	/// The node each archive key belongs to.
	#[pallet::storage]
	pub type NodeByKey<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, NodeId>;

	/// The members of each cluster, in member-number order.
	#[pallet::storage]
	pub type Clusters<T: Config> = StorageMap<_, Twox64Concat, ClusterId, BoundedVec<NodeId, T::MaxClusterSize>>;

	/// The number the next new cluster gets.
	#[pallet::storage]
	pub type NextClusterId<T> = StorageValue<_, ClusterId, ValueQuery>;

	/// Members reported for failing a proof of possession, and the block until which they are
	/// suspects (entries of past suspicions stay until the node is reported again or leaves).
	#[pallet::storage]
	pub type Suspects<T: Config> = StorageMap<_, Twox64Concat, NodeId, BlockNumberFor<T>>;

	/// The block of each node's last report (one report per [`Config::ReportInterval`]).
	#[pallet::storage]
	pub type LastReport<T: Config> = StorageMap<_, Twox64Concat, NodeId, BlockNumberFor<T>>;

	/// The deposit held from each node's operator (what was held at registration, so that a
	/// later change of [`Config::Deposit`] returns what was taken).
	#[pallet::storage]
	pub type Deposits<T: Config> = StorageMap<_, Twox64Concat, NodeId, BalanceOf<T>>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// An archive node registered; it is member number `member` of `cluster`. `deposit` is
		/// held from `operator` while it stays registered.
		NodeRegistered { node: NodeId, operator: T::AccountId, zone: u16, cluster: ClusterId, member: u32, deposit: BalanceOf<T> },
		/// A node joined `cluster` as member number `member` (after being dropped at a re-forming).
		NodeJoined { node: NodeId, cluster: ClusterId, member: u32 },
		/// A node missed its heartbeats: the blocks it held move to other members of `cluster`.
		NodeOffline { node: NodeId, cluster: Option<ClusterId>, last_heartbeat: BlockNumberFor<T> },
		/// An offline node is heard from again and holds its share once more.
		NodeBackOnline { node: NodeId, cluster: Option<ClusterId> },
		/// A node left the registry (its operator removed it): its blocks move, its deposit is
		/// returned.
		NodeLeft { node: NodeId, cluster: Option<ClusterId> },
		/// A node was removed from the registry: offline for longer than
		/// [`Config::OfflineRemoval`] (its deposit is returned), or by the admin origin (its
		/// deposit is taken). Its blocks move.
		NodeRemoved { node: NodeId, cluster: Option<ClusterId>, reason: Removal },
		/// `cluster` was re-formed at the epoch boundary; `dropped` offline members left it.
		ClusterReformed { cluster: ClusterId, members: u32, dropped: u32 },
		/// Member `reporter` challenged member `node` to prove it holds block `block`, twice, and
		/// it could not: `node` is a suspect until block `until`, and other members hold its
		/// blocks without counting it.
		PossessionUnproven { reporter: NodeId, node: NodeId, block: BlockNumberFor<T>, until: BlockNumberFor<T> },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The archive key is already some node's.
		KeyInUse,
		/// The registry is full ([`Config::MaxNodes`]).
		TooManyNodes,
		/// The peer id or address is empty or not printable text.
		BadAddress,
		/// No node has that number.
		UnknownNode,
		/// The call must be signed by the node's archive key.
		NotNodeKey,
		/// The call must come from the node's operator.
		NotOperator,
		/// The two nodes are not members of one cluster (or are the same node).
		NotInCluster,
		/// The block named is not a past block.
		NotPastBlock,
		/// The reporter's last report is less than [`Config::ReportInterval`] blocks old.
		ReportTooSoon,
		/// The proof is not the archive key's signature over this chain, the operator and the key.
		BadProof,
		/// The operator's free balance cannot cover the deposit.
		CannotHoldDeposit,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			let mut weight = Weight::zero();
			if (now % T::HeartbeatInterval::get()).is_zero() {
				let checked = Self::mark_silent_nodes(now);
				weight = weight.saturating_add(T::WeightInfo::liveness_check(checked));
			}
			if (now % T::EpochLength::get()).is_zero() {
				let nodes = Self::reform_clusters();
				weight = weight.saturating_add(T::WeightInfo::reform_clusters(nodes));
			}
			weight
		}

		/// Sends this node's heartbeats and reports (see [`Pallet::send_heartbeats`] and
		/// [`Pallet::send_reports`]).
		fn offchain_worker(now: BlockNumberFor<T>) {
			Self::send_heartbeats(now);
			Self::send_reports();
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Registers an archive node run by the caller: its archive key (which signs its
		/// heartbeats), libp2p peer id, address and zone, and `proof`, the archive key's
		/// signature over [`Pallet::key_payload`] (`cinechain-node archive-registration` makes it).
		/// Holds [`Config::Deposit`] from the caller. The node joins a cluster by rule.
		///
		/// Origin: [`Config::RegisterOrigin`]. Emits `NodeRegistered`.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register_node())]
		pub fn register_node(
			origin: OriginFor<T>,
			key: T::AccountId,
			peer_id: PeerId,
			address: Address,
			zone: u16,
			proof: T::KeySignature,
		) -> DispatchResult {
			let operator = T::RegisterOrigin::ensure_origin(origin)?;
			ensure!(is_printable(&peer_id) && is_printable(&address), Error::<T>::BadAddress);
			ensure!(!NodeByKey::<T>::contains_key(&key), Error::<T>::KeyInUse);
			ensure!(Nodes::<T>::count() < T::MaxNodes::get(), Error::<T>::TooManyNodes);
			ensure!(proof.verify(&Self::key_payload(&operator, &key)[..], &key), Error::<T>::BadProof);
			let deposit = T::Deposit::get();
			T::Currency::hold(&HoldReason::Registration.into(), &operator, deposit)
				.map_err(|_| Error::<T>::CannotHoldDeposit)?;
			let node = NextNodeId::<T>::mutate(|next| {
				let id = *next;
				*next = next.saturating_add(1);
				id
			});
			let (cluster, member) = Self::join_cluster(node);
			let now = frame_system::Pallet::<T>::block_number();
			Nodes::<T>::insert(
				node,
				ArchiveNode {
					operator: operator.clone(),
					key: key.clone(),
					peer_id,
					address,
					zone,
					cluster: Some(cluster),
					status: NodeStatus::Online,
					last_heartbeat: now,
				},
			);
			// The key becomes an account (nonce kept, no funds needed) so it can sign heartbeats.
			frame_system::Pallet::<T>::inc_providers(&key);
			NodeByKey::<T>::insert(key, node);
			Deposits::<T>::insert(node, deposit);
			Self::deposit_event(Event::NodeRegistered { node, operator, zone, cluster, member, deposit });
			Ok(())
		}

		/// A node's heartbeat, sent by its offchain worker every [`Config::HeartbeatInterval`]
		/// blocks. Brings an offline node back online, and a dropped one back into a cluster.
		/// One per node per interval (the pool refuses others, see [`CheckHeartbeat`]). Charged
		/// at most the cost of rejoining a cluster, refunded to the common case's cost when the
		/// node is already in one.
		///
		/// Origin: signed by the node's archive key; feeless for it.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::heartbeat())]
		#[pallet::feeless_if(|origin: &OriginFor<T>, node: &NodeId| -> bool {
			ensure_signed(origin.clone()).is_ok_and(|who| NodeByKey::<T>::get(&who) == Some(*node))
		})]
		pub fn heartbeat(origin: OriginFor<T>, node: NodeId) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let mut info = Nodes::<T>::get(node).ok_or(Error::<T>::UnknownNode)?;
			ensure!(info.key == who, Error::<T>::NotNodeKey);
			info.last_heartbeat = frame_system::Pallet::<T>::block_number();
			let rejoins = info.cluster.is_none();
			if rejoins {
				let (cluster, member) = Self::join_cluster(node);
				info.cluster = Some(cluster);
				Self::deposit_event(Event::NodeJoined { node, cluster, member });
			}
			if matches!(info.status, NodeStatus::Offline { .. }) {
				info.status = NodeStatus::Online;
				Self::deposit_event(Event::NodeBackOnline { node, cluster: info.cluster });
			}
			Nodes::<T>::insert(node, info);
			Ok(if rejoins { None } else { Some(T::WeightInfo::heartbeat_in_cluster()) }.into())
		}

		/// Removes a node from the registry and its cluster; its blocks move to other members.
		///
		/// Origin: signed by the node's operator. Emits `NodeLeft`.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::leave())]
		pub fn leave(origin: OriginFor<T>, node: NodeId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let info = Nodes::<T>::get(node).ok_or(Error::<T>::UnknownNode)?;
			ensure!(info.operator == who, Error::<T>::NotOperator);
			Self::remove(node, &info, DepositFate::Return);
			Self::deposit_event(Event::NodeLeft { node, cluster: info.cluster });
			Ok(())
		}

		/// Reports that member `node` failed, twice, to prove it holds block `block` when member
		/// `reporter` (which holds it) challenged it. `node` becomes a suspect for
		/// [`Config::SuspicionPeriod`] blocks: every member treats it as not holding, so other
		/// members keep R copies of its blocks without it (it keeps its own share, so a false
		/// report costs copies, never a block). Sent by the reporter's offchain worker, at most one
		/// per reporter per [`Config::ReportInterval`] blocks (also checked in the pool: see
		/// [`CheckHeartbeat`]).
		///
		/// Origin: signed by the reporter's archive key; feeless for it. Emits `PossessionUnproven`.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::report_unproven())]
		#[pallet::feeless_if(|origin: &OriginFor<T>, reporter: &NodeId, _node: &NodeId, _block: &BlockNumberFor<T>| -> bool {
			ensure_signed(origin.clone()).is_ok_and(|who| NodeByKey::<T>::get(&who) == Some(*reporter))
		})]
		pub fn report_unproven(
			origin: OriginFor<T>,
			reporter: NodeId,
			node: NodeId,
			block: BlockNumberFor<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::check_report(&who, reporter, node, block)?;
			let now = frame_system::Pallet::<T>::block_number();
			let until = now.saturating_add(T::SuspicionPeriod::get());
			Suspects::<T>::insert(node, until);
			LastReport::<T>::insert(reporter, now);
			Self::deposit_event(Event::PossessionUnproven { reporter, node, block, until });
			Ok(())
		}

		/// Removes any node from the registry and its cluster (a node that misbehaves, or whose
		/// operator is gone); its blocks move to other members and its deposit is taken (burned).
		/// Weighed as `leave`: the same removal.
		///
		/// Origin: [`Config::AdminOrigin`]. Emits `NodeRemoved`.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::leave())]
		pub fn remove_node(origin: OriginFor<T>, node: NodeId) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			let info = Nodes::<T>::get(node).ok_or(Error::<T>::UnknownNode)?;
			Self::remove(node, &info, DepositFate::Take);
			Self::deposit_event(Event::NodeRemoved { node, cluster: info.cluster, reason: Removal::Admin });
			Ok(())
		}
	}

	impl<T: Config> Pallet<T> {
		/// Whether `who` may report, as member `reporter`, that member `node` failed to prove it
		/// holds block `block`: `who` is the reporter's archive key, both are members of one
		/// cluster, the block is a past one, and the reporter's last report is at least
		/// [`Config::ReportInterval`] blocks old. The call and its pool check both go through here.
		pub fn check_report(
			who: &T::AccountId,
			reporter: NodeId,
			node: NodeId,
			block: BlockNumberFor<T>,
		) -> Result<(), Error<T>> {
			let info = Nodes::<T>::get(reporter).ok_or(Error::<T>::UnknownNode)?;
			ensure!(info.key == *who, Error::<T>::NotNodeKey);
			let reported = Nodes::<T>::get(node).ok_or(Error::<T>::UnknownNode)?;
			ensure!(reporter != node && info.cluster.is_some() && info.cluster == reported.cluster, Error::<T>::NotInCluster);
			let now = frame_system::Pallet::<T>::block_number();
			ensure!(block < now, Error::<T>::NotPastBlock);
			let last = LastReport::<T>::get(reporter);
			ensure!(!last.is_some_and(|last| Self::too_soon_to_report(last, now)), Error::<T>::ReportTooSoon);
			Ok(())
		}

		/// What this chain's archive key `key` signs to show it is `operator`'s: the context, this
		/// chain's genesis hash (so the proof is good on no other chain), the operator and the key,
		/// SCALE-encoded.
		pub fn key_payload(operator: &T::AccountId, key: &T::AccountId) -> Vec<u8> {
			key_payload(&frame_system::Pallet::<T>::block_hash(BlockNumberFor::<T>::zero()), operator, key)
		}

		/// Takes `node` (whose entry is `info`) out of its cluster and the registry, with
		/// everything kept about it; its key stops being an account; its deposit goes back to
		/// the operator or is burned, as `deposit` says.
		fn remove(node: NodeId, info: &ArchiveNode<T::AccountId, BlockNumberFor<T>>, deposit: DepositFate) {
			if let Some(cluster) = info.cluster {
				Clusters::<T>::mutate(cluster, |members| {
					if let Some(members) = members {
						members.retain(|m| *m != node);
					}
				});
			}
			Nodes::<T>::remove(node);
			NodeByKey::<T>::remove(&info.key);
			Suspects::<T>::remove(node);
			LastReport::<T>::remove(node);
			if let Some(amount) = Deposits::<T>::take(node) {
				let reason = HoldReason::Registration.into();
				// Best effort: the hold is this pallet's alone, so it covers `amount` unless the
				// runtime's currency slashed it behind the pallet's back.
				let _ = match deposit {
					DepositFate::Return => T::Currency::release(&reason, &info.operator, amount, Precision::BestEffort),
					DepositFate::Take =>
						T::Currency::burn_held(&reason, &info.operator, amount, Precision::BestEffort, Fortitude::Force),
				};
			}
			// Fails only if the key account has consumers, which an archive key never gets.
			let _ = frame_system::Pallet::<T>::dec_providers(&info.key);
		}

		/// Whether a member with status `status` may give its place in a full cluster to a
		/// newcomer at block `now`: offline for at least [`Config::RejoinGrace`].
		pub fn replaceable(status: &NodeStatus<BlockNumberFor<T>>, now: BlockNumberFor<T>) -> bool {
			matches!(status, NodeStatus::Offline { since } if since.saturating_add(T::RejoinGrace::get()) <= now)
		}

		/// Whether a node with status `status` has been offline long enough at block `now` to be
		/// removed from the registry ([`Config::OfflineRemoval`]).
		pub fn expired(status: &NodeStatus<BlockNumberFor<T>>, now: BlockNumberFor<T>) -> bool {
			matches!(status, NodeStatus::Offline { since } if since.saturating_add(T::OfflineRemoval::get()) <= now)
		}

		/// Puts `node` into the lowest-numbered cluster with room, or a new one; returns the
		/// cluster and the node's member number. A full cluster makes room by dropping one
		/// member offline for longer than the grace period (it would be dropped at the next
		/// re-forming anyway), so a node that replaces a dead one takes over its share at once,
		/// while a member that is only restarting keeps its place.
		fn join_cluster(node: NodeId) -> (ClusterId, u32) {
			let now = frame_system::Pallet::<T>::block_number();
			let mut clusters: Vec<(ClusterId, BoundedVec<NodeId, T::MaxClusterSize>)> = Clusters::<T>::iter().collect();
			clusters.sort_by_key(|(cluster, _)| *cluster);
			for (cluster, mut members) in clusters {
				if members.is_full() {
					let offline = members
						.iter()
						.position(|m| Nodes::<T>::get(m).is_some_and(|info| Self::replaceable(&info.status, now)));
					if let Some(position) = offline {
						let dropped = members.remove(position);
						Nodes::<T>::mutate(dropped, |info| {
							if let Some(info) = info {
								info.cluster = None;
							}
						});
					}
				}
				if members.try_push(node).is_ok() {
					let member = members.len() as u32 - 1;
					Clusters::<T>::insert(cluster, members);
					return (cluster, member);
				}
			}
			let cluster = NextClusterId::<T>::mutate(|next| {
				let id = *next;
				*next = next.saturating_add(1);
				id
			});
			let members: BoundedVec<NodeId, T::MaxClusterSize> =
				BoundedVec::truncate_from(alloc::vec![node]);
			Clusters::<T>::insert(cluster, members);
			(cluster, 0)
		}

		/// Whether a member that last reported at block `last` must still wait at block `now`.
		pub fn too_soon_to_report(last: BlockNumberFor<T>, now: BlockNumberFor<T>) -> bool {
			now < last.saturating_add(T::ReportInterval::get())
		}

		/// Whether blocks `a` and `b` fall in the same heartbeat interval.
		pub fn same_interval(a: BlockNumberFor<T>, b: BlockNumberFor<T>) -> bool {
			let interval = T::HeartbeatInterval::get();
			a / interval == b / interval
		}

		/// Marks offline every online node silent for too long; returns how many were checked.
		pub(crate) fn mark_silent_nodes(now: BlockNumberFor<T>) -> u32 {
			let silence = T::HeartbeatInterval::get().saturating_mul(T::MaxMissedHeartbeats::get().into());
			let mut checked = 0;
			let silent: Vec<(NodeId, ArchiveNode<T::AccountId, BlockNumberFor<T>>)> = Nodes::<T>::iter()
				.inspect(|_| checked += 1)
				.filter(|(_, info)| {
					info.status == NodeStatus::Online && info.last_heartbeat.saturating_add(silence) < now
				})
				.collect();
			for (node, mut info) in silent {
				info.status = NodeStatus::Offline { since: now };
				Self::deposit_event(Event::NodeOffline { node, cluster: info.cluster, last_heartbeat: info.last_heartbeat });
				Nodes::<T>::insert(node, info);
			}
			checked
		}

		/// Removes from the registry the nodes offline for longer than [`Config::OfflineRemoval`]
		/// and drops the other offline members from their clusters; returns how many nodes were
		/// looked at (every registered node).
		pub(crate) fn reform_clusters() -> u32 {
			let now = frame_system::Pallet::<T>::block_number();
			let mut looked_at = 0;
			let expired: Vec<(NodeId, ArchiveNode<T::AccountId, BlockNumberFor<T>>)> = Nodes::<T>::iter()
				.inspect(|_| looked_at += 1)
				.filter(|(_, info)| Self::expired(&info.status, now))
				.collect();
			for (node, info) in expired {
				Self::remove(node, &info, DepositFate::Return);
				Self::deposit_event(Event::NodeRemoved { node, cluster: info.cluster, reason: Removal::Offline });
			}
			let clusters: Vec<(ClusterId, BoundedVec<NodeId, T::MaxClusterSize>)> = Clusters::<T>::iter().collect();
			for (cluster, mut members) in clusters {
				let before = members.len() as u32;
				members.retain(|node| match Nodes::<T>::get(node) {
					Some(info) if matches!(info.status, NodeStatus::Offline { .. }) => {
						Nodes::<T>::insert(node, ArchiveNode { cluster: None, ..info });
						false
					},
					Some(_) => true,
					None => false,
				});
				let dropped = before - members.len() as u32;
				if members.is_empty() {
					Clusters::<T>::remove(cluster);
				} else {
					Clusters::<T>::insert(cluster, &members);
				}
				Self::deposit_event(Event::ClusterReformed { cluster, members: members.len() as u32, dropped });
			}
			looked_at
		}

		/// Whether node `node` sends its heartbeat at block `now`: once per interval, at a block
		/// that depends on its number, so that a full registry's heartbeats spread evenly over
		/// the interval's blocks instead of all landing in one.
		pub fn heartbeat_due(node: NodeId, now: BlockNumberFor<T>) -> bool {
			(now.saturating_add(node.into()) % T::HeartbeatInterval::get()).is_zero()
		}

		/// The archive keys in this node's keystore that belong to registered nodes: each key, its
		/// account and its node (offchain workers only).
		fn local_nodes() -> Vec<(T::Public, T::AccountId, NodeId)> {
			use frame_system::offchain::AppCrypto;
			use sp_runtime::{traits::IdentifyAccount, RuntimeAppPublic};
			type AppPublic<T> = <<T as Config>::AuthorityId as AppCrypto<
				<T as frame_system::offchain::SigningTypes>::Public,
				<T as frame_system::offchain::SigningTypes>::Signature,
			>>::RuntimeAppPublic;
			type GenericPublic<T> = <<T as Config>::AuthorityId as AppCrypto<
				<T as frame_system::offchain::SigningTypes>::Public,
				<T as frame_system::offchain::SigningTypes>::Signature,
			>>::GenericPublic;
			AppPublic::<T>::all()
				.into_iter()
				.filter_map(|key| {
					let public: T::Public = GenericPublic::<T>::from(key).into();
					let who = public.clone().into_account();
					let node = NodeByKey::<T>::get(&who)?;
					Some((public, who, node))
				})
				.collect()
		}

		/// Signs and submits a heartbeat for every registered archive key in the node's keystore
		/// whose node is due at block `now` ([`Pallet::heartbeat_due`]).
		pub fn send_heartbeats(now: BlockNumberFor<T>) {
			use frame_system::offchain::{SendSignedTransaction, Signer};
			let registered: Vec<T::Public> = Self::local_nodes()
				.into_iter()
				.filter(|(_, _, node)| Self::heartbeat_due(*node, now))
				.map(|(public, _, _)| public)
				.collect();
			if registered.is_empty() {
				return;
			}
			let results = Signer::<T, T::AuthorityId>::all_accounts()
				.with_filter(registered)
				.send_signed_transaction(|account| Call::heartbeat {
					node: NodeByKey::<T>::get(&account.id).unwrap_or_default(),
				});
			for (account, result) in results {
				if result.is_err() {
					log::warn!(target: "archive", "could not submit the heartbeat of archive key {:?}", account.id);
				}
			}
		}

		/// Reports, signed by this node's archive keys, the members its archive worker caught
		/// failing audits ([`offchain::PENDING_REPORTS`]): for each registered key, the first
		/// pending report it may send now. Sent reports leave the list, and so do reports that
		/// can never be taken (the member left, or is in another cluster now); the others wait
		/// until the key may report again ([`Config::ReportInterval`]).
		pub fn send_reports() {
			use frame_system::offchain::{SendSignedTransaction, Signer};
			use sp_runtime::offchain::storage::StorageValueRef;
			let store = StorageValueRef::persistent(offchain::PENDING_REPORTS);
			let Ok(Some(pending)) = store.get::<offchain::Pending>() else { return };
			if pending.is_empty() {
				return;
			}
			let mut done: Vec<(NodeId, u32)> = Vec::new();
			for (public, who, reporter) in Self::local_nodes() {
				let mut chosen = None;
				for (node, block) in &pending {
					match Self::check_report(&who, reporter, *node, (*block).into()) {
						Ok(()) if chosen.is_none() => chosen = Some((*node, *block)),
						Ok(()) | Err(Error::<T>::ReportTooSoon) => {},
						Err(_) => done.push((*node, *block)),
					}
				}
				let Some((node, block)) = chosen else { continue };
				let results = Signer::<T, T::AuthorityId>::all_accounts()
					.with_filter(alloc::vec![public])
					.send_signed_transaction(|_| Call::report_unproven { reporter, node, block: block.into() });
				if results.iter().all(|(_, result)| result.is_ok()) {
					done.push((node, block));
				} else {
					log::warn!(target: "archive", "could not submit the report of node {node} (block #{block})");
				}
			}
			if done.is_empty() {
				return;
			}
			// The archive worker may have added entries meanwhile: take off only what was handled.
			let _ = store.mutate(|old: Result<Option<offchain::Pending>, _>| -> Result<offchain::Pending, ()> {
				let mut list = old.ok().flatten().unwrap_or_default();
				list.retain(|entry| !done.contains(entry));
				Ok(list)
			});
		}

		/// Where the archive key `key` stands (for [`runtime_api::ArchiveApi`]).
		pub fn assignment(key: &T::AccountId) -> Option<runtime_api::Assignment> {
			let node = NodeByKey::<T>::get(key)?;
			let info = Nodes::<T>::get(node)?;
			Some(runtime_api::Assignment { node, cluster: info.cluster, online: info.status == NodeStatus::Online })
		}

		/// The members of `cluster` with their addresses (for [`runtime_api::ArchiveApi`]).
		pub fn members(cluster: ClusterId) -> Vec<runtime_api::MemberInfo> {
			Clusters::<T>::get(cluster)
				.unwrap_or_default()
				.iter()
				.filter_map(|node| {
					let info = Nodes::<T>::get(node)?;
					Some(runtime_api::MemberInfo {
						node: *node,
						zone: info.zone,
						address: info.address,
						online: info.status == NodeStatus::Online,
					})
				})
				.collect()
		}

		/// The online members of `cluster`, in member-number order, as the holder rule sees them.
		pub fn online_members(cluster: ClusterId) -> Vec<holders::Member> {
			runtime_api::online(&Self::members(cluster))
		}

		/// The members of `cluster` that are suspects now (reported, suspicion not yet over).
		pub fn suspects(cluster: ClusterId) -> Vec<NodeId> {
			let now = frame_system::Pallet::<T>::block_number();
			Clusters::<T>::get(cluster)
				.unwrap_or_default()
				.into_iter()
				.filter(|node| Suspects::<T>::get(node).is_some_and(|until| until > now))
				.collect()
		}

		/// The members of `cluster` that hold the block with hash `hash`: `R` that are not
		/// suspects, then any suspect the plain rule names (see [`holders::holders_trusting`]).
		pub fn holders_of(cluster: ClusterId, hash: &[u8; 32]) -> Vec<NodeId> {
			holders::holders_trusting(
				hash,
				&Self::online_members(cluster),
				T::Replication::get() as usize,
				&Self::suspects(cluster),
			)
		}

		/// The registry's invariants: every key maps to its node and back; every cluster member
		/// is a registered node that names that cluster; no node is in two clusters. Also run by the
		/// runtime fuzzer after every block.
		pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
			for (node, info) in Nodes::<T>::iter() {
				ensure!(NodeByKey::<T>::get(&info.key) == Some(node), "a node's key does not map back to it");
				if let Some(cluster) = info.cluster {
					let members = Clusters::<T>::get(cluster).ok_or("a node names a missing cluster")?;
					ensure!(members.iter().filter(|m| **m == node).count() == 1, "a node is not once in its cluster");
				}
			}
			for (cluster, members) in Clusters::<T>::iter() {
				for node in members.iter() {
					let info = Nodes::<T>::get(node).ok_or("a cluster lists an unknown node")?;
					ensure!(info.cluster == Some(cluster), "a cluster lists a node of another cluster");
				}
			}
			ensure!(NodeByKey::<T>::iter().count() as u32 == Nodes::<T>::count(), "stray archive keys");
			for node in Suspects::<T>::iter_keys().chain(LastReport::<T>::iter_keys()).chain(Deposits::<T>::iter_keys()) {
				ensure!(Nodes::<T>::contains_key(node), "a suspicion, report or deposit of an unknown node");
			}
			Ok(())
		}
	}
}
