//! The follower: writes every finalized block of the node into the store, in order.
//!
//! - Reading a block (a few RPC round trips) and writing it are apart: while behind, the
//!   follower reads up to [`READ_AHEAD`] blocks at once (fewer when blocks are large: about
//!   [`READ_BUDGET`] bytes in all) and, while it reads more, writes what has arrived, in order,
//!   up to [`MAX_BATCH`] blocks in one transaction (each block whole, with the cursor): a
//!   backfill is not bound by round trips nor by one commit per block. At the tip, a block is
//!   read and written as soon as it is finalized.
//! - Only finalized blocks: nothing the index holds can be reverted by a fork.
//! - Each block is decoded with the metadata of its runtime version (learned for a whole range
//!   of blocks at once, see [`crate::versions`]; the metadata fetched once per version), so a
//!   runtime upgrade changes the decoding where it takes effect.
//! - A block costs two requests to the node: its body (with its justification), and its
//!   timestamp and events together; one more for each registry entry its events touched; and a
//!   share of one asking the hashes of [`READ_AHEAD`] blocks. None makes the node run the
//!   runtime.
//! - Events and registry state come from the node's state at the block: the node must keep the
//!   state of finalized blocks (`--state-pruning archive-canonical`). Bodies (for extrinsic
//!   hashes) may be pruned: they then come from the archive cluster through that node
//!   (`cinearchive_block`). The node checked the copy against the header's extrinsics root
//!   before answering; the follower checks that the header is the block's (its hash).
//! - The cursor moves with the block's rows, so after a crash the follower starts at the block
//!   after the last one written.

use std::{
	collections::{BTreeSet, VecDeque},
	sync::Arc,
	time::Duration,
};

use codec::Decode;

use subxt::{
	backend::LegacyBackend,
	dynamic::{storage as dynamic_storage, Value},
	ext::{
		futures::{stream::FuturesOrdered, StreamExt},
		scale_value::Composite,
	},
	utils::H256,
	OnlineClient,
};

use crate::{
	decode::{self, EventIn},
	metrics::Progress,
	model::{BlockChanges, BlockInfo, Position, Snapshot, Subject},
	node::Node,
	store::{Cursor, Store},
	value::hex0x,
	versions::{self, FollowerConfig, Version},
};

/// Why following stopped. Nothing of the block being indexed was written.
#[derive(Debug)]
pub enum Error {
	/// Worth trying again from the same block (node gone, a block not readable yet).
	Retry(String),
	/// The database indexes another chain: trying again cannot help.
	WrongChain(String),
}

impl std::fmt::Display for Error {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		match self {
			Error::Retry(m) | Error::WrongChain(m) => f.write_str(m),
		}
	}
}

impl std::error::Error for Error {}

/// How often the follower asks the node for its finalized head once it has caught up: the
/// most a new finalized block waits before it is read.
pub const POLL: Duration = Duration::from_millis(500);
/// Most blocks read from the node at once while the index is behind (and block hashes asked in
/// one call). A backfill is bound by the node's answers' latency, not by either side's work: on
/// 2 cores, 64 reads at once left the machine three-quarters idle at ~1,030 empty blocks/s,
/// 256 kept it busy at ~2,100-2,600 (`bench-indexer --from`).
pub const READ_AHEAD: usize = 256;
/// Most bytes (bodies and events) the blocks being read may take, as far as the follower can
/// tell beforehand: it reads fewer blocks at once when blocks are large (see [`read_ahead`]).
pub const READ_BUDGET: usize = 64 << 20;
/// What a block is taken to weigh before any is read.
const TYPICAL_BLOCK_BYTES: usize = 16 << 10;

/// Whether one more block may be read beside `in_flight` reads (and reads done but not handed
/// over yet), when at most `ahead` may, and blocks are expected to weigh `typical` bytes: the
/// budget [`READ_BUDGET`] bounds the memory a backfill of large blocks holds, so a chain full of
/// screenings is read a few blocks at a time and an empty one 256 at a time. The estimate
/// follows the blocks read ([`next_typical`]), so a run of small blocks followed by large ones
/// can overshoot it by one window.
pub fn read_ahead(in_flight: usize, ahead: usize, typical: usize) -> bool {
	in_flight == 0 || (in_flight < ahead && (in_flight + 1).saturating_mul(typical) <= READ_BUDGET)
}

/// The expected weight of the next blocks after one of `bytes`: up at once to a larger block,
/// down by an eighth a block to smaller ones (so one small block among large ones does not open
/// the window).
pub fn next_typical(typical: usize, bytes: usize) -> usize {
	bytes.max(typical - typical / 8).max(1)
}
/// Most blocks written in one transaction (a backfill's batches; at the tip, one block each).
pub const MAX_BATCH: usize = 64;

macro_rules! ctx {
	($what:expr) => {
		|e| Error::Retry(format!("{}: {e}", $what))
	};
}

/// A connection to the node the index follows.
pub struct Follower {
	client: OnlineClient<FollowerConfig>,
	/// The client's configuration, which the follower tells the runtime versions it learns.
	config: FollowerConfig,
	/// The same connection, for what subxt's client does not read (bodies, justifications).
	node: Node,
	store: Store,
	genesis: String,
	/// What it has seen and written, for `/metrics`.
	progress: Arc<Progress>,
}

impl Follower {
	/// Connects to the node at `url` and checks that `store` indexes this node's chain.
	pub async fn connect(url: &str, store: Store) -> Result<Follower, Error> {
		let node = Node::connect(url).await.map_err(Error::Retry)?;
		let backend = LegacyBackend::<FollowerConfig>::builder().build(node.raw.clone());
		let config = FollowerConfig::default();
		let client = OnlineClient::from_backend_with_config(config.clone(), Arc::new(backend))
			.await
			.map_err(|e| Error::Retry(format!("{url}: {e}")))?;
		let genesis = hex0x(client.genesis_hash().as_bytes());
		if let Some(cursor) = store.cursor().await.map_err(|e| Error::Retry(format!("database: {e}")))? {
			if cursor.genesis_hash != genesis {
				return Err(Error::WrongChain(format!(
					"the database indexes the chain with genesis {}, the node follows {genesis}",
					cursor.genesis_hash
				)));
			}
		}
		Ok(Follower { client, config, node, store, genesis, progress: Arc::default() })
	}

	/// Counts its progress into `progress` (the API's `/metrics`).
	pub fn with_progress(mut self, progress: Arc<Progress>) -> Self {
		self.progress = progress;
		self
	}

	/// The genesis hash of the chain followed.
	pub fn genesis(&self) -> &str {
		&self.genesis
	}

	/// The node's finalized block number.
	pub async fn finalized(&self) -> Result<u32, Error> {
		let hash = self.node.rpc.chain_get_finalized_head().await.map_err(|e| Error::Retry(format!("finalized head: {e}")))?;
		let header = self
			.node.rpc
			.chain_get_header(Some(hash))
			.await
			.map_err(|e| Error::Retry(format!("finalized header: {e}")))?
			.ok_or_else(|| Error::Retry("the node has no header for its finalized head".into()))?;
		Ok(header.number as u32)
	}

	/// Indexes blocks until the node's finalized head, then waits for more, forever (or until
	/// an error, which the caller logs before calling again). `max_rate` (blocks per second)
	/// spares a node shared with others during a long backfill.
	pub async fn run(&self, max_rate: Option<f64>) -> Result<(), Error> {
		loop {
			let finalized = self.finalized().await?;
			self.progress.saw_finalized(finalized);
			let cursor = self.store.cursor().await.map_err(|e| Error::Retry(format!("database: {e}")))?;
			let next = cursor.as_ref().map_or(0, |c| c.block_number + 1);
			if next <= finalized {
				self.index_range(next..=finalized, cursor, max_rate).await?;
			}
			tokio::time::sleep(POLL).await;
		}
	}

	/// Indexes blocks `range` (finalized), after the block of `cursor`: read [`READ_AHEAD`] at
	/// a time (one at a time under `max_rate`, paced) while the blocks already read are written,
	/// in order, in batches of what has arrived. Returns the cursor of the last block.
	pub async fn index_range(
		&self,
		range: std::ops::RangeInclusive<u32>,
		mut cursor: Option<Cursor>,
		max_rate: Option<f64>,
	) -> Result<Option<Cursor>, Error> {
		let known = versions::learn(u64::from(*range.start())..=u64::from(*range.end()), |n| self.version_at(n)).await?;
		self.config.remember(known);
		let pace = max_rate.map(|rate| Duration::from_secs_f64(1.0 / rate));
		let ahead = if pace.is_some() { 1 } else { READ_AHEAD };
		// Reading and writing run side by side: the reader hands blocks over in order and stops at
		// its first error (or when the writer has stopped); the writer stops at its first error
		// or at the reader's.
		let (hand_over, mut arrived) = tokio::sync::mpsc::channel(MAX_BATCH);
		let read = async move {
			let (start, end) = range.into_inner();
			// Blocks whose hashes are known and whose reads have not started, oldest first.
			let mut hashed: VecDeque<(u32, H256)> = VecDeque::new();
			// The first block whose hash is not asked yet (`None` past the end).
			let mut unasked = Some(start);
			let mut reads = FuturesOrdered::new();
			let mut typical = TYPICAL_BLOCK_BYTES;
			let read_one = |block: Result<(u32, H256), Error>| async move {
				let started = tokio::time::Instant::now();
				let read = match block {
					Ok((number, hash)) => self.read_block(number, hash).await,
					Err(e) => Err(e),
				};
				if let Some(pace) = pace {
					tokio::time::sleep_until(started + pace).await;
				}
				read
			};
			loop {
				while read_ahead(reads.len(), ahead, typical) {
					if hashed.is_empty() {
						let Some(first) = unasked else { break };
						let last = end.min(first.saturating_add(READ_AHEAD as u32 - 1));
						let numbers: Vec<u32> = (first..=last).collect();
						unasked = last.checked_add(1).filter(|n| *n <= end);
						match self.node.block_hashes(&numbers).await {
							Ok(hashes) => hashed.extend(numbers.into_iter().zip(hashes)),
							Err(e) => {
								// Handed over after the blocks before it, and reading stops there.
								reads.push_back(read_one(Err(Error::Retry(e))));
								unasked = None;
								break;
							},
						}
					}
					let Some(block) = hashed.pop_front() else { break };
					reads.push_back(read_one(Ok(block)));
				}
				let Some(read) = reads.next().await else { break };
				let read = read.map(|(block, changes, bytes)| {
					typical = next_typical(typical, bytes);
					(block, changes)
				});
				let failed = read.is_err();
				if hand_over.send(read).await.is_err() || failed {
					break;
				}
			}
		};
		let write = async {
			let mut blocks = Vec::with_capacity(MAX_BATCH);
			while let Some(first) = arrived.recv().await {
				blocks.push(first?);
				while blocks.len() < MAX_BATCH {
					match arrived.try_recv() {
						Ok(next) => blocks.push(next?),
						Err(_) => break,
					}
				}
				cursor = Some(self.write(cursor.as_ref(), &blocks).await?);
				blocks.clear();
			}
			Ok(cursor)
		};
		let ((), written) = tokio::join!(read, write);
		written
	}

	/// Writes `blocks` (consecutive, the first one after `previous`) in one transaction, once
	/// each is checked to be the child of the one before; returns the new cursor.
	async fn write(&self, previous: Option<&Cursor>, blocks: &[(BlockInfo, BlockChanges)]) -> Result<Cursor, Error> {
		let mut parent = previous.map(|c| (c.block_number, c.block_hash.as_str()));
		for (block, _) in blocks {
			if let Some((number, hash)) = parent {
				if number + 1 != block.number || hash != block.parent_hash {
					return Err(Error::Retry(format!(
						"block #{} ({}) does not follow the indexed #{number} ({hash})",
						block.number, block.hash
					)));
				}
			}
			parent = Some((block.number, &block.hash));
		}
		let last = &blocks.last().ok_or_else(|| Error::Retry("no block to write".into()))?.0;
		self.store.write_blocks(&self.genesis, previous, blocks).await.map_err(|e| {
			Error::Retry(format!("writing #{}..=#{}: {e}", blocks[0].0.number, last.number))
		})?;
		self.progress.wrote(last.number, blocks.len(), blocks.iter().map(|(_, changes)| changes.screenings.len()).sum());
		Ok(Cursor { genesis_hash: self.genesis.clone(), block_number: last.number, block_hash: last.hash.clone() })
	}

	/// `Timestamp.Now` and `System.Events` in block `number`'s state (encoded, `None` where
	/// unset), in one request.
	async fn timestamp_and_events(&self, number: u32, hash: H256) -> Result<(Option<Vec<u8>>, Option<Vec<u8>>), Error> {
		let key = |pallet: &[u8], item: &[u8]| [sp_crypto_hashing::twox_128(pallet), sp_crypto_hashing::twox_128(item)].concat();
		let (now_key, events_key) = (key(b"Timestamp", b"Now"), key(b"System", b"Events"));
		let sets = self
			.node
			.rpc
			.state_query_storage_at([&now_key[..], &events_key[..]], Some(hash))
			.await
			.map_err(|e| Error::Retry(format!("Timestamp.Now and System.Events at #{number}: {e}")))?;
		let value = |wanted: &[u8]| {
			sets.iter().flat_map(|set| &set.changes).find(|(k, _)| k.0 == wanted).and_then(|(_, v)| v.as_ref().map(|v| v.0.clone()))
		};
		Ok((value(&now_key), value(&events_key)))
	}

	/// The runtime version in block `number`'s state (the node reads it from the runtime's code,
	/// without running it).
	async fn version_at(&self, number: u64) -> Result<Version, Error> {
		let hash = self
			.node
			.rpc
			.chain_get_block_hash(Some(subxt::rpcs::methods::legacy::NumberOrHex::Number(number)))
			.await
			.map_err(|e| Error::Retry(format!("hash of #{number}: {e}")))?
			.ok_or_else(|| Error::Retry(format!("the node has no block #{number}")))?;
		let version = self
			.node
			.rpc
			.state_get_runtime_version(Some(hash))
			.await
			.map_err(|e| Error::Retry(format!("runtime version at #{number}: {e}")))?;
		Ok((version.spec_version, version.transaction_version))
	}

	/// Reads block `number` (finalized) from the node: what the index is to hold of it. Writes
	/// nothing.
	/// Also returns the bytes read (body and events), what the block weighs while it waits to be
	/// written.
	pub async fn read_block(&self, number: u32, hash: H256) -> Result<(BlockInfo, BlockChanges, usize), Error> {
		let at = self
			.client
			.at_block_hash_and_number(hash, number as u64)
			.await
			.map_err(|e| Error::Retry(format!("block #{number}: {e}")))?;
		let body = self.node.block(number, hash).await.map_err(Error::Retry)?;
		let (parent_hash, extrinsics, from_archive) = (body.header.parent_hash, body.extrinsics, body.from_archive);
		let hash_hex = hex0x(hash.as_bytes());
		let parent_hex = hex0x(parent_hash.as_bytes());
		let extrinsic_hashes: Vec<String> =
			extrinsics.iter().map(|x| hex0x(&sp_crypto_hashing::blake2_256(x))).collect();

		let (now, event_bytes) = self.timestamp_and_events(number, hash).await?;
		let bytes = extrinsics.iter().map(Vec::len).sum::<usize>() + event_bytes.as_ref().map_or(0, Vec::len);
		let timestamp = match now {
			None if number == 0 => 0,
			None => return Err(Error::Retry(format!("Timestamp.Now is not set at #{number}"))),
			Some(bytes) => u64::decode(&mut &bytes[..]).map_err(|e| Error::Retry(format!("Timestamp.Now at #{number}: {e}")))? as i64,
		};

		let mut changes = BlockChanges { justification: body.justification, ..Default::default() };
		let mut touched = BTreeSet::new();
		if number == 0 {
			touched = self.genesis_subjects(&at).await?;
		} else {
			let events = at.events().from_bytes(event_bytes.unwrap_or_default());
			for event in events.iter() {
				let event = event.map_err(|e| Error::Retry(format!("events of #{number}: {e}")))?;
				// Most events of most blocks are the System pallet's: not decoded at all.
				if !decode::PALLETS.contains(&event.pallet_name()) {
					continue;
				}
				let extrinsic_index = match event.phase() {
					subxt::events::Phase::ApplyExtrinsic(i) => Some(i),
					_ => None,
				};
				let fields: Composite<()> = event
					.decode_fields_unchecked_as()
					.map_err(|e| Error::Retry(format!("event {} of #{number}: {e}", event.index())))?;
				let position = Position {
					block_number: number,
					block_hash: hash_hex.clone(),
					extrinsic_index,
					extrinsic_hash: extrinsic_index.and_then(|i| extrinsic_hashes.get(i as usize).cloned()),
					event_index: event.index(),
				};
				let input = EventIn { pallet: event.pallet_name(), name: event.event_name(), fields: &fields, position };
				decode::apply_event(&input, timestamp, &mut changes, &mut touched)
					.map_err(|e| Error::Retry(format!("block #{number}: {e}")))?;
			}
		}
		for subject in touched {
			changes.snapshots.push(self.snapshot(&at, &subject, number).await?);
		}

		let block = BlockInfo {
			number,
			hash: hash_hex,
			parent_hash: parent_hex,
			spec_version: at.spec_version(),
			timestamp,
			extrinsics: extrinsics.len() as u32,
			from_archive,
		};
		Ok((block, changes, bytes))
	}

	/// Every registry entry in the genesis state: genesis configures cinemas, devices and roles
	/// without events.
	async fn genesis_subjects(&self, at: &At) -> Result<BTreeSet<Subject>, Error> {
		let mut subjects = BTreeSet::new();
		let storage = at.storage();
		let mut cinemas = storage
			.iter(dynamic_storage::<(Value,), Value>("Cinemas", "Cinemas"), ())
			.await
			.map_err(ctx!("genesis cinemas"))?;
		while let Some(entry) = cinemas.next().await {
			let (id,) = entry.map_err(ctx!("genesis cinema"))?.key().map_err(ctx!("cinema key"))?.decode().map_err(ctx!("cinema key"))?;
			subjects.insert(Subject::Cinema(crate::value::u64_of(&id).map_err(ctx!("cinema key"))? as u32));
		}
		let mut devices = storage
			.iter(dynamic_storage::<(Value,), Value>("Devices", "Devices"), ())
			.await
			.map_err(ctx!("genesis devices"))?;
		while let Some(entry) = devices.next().await {
			let (id,) = entry.map_err(ctx!("genesis device"))?.key().map_err(ctx!("device key"))?.decode().map_err(ctx!("device key"))?;
			subjects.insert(Subject::Device(crate::value::u64_of(&id).map_err(ctx!("device key"))?));
		}
		let mut grants = storage
			.iter(dynamic_storage::<(Value, Value), Value>("Supervisors", "Grants"), ())
			.await
			.map_err(ctx!("genesis grants"))?;
		while let Some(entry) = grants.next().await {
			let (who, role) =
				entry.map_err(ctx!("genesis grant"))?.key().map_err(ctx!("grant key"))?.decode().map_err(ctx!("grant key"))?;
			subjects.insert(Subject::Grant {
				account: crate::value::hex_of(&who).map_err(ctx!("grant key"))?,
				role: crate::value::variant_of(&role).map_err(ctx!("grant key"))?.to_string(),
			});
		}
		Ok(subjects)
	}

	/// A registry entry's state after the block.
	async fn snapshot(&self, at: &At, subject: &Subject, number: u32) -> Result<Snapshot, Error> {
		let storage = at.storage();
		let fetch_err = |what: &str| {
			let what = format!("{what} at #{number}");
			move |e: subxt::error::StorageError| Error::Retry(format!("{what}: {e}"))
		};
		Ok(match subject {
			Subject::Cinema(id) => {
				let entry = storage
					.try_fetch(dynamic_storage::<(Value,), Value>("Cinemas", "Cinemas"), (Value::u128(*id as u128),))
					.await
					.map_err(fetch_err("cinema"))?
					.ok_or_else(|| Error::Retry(format!("cinema {id} is gone from the registry at #{number}")))?;
				let value = entry.decode().map_err(ctx!(format!("cinema {id}")))?;
				Snapshot::Cinema(decode::cinema_row(*id, &value, number).map_err(ctx!(format!("cinema {id}")))?)
			},
			Subject::Device(id) => {
				let entry = storage
					.try_fetch(dynamic_storage::<(Value,), Value>("Devices", "Devices"), (Value::u128(*id as u128),))
					.await
					.map_err(fetch_err("device"))?;
				match entry {
					None => Snapshot::DeviceGone(*id),
					Some(entry) => {
						let value = entry.decode().map_err(ctx!(format!("device {id}")))?;
						Snapshot::Device(decode::device_row(*id, &value, number).map_err(ctx!(format!("device {id}")))?)
					},
				}
			},
			Subject::Grant { account, role } => {
				let bytes = hex::decode(account.trim_start_matches("0x")).map_err(ctx!("account"))?;
				let who = Value::from_bytes(bytes);
				let role_value = Value::unnamed_variant(role.clone(), []);
				let entry = storage
					.try_fetch(dynamic_storage::<(Value, Value), Value>("Supervisors", "Grants"), (who, role_value))
					.await
					.map_err(fetch_err("grant"))?;
				match entry {
					None => Snapshot::GrantGone { account: account.clone(), role: role.clone() },
					Some(entry) => {
						let value = entry.decode().map_err(ctx!("grant"))?;
						Snapshot::Grant(
							decode::grant_row(account.clone(), role.clone(), &value, number).map_err(ctx!("grant"))?,
						)
					},
				}
			},
		})
	}
}

type At = subxt::client::OnlineClientAtBlock<FollowerConfig>;

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn the_read_ahead_narrows_for_large_blocks() {
		// Small blocks: up to READ_AHEAD at once.
		assert!(read_ahead(READ_AHEAD - 1, READ_AHEAD, 2_000));
		assert!(!read_ahead(READ_AHEAD, READ_AHEAD, 2_000));
		// Blocks of 5 MiB: the budget's worth, 12 at once.
		let large = 5 << 20;
		assert!(read_ahead(11, READ_AHEAD, large));
		assert!(!read_ahead(12, READ_AHEAD, large));
		// One block always, however large (else a block larger than the budget would stall).
		assert!(read_ahead(0, READ_AHEAD, usize::MAX));
		assert!(!read_ahead(1, READ_AHEAD, usize::MAX));
		// Paced: one at a time.
		assert!(!read_ahead(1, 1, 1));
	}

	#[test]
	fn the_typical_block_rises_at_once_and_falls_slowly() {
		assert_eq!(next_typical(16_000, 1_000_000), 1_000_000);
		assert_eq!(next_typical(1_000_000, 1_000), 875_000, "one small block does not open the window");
		let mut typical = 1_000_000;
		for _ in 0..64 {
			typical = next_typical(typical, 1_000);
		}
		assert!(typical < 2_000, "a run of small blocks does: {typical}");
		assert_eq!(next_typical(1, 0), 1);
	}
}
