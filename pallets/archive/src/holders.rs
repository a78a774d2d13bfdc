//! The holder rule: which `R` members of a cluster keep a block. A plain function of the block's
//! hash and the cluster's online members, so every node (and the runtime API) computes the same
//! answer without talking to anyone.
//!
//! **Rendezvous hashing** (highest random weight): each member scores `blake2(hash ‖ node id)`,
//! and the best-scoring members hold the block — first the best of each zone while zones remain
//! unused (so copies sit on different network segments where the cluster has them), then the
//! next best regardless of zone. Chosen over the patent's `hash mod K` rule because it moves as
//! little as possible: when a member leaves, only the blocks it held get a new holder (one each);
//! when a member joins, a block either keeps its holders or the newcomer replaces one of them —
//! where `hash mod K` reshuffles almost every block when `K` changes. The cost, scoring every
//! member per block, is trivial for clusters of tens of members.

use alloc::vec::Vec;

/// A node's number in the registry.
pub type NodeId = u32;

/// A cluster member as the rule sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Member {
	pub node: NodeId,
	/// The network segment the node stands in.
	pub zone: u16,
}

/// The score of `node` for the block with hash `hash`.
pub fn score(hash: &[u8; 32], node: NodeId) -> u64 {
	let mut input = [0u8; 36];
	input[..32].copy_from_slice(hash);
	input[32..].copy_from_slice(&node.to_le_bytes());
	let digest = sp_io::hashing::blake2_128(&input);
	u64::from_le_bytes(digest[..8].try_into().expect("16 bytes"))
}

/// The members (at most `r`) that hold the block with hash `hash`, best first.
pub fn holders(hash: &[u8; 32], members: &[Member], r: usize) -> Vec<NodeId> {
	let mut ranked: Vec<(u64, Member)> = members.iter().map(|m| (score(hash, m.node), *m)).collect();
	// Ties (vanishingly rare) break by node id, so the order is total and the same everywhere.
	ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.node.cmp(&b.1.node)));
	let mut chosen: Vec<NodeId> = Vec::with_capacity(r);
	let mut zones: Vec<u16> = Vec::with_capacity(r);
	for (_, member) in &ranked {
		if chosen.len() == r {
			break;
		}
		if !zones.contains(&member.zone) {
			chosen.push(member.node);
			zones.push(member.zone);
		}
	}
	for (_, member) in &ranked {
		if chosen.len() == r {
			break;
		}
		if !chosen.contains(&member.node) {
			chosen.push(member.node);
		}
	}
	chosen
}

/// The holders when some members are `suspects`: they failed a proof of possession, so they are
/// not trusted to hold what they claim. The `r` holders among the other members, then any suspect
/// the plain rule names: a suspect keeps holding its own share, so a false suspicion costs extra
/// copies and never a block (a member drops a copy only once `r` holders have proven theirs).
pub fn holders_trusting(hash: &[u8; 32], members: &[Member], r: usize, suspects: &[NodeId]) -> Vec<NodeId> {
	if suspects.is_empty() {
		return holders(hash, members, r);
	}
	let trusted: Vec<Member> = members.iter().filter(|m| !suspects.contains(&m.node)).copied().collect();
	let mut chosen = holders(hash, &trusted, r);
	chosen.extend(holders(hash, members, r).into_iter().filter(|node| suspects.contains(node)));
	chosen
}

#[cfg(test)]
mod tests {
	use super::*;
	use proptest::prelude::*;

	fn hash(i: u32) -> [u8; 32] {
		sp_io::hashing::blake2_256(&i.to_le_bytes())
	}

	fn cluster(zones: &[u16]) -> Vec<Member> {
		zones.iter().enumerate().map(|(i, zone)| Member { node: i as NodeId * 7 + 1, zone: *zone }).collect()
	}

	#[test]
	fn every_block_has_r_distinct_holders_and_the_load_is_even() {
		let members = cluster(&[0, 1, 2, 3, 4]);
		let mut load = [0u32; 5];
		for i in 0..5_000 {
			let chosen = holders(&hash(i), &members, 2);
			assert_eq!(chosen.len(), 2);
			assert_ne!(chosen[0], chosen[1]);
			for node in chosen {
				load[members.iter().position(|m| m.node == node).unwrap()] += 1;
			}
		}
		// Each member holds about R/K = 2/5 of 5,000 blocks: 2,000, within 5%.
		for held in load {
			assert!((1_900..=2_100).contains(&held), "uneven load: {load:?}");
		}
	}

	#[test]
	fn copies_go_to_different_zones_where_there_are_any() {
		let members = cluster(&[0, 0, 0, 1, 1]);
		for i in 0..1_000 {
			let chosen = holders(&hash(i), &members, 2);
			let zones: Vec<u16> =
				chosen.iter().map(|n| members.iter().find(|m| m.node == *n).unwrap().zone).collect();
			assert_ne!(zones[0], zones[1], "block {i}: both copies in zone {}", zones[0]);
		}
		// One zone only: still R copies.
		assert_eq!(holders(&hash(1), &cluster(&[3, 3, 3]), 2).len(), 2);
		// Fewer members than R: every member.
		assert_eq!(holders(&hash(1), &cluster(&[0]), 2).len(), 1);
		assert!(holders(&hash(1), &[], 2).is_empty());
	}

	proptest! {
		#[test]
		fn a_leaving_member_moves_only_its_own_blocks(
			zones in proptest::collection::vec(0u16..3, 2..12),
			leaving in 0usize..12,
			r in 1usize..4,
			block in any::<u32>(),
		) {
			let members = cluster(&zones);
			let leaving = members[leaving % members.len()].node;
			let before = holders(&hash(block), &members, r);
			let rest: Vec<Member> = members.iter().copied().filter(|m| m.node != leaving).collect();
			let after = holders(&hash(block), &rest, r);
			if before.contains(&leaving) {
				// One new holder takes the leaver's copy; the others keep theirs.
				let kept = before.iter().filter(|n| **n != leaving && after.contains(n)).count();
				prop_assert_eq!(kept, before.len() - 1);
			} else {
				prop_assert_eq!(after, before);
			}
		}

		#[test]
		fn a_joining_member_takes_blocks_only_for_itself(
			zones in proptest::collection::vec(0u16..3, 1..12),
			zone in 0u16..4,
			r in 1usize..4,
			block in any::<u32>(),
		) {
			let members = cluster(&zones);
			let before = holders(&hash(block), &members, r);
			let newcomer = Member { node: 1_000_000, zone };
			let mut grown = members.clone();
			grown.push(newcomer);
			let after = holders(&hash(block), &grown, r);
			for node in &after {
				prop_assert!(before.contains(node) || *node == newcomer.node);
			}
			// At most one old holder gives its copy up.
			let dropped = before.iter().filter(|n| !after.contains(n)).count();
			prop_assert!(dropped <= 1);
		}

		#[test]
		fn suspects_only_add_holders_and_r_trusted_ones_remain(
			zones in proptest::collection::vec(0u16..3, 1..12),
			suspected in proptest::collection::vec(any::<bool>(), 12),
			r in 1usize..4,
			block in any::<u32>(),
		) {
			let members = cluster(&zones);
			let suspects: Vec<NodeId> =
				members.iter().zip(&suspected).filter(|(_, s)| **s).map(|(m, _)| m.node).collect();
			let plain = holders(&hash(block), &members, r);
			let chosen = holders_trusting(&hash(block), &members, r, &suspects);
			// Every holder of the plain rule still holds: a suspicion never frees a copy.
			for node in &plain {
				prop_assert!(chosen.contains(node));
			}
			// As many trusted holders as there are trusted members, up to R.
			let trusted = chosen.iter().filter(|n| !suspects.contains(n)).count();
			prop_assert_eq!(trusted, r.min(members.len() - suspects.len()));
			let mut unique = chosen.clone();
			unique.sort_unstable();
			unique.dedup();
			prop_assert_eq!(unique.len(), chosen.len());
		}
	}
}
