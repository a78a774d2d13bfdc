//! The node's JSON-RPC as the follower and the prover use it: one connection, blocks with their
//! bodies (from the archive cluster when the node pruned them), their justifications, headers
//! and storage proofs.

use codec::{Compact, Decode, Encode};
use subxt::{
	config::{substrate::SubstrateHeader, PolkadotConfig, RpcConfigFor},
	rpcs::{rpc_params, LegacyRpcMethods, RpcClient},
	utils::H256,
};

use crate::value::hex0x;

pub type Header = SubstrateHeader<H256>;

/// A connection to a node.
#[derive(Clone)]
pub struct Node {
	pub rpc: LegacyRpcMethods<RpcConfigFor<PolkadotConfig>>,
	/// The same connection, for methods `rpc` does not name (`cinearchive_block`).
	pub raw: RpcClient,
	/// Turns for bodies asked of the archive cluster: each one the node forwards to a member
	/// over the network (and reads the cluster's view through its runtime), so a backfill's
	/// read-ahead asks for a few at a time, not all of its blocks at once.
	archive_turns: std::sync::Arc<tokio::sync::Semaphore>,
}

/// Bodies asked of the archive cluster at once.
const ARCHIVE_TURNS: usize = 4;

/// A block as the index reads it.
pub struct Body {
	pub header: Header,
	/// Each extrinsic with its length prefix, as the extrinsics root hashes it.
	pub extrinsics: Vec<Vec<u8>>,
	/// The GRANDPA justification the node keeps with the block (every 16th block, and blocks
	/// that change the authority set), if it still has the body.
	pub justification: Option<Vec<u8>>,
	/// Whether the body came from the archive cluster because the node pruned it.
	pub from_archive: bool,
}

/// GRANDPA's consensus engine id, under which a block's justification is kept.
const GRANDPA_ENGINE: [u8; 4] = *b"FRNK";

impl Node {
	/// Connects to the node at `url` (`ws://`, `wss://`, `http://` or `https://`).
	pub async fn connect(url: &str) -> Result<Node, String> {
		let ws = websocket_url(url)?;
		let raw = RpcClient::from_insecure_url(&ws).await.map_err(|e| format!("cannot connect to {ws}: {e}"))?;
		let archive_turns = std::sync::Arc::new(tokio::sync::Semaphore::new(ARCHIVE_TURNS));
		Ok(Node { rpc: LegacyRpcMethods::new(raw.clone()), raw, archive_turns })
	}

	/// Block `number` (`hash`): from the node, or from the archive cluster if the node pruned
	/// the body. The archive's copy is checked to be this block (its header's hash); the node
	/// serving it checked the body against the header's extrinsics root.
	pub async fn block(&self, number: u32, hash: H256) -> Result<Body, String> {
		let block = self.rpc.chain_get_block(Some(hash)).await.map_err(|e| format!("body of #{number}: {e}"))?;
		if let Some(details) = block {
			let justification = details
				.justifications
				.unwrap_or_default()
				.into_iter()
				.find(|(engine, _)| *engine == GRANDPA_ENGINE)
				.map(|(_, bytes)| bytes);
			return Ok(Body {
				header: details.block.header,
				extrinsics: details.block.extrinsics.into_iter().map(|b| b.0).collect(),
				justification,
				from_archive: false,
			});
		}
		if number == 0 {
			// The genesis block has no extrinsics. A node that prunes bodies no longer returns
			// its body, and the archive keeps only blocks after it: its header is all there is.
			let header = self.header(hash).await?;
			return Ok(Body { header, extrinsics: Vec::new(), justification: None, from_archive: false });
		}
		// `cinechain_archive::protocol::ArchivedBlock`; only its `block` is read.
		#[derive(serde::Deserialize)]
		struct Archived {
			block: subxt::rpcs::methods::legacy::Bytes,
		}
		let _turn = self.archive_turns.acquire().await.map_err(|e| format!("body of #{number} from the archive: {e}"))?;
		let answer: Option<Archived> = self
			.raw
			.request("cinearchive_block", rpc_params![hex0x(hash.as_bytes())])
			.await
			.map_err(|e| format!("body of #{number} from the archive: {e}"))?;
		let answer = answer.ok_or_else(|| format!("the node pruned the body of #{number} and no archive member has it"))?;
		let (header, found, extrinsics) =
			split_archived_block(&answer.block.0).map_err(|e| format!("the archive's copy of #{number} does not decode: {e}"))?;
		if found != hash {
			return Err(format!("the archive's copy of #{number} is another block ({found:?})"));
		}
		Ok(Body { header, extrinsics, justification: None, from_archive: true })
	}

	/// The hashes of blocks `numbers` on the node's best chain, in one call (`chain_getBlockHash`
	/// takes a list): a backfill asks once per [`crate::follow::READ_AHEAD`] blocks instead of
	/// once a block. For finalized numbers these are the finalized blocks.
	pub async fn block_hashes(&self, numbers: &[u32]) -> Result<Vec<H256>, String> {
		let hashes: Vec<Option<H256>> =
			self.raw.request("chain_getBlockHash", rpc_params![numbers]).await.map_err(|e| format!("hashes of blocks {numbers:?}: {e}"))?;
		if hashes.len() != numbers.len() {
			return Err(format!("asked for {} block hashes, the node answered {}", numbers.len(), hashes.len()));
		}
		numbers.iter().zip(hashes).map(|(n, hash)| hash.ok_or_else(|| format!("the node has no block #{n}"))).collect()
	}

	/// The header of block `hash`, checked to be that block's.
	pub async fn header(&self, hash: H256) -> Result<Header, String> {
		let header = self
			.rpc
			.chain_get_header(Some(hash))
			.await
			.map_err(|e| format!("header {hash:?}: {e}"))?
			.ok_or_else(|| format!("the node has no header {hash:?}"))?;
		if header_hash(&header) != hash {
			return Err(format!("the node's header for {hash:?} hashes otherwise"));
		}
		Ok(header)
	}

	/// The trie nodes that prove the values of `keys` in block `at`'s state.
	pub async fn read_proof(&self, keys: &[&[u8]], at: H256) -> Result<Vec<Vec<u8>>, String> {
		let proof = self.rpc.state_get_read_proof(keys.iter().copied(), Some(at)).await.map_err(|e| format!("storage proof at {at:?}: {e}"))?;
		Ok(proof.proof.into_iter().map(|b| b.0).collect())
	}
}

/// A header's hash: BLAKE2-256 of its SCALE encoding.
pub fn header_hash(header: &Header) -> H256 {
	H256(sp_crypto_hashing::blake2_256(&header.encode()))
}

/// The node's WebSocket URL from one given as `ws://`, `wss://`, `http://` or `https://` (the
/// node serves both protocols on its RPC port).
pub fn websocket_url(url: &str) -> Result<String, String> {
	let (scheme, rest) = if let Some(rest) = url.strip_prefix("ws://").or_else(|| url.strip_prefix("http://")) {
		("ws://", rest)
	} else if let Some(rest) = url.strip_prefix("wss://").or_else(|| url.strip_prefix("https://")) {
		("wss://", rest)
	} else {
		return Err(format!("`{url}` is not a node URL (ws://, wss://, http:// or https://)"));
	};
	if rest.is_empty() {
		return Err(format!("`{url}` names no host"));
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

#[cfg(test)]
mod tests {
	use super::*;

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
