//! `fill-screenings`: a real chain full of screening records, for measuring what reads it (the
//! information server's backfill: `scripts/bench-indexer.sh --fill` runs this around it).
//!
//! ```text
//! fill-screenings [--devices N] [--records K] [--slot-ms MS] [--blocks B] -- COMMAND [ARG...]
//! ```
//! Starts a validator (Alice) on a copy of the `dev` chain with `N` more devices active from
//! genesis (default 200, keys `//Bench//i`, in the demo cinema) and slots of `MS` ms (default
//! 1,000), keeping the state of finalized blocks (temp base path, free loopback ports). Each
//! device records `K` screenings (default 100, at most the batch bound) in one
//! `record_screenings` transaction, all sent at once; once every one is finalized and the chain
//! has at least `B` finalized blocks (default 0), it prints what it built and runs `COMMAND`,
//! every `{url}` in its arguments replaced by the node's WebSocket URL and every `{spec}` by the
//! raw chain spec's path. The node is killed at the end; the exit status is the command's.

use std::{
	process::{Command, ExitCode},
	str::FromStr,
	time::{Duration, Instant},
};

use cinechain_e2e::{
	chain::{
		cinechain::{self, runtime_types::bounded_collections::bounded_vec::BoundedVec},
		connect, Config,
	},
	records::{record_hash, screening_at, DEMO_CINEMA},
	run_node_command, wait_for, Node, NodeConfig,
};
use codec::Encode;
use serde_json::{json, Value};
use subxt::{config::DefaultExtrinsicParamsBuilder, utils::AccountId32};
use subxt_signer::{sr25519::Keypair, SecretUri};

fn arg(name: &str, default: u64) -> u64 {
	let args: Vec<String> = std::env::args().take_while(|a| a != "--").collect();
	args.iter()
		.position(|a| a == name)
		.and_then(|i| args.get(i + 1))
		.map(|v| v.parse().unwrap_or_else(|_| panic!("{name} takes a number")))
		.unwrap_or(default)
}

/// Device `i`'s key.
fn device_key(i: u64) -> Keypair {
	Keypair::from_uri(&SecretUri::from_str(&format!("//Bench//{i}")).expect("a valid URI")).expect("a valid key")
}

/// The `dev` chain spec with `devices` more genesis devices and `slot_ms` slots, raw, in `dir`.
fn chain_spec(dir: &std::path::Path, devices: u64, slot_ms: u64) -> String {
	let mut plain: Value = serde_json::from_str(&run_node_command(&["build-spec", "--chain", "dev"])).expect("build-spec prints JSON");
	let list = plain["genesis"]["runtimeGenesis"]["patch"]["devices"]["devices"].as_array_mut().expect("the dev preset lists devices");
	let text = |s: &str| Value::from(s.as_bytes().to_vec());
	for i in 0..devices {
		let key = AccountId32::from(device_key(i).public_key()).to_string();
		list.push(json!([key, {
			"cinema": DEMO_CINEMA,
			"manufacturer": text("Bench"),
			"model": text("B-1"),
			"serial_number": text(&format!("BENCH-{i:05}")),
			"production_date": 20250630,
			"firmware_version": text("1"),
		}]));
	}
	let plain_path = dir.join("bench-plain.json");
	std::fs::write(&plain_path, plain.to_string()).expect("write the plain chain spec");
	let mut raw: Value = serde_json::from_str(&run_node_command(&["build-spec", "--chain", plain_path.to_str().expect("utf-8"), "--raw"]))
		.expect("build-spec --raw prints JSON");
	cinechain_e2e::cluster::set_genesis_params(&mut raw, &[(":SlotDuration:", slot_ms.encode())]);
	let path = dir.join("bench-raw.json");
	std::fs::write(&path, raw.to_string()).expect("write the raw chain spec");
	path.to_str().expect("utf-8").to_string()
}

/// Screening titles: a few hundred films, so that title searches have something to find.
fn title(device: u64, seq: u64) -> String {
	let words = ["River", "Mountain", "Dragon", "Silent", "Winter", "Golden", "Ocean", "Star"];
	let film = (device * 7 + seq * 13) % 300;
	format!("The {} {} {film}", words[(film % 8) as usize], words[(film / 8 % 8) as usize])
}

fn main() -> ExitCode {
	let devices = arg("--devices", 200);
	let records = arg("--records", 100);
	let slot_ms = arg("--slot-ms", 1_000);
	let min_blocks = arg("--blocks", 0) as u32;
	let command: Vec<String> = std::env::args().skip_while(|a| a != "--").skip(1).collect();
	if command.is_empty() || devices == 0 || records == 0 || records > 100 {
		eprintln!("usage: fill-screenings [--devices N] [--records K<=100] [--slot-ms MS] [--blocks B] -- COMMAND [ARG...]");
		return ExitCode::FAILURE;
	}
	let dir = tempfile::tempdir().expect("temp dir");
	let spec = chain_spec(dir.path(), devices, slot_ms);
	let node = Node::start(
		NodeConfig::new("bench", &spec, 0).args([
			"--alice",
			"--validator",
			"--force-authoring",
			"--state-pruning",
			"archive-canonical",
			// Every batch at once: N transactions of ~20 KB each.
			"--pool-kbytes",
			"262144",
		]),
		&dir.path().join("node"),
	);
	wait_for("the node to finalize block 1", Duration::from_secs(120), &[&node], || node.finalized_number() >= 1);
	let rt = tokio::runtime::Runtime::new().expect("tokio runtime");
	let client = rt.block_on(connect(node.rpc.port));

	// One batch per device, every one sent before any is in a block.
	let started = Instant::now();
	let keys: Vec<Keypair> = (0..devices).map(device_key).collect();
	rt.block_on(async {
		let at = client.at_current_block().await.expect("a finalized block");
		let mut transactions = at.transactions();
		for (i, key) in keys.iter().enumerate() {
			let mut prev_hash = [0u8; 32];
			let batch: Vec<_> = (1..=records)
				.map(|seq| {
					let record = screening_at(DEMO_CINEMA, (i % 12) as u16 + 1, &title(i as u64, seq), seq, prev_hash);
					prev_hash = record_hash(&record);
					record
				})
				.collect();
			let call = cinechain::transactions().screenings().record_screenings(BoundedVec(batch));
			let params = DefaultExtrinsicParamsBuilder::<Config>::new().nonce(0).build();
			transactions
				.sign_and_submit(&call, key, params)
				.await
				.unwrap_or_else(|e| panic!("the pool refused device {i}'s batch: {e}"));
		}
	});
	let sent = started.elapsed();

	// Done when every device's nonce is 1 at the finalized block (its one transaction is in).
	let mut pending: Vec<AccountId32> = keys.iter().map(|k| k.public_key().into()).collect();
	wait_for("every batch to be finalized", Duration::from_secs(600), &[&node], || {
		rt.block_on(async {
			let Ok(at) = client.at_current_block().await else { return false };
			let accounts = at.storage().entry(cinechain::storage().system().account()).expect("System.Account");
			let mut left = Vec::new();
			for who in pending.drain(..) {
				let nonce = match accounts.try_fetch((who.clone(),)).await {
					Ok(Some(v)) => v.decode().map(|a| a.nonce).unwrap_or(0),
					_ => 0,
				};
				if nonce == 0 {
					left.push(who);
				}
			}
			pending = left;
			pending.is_empty()
		})
	});
	let filled = started.elapsed();
	let last_record_block = node.finalized_number();
	wait_for("the chain to grow", Duration::from_secs(30 + min_blocks as u64 * slot_ms / 250), &[&node], || {
		node.finalized_number() >= min_blocks
	});
	println!(
		"fill-screenings: {} records from {devices} devices, sent in {:.1} s, finalized by block #{last_record_block} after {:.1} s; chain at #{}",
		devices * records,
		sent.as_secs_f64(),
		filled.as_secs_f64(),
		node.finalized_number()
	);

	let url = format!("ws://127.0.0.1:{}", node.rpc.port);
	let args: Vec<String> = command[1..].iter().map(|a| a.replace("{url}", &url).replace("{spec}", &spec)).collect();
	let status = Command::new(&command[0]).args(&args).status();
	drop(node);
	match status {
		Ok(s) if s.success() => ExitCode::SUCCESS,
		Ok(s) => {
			eprintln!("fill-screenings: {} exited with {s}", command[0]);
			ExitCode::FAILURE
		},
		Err(e) => {
			eprintln!("fill-screenings: cannot run {}: {e}", command[0]);
			ExitCode::FAILURE
		},
	}
}
