//! The follower: writes every finalized block of the node into the store, in order, one
//! transaction per block.
//!
//! - Only finalized blocks: nothing the index holds can be reverted by a fork.
//! - Each block is decoded with the metadata of the runtime that made it (subxt's client at that
//!   block looks the runtime's version up and fetches its metadata once per version), so a
//!   runtime upgrade changes the decoding exactly at the block it takes effect.
//! - Events and registry state come from the node's state at the block: the node must keep the
//!   state of finalized blocks (`--state-pruning archive-canonical`). Bodies (for extrinsic
//!   hashes) may be pruned: they then come from the archive cluster through that node
//!   (`cinearchive_block`). The node checked the copy against the header's extrinsics root
//!   before answering; the follower checks that the header is the block's (its hash).
//! - The cursor moves with the block's rows, so after a crash the follower starts at the block
//!   after the last one written.

use std::{collections::BTreeSet, sync::Arc, time::Duration};

use codec::{Compact, Decode};
use subxt::{
	backend::LegacyBackend,
	config::{substrate::SubstrateHeader, PolkadotConfig, RpcConfigFor},
	dynamic::{storage as dynamic_storage, Value},
	ext::scale_value::Composite,
	rpcs::{rpc_params, LegacyRpcMethods, RpcClient},
	utils::H256,
	OnlineClient,
};

use crate::{
	decode::{self, EventIn},
	model::{BlockChanges, BlockInfo, Position, Snapshot, Subject},
	store::{Cursor, Store},
	value::hex0x,
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

macro_rules! ctx {
	($what:expr) => {
		|e| Error::Retry(format!("{}: {e}", $what))
	};
}

/// A connection to the node the index follows.
pub struct Follower {
	client: OnlineClient<PolkadotConfig>,
	rpc: LegacyRpcMethods<RpcConfigFor<PolkadotConfig>>,
	/// The same connection, for the archive's `cinearchive_block`.
	raw: RpcClient,
	store: Store,
	genesis: String,
}

/// The node's WebSocket URL from one given as `ws://`, `wss://`, `http://` or `https://` (the
/// node serves both protocols on its RPC port).
pub fn websocket_url(url: &str) -> Result<String, Error> {
	let (scheme, rest) = if let Some(rest) = url.strip_prefix("ws://").or_else(|| url.strip_prefix("http://")) {
		("ws://", rest)
	} else if let Some(rest) = url.strip_prefix("wss://").or_else(|| url.strip_prefix("https://")) {
		("wss://", rest)
	} else {
		return Err(Error::Retry(format!("`{url}` is not a node URL (ws://, wss://, http:// or https://)")));
	};
	if rest.is_empty() {
		return Err(Error::Retry(format!("`{url}` names no host")));
	}
	Ok(format!("{scheme}{rest}"))
}

/// A block as the archive returns it (SCALE: header, then the extrinsics), split into the
/// header, its hash and the extrinsics (each with its length prefix, as hashed).
pub fn split_archived_block(bytes: &[u8]) -> Result<(SubstrateHeader<H256>, H256, Vec<Vec<u8>>), String> {
	let input = &mut &bytes[..];
	let header = SubstrateHeader::<H256>::decode(input).map_err(|e| format!("header: {e}"))?;
	let header_len = bytes.len() - input.len();
	let hash = H256(sp_crypto_hashing::blake2_256(&bytes[..header_len]));
	let count = Compact::<u32>::decode(input).map_err(|e| format!("extrinsic count: {e}"))?.0;
	let mut extrinsics = Vec::with_capacity(count.min(100_000) as usize);
	for i in 0..count {
		let before = *input;
		let len = Compact::<u32>::decode(input).map_err(|e| format!("extrinsic {i}: {e}"))?.0 as usize;
		if input.len() < len {
			return Err(format!("extrinsic {i} runs past the end"));
		}
		let prefix = before.len() - input.len();
		extrinsics.push(before[..prefix + len].to_vec());
		*input = &input[len..];
	}
	if !input.is_empty() {
		return Err(format!("{} bytes after the last extrinsic", input.len()));
	}
	Ok((header, hash, extrinsics))
}

impl Follower {
	/// Connects to the node at `url` and checks that `store` indexes this node's chain.
	pub async fn connect(url: &str, store: Store) -> Result<Follower, Error> {
		let ws = websocket_url(url)?;
		let rpc_client = RpcClient::from_insecure_url(&ws).await.map_err(|e| Error::Retry(format!("cannot connect to {ws}: {e}")))?;
		let backend = LegacyBackend::<PolkadotConfig>::builder().build(rpc_client.clone());
		let client = OnlineClient::from_backend(Arc::new(backend)).await.map_err(|e| Error::Retry(format!("{ws}: {e}")))?;
		let rpc = LegacyRpcMethods::new(rpc_client.clone());
		let genesis = hex0x(client.genesis_hash().as_bytes());
		if let Some(cursor) = store.cursor().await.map_err(|e| Error::Retry(format!("database: {e}")))? {
			if cursor.genesis_hash != genesis {
				return Err(Error::WrongChain(format!(
					"the database indexes the chain with genesis {}, the node follows {genesis}",
					cursor.genesis_hash
				)));
			}
		}
		Ok(Follower { client, rpc, raw: rpc_client, store, genesis })
	}

	/// The genesis hash of the chain followed.
	pub fn genesis(&self) -> &str {
		&self.genesis
	}

	/// The node's finalized block number.
	pub async fn finalized(&self) -> Result<u32, Error> {
		let hash = self.rpc.chain_get_finalized_head().await.map_err(|e| Error::Retry(format!("finalized head: {e}")))?;
		let header = self
			.rpc
			.chain_get_header(Some(hash))
			.await
			.map_err(|e| Error::Retry(format!("finalized header: {e}")))?
			.ok_or_else(|| Error::Retry("the node has no header for its finalized head".into()))?;
		Ok(header.number as u32)
	}

	/// Indexes blocks until the node's finalized head, then waits for more, forever (or until
	/// an error, which the caller logs before calling again). `max_rate` (blocks per second)
	/// spares a node shared with others during a long backfill.
	pub async fn run(&self, poll: Duration, max_rate: Option<f64>) -> Result<(), Error> {
		let pace = max_rate.map(|rate| Duration::from_secs_f64(1.0 / rate));
		loop {
			let finalized = self.finalized().await?;
			let mut cursor = self.store.cursor().await.map_err(|e| Error::Retry(format!("database: {e}")))?;
			let mut next = cursor.as_ref().map_or(0, |c| c.block_number + 1);
			while next <= finalized {
				let started = tokio::time::Instant::now();
				cursor = Some(self.index_block(next, cursor.as_ref()).await?);
				next += 1;
				if let Some(pace) = pace {
					tokio::time::sleep_until(started + pace).await;
				}
			}
			tokio::time::sleep(poll).await;
		}
	}

	/// Reads block `number` (finalized) and writes it; returns the new cursor.
	pub async fn index_block(&self, number: u32, previous: Option<&Cursor>) -> Result<Cursor, Error> {
		let at = self.client.at_block(number as u64).await.map_err(|e| Error::Retry(format!("block #{number}: {e}")))?;
		let hash: H256 = at.block_hash();
		let (parent_hash, extrinsics, from_archive) = self.block(number, hash).await?;
		let hash_hex = hex0x(hash.as_bytes());
		let parent_hex = hex0x(parent_hash.as_bytes());
		if let Some(prev) = previous {
			if prev.block_number + 1 != number || prev.block_hash != parent_hex {
				return Err(Error::Retry(format!(
					"block #{number} ({hash_hex}) does not follow the indexed #{} ({})",
					prev.block_number, prev.block_hash
				)));
			}
		}
		let extrinsic_hashes: Vec<String> =
			extrinsics.iter().map(|x| hex0x(&sp_crypto_hashing::blake2_256(x))).collect();

		let timestamp = if number == 0 {
			0
		} else {
			let now = at
				.storage()
				.fetch(dynamic_storage::<(), Value>("Timestamp", "Now"), ())
				.await
				.map_err(|e| Error::Retry(format!("Timestamp.Now at #{number}: {e}")))?
				.decode()
				.map_err(|e| Error::Retry(format!("Timestamp.Now at #{number}: {e}")))?;
			crate::value::u64_of(&now).map_err(|e| Error::Retry(format!("Timestamp.Now at #{number}: {e}")))? as i64
		};

		let mut changes = BlockChanges::default();
		let mut touched = BTreeSet::new();
		if number == 0 {
			touched = self.genesis_subjects(&at).await?;
		} else {
			let events = at.events().fetch().await.map_err(|e| Error::Retry(format!("events of #{number}: {e}")))?;
			for event in events.iter() {
				let event = event.map_err(|e| Error::Retry(format!("events of #{number}: {e}")))?;
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
			hash: hash_hex.clone(),
			parent_hash: parent_hex,
			spec_version: at.spec_version(),
			timestamp,
			extrinsics: extrinsics.len() as u32,
			from_archive,
		};
		self.store
			.write_block(&self.genesis, previous, &block, &changes)
			.await
			.map_err(|e| Error::Retry(format!("writing #{number}: {e}")))?;
		Ok(Cursor { genesis_hash: self.genesis.clone(), block_number: number, block_hash: hash_hex })
	}

	/// The block's parent hash and extrinsics (each with its length prefix, as hashed), from
	/// the node, or from the archive cluster if the node pruned the body. `true` if from the
	/// archive.
	async fn block(&self, number: u32, hash: H256) -> Result<(H256, Vec<Vec<u8>>, bool), Error> {
		let block = self.rpc.chain_get_block(Some(hash)).await.map_err(|e| Error::Retry(format!("body of #{number}: {e}")))?;
		if let Some(details) = block {
			let extrinsics = details.block.extrinsics.into_iter().map(|b| b.0).collect();
			return Ok((details.block.header.parent_hash, extrinsics, false));
		}
		// `cinechain_archive::protocol::ArchivedBlock`; only its `block` is read.
		#[derive(serde::Deserialize)]
		struct Archived {
			block: subxt::rpcs::methods::legacy::Bytes,
		}
		let answer: Option<Archived> = self
			.raw
			.request("cinearchive_block", rpc_params![hex0x(hash.as_bytes())])
			.await
			.map_err(|e| Error::Retry(format!("body of #{number} from the archive: {e}")))?;
		let answer =
			answer.ok_or_else(|| Error::Retry(format!("the node pruned the body of #{number} and no archive member has it")))?;
		let (header, found, extrinsics) = split_archived_block(&answer.block.0)
			.map_err(|e| Error::Retry(format!("the archive's copy of #{number} does not decode: {e}")))?;
		if found != hash {
			return Err(Error::Retry(format!("the archive's copy of #{number} is another block ({found:?})")));
		}
		Ok((header.parent_hash, extrinsics, true))
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

type At = subxt::client::OnlineClientAtBlock<PolkadotConfig>;

#[cfg(test)]
mod tests {
	use super::*;
	use codec::Encode;

	#[test]
	fn an_archived_block_splits_into_its_hash_and_extrinsics() {
		let header = SubstrateHeader::<H256> {
			parent_hash: H256([1; 32]),
			number: 5,
			state_root: H256([2; 32]),
			extrinsics_root: H256([3; 32]),
			digest: Default::default(),
		};
		let extrinsics: Vec<Vec<u8>> = vec![vec![7; 3], vec![9; 300]];
		let mut bytes = header.encode();
		let hash = H256(sp_crypto_hashing::blake2_256(&bytes));
		bytes.extend(extrinsics.encode());
		let (decoded, found, split) = split_archived_block(&bytes).unwrap();
		assert_eq!((decoded, found), (header, hash));
		assert_eq!(split, extrinsics.iter().map(|x| x.encode()).collect::<Vec<_>>(), "each with its length prefix");
		assert!(split_archived_block(&bytes[..bytes.len() - 1]).is_err(), "a cut extrinsic");
		let mut longer = bytes.clone();
		longer.push(0);
		assert!(split_archived_block(&longer).is_err(), "trailing bytes");
	}

	#[test]
	fn node_urls() {
		assert_eq!(websocket_url("http://127.0.0.1:9944").unwrap(), "ws://127.0.0.1:9944");
		assert_eq!(websocket_url("wss://node.example").unwrap(), "wss://node.example");
		assert!(websocket_url("ftp://x").is_err());
		assert!(websocket_url("ws://").is_err());
	}
}
