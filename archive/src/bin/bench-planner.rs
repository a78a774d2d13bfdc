//! `bench-planner`: what an archive member's bookkeeping costs on a long chain, without nodes.
//!
//! - The worker's planner ([`Planner`]) on a synthetic finalized chain (block hashes are
//!   `blake2_256` of the number) for a cluster of 8 members and one of 64 (every node of a
//!   64-node registry in one view: a stress of the holder rule), R = 3: the first plan over the
//!   whole chain, each newly finalized block in steady state, the whole chain again after a
//!   member dies, and the memory it takes.
//! - A real archive store in a temporary directory, filled with valid synthetic blocks: put,
//!   open (which re-checks and re-indexes every file), the scrub at full speed and at the
//!   worker's configured rate, and remove.
//!
//! `scripts/bench-planner.sh` builds and runs it; `--help` lists the arguments.

use std::{
	cell::Cell,
	collections::BTreeMap,
	ops::RangeInclusive,
	path::PathBuf,
	time::{Duration, Instant},
};

use cinechain_archive::{
	block::synthetic::block_with,
	plan::{ClusterView, InMemory, PlanInputs, Planner},
	store::{self, ArchiveStore, Held, Scrubber},
	worker::{SCRUB_EVERY, SCRUB_SLICE_BLOCKS, SCRUB_SLICE_BYTES},
};
use pallet_archive::runtime_api::MemberInfo;
use sp_core::H256;
use sp_runtime::traits::{BlakeTwo256, Hash as _};

/// Copies of each block, as the runtime's `ArchiveReplication`.
const R: u32 = 3;
/// Network segments the synthetic members stand in.
const ZONES: u32 = 4;
/// The chain length the scrub's full cycle is worked out for.
const CYCLE_BLOCKS: f64 = 1_000_000.0;

struct Args {
	blocks: u32,
	steady: u32,
	store_blocks: u32,
	block_bytes: usize,
	dir: PathBuf,
	/// Set in the child processes that measure the planner, one per cluster size, so that
	/// each one's memory figures are its own.
	planner_members: Option<u32>,
}

const USAGE: &str = "bench-planner [--blocks N (1000000)] [--steady N (1000)] [--store-blocks N (20000)] \
                     [--block-bytes N (2048)] [--dir PATH (a new directory under the system's temporary one)]";

fn args() -> Result<Args, String> {
	let mut args = Args {
		blocks: 1_000_000,
		steady: 1_000,
		store_blocks: 20_000,
		block_bytes: 2_048,
		dir: std::env::temp_dir().join(format!("bench-planner-{}", std::process::id())),
		planner_members: None,
	};
	let mut given = std::env::args().skip(1);
	while let Some(flag) = given.next() {
		if flag == "--help" || flag == "-h" {
			return Err(USAGE.into());
		}
		let value = given.next().ok_or(format!("{flag} needs a value\n{USAGE}"))?;
		let number = || value.replace('_', "").parse::<u32>().map_err(|e| format!("{flag} {value}: {e}"));
		match flag.as_str() {
			"--blocks" => args.blocks = number()?.max(1),
			"--steady" => args.steady = number()?.max(1),
			"--store-blocks" => args.store_blocks = number()?.max(1),
			"--block-bytes" => args.block_bytes = number()?.max(64) as usize,
			"--dir" => args.dir = PathBuf::from(&value),
			"--planner-members" => args.planner_members = Some(number()?.max(2)),
			_ => return Err(format!("unknown argument {flag}\n{USAGE}")),
		}
	}
	Ok(args)
}

fn main() {
	let args = match args() {
		Ok(args) => args,
		Err(message) => {
			eprintln!("{message}");
			std::process::exit(2);
		},
	};
	if let Some(members) = args.planner_members {
		println!("{}", values(&planner_figures(args.blocks, args.steady, members)).join("\t"));
		return;
	}
	println!(
		"bench-planner: {} finalized blocks, R = {R}, {} new blocks in steady state; store of {} blocks of ~{} bytes",
		args.blocks, args.steady, args.store_blocks, args.block_bytes
	);
	let columns: Result<Vec<(u32, Vec<String>)>, String> =
		[8, 64].into_iter().map(|members| Ok((members, planner_column(&args, members)?))).collect();
	match columns {
		Ok(columns) => print_planner(&args, &columns),
		Err(e) => eprintln!("planner benchmark failed: {e}"),
	}
	match store_figures(&args) {
		Ok(figures) => print_store(&args, &figures),
		Err(e) => eprintln!("store benchmark failed in {}: {e}", args.dir.display()),
	}
	let _ = std::fs::remove_dir_all(&args.dir);
}

/// A member-info for synthetic node `node`, online.
fn member(node: u32) -> MemberInfo {
	MemberInfo {
		node,
		zone: (node % ZONES) as u16,
		address: format!("http://10.0.0.{node}:9944").into_bytes().try_into().expect("a short address"),
		online: true,
	}
}

fn hash_of(number: u32) -> H256 {
	BlakeTwo256::hash(&number.to_le_bytes())
}

/// [`InMemory`], timing how long the planner holds "the store" (the worker holds its lock
/// that long).
struct Timed {
	inputs: InMemory,
	longest_hold: Cell<Duration>,
}

impl PlanInputs for Timed {
	fn tip(&self) -> u32 {
		self.inputs.tip()
	}
	fn hashes(&self, numbers: RangeInclusive<u32>) -> Vec<H256> {
		self.inputs.hashes(numbers)
	}
	fn take_changed(&self) -> Vec<u32> {
		self.inputs.take_changed()
	}
	fn with_held<T>(&self, f: impl FnOnce(&BTreeMap<u32, Held>) -> T) -> T {
		let start = Instant::now();
		let result = self.inputs.with_held(f);
		self.longest_hold.set(self.longest_hold.get().max(start.elapsed()));
		result
	}
}

/// Steps `planner` until its plan reaches the tip; returns the steps taken and the longest.
fn catch_up(planner: &mut Planner, view: &ClusterView, inputs: &Timed) -> (u32, Duration) {
	let (mut steps, mut longest) = (0, Duration::ZERO);
	loop {
		let start = Instant::now();
		let step = planner.step(view, inputs);
		longest = longest.max(start.elapsed());
		steps += 1;
		assert!(step.stale.is_empty(), "the synthetic store holds only canonical copies");
		if step.done {
			return (steps, longest);
		}
	}
}

#[derive(Default)]
struct PlannerFigures {
	first: Duration,
	first_steps: u32,
	longest_step: Duration,
	longest_hold: Duration,
	share: usize,
	bookkeeping: Duration,
	mean: Duration,
	p99: Duration,
	max: Duration,
	replan: Duration,
	taken_over: usize,
	rss_chain: u64,
	rss_planned: u64,
	rss_held: u64,
	hwm: u64,
}

/// The planner of member 0 in a cluster of `members`, on a chain of `blocks` finalized blocks,
/// then `steady` more one at a time.
fn planner_figures(blocks: u32, steady: u32, members: u32) -> PlannerFigures {
	let mut figures = PlannerFigures::default();
	let mut view = ClusterView {
		me: Some(0),
		cluster: 0,
		members: (0..members).map(member).collect(),
		replication: R,
		suspects: Vec::new(),
	};
	let inputs = Timed {
		inputs: InMemory { chain: (0..=blocks).map(hash_of).collect(), ..Default::default() },
		longest_hold: Cell::new(Duration::ZERO),
	};
	figures.rss_chain = memory("VmRSS");

	// A new member (nothing held): the whole chain, a chunk a step.
	let mut planner = Planner::default();
	let start = Instant::now();
	(figures.first_steps, figures.longest_step) = catch_up(&mut planner, &view, &inputs);
	figures.first = start.elapsed();
	figures.longest_hold = inputs.longest_hold.get();
	figures.share = planner.fetch().len();
	figures.rss_planned = memory("VmRSS");

	// It fetches its share: the planner takes each fetched block off its list.
	for (number, hash) in planner.newest_fetches(usize::MAX) {
		inputs.inputs.put(number, hash);
	}
	let start = Instant::now();
	catch_up(&mut planner, &view, &inputs);
	figures.bookkeeping = start.elapsed();
	assert!(planner.fetch().is_empty());
	figures.rss_held = memory("VmRSS");

	// Steady state: one new block at a time, fetched when it is this member's.
	let mut inputs = inputs;
	let mut times = Vec::with_capacity(steady as usize);
	for number in blocks + 1..=blocks + steady {
		inputs.inputs.chain.push(hash_of(number));
		let start = Instant::now();
		catch_up(&mut planner, &view, &inputs);
		times.push(start.elapsed());
		for (number, hash) in planner.newest_fetches(1) {
			inputs.inputs.put(number, hash);
		}
	}
	times.sort_unstable();
	figures.mean = times.iter().sum::<Duration>() / times.len() as u32;
	figures.p99 = times[(times.len() * 99 / 100).min(times.len() - 1)];
	figures.max = *times.last().expect("at least one block");

	// A member dies: the whole chain again; this member takes its part of the dead one's share.
	view.members[members as usize - 1].online = false;
	let start = Instant::now();
	catch_up(&mut planner, &view, &inputs);
	figures.replan = start.elapsed();
	figures.taken_over = planner.fetch().len();
	figures.hwm = memory("VmHWM");
	figures
}

/// A figure of this process's memory from `/proc/self/status`, in kB (0 where there is none).
fn memory(field: &str) -> u64 {
	let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
	status
		.lines()
		.find_map(|line| line.strip_prefix(field)?.strip_prefix(':')?.trim().strip_suffix("kB")?.trim().parse().ok())
		.unwrap_or(0)
}

fn ms(duration: Duration) -> String {
	format!("{:.1} ms", duration.as_secs_f64() * 1e3)
}

fn us(duration: Duration) -> String {
	format!("{:.1} µs", duration.as_secs_f64() * 1e6)
}

fn mib(kb: u64) -> String {
	format!("{:.1} MiB", kb as f64 / 1024.0)
}

/// The planner's figures for a cluster of `members`, measured in a process of their own.
fn planner_column(args: &Args, members: u32) -> Result<Vec<String>, String> {
	let exe = std::env::current_exe().map_err(|e| e.to_string())?;
	let output = std::process::Command::new(exe)
		.args(["--blocks", &args.blocks.to_string(), "--steady", &args.steady.to_string()])
		.args(["--planner-members", &members.to_string()])
		.output()
		.map_err(|e| e.to_string())?;
	if !output.status.success() {
		return Err(String::from_utf8_lossy(&output.stderr).into_owned());
	}
	Ok(String::from_utf8_lossy(&output.stdout).trim().split('\t').map(String::from).collect())
}

/// One column of the planner's table, in the order of [`print_planner`]'s labels.
fn values(f: &PlannerFigures) -> Vec<String> {
	vec![
		ms(f.first),
		f.first_steps.to_string(),
		ms(f.longest_step),
		ms(f.longest_hold),
		f.share.to_string(),
		ms(f.bookkeeping),
		us(f.mean),
		us(f.p99),
		us(f.max),
		ms(f.replan),
		f.taken_over.to_string(),
		mib(f.rss_chain),
		mib(f.rss_planned),
		mib(f.rss_held),
		mib(f.hwm),
	]
}

fn print_planner(args: &Args, columns: &[(u32, Vec<String>)]) {
	let labels = [
		format!("first plan, whole chain ({} blocks)", args.blocks),
		"  steps (chunks)".into(),
		"  longest step (worker yields between)".into(),
		"  longest store lock hold".into(),
		"  this member's share (blocks to fetch)".into(),
		"share fetched: taking it off the list".into(),
		format!("new block, steady state: mean ({} blocks)", args.steady),
		"  p99".into(),
		"  max".into(),
		"member dies: whole chain again".into(),
		"  blocks taken over from it".into(),
		"VmRSS, the chain's hashes alone".into(),
		"VmRSS after the first plan".into(),
		"VmRSS with the share held (index)".into(),
		"VmHWM (peak)".into(),
	];
	println!();
	print!("{:<46}", "planner, R = 3 (one process per cluster)");
	for (members, _) in columns {
		print!(" {:>16}", format!("{members} members"));
	}
	println!();
	for (row, label) in labels.iter().enumerate() {
		print!("{label:<46}");
		for (_, values) in columns {
			print!(" {:>16}", values.get(row).map_or("?", String::as_str));
		}
		println!();
	}
}

struct StoreFigures {
	bytes: u64,
	put: Duration,
	open: Duration,
	scrub: Duration,
	scrub_slices: u32,
	remove: Duration,
}

/// A valid block `number` of about `bytes` bytes: four extrinsics of its own.
fn synthetic_block(number: u32, bytes: usize) -> (H256, Vec<u8>) {
	let extrinsics = (0..4u32)
		.map(|i| {
			let mut body = vec![(number % 251) as u8; bytes / 4 - 8];
			body[..4].copy_from_slice(&number.to_le_bytes());
			body[4..8].copy_from_slice(&i.to_le_bytes());
			body
		})
		.collect();
	block_with(number, extrinsics)
}

fn store_figures(args: &Args) -> std::io::Result<StoreFigures> {
	let _ = std::fs::remove_dir_all(&args.dir);
	let blocks: Vec<(u32, H256, Vec<u8>)> = (1..=args.store_blocks)
		.map(|n| {
			let (hash, bytes) = synthetic_block(n, args.block_bytes);
			(n, hash, bytes)
		})
		.collect();
	let bytes = blocks.iter().map(|(_, _, b)| b.len() as u64).sum();
	let (mut store, _) = ArchiveStore::open(&args.dir)?;
	let start = Instant::now();
	for (number, hash, block) in &blocks {
		store.put(*number, *hash, block).map_err(|e| std::io::Error::other(e.to_string()))?;
	}
	let put = start.elapsed();
	drop(store);
	drop(blocks);

	let start = Instant::now();
	let (mut store, damaged) = ArchiveStore::open(&args.dir)?;
	let open = start.elapsed();
	assert!(damaged.is_empty() && store.held().len() == args.store_blocks as usize);

	// A whole cycle at full speed: the worker's slices, with no pause between them.
	let mut scrubber = Scrubber::default();
	let mut scrub_slices = 0;
	let start = Instant::now();
	loop {
		let slice = scrubber.next_slice(&store, SCRUB_SLICE_BLOCKS, SCRUB_SLICE_BYTES);
		let found = store::check_files(&slice);
		assert!(store.drop_damaged(found).is_empty());
		scrub_slices += 1;
		if scrubber.cycle_done() {
			break;
		}
	}
	let scrub = start.elapsed();

	let start = Instant::now();
	for number in 1..=args.store_blocks {
		store.remove(number)?;
	}
	let remove = start.elapsed();
	assert!(store.held().is_empty());
	Ok(StoreFigures { bytes, put, open, scrub, scrub_slices, remove })
}

fn print_store(args: &Args, f: &StoreFigures) {
	let n = args.store_blocks as f64;
	let mb = f.bytes as f64 / 1e6;
	let rate = |d: Duration| format!("{:>10.0} blocks/s {:>8.1} MB/s", n / d.as_secs_f64(), mb / d.as_secs_f64());
	println!();
	println!(
		"archive store: {} blocks, {:.1} MB ({} bytes a block), in {}",
		args.store_blocks,
		mb,
		f.bytes / args.store_blocks as u64,
		args.dir.display()
	);
	println!("{:<46} {}", "put (checked, written, synced, indexed)", rate(f.put));
	println!("{:<46} {}", "open (every file read, checked, indexed)", rate(f.open));
	println!("{:<46} {}", format!("scrub, full speed ({} slices, warm cache)", f.scrub_slices), rate(f.scrub));
	println!("{:<46} {}", "remove (file and indexes)", rate(f.remove));
	// The configured rate: a slice every SCRUB_EVERY, bounded by blocks or bytes.
	let average = f.bytes as f64 / n;
	let per_slice = (SCRUB_SLICE_BLOCKS as f64).min((SCRUB_SLICE_BYTES as f64 / average).max(1.0));
	let configured = per_slice / SCRUB_EVERY.as_secs_f64();
	let per_block = f.scrub.as_secs_f64() / n;
	println!(
		"{:<46} {:>10.1} blocks/s {:>8.2} MB/s",
		format!("scrub, configured ({SCRUB_SLICE_BLOCKS} blocks / {} s)", SCRUB_EVERY.as_secs()),
		configured,
		configured * average / 1e6
	);
	println!("{:<46} {:>10.3} % of a core", "  CPU at that rate (warm cache)", configured * per_block * 100.0);
	let cycle = CYCLE_BLOCKS / configured;
	println!("{:<46} {:>10.1} h", "  full cycle of a 1,000,000-block store", cycle / 3600.0);
	println!("{:<46} {:>10.1} h", "  full cycle of a 3/8 share of 1,000,000", cycle * 3.0 / 8.0 / 3600.0);
}
