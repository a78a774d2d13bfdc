//! A cluster as the chain describes it, and what this node must fetch or may drop. Plain
//! functions of the chain's state, the same on every node: the holder rule itself is
//! `pallet_archive::holders`, the very code the runtime API runs.

use std::collections::BTreeMap;

use pallet_archive::{
	holders::{self, Member},
	runtime_api::MemberInfo,
	ClusterId, NodeId,
};
use sp_core::H256;

use crate::store::Held;

/// A cluster seen from one node, at one finalized block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterView {
	/// This node, if it is a member of the cluster and the chain counts it online.
	pub me: Option<NodeId>,
	pub cluster: ClusterId,
	/// All members, in member-number order.
	pub members: Vec<MemberInfo>,
	/// Copies of each block (`R`).
	pub replication: u32,
}

impl ClusterView {
	/// The members the holder rule counts.
	pub fn online(&self) -> Vec<Member> {
		pallet_archive::runtime_api::online(&self.members)
	}

	/// The members that hold the block with hash `hash`, best first.
	pub fn holders(&self, hash: &H256) -> Vec<NodeId> {
		holders::holders(&hash.0, &self.online(), self.replication as usize)
	}

	/// Where member `node` serves queries.
	pub fn address(&self, node: NodeId) -> Option<String> {
		let member = self.members.iter().find(|m| m.node == node)?;
		String::from_utf8(member.address.to_vec()).ok()
	}

	/// Whom to ask for the block with hash `hash`: its holders first, then the other online
	/// members (a copy may still sit where the block was before the cluster changed). Never
	/// this node itself.
	pub fn sources(&self, hash: &H256) -> Vec<NodeId> {
		let mut sources = self.holders(hash);
		for member in self.online() {
			if !sources.contains(&member.node) {
				sources.push(member.node);
			}
		}
		sources.retain(|node| Some(*node) != self.me);
		sources
	}
}

/// What this node must do to hold exactly its share.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Plan {
	/// Blocks it must hold and does not: `(number, hash)`.
	pub fetch: Vec<(u32, H256)>,
	/// Blocks it holds but no longer must: dropped once their holders have them.
	pub surplus: Vec<(u32, H256)>,
	/// Copies of blocks that are not on the finalized chain (left from a fork or a wrong
	/// write): dropped at once.
	pub stale: Vec<u32>,
}

/// Compares what this node holds with its share of the finalized chain `canonical` (the hash of
/// block `n` at index `n`; genesis, whose body is empty and in every chain spec, is skipped).
pub fn plan(view: &ClusterView, canonical: &[H256], held: &BTreeMap<u32, Held>) -> Plan {
	let mut plan = Plan::default();
	let Some(me) = view.me else { return plan };
	for (number, hash) in canonical.iter().enumerate().skip(1) {
		let number = number as u32;
		let mine = view.holders(hash).contains(&me);
		match held.get(&number) {
			Some(copy) if copy.hash != *hash => {
				plan.stale.push(number);
				if mine {
					plan.fetch.push((number, *hash));
				}
			},
			Some(_) if !mine => plan.surplus.push((number, *hash)),
			None if mine => plan.fetch.push((number, *hash)),
			_ => {},
		}
	}
	plan.stale.extend(held.keys().filter(|n| **n as usize >= canonical.len()));
	plan
}

#[cfg(test)]
mod tests {
	use super::*;

	fn view(me: Option<NodeId>, online: &[NodeId], offline: &[NodeId]) -> ClusterView {
		let member = |node: NodeId, online: bool| MemberInfo {
			node,
			zone: node as u16,
			address: format!("http://127.0.0.1:{}", 9000 + node).into_bytes().try_into().unwrap(),
			online,
		};
		let mut members: Vec<MemberInfo> = online.iter().map(|n| member(*n, true)).collect();
		members.extend(offline.iter().map(|n| member(*n, false)));
		ClusterView { me, cluster: 0, members, replication: 2 }
	}

	fn chain(len: u32) -> Vec<H256> {
		(0..len).map(|n| H256::from_low_u64_be(n as u64 * 7919 + 1)).collect()
	}

	fn holding(view: &ClusterView, chain: &[H256]) -> BTreeMap<u32, Held> {
		plan(view, chain, &BTreeMap::new())
			.fetch
			.into_iter()
			.map(|(n, hash)| (n, Held { hash, bytes: 1 }))
			.collect()
	}

	#[test]
	fn five_members_hold_every_block_twice_and_about_two_fifths_each() {
		let chain = chain(1001);
		let shares: Vec<BTreeMap<u32, Held>> =
			(0..5).map(|me| holding(&view(Some(me), &[0, 1, 2, 3, 4], &[]), &chain)).collect();
		for n in 1..=1000 {
			assert_eq!(shares.iter().filter(|s| s.contains_key(&n)).count(), 2, "block {n}");
		}
		for share in &shares {
			assert!((350..=450).contains(&share.len()), "share {}", share.len());
		}
		assert!(shares.iter().all(|s| !s.contains_key(&0)), "genesis is not archived");
	}

	#[test]
	fn when_a_member_dies_the_others_fetch_only_its_blocks_and_drop_nothing() {
		let chain = chain(500);
		let before = view(Some(1), &[0, 1, 2, 3, 4], &[]);
		let held = holding(&before, &chain);
		let after = view(Some(1), &[0, 1, 3, 4], &[2]);
		let plan = plan(&after, &chain, &held);
		assert!(plan.surplus.is_empty() && plan.stale.is_empty());
		assert!(!plan.fetch.is_empty());
		for (n, hash) in &plan.fetch {
			assert!(before.holders(hash).contains(&2), "block {n} was not the dead member's");
		}
		// And when it comes back, this node gives back exactly what it took.
		let now_held: BTreeMap<u32, Held> =
			held.clone().into_iter().chain(plan.fetch.iter().map(|(n, hash)| (*n, Held { hash: *hash, bytes: 1 }))).collect();
		let back = super::plan(&before, &chain, &now_held);
		assert_eq!(back.surplus, plan.fetch);
		assert!(back.fetch.is_empty());
	}

	#[test]
	fn copies_off_the_finalized_chain_are_stale_and_refetched_if_ours() {
		let chain = chain(20);
		let view = view(Some(0), &[0, 1], &[]);
		let mut held = holding(&view, &chain);
		assert_eq!(held.len(), 19, "with two members and R = 2 both hold everything");
		held.insert(5, Held { hash: H256::repeat_byte(9), bytes: 1 });
		held.insert(40, Held { hash: H256::repeat_byte(8), bytes: 1 });
		let plan = plan(&view, &chain, &held);
		assert_eq!(plan.stale, vec![5, 40]);
		assert_eq!(plan.fetch, vec![(5, chain[5])]);
	}

	#[test]
	fn a_node_outside_the_cluster_or_offline_plans_nothing_and_is_never_asked() {
		let chain = chain(50);
		assert_eq!(plan(&view(None, &[0, 1, 2], &[]), &chain, &BTreeMap::new()), Plan::default());
		let view = view(Some(1), &[0, 1, 2], &[3]);
		let sources = view.sources(&chain[7]);
		assert_eq!(sources.len(), 2);
		assert!(!sources.contains(&1) && !sources.contains(&3));
		assert_eq!(view.address(2).as_deref(), Some("http://127.0.0.1:9002"));
	}
}
