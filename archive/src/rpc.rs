//! The `cinearchive_*` JSON-RPC methods, served by every node (archive member or not): any of
//! them answers any query for a finalized block or extrinsic, from its own copy or by
//! forwarding to the holders. Documented for operators in `archive/README.md`.

use std::sync::Arc;

use cinechain_runtime::AccountId;
use jsonrpsee::{
	core::{async_trait, RpcResult},
	proc_macros::rpc,
	types::ErrorObjectOwned,
};
use pallet_archive::{runtime_api::ArchiveApi, ClusterId, NodeId};
use serde::{Deserialize, Serialize};
use sp_core::{Bytes, H256};

use crate::{
	archive::{Archive, ChainClient},
	block::Block,
};

/// Most hashes in one `cinearchive_has` call.
pub const MAX_HAS: usize = 1_024;
/// Most blocks listed by one `cinearchive_held` call.
pub const MAX_HELD_PAGE: u32 = 10_000;

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
	pub replication: u32,
	pub held_blocks: u32,
	pub held_bytes: u64,
	/// The highest finalized block this node has planned for.
	pub finalized: u32,
}

#[rpc(server, namespace = "cinearchive")]
pub trait ArchiveRpc {
	/// A finalized block by number or hash (`localOnly`: only from this node, no forwarding).
	/// `null` if no member has it.
	#[method(name = "block")]
	async fn block(&self, id: BlockRef, local_only: Option<bool>) -> RpcResult<Option<ArchivedBlock>>;

	/// A finalized extrinsic by hash (`localOnly` as for `block`). `null` if none is found.
	#[method(name = "extrinsic")]
	async fn extrinsic(&self, hash: H256, local_only: Option<bool>) -> RpcResult<Option<ArchivedExtrinsic>>;

	/// The blocks this node holds, from block number `from` (default 0), at most `limit`
	/// (default and maximum 10,000).
	#[method(name = "held")]
	fn held(&self, from: Option<u32>, limit: Option<u32>) -> RpcResult<HeldBlocks>;

	/// Which of the given block hashes (at most 1,024) this node holds.
	#[method(name = "has")]
	fn has(&self, hashes: Vec<H256>) -> RpcResult<Vec<bool>>;

	/// This node's cluster, its share and how far it has got.
	#[method(name = "status")]
	fn status(&self) -> RpcResult<ArchiveStatus>;
}

/// The RPC methods over an [`Archive`].
pub struct ArchiveRpcHandler<C> {
	archive: Arc<Archive<C>>,
}

impl<C> ArchiveRpcHandler<C> {
	pub fn new(archive: Arc<Archive<C>>) -> Self {
		Self { archive }
	}
}

fn invalid_params(message: String) -> ErrorObjectOwned {
	ErrorObjectOwned::owned(jsonrpsee::types::error::INVALID_PARAMS_CODE, message, None::<()>)
}

#[async_trait]
impl<C: ChainClient> ArchiveRpcServer for ArchiveRpcHandler<C>
where
	C::Api: ArchiveApi<Block, AccountId>,
{
	async fn block(&self, id: BlockRef, local_only: Option<bool>) -> RpcResult<Option<ArchivedBlock>> {
		Ok(self.archive.block(id, local_only.unwrap_or(false)).await)
	}

	async fn extrinsic(&self, hash: H256, local_only: Option<bool>) -> RpcResult<Option<ArchivedExtrinsic>> {
		Ok(self.archive.extrinsic(hash, local_only.unwrap_or(false)).await)
	}

	fn held(&self, from: Option<u32>, limit: Option<u32>) -> RpcResult<HeldBlocks> {
		let limit = limit.unwrap_or(MAX_HELD_PAGE);
		if limit > MAX_HELD_PAGE {
			return Err(invalid_params(format!("limit {limit} is over {MAX_HELD_PAGE}")));
		}
		let store = self.archive.store();
		Ok(HeldBlocks {
			count: store.held().len() as u32,
			bytes: store.total_bytes(),
			blocks: store
				.held()
				.range(from.unwrap_or(0)..)
				.take(limit as usize)
				.map(|(number, held)| (*number, held.hash))
				.collect(),
		})
	}

	fn has(&self, hashes: Vec<H256>) -> RpcResult<Vec<bool>> {
		if hashes.len() > MAX_HAS {
			return Err(invalid_params(format!("{} hashes; at most {MAX_HAS} per call", hashes.len())));
		}
		Ok(self.archive.has(&hashes))
	}

	fn status(&self) -> RpcResult<ArchiveStatus> {
		let view = self.archive.view();
		let store = self.archive.store();
		Ok(ArchiveStatus {
			node: view.as_ref().and_then(|v| v.me),
			cluster: view.as_ref().map_or(0, |v| v.cluster),
			online_members: view.as_ref().map(|v| v.online().iter().map(|m| m.node).collect()).unwrap_or_default(),
			replication: view.as_ref().map_or(0, |v| v.replication),
			held_blocks: store.held().len() as u32,
			held_bytes: store.total_bytes(),
			finalized: self.archive.archived_tip(),
		})
	}
}
