//! Proofs (`GET /proof/{device}/{seq}`): a [`Bundle`] that lets anyone holding only the chain
//! spec check that a screening is on the finalized chain (`cinechain-projector verify-proof`).
//!
//! The index says where the record is (block, extrinsic); everything in the bundle comes from
//! the node at request time, not from the index, so a wrong index can only make a proof fail:
//! - block `N`'s body (from the archive cluster if the node pruned it), and a trie proof of the
//!   extrinsic against the header's extrinsics root;
//! - storage proofs of the device's head in the parent's state and in block `N`'s (the node
//!   keeps finalized state: `--state-pruning archive-canonical`);
//! - finality: the first justification at or after `N` that the index kept, with the headers up
//!   to it. Nodes keep one every 16 blocks (`GRANDPA_JUSTIFICATION_PERIOD` in the node), and the
//!   index keeps it with its block, since a node that prunes a body drops its justification too.
//!   (GRANDPA's `grandpa_proveFinality` cannot serve here: it answers only for chains whose
//!   authority set changed at least once.)
//!
//! Costs grow with the record's block and the headers to the next justification (at most 16),
//! never with the length of the chain.

use cinechain_proof::{
	bundle::{self, Bundle, ExtrinsicProof, Finality, Hex},
	heads::head_key,
	trie::{ordered_proof, ordered_root, TrieEntryVersion},
};
use codec::Encode;
use subxt::utils::H256;

use crate::{
	model::Screening,
	node::Node,
	store::{self, Param, Store},
};

/// Why no proof was made.
#[derive(Debug)]
pub enum ProofError {
	/// The index holds no such record.
	NotFound(String),
	/// The record is indexed but cannot be proven yet (no justification covers it yet).
	NotYet(String),
	/// The node could not be asked, or answered something unusable.
	Node(String),
	/// The index cannot make this proof (it kept no justification for the stretch, or its rows
	/// disagree with the chain): asking again will not help.
	Index(String),
	/// Too many proofs are being made at once, or this one took too long.
	Busy(String),
	Database(store::Error),
}

impl From<store::Error> for ProofError {
	fn from(e: store::Error) -> Self {
		ProofError::Database(e)
	}
}

/// Longest SCALE encoding of a screening record (well above the pallet's `MaxEncodedLen`).
const MAX_RECORD_BYTES: usize = 1024;

/// Proofs made at once; more wait for none but are answered "busy" (each reads a block, its
/// trie and a few dozen RPC answers).
const MAX_CONCURRENT_PROOFS: usize = 4;
/// Longest a proof (or connecting to the node) may take.
const PROOF_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// Makes proofs from a node (connected on first use, and again after it failed).
pub struct Prover {
	url: String,
	node: tokio::sync::Mutex<Option<Node>>,
	slots: tokio::sync::Semaphore,
}

impl Prover {
	pub fn new(url: &str) -> Prover {
		Prover { url: url.to_string(), node: tokio::sync::Mutex::new(None), slots: tokio::sync::Semaphore::new(MAX_CONCURRENT_PROOFS) }
	}

	async fn node(&self) -> Result<Node, ProofError> {
		let mut node = self.node.lock().await;
		if node.is_none() {
			let connected = tokio::time::timeout(PROOF_TIMEOUT, Node::connect(&self.url))
				.await
				.map_err(|_| ProofError::Node(format!("no answer from {} within {PROOF_TIMEOUT:?}", self.url)))?;
			*node = Some(connected.map_err(ProofError::Node)?);
		}
		Ok(node.clone().expect("connected"))
	}

	/// Runs `work` on the node in one of the proofs' slots ("busy" when none is free), within
	/// [`PROOF_TIMEOUT`]; after a node error, connects afresh next time (it may have restarted).
	async fn with_node<T, F: std::future::Future<Output = Result<T, ProofError>>>(
		&self,
		what: &str,
		work: impl FnOnce(Node) -> F,
	) -> Result<T, ProofError> {
		let _slot = self
			.slots
			.try_acquire()
			.map_err(|_| ProofError::Busy(format!("{MAX_CONCURRENT_PROOFS} proofs are being made; try again shortly")))?;
		let node = self.node().await?;
		let result = tokio::time::timeout(PROOF_TIMEOUT, work(node))
			.await
			.unwrap_or_else(|_| Err(ProofError::Node(format!("{what} took longer than {PROOF_TIMEOUT:?}"))));
		if matches!(result, Err(ProofError::Node(_))) {
			*self.node.lock().await = None;
		}
		result
	}

	/// The metadata of the runtime at the node's finalized head (for [`crate::calls`]), in a
	/// proof's slot: it reads the whole metadata.
	pub async fn metadata(&self) -> Result<subxt::Metadata, ProofError> {
		self.with_node("reading the metadata", |node| async move {
			let head = node.rpc.chain_get_finalized_head().await.map_err(|e| format!("finalized head: {e}"));
			let head = head.map_err(ProofError::Node)?;
			let bytes = node.rpc.state_get_metadata(Some(head)).await.map_err(|e| ProofError::Node(format!("metadata: {e}")))?.into_raw();
			subxt::Metadata::decode_from(&bytes[..]).map_err(|e| ProofError::Node(format!("the node's metadata does not decode: {e}")))
		})
		.await
	}

	/// The proof of screening `seq` of `device`.
	pub async fn bundle(&self, store: &Store, device: u64, seq: u64) -> Result<Bundle, ProofError> {
		self.with_node("the proof", |node| async move { build(&node, store, device, seq).await }).await
	}
}

async fn build(node: &Node, store: &Store, device: u64, seq: u64) -> Result<Bundle, ProofError> {
	let key = [Param::Int(device as i64), Param::Int(seq as i64)];
	let rows = store.fetch("SELECT * FROM screenings WHERE device = ? AND seq = ?", &key).await?;
	let row = rows.first().ok_or_else(|| ProofError::NotFound(format!("no screening {seq} of device {device} is indexed")))?;
	let record = store::screening_from_row(row)?;
	let number = record.position.block_number;
	let hash = parse_hash(&record.position.block_hash)?;
	let index = record.position.extrinsic_index.ok_or_else(|| ProofError::Index("the record has no extrinsic".into()))?;

	// Block N: the extrinsic, the record in it, and the device's later records in the block.
	let body = node.block(number, hash).await.map_err(ProofError::Node)?;
	let extrinsic = body
		.extrinsics
		.get(index as usize)
		.ok_or_else(|| ProofError::Index(format!("block #{number} has no extrinsic {index}")))?;
	let (offset, record_bytes) = located(extrinsic, &record)?;
	// A device's records in one block have consecutive numbers: the upper bound on `seq` keeps
	// the lookup to those, however many records the device has after this block.
	let later_rows = store
		.fetch(
			"SELECT * FROM screenings WHERE device = ? AND seq > ? AND seq <= ? AND block_number = ? ORDER BY seq",
			&[
				Param::Int(device as i64),
				Param::Int(seq as i64),
				Param::Int(seq.saturating_add(bundle::MAX_LATER_RECORDS as u64) as i64),
				Param::Int(number as i64),
			],
		)
		.await?;
	let mut later_records = Vec::with_capacity(later_rows.len());
	for row in &later_rows {
		let later = store::screening_from_row(row)?;
		let carrier = later
			.position
			.extrinsic_index
			.and_then(|i| body.extrinsics.get(i as usize))
			.ok_or_else(|| ProofError::Index(format!("record {} is not in block #{number}", later.seq)))?;
		later_records.push(Hex(located(carrier, &later)?.1));
	}
	let extrinsics_root = body.header.extrinsics_root.0;
	// V0 first: cinechain's runtime (`system_version` 1) roots its extrinsics that way, so one
	// root is computed, not two; V1 only after an upgrade to `system_version` 2.
	let version = [TrieEntryVersion::V0, TrieEntryVersion::V1]
		.into_iter()
		.find(|v| ordered_root(*v, &body.extrinsics) == extrinsics_root)
		.ok_or_else(|| ProofError::Node(format!("block #{number}'s extrinsics do not match its extrinsics root")))?;
	let trie_proof = ordered_proof(version, &body.extrinsics, index as usize)
		.ok_or_else(|| ProofError::Index(format!("no trie proof of extrinsic {index} of block #{number}")))?;

	// The device's head before and after block N.
	let head = head_key(device);
	let parent = node.header(body.header.parent_hash).await.map_err(ProofError::Node)?;
	let head_before = node.read_proof(&[&head], body.header.parent_hash).await.map_err(ProofError::Node)?;
	let head_after = node.read_proof(&[&head], hash).await.map_err(ProofError::Node)?;

	Ok(Bundle {
		format: bundle::FORMAT,
		device,
		seq,
		record: Hex(record_bytes),
		header: Hex(body.header.encode()),
		extrinsic: ExtrinsicProof { index, bytes: Hex(extrinsic.clone()), record_offset: offset as u32, proof: hexes(trie_proof) },
		parent_header: Hex(parent.encode()),
		head_before: hexes(head_before),
		head_after: hexes(head_after),
		later_records,
		finality: finality(node, store, number).await?,
	})
}

/// Block `number`'s finality: headers up to a justified block, and its justification.
async fn finality(node: &Node, store: &Store, number: u32) -> Result<Finality, ProofError> {
	let kept = store
		.fetch(
			"SELECT number, justification FROM justifications WHERE number >= ? ORDER BY number LIMIT 1",
			&[Param::Int(number as i64)],
		)
		.await?;
	if let Some(row) = kept.first() {
		use sqlx::Row;
		let justified = row.try_get::<i64, _>("number")? as u32;
		let justification = parse_hex(&row.try_get::<String, _>("justification")?)?;
		if justified - number <= bundle::MAX_FINALITY_HEADERS as u32 {
			let hashes = store
				.fetch(
					"SELECT hash FROM blocks WHERE number > ? AND number <= ? ORDER BY number",
					&[Param::Int(number as i64), Param::Int(justified as i64)],
				)
				.await?;
			if hashes.len() != (justified - number) as usize {
				return Err(ProofError::Index(format!("the index lacks blocks between #{number} and #{justified}")));
			}
			let mut headers = Vec::with_capacity(hashes.len());
			for row in &hashes {
				let hash = parse_hash(&row.try_get::<String, _>("hash")?)?;
				headers.push(Hex(node.header(hash).await.map_err(ProofError::Node)?.encode()));
			}
			return Ok(Finality { headers, justification: Hex(justification) });
		}
	}
	// None kept yet, or none near: a fresh record waits for the next one; an old one (its body
	// came from the archive, or it was indexed before justifications were kept) never gets one.
	let indexed = store.cursor().await?.map_or(0, |c| c.block_number);
	if indexed > number.saturating_add(bundle::MAX_FINALITY_HEADERS as u32) {
		return Err(ProofError::Index(format!(
			"the index kept no justification within {} blocks after #{number} (its body came from the archive, or it was indexed before justifications were kept)",
			bundle::MAX_FINALITY_HEADERS
		)));
	}
	Err(ProofError::NotYet(format!(
		"no justification the index kept covers block #{number} yet: nodes keep one every 16 blocks; try again shortly"
	)))
}

/// Where `record` is in `extrinsic`: its offset and bytes.
fn located(extrinsic: &[u8], record: &Screening) -> Result<(usize, Vec<u8>), ProofError> {
	let prev_hash = parse_hex(&record.prev_hash)?;
	let record_hash = parse_hex(&record.record_hash)?;
	find_record(extrinsic, record.seq, &prev_hash, &record_hash)
		.map(|(offset, len)| (offset, extrinsic[offset..offset + len].to_vec()))
		.ok_or_else(|| ProofError::Index(format!("record {} of device {} is not in its extrinsic", record.seq, record.device)))
}

/// The offset and length of the record numbered `seq` in `bytes`: it starts with `seq` and
/// `prev_hash` (its first fields) and its BLAKE2-256 is `record_hash`. Found without decoding the
/// extrinsic, whose format the runtime may change.
pub fn find_record(bytes: &[u8], seq: u64, prev_hash: &[u8], record_hash: &[u8]) -> Option<(usize, usize)> {
	let prefix = [&seq.to_le_bytes()[..], prev_hash].concat();
	(0..bytes.len().saturating_sub(prefix.len() - 1)).filter(|&start| bytes[start..].starts_with(&prefix)).find_map(|start| {
		let longest = (bytes.len() - start).min(MAX_RECORD_BYTES);
		(prefix.len()..=longest)
			.find(|&len| sp_crypto_hashing::blake2_256(&bytes[start..start + len])[..] == *record_hash)
			.map(|len| (start, len))
	})
}

fn hexes(nodes: Vec<Vec<u8>>) -> Vec<Hex> {
	nodes.into_iter().map(Hex).collect()
}

fn parse_hex(text: &str) -> Result<Vec<u8>, ProofError> {
	hex::decode(text.trim_start_matches("0x")).map_err(|e| ProofError::Index(format!("the index holds bad hex `{text}`: {e}")))
}

fn parse_hash(text: &str) -> Result<H256, ProofError> {
	let bytes: [u8; 32] =
		parse_hex(text)?.try_into().map_err(|_| ProofError::Index(format!("the index holds a bad hash `{text}`")))?;
	Ok(H256(bytes))
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn a_record_is_found_by_its_hash_not_by_its_prefix_alone() {
		let record: Vec<u8> = [&5u64.to_le_bytes()[..], &[7; 32], b"the rest of the record"].concat();
		let hash = sp_crypto_hashing::blake2_256(&record);
		// A decoy with the same first fields, then the record itself.
		let mut bytes = vec![1, 2, 3];
		bytes.extend(&record[..45]);
		bytes.extend([0xff; 10]);
		let at = bytes.len();
		bytes.extend(&record);
		bytes.extend([9, 9]);
		assert_eq!(find_record(&bytes, 5, &[7; 32], &hash), Some((at, record.len())));
		assert_eq!(find_record(&bytes, 6, &[7; 32], &hash), None, "another sequence number");
		assert_eq!(find_record(&bytes, 5, &[7; 32], &[0; 32]), None, "another hash");
		assert_eq!(find_record(&[], 5, &[7; 32], &hash), None);
	}
}
