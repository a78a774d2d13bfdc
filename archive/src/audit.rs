//! Audits: a member checks, at random, that the other holders of blocks it holds really keep
//! them, with the same proof of possession that guards every dropped copy
//! ([`crate::protocol::possession_proof`]). Only blocks finalized while the cluster's online
//! members stayed as they are are audited ([`plan::audit_range`]), and a member must fail on the
//! same block in two audits in a row before it is suspected: an honest member that is a moment
//! behind on new blocks has them by the second time. A suspect is treated as not holding (see
//! [`pallet_archive::holders::holders_trusting`]) until it proves everything an audit asks, or
//! for [`crate::archive::SUSPECT_FOR`], and it is reported on chain (through the offchain
//! worker, [`offchain_reporter`]), so that every member treats it so.

use std::{
	collections::{BTreeMap, BTreeSet},
	sync::Mutex,
};

use cinechain_runtime::AccountId;
use codec::{Decode, Encode};
use pallet_archive::{offchain, runtime_api::ArchiveApi, NodeId};
use sp_core::{
	offchain::{OffchainStorage, STORAGE_PREFIX},
	H256,
};

use crate::{
	archive::{Archive, ChainClient, Reporter},
	block::Block,
	plan,
};

/// Blocks drawn for one audit (from the settled range, among those this node holds).
const AUDIT_DRAWS: usize = 16;

/// What one audit makes of one member.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
	/// It proved every block it was asked about.
	Proven,
	/// It failed on blocks it had not failed on before: asked again at the next audit.
	Strike,
	/// It failed again on block number `.0`, which it had already failed on.
	Suspect(u32),
}

/// The verdict on a member that failed `failed` of the blocks it was asked about, having failed
/// `struck` at the audit before.
pub fn judge(struck: &BTreeSet<(u32, H256)>, failed: &BTreeSet<(u32, H256)>) -> Verdict {
	if failed.is_empty() {
		Verdict::Proven
	} else if let Some((number, _)) = failed.iter().find(|block| struck.contains(block)) {
		Verdict::Suspect(*number)
	} else {
		Verdict::Strike
	}
}

/// The worker's audits and what they remember between rounds.
#[derive(Default)]
pub struct Auditor {
	/// Blocks each member failed on at the last audit, to be asked again.
	strikes: BTreeMap<NodeId, BTreeSet<(u32, H256)>>,
}

impl Auditor {
	/// One audit: draws blocks this node holds from the settled range, adds those a member failed
	/// on last time, and challenges every member the chain names as their holder; suspects (and
	/// reports) a member that fails on a block twice.
	pub async fn audit<C: ChainClient>(&mut self, archive: &Archive<C>)
	where
		C::Api: ArchiveApi<Block, AccountId>,
	{
		let Some(view) = archive.view() else { return };
		let Some(range) = plan::audit_range(archive.stable_since(), archive.archived_tip()) else { return };
		let mut blocks: BTreeSet<(u32, H256)> = self.strikes.values().flatten().copied().collect();
		{
			let store = archive.store();
			let mut rng = rand::thread_rng();
			for _ in 0..AUDIT_DRAWS {
				let number = rand::Rng::gen_range(&mut rng, range.clone());
				if let Some(held) = store.held().get(&number) {
					blocks.insert((number, held.hash));
				}
			}
		}
		let blocks: Vec<(u32, H256)> = blocks.into_iter().collect();
		let copies = archive.own_copies(&blocks);
		let answers = archive.challenge_holders(&view, &copies, |hash| view.named_holders(hash)).await;
		// Per member asked: the blocks it failed on (empty if it proved them all).
		let mut failed: BTreeMap<NodeId, BTreeSet<(u32, H256)>> = BTreeMap::new();
		for ((number, hash, _), answers) in copies.iter().zip(answers) {
			for (node, ok) in answers {
				let failures = failed.entry(node).or_default();
				if !ok {
					failures.insert((*number, *hash));
				}
			}
		}
		let strikes = std::mem::take(&mut self.strikes);
		for (node, failed) in failed {
			match judge(strikes.get(&node).unwrap_or(&BTreeSet::new()), &failed) {
				Verdict::Proven => archive.trust(node),
				Verdict::Strike => {
					self.strikes.insert(node, failed);
				},
				Verdict::Suspect(block) => {
					log::warn!(
						target: "archive",
						"node {node} failed twice to prove it holds block #{block}: treated as not holding, reported"
					);
					archive.report(node, block);
				},
			}
		}
	}
}

/// A [`Reporter`] that hands reports to the node's offchain worker: it adds them to the list in
/// the node's persistent offchain storage ([`offchain::PENDING_REPORTS`]), which the archive
/// pallet's offchain worker reports from, signed by this node's archive key.
pub fn offchain_reporter<S: OffchainStorage + 'static>(storage: S) -> Reporter {
	let storage = Mutex::new(storage);
	Box::new(move |node, block| {
		let mut storage = storage.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
		// The offchain worker takes entries off concurrently: add with compare-and-set.
		for _ in 0..8 {
			let old = storage.get(STORAGE_PREFIX, offchain::PENDING_REPORTS);
			let mut pending: offchain::Pending =
				old.as_deref().and_then(|bytes| Decode::decode(&mut &bytes[..]).ok()).unwrap_or_default();
			offchain::add(&mut pending, node, block);
			if storage.compare_and_set(STORAGE_PREFIX, offchain::PENDING_REPORTS, old.as_deref(), &pending.encode()) {
				return;
			}
		}
		log::warn!(target: "archive", "could not queue the report of node {node}: offchain storage busy");
	})
}

#[cfg(test)]
mod tests {
	use super::*;

	fn blocks(numbers: &[u32]) -> BTreeSet<(u32, H256)> {
		numbers.iter().map(|n| (*n, H256::from_low_u64_be(*n as u64))).collect()
	}

	#[test]
	fn a_member_is_suspected_only_when_it_fails_on_the_same_block_twice() {
		assert_eq!(judge(&blocks(&[]), &blocks(&[])), Verdict::Proven);
		assert_eq!(judge(&blocks(&[4]), &blocks(&[])), Verdict::Proven, "caught up since");
		assert_eq!(judge(&blocks(&[]), &blocks(&[7, 9])), Verdict::Strike, "a first failure is a strike");
		assert_eq!(judge(&blocks(&[7]), &blocks(&[8])), Verdict::Strike, "other blocks: a new strike");
		assert_eq!(judge(&blocks(&[7, 9]), &blocks(&[9, 12])), Verdict::Suspect(9));
	}

	/// Offchain storage whose clones share their contents, as the node's database does.
	#[derive(Clone, Default)]
	struct Shared(std::sync::Arc<Mutex<sp_core::offchain::storage::InMemOffchainStorage>>);

	impl OffchainStorage for Shared {
		fn set(&mut self, prefix: &[u8], key: &[u8], value: &[u8]) {
			self.0.lock().unwrap().set(prefix, key, value)
		}
		fn remove(&mut self, prefix: &[u8], key: &[u8]) {
			self.0.lock().unwrap().remove(prefix, key)
		}
		fn get(&self, prefix: &[u8], key: &[u8]) -> Option<Vec<u8>> {
			self.0.lock().unwrap().get(prefix, key)
		}
		fn compare_and_set(&mut self, prefix: &[u8], key: &[u8], old: Option<&[u8]>, new: &[u8]) -> bool {
			self.0.lock().unwrap().compare_and_set(prefix, key, old, new)
		}
	}

	#[test]
	fn reports_reach_the_list_the_offchain_worker_reads() {
		let storage = Shared::default();
		let report = offchain_reporter(storage.clone());
		report(4, 30);
		report(5, 31);
		report(4, 35);
		let bytes = storage.get(STORAGE_PREFIX, offchain::PENDING_REPORTS).expect("the list");
		assert_eq!(offchain::Pending::decode(&mut &bytes[..]).unwrap(), vec![(5, 31), (4, 35)]);
	}
}
