//! The verifier: checks a [`Bundle`] against what the chain spec alone says, and names the check
//! that failed when it refuses.
//!
//! What a verified bundle establishes, trusting only the chain spec (its genesis and so its
//! GRANDPA authorities):
//! 1. block `N` (the header) is an ancestor of a block `F` that those authorities finalized
//!    ([`Check::FinalityHeaders`], [`Check::Justification`]);
//! 2. the extrinsic is entry `index` of block `N` ([`Check::Extrinsic`]) and holds the record's
//!    bytes ([`Check::Record`]). The call itself is not decoded (that needs the runtime's
//!    metadata): another extrinsic of the block carrying the same bytes would pass this check.
//!    What pins the record is 3;
//! 3. the device's head advanced past the record in block `N`: before it the head was below
//!    `seq` ([`Check::HeadBefore`]), after it the head's hash chain leads back to this record
//!    ([`Check::HeadAfter`], [`Check::HashChain`]). So the call succeeded and the chain holds
//!    exactly this record as screening `seq` of `device`.
//!
//! The chain spec's authority set is the genesis set; cinechain's runtime has no way to change
//! it (no session pallet), so GRANDPA set 0 finalizes every block. Should that change, this
//! verifier refuses proofs signed by a later set, saying so.
//!
//! GRANDPA's signatures do not name the chain: a proof is worth what the chain spec's authority
//! keys are. The development and local specs use the well-known keys of Alice, Bob, ...: anyone
//! can sign for them, so [`TrustedChain::well_known_keys`] says so and the command warns.

use crate::prelude::*;
use smoldot::{
	chain_spec::ChainSpec,
	chain::chain_information::ChainInformationFinalityRef,
	finality::{decode::decode_grandpa_justification, verify as grandpa},
	header::{self, HeaderRef},
	trie::proof_decode,
};

use crate::{
	bundle::Bundle,
	heads::{head_key, record_hash, record_position, Head},
	trie::{encode_proof, ordered_entry},
};

/// What a verifier trusts: the chain spec's genesis and GRANDPA authorities.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrustedChain {
	/// The chain spec's name, to say which chain a proof was checked against.
	pub name: String,
	pub genesis_hash: [u8; 32],
	pub block_number_bytes: usize,
	/// The GRANDPA authority set id and its members' ed25519 keys.
	pub set_id: u64,
	pub authorities: Vec<[u8; 32]>,
	/// Whether the spec is a development or local one, whose authorities' secret keys are
	/// public (`//Alice`, ...): a proof against it convinces nobody else.
	pub well_known_keys: bool,
}

impl TrustedChain {
	/// The trusted facts of a raw chain spec (JSON). Runs the genesis runtime once (in smoldot's
	/// interpreter) to learn the GRANDPA authorities, as a light client starting from it does.
	pub fn from_chain_spec(json: &[u8]) -> Result<TrustedChain, String> {
		let spec = ChainSpec::from_json_bytes(json).map_err(|e| format!("the chain spec does not parse: {e}"))?;
		let (information, _runtime) = spec
			.to_chain_information()
			.map_err(|e| format!("the chain spec's genesis cannot be read (is it a raw chain spec?): {e}"))?;
		let block_number_bytes = usize::from(spec.block_number_bytes());
		let information = information.as_ref();
		let genesis_hash = information.finalized_block_header.hash(block_number_bytes);
		let ChainInformationFinalityRef::Grandpa {
			after_finalized_block_authorities_set_id: set_id,
			finalized_triggered_authorities,
			..
		} = information.finality
		else {
			return Err("the chain spec's chain is not finalized by GRANDPA".into());
		};
		// smoldot counts signatures, not weights: only a set of equal weights is counted right.
		if finalized_triggered_authorities.windows(2).any(|pair| pair[0].weight != pair[1].weight) {
			return Err("the chain spec's GRANDPA authorities have unequal weights, which this verifier does not count".into());
		}
		let authorities = finalized_triggered_authorities.iter().map(|a| a.public_key).collect();
		let well_known_keys = matches!(spec.chain_type(), "Development" | "Local");
		let name = spec.name().to_string();
		Ok(TrustedChain { name, genesis_hash, block_number_bytes, set_id, authorities, well_known_keys })
	}
}

/// The checks a verifier makes, in order. A refusal names one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Check {
	/// Block `N`'s header decodes.
	Header,
	/// The extrinsic is entry `index` of block `N`'s extrinsics trie.
	Extrinsic,
	/// The record's bytes are in the extrinsic at the stated offset, with the stated `seq`.
	Record,
	/// The parent header decodes and is block `N`'s parent.
	ParentHeader,
	/// The device's head before block `N` is proven by the parent's state and is below `seq`.
	HeadBefore,
	/// The device's head after block `N` is proven by block `N`'s state and is at `seq` or later.
	HeadAfter,
	/// The record and the device's later records in block `N` chain up to that head.
	HashChain,
	/// Headers `N + 1 ..= F` decode and each is its predecessor's child.
	FinalityHeaders,
	/// The GRANDPA justification is for block `F` and signed by the chain spec's authorities.
	Justification,
}

impl Check {
	/// The check's name, as a refusal prints it.
	pub fn name(self) -> &'static str {
		match self {
			Check::Header => "header",
			Check::Extrinsic => "extrinsic",
			Check::Record => "record",
			Check::ParentHeader => "parent header",
			Check::HeadBefore => "head before",
			Check::HeadAfter => "head after",
			Check::HashChain => "hash chain",
			Check::FinalityHeaders => "finality headers",
			Check::Justification => "justification",
		}
	}
}

/// Why a bundle was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
	pub check: Check,
	pub reason: String,
}

impl core::fmt::Display for Refusal {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		write!(f, "check '{}' failed: {}", self.check.name(), self.reason)
	}
}

impl core::error::Error for Refusal {}

/// What a verified bundle shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verified {
	pub device: u64,
	pub seq: u64,
	/// The record, SCALE-encoded.
	pub record: Vec<u8>,
	/// Block `N`, that recorded it, and the extrinsic of it that holds the record's bytes (not
	/// decoded: see the module's documentation).
	pub block_number: u64,
	pub block_hash: [u8; 32],
	pub extrinsic_index: u32,
	/// Block `F`, whose justification finalized block `N`.
	pub finalized_number: u64,
	pub finalized_hash: [u8; 32],
}

fn refuse<T>(check: Check, reason: impl Into<String>) -> Result<T, Refusal> {
	Err(Refusal { check, reason: reason.into() })
}

fn hex(bytes: &[u8]) -> String {
	format!("0x{}", hex::encode(bytes))
}

/// Checks `bundle` against `chain`; every check of [`Check`] must pass. The seed of the batched
/// signature check comes from the operating system.
#[cfg(feature = "std")]
pub fn verify(bundle: &Bundle, chain: &TrustedChain) -> Result<Verified, Refusal> {
	let mut seed = [0u8; 32];
	getrandom::fill(&mut seed).or_else(|e| refuse(Check::Justification, format!("no randomness for the signature check: {e}")))?;
	verify_seeded(bundle, chain, seed)
}

/// [`verify`] with the seed of the batched signature check given: it must be unpredictable to
/// whoever made the bundle (a browser takes it from `crypto.getRandomValues`).
pub fn verify_seeded(bundle: &Bundle, chain: &TrustedChain, randomness_seed: [u8; 32]) -> Result<Verified, Refusal> {
	let number_bytes = chain.block_number_bytes;
	let block = match header::decode(&bundle.header.0, number_bytes) {
		Ok(block) if block.number > 0 => block,
		Ok(_) => return refuse(Check::Header, "the genesis block holds no screening"),
		Err(e) => return refuse(Check::Header, format!("block N's header does not decode: {e}")),
	};
	let block_hash = header::hash_from_scale_encoded_header(&bundle.header.0);

	// 2. The extrinsic and the record in it.
	let extrinsic = &bundle.extrinsic;
	let entry = ordered_entry(block.extrinsics_root, &extrinsic.proof, extrinsic.index as usize)
		.or_else(|e| refuse(Check::Extrinsic, e))?;
	if entry != extrinsic.bytes.0 {
		return refuse(Check::Extrinsic, format!("entry {} of block #{}'s extrinsics is not the bundle's extrinsic", extrinsic.index, block.number));
	}
	let record = &bundle.record.0;
	let (record_seq, _) = record_position(record).or_else(|e| refuse(Check::Record, e))?;
	if record_seq != bundle.seq {
		return refuse(Check::Record, format!("the record is number {record_seq}, not {}", bundle.seq));
	}
	let start = extrinsic.record_offset as usize;
	if extrinsic.bytes.0.get(start..start.saturating_add(record.len())) != Some(&record[..]) {
		return refuse(Check::Record, format!("the extrinsic does not hold the record at offset {start}"));
	}

	// 3. The device's head before and after block N.
	let parent = header::decode(&bundle.parent_header.0, number_bytes)
		.or_else(|e| refuse(Check::ParentHeader, format!("the parent header does not decode: {e}")))?;
	if header::hash_from_scale_encoded_header(&bundle.parent_header.0) != *block.parent_hash {
		return refuse(Check::ParentHeader, format!("the parent header is not block #{}'s parent", block.number));
	}
	let key = head_key(bundle.device);
	let before = proven_head(parent.state_root, &bundle.head_before, &key).or_else(|e| refuse(Check::HeadBefore, e))?;
	if before.last_seq >= bundle.seq {
		return refuse(
			Check::HeadBefore,
			format!("the device's head was already at {} before block #{}", before.last_seq, block.number),
		);
	}
	let after = proven_head(block.state_root, &bundle.head_after, &key).or_else(|e| refuse(Check::HeadAfter, e))?;
	if after.last_seq < bundle.seq {
		return refuse(Check::HeadAfter, format!("the device's head after block #{} is at {}, before this record", block.number, after.last_seq));
	}
	if after.last_seq - bundle.seq != bundle.later_records.len() as u64 {
		return refuse(
			Check::HashChain,
			format!("the head is at {}: {} records follow {}, the bundle has {}", after.last_seq, after.last_seq - bundle.seq, bundle.seq, bundle.later_records.len()),
		);
	}
	let (mut seq, mut hash) = (bundle.seq, record_hash(record));
	for later in &bundle.later_records {
		let (next_seq, prev_hash) = record_position(&later.0).or_else(|e| refuse(Check::HashChain, e))?;
		if Some(next_seq) != seq.checked_add(1) || prev_hash != hash {
			return refuse(Check::HashChain, format!("record {next_seq} does not follow record {seq}"));
		}
		(seq, hash) = (next_seq, record_hash(&later.0));
	}
	if (seq, hash) != (after.last_seq, after.last_hash) {
		return refuse(
			Check::HashChain,
			format!("the records end at {seq} ({}), the device's head at {} ({})", hex(&hash), after.last_seq, hex(&after.last_hash)),
		);
	}

	// 1. Finality: N's descendants up to F, and F's justification.
	let (mut last_number, mut last_hash) = (block.number, block_hash);
	for (i, bytes) in bundle.finality.headers.iter().enumerate() {
		let next = header::decode(&bytes.0, number_bytes)
			.or_else(|e| refuse(Check::FinalityHeaders, format!("header {i} does not decode: {e}")))?;
		if *next.parent_hash != last_hash || Some(next.number) != last_number.checked_add(1) {
			return refuse(Check::FinalityHeaders, format!("header {i} (#{}) is not the child of #{last_number}", next.number));
		}
		(last_number, last_hash) = (next.number, header::hash_from_scale_encoded_header(&bytes.0));
	}
	check_justification(&bundle.finality.justification.0, last_number, &last_hash, chain, randomness_seed)
		.or_else(|e| refuse(Check::Justification, e))?;

	Ok(Verified {
		device: bundle.device,
		seq: bundle.seq,
		record: record.clone(),
		block_number: block.number,
		block_hash,
		extrinsic_index: extrinsic.index,
		finalized_number: last_number,
		finalized_hash: last_hash,
	})
}

/// The device head stored at `key` under `state_root`, as `proof` proves it.
fn proven_head(state_root: &[u8; 32], proof: &[crate::bundle::Hex], key: &[u8]) -> Result<Head, String> {
	let decoded = proof_decode::decode_and_verify_proof(proof_decode::Config { proof: encode_proof(proof) })
		.map_err(|e| format!("the storage proof does not decode: {e}"))?;
	let value = decoded
		.storage_value(state_root, key)
		.map_err(|_| "the storage proof does not reach the device's head under the block's state root".to_string())?;
	Head::from_storage(value.map(|(bytes, _)| bytes))
}

/// Checks that `justification` finalizes block `number` (`hash`) with `chain`'s authorities.
/// smoldot's signature check leaves two things to its caller: that the justification is for
/// this block, and that every precommit votes for it or for a descendant shown in the
/// justification's ancestry.
fn check_justification(
	justification: &[u8],
	number: u64,
	hash: &[u8; 32],
	chain: &TrustedChain,
	randomness_seed: [u8; 32],
) -> Result<(), String> {
	let decoded = decode_grandpa_justification(justification, chain.block_number_bytes)
		.map_err(|e| format!("the justification does not decode: {e}"))?;
	if decoded.target_number != number || decoded.target_hash != hash {
		return Err(format!(
			"the justification is for #{} ({}), not #{number} ({})",
			decoded.target_number,
			hex(decoded.target_hash),
			hex(hash)
		));
	}
	grandpa::verify_justification(grandpa::JustificationVerifyConfig {
		justification,
		block_number_bytes: chain.block_number_bytes,
		authorities_set_id: chain.set_id,
		authorities_list: chain.authorities.iter().map(|k| &k[..]),
		randomness_seed,
	})
	.map_err(|e| match e {
		grandpa::JustificationVerifyError::NotAuthority { .. } | grandpa::JustificationVerifyError::BadSignature => format!(
			"{e}: it is not signed by the chain spec's GRANDPA authorities (set {}); a chain whose authority set changed needs a newer verifier",
			chain.set_id
		),
		e => e.to_string(),
	})?;
	// After the signatures: each precommit is then a distinct authority's, so this walk costs at
	// most the authorities times the ancestry's length.
	let ancestry: alloc::collections::BTreeMap<[u8; 32], HeaderRef> =
		decoded.votes_ancestries.clone().map(|h| (h.hash(chain.block_number_bytes), h)).collect();
	for precommit in decoded.precommits.iter() {
		let mut voted = *precommit.target_hash;
		let mut steps = 0;
		while voted != *hash {
			let Some(header) = ancestry.get(&voted).filter(|_| steps <= ancestry.len()) else {
				return Err(format!("a precommit votes for {}, which the justification does not show descends from #{number}", hex(&voted)));
			};
			voted = *header.parent_hash;
			steps += 1;
		}
	}
	Ok(())
}
