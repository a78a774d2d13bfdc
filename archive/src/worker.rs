//! The archive worker: on every finalized block (and every few seconds) it reads this node's
//! cluster from the chain, works out its share with the holder rule, fetches what it lacks (from
//! the node's own database while the body is still there, else from the other holders), and
//! drops what it no longer must hold once `R` of the block's holders have proven they have it
//! (a proof of possession for a fresh nonce, checked against its own copy). It audits the other
//! holders of blocks it holds at random the same way; a member that fails is a suspect, treated as
//! not holding (other members stand in for it) for a while. A scrub re-checks every stored copy
//! regularly; a damaged one is dropped and fetched again.

use std::{
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
	plan::{self, ClusterView},
};

/// Blocks fetched at once.
const PARALLEL_FETCHES: usize = 8;
/// Surplus copies looked at together (one `cinearchive_prove` call per holder).
const DROP_BATCH: usize = crate::protocol::MAX_PROVE;
/// How often the worker audits other holders.
const AUDIT_EVERY: Duration = Duration::from_secs(5);
/// Most blocks fetched in one pass, newest first: a member catching up on a long history still
/// takes each new block within a pass of its finalization, so audits find it in place.
const FETCHES_PER_PASS: usize = 256;
/// How often every stored copy is checked again.
const SCRUB_EVERY: Duration = Duration::from_secs(10);
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
	loop {
		let tick = tokio::time::sleep(TICK);
		futures::pin_mut!(tick);
		if let futures::future::Either::Left((None, _)) = futures::future::select(finality.next(), tick).await {
			// The client is gone: the node is shutting down.
			return;
		}
		match pass(&archive).await {
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
			for damaged in archive.store().scrub() {
				log::warn!(
					target: "archive",
					"scrub: damaged copy of block #{} ({}); dropped, a good copy will be fetched",
					damaged.number,
					damaged.why
				);
			}
		}
	}
}

/// One pass: refresh the view, fetch the missing share, drop surplus and stale copies.
pub async fn pass<C: ChainClient>(archive: &Archive<C>) -> Result<Pass, String>
where
	C::Api: ArchiveApi<Block, AccountId>,
{
	let view = archive.refresh()?;
	let canonical = archive.canonical();
	// Plan on a copy: queries need the store while the holder rule runs over the whole chain.
	let held = archive.store().held().clone();
	let plan = plan::plan(&view, &canonical, &held);
	let mut done = Pass::default();
	{
		let mut store = archive.store();
		for number in &plan.stale {
			store.remove(*number).map_err(|e| e.to_string())?;
			done.dropped += 1;
		}
	}
	let fetched: Vec<bool> = stream::iter(plan.fetch.iter().rev().take(FETCHES_PER_PASS).copied())
		.map(|(number, hash)| fetch_one(archive, number, hash))
		.buffer_unordered(PARALLEL_FETCHES)
		.collect()
		.await;
	done.fetched = fetched.iter().filter(|ok| **ok).count();
	done.missing = plan.fetch.len() - done.fetched;
	done.dropped += drop_surplus(archive, &view, &plan.surplus).await;
	Ok(done)
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
	match archive.store().put(number, hash, &bytes) {
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
