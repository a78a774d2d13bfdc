//! Merkle proofs of one entry of an ordered trie: the trie Substrate builds over a block's
//! extrinsics, whose root is the header's `extrinsics_root`.
//!
//! In that trie entry `i` is stored under the key `compact(i)` (the SCALE compact encoding of
//! `i`), its value is the extrinsic's bytes as the block hashes them (with their compact length
//! prefix), and the nodes are Substrate's radix-16 trie nodes hashed with BLAKE2-256.
//!
//! Why this module builds the trie itself: smoldot can compute the root
//! ([`smoldot::trie::ordered_root`]) and decode a proof ([`proof_decode`]), but it has no
//! "prove entry `i` of this list" — its [`smoldot::trie::proof_encode`] builder expects to be fed
//! node values it got from elsewhere (a database), and a block body has none. So the prover lays
//! out the keys with smoldot's [`trie_structure::TrieStructure`], encodes every node with
//! smoldot's [`trie_node`] codec, and keeps the node values along one key's path. The verifier
//! ([`ordered_entry`]) uses only smoldot's proof decoder, so the two sides do not share the code
//! that could be wrong in the same way: a proof built here is checked by an independent reading
//! of the format.
//!
//! Which [`TrieEntryVersion`] a chain's extrinsics root uses follows its runtime's
//! `system_version`: V0 up to 1 (cinechain's today), V1 from 2, where values of 33 bytes or more
//! are stored as their hash. Both are supported so that a runtime upgrade does not invalidate the
//! prover; the verifier does not need to be told, since the root commits to the layout.

use crate::prelude::*;
pub use smoldot::trie::TrieEntryVersion;
use smoldot::trie::{self, all_nibbles, bytes_to_nibbles, proof_decode, trie_node, trie_structure, HashFunction, Nibble};

/// In a V1 trie, values at least this long are stored as their BLAKE2-256 hash instead of inline
/// (Substrate's `TRIE_VALUE_NODE_THRESHOLD`; smoldot's root calculation uses the same bound).
const V1_HASHED_VALUE_MIN_LEN: usize = 33;

/// A node's Merkle value is its node value itself when shorter than this, and the node value's
/// hash otherwise (the root's is always hashed). Short children are thus inlined into their
/// parent's node value, and must not appear in a proof on their own: smoldot refuses a proof
/// that carries an inlined node as a separate entry.
const HASHED_NODE_MIN_LEN: usize = 32;

/// The root of the ordered trie of `entries` (entry `i` under key `compact(i)`), hashed with
/// BLAKE2-256: for a block's extrinsics, the header's `extrinsics_root`.
///
/// A thin wrapper over [`smoldot::trie::ordered_root`], so that the prover, the verifier and the
/// tests agree on the hash function in one place. An empty list gives the empty trie's root.
pub fn ordered_root(version: TrieEntryVersion, entries: &[impl AsRef<[u8]>]) -> [u8; 32] {
	trie::ordered_root(version, HashFunction::Blake2, entries)
}

/// The proof that `entries[index]` is entry `index` of the ordered trie whose root is
/// [`ordered_root`]`(version, entries)`: the node values on the path from the root to the entry's
/// node, root first, followed — in a V1 trie where the entry's value is stored as its hash — by
/// the value itself, as Substrate's storage proofs carry it.
///
/// Nodes short enough to be inlined in their parent are not listed on their own (their bytes are
/// already inside the parent's node value). Pass the result to [`encode_proof`] to get the form
/// smoldot's [`proof_decode`] reads, or to [`ordered_entry`] directly.
///
/// `None` if `index` is out of range (including when `entries` is empty). The whole trie is
/// built, so the cost is that of hashing every entry once, like computing the root.
pub fn ordered_proof(version: TrieEntryVersion, entries: &[impl AsRef<[u8]>], index: usize) -> Option<Vec<Vec<u8>>> {
	if index >= entries.len() {
		return None;
	}
	let mut trie = build(version, entries)?;

	// The key's node, then its ancestors up to the root.
	let key = compact(index);
	let target = trie.node_by_full_key(bytes_to_nibbles(key.iter().copied()))?;
	let mut path = Vec::new();
	let mut node = trie.node_by_index(target);
	while let Some(current) = node {
		path.push(current.node_index());
		node = current.into_parent();
	}
	path.reverse();

	let mut proof: Vec<Vec<u8>> = path
		.iter()
		.enumerate()
		.filter(|(depth, at)| *depth == 0 || trie[**at].node_value.len() >= HASHED_NODE_MIN_LEN)
		.map(|(_, at)| trie[*at].node_value.clone())
		.collect();
	let value = entries[index].as_ref();
	if value_is_hashed(version, value) {
		proof.push(value.to_vec());
	}
	Some(proof)
}

/// The SCALE encoding of `nodes` as a `Vec<Vec<u8>>` (compact count, then each node as compact
/// length and bytes): the `proof` that [`proof_decode::decode_and_verify_proof`] takes, and the
/// form Substrate's RPCs and networking exchange proofs in.
pub fn encode_proof(nodes: &[impl AsRef<[u8]>]) -> Vec<u8> {
	let len = nodes.iter().map(|node| node.as_ref().len() + 9).sum::<usize>() + 9;
	let mut out = Vec::with_capacity(len);
	out.extend_from_slice(&compact(nodes.len()));
	for node in nodes {
		let node = node.as_ref();
		out.extend_from_slice(&compact(node.len()));
		out.extend_from_slice(node);
	}
	out
}

/// The verifier's side: the value that `proof_nodes` prove is stored as entry `index` of the
/// ordered trie whose root is `root`.
///
/// Everything but `root` may come from an adversary. The proof is decoded and checked by smoldot
/// alone ([`proof_decode::decode_and_verify_proof`]): every node must hash into its parent up to
/// `root`, and the value is read from the node at key `compact(index)`. A proof that does not
/// connect to `root`, stops short of the entry, or shows that there is no such entry is refused
/// with the reason in plain English.
pub fn ordered_entry(root: &[u8; 32], proof_nodes: &[impl AsRef<[u8]>], index: usize) -> Result<Vec<u8>, String> {
	let decoded = proof_decode::decode_and_verify_proof(proof_decode::Config { proof: encode_proof(proof_nodes) })
		.map_err(|e| format!("the proof does not decode: {e}"))?;
	// Checked first so that a proof of another trie gets its own reason rather than "does not
	// reach", which smoldot also answers when the root is missing altogether.
	if decoded.trie_root_proof_entry(root).is_none() {
		return Err(format!("the proof does not contain the trie root 0x{}", hex::encode(root)));
	}
	match decoded.storage_value(root, &compact(index)) {
		Ok(Some((value, _version))) => Ok(value.to_vec()),
		Ok(None) => Err(format!("entry {index} is absent from the trie")),
		Err(_) => Err(format!("the proof does not reach entry {index}")),
	}
}

/// What the prover keeps about each node of the trie it builds.
#[derive(Default)]
struct Node {
	/// The index of the entry stored here; `None` for a branch node (a shared key prefix).
	entry: Option<usize>,
	/// The node's encoding, which the proof carries.
	node_value: Vec<u8>,
	/// What the parent's node value holds for this node: the node value if short, else its hash.
	merkle_value: Vec<u8>,
}

/// The trie of `entries`, with every node's node value and Merkle value filled in.
///
/// `None` only if smoldot refuses to encode a node, which a trie built from distinct keys cannot
/// cause; the prover then answers "no proof" rather than panicking.
fn build(version: TrieEntryVersion, entries: &[impl AsRef<[u8]>]) -> Option<trie_structure::TrieStructure<Node>> {
	let mut trie = trie_structure::TrieStructure::with_capacity(entries.len().saturating_mul(2));
	for index in 0..entries.len() {
		let key = compact(index);
		// Keys are distinct, so every entry is vacant; the structure adds branch nodes itself.
		if let trie_structure::Entry::Vacant(vacant) = trie.node(bytes_to_nibbles(key.iter().copied())) {
			vacant.insert_storage_value().insert(Node { entry: Some(index), ..Node::default() }, Node::default());
		}
	}

	// In lexicographic order a node comes before its descendants, so the reverse order visits
	// children first: each node's children already have their Merkle values when it is encoded.
	let order: Vec<trie_structure::NodeIndex> = trie.iter_ordered().collect();
	for at in order.into_iter().rev() {
		let mut node = trie.node_by_index(at)?;
		let is_root = node.is_root_node();
		let partial_key: Vec<Nibble> = node.partial_key().collect();
		let children: Vec<Option<Vec<u8>>> =
			all_nibbles().map(|nibble| node.child_user_data(nibble).map(|child| child.merkle_value.clone())).collect();
		let entry = node.user_data().entry;

		let value = entry.and_then(|index| entries.get(index)).map(AsRef::as_ref);
		let value_hash = value.filter(|value| value_is_hashed(version, value)).map(sp_crypto_hashing::blake2_256);
		let storage_value = match (value, &value_hash) {
			(_, Some(hash)) => trie_node::StorageValue::Hashed(hash),
			(Some(value), None) => trie_node::StorageValue::Unhashed(value),
			(None, None) => trie_node::StorageValue::None,
		};
		let node_value = trie_node::encode_to_vec(trie_node::Decoded {
			partial_key: partial_key.iter().copied(),
			children: core::array::from_fn(|n| children.get(n).and_then(|child| child.as_deref())),
			storage_value,
		})
		.ok()?;

		let merkle_value = if is_root || node_value.len() >= HASHED_NODE_MIN_LEN {
			sp_crypto_hashing::blake2_256(&node_value).to_vec()
		} else {
			node_value.clone()
		};
		let data = &mut trie[at];
		data.node_value = node_value;
		data.merkle_value = merkle_value;
	}
	Some(trie)
}

/// Whether a V1 trie stores `value` as its hash (a V0 trie never does).
fn value_is_hashed(version: TrieEntryVersion, value: &[u8]) -> bool {
	version == TrieEntryVersion::V1 && value.len() >= V1_HASHED_VALUE_MIN_LEN
}

/// The SCALE compact encoding of `n`: the trie key of entry `n`, and the length prefixes of a
/// proof. smoldot has its own but does not export it, and this crate avoids `parity-scale-codec`.
fn compact(n: usize) -> Vec<u8> {
	let n = n as u64;
	if n < 1 << 6 {
		vec![(n as u8) << 2]
	} else if n < 1 << 14 {
		(((n as u16) << 2) | 0b01).to_le_bytes().to_vec()
	} else if n < 1 << 30 {
		(((n as u32) << 2) | 0b10).to_le_bytes().to_vec()
	} else {
		// Big-integer mode: a byte giving the length (4 or more bytes), then the bytes, little
		// endian, without the high zero bytes.
		let bytes = n.to_le_bytes();
		let len = (8 - n.leading_zeros() as usize / 8).max(4);
		let mut out = Vec::with_capacity(1 + len);
		out.push((((len - 4) as u8) << 2) | 0b11);
		out.extend_from_slice(&bytes[..len]);
		out
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	const VERSIONS: [TrieEntryVersion; 2] = [TrieEntryVersion::V0, TrieEntryVersion::V1];
	const COUNTS: [usize; 5] = [1, 2, 3, 17, 130];
	/// Around the two thresholds: 32 (a node value's hashing) and 33 (a V1 value's hashing).
	const SIZES: [usize; 5] = [1, 31, 32, 33, 200];

	/// `count` distinct entries of `size` bytes each (distinct because the first byte is the
	/// index, and `count` stays below 256).
	fn entries(count: usize, size: usize) -> Vec<Vec<u8>> {
		(0..count).map(|i| (0..size).map(|b| (i as u8).wrapping_add((b as u8).wrapping_mul(7))).collect()).collect()
	}

	fn cases() -> impl Iterator<Item = (TrieEntryVersion, Vec<Vec<u8>>)> {
		VERSIONS.into_iter().flat_map(|version| {
			COUNTS.into_iter().flat_map(move |count| SIZES.into_iter().map(move |size| (version, entries(count, size))))
		})
	}

	#[test]
	fn compact_matches_scale() {
		let known: [(usize, &str); 10] = [
			(0, "00"),
			(1, "04"),
			(42, "a8"),
			(63, "fc"),
			(64, "0101"),
			(69, "1501"),
			(16383, "fdff"),
			(16384, "02000100"),
			(65535, "feff0300"),
			(1 << 30, "0300000040"),
		];
		for (n, encoded) in known {
			assert_eq!(hex::encode(compact(n)), encoded, "compact({n})");
		}
		assert_eq!(hex::encode(compact(100_000_000_000_000)), "0b00407a10f35a");
		assert_eq!(hex::encode(compact(u64::MAX as usize)), "13ffffffffffffffff");
	}

	#[test]
	fn encode_proof_is_a_scale_vec_of_vecs() {
		assert_eq!(encode_proof(&[] as &[&[u8]]), vec![0]);
		assert_eq!(encode_proof(&[&[1u8, 2][..], &[][..]]), vec![8, 8, 1, 2, 0]);
		let nodes = [vec![7u8; 70], vec![9u8; 3]];
		let encoded = encode_proof(&nodes);
		let decoded: Vec<&[u8]> = proof_decode::decode_proof(&encoded).unwrap().collect();
		assert_eq!(decoded, vec![&nodes[0][..], &nodes[1][..]]);
	}

	/// Substrate's empty trie root, `blake2_256([0])`, which every empty storage trie has.
	#[test]
	fn empty_list() {
		let none: [&[u8]; 0] = [];
		for version in VERSIONS {
			assert_eq!(
				hex::encode(ordered_root(version, &none)),
				"03170a2e7597b7b7e3d84c05391d139a62b157e78786d8c082f29dcf4c111314"
			);
			assert_eq!(ordered_proof(version, &none, 0), None);
		}
	}

	/// The prover's own trie hashes to smoldot's `ordered_root`: both sides read the same format.
	#[test]
	fn prover_trie_has_smoldots_root() {
		for (version, entries) in cases() {
			let mut trie = build(version, &entries).unwrap();
			let root = trie.root_node().unwrap().node_index();
			assert_eq!(trie[root].merkle_value, ordered_root(version, &entries).to_vec());
		}
	}

	#[test]
	fn every_entry_proves() {
		for (version, entries) in cases() {
			let root = ordered_root(version, &entries);
			for (index, entry) in entries.iter().enumerate() {
				let proof = ordered_proof(version, &entries, index).unwrap();
				assert_eq!(ordered_entry(&root, &proof, index).as_ref(), Ok(entry), "{version:?} {} {index}", entries.len());
				let hashed = usize::from(value_is_hashed(version, entry));
				assert!(proof.len() > hashed, "the root node is always carried");
				assert_eq!(proof.last() == Some(entry), hashed == 1, "a V1 hashed value is carried, nothing else");
			}
			assert_eq!(ordered_proof(version, &entries, entries.len()), None);
			assert_eq!(ordered_proof(version, &entries, usize::MAX), None);
		}
	}

	/// Whatever byte of whatever node is damaged, the proof no longer yields the entry.
	#[test]
	fn damaged_proofs_fail() {
		for (version, entries) in cases() {
			let root = ordered_root(version, &entries);
			for (index, entry) in entries.iter().enumerate() {
				let proof = ordered_proof(version, &entries, index).unwrap();
				for node in 0..proof.len() {
					let len = proof[node].len();
					for byte in [0, len / 2, len - 1] {
						for flip in [0x01, 0x80, 0xff] {
							let mut damaged = proof.clone();
							damaged[node][byte] ^= flip;
							let result = ordered_entry(&root, &damaged, index);
							assert!(
								result.as_ref() != Ok(entry),
								"{version:?} {} entries, index {index}: node {node} byte {byte} ^ {flip:#x} still proves",
								entries.len()
							);
						}
					}
				}
				// Dropping a node, or adding one that is not on the path, is refused too.
				for node in 0..proof.len() {
					let mut short = proof.clone();
					short.remove(node);
					assert!(ordered_entry(&root, &short, index).is_err(), "{version:?} index {index} without node {node}");
				}
				let mut padded = proof.clone();
				padded.push(b"not a trie node of this block".to_vec());
				assert!(ordered_entry(&root, &padded, index).is_err());
			}
		}
	}

	/// A proof for entry `j` never makes entry `j`'s value pass for entry `i`: asked about `i`,
	/// it yields `i`'s true value (when the path to `i` happens to be inside it) or nothing.
	#[test]
	fn proof_of_one_entry_is_not_a_proof_of_another() {
		for (version, entries) in cases() {
			let root = ordered_root(version, &entries);
			let proofs: Vec<_> = (0..entries.len()).map(|j| ordered_proof(version, &entries, j).unwrap()).collect();
			for (j, proof) in proofs.iter().enumerate() {
				for i in (0..entries.len()).filter(|i| *i != j) {
					if let Ok(value) = ordered_entry(&root, proof, i) {
						assert_eq!(value, entries[i], "{version:?} {} entries: proof of {j} asked for {i}", entries.len());
					}
				}
				// Past the end there is no entry, and the proof cannot say otherwise.
				assert!(ordered_entry(&root, proof, entries.len()).is_err());
			}
		}
	}

	#[test]
	fn refusals_say_why() {
		let entries = entries(17, 40);
		let root = ordered_root(TrieEntryVersion::V0, &entries);
		let proof = ordered_proof(TrieEntryVersion::V0, &entries, 3).unwrap();
		assert_eq!(ordered_entry(&root, &proof, 3), Ok(entries[3].clone()));

		// Entry 5 hangs off the same root, but its branch is not in the proof of entry 3.
		assert_eq!(ordered_entry(&root, &proof, 5), Err("the proof does not reach entry 5".into()));

		let other = ordered_root(TrieEntryVersion::V0, &entries[..16]);
		assert!(ordered_entry(&other, &proof, 3).unwrap_err().starts_with("the proof does not contain the trie root"));
		assert!(ordered_entry(&root, &[] as &[Vec<u8>], 3).unwrap_err().starts_with("the proof does not contain the trie root"));

		let mut duplicated = proof.clone();
		duplicated.push(proof[0].clone());
		assert!(ordered_entry(&root, &duplicated, 3).unwrap_err().starts_with("the proof does not decode"));

		// A one-entry trie is a single leaf under key compact(0) = [0x00]; its node alone shows
		// that key compact(5) = [0x14] holds nothing.
		let one = entries[..1].to_vec();
		let root = ordered_root(TrieEntryVersion::V0, &one);
		let proof = ordered_proof(TrieEntryVersion::V0, &one, 0).unwrap();
		assert_eq!(ordered_entry(&root, &proof, 5), Err("entry 5 is absent from the trie".into()));
	}
}
