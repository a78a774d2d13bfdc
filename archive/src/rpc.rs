//! The server side of [`crate::protocol`], served by every node (archive member or not): any of
//! them answers any query for a finalized block or extrinsic, from its own copy or by
//! forwarding to the holders.

use std::sync::Arc;

use cinechain_runtime::AccountId;
use jsonrpsee::{
	core::{async_trait, RpcResult},
	types::ErrorObjectOwned,
	Extensions,
};
use pallet_archive::runtime_api::ArchiveApi;
use sp_core::H256;

use crate::{
	archive::{Archive, ChainClient},
	block::Block,
	protocol::{
		ArchiveRpcServer, ArchiveStatus, ArchivedBlock, ArchivedExtrinsic, BlockRef, HeldBlocks, MAX_HELD_PAGE, MAX_PROVE,
	},
};

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

	fn held(&self, ext: &Extensions, from: Option<u32>, limit: Option<u32>) -> RpcResult<HeldBlocks> {
		sc_rpc_api::check_if_safe(ext)?;
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

	async fn prove(&self, hashes: Vec<H256>, nonce: H256) -> RpcResult<Vec<Option<H256>>> {
		if hashes.len() > MAX_PROVE {
			return Err(invalid_params(format!("{} hashes; at most {MAX_PROVE} per call", hashes.len())));
		}
		// Reading up to 128 blocks is disk work: off the RPC threads, and a few calls at a time
		// whoever asks (members need a handful; a stranger gets no more).
		let _turn = self.archive.proof_turn().await;
		let archive = self.archive.clone();
		tokio::task::spawn_blocking(move || archive.prove(&hashes, &nonce))
			.await
			.map_err(|e| ErrorObjectOwned::owned(jsonrpsee::types::error::INTERNAL_ERROR_CODE, e.to_string(), None::<()>))
	}

	fn status(&self) -> RpcResult<ArchiveStatus> {
		let view = self.archive.view();
		let store = self.archive.store();
		Ok(ArchiveStatus {
			node: view.as_ref().and_then(|v| v.me),
			cluster: view.as_ref().map_or(0, |v| v.cluster),
			online_members: view.as_ref().map(|v| v.online().iter().map(|m| m.node).collect()).unwrap_or_default(),
			suspects: view.as_ref().map(|v| v.suspects.clone()).unwrap_or_default(),
			replication: view.as_ref().map_or(0, |v| v.replication),
			held_blocks: store.held().len() as u32,
			held_bytes: store.total_bytes(),
			finalized: self.archive.archived_tip(),
		})
	}
}
