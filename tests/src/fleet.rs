//! A fleet of projector agents (the real binary, each with its own embedded smoldot light
//! client) on a three-validator local network: used by the `fleet` tool, which measures how long
//! a screening takes to reach a finalized receipt when every agent records at once, and by the
//! fleet test, which runs a small fleet in the test command.

use std::{
	fs,
	path::{Path, PathBuf},
	process::Child,
	time::{Duration, Instant},
};

use crate::{
	chain::{cinechain, connect, Client},
	flood::{self, nonce_of},
	projector,
	records::{bounded, now_ms, DEMO_CINEMA},
	run_node_command, start_validators, wait_for, Node,
};
use subxt::ext::codec::Encode;
use subxt_signer::sr25519::{dev, Keypair};

const VALIDATORS: [&str; 3] = ["alice", "bob", "charlie"];

/// One agent process and its files.
pub struct Agent {
	/// The device id on chain.
	pub device: u64,
	pub data: PathBuf,
	pub spool: PathBuf,
	pub log: PathBuf,
	child: Option<Child>,
	/// Times it was started: it logs "synced" once per start, and records one screening per
	/// round it takes part in.
	starts: usize,
}

impl Agent {
	pub fn start(&mut self) {
		let log = fs::File::options().create(true).append(true).open(&self.log).expect("agent log");
		let child = projector(&self.data)
			.args(["run", "--spool"])
			.arg(&self.spool)
			.stdout(log.try_clone().unwrap())
			.stderr(log)
			.spawn()
			.expect("start cinechain-projector run");
		self.child = Some(child);
		self.starts += 1;
	}

	pub fn log_text(&self) -> String {
		fs::read_to_string(&self.log).unwrap_or_default()
	}

	/// Whether the agent has synced since it was last started.
	pub fn synced(&self) -> bool {
		self.log_text().matches("synced: finalized block").count() >= self.starts
	}

	/// Whether the agent has the receipt of the screening of the round it was last started for.
	pub fn has_receipt(&self) -> bool {
		self.log_text().matches("in finalized block #").count() >= self.starts
	}

	/// Peak and current resident memory, KiB (`VmHWM`, `VmRSS`).
	pub fn memory(&self) -> (u64, u64) {
		let pid = self.child.as_ref().map_or(0, Child::id);
		let status = fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
		let field = |name: &str| {
			status
				.lines()
				.find(|l| l.starts_with(name))
				.and_then(|l| l.split_whitespace().nth(1))
				.and_then(|v| v.parse().ok())
				.unwrap_or(0)
		};
		(field("VmHWM:"), field("VmRSS:"))
	}

	pub fn stop(&mut self) {
		if let Some(mut child) = self.child.take() {
			let _ = child.kill();
			let _ = child.wait();
		}
	}
}

impl Drop for Agent {
	fn drop(&mut self) {
		self.stop();
	}
}

/// A screening event, written as a playback system does (write, then rename).
fn drop_event(spool: &Path, n: usize) {
	let ended = now_ms() - 60_000;
	let json = serde_json::json!({
		"id": format!("fleet-{n}"),
		"film": { "title": format!("fleet screening {n}"), "film_code": "001101232025" },
		"projectionist": "P-0042", "hall": 1,
		"started_at": ended - 2 * 3_600_000, "ended_at": ended, "outcome": "completed",
	});
	let tmp = spool.join(format!(".{n}.json"));
	fs::write(&tmp, json.to_string()).unwrap();
	fs::rename(&tmp, spool.join(format!("{n}.json"))).unwrap();
}

/// The device's signature over what `provision_device` checks (`Devices::provision_payload`).
fn provision_proof(
	key: &Keypair,
	genesis: [u8; 32],
	info: &cinechain::runtime_types::pallet_devices::types::DeviceInfo,
) -> cinechain::runtime_types::sp_runtime::MultiSignature {
	// SCALE of (context bytes, genesis hash, account id, info): a length-prefixed byte string,
	// then two raw 32-byte values, then the info.
	let mut payload = b"cinechain/provision/v1".to_vec().encode();
	payload.extend(genesis);
	payload.extend(key.public_key().0);
	// The generated types encode through the metadata only; DeviceInfo's SCALE, field by field.
	for text in [&info.manufacturer, &info.model, &info.serial_number] {
		payload.extend(text.0.encode());
	}
	payload.extend(info.production_date.encode());
	payload.extend(info.firmware_version.0.encode());
	payload.extend(info.cinema.encode());
	cinechain::runtime_types::sp_runtime::MultiSignature::Sr25519(key.sign(&payload).0)
}

/// The next device id at the finalized block: grows by one per device.
async fn count_devices(client: &Client) -> u64 {
	let at = client.at_current_block().await.expect("finalized block");
	at.storage().entry(cinechain::storage().devices().next_device_id()).unwrap().fetch(()).await.unwrap().decode().unwrap()
}

/// The value at fraction `q` of `sorted` (nearest rank).
pub fn percentile(sorted: &[f64], q: f64) -> f64 {
	let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
	sorted[rank - 1]
}

/// A running network with provisioned devices for up to `agents.len()` agents. Dropping it
/// kills every agent and node.
pub struct Fleet {
	pub agents: Vec<Agent>,
	pub client: Client,
	pub nodes: Vec<Node>,
	/// Rounds run so far.
	rounds: usize,
	_dir: tempfile::TempDir,
}

/// What one round measured.
pub struct Round {
	/// Agents in the round.
	pub agents: usize,
	/// From starting the agents until every one had synced, seconds.
	pub synced_in: f64,
	/// Event → finalized receipt, seconds, sorted; one per agent that got its receipt in time.
	pub latencies: Vec<f64>,
	/// Peak resident memory of each agent, KiB.
	pub peak_rss_kib: Vec<u64>,
}

impl Fleet {
	/// Starts Alice, Bob and Charlie on the `local` chain and provisions `devices` devices: keys
	/// made as `init` makes them, each in its agent's key file, provisioned by the registrar Bob
	/// with the device's signature.
	pub async fn start(devices: usize) -> Fleet {
		let dir = tempfile::tempdir().expect("temp dir");
		let nodes = start_validators(&VALIDATORS, "local", dir.path(), |_, config| config);
		{
			let all: Vec<&Node> = nodes.iter().collect();
			wait_for("block 1 finalized", Duration::from_secs(180), &all, || nodes[0].finalized_number() >= 1);
		}
		let client = connect(nodes[0].rpc.port).await;
		let genesis = client.genesis_hash().0;

		// The chain spec every agent is shipped with: raw, the three validators as bootnodes.
		let mut spec: serde_json::Value =
			serde_json::from_str(&run_node_command(&["build-spec", "--chain", "local", "--raw"])).expect("a chain spec");
		spec["bootNodes"] = serde_json::Value::Array(nodes.iter().map(|n| n.multiaddr().into()).collect());
		let spec = spec.to_string();

		let first_device = count_devices(&client).await;
		let mut agents = Vec::new();
		let mut provisions = Vec::new();
		let mut accounts = Vec::new();
		for i in 0..devices {
			let data = dir.path().join(format!("agent-{i}"));
			let spool = dir.path().join(format!("spool-{i}"));
			fs::create_dir_all(&data).unwrap();
			fs::create_dir_all(&spool).unwrap();
			fs::write(data.join("chain-spec.json"), &spec).unwrap();
			fs::write(data.join("projector.json"), format!("{{\"cinema\": {DEMO_CINEMA}}}")).unwrap();
			let key = cinechain_projector::keystore::create(&data.join("device.key"), None).expect("a device key");
			let info = cinechain::runtime_types::pallet_devices::types::DeviceInfo {
				manufacturer: bounded(b"Fleet"),
				model: bounded(b"F-1"),
				serial_number: bounded(format!("FLEET-{i:05}").as_bytes()),
				production_date: 2025_06_30,
				firmware_version: bounded(b"1"),
				cinema: DEMO_CINEMA,
			};
			let proof = provision_proof(&key, genesis, &info);
			provisions.push(cinechain::transactions().devices().provision_device(key.public_key().into(), info, proof));
			accounts.push(subxt::utils::AccountId32::from(key.public_key()));
			let log = dir.path().join(format!("agent-{i}.log"));
			agents.push(Agent { device: 0, data, spool, log, child: None, starts: 0 });
		}
		let bob = dev::bob();
		flood::send_all(&client, &provisions, &bob, nonce_of(&nodes[0].rpc, &bob)).await.expect("the pool takes the provisions");
		let deadline = Instant::now() + Duration::from_secs(300);
		while count_devices(&client).await < first_device + devices as u64 {
			assert!(Instant::now() < deadline, "the devices were not all provisioned within 300 s");
			tokio::time::sleep(Duration::from_millis(500)).await;
		}
		// Each agent's device id, as the chain has it for its key.
		let at = client.at_current_block().await.expect("finalized block");
		let by_key = at.storage().entry(cinechain::storage().devices().device_by_key()).expect("Devices.DeviceByKey");
		for (agent, account) in agents.iter_mut().zip(accounts) {
			agent.device = by_key.fetch((account,)).await.expect("the device is provisioned").decode().expect("a device id");
		}
		Fleet { agents, client, nodes, rounds: 0, _dir: dir }
	}

	/// Starts the first `n` agents, waits until each has synced, drops one event into every
	/// spool at once and waits (up to `timeout`) for every receipt; then stops the agents.
	pub async fn round(&mut self, n: usize, timeout: Duration) -> Round {
		let round = self.rounds;
		self.rounds += 1;
		let agents = &mut self.agents[..n];
		let started = Instant::now();
		for agent in agents.iter_mut() {
			agent.start();
		}
		while !agents.iter().all(Agent::synced) {
			assert!(started.elapsed() < Duration::from_secs(600), "not every agent synced within 600 s");
			tokio::time::sleep(Duration::from_millis(200)).await;
		}
		let synced_in = started.elapsed().as_secs_f64();
		let at = Instant::now();
		for (i, agent) in agents.iter().enumerate() {
			drop_event(&agent.spool, round * 1_000_000 + i);
		}
		let mut latency: Vec<Option<f64>> = vec![None; n];
		while latency.iter().any(Option::is_none) && at.elapsed() < timeout {
			for (i, agent) in agents.iter().enumerate() {
				if latency[i].is_none() && agent.has_receipt() {
					latency[i] = Some(at.elapsed().as_secs_f64());
				}
			}
			tokio::time::sleep(Duration::from_millis(50)).await;
		}
		let mut latencies: Vec<f64> = latency.into_iter().flatten().collect();
		latencies.sort_by(f64::total_cmp);
		let peak_rss_kib = agents.iter().map(|a| a.memory().0).collect();
		for agent in agents.iter_mut() {
			agent.stop();
		}
		Round { agents: n, synced_in, latencies, peak_rss_kib }
	}
}
