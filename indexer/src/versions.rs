//! The runtime version of each block the follower reads, learned from the node a few blocks at a
//! time.
//!
//! subxt decodes a block with the metadata of its runtime version; unless told the version, it
//! asks the node for it block by block with a runtime call (`Core_version`), which makes the node
//! run the runtime once per block read. A runtime's spec version only grows along a chain (FRAME
//! refuses an upgrade that does not raise it), so a range of blocks whose first and last blocks
//! have the same version has that version throughout: [`learn`] finds a range's versions with
//! two cheap lookups, plus a bisection for each upgrade inside it, and [`FollowerConfig`] hands
//! them to subxt. A block's version is the one in its own state, as subxt looks it up.

use std::{
	future::Future,
	ops::RangeInclusive,
	sync::{Arc, RwLock},
};

use subxt::{
	config::{Config, PolkadotConfig, PolkadotExtrinsicParams},
	ArcMetadata,
};

/// A runtime version: `(spec_version, transaction_version)`.
pub type Version = (u32, u32);

/// Block ranges and their runtime versions, oldest first.
pub type Ranges = Vec<(RangeInclusive<u64>, Version)>;

/// The versions of blocks `range`, with `probe` telling one block's version: consecutive
/// ranges, each of one version, covering `range`. Probes both ends, and for each change of
/// version inside, about log2 of the range's length more.
pub async fn learn<F, Fut, E>(range: RangeInclusive<u64>, probe: F) -> Result<Ranges, E>
where
	F: Fn(u64) -> Fut,
	Fut: Future<Output = Result<Version, E>>,
{
	let (first, last) = (*range.start(), *range.end());
	if first > last {
		return Ok(Vec::new());
	}
	let first_version = probe(first).await?;
	let last_version = if first == last { first_version } else { probe(last).await? };
	let mut found: Ranges = Vec::new();
	// Spans still to look into, the leftmost on top, each with its ends' versions.
	let mut spans = vec![(first, first_version, last, last_version)];
	while let Some((a, va, b, vb)) = spans.pop() {
		if va == vb {
			push(&mut found, a..=b, va);
		} else if b == a + 1 {
			push(&mut found, a..=a, va);
			push(&mut found, b..=b, vb);
		} else {
			let m = a + (b - a) / 2;
			let vm = probe(m).await?;
			spans.push((m, vm, b, vb));
			spans.push((a, va, m, vm));
		}
	}
	Ok(found)
}

/// Appends a range after the ranges found so far, merged with the last when it has the same
/// version (the two halves of a bisection share their middle block).
fn push(found: &mut Ranges, range: RangeInclusive<u64>, version: Version) {
	if let Some((last, last_version)) = found.last_mut() {
		if *last_version == version && *range.start() <= last.end() + 1 {
			*last = *last.start()..=(*last.end()).max(*range.end());
			return;
		}
	}
	found.push((range, version));
}

/// Most ranges kept: a long backfill through many upgrades forgets the oldest (subxt then asks
/// the node again, as it would without them).
const MAX_RANGES: usize = 1024;

/// subxt's configuration for the follower: [`PolkadotConfig`]'s types (cinechain's addresses,
/// signatures and hashes are those), its metadata cache, and the runtime versions learned.
#[derive(Clone, Debug, Default)]
pub struct FollowerConfig {
	inner: PolkadotConfig,
	known: Arc<RwLock<Ranges>>,
}

impl FollowerConfig {
	/// Adds learned ranges (the follower learns them in chain order: a range that continues the
	/// last one with the same version extends it, so following the tip keeps one range).
	pub fn remember(&self, ranges: Ranges) {
		let mut known = self.known.write().expect("not poisoned");
		for (range, version) in ranges {
			push(&mut known, range, version);
		}
		if known.len() > MAX_RANGES {
			let excess = known.len() - MAX_RANGES;
			known.drain(..excess);
		}
	}

	/// The version learned for block `number`, if any.
	pub fn version_of(&self, number: u64) -> Option<Version> {
		let known = self.known.read().expect("not poisoned");
		known.iter().rev().find(|(range, _)| range.contains(&number)).map(|(_, version)| *version)
	}
}

impl Config for FollowerConfig {
	type AccountId = <PolkadotConfig as Config>::AccountId;
	type Address = <PolkadotConfig as Config>::Address;
	type Signature = <PolkadotConfig as Config>::Signature;
	type Header = <PolkadotConfig as Config>::Header;
	type TransactionExtensions = PolkadotExtrinsicParams<Self>;
	type AssetId = <PolkadotConfig as Config>::AssetId;
	type Hasher = <PolkadotConfig as Config>::Hasher;

	fn spec_and_transaction_version_for_block_number(&self, block_number: u64) -> Option<(u32, u32)> {
		self.version_of(block_number)
	}

	fn metadata_for_spec_version(&self, spec_version: u32) -> Option<ArcMetadata> {
		self.inner.metadata_for_spec_version(spec_version)
	}

	fn set_metadata_for_spec_version(&self, spec_version: u32, metadata: ArcMetadata) {
		self.inner.set_metadata_for_spec_version(spec_version, metadata)
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use std::sync::Mutex;

	/// `learn` over a chain whose upgrades take effect at `upgrades` (block, spec version), counting
	/// the probes.
	fn learn_chain(range: RangeInclusive<u64>, upgrades: &[(u64, u32)]) -> (Ranges, usize) {
		let probes = Mutex::new(0);
		let version = |n: u64| -> Version {
			let spec = upgrades.iter().filter(|(at, _)| *at <= n).map(|(_, v)| *v).last().unwrap_or(100);
			(spec, 1)
		};
		let found = block_on(learn(range, |n| {
			*probes.lock().unwrap() += 1;
			std::future::ready(Ok::<_, ()>(version(n)))
		}))
		.unwrap();
		let count = *probes.lock().unwrap();
		(found, count)
	}

	/// Runs a future whose probes are all ready.
	fn block_on<T>(f: impl Future<Output = T>) -> T {
		tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
	}

	#[test]
	fn one_runtime_costs_two_probes_and_each_upgrade_a_bisection() {
		let (found, probes) = learn_chain(0..=1_000_000, &[]);
		assert_eq!(found, vec![(0..=1_000_000, (100, 1))]);
		assert_eq!(probes, 2);

		let (found, probes) = learn_chain(0..=1_000_000, &[(400_000, 101), (400_001, 102), (900_000, 103)]);
		assert_eq!(
			found,
			vec![
				(0..=399_999, (100, 1)),
				(400_000..=400_000, (101, 1)),
				(400_001..=899_999, (102, 1)),
				(900_000..=1_000_000, (103, 1)),
			]
		);
		assert!(probes <= 2 + 3 * 21, "{probes} probes");

		assert_eq!(learn_chain(7..=7, &[]).0, vec![(7..=7, (100, 1))]);
		assert_eq!(learn_chain(5..=6, &[(6, 101)]).0, vec![(5..=5, (100, 1)), (6..=6, (101, 1))]);
		assert!(learn_chain(9..=8, &[]).0.is_empty());
	}

	#[test]
	fn the_config_answers_from_what_it_learned() {
		let config = FollowerConfig::default();
		assert_eq!(config.spec_and_transaction_version_for_block_number(5), None, "subxt asks the node");
		config.remember(vec![(0..=9, (100, 1)), (10..=20, (101, 2))]);
		assert_eq!(config.spec_and_transaction_version_for_block_number(9), Some((100, 1)));
		assert_eq!(config.spec_and_transaction_version_for_block_number(10), Some((101, 2)));
		assert_eq!(config.spec_and_transaction_version_for_block_number(21), None);
		config.remember(vec![(21..=21, (101, 2))]);
		config.remember(vec![(22..=30, (101, 2))]);
		assert_eq!(config.known.read().unwrap().len(), 2, "the tip's ranges extend the last one");
		assert_eq!(config.spec_and_transaction_version_for_block_number(30), Some((101, 2)));
		config.remember((0..MAX_RANGES as u64 + 5).map(|i| (100 + 2 * i..=100 + 2 * i, (200 + i as u32, 1))).collect());
		assert_eq!(config.known.read().unwrap().len(), MAX_RANGES, "bounded");
	}
}
