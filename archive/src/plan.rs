//! A cluster as the chain describes it, and what this node must fetch or may drop. Plain
//! functions of the chain's state, the same on every node: the holder rule itself is
//! `pallet_archive::holders`, the very code the runtime API runs.
//!
//! [`plan`] compares the whole chain with the whole store: the rule, and the reference the
//! worker's [`Planner`] is tested against. The planner gets to the same answer with work that
//! grows with what happened since its last pass (new blocks, copies stored or dropped), not
//! with the chain; only a change of what the rule depends on ([`Basis`]) makes it go over the
//! whole chain again, a chunk at a time.

use std::{cell::RefCell, collections::BTreeMap, ops::RangeInclusive};

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

	/// Whom to ask for the block with hash `hash`: its holders first, then every other member
	/// (see [`Self::others`]). Never this node itself.
	pub fn sources(&self, hash: &H256) -> Vec<NodeId> {
		let mut sources = self.holders(hash);
		sources.retain(|node| Some(*node) != self.me);
		for node in self.others() {
			if !sources.contains(&node) {
				sources.push(node);
			}
		}
		sources
	}

	/// Every member but this node: the online ones, then those the chain marked offline. A copy
	/// may still sit where the block was before the cluster changed, and a member marked offline
	/// may still run and hold its copies (one late heartbeat, a restart within the grace period):
	/// when no online member has the block, it is the last place to find it.
	pub fn others(&self) -> Vec<NodeId> {
		let online = self.members.iter().filter(|m| m.online);
		let offline = self.members.iter().filter(|m| !m.online);
		online.chain(offline).map(|m| m.node).filter(|node| Some(*node) != self.me).collect()
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

/// What the holder rule decides this node's share with, besides each block's hash: this node,
/// the online members, `R` and the suspects (the inputs of [`ClusterView::holders`]). When it
/// changes, any block's holders may change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Basis {
	pub me: NodeId,
	pub online: Vec<Member>,
	pub replication: u32,
	pub suspects: Vec<NodeId>,
}

impl Basis {
	/// The basis of `view`; none when this node holds nothing (not a member, or offline).
	pub fn of(view: &ClusterView) -> Option<Self> {
		let (online, suspects) = (view.online(), view.suspects.clone());
		Some(Self { me: view.me?, online, replication: view.replication, suspects })
	}

	/// Whether this node is among the holders of the block with hash `hash` (the rule of
	/// [`ClusterView::holders`], with the online members worked out once).
	pub fn mine(&self, hash: &H256) -> bool {
		holders::holders_trusting(&hash.0, &self.online, self.replication as usize, &self.suspects).contains(&self.me)
	}
}

/// Blocks planned per step of a whole-chain plan. The rule costs about 0.25 µs a block and
/// member (`bench-planner`: 1.9 s for 1,000,000 blocks in a cluster of 8, 15 s in one of 64), so
/// a chunk is about 25 ms of work at 8 members (about 220 ms at 64) and the worker yields between
/// chunks; the store's lock is held only to look the chunk's numbers up (under 5 ms).
pub const PLAN_CHUNK: u32 = 10_000;

/// What the planner reads, a little at a time: on a node, the archive's finalized hashes and its
/// store, each locked for one call only; in tests and benchmarks, plain maps.
pub trait PlanInputs {
	/// The highest finalized block.
	fn tip(&self) -> u32;
	/// The finalized hashes of blocks `numbers` (all at or below [`Self::tip`]).
	fn hashes(&self, numbers: RangeInclusive<u32>) -> Vec<H256>;
	/// The numbers of the blocks stored or dropped since the last call.
	fn take_changed(&self) -> Vec<u32>;
	/// `f` on the blocks held.
	fn with_held<T>(&self, f: impl FnOnce(&BTreeMap<u32, Held>) -> T) -> T;
}

/// A store and a chain in memory, for tests and benchmarks: [`PlanInputs`] without locks.
#[derive(Debug, Default)]
pub struct InMemory {
	/// The finalized hashes, by number (genesis at 0).
	pub chain: Vec<H256>,
	pub held: RefCell<BTreeMap<u32, Held>>,
	pub changed: RefCell<Vec<u32>>,
}

impl InMemory {
	/// Stores a copy of block `number` with hash `hash`, as [`crate::store::ArchiveStore::put`]
	/// does.
	pub fn put(&self, number: u32, hash: H256) {
		self.held.borrow_mut().insert(number, Held { hash, bytes: 1 });
		self.changed.borrow_mut().push(number);
	}

	/// Drops the copy of block `number`, as [`crate::store::ArchiveStore::remove`] does.
	pub fn remove(&self, number: u32) {
		if self.held.borrow_mut().remove(&number).is_some() {
			self.changed.borrow_mut().push(number);
		}
	}
}

impl PlanInputs for InMemory {
	fn tip(&self) -> u32 {
		(self.chain.len() as u32).saturating_sub(1)
	}
	fn hashes(&self, numbers: RangeInclusive<u32>) -> Vec<H256> {
		self.chain[*numbers.start() as usize..=*numbers.end() as usize].to_vec()
	}
	fn take_changed(&self) -> Vec<u32> {
		std::mem::take(&mut *self.changed.borrow_mut())
	}
	fn with_held<T>(&self, f: impl FnOnce(&BTreeMap<u32, Held>) -> T) -> T {
		f(&self.held.borrow())
	}
}

/// What one planning step found.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Step {
	/// Copies that are not on the finalized chain, met in this step: to drop at once.
	pub stale: Vec<u32>,
	/// Whether the plan now reaches the finalized tip; if not, more steps follow.
	pub done: bool,
}

/// The worker's plan, kept between passes: what [`plan`] gives for the current chain and
/// store, brought up to date by steps whose work grows with what changed since the last one.
#[derive(Debug)]
pub struct Planner {
	/// The basis the plan stands on; none before the first step and while this node holds
	/// nothing.
	basis: Option<Basis>,
	/// Blocks `1..=planned` are planned on `basis`.
	planned: u32,
	/// Blocks to fetch and surplus copies, by number: [`Plan::fetch`] and [`Plan::surplus`].
	fetch: BTreeMap<u32, H256>,
	surplus: BTreeMap<u32, H256>,
	/// Where the next batch of surplus copies starts (see [`Self::surplus_batch`]).
	surplus_from: u32,
	/// Blocks a step plans at most (the last chunk of a whole-chain plan may be shorter).
	chunk: u32,
}

impl Default for Planner {
	fn default() -> Self {
		Self::with_chunk(PLAN_CHUNK)
	}
}

impl Planner {
	/// A planner that plans at most `chunk` blocks a step.
	pub fn with_chunk(chunk: u32) -> Self {
		let (fetch, surplus) = (BTreeMap::new(), BTreeMap::new());
		Self { basis: None, planned: 0, fetch, surplus, surplus_from: 0, chunk: chunk.max(1) }
	}

	/// One step towards the plan of `view` over what `inputs` show: first the blocks whose copy
	/// changed since the last step, then at most a chunk of blocks not planned yet (new ones, or
	/// the whole chain again when the basis changed). Call it until [`Step::done`]; the stale
	/// copies it returns must be dropped (once dropped, they leave the pending lists at the next
	/// step, as fetched and dropped copies do; a block whose fetch failed stays pending).
	pub fn step(&mut self, view: &ClusterView, inputs: &impl PlanInputs) -> Step {
		let changed = inputs.take_changed();
		let mut step = Step::default();
		if self.rebase(view) {
			// Everything is planned again; what changed is seen then.
		} else if let Some(basis) = &self.basis {
			let numbers: Vec<u32> = changed.into_iter().filter(|n| (1..=self.planned).contains(n)).collect();
			let blocks: Vec<(u32, H256, bool)> = numbers
				.into_iter()
				.filter_map(|n| {
					let hash = *inputs.hashes(n..=n).first()?;
					Some((n, hash, basis.mine(&hash)))
				})
				.collect();
			step.stale = inputs.with_held(|held| self.apply(&blocks, held));
		}
		if self.basis.is_none() {
			step.done = true;
			return step;
		}
		let tip = inputs.tip();
		let mut planned_to_tip = self.planned >= tip;
		if !planned_to_tip {
			let from = self.planned + 1;
			let hashes = inputs.hashes(from..=tip.min(self.planned.saturating_add(self.chunk)));
			let blocks = self.judge(from, &hashes);
			step.stale.extend(inputs.with_held(|held| self.apply(&blocks, held)));
			self.planned += hashes.len() as u32;
			// No hashes (inputs behind their own tip): the next pass goes on from here.
			planned_to_tip = self.planned >= tip || hashes.is_empty();
		}
		if planned_to_tip {
			step.done = true;
			step.stale.extend(inputs.with_held(|held| stale_above(tip, held)));
		}
		step
	}

	/// Takes the basis of `view`. If it is not the one planned on, the plan is dropped and the
	/// whole chain is planned again from block 1; returns whether it was.
	fn rebase(&mut self, view: &ClusterView) -> bool {
		let basis = Basis::of(view);
		if basis == self.basis && self.basis.is_some() {
			return false;
		}
		self.basis = basis;
		self.planned = 0;
		self.fetch.clear();
		self.surplus.clear();
		true
	}

	/// Blocks from `from` on with hashes `hashes`, with whether each is this node's: the holder
	/// rule, worked out before the store is looked at (it is the costly part).
	fn judge(&self, from: u32, hashes: &[H256]) -> Vec<(u32, H256, bool)> {
		let Some(basis) = &self.basis else { return Vec::new() };
		hashes.iter().enumerate().map(|(i, hash)| (from + i as u32, *hash, basis.mine(hash))).collect()
	}

	/// Plans `blocks` (`(number, hash, mine)`) against what is `held`, as [`plan`] does each
	/// block; returns the stale copies among them.
	fn apply(&mut self, blocks: &[(u32, H256, bool)], held: &BTreeMap<u32, Held>) -> Vec<u32> {
		let mut stale = Vec::new();
		for (number, hash, mine) in blocks {
			let copy = held.get(number).map(|held| held.hash);
			if copy.is_some_and(|copy| copy != *hash) {
				stale.push(*number);
			}
			toggle(&mut self.fetch, *number, *hash, *mine && copy != Some(*hash));
			toggle(&mut self.surplus, *number, *hash, !*mine && copy == Some(*hash));
		}
		stale
	}

	/// Blocks this node must hold and does not, by number ([`Plan::fetch`]).
	pub fn fetch(&self) -> &BTreeMap<u32, H256> {
		&self.fetch
	}

	/// Copies this node holds and no longer must ([`Plan::surplus`]).
	pub fn surplus(&self) -> &BTreeMap<u32, H256> {
		&self.surplus
	}

	/// The newest `max` blocks to fetch: a member catching up on a long history takes each new
	/// block first.
	pub fn newest_fetches(&self, max: usize) -> Vec<(u32, H256)> {
		self.fetch.iter().rev().take(max).map(|(number, hash)| (*number, *hash)).collect()
	}

	/// The next `max` surplus copies to try to drop, going round the list from where the last
	/// batch ended: copies whose holders cannot prove theirs yet do not hold the others back.
	pub fn surplus_batch(&mut self, max: usize) -> Vec<(u32, H256)> {
		let mut batch: Vec<(u32, H256)> =
			self.surplus.range(self.surplus_from..).take(max).map(|(number, hash)| (*number, *hash)).collect();
		let more = max - batch.len();
		batch.extend(self.surplus.range(..self.surplus_from).take(more).map(|(number, hash)| (*number, *hash)));
		self.surplus_from = batch.last().map_or(0, |(number, _)| number.saturating_add(1));
		batch
	}
}

/// Puts `number` in `list` or takes it out.
fn toggle(list: &mut BTreeMap<u32, H256>, number: u32, hash: H256, member: bool) {
	if member {
		list.insert(number, hash);
	} else {
		list.remove(&number);
	}
}

/// Copies held above the finalized block `tip`: not on the finalized chain (yet), so stale.
fn stale_above(tip: u32, held: &BTreeMap<u32, Held>) -> Vec<u32> {
	held.range(tip.saturating_add(1)..).map(|(number, _)| *number).collect()
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
	fn a_query_asks_the_holders_then_the_online_members_then_the_offline_ones_never_itself() {
		let view = view(Some(1), &[0, 1, 2, 3], &[4, 5]);
		let hash = H256::from_low_u64_be(42);
		let sources = view.sources(&hash);
		let holders: Vec<NodeId> = view.holders(&hash).into_iter().filter(|n| *n != 1).collect();
		assert_eq!(sources[..holders.len()], holders[..], "holders first");
		assert_eq!(sources.len(), 5, "every member but this node, once: {sources:?}");
		assert!(!sources.contains(&1));
		assert_eq!(sources[3..], [4, 5], "members marked offline last");
		assert_eq!(view.others(), vec![0, 2, 3, 4, 5]);
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
	fn a_node_outside_the_cluster_plans_nothing() {
		let chain = chain(50);
		assert_eq!(plan(&view(None, &[0, 1, 2], &[]), &chain, &BTreeMap::new()), Plan::default());
		assert_eq!(view(Some(1), &[0, 1, 2], &[3]).address(2).as_deref(), Some("http://127.0.0.1:9002"));
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

	/// Steps `planner` until its plan reaches the tip; returns the stale copies met, sorted.
	fn catch_up(planner: &mut Planner, view: &ClusterView, inputs: &impl PlanInputs) -> Vec<u32> {
		let mut stale = Vec::new();
		loop {
			let step = planner.step(view, inputs);
			stale.extend(step.stale);
			if step.done {
				stale.sort_unstable();
				return stale;
			}
		}
	}

	fn pairs(list: &BTreeMap<u32, H256>) -> Vec<(u32, H256)> {
		list.iter().map(|(number, hash)| (*number, *hash)).collect()
	}

	#[test]
	fn the_planner_agrees_with_plan_whatever_happens() {
		use rand::{rngs::StdRng, Rng, SeedableRng};
		for seed in 0..12 {
			let mut rng = StdRng::seed_from_u64(seed);
			let me: NodeId = 2;
			let mut view = view(Some(me), &[0, 1, 2, 3, 4, 5], &[]);
			for member in &mut view.members {
				member.zone = (member.node % 3) as u16;
			}
			view.replication = 3;
			let mut inputs = InMemory { chain: chain(30), ..Default::default() };
			let mut planner = Planner::with_chunk(rng.gen_range(1..40));
			for round in 0..120 {
				match rng.gen_range(0..10) {
					// New blocks finalized.
					0 | 1 =>
						for _ in 0..rng.gen_range(1..=25) {
							inputs.chain.push(H256(rng.gen()));
						},
					// A member dies or comes back (this node too).
					2 => {
						let member = &mut view.members[rng.gen_range(0..6)];
						member.online = !member.online;
						if member.node == me {
							view.me = member.online.then_some(me);
						}
					},
					// A member becomes a suspect, or is trusted again.
					3 => {
						let node = rng.gen_range(0..6);
						match view.suspects.iter().position(|s| *s == node) {
							Some(at) => {
								view.suspects.remove(at);
							},
							None => view.suspects.push(node),
						}
						view.suspects.sort_unstable();
					},
					// Blocks fetched, some fetches failing.
					4 =>
						for (number, hash) in planner.newest_fetches(rng.gen_range(1..12)) {
							if rng.gen_bool(0.75) {
								inputs.put(number, hash);
							}
						},
					// Surplus copies dropped, some holders not proving theirs.
					5 =>
						for (number, _) in planner.surplus_batch(rng.gen_range(1..12)) {
							if rng.gen_bool(0.75) {
								inputs.remove(number);
							}
						},
					// A damaged copy dropped by a read or the scrub.
					6 => {
						let held: Vec<u32> = inputs.held.borrow().keys().copied().collect();
						if !held.is_empty() {
							inputs.remove(held[rng.gen_range(0..held.len())]);
						}
					},
					// A wrong write: a copy of another block, maybe above the tip.
					7 => inputs.put(rng.gen_range(1..=inputs.tip() + 4), H256(rng.gen())),
					8 => view.replication = rng.gen_range(1..=3),
					_ => {},
				}
				let stale = catch_up(&mut planner, &view, &inputs);
				let reference = plan(&view, &inputs.chain, &inputs.held.borrow());
				assert_eq!(pairs(planner.fetch()), reference.fetch, "fetch, seed {seed} round {round}");
				assert_eq!(pairs(planner.surplus()), reference.surplus, "surplus, seed {seed} round {round}");
				assert_eq!(stale, reference.stale, "stale, seed {seed} round {round}");
				// The worker drops stale copies at once.
				for number in stale {
					inputs.remove(number);
				}
			}
		}
	}

	/// [`InMemory`], counting the blocks the planner reads.
	#[derive(Default)]
	struct Counting {
		inputs: InMemory,
		read: std::cell::Cell<usize>,
	}

	impl PlanInputs for Counting {
		fn tip(&self) -> u32 {
			self.inputs.tip()
		}
		fn hashes(&self, numbers: RangeInclusive<u32>) -> Vec<H256> {
			let hashes = self.inputs.hashes(numbers);
			self.read.set(self.read.get() + hashes.len());
			hashes
		}
		fn take_changed(&self) -> Vec<u32> {
			self.inputs.take_changed()
		}
		fn with_held<T>(&self, f: impl FnOnce(&BTreeMap<u32, Held>) -> T) -> T {
			self.inputs.with_held(f)
		}
	}

	#[test]
	fn a_pass_plans_what_changed_and_the_whole_chain_only_when_the_rule_did() {
		let chain = InMemory { chain: chain(1001), ..Default::default() };
		let mut inputs = Counting { inputs: chain, ..Default::default() };
		let mut view = view(Some(1), &[0, 1, 2, 3, 4], &[]);
		let mut planner = Planner::with_chunk(300);
		let mut steps = 0;
		while !planner.step(&view, &inputs).done {
			steps += 1;
		}
		assert_eq!((steps + 1, inputs.read.take()), (4, 1000), "the first pass: the chain, in chunks of 300");
		let share = planner.fetch().len();
		assert!((300..=500).contains(&share), "about 2/5 of 1000: {share}");
		// A new block: that block alone.
		inputs.inputs.chain.push(H256::repeat_byte(0xee));
		assert!(planner.step(&view, &inputs).done);
		assert_eq!(inputs.read.take(), 1);
		// Fetched blocks (and one fetch that failed): those blocks alone; they leave the list.
		let fetches = planner.newest_fetches(10);
		assert_eq!(fetches.len(), 10);
		assert!(fetches.windows(2).all(|w| w[0].0 > w[1].0), "newest first");
		for (number, hash) in &fetches[1..] {
			inputs.inputs.put(*number, *hash);
		}
		assert_eq!(catch_up(&mut planner, &view, &inputs), Vec::<u32>::new());
		assert_eq!(inputs.read.take(), 9);
		assert_eq!(planner.fetch().len(), planner_share(&view, &inputs.inputs.chain) - 9);
		assert!(planner.fetch().contains_key(&fetches[0].0), "a failed fetch stays pending");
		// Nothing new: nothing read.
		assert!(planner.step(&view, &inputs).done);
		assert_eq!(inputs.read.take(), 0);
		// A member dies: the whole chain again; this node takes its part of the dead one's share.
		view.members[4].online = false;
		catch_up(&mut planner, &view, &inputs);
		assert_eq!(inputs.read.take(), 1001);
		for (number, hash) in pairs(planner.fetch()) {
			inputs.inputs.put(number, hash);
		}
		catch_up(&mut planner, &view, &inputs);
		assert!(planner.fetch().is_empty());
		// It comes back: this node's extra copies are surplus; dropped ones leave the list.
		view.members[4].online = true;
		catch_up(&mut planner, &view, &inputs);
		let surplus = planner.surplus_batch(usize::MAX);
		assert!(!surplus.is_empty());
		for (number, _) in &surplus {
			inputs.inputs.remove(*number);
		}
		catch_up(&mut planner, &view, &inputs);
		assert!(planner.surplus().is_empty());
	}

	/// How many blocks of `chain` are this node's share.
	fn planner_share(view: &ClusterView, chain: &[H256]) -> usize {
		plan(view, chain, &BTreeMap::new()).fetch.len()
	}

	#[test]
	fn surplus_batches_go_round_the_list() {
		let chain = chain(200);
		let inputs = InMemory { chain: chain.clone(), ..Default::default() };
		for n in 1..200 {
			inputs.put(n, chain[n as usize]);
		}
		let mut planner = Planner::with_chunk(1_000);
		catch_up(&mut planner, &view(Some(1), &[0, 1, 2, 3, 4], &[]), &inputs);
		let surplus = pairs(planner.surplus());
		assert!(surplus.len() > 20, "two new members take blocks from this node");
		let mut seen = Vec::new();
		while seen.len() < surplus.len() {
			seen.extend(planner.surplus_batch(7));
		}
		let (round, next) = seen.split_at(surplus.len());
		assert_eq!(round, surplus, "each copy once a round, in order");
		assert_eq!(next, &surplus[..next.len()], "then round again");
		assert_eq!(planner.surplus_batch(2), surplus[next.len()..next.len() + 2].to_vec());
	}
}
