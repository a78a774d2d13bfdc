//! `cinechain-node --dev` produces and finalizes blocks, and stops cleanly on SIGTERM.

use std::time::Duration;

use cinechain_e2e::{wait_for, Node, NodeConfig};

#[test]
fn dev_node_finalizes_blocks_and_stops_cleanly() {
	let dir = tempfile::tempdir().expect("temp dir");
	let mut node = Node::start(NodeConfig::new("dev", "dev", 0).args(["--alice", "--validator"]), dir.path());

	wait_for("block 3 to be finalized", Duration::from_secs(120), &[&node], || node.finalized_number() >= 3);
	println!("dev node: block 3 finalized {:.1} s after start", node.started.elapsed().as_secs_f64());

	// The chain is the dev chain with its presets: Alice is the only authority.
	let chain = node.rpc.call("system_chain", serde_json::json!([])).expect("system_chain");
	assert_eq!(chain, "Cinechain Development");
	let properties = node.rpc.call("system_properties", serde_json::json!([])).expect("system_properties");
	assert_eq!(properties["tokenSymbol"], "CINE");

	// Finalized blocks are on the best chain, under the same hash.
	let finalized = node.rpc.finalized_hash().expect("finalized head");
	let number = node.rpc.block_number(Some(&finalized)).expect("finalized header");
	assert_eq!(node.rpc.block_hash(number).expect("block hash"), finalized);

	let status = node.stop(Duration::from_secs(30));
	let status = status.unwrap_or_else(|| panic!("the node ignored SIGTERM for 30 s\n{}", node.log_tail(40)));
	assert!(status.success(), "the node exited with {status} on SIGTERM\n{}", node.log_tail(40));
}

#[test]
fn dev_node_keeps_its_chain_across_a_restart() {
	let dir = tempfile::tempdir().expect("temp dir");
	let config = NodeConfig::new("dev-restart", "dev", 1).args(["--alice", "--validator"]);
	let mut node = Node::start(config, dir.path());
	wait_for("block 2 to be finalized", Duration::from_secs(120), &[&node], || node.finalized_number() >= 2);
	let before = node.rpc.finalized_hash().expect("finalized head");
	let before_number = node.rpc.block_number(Some(&before)).expect("finalized header");
	assert!(node.stop(Duration::from_secs(30)).is_some_and(|s| s.success()), "{}", node.log_tail(40));

	// Same base path: the database (ParityDB) still holds the finalized blocks.
	node.restart();
	wait_for("the restarted node's RPC", Duration::from_secs(60), &[&node], || node.rpc.best_number().is_ok());
	assert_eq!(node.rpc.block_hash(before_number).expect("old block still known"), before);
	assert!(dir.path().join("chains/cinechain_dev/paritydb").is_dir(), "the database is ParityDB");
	wait_for("finality to move on", Duration::from_secs(90), &[&node], || node.finalized_number() > before_number);
}
