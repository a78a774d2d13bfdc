//! `cinechain-node try-upgrade` rehearses the next release's upgrade on a copy of a running dev
//! chain's state: the cinema registry's migration (`pallet_cinemas::migrations::v1`) with its
//! try-runtime checks passes; a runtime built without `try-runtime`, one that does not raise the
//! spec version, and a chain whose registry holds an entry the new runtime's checks refuse are
//! each refused, with the reason.

use std::{path::Path, process::Command, time::Duration};

use cinechain_e2e::{
	chain::{
		cinechain::{
			self,
			runtime_types::{cinechain_runtime::RuntimeCall, frame_system::pallet::Call as SystemCall},
		},
		connect, submit, Outcome,
	},
	cluster::decode_hex,
	node_binary, profile_binary, wait_for, Node, NodeConfig,
};
use codec::Encode;
use serde_json::json;
use sp_crypto_hashing::{twox_128, twox_64};
use subxt_signer::sr25519::dev;

/// `cinechain-node try-upgrade` against the node at `port` with the runtime at `wasm`: whether it
/// passed, its stdout (the report) and stderr (the log, with the runtime's own lines).
fn try_upgrade(port: u16, wasm: &Path) -> (bool, String, String) {
	let output = Command::new(node_binary())
		.args(["try-upgrade", "--uri", &format!("ws://127.0.0.1:{port}"), "--runtime"])
		.arg(wasm)
		.output()
		.expect("run cinechain-node try-upgrade");
	let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
	(output.status.success(), text(&output.stdout), text(&output.stderr))
}

#[test]
fn try_upgrade_rehearses_the_next_release_on_a_running_chain() {
	let rt = tokio::runtime::Runtime::new().expect("tokio runtime");
	let dir = tempfile::tempdir().expect("temp dir");
	let node = Node::start(NodeConfig::new("try-upgrade", "dev", 0).args(["--alice", "--validator"]), &dir.path().join("node"));
	wait_for("block 1 finalized", Duration::from_secs(120), &[&node], || node.finalized_number() >= 1);
	let port = node.rpc.port;
	let next_try = profile_binary("cinechain-runtime-next.try-runtime.compact.compressed.wasm");
	let next = profile_binary("cinechain-runtime-next.compact.compressed.wasm");

	// The next release, with its checks: the dev chain's three demo cinemas re-keyed, checked
	// before and after, the weight reported, a second run a no-op.
	let (passed, report, log) = try_upgrade(port, &next_try);
	assert!(passed, "the rehearsal failed:\n{report}\n{log}");
	assert!(report.contains("from cinechain 101 to cinechain 102 passes"), "{report}");
	assert!(log.contains("v1: 3 cinemas re-keyed"), "the migration ran, on the copy:\n{log}");
	println!("{}", report.trim());
	// On the copy only: the chain itself still runs 101, its registry unmoved.
	let version = node.rpc.call("state_getRuntimeVersion", json!([])).expect("runtime version");
	assert_eq!(version["specVersion"], 101);

	// A runtime without the TryRuntime API: said so, and how to build one.
	let (passed, _, log) = try_upgrade(port, &next);
	assert!(!passed);
	assert!(log.contains("has no TryRuntime API: build it with the try-runtime feature"), "{log}");

	// The runtime the chain already runs: FRAME would refuse it, so the rehearsal does.
	let code = node.rpc.call("state_getStorage", json!(["0x3a636f6465"])).expect(":code");
	let current = dir.path().join("current.wasm");
	std::fs::write(&current, decode_hex(code.as_str().expect("the chain's code"))).expect("write the current runtime");
	let (passed, _, log) = try_upgrade(port, &current);
	assert!(!passed);
	assert!(log.contains("spec_version 101 does not raise the chain's 101"), "{log}");

	// A registry entry the new runtime cannot read (written by the admin with set_storage, as
	// a botched manual fix would): the migration leaves it, and the registry's invariants check
	// (try_state) refuses the upgrade.
	let code = 99_000_001u32.encode();
	let key = [&twox_128(b"Cinemas")[..], &twox_128(b"Cinemas"), &twox_64(&code), &code].concat();
	let client = rt.block_on(connect(port));
	let set = cinechain::transactions()
		.sudo()
		.sudo(RuntimeCall::System(SystemCall::set_storage { items: vec![(key, vec![0xff; 3])] }));
	let written_in = match rt.block_on(submit(&client, &set, &dev::alice())) {
		Outcome::Succeeded { block_number, .. } => block_number,
		other => panic!("set_storage: {other:?}"),
	};
	wait_for("the broken entry finalized", Duration::from_secs(60), &[&node], || node.finalized_number() >= written_in);
	let (passed, _, log) = try_upgrade(port, &next_try);
	assert!(!passed, "a registry the new runtime cannot read passed:\n{log}");
	assert!(log.contains("left an undecodable registry entry"), "the migration said what it left:\n{log}");
	assert!(log.contains("the migrations or their checks failed"), "{log}");
}
