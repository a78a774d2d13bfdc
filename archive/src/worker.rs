//! The archive worker: on every finalized block (and every few seconds) it reads this node's
//! cluster from the chain, works out its share with the holder rule, fetches what it lacks (from
//! the node's own database while the body is still there, else from the other holders), and
//! drops what it no longer must hold once `R` of the block's holders have proven they have it
//! (a proof of possession for a fresh nonce, checked against its own copy). It audits the other
//! holders of blocks it holds at random the same way; a member that fails is a suspect, treated as
//! not holding (other members stand in for it) for a while. A scrub re-checks every stored copy
//! regularly, a slice at a time; a damaged one is dropped and fetched again.
//!
//! Each pass costs what happened since the last one, not the chain: the [`Planner`] plans the
//! newly finalized blocks and the copies stored or dropped since, and goes over the whole chain
//! (a chunk at a time) only when what the holder rule depends on changed; a pass fetches at
//! most [`FETCHES_PER_PASS`] blocks and challenges holders for at most [`SURPLUS_PER_PASS`]
//! surplus copies; the scrub reads at most [`SCRUB_SLICE_BLOCKS`] blocks every [`SCRUB_EVERY`].

use std::{
	collections::BTreeMap,
	ops::RangeInclusive,
	sync::Arc,
	time::{Duration, Instant},
};

use cinechain_runtime::AccountId;
use futures::{stream, StreamExt};
use pallet_archive::runtime_api::ArchiveApi;
use sp_core::H256;

use crate::{
	archive::{Archive, ChainClient},
	audit::Auditor,
	block::Block,
	plan::{self, ClusterView, PlanInputs, Planner},
	store::{self, Held, Scrubber},
};

/// Blocks fetched at once.
const PARALLEL_FETCHES: usize = 8;
/// Surplus copies looked at together (one `cinearchive_prove` call per holder).
const DROP_BATCH: usize = crate::protocol::MAX_PROVE;
/// Most surplus copies one pass challenges their holders for: four calls to each holder, and
/// reading 512 of this node's copies. A member that came back after its blocks were copied
/// elsewhere frees the others' extra copies at this pace (the batches go round the list, so a
/// copy whose holders cannot prove theirs yet holds no other back).
pub const SURPLUS_PER_PASS: usize = 4 * DROP_BATCH;
/// How often the worker audits other holders.
const AUDIT_EVERY: Duration = Duration::from_secs(5);
/// Most blocks fetched in one pass, newest first: a member catching up on a long history still
/// takes each new block within a pass of its finalization, so audits find it in place.
pub const FETCHES_PER_PASS: usize = 256;
/// How often the scrub checks a slice of the store: at most [`SCRUB_SLICE_BLOCKS`] blocks or
/// [`SCRUB_SLICE_BYTES`] (at least one block) every 2 s, i.e. 16 blocks/s and 4 MiB/s at most.
/// Checking costs about 13 µs of CPU a 2 KB block once read (`bench-planner`), so the bound is
/// the disk: 16 reads a second is, by the usual figures (not measured here: some thousands of
/// random reads a second for a solid-state disk, about a hundred for a spinning one), a few
/// percent of the one and a sixth of the other, the rest left for queries and fetches. A cycle over a store of
/// 1,000,000 blocks then takes about 17 hours, 6.5 hours for a member's 3/8 share of such a
/// chain, so a silently damaged copy is found within a day and a second fault on the same block
/// has that long to strike before R = 3 is back.
pub const SCRUB_EVERY: Duration = Duration::from_secs(2);
/// Most blocks in one scrub slice (see [`SCRUB_EVERY`]).
pub const SCRUB_SLICE_BLOCKS: usize = 32;
/// Most bytes read in one scrub slice, so that large blocks slow the scrub instead of making its
/// reads big (see [`SCRUB_EVERY`]).
pub const SCRUB_SLICE_BYTES: u64 = 8 << 20;
/// How often the worker looks again even without a new finalized block.
const TICK: Duration = Duration::from_secs(2);

/// What one pass did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Pass {
	pub fetched: usize,
	pub missing: usize,
	pub dropped: usize,
}

/// Runs the worker until the node stops.
pub async fn run<C: ChainClient>(archive: Arc<Archive<C>>)
where
	C::Api: ArchiveApi<Block, AccountId>,
{
	let mut finality = archive.client().finality_notification_stream();
	let mut last_scrub = Instant::now();
	let mut last_audit = Instant::now();
	let mut auditor = Auditor::default();
	let mut planner = Planner::default();
	let mut scrubber = Scrubber::default();
	loop {
		let tick = tokio::time::sleep(TICK);
		futures::pin_mut!(tick);
		if let futures::future::Either::Left((None, _)) = futures::future::select(finality.next(), tick).await {
			// The client is gone: the node is shutting down.
			return;
		}
		let passed = pass(&archive, &mut planner).await;
		if let (Some(metrics), Ok(done)) = (archive.metrics(), &passed) {
			metrics.blocks_held.set(archive.store().held().len() as u64);
			metrics.blocks_under_replicated.set(done.missing as u64);
		}
		match passed {
			// Taking the newest finalized block is routine; anything more is worth a line.
			Ok(done) if done.fetched > 1 || done.dropped > 0 || done.missing > 0 => log::info!(
				target: "archive",
				"holding {} blocks: fetched {}, dropped {}, {} still to fetch",
				archive.store().held().len(),
				done.fetched,
				done.dropped,
				done.missing
			),
			Ok(_) => {},
			Err(e) => log::warn!(target: "archive", "archive pass failed: {e}"),
		}
		if last_audit.elapsed() >= AUDIT_EVERY {
			last_audit = Instant::now();
			auditor.audit(&archive).await;
		}
		if last_scrub.elapsed() >= SCRUB_EVERY {
			last_scrub = Instant::now();
			scrub(&archive, &mut scrubber).await;
		}
	}
}

/// The planner's inputs on a node: the archive's finalized hashes and its store, each locked for
/// one call only (never both at once).
struct Live<'a, C>(&'a Archive<C>);

impl<C: ChainClient> PlanInputs for Live<'_, C>
where
	C::Api: ArchiveApi<Block, AccountId>,
{
	fn tip(&self) -> u32 {
		self.0.archived_tip()
	}
	fn hashes(&self, numbers: RangeInclusive<u32>) -> Vec<H256> {
		self.0.canonical(numbers)
	}
	fn take_changed(&self) -> Vec<u32> {
		self.0.store().take_changed()
	}
	fn with_held<T>(&self, f: impl FnOnce(&BTreeMap<u32, Held>) -> T) -> T {
		f(self.0.store().held())
	}
}

/// One pass: refresh the view, bring the plan up to date, fetch the missing share (newest
/// first, a bounded number), drop stale copies and a bounded batch of surplus ones.
pub async fn pass<C: ChainClient>(archive: &Archive<C>, planner: &mut Planner) -> Result<Pass, String>
where
	C::Api: ArchiveApi<Block, AccountId>,
{
	let view = archive.refresh()?;
	let mut stale = Vec::new();
	loop {
		let step = planner.step(&view, &Live(archive));
		stale.extend(step.stale);
		if step.done {
			break;
		}
		// Going over the whole chain: let the node's other tasks in between chunks.
		tokio::task::yield_now().await;
	}
	let mut done = Pass::default();
	{
		let mut store = archive.store();
		for number in &stale {
			store.remove(*number).map_err(|e| e.to_string())?;
			done.dropped += 1;
		}
	}
	let fetched: Vec<bool> = stream::iter(planner.newest_fetches(FETCHES_PER_PASS))
		.map(|(number, hash)| fetch_one(archive, number, hash))
		.buffer_unordered(PARALLEL_FETCHES)
		.collect()
		.await;
	done.fetched = fetched.iter().filter(|ok| **ok).count();
	done.missing = planner.fetch().len() - done.fetched;
	done.dropped += drop_surplus(archive, &view, &planner.surplus_batch(SURPLUS_PER_PASS)).await;
	Ok(done)
}

/// Checks the next slice of the store (see [`SCRUB_EVERY`]): the files are read outside the
/// store's lock, which is taken again only to drop the copies found damaged.
async fn scrub<C: ChainClient>(archive: &Archive<C>, scrubber: &mut Scrubber)
where
	C::Api: ArchiveApi<Block, AccountId>,
{
	let slice = scrubber.next_slice(&archive.store(), SCRUB_SLICE_BLOCKS, SCRUB_SLICE_BYTES);
	if slice.is_empty() {
		return;
	}
	let found = match tokio::task::spawn_blocking(move || store::check_files(&slice)).await {
		Ok(found) => found,
		Err(e) => {
			log::warn!(target: "archive", "scrub failed: {e}");
			return;
		},
	};
	if found.is_empty() {
		return;
	}
	let dropped = archive.store().drop_damaged(found);
	archive.metrics().inspect(|m| m.scrub_failures.inc_by(dropped.len() as u64));
	for damaged in dropped {
		log::warn!(
			target: "archive",
			"scrub: damaged copy of block #{} ({}); dropped, a good copy will be fetched",
			damaged.number,
			damaged.why
		);
	}
}

async fn fetch_one<C: ChainClient>(archive: &Archive<C>, number: u32, hash: H256) -> bool
where
	C::Api: ArchiveApi<Block, AccountId>,
{
	let bytes = match archive.local_block(number, hash) {
		Some(bytes) => bytes,
		None => match archive.fetch_block(number, hash).await {
			Some((bytes, _)) => bytes,
			None => {
				log::debug!(target: "archive", "no member could give block #{number} yet");
				return false;
			},
		},
	};
	// Written and synced off the async threads and outside the store's lock; only the indexing
	// takes the lock.
	let dir = archive.store().dir().to_path_buf();
	let written = tokio::task::spawn_blocking(move || store::write(&dir, number, hash, &bytes))
		.await
		.map_err(|e| e.to_string())
		.and_then(|written| written.map_err(|e| e.to_string()));
	match written.and_then(|written| archive.store().insert(written).map_err(|e| e.to_string())) {
		Ok(()) => true,
		Err(e) => {
			log::warn!(target: "archive", "block #{number} not stored: {e}");
			false
		},
	}
}

/// Drops surplus copies of which `R` holders have proven theirs; returns how many.
async fn drop_surplus<C: ChainClient>(archive: &Archive<C>, view: &ClusterView, surplus: &[(u32, H256)]) -> usize
where
	C::Api: ArchiveApi<Block, AccountId>,
{
	let mut dropped = 0;
	for chunk in surplus.chunks(DROP_BATCH) {
		let copies = archive.own_copies(chunk);
		let answers = archive.challenge_holders(view, &copies, |hash| view.holders(hash)).await;
		let mut store = archive.store();
		for ((number, _, _), answers) in copies.iter().zip(answers) {
			let proven = answers.iter().filter(|(_, ok)| *ok).count();
			if plan::may_drop(proven, view.replication) && store.remove(*number).is_ok() {
				dropped += 1;
			}
		}
	}
	dropped
}
