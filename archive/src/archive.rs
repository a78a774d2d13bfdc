//! The shared handle of an archive node: its store, its view of the chain (finalized hashes and
//! its cluster, refreshed on every finalized block), and its peers. Answers queries — from its
//! own copies, from the node's database, or by forwarding to the holders — for the JSON-RPC
//! methods, and fetches blocks for the worker.

use std::{
	path::Path,
	sync::{Arc, Mutex, MutexGuard},
	time::Duration,
};

use cinechain_runtime::AccountId;
use codec::Encode;
use futures::{stream::FuturesUnordered, StreamExt};
use pallet_archive::{crypto::KEY_TYPE, runtime_api::ArchiveApi, NodeId};
use sc_client_api::{BlockBackend, BlockchainEvents};
use serde_json::json;
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use sp_core::{Bytes, H256};
use sp_keystore::KeystorePtr;

use crate::{
	block::{self, Block},
	peers::{PeerError, Peers},
	plan::ClusterView,
	rpc::{ArchivedBlock, ArchivedExtrinsic, BlockRef},
	store::ArchiveStore,
};

/// How long a member waits for another's answer.
pub const PEER_TIMEOUT: Duration = Duration::from_secs(3);

/// What the archive needs from the node's client.
pub trait ChainClient:
	HeaderBackend<Block> + BlockBackend<Block> + ProvideRuntimeApi<Block> + BlockchainEvents<Block> + Send + Sync + 'static
{
}

impl<C> ChainClient for C where
	C: HeaderBackend<Block> + BlockBackend<Block> + ProvideRuntimeApi<Block> + BlockchainEvents<Block> + Send + Sync + 'static
{
}

/// The archive node's shared state; see the module documentation.
pub struct Archive<C> {
	client: Arc<C>,
	keystore: KeystorePtr,
	store: Mutex<ArchiveStore>,
	peers: Peers,
	view: Mutex<Option<ClusterView>>,
	/// Hashes of the finalized blocks, by number.
	canonical: Mutex<Vec<H256>>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
	// A panic elsewhere while holding the lock leaves data that is still consistent (every
	// update is a single insert or remove), so go on with it.
	mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl<C: ChainClient> Archive<C>
where
	C::Api: ArchiveApi<Block, AccountId>,
{
	/// Opens the archive store in `dir`; damaged copies found there are dropped (and fetched
	/// again by the worker).
	pub fn open(client: Arc<C>, keystore: KeystorePtr, dir: &Path) -> std::io::Result<Arc<Self>> {
		let (store, damaged) = ArchiveStore::open(dir)?;
		for d in &damaged {
			log::warn!(target: "archive", "dropped damaged copy of block #{} ({:?}): {}", d.number, d.hash, d.why);
		}
		log::info!(
			target: "archive",
			"archive store {}: {} blocks, {} bytes",
			dir.display(),
			store.held().len(),
			store.total_bytes()
		);
		Ok(Arc::new(Self {
			client,
			keystore,
			store: Mutex::new(store),
			peers: Peers::new(PEER_TIMEOUT),
			view: Mutex::new(None),
			canonical: Mutex::new(Vec::new()),
		}))
	}

	pub fn client(&self) -> &Arc<C> {
		&self.client
	}

	pub fn store(&self) -> MutexGuard<'_, ArchiveStore> {
		lock(&self.store)
	}

	/// This node's archive key: the first `arch` key in its keystore.
	pub fn archive_key(&self) -> Option<AccountId> {
		self.keystore.sr25519_public_keys(KEY_TYPE).first().map(|public| AccountId::from(*public))
	}

	/// This node's cluster as the chain describes it at the finalized block (runtime API reads,
	/// nothing that grows with the chain). A node that is not a member (or is offline) sees
	/// cluster 0, so it can still answer queries by forwarding.
	fn read_view(&self) -> Result<ClusterView, String> {
		let at = self.client.info().finalized_hash;
		let api = self.client.runtime_api();
		let assignment = match self.archive_key() {
			Some(key) => api.assignment(at, key).map_err(|e| e.to_string())?,
			None => None,
		};
		let cluster = assignment.as_ref().and_then(|a| a.cluster).unwrap_or(0);
		let me = assignment.filter(|a| a.online && a.cluster.is_some()).map(|a| a.node);
		let members = api.members(at, cluster).map_err(|e| e.to_string())?;
		let replication = api.replication(at).map_err(|e| e.to_string())?;
		Ok(ClusterView { me, cluster, members, replication })
	}

	/// Reads this node's cluster (see [`Self::read_view`]) and extends the list of finalized
	/// hashes; returns the view. The worker calls it on every pass.
	pub fn refresh(&self) -> Result<ClusterView, String> {
		let view = self.read_view()?;
		*lock(&self.view) = Some(view.clone());
		let finalized = self.client.info().finalized_number;
		let mut canonical = lock(&self.canonical);
		for number in canonical.len() as u32..=finalized {
			let hash = self.client.hash(number).map_err(|e| e.to_string())?.ok_or(format!("no hash for #{number}"))?;
			canonical.push(hash);
		}
		Ok(view)
	}

	/// The view of the last [`Self::refresh`] (members only: nodes without the worker have none).
	pub fn view(&self) -> Option<ClusterView> {
		lock(&self.view).clone()
	}

	/// The view to forward a query with: a member's last one, or, on a node that runs no worker
	/// (a validator, a plain full node), read from the chain now. So any node answers for a
	/// block it pruned.
	fn forwarding_view(&self) -> Option<ClusterView> {
		self.view().or_else(|| {
			self.read_view()
				.map_err(|e| log::debug!(target: "archive", "cannot read the cluster to forward a query: {e}"))
				.ok()
		})
	}

	/// The finalized hashes, by number.
	pub fn canonical(&self) -> Vec<H256> {
		lock(&self.canonical).clone()
	}

	/// The highest block the worker has seen finalized (0 before its first pass).
	pub fn archived_tip(&self) -> u32 {
		(lock(&self.canonical).len() as u32).saturating_sub(1)
	}

	/// The number and hash of a finalized block.
	pub fn resolve(&self, id: &BlockRef) -> Option<(u32, H256)> {
		let finalized = self.client.info().finalized_number;
		let (number, hash) = match id {
			BlockRef::Number(number) => (*number, self.client.hash(*number).ok()??),
			BlockRef::Hash(hash) => (self.client.number(*hash).ok()??, *hash),
		};
		// Only finalized blocks on the canonical chain are archived.
		(number <= finalized && self.client.hash(number).ok()? == Some(hash)).then_some((number, hash))
	}

	/// Block `number` from this node alone: its archive copy (checked; a damaged one is
	/// dropped, for the worker to replace), or the node's database if it still has the body.
	pub fn local_block(&self, number: u32, hash: H256) -> Option<Vec<u8>> {
		match self.store().read_checked(number) {
			Ok(Some((held, bytes))) if held == hash => return Some(bytes),
			Ok(_) => {},
			Err(damaged) => log::warn!(
				target: "archive",
				"damaged copy of block #{number} detected ({}); dropped, a good copy will be fetched",
				damaged.why
			),
		}
		let block = self.client.block(hash).ok()??.block;
		let bytes = block.encode();
		block::check(&bytes, &hash).ok().map(|_| bytes)
	}

	/// Block `number` from the other members (holders first); the first copy that checks.
	pub async fn fetch_block(&self, number: u32, hash: H256) -> Option<(Vec<u8>, NodeId)> {
		let view = self.forwarding_view()?;
		for node in view.sources(&hash) {
			let Some(address) = view.address(node) else { continue };
			let answer: Result<Option<ArchivedBlock>, PeerError> =
				self.peers.call(&address, "cinearchive_block", json!([hash, true])).await;
			match answer {
				Ok(Some(found)) => match block::check(&found.block, &hash) {
					Ok(_) => return Some((found.block.0, node)),
					Err(why) => log::warn!(target: "archive", "node {node} sent a bad copy of #{number}: {why}"),
				},
				Ok(None) => {},
				Err(e) => log::debug!(target: "archive", "node {node} ({address}) on #{number}: {e}"),
			}
		}
		None
	}

	/// A block by number or hash: from this node, or (unless `local_only`) forwarded.
	pub async fn block(&self, id: BlockRef, local_only: bool) -> Option<ArchivedBlock> {
		let (number, hash) = self.resolve(&id)?;
		if let Some(bytes) = self.local_block(number, hash) {
			return Some(ArchivedBlock { number, hash, block: Bytes(bytes), forwarded_from: None });
		}
		if local_only {
			return None;
		}
		let (bytes, node) = self.fetch_block(number, hash).await?;
		Some(ArchivedBlock { number, hash, block: Bytes(bytes), forwarded_from: Some(node) })
	}

	/// An extrinsic by hash, from the blocks this node holds.
	fn local_extrinsic(&self, hash: &H256) -> Option<ArchivedExtrinsic> {
		let (number, index) = self.store().find_extrinsic(hash)?;
		let block_hash = self.client.hash(number).ok()??;
		let bytes = self.local_block(number, block_hash)?;
		let block = block::check(&bytes, &block_hash).ok()?;
		let extrinsic = block.extrinsics.get(index as usize)?;
		(block::extrinsic_hash(extrinsic) == *hash).then(|| ArchivedExtrinsic {
			block_number: number,
			block_hash,
			index,
			extrinsic: Bytes(extrinsic.encode()),
			forwarded_from: None,
			block: Some(Bytes(bytes)),
		})
	}

	/// Whether a member's answer to an extrinsic query is true: the block is the finalized one
	/// at that number and has that extrinsic at that index.
	fn answer_checks(&self, hash: &H256, answer: &ArchivedExtrinsic) -> bool {
		let canonical = self.client.hash(answer.block_number).ok().flatten() == Some(answer.block_hash);
		let Some(bytes) = &answer.block else { return false };
		let Ok(block) = block::check(bytes, &answer.block_hash) else { return false };
		canonical &&
			block
				.extrinsics
				.get(answer.index as usize)
				.is_some_and(|e| block::extrinsic_hash(e) == *hash && e.encode() == answer.extrinsic.0)
	}

	/// An extrinsic by hash (the patent's transaction query): from this node's blocks, or
	/// (unless `local_only`) from whichever member answers first with an answer that checks.
	/// Only archived (finalized) blocks are searched.
	pub async fn extrinsic(&self, hash: H256, local_only: bool) -> Option<ArchivedExtrinsic> {
		if let Some(found) = self.local_extrinsic(&hash) {
			return Some(ArchivedExtrinsic { block: if local_only { found.block } else { None }, ..found });
		}
		if local_only {
			return None;
		}
		let view = self.forwarding_view()?;
		let mut asks: FuturesUnordered<_> = view
			.online()
			.into_iter()
			.filter(|m| Some(m.node) != view.me)
			.filter_map(|m| Some((m.node, view.address(m.node)?)))
			.map(|(node, address)| async move {
				let answer: Result<Option<ArchivedExtrinsic>, PeerError> =
					self.peers.call(&address, "cinearchive_extrinsic", json!([hash, true])).await;
				(node, answer)
			})
			.collect();
		while let Some((node, answer)) = asks.next().await {
			match answer {
				Ok(Some(found)) if self.answer_checks(&hash, &found) =>
					return Some(ArchivedExtrinsic { forwarded_from: Some(node), block: None, ..found }),
				Ok(Some(_)) => log::warn!(target: "archive", "node {node} answered for extrinsic {hash:?} with a bad proof"),
				Ok(None) => {},
				Err(e) => log::debug!(target: "archive", "node {node} on extrinsic {hash:?}: {e}"),
			}
		}
		None
	}

	/// Which of `hashes` this node holds.
	pub fn has(&self, hashes: &[H256]) -> Vec<bool> {
		let store = self.store();
		hashes.iter().map(|hash| store.number_of(hash).is_some()).collect()
	}

	/// Asks member `node` which of `hashes` it holds.
	pub async fn ask_has(&self, view: &ClusterView, node: NodeId, hashes: &[H256]) -> Result<Vec<bool>, PeerError> {
		let address = view.address(node).ok_or_else(|| PeerError::BadAddress(format!("node {node}")))?;
		let answer: Vec<bool> = self.peers.call(&address, "cinearchive_has", json!([hashes])).await?;
		if answer.len() != hashes.len() {
			return Err(PeerError::Malformed(format!("{} answers for {} hashes", answer.len(), hashes.len())));
		}
		Ok(answer)
	}
}
