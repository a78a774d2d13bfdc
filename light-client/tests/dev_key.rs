//! A development key (`init --dev-key //One`, whose secret anybody can derive) is refused on a
//! chain that is not a development chain: at `init` when the chain spec is already there, and
//! by every command that would use it on the chain, before any network traffic.

use std::{
	path::{Path, PathBuf},
	process::{Command, Output},
	time::{Duration, Instant},
};

fn projector(data: &Path) -> Command {
	let mut command = Command::new(env!("CARGO_BIN_EXE_cinechain-projector"));
	command.arg("--data-dir").arg(data);
	command
}

/// Runs `command`, killing it if it has not ended within two minutes (a regression that
/// retried forever would otherwise hang the test run).
fn run(mut command: Command) -> Output {
	let mut child = command
		.stdout(std::process::Stdio::piped())
		.stderr(std::process::Stdio::piped())
		.spawn()
		.expect("start cinechain-projector");
	let deadline = Instant::now() + Duration::from_secs(120);
	while child.try_wait().expect("wait").is_none() {
		if Instant::now() > deadline {
			let _ = child.kill();
			panic!("cinechain-projector did not end within 120 s: {:?}", child.wait_with_output().unwrap());
		}
		std::thread::sleep(Duration::from_millis(50));
	}
	child.wait_with_output().unwrap()
}

/// A raw chain spec of type `chain_type` with one (unreachable) bootnode.
fn chain_spec(dir: &Path, chain_type: &str) -> PathBuf {
	let path = dir.join(format!("{chain_type}.json"));
	let spec = serde_json::json!({
		"name": "Cinechain", "id": "cinechain", "chainType": chain_type,
		"bootNodes": ["/ip4/127.0.0.1/tcp/9/p2p/12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN"],
		"genesis": { "raw": { "top": {}, "childrenDefault": {} } },
	});
	std::fs::write(&path, spec.to_string()).unwrap();
	path
}

fn refused_for_the_dev_key(output: &Output) -> bool {
	!output.status.success() && String::from_utf8_lossy(&output.stderr).contains("made with --dev-key")
}

#[test]
fn a_development_key_is_refused_on_a_live_chain() {
	let dir = tempfile::tempdir().unwrap();
	let live = chain_spec(dir.path(), "Live");

	// init with the live chain's spec in place: refused, and no key made.
	let data = dir.path().join("a");
	let mut init = projector(&data);
	init.args(["--chain-spec"]).arg(&live).args(["init", "--cinema", "11010501", "--dev-key", "//One"]);
	let output = run(init);
	assert!(refused_for_the_dev_key(&output), "{output:?}");
	assert!(!data.join("device.key").exists(), "a refused init makes no key");

	// A development key made before any chain spec was there: every command that would use it on
	// the live chain refuses, the daemon included (it exits instead of retrying).
	let data = dir.path().join("b");
	let mut init = projector(&data);
	init.args(["init", "--cinema", "11010501", "--dev-key", "//One"]);
	assert!(run(init).status.success());
	for args in [vec!["status"], vec!["register", "--manufacturer", "M", "--model", "X", "--serial", "1", "--production-date", "20250630"], vec!["run", "--spool"]] {
		let mut command = projector(&data);
		command.arg("--chain-spec").arg(&live).args(&args);
		if args == ["run", "--spool"] {
			command.arg(dir.path().join("spool"));
		}
		let output = run(command);
		assert!(refused_for_the_dev_key(&output), "{args:?}: {output:?}");
	}

	// On a local testnet the same key is fine.
	let data = dir.path().join("c");
	let mut init = projector(&data);
	init.arg("--chain-spec").arg(chain_spec(dir.path(), "Local")).args(["init", "--cinema", "11010501", "--dev-key", "//One"]);
	let output = run(init);
	assert!(output.status.success(), "{output:?}");
}
