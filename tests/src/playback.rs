//! The demo projector at work: the development chain's device //One at the demo cinema, its real
//! agent recording the screening events a test drops into its spool, through its light client.

use std::{
	fs,
	path::{Path, PathBuf},
	process::Child,
};

use serde_json::{json, Value};
use subxt::utils::AccountId32;
use subxt_signer::sr25519::dev;

use crate::{
	chain::{cinechain, Client},
	cluster::chain_spec_with_slot,
	projector, projector_ok,
	records::{now_ms, DEMO_CINEMA},
	ship_chain_spec, wait_for, Node, NodeConfig,
};

/// The CPL id most demo events carry.
pub const CPL: &str = "6f1c0c36-8d0e-4a57-9a6e-2c1b3f4d5e6f";
/// The report hash of event 0.
pub const REPORT: &str = "0x1111111111111111111111111111111111111111111111111111111111111111";

/// A chain for an indexer to follow, under `dir`: one validator (Alice) on one-second slots,
/// keeping the state of every finalized block (the indexer reads events and registry entries at
/// each block), with block 1 finalized. Returns the node and its chain spec's path.
pub fn chain_to_index(dir: &Path) -> (Node, String) {
	let spec = chain_spec_with_slot(&dir.join("spec"), 1_000);
	let spec = spec.to_str().expect("utf-8 path").to_string();
	let node = Node::start(
		NodeConfig::new("alice", &spec, 0).args(["--alice", "--validator", "--state-pruning", "archive-canonical"]),
		&dir.join("node"),
	);
	wait_for("block 1 finalized", std::time::Duration::from_secs(120), &[&node], || node.finalized_number() >= 1);
	(node, spec)
}

/// The device //One with its agent daemon running (killed when dropped).
pub struct DemoProjector {
	pub device: u64,
	/// The agent's data directory (its chain spec, key and outbox).
	pub data: PathBuf,
	/// Where screening events go.
	pub spool: PathBuf,
	agent: Child,
}

impl Drop for DemoProjector {
	fn drop(&mut self) {
		let _ = self.agent.kill();
		let _ = self.agent.wait();
	}
}

impl DemoProjector {
	/// Sets up //One at a position fix in the demo cinema under `dir` (chain spec `spec`, bootnode
	/// `node`) and starts its agent on a spool.
	pub fn start(rt: &tokio::runtime::Runtime, client: &Client, dir: &Path, spec: &str, node: &Node) -> DemoProjector {
		let data = dir.join("projector");
		ship_chain_spec(&data, spec, &[node]);
		projector_ok(
			&data,
			&["init", "--cinema", &DEMO_CINEMA.to_string(), "--latitude", "39.9042", "--longitude", "116.4074", "--dev-key", "//One"],
		);
		let one: AccountId32 = dev::one().public_key().into();
		let device: u64 = rt.block_on(async {
			let at = client.at_current_block().await.unwrap();
			let by_key = at.storage().entry(cinechain::storage().devices().device_by_key()).unwrap();
			by_key.fetch((one.clone(),)).await.expect("//One is a demo device").decode().unwrap()
		});
		let spool = dir.join("spool");
		fs::create_dir_all(&spool).unwrap();
		let log = fs::File::create(dir.join("agent.log")).unwrap();
		let agent = projector(&data)
			.args(["run", "--spool"])
			.arg(&spool)
			.stdout(log.try_clone().unwrap())
			.stderr(log)
			.spawn()
			.expect("start the agent");
		DemoProjector { device, data, spool, agent }
	}

	/// Drops screening event `n` ([`screening_event`]) into the spool, whole (written aside,
	/// then renamed in).
	pub fn drop_event(&self, n: u64) {
		let tmp = self.spool.join(format!(".{n:03}.json"));
		fs::write(&tmp, screening_event(n).to_string()).unwrap();
		fs::rename(&tmp, self.spool.join(format!("{n:03}.json"))).unwrap();
	}
}

/// Screening event `n` as the playback system writes it: a mix of films, outcomes and optional
/// fields. Each lasts two hours and ends a second after the one before: each after the first
/// overlaps the one before on the same device (the `device_overlap` anomaly).
pub fn screening_event(n: u64) -> Value {
	let ended = now_ms() - 600_000 + n * 1_000;
	let film = match n {
		0 => json!({ "title": "Hugo", "cpl_id": format!("urn:uuid:{CPL}"), "film_code": "001101202501" }),
		1 => json!({ "title": "Cinema Paradiso", "film_code": "001101202502" }),
		_ => json!({ "title": "The Last Picture Show", "cpl_id": CPL }),
	};
	let mut event = json!({
		"film": film,
		"projectionist": if n % 2 == 0 { "P-0042" } else { "P-0007" },
		"hall": 1 + n % 3,
		"started_at": ended - 2 * 3_600_000,
		"ended_at": ended,
		"outcome": if n == 1 { json!({ "aborted": 7 }) } else { json!("completed") },
	});
	if n == 0 {
		event["report_hash"] = json!(REPORT);
	}
	event
}

/// A screening record of one device as the chain's `ScreeningRecorded` event shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recorded {
	pub seq: u64,
	pub title: String,
	/// The block it is in.
	pub block: u32,
}

/// Every `ScreeningRecorded` of `device` in blocks 1..=`last`, in chain order, read with the
/// generated types (each block's events with its own runtime's metadata).
pub async fn recorded(client: &Client, last: u32, device: u64) -> Vec<Recorded> {
	let mut out = Vec::new();
	for number in 1..=last {
		let at = client.at_block(number).await.expect("block");
		let events = at.events().fetch().await.expect("events");
		for event in events.find::<cinechain::screenings::events::ScreeningRecorded>() {
			let event = event.expect("decodes");
			if event.device == device {
				let title = String::from_utf8(event.record.film.title.0.clone()).expect("UTF-8 title");
				out.push(Recorded { seq: event.seq, title, block: number });
			}
		}
	}
	out
}

/// The sequence number of `device`'s last record at the finalized head.
pub async fn head_seq(client: &Client, device: u64) -> u64 {
	let at = client.at_current_block().await.expect("finalized block");
	let heads = at.storage().entry(cinechain::storage().screenings().heads()).unwrap();
	heads.fetch((device,)).await.unwrap().decode().unwrap().last_seq
}
