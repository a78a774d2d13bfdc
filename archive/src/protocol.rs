//! The archive protocol, once: the `cinearchive_*` methods and the types they carry. The node
//! serves it ([`crate::rpc`]) and members call each other with the client the same trait
//! generates ([`crate::peers`]), so a method cannot mean one thing to the server and another to
//! its callers. Documented for operators in `archive/README.md`.

use jsonrpsee::{core::RpcResult, proc_macros::rpc};
use pallet_archive::{ClusterId, NodeId};
use serde::{Deserialize, Serialize};
use sp_core::{Bytes, H256};
use sp_runtime::traits::{BlakeTwo256, Hash as _};

/// Most blocks listed by one `cinearchive_held` call.
pub const MAX_HELD_PAGE: u32 = 10_000;
/// Most blocks one `cinearchive_prove` call asks about: each answer reads a whole block.
pub const MAX_PROVE: usize = 128;

/// A block named by number or by hash.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum BlockRef {
	Number(u32),
	Hash(H256),
}

/// A finalized block, as archived.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ArchivedBlock {
	pub number: u32,
	pub hash: H256,
	/// SCALE encoding of the header and the extrinsics (checked against `hash`).
	pub block: Bytes,
	/// The member that served it, when this node forwarded the query.
	pub forwarded_from: Option<NodeId>,
}

/// An extrinsic found in a finalized block.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ArchivedExtrinsic {
	pub block_number: u32,
	pub block_hash: H256,
	/// Its index in the block.
	pub index: u32,
	/// Its SCALE encoding.
	pub extrinsic: Bytes,
	/// The member that served it, when this node forwarded the query.
	pub forwarded_from: Option<NodeId>,
	/// The whole block, only in `localOnly` answers: the member that forwarded the query checks
	/// the answer against it.
	#[serde(default, skip_serializing_if = "Option::is_none")]
	pub block: Option<Bytes>,
}

/// A page of the blocks a node holds.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HeldBlocks {
	/// How many blocks the node holds in all.
	pub count: u32,
	/// Their bytes in all.
	pub bytes: u64,
	/// `[number, hash]` from `from` on, at most `limit`.
	pub blocks: Vec<(u32, H256)>,
}

/// This node's place in its cluster.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ArchiveStatus {
	/// Its archive node number, if it is an online member.
	pub node: Option<NodeId>,
	pub cluster: ClusterId,
	/// Online members of the cluster.
	pub online_members: Vec<NodeId>,
	/// Members this node treats as not holding what they claim (they failed a proof of
	/// possession), whether it caught them itself or another member reported them on chain.
	pub suspects: Vec<NodeId>,
	pub replication: u32,
	pub held_blocks: u32,
	pub held_bytes: u64,
	/// The highest finalized block this node has planned for.
	pub finalized: u32,
}

/// The proof that node `prover` holds the block whose SCALE encoding is `block`, for the
/// challenge `nonce`: `blake2_256(nonce ‖ prover ‖ block)`, the node number in little-endian.
/// Only a node with every byte of the block can compute it; a fresh random nonce per challenge
/// means an answer cannot be kept from an earlier one; and since an honest node only ever proves
/// under its own number, a member that holds nothing cannot relay another holder's answer as its
/// own. Archived copies are canonical encodings (see [`crate::block::check`]), so the member that
/// issued the challenge computes the same proof from its own copy.
pub fn possession_proof(nonce: &H256, prover: NodeId, block: &[u8]) -> H256 {
	let mut input = Vec::with_capacity(36 + block.len());
	input.extend_from_slice(nonce.as_bytes());
	input.extend_from_slice(&prover.to_le_bytes());
	input.extend_from_slice(block);
	BlakeTwo256::hash(&input)
}

#[rpc(server, client, namespace = "cinearchive")]
pub trait ArchiveRpc {
	/// A finalized block by number or hash (`localOnly`: only from this node, no forwarding).
	/// `null` if no member has it.
	#[method(name = "block")]
	async fn block(&self, id: BlockRef, local_only: Option<bool>) -> RpcResult<Option<ArchivedBlock>>;

	/// A finalized extrinsic by hash (`localOnly` as for `block`). `null` if none is found.
	#[method(name = "extrinsic")]
	async fn extrinsic(&self, hash: H256, local_only: Option<bool>) -> RpcResult<Option<ArchivedExtrinsic>>;

	/// The blocks this node holds, from block number `from` (default 0), at most `limit`
	/// (default and maximum 10,000). An operator's view, not a member's question: unsafe, so a
	/// node with `--rpc-methods safe` refuses it.
	#[method(name = "held", with_extensions)]
	fn held(&self, from: Option<u32>, limit: Option<u32>) -> RpcResult<HeldBlocks>;

	/// Proofs of possession: for each block hash (at most 128), [`possession_proof`] of `nonce`,
	/// this node's number and its archived copy, or `null` where its archive store has no copy
	/// (all `null` on a node that is not a registered archive node).
	#[method(name = "prove")]
	async fn prove(&self, hashes: Vec<H256>, nonce: H256) -> RpcResult<Vec<Option<H256>>>;

	/// This node's cluster, its share and how far it has got.
	#[method(name = "status")]
	fn status(&self) -> RpcResult<ArchiveStatus>;
}
