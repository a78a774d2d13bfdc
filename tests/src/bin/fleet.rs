//! `fleet`: a fleet of projector agents (the real binary, each with its own embedded smoldot light
//! client) on a three-validator local network. Every agent gets a screening at the same moment;
//! the tool prints how long each took from the event file to the agent's finalized receipt
//! (p50/p95/max) and the agents' peak memory.
//!
//!   fleet [--rounds K] [N ...]    (default: 1 round of 10; e.g. `fleet --rounds 5 10 50 100`)
//!
//! Starts Alice, Bob and Charlie on the `local` chain (temp base paths, free loopback ports; all
//! killed at the end), and provisions the largest N devices ([`Fleet::start`]). Then, for each N
//! in turn ([`Fleet::round`]): starts N agents, waits until every one has synced, drops one
//! event into every spool at once, and waits (15 minutes at most) until every agent logs its
//! receipt, polling the logs every 50 ms. With `--rounds K` it does that K times per N, a
//! random part of a slot apart (every agent of a round records in the same slot, so one round
//! is about one sample of where in the slot the events fell), and reports over all of them.

use std::time::Duration;

use cinechain_e2e::fleet::{percentile, Fleet, Round};

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
	let mut args: Vec<String> = std::env::args().skip(1).collect();
	let rounds = match args.iter().position(|a| a == "--rounds") {
		Some(at) => {
			let k: usize = args.get(at + 1).and_then(|k| k.parse().ok()).filter(|&k| k > 0).expect("--rounds K: a number");
			args.drain(at..at + 2);
			k
		},
		None => 1,
	};
	let runs: Vec<usize> = args.iter().map(|n| n.parse().expect("N: a number of agents")).collect();
	let runs = if runs.is_empty() { vec![10] } else { runs };
	let most = *runs.iter().max().expect("a run");
	let mut fleet = Fleet::start(most).await;
	eprintln!("{most} devices provisioned; validators at finalized #{}", fleet.nodes[0].finalized_number());
	println!("| agents | rounds | synced in (worst) | p50 | p95 | max | RSS peak mean | RSS peak max |");
	println!("|---:|---:|---:|---:|---:|---:|---:|---:|");
	for n in runs {
		let mut all = Round { agents: n, synced_in: 0.0, latencies: Vec::new(), peak_rss_kib: Vec::new() };
		for k in 0..rounds {
			if k > 0 {
				// A random part of a 3 s slot, so the rounds sample the slot's phase.
				let mut byte = [0u8; 2];
				getrandom::fill(&mut byte).expect("randomness");
				tokio::time::sleep(Duration::from_millis(u64::from(u16::from_le_bytes(byte)) % 3_000)).await;
			}
			let round = fleet.round(n, Duration::from_secs(900)).await;
			all.synced_in = all.synced_in.max(round.synced_in);
			all.latencies.extend(round.latencies);
			all.peak_rss_kib.extend(round.peak_rss_kib);
		}
		all.latencies.sort_by(f64::total_cmp);
		let round = all;
		let mib = |kib: u64| kib as f64 / 1024.0;
		let peaks = &round.peak_rss_kib;
		let (mean, max) = (mib(peaks.iter().sum::<u64>() / peaks.len().max(1) as u64), mib(*peaks.iter().max().unwrap_or(&0)));
		let missing = n * rounds - round.latencies.len();
		let done = &round.latencies;
		let (p50, p95, worst) = match done.last() {
			Some(worst) => (format!("{:.1} s", percentile(done, 0.5)), format!("{:.1} s", percentile(done, 0.95)), format!("{worst:.1} s")),
			None => ("-".into(), "-".into(), "-".into()),
		};
		let note = if missing > 0 { format!(" {missing} not done in 900 s") } else { String::new() };
		println!("| {n} | {rounds} | {:.1} s | {p50} | {p95} | {worst} | {mean:.1} MiB | {max:.1} MiB |{note}", round.synced_in);
	}
}
