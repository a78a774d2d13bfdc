//! A block as archived: the SCALE encoding of header and extrinsics. Every copy is checked
//! before it is stored and before it is served: its header must hash to the block's hash (which
//! the node knows from its own header chain, verified by consensus), and its extrinsics must
//! hash to the header's extrinsics root — so a corrupt or forged body is always caught.

use codec::{DecodeAll, Encode};
use sp_core::H256;
use sp_runtime::{
	traits::{BlakeTwo256, Hash as _},
	OpaqueExtrinsic, StateVersion,
};

pub use cinechain_runtime::opaque::Block;

/// Why a copy of a block was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BadBlock {
	/// The bytes are not a block.
	Undecodable,
	/// The bytes decode to the block but are not its canonical encoding (every archived copy
	/// is, so that proofs of possession computed from two copies agree).
	NotCanonical,
	/// The header hashes to something else: another block, or a damaged header.
	WrongHash { found: H256 },
	/// The extrinsics do not match the header's extrinsics root: a damaged or altered body.
	WrongBody,
	/// The right block filed under another number.
	WrongNumber { found: u32 },
}

impl core::fmt::Display for BadBlock {
	fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
		match self {
			Self::Undecodable => write!(f, "not a SCALE-encoded block"),
			Self::NotCanonical => write!(f, "not the canonical encoding of the block"),
			Self::WrongHash { found } => write!(f, "header hashes to {found:?}"),
			Self::WrongBody => write!(f, "extrinsics do not match the header's extrinsics root"),
			Self::WrongNumber { found } => write!(f, "it is block #{found}"),
		}
	}
}

/// Decodes `bytes` and checks that they are the block with hash `expected`.
pub fn check(bytes: &[u8], expected: &H256) -> Result<Block, BadBlock> {
	let block = Block::decode_all(&mut &bytes[..]).map_err(|_| BadBlock::Undecodable)?;
	if block.encode() != bytes {
		return Err(BadBlock::NotCanonical);
	}
	let found = block.header.hash();
	if found != *expected {
		return Err(BadBlock::WrongHash { found });
	}
	let extrinsics: Vec<Vec<u8>> = block.extrinsics.iter().map(Encode::encode).collect();
	// The root's trie layout follows the runtime's `system_version` (V0 up to 1, V1 after);
	// a body matching either layout is the one the header commits to.
	let matches = [StateVersion::V0, StateVersion::V1]
		.into_iter()
		.any(|version| BlakeTwo256::ordered_trie_root(extrinsics.clone(), version) == block.header.extrinsics_root);
	if matches {
		Ok(block)
	} else {
		Err(BadBlock::WrongBody)
	}
}

/// An extrinsic's hash, as wallets and `author_submitExtrinsic` report it.
pub fn extrinsic_hash(extrinsic: &OpaqueExtrinsic) -> H256 {
	BlakeTwo256::hash(&extrinsic.encode())
}

/// Valid blocks made up from nothing, for tests and benchmarks (`bench-planner`): they pass
/// [`check`], so a store holds them like real ones.
pub mod synthetic {
	use super::*;
	use cinechain_runtime::opaque::Header;
	use sp_runtime::traits::Header as _;

	/// A block at `number` whose header commits to `extrinsics` (V0 layout, as the runtime's).
	pub fn block_with(number: u32, extrinsics: Vec<Vec<u8>>) -> (H256, Vec<u8>) {
		let extrinsics: Vec<OpaqueExtrinsic> = extrinsics
			.into_iter()
			.map(|body| OpaqueExtrinsic::try_from_encoded_extrinsic(&body.encode()).expect("length and body"))
			.collect();
		let root = BlakeTwo256::ordered_trie_root(extrinsics.iter().map(Encode::encode).collect(), StateVersion::V0);
		let header = Header::new(number, root, H256::repeat_byte(1), H256::repeat_byte(number as u8), Default::default());
		let block = Block { header, extrinsics };
		(block.header.hash(), block.encode())
	}
}

#[cfg(test)]
pub(crate) mod tests {
	use super::*;
	pub use super::synthetic::block_with;

	#[test]
	fn a_good_copy_passes_and_any_damage_is_caught() {
		let (hash, bytes) = block_with(7, vec![vec![1; 40], vec![2; 300]]);
		let block = check(&bytes, &hash).unwrap();
		assert_eq!(block.extrinsics.len(), 2);
		assert_eq!(check(&bytes, &H256::zero()), Err(BadBlock::WrongHash { found: hash }));
		assert_eq!(check(&bytes[..bytes.len() - 1], &hash), Err(BadBlock::Undecodable));
		// Flip one byte of the last extrinsic: same header, different body.
		let mut damaged = bytes.clone();
		let last = damaged.len() - 5;
		damaged[last] ^= 0xff;
		assert_eq!(check(&damaged, &hash), Err(BadBlock::WrongBody));
		// A byte more at the end is not the block either.
		let mut longer = bytes.clone();
		longer.push(0);
		assert_eq!(check(&longer, &hash), Err(BadBlock::Undecodable));
		// The same block with its extrinsic count in a wider compact form than needed (two
		// bytes for 2, the mode for 64 and up): it decodes, but it is not the archived form.
		let header_len = block.header.encode().len();
		assert_eq!(bytes[header_len], 2 << 2, "the one-byte compact count");
		let mut wide = bytes[..header_len].to_vec();
		wide.extend([(2 << 2) | 0b01, 0]);
		wide.extend(&bytes[header_len + 1..]);
		assert!(matches!(check(&wide, &hash), Err(BadBlock::Undecodable | BadBlock::NotCanonical)));
	}

	#[test]
	fn an_extrinsic_hash_is_the_hash_of_its_encoding() {
		let (_, bytes) = block_with(1, vec![vec![9; 10]]);
		let block = Block::decode_all(&mut &bytes[..]).unwrap();
		let mut encoded = codec::Compact(10u32).encode();
		encoded.extend([9; 10]);
		assert_eq!(extrinsic_hash(&block.extrinsics[0]), BlakeTwo256::hash(&encoded));
	}
}
