//! Chain specs: `build-spec` writes plain and raw specs an operator can start a node from,
//! and the `--dev` genesis is the one those specs describe.

use std::time::Duration;

use cinechain_e2e::{run_node_command, wait_for, Node, NodeConfig};

/// `cinechain-node build-spec <args>` with its own scratch base path (build-spec writes a
/// network key there; tests run in parallel).
fn build_spec(args: &[&str]) -> Value {
	let scratch = tempfile::tempdir().expect("temp dir");
	let base = scratch.path().to_str().expect("utf-8 path");
	let mut all = vec!["build-spec", "--base-path", base];
	all.extend_from_slice(args);
	serde_json::from_str(&run_node_command(&all)).expect("build-spec prints JSON")
}
use serde_json::Value;

/// Alice's well-known address, the sudo key and first validator of both presets.
const ALICE: &str = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";

/// The genesis configuration a plain spec carries (`patch` on top of the runtime's defaults,
/// or a full `config`).
fn genesis_config(spec: &Value) -> &Value {
	let genesis = &spec["genesis"]["runtimeGenesis"];
	if genesis["patch"].is_object() { &genesis["patch"] } else { &genesis["config"] }
}

#[test]
fn plain_and_raw_specs_describe_the_presets() {
	let dev = build_spec(&["--chain", "dev"]);
	assert_eq!(dev["id"], "cinechain_dev");
	assert_eq!(dev["properties"]["tokenSymbol"], "CINE");
	let code = dev["genesis"]["runtimeGenesis"]["code"].as_str().unwrap_or_default();
	assert!(code.len() > 100_000, "the wasm runtime is in the spec");
	let config = genesis_config(&dev);
	assert_eq!(config["sudo"]["key"], ALICE);
	assert_eq!(config["aura"]["authorities"].as_array().map(Vec::len), Some(1), "{config}");

	let local = build_spec(&["--chain", "local"]);
	let config = genesis_config(&local);
	assert_eq!(config["aura"]["authorities"].as_array().map(Vec::len), Some(4), "{config}");
	assert_eq!(config["grandpa"]["authorities"].as_array().map(Vec::len), Some(4), "{config}");

	let raw = build_spec(&["--chain", "local", "--raw"]);
	assert_eq!(raw["id"], "cinechain_local");
	let top = raw["genesis"]["raw"]["top"].as_object().expect("raw storage");
	// `:code` is the well-known key of the runtime code.
	assert!(top.contains_key("0x3a636f6465"), "the raw spec holds the code under :code");
}

#[test]
fn a_node_starts_from_an_exported_raw_spec() {
	let dir = tempfile::tempdir().expect("temp dir");
	let spec_path = dir.path().join("dev-raw.json");
	let spec = build_spec(&["--chain", "dev", "--raw"]);
	std::fs::write(&spec_path, spec.to_string()).expect("write spec");

	let from_file = NodeConfig::new("from-file", spec_path.to_str().expect("utf-8"), 2).args(["--alice", "--validator"]);
	let node = Node::start(from_file, &dir.path().join("from-file"));
	wait_for("block 1 to be finalized", Duration::from_secs(120), &[&node], || node.finalized_number() >= 1);
	let genesis_from_file = node.rpc.block_hash(0).expect("genesis hash");
	drop(node);

	let builtin = Node::start(NodeConfig::new("builtin", "dev", 3), &dir.path().join("builtin"));
	wait_for("the built-in dev node's RPC", Duration::from_secs(60), &[&builtin], || builtin.rpc.block_hash(0).is_ok());
	assert_eq!(builtin.rpc.block_hash(0).expect("genesis hash"), genesis_from_file, "same genesis");
}
