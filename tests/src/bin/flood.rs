//! `flood`: sends the feeless floods a hostile key could send to a real `--dev` node, and prints
//! how many of them got into blocks and the weight they used.
//!
//!   CINECHAIN_NODE=path/to/cinechain-node flood [count]
//!
//! Starts its own `--dev` node (temp base path, free loopback ports; killed at the end), then
//! for each flood submits `count` transactions (default 300) as fast as the node takes them,
//! waits until none of them is left in the pool (or two minutes pass), and reads every
//! finalized block since the flood began:
//!
//! - `empty-batches`: the demo device `One` sends `record_screenings([])`, consecutive nonces;
//! - `bad-rotations`: the demo device `Two` sends `rotate_key` with a wrong proof;
//! - `heartbeats`: a registered archive node's key sends `heartbeat`, consecutive nonces;
//! - `requests-one-cinema` / `requests-many-cinemas`: fresh keys each send
//!   `request_registration`, all for the demo cinema, or each for a cinema of its own.
//!
//! For each it prints the transactions the pool took and refused (by reason), the extrinsics
//! that reached blocks (succeeded, failed), the weight those extrinsics used (as their
//! `ExtrinsicSuccess`/`ExtrinsicFailed` events state it) and its share of one block's normal
//! weight. Run it against two node binaries to compare runtimes (`scripts/flood.sh` does).

use std::{collections::BTreeMap, time::{Duration, Instant}};

use cinechain_e2e::{
	chain::{
		cinechain::{self, runtime_types::{bounded_collections::bounded_vec::BoundedVec, sp_runtime::MultiSignature}},
		connect, submit, Client,
	},
	flood::{self, device_info, fresh_key, nonce_of, pool_len, FIRST_FLOOD_CINEMA},
	records::{bounded, DEMO_CINEMA},
	wait_for, Node, NodeConfig,
};
use subxt::events::Phase;
use subxt_signer::sr25519::{dev, Keypair};

/// What one flood did.
#[derive(Default)]
struct Tally {
	accepted: u32,
	refused: BTreeMap<String, u32>,
	included_ok: u32,
	included_failed: u32,
	ref_time: u64,
	blocks: u32,
}

/// The short form of a pool refusal: its custom code, or the message.
fn reason(message: &str) -> String {
	match cinechain_e2e::flood::pool_code(message) {
		Some(code) => format!("custom error {code}"),
		None if message.contains("ExhaustsResources") || message.contains("exhausts") => "exhausts resources".into(),
		None => message.chars().take(80).collect(),
	}
}

/// Submits `call` without waiting ([`flood::send`]) and records whether the pool took it.
async fn send<Call: subxt::transactions::Payload>(
	client: &Client,
	call: &Call,
	signer: &Keypair,
	nonce: Option<u64>,
	tally: &mut Tally,
) {
	match flood::send(client, call, signer, nonce).await {
		Ok(()) => tally.accepted += 1,
		Err(e) => *tally.refused.entry(reason(&e)).or_default() += 1,
	}
}

/// Waits until the pool holds none of the flood's transactions (or two minutes pass), then
/// until that block is finalized, and counts the extrinsics of `pallet.call` in the finalized
/// blocks after `from`.
async fn settle(client: &Client, node: &Node, from: u32, pallet: &str, call: &str, tally: &mut Tally) {
	let deadline = Instant::now() + Duration::from_secs(120);
	while Instant::now() < deadline {
		if pool_len(node) == 0 {
			break;
		}
		tokio::time::sleep(Duration::from_millis(500)).await;
	}
	let best = node.best_number();
	wait_for("the flood's blocks to be finalized", Duration::from_secs(120), &[node], || node.finalized_number() >= best);
	for number in from + 1..=best {
		let at = client.at_block(number as u64).await.expect("a finalized block");
		let extrinsics = at.extrinsics().fetch().await.expect("its extrinsics");
		let ours: Vec<u32> = extrinsics
			.iter()
			.filter_map(Result::ok)
			.filter(|x| x.pallet_name() == pallet && x.call_name() == call)
			.map(|x| x.index() as u32)
			.collect();
		if ours.is_empty() {
			continue;
		}
		tally.blocks += 1;
		let events = at.events().fetch().await.expect("its events");
		for event in events.iter() {
			let event = event.expect("an event decodes");
			let Phase::ApplyExtrinsic(index) = event.phase() else { continue };
			if !ours.contains(&index) {
				continue;
			}
			if let Some(Ok(ok)) = event.decode_fields_as::<cinechain::system::events::ExtrinsicSuccess>() {
				tally.included_ok += 1;
				tally.ref_time += ok.dispatch_info.weight.ref_time;
			} else if let Some(Ok(failed)) = event.decode_fields_as::<cinechain::system::events::ExtrinsicFailed>() {
				tally.included_failed += 1;
				tally.ref_time += failed.dispatch_info.weight.ref_time;
			}
		}
	}
}

fn print(name: &str, count: u32, tally: &Tally, block_normal_ref_time: u64) {
	let refused: Vec<String> = tally.refused.iter().map(|(r, n)| format!("{n} × {r}")).collect();
	println!(
		"{name:<22} sent {count:>4}: pool took {:>4}, refused [{}]; in blocks: {} ok + {} failed in {} blocks; \
		 weight {:.3} ms = {:.2} blocks' normal weight",
		tally.accepted,
		refused.join(", "),
		tally.included_ok,
		tally.included_failed,
		tally.blocks,
		tally.ref_time as f64 / 1e9,
		tally.ref_time as f64 / block_normal_ref_time as f64,
	);
}

/// The Shanghai demo cinema (the runtime's genesis presets): the real projector's.
const SHANGHAI_CINEMA: u32 = 31_010_101;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
	let count: u32 = std::env::args().nth(1).map_or(300, |n| n.parse().expect("count: a number"));
	let dir = tempfile::tempdir().expect("temp dir");
	let node = Node::start(NodeConfig::new("flood", "dev", 0).args(["--alice", "--validator"]), dir.path());
	wait_for("block 1 to be finalized", Duration::from_secs(120), &[&node], || node.finalized_number() >= 1);
	let client = connect(node.rpc.port).await;
	println!("node: {}", cinechain_e2e::node_binary().display());
	// A block's weight for normal transactions: 75 % of one second.
	let normal = 750_000_000_000u64;

	// 1. Empty batches from an active device.
	let one = dev::one();
	let (from, mut tally, first) = (node.best_number(), Tally::default(), nonce_of(&node.rpc, &one));
	let empty = cinechain::transactions().screenings().record_screenings(BoundedVec(vec![]));
	for i in 0..count as u64 {
		send(&client, &empty, &one, Some(first + i), &mut tally).await;
	}
	settle(&client, &node, from, "Screenings", "record_screenings", &mut tally).await;
	print("empty-batches", count, &tally, normal);

	// 2. Key rotations with a wrong proof from an active device.
	let two = dev::two();
	let (from, mut tally, first) = (node.best_number(), Tally::default(), nonce_of(&node.rpc, &two));
	for i in 0..count as u64 {
		let rotate = cinechain::transactions()
			.devices()
			.rotate_key(fresh_key().public_key().into(), MultiSignature::Sr25519([7; 64]));
		send(&client, &rotate, &two, Some(first + i), &mut tally).await;
	}
	settle(&client, &node, from, "Devices", "rotate_key", &mut tally).await;
	print("bad-rotations", count, &tally, normal);

	// 3. Heartbeats from a registered archive node's key, one per nonce.
	let archive = fresh_key();
	let proof = cinechain_e2e::cluster::sign_registration(&client, &dev::alice().public_key().into(), &archive);
	let register = cinechain::transactions().archive().register_node(
		archive.public_key().into(),
		bounded(b"12D3KooWflood"),
		bounded(b"http://127.0.0.1:1"),
		0,
		proof,
	);
	let events = submit(&client, &register, &dev::alice()).await.events();
	let node_id = events
		.find_first::<cinechain::archive::events::NodeRegistered>()
		.expect("decode events")
		.expect("NodeRegistered")
		.node;
	let (from, mut tally, first) = (node.best_number(), Tally::default(), nonce_of(&node.rpc, &archive));
	let heartbeat = cinechain::transactions().archive().heartbeat(node_id);
	for i in 0..count as u64 {
		send(&client, &heartbeat, &archive, Some(first + i), &mut tally).await;
	}
	settle(&client, &node, from, "Archive", "heartbeat", &mut tally).await;
	print("heartbeats", count, &tally, normal);

	// 4. Registration requests from fresh keys: all for one cinema, then each for its own.
	//    Halfway through, a real projector of another cinema asks too, and waits for the answer.
	//    Requests must name a registered cinema: the admin registers the flood's first.
	flood::register_flood_cinemas(&client, &node, count).await;
	for (name, spread) in [("requests-one-cinema", false), ("requests-many-cinemas", true)] {
		let (from, mut tally) = (node.best_number(), Tally::default());
		let mut real = None;
		for i in 0..count {
			let cinema = if spread { FIRST_FLOOD_CINEMA + i } else { DEMO_CINEMA };
			let request = cinechain::transactions().devices().request_registration(device_info(&format!("FLOOD-{i}"), cinema));
			send(&client, &request, &fresh_key(), None, &mut tally).await;
			if i == count / 2 {
				let (client, started) = (client.clone(), Instant::now());
				real = Some(tokio::spawn(async move {
					let request = cinechain::transactions().devices().request_registration(device_info("REAL-1", SHANGHAI_CINEMA));
					let outcome = submit(&client, &request, &fresh_key()).await;
					(outcome, started.elapsed())
				}));
			}
		}
		settle(&client, &node, from, "Devices", "request_registration", &mut tally).await;
		print(name, count, &tally, normal);
		if let Some(real) = real {
			let (outcome, waited) = real.await.expect("the real projector's task");
			let result = match outcome {
				cinechain_e2e::chain::Outcome::Succeeded { block_number, .. } => format!("finalized in block #{block_number}"),
				other => format!("{other:?}"),
			};
			println!("{:<22} a real projector of another cinema, asking mid-flood: {result} after {:.1} s", "", waited.as_secs_f64());
		}
	}
}
