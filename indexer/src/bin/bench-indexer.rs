//! `bench-indexer`: the information server's figures (run by `scripts/bench-indexer.sh`).
//!
//! 1. **Writing**: fills a fresh SQLite file with `--screenings` synthetic screenings (default
//!    1,000,000) through [`Store::write_blocks`], the follower's own write path, `--per-block` to
//!    a block and [`follow::MAX_BATCH`] blocks to a transaction as in a backfill, and prints
//!    blocks/s and records/s: the database's share of a backfill.
//! 2. **Queries**: runs each filter of `GET /screenings` (`--queries` times, with random
//!    arguments) the way the handler does — [`api::screenings_sql`], [`Store::fetch`], the rows
//!    decoded and the page encoded as JSON — and prints p50, p99 and the slowest, in ms.
//!    `--screenings 0` skips these two.
//!    Then the same index is written again into a fresh file with the knowledge pass running
//!    beside the writer, as the server runs them, and once more alone: the rate's change against
//!    the runs alone is the rules' cost to a backfill (goal: under 20 %), and the pass's catching
//!    up after it is timed.
//! 3. **Backfill from a node** (`--node ws://…`, optional): indexes the node's finalized chain
//!    from genesis into a second fresh file with [`Follower::index_range`], and prints blocks/s
//!    and records/s; then each kind of work apart (the blocks up to the last with screenings:
//!    records/s; the blocks after it: blocks/s); then the backfill again with the knowledge pass
//!    running beside it and once more alone (the rules' cost, as above); then waits for
//!    `--lag-blocks` new finalized blocks and prints how long each took to reach the index after
//!    the node finalized it.
//! 4. **Proofs** (`--chain-spec`, with `--node`): makes `--proofs` proofs of indexed screenings
//!    from the node, checks each against the chain spec, and prints their JSON size and the time
//!    to make and to verify one.
//!
//! The databases go to a temporary directory (or `--dir`), removed at the end.
//!
//! The data is synthetic but shaped like a country's: 200 cinemas in 31 regions, ten devices
//! each, 300 films, 1,000 projectionists, a year of screenings.

use std::{
	collections::HashMap,
	time::{Duration, Instant},
};

use cinechain_indexer::{
	api,
	follow::{self, Follower},
	model::{BlockChanges, BlockInfo, Cinema, Device, Position, Screening, Snapshot},
	query,
	store::{self, Cursor, Store},
};
use clap::Parser;

#[derive(Parser)]
#[command(about = "The information server's benchmark: write rate, query latency on a large index, backfill from a node")]
struct Cli {
	/// Screenings written to the query benchmark's database (0: no synthetic index, only the
	/// node's backfill).
	#[arg(long, default_value_t = 1_000_000)]
	screenings: u32,
	/// Screenings per block.
	#[arg(long, default_value_t = 200)]
	per_block: u32,
	/// Runs of each query.
	#[arg(long, default_value_t = 200)]
	queries: usize,
	/// Where to put the databases (default: a temporary directory, removed at the end).
	#[arg(long)]
	dir: Option<std::path::PathBuf>,
	/// A node to backfill from (its finalized chain, from genesis).
	#[arg(long)]
	node: Option<String>,
	/// After the backfill, new finalized blocks to time from the node's finality to the index.
	#[arg(long, default_value_t = 20)]
	lag_blocks: u32,
	/// The node's raw chain spec: with it, proofs of `--proofs` indexed screenings are made from
	/// the node and checked against the spec, and their size and times printed.
	#[arg(long, requires = "node")]
	chain_spec: Option<std::path::PathBuf>,
	/// Screenings to prove (spread over the index), with `--chain-spec`.
	#[arg(long, default_value_t = 50)]
	proofs: usize,
	/// With `--node`: only backfill the node's finalized blocks from this one on, `--runs` times
	/// (each into a fresh file), and print each run's blocks/s and their median; nothing else.
	/// For timing or profiling one kind of block (e.g. the empty ones after a `--fill`).
	#[arg(long, requires = "node")]
	from: Option<u32>,
	/// Runs of `--from`'s backfill.
	#[arg(long, default_value_t = 5)]
	runs: usize,
}

const CINEMAS: u32 = 200;
const DEVICES_PER_CINEMA: u32 = 10;
const REGIONS: u32 = 31;
const FILMS: u32 = 300;
const PROJECTIONISTS_PER_CINEMA: u32 = 5;
const PROJECTIONISTS: u32 = CINEMAS * PROJECTIONISTS_PER_CINEMA;
const YEAR_MS: i64 = 365 * 24 * 3600 * 1000;
const START_MS: i64 = 1_767_225_600_000; // 2026-01-01
const WORDS: &[&str] = &[
	"river", "mountain", "dragon", "silent", "winter", "golden", "last", "city", "star", "ocean", "wandering", "earth",
	"spring", "night", "light", "journey", "forest", "wind", "stone", "moon",
];

/// A small deterministic generator (xorshift64*): the same data on every run.
struct Rng(u64);

impl Rng {
	fn next(&mut self) -> u64 {
		self.0 ^= self.0 >> 12;
		self.0 ^= self.0 << 25;
		self.0 ^= self.0 >> 27;
		self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
	}
	fn below(&mut self, n: u32) -> u32 {
		(self.next() % n as u64) as u32
	}
}

fn region(cinema: u32) -> String {
	format!("CN-{:02}-{:02}", 11 + cinema % REGIONS, cinema % 7)
}
fn film_code(film: u32) -> String {
	format!("F{film:05}")
}
fn cpl_id(film: u32) -> String {
	format!("{:08x}-0000-4000-8000-{:012x}", film, film as u64 * 7919)
}
fn title(film: u32) -> String {
	let w = |i: u32| WORDS[(i as usize) % WORDS.len()];
	format!("The {} {} {}", w(film), w(film / 20 + 3), film)
}
fn projectionist(p: u32) -> String {
	format!("0x{:064x}", p as u64 + 1)
}
/// A cinema's place (microdegrees): scattered over eastern China (latitude 22–42° N, longitude
/// 102–122° E), the same for every run.
fn place(cinema: u32) -> (i64, i64) {
	let mut rng = Rng(0x51_7cc1_b727_220a ^ (cinema as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15));
	(22_000_000 + rng.below(20_000_000) as i64, 102_000_000 + rng.below(20_000_000) as i64)
}
fn hash_hex(n: u64, salt: u8) -> String {
	format!("0x{:02x}{:062x}", salt, n)
}

/// Block `number`'s screenings: `per_block` of them, the `i`-th screening of the year being
/// `first + i`.
fn screenings_of(number: u32, first: u32, count: u32, total: u32, rng: &mut Rng) -> Vec<Screening> {
	(0..count)
		.map(|i| {
			let n = first + i;
			let devices = CINEMAS * DEVICES_PER_CINEMA;
			let device = (n % devices) as u64 + 1;
			let seq = (n / devices) as u64 + 1;
			let cinema = (device as u32 - 1) / DEVICES_PER_CINEMA;
			let film = rng.below(FILMS);
			let started_at = start_of(n, total);
			Screening {
				device,
				seq,
				record_hash: hash_hex(n as u64, 1),
				prev_hash: hash_hex(n.saturating_sub(devices) as u64, 1),
				cpl_id: Some(cpl_id(film)),
				film_code: Some(film_code(film)),
				title: title(film),
				// Each cinema has its own projectionists (one in two cinemas at once is an anomaly).
				projectionist: projectionist(cinema * PROJECTIONISTS_PER_CINEMA + rng.below(PROJECTIONISTS_PER_CINEMA)),
				started_at,
				ended_at: started_at + RUNTIME_MS,
				cinema,
				hall: device as u32 % DEVICES_PER_CINEMA,
				region: region(cinema),
				latitude: Some(place(cinema).0),
				longitude: Some(place(cinema).1),
				outcome: "completed".into(),
				abort_reason: None,
				report_hash: None,
				recorded_at: started_at + RUNTIME_MS + 60_000,
				position: Position {
					block_number: number,
					block_hash: hash_hex(number as u64, 0),
					extrinsic_index: Some(i + 1),
					extrinsic_hash: Some(hash_hex(n as u64, 2)),
					event_index: i,
				},
			}
		})
		.collect()
}

/// When the `n`-th of `total` screenings starts: spread evenly over the year.
fn start_of(n: u32, total: u32) -> i64 {
	START_MS + (n as i64 * YEAR_MS / total.max(1) as i64)
}
/// Every synthetic screening lasts two hours, and its block follows its end by ten minutes.
const RUNTIME_MS: i64 = 2 * 3600 * 1000;
const UPLOAD_DELAY_MS: i64 = 10 * 60 * 1000;

/// Percentile `p` (0–100) of sorted `samples`.
fn percentile(samples: &[Duration], p: f64) -> Duration {
	let at = ((samples.len() as f64 - 1.0) * p / 100.0).round() as usize;
	samples[at.min(samples.len() - 1)]
}

fn ms(d: Duration) -> String {
	format!("{:.2}", d.as_secs_f64() * 1000.0)
}

/// Writes the synthetic index; its rate in records per second.
async fn fill(store: &Store, total: u32, per_block: u32) -> Result<f64, store::Error> {
	let genesis = hash_hex(0, 0);
	let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
	let cinemas = (0..CINEMAS).map(|c| {
		Snapshot::Cinema(Cinema {
			cinema: c,
			region: region(c),
			name: format!("Cinema {c}"),
			latitude: Some(place(c).0),
			longitude: Some(place(c).1),
			updated_block: 1,
		})
	});
	let devices = (1..=CINEMAS * DEVICES_PER_CINEMA).map(|d| {
		let cinema = (d - 1) / DEVICES_PER_CINEMA;
		Snapshot::Device(Device {
			device: d as u64,
			key: hash_hex(d as u64, 3),
			cinema,
			region: region(cinema),
			status: "Active".into(),
			status_since: 1,
			manufacturer: "Bench".into(),
			model: "P1".into(),
			serial_number: format!("SN{d:06}"),
			firmware_version: "1.0".into(),
			production_date: 0,
			updated_block: 1,
		})
	});
	let registry: Vec<Snapshot> = cinemas.chain(devices).collect();
	let blocks = total.div_ceil(per_block);
	let started = Instant::now();
	let mut cursor: Option<Cursor> = None;
	let mut batch = Vec::with_capacity(follow::MAX_BATCH);
	for number in 1..=blocks {
		let first = (number - 1) * per_block;
		let count = per_block.min(total - first);
		let block = BlockInfo {
			number,
			hash: hash_hex(number as u64, 0),
			parent_hash: hash_hex(number as u64 - 1, 0),
			spec_version: 1,
			timestamp: start_of(first + count - 1, total) + RUNTIME_MS + UPLOAD_DELAY_MS,
			extrinsics: count + 1,
			from_archive: false,
		};
		let changes = BlockChanges {
			screenings: screenings_of(number, first, count, total, &mut rng),
			snapshots: if number == 1 { registry.clone() } else { Vec::new() },
			..Default::default()
		};
		batch.push((block, changes));
		if batch.len() == follow::MAX_BATCH || number == blocks {
			store.write_blocks(&genesis, cursor.as_ref(), &batch).await?;
			let last = &batch.last().expect("a block").0;
			cursor = Some(Cursor { genesis_hash: genesis.clone(), block_number: last.number, block_hash: last.hash.clone() });
			batch.clear();
		}
	}
	let took = started.elapsed().as_secs_f64();
	println!(
		"write: {total} screenings in {blocks} blocks in {took:.1} s: {:.0} blocks/s, {:.0} records/s (SQLite, {} blocks a transaction, as a backfill writes)",
		blocks as f64 / took,
		total as f64 / took,
		follow::MAX_BATCH
	);
	Ok(total as f64 / took)
}

/// The knowledge pass as the server runs it beside its follower, on `store`.
fn spawn_knowledge(store: &Store) -> tokio::task::JoinHandle<()> {
	use cinechain_indexer::{
		anomaly::Thresholds,
		knowledge::{Catalogue, Knowledge},
	};
	let knowledge = Knowledge::new(store.clone(), Thresholds::default(), Catalogue::default());
	tokio::spawn(async move { knowledge.run().await })
}

/// Blocks indexed and blocks judged so far.
async fn progress(store: &Store) -> Result<(u32, u32), store::Error> {
	let indexed = store.cursor().await?.map_or(0, |c| c.block_number);
	let judged = store.judged().await?.map_or(0, |j| j.block_number);
	Ok((indexed, judged))
}

/// Waits for the knowledge pass to judge every indexed block; how long that took.
async fn catch_up(store: &Store) -> Result<Duration, store::Error> {
	let started = Instant::now();
	loop {
		let (indexed, judged) = progress(store).await?;
		if judged >= indexed {
			return Ok(started.elapsed());
		}
		tokio::time::sleep(Duration::from_millis(50)).await;
	}
}

/// The knowledge pass over the whole synthetic index, as after a backfill: its rate.
async fn judge(store: &Store) -> Result<(), store::Error> {
	use cinechain_indexer::{
		anomaly::Thresholds,
		knowledge::{Catalogue, Knowledge},
	};
	let knowledge = Knowledge::new(store.clone(), Thresholds::default(), Catalogue::default());
	let started = Instant::now();
	let mut blocks: u32 = 0;
	loop {
		let judged = knowledge.judge_next().await?;
		if judged == 0 {
			break;
		}
		blocks += judged;
	}
	let took = started.elapsed().as_secs_f64();
	let screenings = count(store, "screenings").await;
	println!(
		"knowledge pass: {screenings} screenings in {blocks} blocks judged in {took:.1} s: {:.0} records/s, {:.2} ms a block, {} alerts, {} daily counts",
		screenings as f64 / took,
		took * 1000.0 / f64::from(blocks.max(1)),
		count(store, "alerts").await,
		count(store, "daily_cinemas").await
	);
	Ok(())
}

/// The rules' cost to the writing `work` (which fills the fresh store it is given and answers
/// its rate in records per second; `before` is its rate in a first run): run again with the
/// knowledge pass beside it, as the server runs them, then alone once more. The middle run's
/// rate is printed against the mean of the runs alone, so that a machine that drifts between
/// runs does not pass for the rules' cost; then how long the pass took to catch up.
async fn rules_cost<W, F>(what: &str, dir: &std::path::Path, before: f64, work: W) -> Result<(), String>
where
	W: Fn(Store) -> F,
	F: std::future::Future<Output = Result<f64, String>>,
{
	let fresh = |name: &str| {
		let path = dir.join(name);
		let _ = std::fs::remove_file(&path);
		async move { Store::open(path.to_str().unwrap()).await.map_err(|e| e.to_string()) }
	};
	let store = fresh("judged.db").await?;
	let knowledge = spawn_knowledge(&store);
	let rate = work(store.clone()).await?;
	let (indexed, judged) = progress(&store).await.map_err(|e| e.to_string())?;
	let behind = catch_up(&store).await.map_err(|e| e.to_string())?;
	knowledge.abort();
	let alerts = count(&store, "alerts").await;
	drop(store);
	let after = work(fresh("again.db").await?).await?;
	let alone = (before + after) / 2.0;
	println!(
		"{what} with the knowledge pass running beside it: {rate:.0} records/s, {:+.1} % against {alone:.0} records/s without it \
		 (the mean of {before:.0} before and {after:.0} after; goal: no more than 20 % slower); the pass had judged {judged} of \
		 {indexed} blocks when the {what} ended, and caught up {:.1} s later ({alerts} alerts)",
		(rate / alone - 1.0) * 100.0,
		behind.as_secs_f64()
	);
	Ok(())
}

/// One `GET /screenings` as the handler runs it, minus HTTP: the query built and bounded, run,
/// the rows decoded, the page encoded. Returns the rows on the page.
async fn screenings_page(store: &Store, args: &[(&str, String)]) -> usize {
	let params: HashMap<String, String> = args.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
	let sql = api::screenings_sql(store, params, query::MAX_LIMIT).await.expect("a valid query");
	let rows = store.fetch(&sql.text, &sql.params).await.expect("the query runs");
	let items: Vec<Screening> = rows.iter().map(store::screening_from_row).collect::<Result<_, _>>().expect("rows decode");
	let json = serde_json::to_vec(&items).expect("JSON");
	std::hint::black_box(json);
	items.len()
}

async fn queries(store: &Store, runs: usize) {
	let mut rng = Rng(0x2545_f491_4f6c_dd1d);
	let day = 24 * 3600 * 1000;
	type Make = fn(&mut Rng) -> Vec<(&'static str, String)>;
	let kinds: Vec<(&str, Make)> = vec![
		("first page, no filter", |_| vec![]),
		("device", |r| vec![("device", (r.below(CINEMAS * DEVICES_PER_CINEMA) + 1).to_string())]),
		("cinema", |r| vec![("cinema", r.below(CINEMAS).to_string())]),
		("region prefix (province)", |r| vec![("region", format!("CN-{:02}", 11 + r.below(REGIONS)))]),
		("film code", |r| vec![("filmCode", film_code(r.below(FILMS)))]),
		("CPL id", |r| vec![("cplId", cpl_id(r.below(FILMS)))]),
		("title words", |r| vec![("title", WORDS[r.below(WORDS.len() as u32) as usize].to_string())]),
		("title, rare (one film)", |r| vec![("title", format!(" {}", r.below(FILMS)))]),
		("projectionist", |r| vec![("projectionist", projectionist(r.below(PROJECTIONISTS)))]),
		("time range (one day)", |r| {
			let from = START_MS + r.below(364) as i64 * 24 * 3600 * 1000;
			vec![("from", from.to_string()), ("to", (from + 24 * 3600 * 1000).to_string())]
		}),
		("cinema + one week", |r| {
			let from = START_MS + r.below(358) as i64 * 24 * 3600 * 1000;
			vec![("cinema", r.below(CINEMAS).to_string()), ("from", from.to_string()), ("to", (from + 7 * 24 * 3600 * 1000).to_string())]
		}),
		("film code + region", |r| {
			vec![("filmCode", film_code(r.below(FILMS))), ("region", format!("CN-{:02}", 11 + r.below(REGIONS)))]
		}),
	];
	println!("{:<28} {:>8} {:>8} {:>8} {:>6}", "GET /screenings filter", "p50 ms", "p99 ms", "max ms", "rows");
	for (name, make) in kinds {
		let mut samples = Vec::with_capacity(runs);
		let mut rows = 0;
		for _ in 0..runs {
			let args = make(&mut rng);
			let started = Instant::now();
			rows += screenings_page(store, &args).await;
			samples.push(started.elapsed());
		}
		samples.sort();
		println!(
			"{name:<28} {:>8} {:>8} {:>8} {:>6}",
			ms(percentile(&samples, 50.0)),
			ms(percentile(&samples, 99.0)),
			ms(*samples.last().unwrap()),
			rows / runs
		);
	}
	// Paging: the next page after a cursor, deep in the listing.
	let mut samples = Vec::with_capacity(runs);
	for _ in 0..runs {
		let at = START_MS + rng.below(360) as i64 * day;
		let args = vec![("cursor", query::screening_cursor(at, 1, 1))];
		let started = Instant::now();
		screenings_page(store, &args).await;
		samples.push(started.elapsed());
	}
	samples.sort();
	println!(
		"{:<28} {:>8} {:>8} {:>8}",
		"next page (cursor)",
		ms(percentile(&samples, 50.0)),
		ms(percentile(&samples, 99.0)),
		ms(*samples.last().unwrap())
	);
}

async fn count(store: &Store, table: &str) -> i64 {
	use sqlx::Row;
	let rows = store.fetch(&format!("SELECT COUNT(*) AS n FROM {table}"), &[]).await.expect("count");
	rows[0].try_get::<i64, _>("n").expect("a count")
}

async fn backfill(url: &str, dir: &std::path::Path, lag_blocks: u32, proofs: Option<(&std::path::Path, usize)>) -> Result<(), String> {
	let store = Store::open(dir.join("backfill.db").to_str().unwrap()).await.map_err(|e| e.to_string())?;
	let follower = Follower::connect(url, store.clone()).await.map_err(|e| e.to_string())?;
	let finalized = follower.finalized().await.map_err(|e| e.to_string())?;
	let started = Instant::now();
	follower.index_range(0..=finalized, None, None).await.map_err(|e| e.to_string())?;
	let took = started.elapsed().as_secs_f64();
	let records = count(&store, "screenings").await;
	let extrinsics: i64 = {
		use sqlx::Row;
		let rows = store.fetch("SELECT COALESCE(SUM(extrinsics), 0) AS n FROM blocks", &[]).await.map_err(|e| e.to_string())?;
		rows[0].try_get("n").map_err(|e| e.to_string())?
	};
	println!(
		"backfill from {url}: {} blocks ({extrinsics} extrinsics, {records} screenings) in {took:.1} s: {:.0} blocks/s, {:.0} records/s",
		finalized + 1,
		(finalized + 1) as f64 / took,
		records as f64 / took
	);
	by_kind(url, dir, &store, finalized).await?;
	let again = |store: Store| async move {
		let follower = Follower::connect(url, store.clone()).await.map_err(|e| e.to_string())?;
		let started = Instant::now();
		follower.index_range(0..=finalized, None, None).await.map_err(|e| e.to_string())?;
		Ok(count(&store, "screenings").await as f64 / started.elapsed().as_secs_f64())
	};
	rules_cost("backfill", dir, records as f64 / took, again).await?;
	// Lag: the follower's own loop, timed from the moment the node reports a block finalized
	// to the moment the index has it.
	let run = {
		let store = store.clone();
		let url = url.to_string();
		tokio::spawn(async move {
			let follower = Follower::connect(&url, store).await.map_err(|e| e.to_string())?;
			follower.run(None).await.map_err(|e| e.to_string())
		})
	};
	let mut lags = Vec::new();
	let mut seen = finalized;
	let deadline = Instant::now() + Duration::from_secs(60 + 30 * lag_blocks as u64);
	while lags.len() < lag_blocks as usize && Instant::now() < deadline {
		let now = follower.finalized().await.map_err(|e| e.to_string())?;
		if now > seen {
			let at = Instant::now();
			while store.cursor().await.map_err(|e| e.to_string())?.map_or(0, |c| c.block_number) < now {
				if run.is_finished() || Instant::now() > deadline {
					run.abort();
					return Err(format!("block #{now} never reached the index (the follower stopped or the time is up)"));
				}
				tokio::time::sleep(Duration::from_millis(5)).await;
			}
			lags.push(at.elapsed());
			seen = now;
		}
		tokio::time::sleep(Duration::from_millis(20)).await;
	}
	run.abort();
	if lags.is_empty() {
		return Err("no new finalized block to time the lag with".into());
	}
	lags.sort();
	println!(
		"lag behind finality ({} blocks; the follower polls every {} ms, this bench every 20 ms): p50 {} ms, max {} ms",
		lags.len(),
		follow::POLL.as_millis(),
		ms(percentile(&lags, 50.0)),
		ms(*lags.last().unwrap())
	);
	if let Some((spec, count)) = proofs {
		prove(url, &store, spec, count).await?;
	}
	Ok(())
}

/// The backfill's two kinds of work apart, each into a fresh file: the blocks up to the last one
/// that holds screenings (records/s: reading, decoding and writing them) and the blocks after it
/// (blocks/s: what a block costs that carries none), which the two goals measure.
async fn by_kind(url: &str, dir: &std::path::Path, indexed: &Store, finalized: u32) -> Result<(), String> {
	use sqlx::Row;
	let rows = indexed.fetch("SELECT COALESCE(MAX(block_number), 0) AS n FROM screenings", &[]).await.map_err(|e| e.to_string())?;
	let last = rows[0].try_get::<i64, _>("n").map_err(|e| e.to_string())? as u32;
	if last == 0 || last >= finalized {
		return Ok(());
	}
	let part = |name: &'static str, range: std::ops::RangeInclusive<u32>| async move {
		let path = dir.join(name);
		let _ = std::fs::remove_file(&path);
		let store = Store::open(path.to_str().unwrap()).await.map_err(|e| e.to_string())?;
		let follower = Follower::connect(url, store.clone()).await.map_err(|e| e.to_string())?;
		let started = Instant::now();
		follower.index_range(range, None, None).await.map_err(|e| e.to_string())?;
		Ok::<_, String>((started.elapsed().as_secs_f64(), count(&store, "screenings").await))
	};
	let (with, records) = part("records.db", 0..=last).await?;
	let (without, _) = part("empty.db", last + 1..=finalized).await?;
	println!(
		"backfill by kind: blocks #0-#{last} ({records} screenings) in {with:.2} s: {:.0} records/s; blocks #{}-#{finalized} (no screenings) in {without:.2} s: {:.0} blocks/s",
		records as f64 / with,
		last + 1,
		f64::from(finalized - last) / without
	);
	Ok(())
}

/// `--from`: blocks `from..=` the node's finalized head backfilled `runs` times, each into a
/// fresh file; each run's rate and the median.
async fn range_runs(url: &str, dir: &std::path::Path, from: u32, runs: usize) -> Result<(), String> {
	let mut rates = Vec::with_capacity(runs);
	let mut last = from;
	for run in 1..=runs {
		let path = dir.join("range.db");
		let _ = std::fs::remove_file(&path);
		let store = Store::open(path.to_str().unwrap()).await.map_err(|e| e.to_string())?;
		let follower = Follower::connect(url, store.clone()).await.map_err(|e| e.to_string())?;
		// The same blocks every run: the head of the first.
		if run == 1 {
			last = follower.finalized().await.map_err(|e| e.to_string())?;
			if last < from {
				return Err(format!("the node's finalized head #{last} is before --from #{from}"));
			}
		}
		let started = Instant::now();
		follower.index_range(from..=last, None, None).await.map_err(|e| e.to_string())?;
		let rate = f64::from(last - from + 1) / started.elapsed().as_secs_f64();
		println!("run {run}: blocks #{from}-#{last} ({} screenings) at {rate:.0} blocks/s", count(&store, "screenings").await);
		rates.push(rate);
	}
	rates.sort_by(f64::total_cmp);
	println!("backfill of blocks #{from}-#{last}, {runs} runs: median {:.0} blocks/s (min {:.0}, max {:.0})", rates[runs / 2], rates[0], rates[runs - 1]);
	Ok(())
}

/// Proofs of `count` indexed screenings, spread over the index: made from the node as
/// `GET /proof` makes them, then checked against the chain spec as a regulator's verifier does.
async fn prove(url: &str, store: &Store, spec: &std::path::Path, count: usize) -> Result<(), String> {
	use cinechain_proof::{bundle::Bundle, verify};
	use sqlx::Row;
	let spec = std::fs::read(spec).map_err(|e| format!("cannot read {}: {e}", spec.display()))?;
	let chain = verify::TrustedChain::from_chain_spec(&spec)?;
	let rows = store.fetch("SELECT device, seq FROM screenings ORDER BY device, seq", &[]).await.map_err(|e| e.to_string())?;
	if rows.is_empty() {
		return Err("no screening is indexed: nothing to prove".into());
	}
	let keys: Vec<(u64, u64)> = rows
		.iter()
		.step_by(rows.len().div_ceil(count.max(1)))
		.map(|r| Ok((r.try_get::<i64, _>("device")? as u64, r.try_get::<i64, _>("seq")? as u64)))
		.collect::<Result<_, sqlx::Error>>()
		.map_err(|e| e.to_string())?;
	let prover = cinechain_indexer::prove::Prover::new(url);
	let (mut made, mut checked, mut sizes) = (Vec::new(), Vec::new(), Vec::new());
	for (device, seq) in keys {
		let started = Instant::now();
		let bundle = prover.bundle(store, device, seq).await.map_err(|e| format!("proof of {device}/{seq}: {e:?}"))?;
		made.push(started.elapsed());
		let json = serde_json::to_vec(&bundle).map_err(|e| e.to_string())?;
		sizes.push(json.len());
		// What a verifier receives: the JSON, parsed and checked.
		let started = Instant::now();
		let received = Bundle::from_json(&json)?;
		verify::verify(&received, &chain).map_err(|refusal| format!("proof of {device}/{seq} refused: {refusal}"))?;
		checked.push(started.elapsed());
	}
	made.sort();
	checked.sort();
	sizes.sort();
	println!(
		"proofs of {} screenings: JSON size p50 {} bytes, max {} bytes; made from the node p50 {} ms, max {} ms; verified p50 {} ms, max {} ms",
		sizes.len(),
		sizes[sizes.len() / 2],
		sizes[sizes.len() - 1],
		ms(percentile(&made, 50.0)),
		ms(*made.last().unwrap()),
		ms(percentile(&checked, 50.0)),
		ms(*checked.last().unwrap())
	);
	Ok(())
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
	let cli = Cli::parse();
	if cli.per_block == 0 || cli.queries == 0 || (cli.screenings == 0 && cli.node.is_none()) {
		eprintln!("bench-indexer: --per-block and --queries must be positive, and --screenings too without --node");
		return std::process::ExitCode::FAILURE;
	}
	// A directory of our own unless one is given; removed at the end (the files are large).
	let (dir, ours) = match &cli.dir {
		Some(dir) => (dir.clone(), false),
		None => (std::env::temp_dir().join(format!("bench-indexer-{}", std::process::id())), true),
	};
	if let Err(e) = std::fs::create_dir_all(&dir) {
		eprintln!("bench-indexer: cannot create {}: {e}", dir.display());
		return std::process::ExitCode::FAILURE;
	}
	let code = run(&cli, &dir).await;
	if ours {
		let _ = std::fs::remove_dir_all(&dir);
	}
	code
}

async fn run(cli: &Cli, dir: &std::path::Path) -> std::process::ExitCode {
	if cli.screenings > 0 {
		let path = dir.join("queries.db");
		let _ = std::fs::remove_file(&path);
		let store = Store::open(path.to_str().unwrap()).await.expect("a fresh SQLite file");
		let alone = match fill(&store, cli.screenings, cli.per_block).await {
			Ok(rate) => rate,
			Err(e) => {
				eprintln!("bench-indexer: writing failed: {e}");
				return std::process::ExitCode::FAILURE;
			},
		};
		println!("index: {} screenings, {} MiB on disk", count(&store, "screenings").await, std::fs::metadata(&path).map_or(0, |m| m.len()) >> 20);
		queries(&store, cli.queries).await;
		if let Err(e) = judge(&store).await {
			eprintln!("bench-indexer: the knowledge pass failed: {e}");
			return std::process::ExitCode::FAILURE;
		}
		drop(store);
		let write = |store: Store| async move { fill(&store, cli.screenings, cli.per_block).await.map_err(|e| e.to_string()) };
		if let Err(e) = rules_cost("write", dir, alone, write).await {
			eprintln!("bench-indexer: writing with the knowledge pass running failed: {e}");
			return std::process::ExitCode::FAILURE;
		}
	}
	if let (Some(url), Some(from)) = (&cli.node, cli.from) {
		if let Err(e) = range_runs(url, dir, from, cli.runs.max(1)).await {
			eprintln!("bench-indexer: backfill from {url}: {e}");
			return std::process::ExitCode::FAILURE;
		}
		return std::process::ExitCode::SUCCESS;
	}
	if let Some(url) = &cli.node {
		if let Err(e) = backfill(url, dir, cli.lag_blocks, cli.chain_spec.as_deref().map(|spec| (spec, cli.proofs))).await {
			eprintln!("bench-indexer: backfill from {url}: {e}");
			return std::process::ExitCode::FAILURE;
		}
	}
	std::process::ExitCode::SUCCESS
}
