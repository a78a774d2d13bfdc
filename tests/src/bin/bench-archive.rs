//! `bench-archive`: the archive cluster's figures, measured on real nodes on loopback.
//!
//! ```text
//! cargo run --profile release -p cinechain-e2e --bin bench-archive -- [--blocks N] [--slot-ms MS] [--members K]
//! ```
//! (`scripts/bench-archive.sh` builds and runs it.) It builds a chain of `N` finalized blocks
//! (default 1,000) carrying 300-byte extrinsics on a cluster of `K` members (default 5; R as the runtime sets it),
//! then prints:
//! - bytes each member keeps in its archive store, against all the chain's blocks (what a full
//!   archive node keeps), and both nodes' whole data directories;
//! - query latency of `cinearchive_block` for blocks a member holds (local) and blocks it must
//!   forward, median and p99;
//! - a member's resident memory while 100 clients call `cinearchive_status` at once, again and
//!   again (it must not grow with the chain: no call copies chain-length data);
//! - a new node's full sync (executing every block from genesis) from the pruned validator and
//!   the members, against the same sync from a node that kept every body;
//! - after `kill -9` of a member: seconds to its offline mark, and to R copies of every block.

use std::{
	path::Path,
	time::{Duration, Instant},
};

use cinechain_e2e::cluster::{held, status, Cluster};
use serde_json::json;

fn arg(name: &str, default: u64) -> u64 {
	let args: Vec<String> = std::env::args().collect();
	args.iter()
		.position(|a| a == name)
		.and_then(|i| args.get(i + 1))
		.map(|v| v.parse().unwrap_or_else(|_| panic!("{name} takes a number")))
		.unwrap_or(default)
}

fn dir_bytes(path: &Path) -> u64 {
	let Ok(entries) = std::fs::read_dir(path) else { return 0 };
	entries
		.filter_map(Result::ok)
		.map(|e| match e.metadata() {
			Ok(m) if m.is_dir() => dir_bytes(&e.path()),
			Ok(m) => m.len(),
			Err(_) => 0,
		})
		.sum()
}

/// Resident memory of process `pid`, KiB (0 if it is gone).
fn rss_kib(pid: u32) -> u64 {
	let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
	status
		.lines()
		.find_map(|line| line.strip_prefix("VmRSS:"))
		.and_then(|kib| kib.trim().trim_end_matches("kB").trim().parse().ok())
		.unwrap_or(0)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
	sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn main() {
	let blocks = arg("--blocks", 1_000) as u32;
	let slot_ms = arg("--slot-ms", 1_000);
	let members = arg("--members", 5) as usize;
	let dir = tempfile::tempdir().expect("temp dir");
	let start = Instant::now();
	let mut cluster = Cluster::start(dir.path(), 0, slot_ms);
	// Keeps every body (started while the validator still has them all): the yardstick for
	// syncing from the cluster.
	let bootnode = cluster.validator.multiaddr();
	let keeper = cluster.start_full_node("keeper", 8, ["--bootnodes", bootnode.as_str()]);
	for _ in 0..members {
		cluster.add_member();
	}
	println!("bench-archive: {members} members, R = {}, {blocks} blocks, {slot_ms} ms slots", cluster.r);
	let sent = cluster.load_until(blocks + 3);
	println!("chain built: {} extrinsics, #{} finalized, {:.0} s", sent.len(), blocks + 3, start.elapsed().as_secs_f64());
	cluster.wait_replicated("R copies of every block", blocks, Duration::from_secs(300));

	// Storage.
	let mut total_chain = 0u64;
	for number in 1..=blocks {
		let answer = cluster.validator.rpc.call("cinearchive_block", json!([number])).expect("a block");
		total_chain += (answer["block"].as_str().expect("hex").len() as u64 - 2) / 2;
	}
	println!("storage: all {blocks} blocks = {total_chain} bytes (what a full archive node keeps of bodies)");
	for (i, member) in cluster.members.iter().enumerate() {
		let s = status(&member.node).expect("status");
		let bytes = s["heldBytes"].as_u64().unwrap();
		println!(
			"  member {i}: {} blocks, {bytes} bytes = {:.1} % of the chain (goal <= R/K + 5 % = {:.1} %)",
			s["heldBlocks"],
			bytes as f64 * 100.0 / total_chain as f64,
			(cluster.r as f64 / members as f64 + 0.05) * 100.0
		);
	}
	println!(
		"  data directories: a node keeping every body {} bytes; member 0 (64 bodies + its share) {} bytes; validator (64 bodies) {} bytes",
		dir_bytes(&dir.path().join("keeper")),
		dir_bytes(&dir.path().join("archive0")),
		dir_bytes(&dir.path().join("validator"))
	);

	// Memory of a member answering many status calls at once.
	let member = &cluster.members[0].node;
	let pid = member.pid().expect("member 0 runs");
	let before = rss_kib(pid);
	let peak = std::sync::atomic::AtomicU64::new(before);
	let calls = std::sync::atomic::AtomicU64::new(0);
	let done = std::sync::atomic::AtomicBool::new(false);
	let started = Instant::now();
	std::thread::scope(|scope| {
		scope.spawn(|| {
			while !done.load(std::sync::atomic::Ordering::Relaxed) {
				peak.fetch_max(rss_kib(pid), std::sync::atomic::Ordering::Relaxed);
				std::thread::sleep(Duration::from_millis(20));
			}
		});
		let clients: Vec<_> = (0..100)
			.map(|_| {
				scope.spawn(|| {
					for _ in 0..50 {
						status(member).expect("status");
						calls.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
					}
				})
			})
			.collect();
		for client in clients {
			client.join().expect("a client");
		}
		done.store(true, std::sync::atomic::Ordering::Relaxed);
	});
	println!(
		"rpc memory: member 0 resident {before} KiB before, at most {} KiB while 100 clients made {} cinearchive_status calls ({:.1} s), {} KiB after",
		peak.into_inner(),
		calls.into_inner(),
		started.elapsed().as_secs_f64(),
		rss_kib(pid)
	);

	// A new node's full sync.
	let target = cluster.validator.finalized_number();
	let timeout = Duration::from_secs(1200);
	let from_cluster = cluster.sync_new_node("sync-from-cluster", 9, &cluster.multiaddrs(), target, timeout);
	let from_keeper = cluster.sync_new_node("sync-from-keeper", 10, &[keeper.multiaddr()], target, timeout);
	println!(
		"full sync of {target} blocks (every block executed): {:.1} s from the pruned validator and the cluster, {:.1} s from a node keeping every body",
		from_cluster.as_secs_f64(),
		from_keeper.as_secs_f64()
	);
	drop(keeper);

	// Query latency, as a client on loopback sees it.
	let member = &cluster.members[0].node;
	let (mut local, mut forwarded) = (Vec::new(), Vec::new());
	for round in 0..3 {
		for number in 1..=blocks {
			let t = Instant::now();
			let answer = member.rpc.call("cinearchive_block", json!([number])).expect("an answer");
			let took = t.elapsed();
			if round == 0 {
				continue; // warm-up
			}
			if answer["forwardedFrom"].is_u64() { forwarded.push(took) } else { local.push(took) }
		}
	}
	local.sort();
	forwarded.sort();
	for (what, times) in [("local", &local), ("forwarded", &forwarded)] {
		println!(
			"query latency {what}: n = {}, median {:.2} ms, p99 {:.2} ms",
			times.len(),
			percentile(times, 0.5).as_secs_f64() * 1e3,
			percentile(times, 0.99).as_secs_f64() * 1e3
		);
	}

	// Death of a member.
	let victim = members - 1;
	let lost = held(&cluster.members[victim].node).len();
	let at_kill = cluster.validator.finalized_number();
	let killed = Instant::now();
	cluster.kill(victim);
	let detected = cluster.wait_offline(victim, killed, Duration::from_secs(300));
	let replicated = cluster.wait_replicated("R copies after the death", at_kill, Duration::from_secs(600));
	println!(
		"death of member {victim} (held {lost} blocks of {at_kill}): offline after {:.1} s; every block back to R copies {:.1} s after that ({:.1} s after the kill)",
		detected.as_secs_f64(),
		replicated.as_secs_f64(),
		killed.elapsed().as_secs_f64()
	);
}
