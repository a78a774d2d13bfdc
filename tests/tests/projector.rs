//! The projector agent end to end: real validators on loopback, the real `cinechain-projector`
//! binary with its embedded smoldot light client (no RPC), a spool fed like a playback system.
//!
//! One chain, three acts (starting nodes is the slow part):
//! 1. init → register → a registrar approves → 20 screenings through `run`, all finalized in
//!    sequence;
//! 2. `kill -9` of the agent with records in its outbox, restart: each on chain exactly once,
//!    in order;
//! 3. every validator stopped while screenings keep coming, then restarted: the backlog goes
//!    out, nothing lost, nothing duplicated;
//! 4. a record the chain can never take (a registrar moved the device to another cinema under
//!    two queued records): the agent finds it stuck by the runtime's typed refusal, stops
//!    sending it, `status` says what to do; the technician relocates the projector and sets
//!    the two aside; the next screening goes on chain in their place, the chain of records
//!    unbroken.

use std::{
	fs,
	path::{Path, PathBuf},
	process::Child,
	time::Duration,
};

use cinechain_e2e::{
	chain::{cinechain, connect, submit, Client},
	playback::{head_seq, recorded},
	records::now_ms,
	projector, projector_ok, ship_chain_spec, start_validators, wait_for, Node,
};
use serde_json::Value;
use subxt::utils::AccountId32;

const VALIDATORS: [&str; 3] = ["alice", "bob", "charlie"];
const CINEMA: u32 = 11_010_501;
/// Another demo cinema, where act 4 moves the device.
const SHANGHAI: u32 = 31_010_101;

/// The agent process; killed (SIGKILL) when dropped.
struct Agent {
	child: Child,
	log: PathBuf,
}

impl Agent {
	fn start(data: &Path, spool: &Path, log: &Path) -> Agent {
		let file = fs::File::options().create(true).append(true).open(log).expect("agent log");
		let child = projector(data)
			.args(["run", "--spool"])
			.arg(spool)
			.stdout(file.try_clone().unwrap())
			.stderr(file)
			.spawn()
			.expect("start cinechain-projector run");
		Agent { child, log: log.to_path_buf() }
	}

	fn kill(&mut self) {
		let _ = self.child.kill();
		let _ = self.child.wait();
	}

	fn log_tail(&self) -> String {
		let text = fs::read_to_string(&self.log).unwrap_or_default();
		let lines: Vec<&str> = text.lines().collect();
		lines[lines.len().saturating_sub(30)..].join("\n")
	}
}

impl Drop for Agent {
	fn drop(&mut self) {
		self.kill();
	}
}

/// The outbox as `status --offline --json` shows it.
fn outbox(data: &Path) -> (u64, u64) {
	let status: Value = serde_json::from_str(&projector_ok(data, &["status", "--offline", "--json"])).unwrap();
	(status["outbox"]["pending"].as_u64().unwrap(), status["outbox"]["last_numbered"].as_u64().unwrap())
}

/// [`wait_for`], and on failure the agent's log too.
fn wait_with_agent(agent: &Agent, what: &str, timeout: Duration, nodes: &[&Node], condition: impl FnMut() -> bool) {
	let waited = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| wait_for(what, timeout, nodes, condition)));
	if let Err(cause) = waited {
		let message = cause.downcast_ref::<String>().cloned().unwrap_or_default();
		panic!("{message}\n---- agent (last 30 log lines) ----\n{}", agent.log_tail());
	}
}

/// A screening event file, as a playback system writes it (atomically: write, then rename).
fn drop_event(spool: &Path, n: usize) {
	let ended = now_ms() - 120_000 + n as u64;
	let json = serde_json::json!({
		"film": { "title": format!("screening {n:03}"), "cpl_id": "urn:uuid:6f1c0c36-8d0e-4a57-9a6e-2c1b3f4d5e6f" },
		"projectionist": "P-0042",
		"hall": 1 + (n % 3) as u16,
		"started_at": ended - 2 * 3_600_000,
		"ended_at": ended,
		"outcome": "completed",
	});
	let tmp = spool.join(format!(".{n:03}.json"));
	fs::write(&tmp, json.to_string()).unwrap();
	fs::rename(&tmp, spool.join(format!("{n:03}.json"))).unwrap();
}


/// Asserts that the chain holds screenings 0..n of the spool, each once, as records 1..=n.
async fn assert_exactly_once_in_order(client: &Client, node: &Node, device: u64, n: usize) {
	let on_chain: Vec<(u64, String)> =
		recorded(client, node.finalized_number(), device).await.into_iter().map(|r| (r.seq, r.title)).collect();
	let expected: Vec<(u64, String)> = (0..n).map(|i| (i as u64 + 1, format!("screening {i:03}"))).collect();
	assert_eq!(on_chain, expected);
}

#[test]
fn projector_agent_records_through_its_light_client_and_survives_crashes_and_outages() {
	// Blocking test code (node processes, polling) with a runtime for the subxt client.
	let rt = tokio::runtime::Runtime::new().expect("tokio runtime");
	let dir = tempfile::tempdir().expect("temp dir");
	let mut nodes =
		start_validators(&VALIDATORS, "local", dir.path(), |_, config| config.args(["--state-pruning", "archive"]));
	{
		let all: Vec<&Node> = nodes.iter().collect();
		wait_for("block 1 finalized", Duration::from_secs(180), &all, || nodes[0].finalized_number() >= 1);
	}

	// The chain spec the projector is shipped with: raw, with the validators as bootnodes.
	let data = dir.path().join("projector");
	let spool = dir.path().join("spool");
	ship_chain_spec(&data, "local", &nodes.iter().collect::<Vec<_>>());

	// init: a fresh key, born on the device.
	let address = projector_ok(&data, &["init", "--cinema", &CINEMA.to_string()]).trim().to_string();
	let account: AccountId32 = address.parse().expect("init prints the device's address");
	let client = rt.block_on(connect(nodes[0].rpc.port));

	// register, through the light client; Bob (the demo registrar) approves.
	let registered = projector_ok(
		&data,
		&[
			"register", "--manufacturer", "Barco", "--model", "SP4K-15C", "--serial", "E2E-0001",
			"--production-date", "20250630", "--firmware", "4.2.1",
		],
	);
	assert!(registered.contains("registration requested"), "{registered}");
	let device: u64 = rt.block_on(async {
		let at = client.at_current_block().await.unwrap();
		let by_key = at.storage().entry(cinechain::storage().devices().device_by_key()).unwrap();
		by_key.fetch((account.clone(),)).await.expect("the request is on chain").decode().unwrap()
	});
	let approve = cinechain::transactions().devices().approve_registration(device);
	rt.block_on(submit(&client, &approve, &subxt_signer::sr25519::dev::bob())).events();

	// Act 1: 20 screenings through the daemon.
	fs::create_dir_all(&spool).unwrap();
	let log = dir.path().join("agent.log");
	let mut agent = Agent::start(&data, &spool, &log);
	for n in 0..20 {
		drop_event(&spool, n);
	}
	{
		let all: Vec<&Node> = nodes.iter().collect();
		// On chain, and known to the agent as finalized (receipt kept, outbox empty).
		wait_with_agent(&agent, "20 screenings finalized", Duration::from_secs(300), &all, || {
			rt.block_on(head_seq(&client, device)) >= 20 && outbox(&data) == (0, 20)
		});
	}
	rt.block_on(assert_exactly_once_in_order(&client, &nodes[0], device, 20));

	// Act 2: kill -9 with records in the outbox that have not all reached the chain.
	for n in 20..30 {
		drop_event(&spool, n);
	}
	{
		let all: Vec<&Node> = nodes.iter().collect();
		wait_with_agent(&agent, "the agent to store the 10 new events", Duration::from_secs(60), &all, || {
			outbox(&data).1 >= 30
		});
	}
	let (pending, _) = outbox(&data);
	agent.kill();
	let on_chain_at_kill = rt.block_on(head_seq(&client, device));
	assert!(pending > 0 && on_chain_at_kill < 30, "the kill must leave work in the outbox ({pending} pending)");
	let mut agent = Agent::start(&data, &spool, &log);
	{
		let all: Vec<&Node> = nodes.iter().collect();
		wait_with_agent(&agent, "30 screenings finalized after the restart", Duration::from_secs(300), &all, || {
			rt.block_on(head_seq(&client, device)) >= 30 && outbox(&data).0 == 0
		});
	}
	rt.block_on(assert_exactly_once_in_order(&client, &nodes[0], device, 30));

	// Act 3: the whole network goes away while screenings keep coming.
	let log_before_outage = fs::metadata(&log).map(|m| m.len()).unwrap_or(0);
	for node in nodes.iter_mut() {
		node.stop(Duration::from_secs(20));
	}
	for n in 30..40 {
		drop_event(&spool, n);
		// Screenings end one after another, not all at once.
		std::thread::sleep(Duration::from_millis(300));
	}
	// The agent keeps every event, and its own log shows it tried the chain and found none
	// (a failed read, connection or submission): only then does "nothing sent" mean something.
	let found_no_chain = || {
		let text = fs::read(&log).unwrap_or_default();
		let since = String::from_utf8_lossy(&text[(log_before_outage as usize).min(text.len())..]).into_owned();
		["lost the chain", "cannot reach the chain", "not accepted"].iter().any(|sign| since.contains(sign))
	};
	wait_with_agent(&agent, "the agent to keep the events and find no chain", Duration::from_secs(300), &[], || {
		outbox(&data) == (10, 40) && found_no_chain()
	});
	assert_eq!(outbox(&data), (10, 40), "nothing can be done while no validator runs");
	for node in nodes.iter_mut() {
		node.restart();
	}
	{
		let all: Vec<&Node> = nodes.iter().collect();
		wait_for("the validators' RPC to be back", Duration::from_secs(60), &all, || nodes[0].rpc.finalized_number().is_ok());
	}
	let client = rt.block_on(connect(nodes[0].rpc.port));
	{
		let all: Vec<&Node> = nodes.iter().collect();
		wait_with_agent(&agent, "the backlog finalized after the validators return", Duration::from_secs(400), &all, || {
			rt.block_on(head_seq(&client, device)) >= 40 && outbox(&data).0 == 0
		});
	}
	rt.block_on(assert_exactly_once_in_order(&client, &nodes[0], device, 40));

	// Act 4: the registrar moves the device to Shanghai; two screenings of the Beijing
	// projector are still to come, made with Beijing as their venue.
	let moved = device_info_in(SHANGHAI);
	rt.block_on(submit(&client, &cinechain::transactions().devices().update_device_info(device, moved), &subxt_signer::sr25519::dev::bob()))
		.events();
	drop_event(&spool, 40);
	let stuck = |data: &Path| -> Value {
		let status: Value = serde_json::from_str(&projector_ok(data, &["status", "--offline", "--json"])).unwrap();
		status["outbox"]["stuck"].clone()
	};
	{
		let all: Vec<&Node> = nodes.iter().collect();
		wait_with_agent(&agent, "the agent to find record #41 stuck", Duration::from_secs(300), &all, || {
			stuck(&data)["seq"] == 41
		});
	}
	drop_event(&spool, 41);
	wait_with_agent(&agent, "the agent to store the next screening behind it", Duration::from_secs(60), &[], || {
		outbox(&data) == (2, 42)
	});
	assert_eq!(stuck(&data)["refusal"], "WRONG_VENUE", "typed by the runtime's verdict: {}", stuck(&data));
	assert_eq!(rt.block_on(head_seq(&client, device)), 40, "nothing of the stuck record or behind it reaches the chain");
	// What the technician is told: the agent's log names both cinemas (its view of the chain is
	// the one the runtime judged the record at, so it has the move), `status` what to do.
	let told = format!("record #41 names cinema {CINEMA}, but the chain registers this device in cinema {SHANGHAI}");
	wait_with_agent(&agent, "the agent to say what to do about the stuck record", Duration::from_secs(60), &[], || {
		fs::read_to_string(&log).unwrap_or_default().contains(&told)
	});
	let action = stuck(&data)["action"].as_str().unwrap_or_default().to_string();
	assert!(action.contains("relocate --cinema") && action.contains("set-aside 41"), "{action}");
	agent.kill();
	// Only the stuck record may start what is set aside.
	let refused = projector(&data).args(["set-aside", "42", "--reason", "moved"]).output().unwrap();
	assert!(!refused.status.success() && String::from_utf8_lossy(&refused.stderr).contains("#41 is"), "{refused:?}");
	projector_ok(&data, &["relocate", "--cinema", &SHANGHAI.to_string()]);
	projector_ok(&data, &["set-aside", "41", "--count", "2", "--reason", "made in Beijing before the move to Shanghai"]);
	assert_eq!(outbox(&data), (0, 40));
	let mut agent = Agent::start(&data, &spool, &log);
	drop_event(&spool, 42);
	{
		let all: Vec<&Node> = nodes.iter().collect();
		wait_with_agent(&agent, "the next screening finalized as #41", Duration::from_secs(300), &all, || {
			rt.block_on(head_seq(&client, device)) >= 41 && outbox(&data) == (0, 41)
		});
	}
	let on_chain = rt.block_on(recorded(&client, nodes[0].finalized_number(), device));
	let last: Vec<(u64, &str)> = on_chain.iter().skip(39).map(|r| (r.seq, r.title.as_str())).collect();
	assert_eq!(last, vec![(40, "screening 039"), (41, "screening 042")]);
	let status: Value = serde_json::from_str(&projector_ok(&data, &["status", "--offline", "--json"])).unwrap();
	let set_aside: Vec<(u64, &str, &str)> = status["outbox"]["set_aside"]
		.as_array()
		.unwrap()
		.iter()
		.map(|item| (item["seq"].as_u64().unwrap(), item["title"].as_str().unwrap(), item["refusal"].as_str().unwrap()))
		.collect();
	assert_eq!(set_aside, vec![(41, "screening 040", "WRONG_VENUE"), (42, "screening 041", "WRONG_VENUE")]);
	assert!(status["outbox"]["stuck"].is_null());
	agent.kill();
}

/// The device's registration data, in `cinema`.
fn device_info_in(cinema: u32) -> cinechain::runtime_types::pallet_devices::types::DeviceInfo {
	use cinechain_projector::chain::bounded;
	cinechain::runtime_types::pallet_devices::types::DeviceInfo {
		manufacturer: bounded(b"Barco"),
		model: bounded(b"SP4K-15C"),
		serial_number: bounded(b"E2E-0001"),
		production_date: 2025_06_30,
		firmware_version: bounded(b"4.2.1"),
		cinema,
	}
}
