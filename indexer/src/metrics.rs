//! The indexer's own metrics, served at `GET /metrics` in Prometheus' text format: how far the
//! index is behind the chain's finality and how much it has written since the process started.
//!
//! The follower counts as it goes ([`Progress`]); [`Progress::render`] is a plain function of
//! the counts. Rates (blocks per second) are the scraper's: `rate(cinechain_indexer_blocks_total[1m])`.

use std::sync::Mutex;

/// What the follower has seen and written, shared with the API. One lock, so that a scrape
/// reads counts of the same moment (a batch is counted whole).
#[derive(Debug, Default)]
pub struct Progress(Mutex<Counts>);

#[derive(Clone, Copy, Debug, Default)]
struct Counts {
	/// The node's finalized block number, when the follower last asked (0: not yet).
	finalized: u64,
	/// The last block written to the index (0: none yet, or genesis).
	indexed: u64,
	/// Blocks written since the process started.
	blocks: u64,
	/// Screening records written since the process started.
	screenings: u64,
}

impl Progress {
	fn counts(&self) -> std::sync::MutexGuard<'_, Counts> {
		// Counts stay consistent whatever panicked while holding them: each update is whole.
		self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
	}

	/// The node said its finalized block is `number`.
	pub fn saw_finalized(&self, number: u32) {
		let mut counts = self.counts();
		counts.finalized = counts.finalized.max(u64::from(number));
	}

	/// A batch of `blocks` blocks holding `screenings` records was written, up to block `last`.
	pub fn wrote(&self, last: u32, blocks: usize, screenings: usize) {
		let mut counts = self.counts();
		counts.indexed = u64::from(last);
		counts.finalized = counts.finalized.max(counts.indexed);
		counts.blocks += blocks as u64;
		counts.screenings += screenings as u64;
	}

	/// The metrics in Prometheus' text exposition format.
	pub fn render(&self) -> String {
		let Counts { finalized, indexed, blocks, screenings } = *self.counts();
		let metrics: [(&str, &str, &str, u64); 5] = [
			("cinechain_indexer_finalized_block", "gauge", "The node's finalized block number, as last asked.", finalized),
			("cinechain_indexer_indexed_block", "gauge", "The last block written to the index.", indexed),
			("cinechain_indexer_lag_blocks", "gauge", "Finalized blocks not indexed yet.", finalized.saturating_sub(indexed)),
			("cinechain_indexer_blocks_total", "counter", "Blocks written since the process started.", blocks),
			("cinechain_indexer_screenings_total", "counter", "Screening records written since the process started.", screenings),
		];
		metrics
			.iter()
			.map(|(name, kind, help, value)| format!("# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}\n"))
			.collect()
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn value(text: &str, name: &str) -> Option<u64> {
		text.lines().find_map(|line| line.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
	}

	#[test]
	fn lag_is_finalized_minus_indexed_and_counters_add_up() {
		let progress = Progress::default();
		progress.saw_finalized(120);
		progress.wrote(64, 65, 300);
		progress.wrote(100, 36, 20);
		let text = progress.render();
		assert_eq!(value(&text, "cinechain_indexer_finalized_block"), Some(120));
		assert_eq!(value(&text, "cinechain_indexer_indexed_block"), Some(100));
		assert_eq!(value(&text, "cinechain_indexer_lag_blocks"), Some(20));
		assert_eq!(value(&text, "cinechain_indexer_blocks_total"), Some(101));
		assert_eq!(value(&text, "cinechain_indexer_screenings_total"), Some(320));
		assert!(text.contains("# TYPE cinechain_indexer_blocks_total counter\n"));
		// A write past the finality last asked moves finality too: the lag is never negative.
		progress.wrote(130, 30, 0);
		assert_eq!(value(&progress.render(), "cinechain_indexer_lag_blocks"), Some(0));
		assert_eq!(value(&progress.render(), "cinechain_indexer_finalized_block"), Some(130));
	}
}
