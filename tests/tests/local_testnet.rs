//! The four-validator `local` chain on loopback keeps finalizing with one validator killed
//! (GRANDPA needs more than two thirds: 3 of 4), and the killed one catches up on restart.

use std::time::Duration;

use cinechain_e2e::{start_validators, wait_for, Node};

const VALIDATORS: [&str; 4] = ["alice", "bob", "charlie", "dave"];

#[test]
fn finality_survives_one_validator_killed_and_it_catches_up() {
	let dir = tempfile::tempdir().expect("temp dir");
	let mut nodes = start_validators(&VALIDATORS, "local", dir.path(), |_, config| config);

	{
		let all: Vec<&Node> = nodes.iter().collect();
		wait_for("every validator to see block 3 finalized", Duration::from_secs(180), &all, || {
			nodes.iter().all(|node| node.finalized_number() >= 3)
		});
	}

	// kill -9 one validator.
	let (alive, dave) = nodes.split_at_mut(3);
	let dave = &mut dave[0];
	dave.kill();
	let at_kill = alive[0].finalized_number();
	{
		let all: Vec<&Node> = alive.iter().collect();
		wait_for("finality to advance 3 blocks without dave", Duration::from_secs(120), &all, || {
			alive.iter().all(|node| node.finalized_number() >= at_kill + 3)
		});
	}

	// Restart it on its old database: it syncs what it missed and follows finality again.
	dave.restart();
	let target = alive[0].finalized_number();
	{
		let all: Vec<&Node> = alive.iter().chain(std::iter::once(&*dave)).collect();
		wait_for("the restarted validator to catch up", Duration::from_secs(120), &all, || {
			dave.finalized_number() >= target
		});
	}
	// Catching up means the same chain, not just the same height.
	let hash = dave.rpc.block_hash(target).expect("dave knows the block");
	assert_eq!(hash, alive[0].rpc.block_hash(target).expect("alice knows the block"));
	// And the four of them finalize together again.
	let now = alive[0].finalized_number();
	{
		let all: Vec<&Node> = alive.iter().chain(std::iter::once(&*dave)).collect();
		wait_for("all four to finalize 2 more blocks", Duration::from_secs(120), &all, || {
			alive.iter().chain(std::iter::once(&*dave)).all(|node| node.finalized_number() >= now + 2)
		});
	}
}
