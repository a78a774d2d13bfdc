//! A cluster as the chain describes it, and what this node must fetch or may drop. Plain
//! functions of the chain's state, the same on every node: the holder rule itself is
//! `pallet_archive::holders`, the very code the runtime API runs.

use std::{collections::BTreeMap, ops::RangeInclusive};

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
	/// Members not trusted to hold what they claim: they failed a proof of possession (see
	/// [`holders::holders_trusting`]).
	pub suspects: Vec<NodeId>,
}

impl ClusterView {
	/// The members the holder rule counts.
	pub fn online(&self) -> Vec<Member> {
		pallet_archive::runtime_api::online(&self.members)
	}

	/// The members that hold the block with hash `hash`: `R` trusted ones, best first, then any
	/// suspect the plain rule names.
	pub fn holders(&self, hash: &H256) -> Vec<NodeId> {
		holders::holders_trusting(&hash.0, &self.online(), self.replication as usize, &self.suspects)
	}

	/// The members the chain's rule names for the block, suspects or not: whom an audit asks.
	pub fn named_holders(&self, hash: &H256) -> Vec<NodeId> {
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

/// Blocks are audited only once every holder has had time to store them: finalized at least
/// this many blocks after the online members last changed, and this many blocks ago.
pub const AUDIT_SETTLE: u32 = 5;

/// The blocks whose holders can be audited: those finalized while the cluster's online members
/// stayed as they are now (since `stable_since`), settled by [`AUDIT_SETTLE`] blocks at both ends.
/// Holders take such blocks as new ones, so a holder without one is not catching up after a
/// change of members: it dropped or never stored the block.
pub fn audit_range(stable_since: u32, finalized: u32) -> Option<RangeInclusive<u32>> {
	let from = stable_since.saturating_add(AUDIT_SETTLE).max(1);
	let to = finalized.checked_sub(AUDIT_SETTLE)?;
	(from <= to).then_some(from..=to)
}

/// Whether a surplus copy may be dropped, given how many of the block's holders (other than
/// this node) proved they hold it: only when `R` copies are proven.
pub fn may_drop(proven: usize, replication: u32) -> bool {
	proven >= replication as usize
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
		ClusterView { me, cluster: 0, members, replication: 2, suspects: Vec::new() }
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

	#[test]
	fn a_suspect_gets_a_trusted_stand_in_and_no_copy_becomes_surplus() {
		let chain = chain(300);
		let honest = view(Some(1), &[0, 1, 2, 3, 4], &[]);
		let held = holding(&honest, &chain);
		let mut wary = honest.clone();
		wary.suspects = vec![2];
		let plan = plan(&wary, &chain, &held);
		assert!(plan.surplus.is_empty(), "suspecting a member never frees a copy");
		assert!(!plan.fetch.is_empty(), "member 1 stands in for member 2 on some blocks");
		for (n, hash) in &plan.fetch {
			assert!(honest.holders(hash).contains(&2), "block {n} was not the suspect's");
			assert_eq!(wary.holders(hash).iter().filter(|h| **h != 2).count(), 2, "R trusted holders of {n}");
			assert!(wary.named_holders(hash).contains(&2), "audits still ask the suspect about {n}");
		}
	}

	#[test]
	fn audits_cover_settled_blocks_since_the_members_last_changed() {
		assert_eq!(audit_range(0, 4), None, "a young chain has nothing settled");
		assert_eq!(audit_range(0, 20), Some(5..=15));
		assert_eq!(audit_range(100, 104), None, "just after a change, nothing");
		assert_eq!(audit_range(100, 130), Some(105..=125));
		assert!(!may_drop(2, 3) && may_drop(3, 3));
	}
}
