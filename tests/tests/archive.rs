//! Cluster-sharded archival end to end: a validator and five archive members (R = 2, one zone
//! each) on loopback, real node processes with their archive workers and offchain workers.
//!
//! 1. A chain of 500+ finalized blocks carrying screening-sized extrinsics: every block is held
//!    by exactly R members, each member holds about R/5 of them, the holders are those the
//!    runtime API names, and every member answers for every block and every extrinsic.
//! 2. `kill -9` of a member: the chain marks it offline and its blocks are back to R copies.
//! 3. A new member joins: it receives its share, and the cluster is back to exactly R copies.
//! 4. R − 1 members killed at once: every block is still served by every survivor at once.
//! 5. A stored block damaged on disk: detected when served (the answer still comes, from another
//!    holder) and repaired from another holder.

use std::{
	collections::BTreeMap,
	time::{Duration, Instant},
};

use cinechain_e2e::{
	cluster::{held, status, Cluster, R},
	wait_for,
};
use codec::{Decode, Encode};
use serde_json::{json, Value};

/// Finalized blocks the chain must reach before the checks.
const BLOCKS: u32 = 500;
const MEMBERS: usize = 5;
/// One-second slots: 500 blocks in about nine minutes.
const SLOT_MS: u64 = 1_000;

/// The holders of block `hash` by the runtime API (`ArchiveApi_holders`, cluster 0).
fn runtime_holders(cluster: &Cluster, hash: &str) -> Vec<u32> {
	let hash_bytes: [u8; 32] = decode_hex(hash).try_into().expect("a 32-byte hash");
	let args = (0u32, hash_bytes).encode();
	let answer = cluster
		.validator
		.rpc
		.call("state_call", json!(["ArchiveApi_holders", format!("0x{}", hex(&args))]))
		.expect("ArchiveApi_holders");
	Vec::<u32>::decode(&mut &decode_hex(answer.as_str().expect("hex"))[..]).expect("a Vec<u32>")
}

fn decode_hex(text: &str) -> Vec<u8> {
	let text = text.trim_start_matches("0x");
	(0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex")).collect()
}

fn hex(bytes: &[u8]) -> String {
	bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Asks `node` for block `number` and checks the answer is the chain's block.
fn assert_serves_block(cluster: &Cluster, member: usize, number: u32, hash: &str) -> Value {
	let node = &cluster.members[member].node;
	let answer = node.rpc.call("cinearchive_block", json!([number])).unwrap_or_else(|e| panic!("member {member}: {e}"));
	assert_eq!(answer["hash"].as_str(), Some(hash), "member {member} on block #{number}: {answer}");
	assert!(answer["block"].as_str().is_some_and(|b| b.len() > 2), "member {member} on #{number}: no body");
	answer
}

#[test]
fn an_archive_cluster_keeps_every_block_r_times_through_deaths_joins_and_damage() {
	let dir = tempfile::tempdir().expect("temp dir");
	let mut cluster = Cluster::start(dir.path(), MEMBERS, SLOT_MS);

	// 1. A long chain with extrinsics.
	let started = Instant::now();
	let extrinsics = cluster.load_until(BLOCKS + 5);
	eprintln!("{} extrinsics sent; #{} finalized in {:?}", extrinsics.len(), BLOCKS + 5, started.elapsed());
	let took = cluster.wait_replicated("every block held by exactly R members", BLOCKS, Duration::from_secs(120));
	eprintln!("replicated {took:?} after the load");
	let hashes: BTreeMap<u32, String> =
		(1..=BLOCKS).map(|n| (n, cluster.validator.rpc.block_hash(n).expect("a block hash"))).collect();
	let mut shares = Vec::new();
	for (index, member) in cluster.members.iter().enumerate() {
		let mine: Vec<(u32, String)> = held(&member.node).into_iter().filter(|(n, _)| *n <= BLOCKS).collect();
		for (number, hash) in &mine {
			assert_eq!(Some(hash), hashes.get(number), "member {index} holds a block off the chain");
		}
		let share = mine.len() as f64 / BLOCKS as f64;
		shares.push(share);
		// R/K = 40 %; 500 draws put a fair share within a few points of it.
		assert!((0.30..=0.50).contains(&share), "member {index} holds {:.1} % of the blocks", share * 100.0);
	}
	eprintln!("shares: {:?}", shares.iter().map(|s| format!("{:.1} %", s * 100.0)).collect::<Vec<_>>());
	// The nodes hold what the runtime API says.
	let by_id: BTreeMap<u32, usize> = cluster.members.iter().enumerate().map(|(i, m)| (m.id, i)).collect();
	for number in (1..=BLOCKS).step_by(25) {
		let hash = &hashes[&number];
		let holders = runtime_holders(&cluster, hash);
		assert_eq!(holders.len(), R);
		for id in holders {
			let member = &cluster.members[by_id[&id]];
			let has = member.node.rpc.call("cinearchive_has", json!([[hash]])).expect("cinearchive_has");
			assert_eq!(has, json!([true]), "node {id} should hold #{number} by the runtime API");
		}
	}
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

	// 2. kill -9 of a member.
	let at_kill = cluster.validator.finalized_number();
	let killed_at = Instant::now();
	cluster.kill(1);
	let detected = cluster.wait_offline(1, killed_at, Duration::from_secs(90));
	let repaired = cluster.wait_replicated("R copies again after a death", at_kill, Duration::from_secs(120));
	eprintln!("death: offline after {detected:?}; back to R copies {repaired:?} later (#{at_kill} blocks)");

	// 3. A new member receives its share.
	let newcomer = cluster.add_member();
	let now = cluster.validator.finalized_number();
	cluster.wait_replicated("exactly R copies with the newcomer", now, Duration::from_secs(120));
	let share = held(&cluster.members[newcomer].node).len() as f64 / now as f64;
	eprintln!("newcomer holds {:.1} %", share * 100.0);
	assert!((0.25..=0.55).contains(&share), "the newcomer holds {:.1} %", share * 100.0);

	// 4. R − 1 members killed at once: every block is still served by every survivor.
	let upto = cluster.validator.finalized_number() - 3;
	for victim in [2].into_iter().take(R - 1) {
		cluster.kill(victim);
	}
	let survivors: Vec<usize> = (0..cluster.members.len()).filter(|i| !cluster.members[*i].dead).collect();
	for number in 1..=upto {
		let hash = cluster.validator.rpc.block_hash(number).unwrap();
		for member in &survivors {
			assert_serves_block(&cluster, *member, number, &hash);
		}
	}
	eprintln!("after killing R - 1 = {} member(s) at once, {} survivors served all {upto} blocks", R - 1, survivors.len());

	// 5. A damaged copy: detected when served, answered from elsewhere, repaired.
	let victim = survivors[0];
	// An old block: the node's own database no longer has its body (`--blocks-pruning 64`).
	let (number, hash) = held(&cluster.members[victim].node)
		.into_iter()
		.find(|(n, _)| *n > 10 && *n + 100 < upto)
		.expect("a held block");
	let file = cluster.block_file(victim, number);
	let mut bytes = std::fs::read(&file).unwrap();
	let at = bytes.len() - 20;
	bytes[at] ^= 0xff;
	std::fs::write(&file, bytes).unwrap();
	let answer = assert_serves_block(&cluster, victim, number, &hash);
	assert!(answer["forwardedFrom"].is_u64(), "the damaged copy must not be served: {answer}");
	let member = &cluster.members[victim].node;
	wait_for("the damaged block to be repaired", Duration::from_secs(60), &cluster.nodes(), || {
		member.rpc.call("cinearchive_block", json!([number, true])).is_ok_and(|a| a["hash"].as_str() == Some(&hash))
	});
	assert!(status(member).is_some());
}
