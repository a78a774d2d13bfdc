//! `fleet`: a fleet of projector agents (the real binary, each with its own embedded smoldot light
//! client) on a three-validator local network. Every agent gets a screening at the same moment;
//! the tool prints how long each took from the event file to the agent's finalized receipt
//! (p50/p95/max) and the agents' peak memory.
//!
//!   fleet [N ...]        (default: 10; e.g. `fleet 10 50 100`)
//!
//! Starts Alice, Bob and Charlie on the `local` chain (temp base paths, free loopback ports; all
//! killed at the end), and provisions the largest N devices ([`Fleet::start`]). Then, for each N
//! in turn ([`Fleet::round`]): starts N agents, waits until every one has synced, drops one
//! event into every spool at once, and waits (15 minutes at most) until every agent logs its
//! receipt, polling the logs every 50 ms.

use std::time::Duration;

use cinechain_e2e::fleet::{percentile, Fleet};

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
	let runs: Vec<usize> = std::env::args().skip(1).map(|n| n.parse().expect("N: a number of agents")).collect();
	let runs = if runs.is_empty() { vec![10] } else { runs };
	let most = *runs.iter().max().expect("a run");
	let mut fleet = Fleet::start(most).await;
	eprintln!("{most} devices provisioned; validators at finalized #{}", fleet.nodes[0].finalized_number());
	println!("| agents | synced in | p50 | p95 | max | RSS peak mean | RSS peak max |");
	println!("|---:|---:|---:|---:|---:|---:|---:|");
	for n in runs {
		let round = fleet.round(n, Duration::from_secs(900)).await;
		let mib = |kib: u64| kib as f64 / 1024.0;
		let peaks = &round.peak_rss_kib;
		let (mean, max) = (mib(peaks.iter().sum::<u64>() / n as u64), mib(*peaks.iter().max().unwrap_or(&0)));
		let missing = n - round.latencies.len();
		let done = &round.latencies;
		let (p50, p95, worst) = match done.last() {
			Some(worst) => (format!("{:.1} s", percentile(done, 0.5)), format!("{:.1} s", percentile(done, 0.95)), format!("{worst:.1} s")),
			None => ("-".into(), "-".into(), "-".into()),
		};
		let note = if missing > 0 { format!(" {missing} not done in 900 s") } else { String::new() };
		println!("| {n} | {:.1} s | {p50} | {p95} | {worst} | {mean:.1} MiB | {max:.1} MiB |{note}", round.synced_in);
	}
}
