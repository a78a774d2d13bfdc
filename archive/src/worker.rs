//! The archive worker: on every finalized block (and every few seconds) it reads this node's
//! cluster from the chain, works out its share with the holder rule, fetches what it lacks (from
//! the node's own database while the body is still there, else from the other holders), and
//! drops what it no longer must hold once the block's holders confirm they have it. A scrub
//! re-checks every stored copy regularly; a damaged one is dropped and fetched again.

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
	block::Block,
	plan::{self, ClusterView},
};

/// Blocks fetched at once.
const PARALLEL_FETCHES: usize = 8;
/// Hashes asked about in one `cinearchive_has` call.
const HAS_BATCH: usize = 512;
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
	let fetched: Vec<bool> = stream::iter(plan.fetch.iter().copied())
		.map(|(number, hash)| fetch_one(archive, number, hash))
		.buffer_unordered(PARALLEL_FETCHES)
		.collect()
		.await;
	done.fetched = fetched.iter().filter(|ok| **ok).count();
	done.missing = fetched.len() - done.fetched;
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

/// Drops surplus copies whose every current holder confirms it has the block; returns how many.
async fn drop_surplus<C: ChainClient>(archive: &Archive<C>, view: &ClusterView, surplus: &[(u32, H256)]) -> usize
where
	C::Api: ArchiveApi<Block, AccountId>,
{
	let mut dropped = 0;
	for chunk in surplus.chunks(HAS_BATCH) {
		let holders: Vec<Vec<u32>> = chunk.iter().map(|(_, hash)| view.holders(hash)).collect();
		// A block with no other holder is never dropped.
		let mut confirmed: Vec<bool> = holders.iter().map(|h| !h.is_empty()).collect();
		let mut asked: Vec<u32> = holders.iter().flatten().copied().collect();
		asked.sort_unstable();
		asked.dedup();
		for node in asked {
			let (positions, hashes): (Vec<usize>, Vec<H256>) = chunk
				.iter()
				.enumerate()
				.filter(|(i, _)| holders[*i].contains(&node))
				.map(|(i, (_, hash))| (i, *hash))
				.unzip();
			match archive.ask_has(view, node, &hashes).await {
				Ok(answers) =>
					for (position, has) in positions.into_iter().zip(answers) {
						confirmed[position] &= has;
					},
				Err(e) => {
					log::debug!(target: "archive", "node {node} cannot confirm its copies: {e}");
					positions.into_iter().for_each(|p| confirmed[p] = false);
				},
			}
		}
		let mut store = archive.store();
		for ((number, _), ok) in chunk.iter().zip(confirmed) {
			if ok && store.remove(*number).is_ok() {
				dropped += 1;
			}
		}
	}
	dropped
}
