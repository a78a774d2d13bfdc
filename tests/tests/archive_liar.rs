//! A lying archive member (THREATS.md): it registers, heartbeats like any node, and claims to
//! hold every block it is asked about while it holds none. Four honest members (R = 3) and a
//! validator on loopback, real node processes; the liar is a real node (its offchain worker
//! sends its heartbeats) registered with the address of a stand-in that answers for it
//! ([`cinechain_e2e::standin::ClaimingPeer`]).
//!
//! When it joins, the holder rule names it for about three fifths of the blocks, so members that
//! held those blocks before have surplus copies. They drop a surplus copy only once R holders
//! have proven theirs, and the liar cannot prove: no block before it joined ever falls below R
//! copies on honest members. Their audits catch it on new blocks and report it on chain
//! (`archive.reportUnproven`, from their offchain workers); every member then suspects it and
//! stands in for it, so the blocks finalized since it joined reach R honest copies too.

use std::time::Duration;

use cinechain_e2e::{cluster::Cluster, standin::ClaimingPeer, wait_for};
use serde_json::Value;

/// Honest members.
const MEMBERS: usize = 4;
/// Finalized blocks before the liar joins.
const BEFORE: u32 = 40;
const SLOT_MS: u64 = 1_000;
const TIMEOUT: Duration = Duration::from_secs(120);
/// The liar's archive key (`//Archive6`) and node key index, unused by the members.
const LIAR_KEY: usize = 6;

/// Whether member status `status` lists node `id` among its suspects.
fn suspects(status: &Value, id: u32) -> bool {
	status["suspects"].as_array().is_some_and(|list| list.iter().any(|n| n.as_u64() == Some(id as u64)))
}

#[test]
fn a_member_that_claims_blocks_it_does_not_hold_never_costs_a_copy() {
	let dir = tempfile::tempdir().expect("temp dir");
	let cluster = Cluster::start(dir.path(), MEMBERS, SLOT_MS);
	let r = cluster.r;
	assert_eq!(r, 3, "the production replication factor");
	wait_for(&format!("block #{BEFORE} finalized"), TIMEOUT, &cluster.nodes(), || {
		cluster.validator.finalized_number() >= BEFORE
	});
	cluster.wait_replicated("R copies of every block before the liar joins", BEFORE, TIMEOUT);

	let claimer = ClaimingPeer::start();
	let (_liar_node, liar) = cluster.start_impostor(LIAR_KEY, &claimer.address());
	let joined = cluster.validator.finalized_number();
	let named = (1..=BEFORE)
		.filter(|n| cluster.runtime_holders(&cluster.validator.rpc.block_hash(*n).expect("a hash")).contains(&liar))
		.count();
	eprintln!("liar is node {liar}, online from #{joined}; the chain names it a holder of {named} of the first {BEFORE} blocks");
	assert!(named > 0, "the liar must displace some honest holders for the test to mean anything");

	// From its arrival until the chain and every member suspect it: the blocks from before keep
	// R honest copies at every look.
	let mut looks = 0;
	wait_for("the chain and every member to suspect the liar", TIMEOUT, &cluster.nodes(), || {
		let short: Vec<(u32, usize)> = cluster.copies(BEFORE).into_iter().filter(|(_, c)| *c < r).collect();
		assert!(short.is_empty(), "blocks below R honest copies (number, copies): {short:?}");
		looks += 1;
		cluster.runtime_suspects().contains(&liar) &&
			cluster.alive().all(|m| cinechain_e2e::cluster::status(&m.node).is_some_and(|s| suspects(&s, liar)))
	});
	assert_eq!(cluster.runtime_suspects(), vec![liar], "only the liar is reported");
	let suspected_at = cluster.validator.finalized_number();
	eprintln!(
		"every member suspects the liar at #{suspected_at} ({} blocks after it joined); {looks} looks at the copies, \
		 {} challenges sent to it",
		suspected_at - joined,
		claimer.challenges()
	);
	assert!(claimer.challenges() > 0, "the members asked the liar for proofs");

	// Every block, those since it joined included, reaches R honest copies, and the old ones
	// never went below.
	let upto = cluster.validator.finalized_number();
	wait_for("R honest copies of every block", TIMEOUT, &cluster.nodes(), || {
		let copies = cluster.copies(upto);
		assert!(copies.range(..=BEFORE).all(|(_, c)| *c >= r), "an old block fell below R honest copies");
		copies.values().all(|c| *c >= r)
	});
	eprintln!("all {upto} blocks have R honest copies");
}
