//! `ArchiveApi`: what an archive node (or a regulator's tool) asks the runtime — its own place in
//! the registry, a cluster's members, and the holders of a block — so that nodes evaluate the
//! holder rule on exactly the chain's state.

use crate::{holders::Member, Address, ClusterId, NodeId};
use alloc::vec::Vec;
use codec::{Codec, Decode, Encode};
use scale_info::TypeInfo;

/// Where an archive key stands.
#[derive(Clone, Encode, Decode, PartialEq, Eq, Debug, TypeInfo)]
pub struct Assignment {
	/// The node the key belongs to.
	pub node: NodeId,
	/// Its cluster (none while dropped after being offline at a re-forming).
	pub cluster: Option<ClusterId>,
	/// Whether the chain counts it online.
	pub online: bool,
}

/// A cluster member as nodes see it, in member-number order.
#[derive(Clone, Encode, Decode, PartialEq, Eq, Debug, TypeInfo)]
pub struct MemberInfo {
	pub node: NodeId,
	pub zone: u16,
	/// Where it serves archive queries (its RPC address).
	pub address: Address,
	pub online: bool,
}

/// The members the holder rule counts: the online ones, in member-number order. The runtime and
/// the nodes both go through this, so they count the same members.
pub fn online(members: &[MemberInfo]) -> Vec<Member> {
	members.iter().filter(|m| m.online).map(|m| Member { node: m.node, zone: m.zone }).collect()
}

sp_api::decl_runtime_apis! {
	/// The archive registry and the holder rule. Version 2 adds `suspects`.
	#[api_version(2)]
	pub trait ArchiveApi<AccountId: Codec> {
		/// The node whose archive key is `key`, if any.
		fn assignment(key: AccountId) -> Option<Assignment>;
		/// The members of `cluster`, in member-number order.
		fn members(cluster: ClusterId) -> Vec<MemberInfo>;
		/// The online members of `cluster` that hold the block with hash `block_hash`: `R` that
		/// are not suspects, best first, then any suspect the plain rule names.
		fn holders(cluster: ClusterId, block_hash: [u8; 32]) -> Vec<NodeId>;
		/// Copies of each block a cluster keeps (`R`).
		fn replication() -> u32;
		/// The members of `cluster` reported for failing a proof of possession whose suspicion
		/// is not over: members treat them as not holding.
		#[api_version(2)]
		fn suspects(cluster: ClusterId) -> Vec<NodeId>;
	}
}
