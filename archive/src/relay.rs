//! Sync from the cluster (the patent's "executing a block not held locally"): every node serves
//! the standard block-request protocol (`/<genesis hash>/sync/2`, what a full node syncs from)
//! with the bodies its database still has and, for those it pruned, the archive's: its own copy
//! or one fetched from the holders. So a new full node started with `--sync full` re-executes
//! the whole history of a chain on which no node keeps every body.
//!
//! Why a server of our own and not polkadot-sdk's `BlockRequestHandler`: that one reads bodies
//! through the client, synchronously, and ends its answer at the first body the database pruned
//! — and a syncing node bans a peer whose answer holds not even the first block asked for.
//! Fetching from other members is network work, so this server is async. The request and the
//! answer are the protocol's own (the protobuf schema `sc-network-sync` exports), and the
//! requesting side stays polkadot-sdk's downloader.
//!
//! Bounds: one request at a time (the queue in front holds one per peer slot; more are
//! refused by the network layer), at most [`MAX_BLOCKS`] blocks and the protocol's response
//! size per answer, and the cluster's answers awaited for at most [`FETCH_DEADLINE`]. A body
//! nobody can give ends the answer there: it always starts at the block asked for, or is empty.

use std::{sync::Arc, time::Duration};

use cinechain_runtime::AccountId;
use codec::{Decode, Encode};
use futures::{stream, StreamExt};
use pallet_archive::runtime_api::ArchiveApi;
use prost::Message;
use sc_network::{
	config::ProtocolId,
	request_responses::{IncomingRequest, OutgoingResponse},
	NetworkBackend, MAX_RESPONSE_SIZE,
};
use sc_network_common::sync::message::BlockAttributes;
use sc_network_sync::{
	block_relay_protocol::{BlockRelayParams, BlockServer},
	block_request::FromBlock,
	block_request_handler::{generate_protocol_config, BlockRequestHandler},
	service::network::NetworkServiceProvider,
	BlockData, BlockRequest, BlockResponse, Direction,
};
use sp_core::H256;

use crate::{
	archive::{Archive, ChainClient},
	block::Block,
	protocol::BlockRef,
};

/// Most blocks in one answer (what polkadot-sdk's own server sends at most).
pub const MAX_BLOCKS: usize = 128;
/// How long one answer may wait for bodies from the cluster: well inside the protocol's 20-s
/// request timeout, so the requester gets what was found rather than nothing.
pub const FETCH_DEADLINE: Duration = Duration::from_secs(10);
/// Bodies fetched from the cluster at once for one answer.
const PARALLEL_FETCHES: usize = 8;
/// Room left in an answer for the protocol's own framing (as polkadot-sdk's server leaves).
const FRAMING: usize = 20 * 1024;
/// The engine id of GRANDPA justifications, for requesters that take one justification only.
const GRANDPA_ENGINE_ID: [u8; 4] = *b"FRNK";

/// Where a request starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
	Hash(H256),
	Number(u32),
}

/// A block request, as this server reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
	pub from: Start,
	/// Blocks asked for, at most [`MAX_BLOCKS`].
	pub max: usize,
	/// From `from` up by number, or down by parent hash.
	pub ascending: bool,
	pub attributes: BlockAttributes,
	/// Whether the requester takes every justification (SCALE `Justifications`) or only
	/// GRANDPA's.
	pub all_justifications: bool,
}

/// Reads a request from the wire; a malformed one is refused whole.
pub fn parse(payload: &[u8]) -> Result<Request, String> {
	let request = BlockRequest::decode(payload).map_err(|e| format!("not a block request: {e}"))?;
	let from = match request.from_block.ok_or("no starting block")? {
		FromBlock::Hash(hash) => Start::Hash(<H256 as Decode>::decode(&mut &hash[..]).map_err(|e| format!("bad hash: {e}"))?),
		FromBlock::Number(number) => Start::Number(<u32 as Decode>::decode(&mut &number[..]).map_err(|e| format!("bad number: {e}"))?),
	};
	let max = match request.max_blocks as usize {
		0 => MAX_BLOCKS,
		asked => asked.min(MAX_BLOCKS),
	};
	let ascending = match Direction::try_from(request.direction).map_err(|_| "bad direction")? {
		Direction::Ascending => true,
		Direction::Descending => false,
	};
	let attributes = BlockAttributes::from_be_u32(request.fields).map_err(|e| format!("bad fields: {e}"))?;
	Ok(Request { from, max, ascending, attributes, all_justifications: request.support_multiple_justifications })
}

/// Builds the block-relay part of the node's network: this server, behind the protocol's usual
/// name and limits, and polkadot-sdk's downloader for the node's own requests. The returned
/// provider must be run on the network once it is built (it carries the downloader's requests).
pub fn block_relay<C, N>(
	archive: Arc<Archive<C>>,
	protocol_id: &ProtocolId,
	fork_id: Option<&str>,
	peer_slots: usize,
) -> (BlockRelayParams<Block, N>, NetworkServiceProvider)
where
	C: ChainClient,
	C::Api: ArchiveApi<Block, AccountId>,
	N: NetworkBackend<Block, H256>,
{
	let provider = NetworkServiceProvider::new();
	// polkadot-sdk builds its downloader only together with its server; keep the downloader.
	let stock = BlockRequestHandler::new::<N>(provider.handle(), protocol_id, fork_id, archive.client().clone(), peer_slots);
	let (sender, requests) = async_channel::bounded(peer_slots.max(1));
	let genesis = archive.client().info().genesis_hash;
	let config = generate_protocol_config::<_, Block, N>(protocol_id, genesis, fork_id, sender);
	let server = Server { archive, requests };
	(BlockRelayParams { server: Box::new(server), downloader: stock.downloader, request_response_config: config }, provider)
}

/// Serves block requests; see the module documentation.
struct Server<C> {
	archive: Arc<Archive<C>>,
	requests: async_channel::Receiver<IncomingRequest>,
}

#[async_trait::async_trait]
impl<C: ChainClient> BlockServer<Block> for Server<C>
where
	C::Api: ArchiveApi<Block, AccountId>,
{
	async fn run(&mut self) {
		while let Ok(IncomingRequest { peer, payload, pending_response }) = self.requests.recv().await {
			let result = match parse(&payload) {
				Ok(request) => {
					let answer = answer(&self.archive, &request).await;
					log::debug!(target: "archive", "block request from {peer}: {request:?}, {} blocks", answer.blocks.len());
					Ok(answer.encode_to_vec())
				},
				Err(why) => {
					log::debug!(target: "archive", "bad block request from {peer}: {why}");
					Err(())
				},
			};
			let _ = pending_response.send(OutgoingResponse { result, reputation_changes: Vec::new(), sent_feedback: None });
		}
	}
}

/// The headers a request covers, from its first block on, as far as this node knows them.
fn headers<C: ChainClient>(client: &C, request: &Request) -> Vec<<Block as sp_runtime::traits::Block>::Header> {
	let mut headers = Vec::new();
	let mut next = match request.from {
		Start::Hash(hash) => Some(hash),
		Start::Number(number) => client.hash(number).ok().flatten(),
	};
	while let Some(hash) = next {
		let Ok(Some(header)) = client.header(hash) else { break };
		next = if request.ascending {
			client.hash(header.number + 1).ok().flatten()
		} else if header.number == 0 {
			None
		} else {
			Some(header.parent_hash)
		};
		headers.push(header);
		if headers.len() >= request.max {
			break;
		}
	}
	headers
}

/// The body of block `number` (hash `hash`), each extrinsic SCALE-encoded: from the node's
/// database, else from the archive (this node's copy, or the holders', checked against the
/// header hash either way).
async fn body<C: ChainClient>(archive: &Archive<C>, number: u32, hash: H256) -> Option<Vec<Vec<u8>>>
where
	C::Api: ArchiveApi<Block, AccountId>,
{
	if let Ok(Some(extrinsics)) = archive.client().block_body(hash) {
		return Some(extrinsics.iter().map(Encode::encode).collect());
	}
	// `Archive::block` answers only with a copy it checked against `hash`: decoding is enough.
	let found = archive.block(BlockRef::Hash(hash), false).await?;
	let block = Block::decode(&mut &found.block[..]).ok()?;
	log::trace!(target: "archive", "block #{number}'s body for a peer's sync, from the archive");
	Some(block.extrinsics.iter().map(Encode::encode).collect())
}

/// The answer to `request`: its blocks in order, with what was asked for, until a body nobody
/// has, the size limit or [`MAX_BLOCKS`].
pub async fn answer<C: ChainClient>(archive: &Archive<C>, request: &Request) -> BlockResponse
where
	C::Api: ArchiveApi<Block, AccountId>,
{
	let client = archive.client();
	let attributes = request.attributes;
	let headers = headers(&**client, request);
	let with_body = attributes.contains(BlockAttributes::BODY);
	let blocks: Vec<(u32, H256)> = headers.iter().map(|header| (header.number, header.hash())).collect();
	let mut bodies = stream::iter(blocks)
		.map(move |(number, hash)| async move { if with_body { body(archive, number, hash).await } else { Some(Vec::new()) } })
		.buffered(PARALLEL_FETCHES);
	let deadline = tokio::time::Instant::now() + FETCH_DEADLINE;
	let mut blocks = Vec::new();
	let mut size = 0;
	for header in &headers {
		let Ok(Some(Some(body))) = tokio::time::timeout_at(deadline, bodies.next()).await else { break };
		let hash = header.hash();
		let justifications = if attributes.contains(BlockAttributes::JUSTIFICATION) {
			client.justifications(hash).ok().flatten()
		} else {
			None
		};
		let (justifications, justification, is_empty_justification) = if request.all_justifications {
			(justifications.map(|j| j.encode()).unwrap_or_default(), Vec::new(), false)
		} else {
			let grandpa = justifications.and_then(|j| j.into_justification(GRANDPA_ENGINE_ID));
			let empty = grandpa.as_ref().is_some_and(|j| j.is_empty());
			(Vec::new(), grandpa.unwrap_or_default(), empty)
		};
		let indexed_body = if attributes.contains(BlockAttributes::INDEXED_BODY) {
			client.block_indexed_body(hash).ok().flatten().unwrap_or_default()
		} else {
			Vec::new()
		};
		let data = BlockData {
			hash: hash.encode(),
			header: if attributes.contains(BlockAttributes::HEADER) { header.encode() } else { Vec::new() },
			body,
			receipt: Vec::new(),
			message_queue: Vec::new(),
			justification,
			is_empty_justification,
			justifications,
			indexed_body,
		};
		size += data.encoded_len();
		if size > MAX_RESPONSE_SIZE as usize - FRAMING {
			break;
		}
		blocks.push(data);
	}
	BlockResponse { blocks }
}

#[cfg(test)]
mod tests {
	use super::*;

	fn encoded(request: BlockRequest) -> Vec<u8> {
		request.encode_to_vec()
	}

	fn attributes() -> BlockAttributes {
		BlockAttributes::HEADER | BlockAttributes::BODY | BlockAttributes::JUSTIFICATION
	}

	#[test]
	fn requests_are_read_as_sent_and_bounded() {
		let hash = H256::repeat_byte(7);
		let request = parse(&encoded(BlockRequest {
			fields: attributes().to_be_u32(),
			from_block: Some(FromBlock::Hash(hash.encode())),
			direction: Direction::Descending as i32,
			max_blocks: 64,
			support_multiple_justifications: true,
		}))
		.unwrap();
		assert_eq!(
			request,
			Request { from: Start::Hash(hash), max: 64, ascending: false, attributes: attributes(), all_justifications: true }
		);
		let request = parse(&encoded(BlockRequest {
			fields: BlockAttributes::HEADER.to_be_u32(),
			from_block: Some(FromBlock::Number(Encode::encode(&42u32))),
			direction: Direction::Ascending as i32,
			max_blocks: 0,
			support_multiple_justifications: false,
		}))
		.unwrap();
		assert_eq!((request.from, request.max, request.ascending), (Start::Number(42), MAX_BLOCKS, true));
		let greedy = parse(&encoded(BlockRequest {
			fields: BlockAttributes::HEADER.to_be_u32(),
			from_block: Some(FromBlock::Number(Encode::encode(&1u32))),
			direction: 0,
			max_blocks: 1_000_000,
			support_multiple_justifications: false,
		}))
		.unwrap();
		assert_eq!(greedy.max, MAX_BLOCKS, "no more than the protocol's limit per answer");
	}

	#[test]
	fn malformed_requests_are_refused() {
		assert!(parse(b"\xff\xff\xff").is_err(), "not protobuf");
		let no_start = BlockRequest { fields: 1 << 24, from_block: None, direction: 0, max_blocks: 1, support_multiple_justifications: false };
		assert!(parse(&encoded(no_start)).is_err());
		let short_hash = BlockRequest {
			fields: 1 << 24,
			from_block: Some(FromBlock::Hash(vec![1, 2, 3])),
			direction: 0,
			max_blocks: 1,
			support_multiple_justifications: false,
		};
		assert!(parse(&encoded(short_hash)).is_err());
		let bad_direction = BlockRequest {
			fields: 1 << 24,
			from_block: Some(FromBlock::Number(Encode::encode(&1u32))),
			direction: 9,
			max_blocks: 1,
			support_multiple_justifications: false,
		};
		assert!(parse(&encoded(bad_direction)).is_err());
		let bad_fields = BlockRequest {
			fields: 0xff00_0000,
			from_block: Some(FromBlock::Number(Encode::encode(&1u32))),
			direction: 0,
			max_blocks: 1,
			support_multiple_justifications: false,
		};
		assert!(parse(&encoded(bad_fields)).is_err());
	}
}
