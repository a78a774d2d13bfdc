//! The shared handle of an archive node: its store, its view of the chain (finalized hashes and
//! its cluster, refreshed on every finalized block), and its peers. Answers queries — from its
//! own copies, from the node's database, or by forwarding to the holders — for the JSON-RPC
//! methods, and fetches blocks for the worker.

use std::{
	collections::{BTreeMap, HashMap},
	path::Path,
	sync::{Arc, Mutex, MutexGuard},
	time::{Duration, Instant},
};

use cinechain_runtime::AccountId;
use codec::Encode;
use futures::{stream::FuturesUnordered, StreamExt};
use pallet_archive::{crypto::KEY_TYPE, runtime_api::ArchiveApi, NodeId};
use sc_client_api::{BlockBackend, BlockchainEvents};
use sp_api::{ApiExt, ProvideRuntimeApi};
use sp_blockchain::HeaderBackend;
use sp_core::{Bytes, H256};
use sp_keystore::KeystorePtr;
use substrate_prometheus_endpoint::Registry;

use crate::{
	block::{self, Block},
	metrics::Metrics,
	peers::{AddressPolicy, Peers},
	plan::ClusterView,
	protocol::{possession_proof, ArchiveRpcClient, ArchivedBlock, ArchivedExtrinsic, BlockRef},
	store::ArchiveStore,
};

/// How long a member waits for another's answer.
pub const PEER_TIMEOUT: Duration = Duration::from_secs(3);
/// How long a member that failed an audit stays a suspect (see [`Archive::suspect`]).
pub const SUSPECT_FOR: Duration = Duration::from_secs(600);
/// Most queries this node forwards to other members at once (RPC queries, peers' sync
/// requests, the worker's fetches); more wait their turn. A forwarded query asks at most a
/// cluster's members (`MaxClusterSize`), so this bounds the requests any caller can make this
/// node send.
pub const MAX_FORWARDS: usize = 16;
/// Rounds of asking the members that did not answer, for one forwarded block.
const FETCH_ROUNDS: usize = 2;
/// The pause before asking again.
const RETRY_AFTER: Duration = Duration::from_millis(500);
/// Most `cinearchive_prove` answers computed at once (each reads up to 128 blocks from disk).
pub const MAX_PROOFS: usize = 2;

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
	/// Hashes of the finalized blocks, by number (32 bytes a block). Read a slice at a time
	/// ([`Archive::canonical`]), never copied whole.
	canonical: Mutex<Vec<H256>>,
	/// Members this node caught failing an audit, until when it treats them as not holding.
	suspects: Mutex<HashMap<NodeId, Instant>>,
	/// The finalized block at which the cluster's online members last changed (for audits).
	stable_since: Mutex<u32>,
	/// Where audit failures go to be reported on chain (see [`crate::audit::offchain_reporter`]).
	reporter: Option<Reporter>,
	/// On a node without the worker: the cluster as last read from the chain, and the finalized
	/// block it was read at.
	read_views: Mutex<Option<(H256, ClusterView)>>,
	/// Turns for forwarded queries ([`MAX_FORWARDS`]).
	forwards: tokio::sync::Semaphore,
	/// Turns for answering challenges ([`MAX_PROOFS`]).
	proofs: tokio::sync::Semaphore,
	/// On the node's Prometheus endpoint, when it has one.
	metrics: Option<Metrics>,
}

/// Takes `(member, block it failed to prove)` to be reported on chain.
pub type Reporter = Box<dyn Fn(NodeId, u32) + Send + Sync>;

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
	/// again by the worker). Members this node's audits catch go to `reporter`, if any; other
	/// members are reached only at addresses `peers` allows. The metrics go to `registry`, if
	/// any.
	pub fn open(
		client: Arc<C>,
		keystore: KeystorePtr,
		dir: &Path,
		reporter: Option<Reporter>,
		peers: AddressPolicy,
		registry: Option<&Registry>,
	) -> std::io::Result<Arc<Self>> {
		let metrics = registry.and_then(|registry| {
			Metrics::register(registry)
				.map_err(|e| log::warn!(target: "archive", "archive metrics not registered: {e}"))
				.ok()
		});
		let (store, damaged) = ArchiveStore::open(dir)?;
		if let Some(metrics) = &metrics {
			metrics.scrub_failures.inc_by(damaged.len() as u64);
			metrics.blocks_held.set(store.held().len() as u64);
		}
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
			peers: Peers::new(PEER_TIMEOUT, peers),
			view: Mutex::new(None),
			canonical: Mutex::new(Vec::new()),
			suspects: Mutex::new(HashMap::new()),
			stable_since: Mutex::new(0),
			reporter,
			read_views: Mutex::new(None),
			forwards: tokio::sync::Semaphore::new(MAX_FORWARDS),
			proofs: tokio::sync::Semaphore::new(MAX_PROOFS),
			metrics,
		}))
	}

	/// The archive's metrics, when the node has a Prometheus endpoint.
	pub fn metrics(&self) -> Option<&Metrics> {
		self.metrics.as_ref()
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

	/// This node's cluster as the chain describes it at block `at` (runtime API reads,
	/// nothing that grows with the chain). A node that is not a member (or is offline) sees
	/// cluster 0, so it can still answer queries by forwarding.
	fn read_view(&self, at: H256) -> Result<ClusterView, String> {
		let api = self.client.runtime_api();
		let assignment = match self.archive_key() {
			Some(key) => api.assignment(at, key).map_err(|e| e.to_string())?,
			None => None,
		};
		let cluster = assignment.as_ref().and_then(|a| a.cluster).unwrap_or(0);
		let me = assignment.filter(|a| a.online && a.cluster.is_some()).map(|a| a.node);
		let members = api.members(at, cluster).map_err(|e| e.to_string())?;
		let replication = api.replication(at).map_err(|e| e.to_string())?;
		// The chain's suspects (API version 2 on) and this node's own.
		let reported = match api.api_version::<dyn ArchiveApi<Block, AccountId>>(at) {
			Ok(Some(version)) if version >= 2 => api.suspects(at, cluster).map_err(|e| e.to_string())?,
			_ => Vec::new(),
		};
		let mut suspects = self.suspects();
		suspects.extend(reported);
		suspects.sort_unstable();
		suspects.dedup();
		Ok(ClusterView { me, cluster, members, replication, suspects })
	}

	/// Reads this node's cluster (see [`Self::read_view`]) and extends the list of finalized
	/// hashes; returns the view. The worker calls it on every pass.
	pub fn refresh(&self) -> Result<ClusterView, String> {
		let view = self.read_view(self.client.info().finalized_hash)?;
		let finalized = self.client.info().finalized_number;
		// The first view, or a change of online members, starts a new settled range for audits.
		let changed = lock(&self.view)
			.replace(view.clone())
			.is_none_or(|old| old.online() != view.online() || old.cluster != view.cluster);
		if changed {
			*lock(&self.stable_since) = finalized;
		}
		// Read from the database a chunk at a time, outside the lock: a node starting on a long
		// chain reads it all once, and queries asking for the tip do not wait meanwhile.
		let mut next = lock(&self.canonical).len() as u32;
		while next <= finalized {
			let last = finalized.min(next.saturating_add(crate::plan::PLAN_CHUNK - 1));
			let hashes = (next..=last)
				.map(|number| {
					let hash = self.client.hash(number).map_err(|e| e.to_string())?;
					hash.ok_or_else(|| format!("no hash for #{number}"))
				})
				.collect::<Result<Vec<H256>, String>>()?;
			let mut canonical = lock(&self.canonical);
			if canonical.len() as u32 == next {
				canonical.extend(hashes);
			}
			next = canonical.len() as u32;
		}
		Ok(view)
	}

	/// The finalized block at which the cluster's online members last changed as this node saw
	/// it, or at which it first saw them: a node starting up audits only what it sees settle.
	pub fn stable_since(&self) -> u32 {
		*lock(&self.stable_since)
	}

	/// Treats member `node` as not holding what it claims, for [`SUSPECT_FOR`] from now (this
	/// node only; see [`Self::report`]).
	pub fn suspect(&self, node: NodeId) {
		lock(&self.suspects).insert(node, Instant::now() + SUSPECT_FOR);
	}

	/// Treats member `node` as a suspect (see [`Self::suspect`]) and has it reported on chain for
	/// failing to prove it holds block `block`, so that every member treats it so.
	pub fn report(&self, node: NodeId, block: u32) {
		self.suspect(node);
		if let Some(reporter) = &self.reporter {
			reporter(node, block);
		}
	}

	/// Trusts member `node` again (it proved everything an audit asked).
	pub fn trust(&self, node: NodeId) {
		lock(&self.suspects).remove(&node);
	}

	/// The members this node treats as not holding what they claim.
	pub fn suspects(&self) -> Vec<NodeId> {
		let mut suspects = lock(&self.suspects);
		let now = Instant::now();
		suspects.retain(|_, until| *until > now);
		let mut nodes: Vec<NodeId> = suspects.keys().copied().collect();
		nodes.sort_unstable();
		nodes
	}

	/// The view of the last [`Self::refresh`] (members only: nodes without the worker have none).
	pub fn view(&self) -> Option<ClusterView> {
		lock(&self.view).clone()
	}

	/// The view to forward a query with: a member's last one, or, on a node that runs no worker
	/// (a validator, a plain full node), read from the chain at its finalized block (once per
	/// finalized block: a peer's sync request may forward a hundred queries at once). So any
	/// node answers for a block it pruned.
	fn forwarding_view(&self) -> Option<ClusterView> {
		if let Some(view) = self.view() {
			return Some(view);
		}
		let at = self.client.info().finalized_hash;
		if let Some((read_at, view)) = lock(&self.read_views).as_ref() {
			if *read_at == at {
				return Some(view.clone());
			}
		}
		let view = self
			.read_view(at)
			.map_err(|e| log::debug!(target: "archive", "cannot read the cluster to forward a query: {e}"))
			.ok()?;
		*lock(&self.read_views) = Some((at, view.clone()));
		Some(view)
	}

	/// The finalized hashes of blocks `numbers`, by number: as many of them as the worker has
	/// seen finalized. A copy of that slice only (the worker plans a chunk at a time).
	pub fn canonical(&self, numbers: std::ops::RangeInclusive<u32>) -> Vec<H256> {
		let canonical = lock(&self.canonical);
		let end = (*numbers.end() as usize).saturating_add(1).min(canonical.len());
		canonical.get(*numbers.start() as usize..end).unwrap_or_default().to_vec()
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
		if let Some(bytes) = self.archived_copy(number, &hash) {
			return Some(bytes);
		}
		let block = self.client.block(hash).ok()??.block;
		let bytes = block.encode();
		block::check(&bytes, &hash).ok().map(|_| bytes)
	}

	/// Block `number` from the other members (holders first); the first copy that checks. A
	/// member that could not be reached or did not answer in time gets a second try after a
	/// moment (members busy copying blocks after a death answer late): a query is not lost to
	/// one slow answer.
	pub async fn fetch_block(&self, number: u32, hash: H256) -> Option<(Vec<u8>, NodeId)> {
		let _turn = self.forwards.acquire().await.ok()?;
		let view = self.forwarding_view()?;
		let mut ask = view.sources(&hash);
		for round in 0..FETCH_ROUNDS {
			if round > 0 {
				tokio::time::sleep(RETRY_AFTER).await;
			}
			let mut unreached = Vec::new();
			for node in ask {
				let Some(address) = view.address(node) else { continue };
				let answer = match self.peers.at(&address) {
					Ok(peer) => peer.block(BlockRef::Hash(hash), Some(true)).await,
					Err(e) => Err(e),
				};
				match answer {
					Ok(Some(found)) => match block::check(&found.block, &hash) {
						Ok(_) => return Some((found.block.0, node)),
						Err(why) => log::warn!(target: "archive", "node {node} sent a bad copy of #{number}: {why}"),
					},
					Ok(None) => log::debug!(target: "archive", "node {node} has no copy of #{number}"),
					Err(e) => {
						log::debug!(target: "archive", "node {node} ({address}) on #{number}: {e}");
						unreached.push(node);
					},
				}
			}
			ask = unreached;
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
		self.metrics().inspect(|m| m.forwarded_queries.inc());
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
		let _turn = self.forwards.acquire().await.ok()?;
		let view = self.forwarding_view()?;
		let mut asks: FuturesUnordered<_> = view
			.others()
			.into_iter()
			.filter_map(|node| Some((node, view.address(node)?)))
			.map(|(node, address)| async move {
				let answer = match self.peers.at(&address) {
					Ok(peer) => peer.extrinsic(hash, Some(true)).await,
					Err(e) => Err(e),
				};
				(node, answer)
			})
			.collect();
		while let Some((node, answer)) = asks.next().await {
			match answer {
				Ok(Some(found)) if self.answer_checks(&hash, &found) => {
					self.metrics().inspect(|m| m.forwarded_queries.inc());
					return Some(ArchivedExtrinsic { forwarded_from: Some(node), block: None, ..found });
				},
				Ok(Some(_)) => log::warn!(target: "archive", "node {node} answered for extrinsic {hash:?} with a bad proof"),
				Ok(None) => {},
				Err(e) => log::debug!(target: "archive", "node {node} on extrinsic {hash:?}: {e}"),
			}
		}
		None
	}

	/// This node's number in the archive registry, online or not.
	fn node_id(&self) -> Option<NodeId> {
		let key = self.archive_key()?;
		let at = self.client.info().finalized_hash;
		Some(self.client.runtime_api().assignment(at, key).ok()??.node)
	}

	/// Block `number` (with hash `hash`) from this node's archive store, checked; `None` if the
	/// store has no good copy (a damaged one is dropped, for the worker to replace).
	pub fn archived_copy(&self, number: u32, hash: &H256) -> Option<Vec<u8>> {
		match self.store().read_checked(number) {
			Ok(Some((held, bytes))) if held == *hash => Some(bytes),
			Ok(_) => None,
			Err(damaged) => {
				self.metrics().inspect(|m| m.scrub_failures.inc());
				log::warn!(
					target: "archive",
					"damaged copy of block #{number} detected ({}); dropped, a good copy will be fetched",
					damaged.why
				);
				None
			},
		}
	}

	/// Waits for a turn to answer a challenge ([`MAX_PROOFS`] at once); the turn lasts as long
	/// as the returned permit.
	pub async fn proof_turn(&self) -> Option<tokio::sync::SemaphorePermit<'_>> {
		self.proofs.acquire().await.ok()
	}

	/// This node's answer to a challenge: proofs of possession for `hashes` under `nonce` (see
	/// [`possession_proof`]), from its archive store alone. The node database does not count:
	/// it prunes bodies, so a copy there is no promise to keep the block.
	pub fn prove(&self, hashes: &[H256], nonce: &H256) -> Vec<Option<H256>> {
		let Some(me) = self.node_id() else { return vec![None; hashes.len()] };
		hashes
			.iter()
			.map(|hash| {
				let number = self.store().number_of(hash)?;
				let bytes = self.archived_copy(number, hash)?;
				Some(possession_proof(nonce, me, &bytes))
			})
			.collect()
	}

	/// Challenges member `node` to prove it holds `blocks` (`(hash, this node's copy)`), with a
	/// fresh random nonce; returns, per block, whether its proof checks. A peer that cannot be
	/// reached or answers out of shape proves nothing.
	pub async fn challenge(&self, view: &ClusterView, node: NodeId, blocks: &[(H256, &[u8])]) -> Vec<bool> {
		let nonce = H256(rand::random());
		let hashes: Vec<H256> = blocks.iter().map(|(hash, _)| *hash).collect();
		let answer = match view.address(node).map(|address| self.peers.at(&address)) {
			Some(Ok(peer)) => peer.prove(hashes, nonce).await,
			Some(Err(e)) => Err(e),
			None => return vec![false; blocks.len()],
		};
		match answer {
			Ok(proofs) if proofs.len() == blocks.len() => blocks
				.iter()
				.zip(proofs)
				.map(|((_, bytes), proof)| proof == Some(possession_proof(&nonce, node, bytes)))
				.collect(),
			Ok(proofs) => {
				log::debug!(target: "archive", "node {node} sent {} proofs for {} blocks", proofs.len(), blocks.len());
				vec![false; blocks.len()]
			},
			Err(e) => {
				log::debug!(target: "archive", "node {node} cannot prove its copies: {e}");
				vec![false; blocks.len()]
			},
		}
	}

	/// This node's copies of `blocks`, read from its archive store (those it has no good copy of are
	/// left out).
	pub fn own_copies(&self, blocks: &[(u32, H256)]) -> Vec<(u32, H256, Vec<u8>)> {
		blocks.iter().filter_map(|(number, hash)| Some((*number, *hash, self.archived_copy(*number, hash)?))).collect()
	}

	/// Challenges every holder (other than this node) named for `copies` by `holders_of`; returns,
	/// per copy, each member asked and whether it proved it holds the block. One
	/// `cinearchive_prove` call per member.
	pub async fn challenge_holders(
		&self,
		view: &ClusterView,
		copies: &[(u32, H256, Vec<u8>)],
		holders_of: impl Fn(&H256) -> Vec<NodeId>,
	) -> Vec<Vec<(NodeId, bool)>> {
		let mut answers: Vec<Vec<(NodeId, bool)>> = copies
			.iter()
			.map(|(_, hash, _)| holders_of(hash).into_iter().filter(|n| Some(*n) != view.me).map(|n| (n, false)).collect())
			.collect();
		let mut asked: BTreeMap<NodeId, Vec<usize>> = BTreeMap::new();
		for (position, holders) in answers.iter().enumerate() {
			for (node, _) in holders {
				asked.entry(*node).or_default().push(position);
			}
		}
		for (node, positions) in asked {
			let blocks: Vec<(H256, &[u8])> = positions.iter().map(|p| (copies[*p].1, copies[*p].2.as_slice())).collect();
			for (position, ok) in positions.into_iter().zip(self.challenge(view, node, &blocks).await) {
				if let Some(answer) = answers[position].iter_mut().find(|(n, _)| *n == node) {
					answer.1 = ok;
				}
			}
		}
		answers
	}
}
