//! Cluster-sharded archival end to end: a validator and five archive members (R = 3, one zone
//! each) on loopback, real node processes with their archive workers and offchain workers.
//!
//! 1. A chain of 500+ finalized blocks carrying screening-sized extrinsics: every block is held
//!    by exactly R members, each member holds about R/5 of them, the holders are those the
//!    runtime API names, and every member answers for every block and every extrinsic; so does
//!    a plain full node that pruned them, by forwarding to the cluster. The members' metrics
//!    (blocks held, blocks missing from their share, forwarded queries, damaged copies; on
//!    their Prometheus endpoints) agree, here and after the faults below.
//! 1c. The indexer backfills a node that keeps every finalized state but prunes old bodies: it
//!    takes them from the cluster, and indexes every block with the extrinsics a node that kept
//!    every body has, the old ones marked as taken from the archive.
//! 1b. Sync from the cluster: although the validator too keeps only the last 64 bodies, a new
//!    node started with `--sync full` executes the whole chain from genesis (its peers serve
//!    the pruned bodies from the archive) and reaches the validator's state; timed against the
//!    same sync from a node that kept every body.
//! 2. `kill -9` of a member: the chain marks it offline and its blocks are back to R copies.
//! 3. A new member joins: it receives its share, and the cluster is back to exactly R copies.
//! 4. R − 1 members killed at once: every block is still served by every survivor at once.
//! 5. One fault: a stored copy damaged on disk while every other holder runs. The damaged bytes
//!    are never served, and the copy is repaired from another holder.
//! 6. Two faults at once (what R = 3 is for): a holder killed and, before the chain notices,
//!    another holder's copy damaged. The block is still served, and repaired.
//! 7. R faults at once, beyond what the cluster promises: the last running holder's copy damaged
//!    while every other holder is down. The block is unavailable (null, never bad bytes) until a
//!    dead holder returns; then it is served and the damaged copy repaired from it.
//!
//! Nothing here depends on which blocks the hash-based holder rule gives whom: each fault is
//! placed on a block chosen for the holders it has, after the cluster is back to R copies.

use std::{
	collections::BTreeMap,
	time::{Duration, Instant},
};

use cinechain_e2e::{
	cluster::{held, Cluster},
	indexer::Indexer,
	log_tails, wait_for, Node,
};
use serde_json::{json, Value};

/// Finalized blocks the chain must reach before the checks.
const BLOCKS: u32 = 500;
const MEMBERS: usize = 5;
/// One-second slots: 500 blocks in about nine minutes.
const SLOT_MS: u64 = 1_000;
/// How long the chain may take to notice a death, and the cluster to copy or repair blocks.
const CLUSTER_TIMEOUT: Duration = Duration::from_secs(120);
/// How long a new node may take to sync and execute the 500-block chain.
const SYNC_TIMEOUT: Duration = Duration::from_secs(300);
/// The archive's metrics on a member's Prometheus endpoint.
const BLOCKS_HELD: &str = "cinechain_archive_blocks_held";
const UNDER_REPLICATED: &str = "cinechain_archive_blocks_under_replicated";
const FORWARDED: &str = "cinechain_archive_forwarded_queries_total";
const SCRUB_FAILURES: &str = "cinechain_archive_scrub_failures_total";

/// Asks member `member` for block `number` and checks the answer is the chain's block; on
/// failure, says which running members hold a copy and prints the nodes' logs.
fn assert_serves_block(cluster: &Cluster, member: usize, number: u32, hash: &str) -> Value {
	let node = &cluster.members[member].node;
	let answer = node.rpc.call("cinearchive_block", json!([number])).unwrap_or_else(|e| panic!("member {member}: {e}"));
	if answer["hash"].as_str() != Some(hash) {
		let copies: Vec<(usize, bool)> = (0..cluster.members.len())
			.filter(|m| !cluster.members[*m].dead)
			.map(|m| (m, local_copy(cluster, m, number).is_some()))
			.collect();
		// The asked member's view of the cluster, then the members' logs (the asked one first)
		// before the validator's: what a failure is explained by comes first.
		let view = node.rpc.call("cinearchive_status", json!([]));
		let mut nodes: Vec<&Node> = vec![node];
		nodes.extend(cluster.alive().map(|m| &m.node).filter(|n| !std::ptr::eq(*n, node)));
		nodes.push(&cluster.validator);
		panic!(
			"member {member} on block #{number}: {answer}; running members with a copy now: {copies:?}; \
			 the member's view: {view:?}\n{}",
			log_tails(&nodes, 60)
		);
	}
	assert!(answer["block"].as_str().is_some_and(|b| b.len() > 2), "member {member} on #{number}: no body");
	answer
}

/// Member `member`'s own copy of block `number` (`localOnly`), as hex; `None` if it has none
/// that checks.
fn local_copy(cluster: &Cluster, member: usize, number: u32) -> Option<String> {
	let answer = cluster.members[member].node.rpc.call("cinearchive_block", json!([number, true])).ok()?;
	answer["block"].as_str().map(str::to_owned)
}

/// The members that hold block `number`.
fn holders_of(cluster: &Cluster, number: u32) -> Vec<usize> {
	(0..cluster.members.len())
		.filter(|m| !cluster.members[*m].dead)
		.filter(|m| held(&cluster.members[*m].node).iter().any(|(n, _)| *n == number))
		.collect()
}

/// An old block (its body pruned from every node's database, `--blocks-pruning 64`) that
/// `member` holds, that none of `avoid` is, and that `also_held_by` (if any) holds too.
fn old_block_of(cluster: &Cluster, member: usize, avoid: &[u32], also_held_by: Option<&[(u32, String)]>) -> (u32, String) {
	let finalized = cluster.validator.finalized_number();
	held(&cluster.members[member].node)
		.into_iter()
		.filter(|(n, _)| *n > 10 && *n + 100 < finalized && !avoid.contains(n))
		.find(|(n, _)| also_held_by.is_none_or(|other| other.iter().any(|(m, _)| m == n)))
		.unwrap_or_else(|| panic!("member {member} holds no old block fit for the test"))
}

/// Flips a byte of member `member`'s stored copy of block `number` and returns the good copy
/// (hex), as the member served it before.
fn damage(cluster: &Cluster, member: usize, number: u32) -> String {
	let good = local_copy(cluster, member, number).expect("the member holds a good copy before the damage");
	let file = cluster.block_file(member, number);
	let mut bytes = std::fs::read(&file).unwrap();
	let at = bytes.len() - 20;
	bytes[at] ^= 0xff;
	std::fs::write(&file, bytes).unwrap();
	good
}

/// Waits until member `member` holds a good copy of block `number` again.
fn wait_repaired(cluster: &Cluster, member: usize, number: u32, good: &str) {
	wait_for(&format!("member {member} to repair block #{number}"), CLUSTER_TIMEOUT, &cluster.nodes(), || {
		local_copy(cluster, member, number).as_deref() == Some(good)
	});
}

#[test]
fn an_archive_cluster_keeps_every_block_r_times_through_deaths_joins_and_damage() {
	let dir = tempfile::tempdir().expect("temp dir");
	let mut cluster = Cluster::start(dir.path(), 0, SLOT_MS);
	// A full node that keeps every body (the default pruning), started while the validator
	// still has them all: what syncing from the cluster is compared with in step 1b.
	let bootnode = cluster.validator.multiaddr();
	let keeper = cluster.start_full_node("keeper", 8, ["--bootnodes", bootnode.as_str()]);
	for _ in 0..MEMBERS {
		cluster.add_member();
	}
	let r = cluster.r;
	assert_eq!(r, 3, "the production replication factor");

	// 1. A long chain with extrinsics.
	let started = Instant::now();
	let extrinsics = cluster.load_until(BLOCKS + 5);
	eprintln!("{} extrinsics sent; #{} finalized in {:?}", extrinsics.len(), BLOCKS + 5, started.elapsed());
	let took = cluster.wait_replicated("every block held by exactly R members", BLOCKS, CLUSTER_TIMEOUT);
	eprintln!("replicated {took:?} after the load");
	let hashes: BTreeMap<u32, String> =
		(1..=BLOCKS).map(|n| (n, cluster.validator.rpc.block_hash(n).expect("a block hash"))).collect();
	let fair = r as f64 / MEMBERS as f64;
	let mut shares = Vec::new();
	for (index, member) in cluster.members.iter().enumerate() {
		let mine: Vec<(u32, String)> = held(&member.node).into_iter().filter(|(n, _)| *n <= BLOCKS).collect();
		for (number, hash) in &mine {
			assert_eq!(Some(hash), hashes.get(number), "member {index} holds a block off the chain");
		}
		let share = mine.len() as f64 / BLOCKS as f64;
		shares.push(share);
		// R/K = 60 %; 500 draws put a fair share within a few points of it.
		assert!((fair - 0.12..=fair + 0.12).contains(&share), "member {index} holds {:.1} % of the blocks", share * 100.0);
	}
	eprintln!("shares: {:?}", shares.iter().map(|s| format!("{:.1} %", s * 100.0)).collect::<Vec<_>>());
	// The nodes hold what the runtime API says (the members act on the finalized block a moment
	// after the validator sees it, so this is awaited, not sampled once).
	let by_id: BTreeMap<u32, usize> = cluster.members.iter().enumerate().map(|(i, m)| (m.id, i)).collect();
	wait_for("the holders named by the runtime API to hold the blocks", CLUSTER_TIMEOUT, &cluster.nodes(), || {
		let holdings: Vec<Vec<(u32, String)>> = cluster.members.iter().map(|m| held(&m.node)).collect();
		(1..=BLOCKS).step_by(25).all(|number| {
			let hash = &hashes[&number];
			let holders = cluster.runtime_holders(hash);
			holders.len() == r && holders.iter().all(|id| holdings[by_id[id]].contains(&(number, hash.clone())))
		})
	});
	// Their metrics say the same: what each holds (a pass behind, as new blocks come), and none
	// of their share missing.
	for (index, member) in cluster.members.iter().enumerate() {
		wait_for(&format!("member {index}'s archive metrics"), CLUSTER_TIMEOUT, &[&member.node], || {
			let held_now = held(&member.node).len() as f64;
			member.node.metric(BLOCKS_HELD).is_some_and(|m| (m - held_now).abs() <= 10.0) &&
				member.node.metric(UNDER_REPLICATED) == Some(0.0)
		});
	}
	let forwarded_before: f64 = cluster.members.iter().map(|m| m.node.metric(FORWARDED).expect("the forwarded counter")).sum();
	// Every member answers for every block (by number and by hash) and every extrinsic.
	let mut forwarded = 0;
	for (index, _) in cluster.members.iter().enumerate() {
		for (number, hash) in &hashes {
			let answer = assert_serves_block(&cluster, index, *number, hash);
			forwarded += answer["forwardedFrom"].is_u64() as usize;
		}
		let by_hash = cluster.members[index].node.rpc.call("cinearchive_block", json!([hashes[&7]])).unwrap();
		assert_eq!(by_hash["number"], json!(7));
	}
	assert!(forwarded > 0, "some answers must have been forwarded");
	let forwarded_after: f64 = cluster.members.iter().map(|m| m.node.metric(FORWARDED).expect("the forwarded counter")).sum();
	assert!(forwarded_after - forwarded_before >= forwarded as f64, "{forwarded} answers forwarded, counted {forwarded_after} - {forwarded_before}");
	let finalized_extrinsics: Vec<&String> = extrinsics.iter().take(BLOCKS as usize).collect();
	for (index, member) in cluster.members.iter().enumerate() {
		for (i, hash) in finalized_extrinsics.iter().enumerate() {
			// Every member for a sample, one member (in turn) for each of the rest.
			if i % 10 != 0 && i % MEMBERS != index {
				continue;
			}
			let answer = member.node.rpc.call("cinearchive_extrinsic", json!([hash])).expect("cinearchive_extrinsic");
			assert!(answer["blockNumber"].is_u64(), "member {index} cannot find extrinsic {hash}: {answer}");
			let block_hash = cluster.validator.rpc.block_hash(answer["blockNumber"].as_u64().unwrap() as u32).unwrap();
			assert_eq!(answer["blockHash"].as_str(), Some(block_hash.as_str()));
		}
	}
	let unknown = cluster.members[0].node.rpc.call("cinearchive_extrinsic", json!([format!("0x{}", "ab".repeat(32))]));
	assert_eq!(unknown, Ok(Value::Null), "an unknown extrinsic is null, not an error");
	let bad = cluster.members[0].node.rpc.call("cinearchive_held", json!([0, 1_000_000]));
	assert!(bad.is_err(), "an over-long page is refused");

	// Any full node answers for blocks it pruned: a plain node (no archive key, no worker)
	// keeping only the last 64 bodies forwards queries for older ones to the cluster.
	// It serves RPC as a public node would (`--rpc-methods safe`): the archive's queries, not
	// the operator's listing.
	let bootnode = cluster.validator.multiaddr();
	let plain =
		cluster.start_full_node("plain", 7, ["--blocks-pruning", "64", "--rpc-methods", "safe", "--bootnodes", bootnode.as_str()]);
	wait_for("the plain node to sync and prune block #5's body", CLUSTER_TIMEOUT, &[&plain], || {
		plain.finalized_number() >= BLOCKS && plain.rpc.call("chain_getBlock", json!([hashes[&5]])) == Ok(Value::Null)
	});
	let answer = plain.rpc.call("cinearchive_block", json!([5])).expect("cinearchive_block");
	assert_eq!(answer["hash"].as_str(), Some(hashes[&5].as_str()), "the plain node on block #5: {answer}");
	assert!(answer["forwardedFrom"].is_u64(), "the plain node forwards block #5: {answer}");
	assert!(plain.rpc.call("cinearchive_held", json!([0, 10])).is_err(), "cinearchive_held is unsafe: refused by a public node");
	let first = finalized_extrinsics[0];
	let answer = plain.rpc.call("cinearchive_extrinsic", json!([first])).expect("cinearchive_extrinsic");
	assert!(answer["blockNumber"].is_u64() && answer["forwardedFrom"].is_u64(), "the plain node on {first}: {answer}");
	drop(plain);

	// 1c. An indexer follows a node that keeps the state of every finalized block but prunes
	//     old bodies (as the node of a regulator's indexer may): those bodies come from the
	//     cluster through that node's `cinearchive_block`, each checked against its header. The
	//     index then holds every block with the keeper's extrinsics, the old ones marked as
	//     taken from the archive.
	let indexed = cluster.start_full_node(
		"indexed",
		7, // the plain node's key: it has stopped
		["--sync", "full", "--blocks-pruning", "64", "--state-pruning", "archive-canonical", "--bootnodes", bootnode.as_str()],
	);
	wait_for("the indexer's node to sync and prune block #5's body", CLUSTER_TIMEOUT, &[&indexed], || {
		indexed.finalized_number() >= BLOCKS && indexed.rpc.call("chain_getBlock", json!([hashes[&5]])) == Ok(Value::Null)
	});
	let index = dir.path().join("index.db");
	let indexer = Indexer::start(indexed.rpc.port, index.to_str().unwrap(), &[], &dir.path().join("indexer.log"));
	wait_for(&format!("the indexer at #{BLOCKS}"), CLUSTER_TIMEOUT, &[&indexed], || {
		indexer.indexed_block().is_some_and(|n| n >= BLOCKS)
	});
	for (number, hash) in &hashes {
		let block = indexer.json(&format!("/blocks/{number}"));
		assert_eq!(block["hash"].as_str(), Some(hash.as_str()), "#{number}: {block}");
		let kept = keeper.rpc.call("chain_getBlock", json!([hash])).expect("the keeper's copy");
		let extrinsics = kept["block"]["extrinsics"].as_array().expect("extrinsics").len();
		assert_eq!(block["extrinsics"].as_u64(), Some(extrinsics as u64), "#{number}: {block}");
		// The node had pruned every body older than its last 64 finalized blocks (a margin
		// for where it stood when the indexer read them).
		if *number <= BLOCKS - 70 {
			assert_eq!(block["fromArchive"], json!(true), "#{number}: {block}");
		}
	}
	drop(indexer);
	drop(indexed);

	// 1b. Sync from the cluster: no node's database keeps block #5's body any more (the
	//     validator and the members prune to 64 blocks), yet a new node started with full sync
	//     re-executes the chain from genesis, its peers taking the old bodies from the archive.
	//     The same sync from the keeper (which kept every body) is the yardstick.
	assert_eq!(cluster.validator.rpc.call("chain_getBlock", json!([hashes[&5]])), Ok(Value::Null), "the validator pruned #5");
	let answer = cluster.validator.rpc.call("cinearchive_block", json!([5])).expect("cinearchive_block");
	assert_eq!(answer["hash"].as_str(), Some(hashes[&5].as_str()), "the validator on block #5: {answer}");
	assert!(answer["forwardedFrom"].is_u64(), "the validator forwards block #5 to the cluster: {answer}");
	let target = cluster.validator.finalized_number();
	let from_cluster = cluster.sync_new_node("sync-from-cluster", 9, &cluster.multiaddrs(), target, SYNC_TIMEOUT);
	let from_keeper = cluster.sync_new_node("sync-from-keeper", 10, &[keeper.multiaddr()], target, SYNC_TIMEOUT);
	eprintln!("full sync of {target} blocks: {from_cluster:?} from the pruned validator and the cluster, {from_keeper:?} from a node keeping every body");
	drop(keeper);

	// 2. kill -9 of a member.
	let at_kill = cluster.validator.finalized_number();
	let killed_at = Instant::now();
	cluster.kill(1);
	let detected = cluster.wait_offline(1, killed_at, CLUSTER_TIMEOUT);
	let repaired = cluster.wait_replicated("R copies again after a death", at_kill, CLUSTER_TIMEOUT);
	eprintln!("death: offline after {detected:?}; back to R copies {repaired:?} later (#{at_kill} blocks)");
	for member in cluster.alive() {
		wait_for(&format!("member {}: nothing of its share missing after the death", member.id), CLUSTER_TIMEOUT, &[&member.node], || {
			member.node.metric(UNDER_REPLICATED) == Some(0.0)
		});
	}

	// 3. A new member receives its share.
	let newcomer = cluster.add_member();
	let now = cluster.validator.finalized_number();
	cluster.wait_replicated("exactly R copies with the newcomer", now, CLUSTER_TIMEOUT);
	let received = held(&cluster.members[newcomer].node).iter().filter(|(n, _)| *n <= now).count();
	let share = received as f64 / now as f64;
	eprintln!("newcomer holds {:.1} %", share * 100.0);
	let fair = r as f64 / cluster.alive().count() as f64;
	assert!((fair - 0.15..=fair + 0.15).contains(&share), "the newcomer holds {:.1} %", share * 100.0);

	// 4. R − 1 members killed at once: every block is still served by every survivor.
	let upto = cluster.validator.finalized_number() - 3;
	let victims = [2, 3];
	assert_eq!(victims.len(), r - 1);
	// What member 2 holds, for step 7, where it comes back with it.
	let held_by_2 = held(&cluster.members[2].node);
	let killed_at = Instant::now();
	for victim in victims {
		cluster.kill(victim);
	}
	let survivors: Vec<usize> = (0..cluster.members.len()).filter(|i| !cluster.members[*i].dead).collect();
	for number in 1..=upto {
		let hash = cluster.validator.rpc.block_hash(number).unwrap();
		for member in &survivors {
			assert_serves_block(&cluster, *member, number, &hash);
		}
	}
	eprintln!("after killing R - 1 = {} members at once, {} survivors served all {upto} blocks", r - 1, survivors.len());
	for victim in victims {
		cluster.wait_offline(victim, killed_at, CLUSTER_TIMEOUT);
	}
	cluster.wait_replicated("R copies again after two deaths", upto, CLUSTER_TIMEOUT);
	assert_eq!(survivors, vec![0, 4, 5], "three members run, and with R = 3 each holds every block");

	// 5. One fault: a damaged copy while every other holder runs.
	let victim = 0;
	let (number, hash) = old_block_of(&cluster, victim, &[], None);
	assert_eq!(holders_of(&cluster, number).len(), r, "every holder of #{number} runs");
	let good = damage(&cluster, victim, number);
	// Answered (from another holder, or from the copy the worker has already repaired), and
	// never with the damaged bytes.
	let answer = assert_serves_block(&cluster, victim, number, &hash);
	assert_eq!(answer["block"].as_str(), Some(good.as_str()), "the damaged copy must not be served");
	wait_repaired(&cluster, victim, number, &good);
	eprintln!("one fault: damaged copy of #{number} never served, repaired");
	let failures = cluster.members[victim].node.metric(SCRUB_FAILURES).expect("the scrub failures counter");
	assert!(failures >= 1.0, "the damaged copy is counted: {failures}");

	// 6. Two faults at once: a holder dies, and before the chain notices, another holder's copy
	//    is damaged. The third copy serves the block.
	let (number, hash) = old_block_of(&cluster, victim, &[number], None);
	let killed_at = Instant::now();
	cluster.kill(4);
	let good = damage(&cluster, victim, number);
	let answer = assert_serves_block(&cluster, victim, number, &hash);
	assert_eq!(answer["block"].as_str(), Some(good.as_str()), "two faults: the block is still served, never damaged");
	wait_repaired(&cluster, victim, number, &good);
	cluster.wait_offline(4, killed_at, CLUSTER_TIMEOUT);
	eprintln!("two faults at once: #{number} still served and repaired");
	let failures_now = cluster.members[victim].node.metric(SCRUB_FAILURES).expect("the scrub failures counter");
	assert!(failures_now > failures, "the second damaged copy is counted: {failures} then {failures_now}");

	// 7. R faults at once: the last running holder's copy is damaged while the other holders are
	//    down (member 5 killed now; 2, 3 and 4 before). No good copy can be reached: the answer
	//    is null, never bad bytes. When a dead holder returns, the block is back.
	let (number, hash) = old_block_of(&cluster, victim, &[], Some(&held_by_2));
	cluster.kill(5);
	let good = damage(&cluster, victim, number);
	let answer = cluster.members[victim].node.rpc.call("cinearchive_block", json!([number]));
	assert_eq!(answer, Ok(Value::Null), "R faults: no good copy is reachable, so no answer");
	cluster.restart(2);
	cluster.wait_online_is(2, true, CLUSTER_TIMEOUT);
	let answer = assert_serves_block(&cluster, victim, number, &hash);
	assert_eq!(answer["block"].as_str(), Some(good.as_str()));
	wait_repaired(&cluster, victim, number, &good);
	eprintln!("R faults at once: #{number} unavailable until member 2 returned, then served and repaired");
}
