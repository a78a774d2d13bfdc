//! A small fleet in the test command: ten projector agents (the real binary, each its own
//! smoldot light client) on three validators, every one given a screening at the same moment.
//! Each gets its finalized receipt, and the chain holds each device's record. The timing is the
//! `fleet` tool's to report (scripts/fleet.sh), not this test's to judge.

use std::time::Duration;

use cinechain_e2e::{fleet::Fleet, playback::head_seq};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_agents_recording_at_once_each_get_their_finalized_receipt() {
	let mut fleet = Fleet::start(10).await;
	let round = fleet.round(10, Duration::from_secs(600)).await;
	assert_eq!(round.latencies.len(), 10, "every agent gets its receipt (got {:?})", round.latencies);
	for agent in &fleet.agents {
		assert_eq!(head_seq(&fleet.client, agent.device).await, 1, "device #{} has its one record on chain", agent.device);
	}
	assert!(round.peak_rss_kib.iter().all(|&kib| kib > 0), "each agent's memory was read while it ran");
}
