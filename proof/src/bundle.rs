//! What a proof carries: everything needed to check, from the chain spec alone, that a record
//! is on cinechain's finalized chain and that the call which carried it succeeded.
//!
//! The information server builds it (`GET /proof/{device}/{seq}`, JSON as below); the verifier
//! ([`crate::verify`]) reads it. Byte strings are `0x`-prefixed hex. Block `N` below is the
//! block that recorded the screening.

use crate::prelude::*;
use serde::{Deserialize, Serialize};

/// The bundle's format, so that a verifier refuses a bundle it does not understand.
pub const FORMAT: u32 = 1;

/// Largest bundle a verifier reads (bytes of JSON): a full block's extrinsic, a few hundred
/// headers and their justification fit easily.
pub const MAX_BUNDLE_BYTES: usize = 16 << 20;
/// Most headers between block `N` and the justified block. cinechain's nodes keep a
/// justification every 16 blocks; the bound leaves room for chains that keep fewer (Substrate's
/// usual period is 512).
pub const MAX_FINALITY_HEADERS: usize = 1024;
/// Most records of the same device after this one in block `N`.
pub const MAX_LATER_RECORDS: usize = 4096;
/// Most nodes in one trie proof (a path through a 16-ary trie of 32-byte keys is far shorter).
pub const MAX_PROOF_NODES: usize = 256;

/// A proof that screening `seq` of `device` is on the finalized chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Bundle {
	/// [`FORMAT`].
	pub format: u32,
	pub device: u64,
	pub seq: u64,
	/// The record, SCALE-encoded as the chain hashes it.
	pub record: Hex,
	/// Block `N`'s header, SCALE-encoded.
	pub header: Hex,
	/// The extrinsic that carried the record.
	pub extrinsic: ExtrinsicProof,
	/// Block `N - 1`'s header: its state holds the device's head before block `N`.
	pub parent_header: Hex,
	/// Trie proof of `Screenings.Heads[device]` against the parent's state root.
	pub head_before: Vec<Hex>,
	/// Trie proof of `Screenings.Heads[device]` against block `N`'s state root.
	pub head_after: Vec<Hex>,
	/// The device's records after this one in block `N`, in order: they link this record's hash
	/// to the head after the block.
	pub later_records: Vec<Hex>,
	/// Block `N`'s finality.
	pub finality: Finality,
}

/// An extrinsic and its place in its block.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ExtrinsicProof {
	/// Its index in the block.
	pub index: u32,
	/// Its bytes as the block holds (and hashes) them, length prefix included.
	pub bytes: Hex,
	/// Where the record's encoding starts in `bytes`.
	pub record_offset: u32,
	/// Trie proof of entry `index` against the header's extrinsics root.
	pub proof: Vec<Hex>,
}

/// GRANDPA's word that block `N` is final: the headers from `N + 1` up to a block `F`, and a
/// justification of `F` signed by the authorities the chain spec names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Finality {
	/// Headers `N + 1 ..= F` in order, SCALE-encoded (empty when `F = N`).
	pub headers: Vec<Hex>,
	/// The GRANDPA justification of `F`, SCALE-encoded.
	pub justification: Hex,
}

/// Bytes as `0x`-prefixed hex in JSON.
#[derive(Clone, PartialEq, Eq)]
pub struct Hex(pub Vec<u8>);

impl core::fmt::Debug for Hex {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		write!(f, "0x{}", hex::encode(&self.0))
	}
}

impl AsRef<[u8]> for Hex {
	fn as_ref(&self) -> &[u8] {
		&self.0
	}
}

impl Serialize for Hex {
	fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
		serializer.serialize_str(&format!("0x{}", hex::encode(&self.0)))
	}
}

impl<'de> Deserialize<'de> for Hex {
	fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
		let text = String::deserialize(deserializer)?;
		let digits = text.strip_prefix("0x").ok_or_else(|| serde::de::Error::custom("hex must start with 0x"))?;
		hex::decode(digits).map(Hex).map_err(|e| serde::de::Error::custom(format!("bad hex: {e}")))
	}
}

impl Bundle {
	/// A bundle from JSON, with its sizes bounded before anything is checked.
	pub fn from_json(json: &[u8]) -> Result<Bundle, String> {
		if json.len() > MAX_BUNDLE_BYTES {
			return Err(format!("the bundle is {} bytes, more than the {MAX_BUNDLE_BYTES} a verifier reads", json.len()));
		}
		let bundle: Bundle = serde_json::from_slice(json).map_err(|e| format!("the bundle is not valid JSON: {e}"))?;
		if bundle.format != FORMAT {
			return Err(format!("the bundle is in format {}; this verifier reads format {FORMAT}", bundle.format));
		}
		let bound = |what: &str, len: usize, max: usize| {
			(len <= max).then_some(()).ok_or_else(|| format!("the bundle has {len} {what}, more than {max}"))
		};
		bound("finality headers", bundle.finality.headers.len(), MAX_FINALITY_HEADERS)?;
		bound("later records", bundle.later_records.len(), MAX_LATER_RECORDS)?;
		bound("nodes in the extrinsic's proof", bundle.extrinsic.proof.len(), MAX_PROOF_NODES)?;
		bound("nodes in the head's proof before", bundle.head_before.len(), MAX_PROOF_NODES)?;
		bound("nodes in the head's proof after", bundle.head_after.len(), MAX_PROOF_NODES)?;
		Ok(bundle)
	}

	/// The bundle as JSON.
	pub fn to_json(&self) -> String {
		serde_json::to_string_pretty(self).expect("a bundle serializes")
	}
}
