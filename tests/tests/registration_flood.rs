//! A real projector registers itself while fresh keys flood the chain with registration
//! requests (issue 13: registration requests cannot lock projectors out).
//!
//! One `--dev` node. Fresh keys (each costs an attacker nothing) send:
//! - requests aimed at one place, the demo cinema in Beijing, until its queue is full and the
//!   pool refuses more;
//! - then, every block, 8 requests spread over 120 cinemas of their own: twice what blocks take
//!   (4 per block), so the backlog grows for as long as the flood runs.
//!
//! Meanwhile a real `cinechain-projector` of the Shanghai cinema, through its embedded smoldot
//! light client, asks to be registered. It must get in while the flood is still running (flood
//! requests keep reaching blocks after its own), and the Beijing flood must not have touched it.
//! How long it waits grows with the backlog ahead of it in the pool (4 per block, first come
//! first served), which the bound on waiting requests per cinema caps; pallets/README.md
//! ("Registration requests under a flood") turns that into the day-long worst case.

use std::{
	sync::{
		atomic::{AtomicBool, AtomicU32, Ordering},
		Arc,
	},
	time::{Duration, Instant},
};

use cinechain_e2e::{
	chain::{cinechain, connect, Client},
	flood::{self, device_info, fresh_key, register_flood_cinemas, FIRST_FLOOD_CINEMA},
	projector_ok,
	records::DEMO_CINEMA,
	ship_chain_spec, wait_for, Node, NodeConfig,
};
use cinechain_projector::refusal;
use subxt::utils::AccountId32;

/// The Shanghai demo cinema (the runtime's genesis presets): the real projector's.
const SHANGHAI_CINEMA: u32 = 31_010_101;
/// The cinemas the spread flood uses; each takes at most 4 waiting requests on chain and one in
/// the pool, so they hold the flood for 120 blocks.
const FLOOD_CINEMAS: u32 = 120;
/// Requests the spread flood sends per block: twice what a block takes.
const PER_BLOCK: u32 = 8;
/// What the runtime takes per block and lets wait per cinema (`MaxRequestsPerBlock`,
/// `MaxRequestsPerCinema`).
const TAKEN_PER_BLOCK: u32 = 4;
const WAITING_PER_CINEMA: u32 = 4;

/// Registration requests in finalized block `number`: how many.
async fn requests_in(client: &Client, number: u32) -> usize {
	let at = client.at_block(number as u64).await.expect("a finalized block");
	let extrinsics = at.extrinsics().fetch().await.expect("its extrinsics");
	extrinsics
		.iter()
		.filter_map(Result::ok)
		.filter(|x| x.pallet_name() == "Devices" && x.call_name() == "request_registration")
		.count()
}

/// Requests waiting on chain for `cinema`.
async fn waiting_at(client: &Client, cinema: u32) -> u32 {
	let at = client.at_current_block().await.expect("a finalized block");
	let entry = at.storage().entry(cinechain::storage().devices().requests_at()).expect("RequestsAt");
	entry.fetch((cinema,)).await.expect("RequestsAt").decode().expect("a u32")
}

#[test]
fn a_projector_registers_itself_while_a_registration_flood_runs() {
	let rt = tokio::runtime::Runtime::new().expect("tokio runtime");
	let dir = tempfile::tempdir().expect("temp dir");
	let node = Node::start(NodeConfig::new("validator", "dev", 0).args(["--alice", "--validator"]), dir.path());
	wait_for("block 1 to be finalized", Duration::from_secs(120), &[&node], || node.finalized_number() >= 1);
	let client = rt.block_on(connect(node.rpc.port));
	rt.block_on(register_flood_cinemas(&client, &node, FLOOD_CINEMAS));

	// The projector, as shipped: a chain spec naming the node, and a key born on the device.
	let data = dir.path().join("projector");
	ship_chain_spec(&data, "dev", &[&node]);
	let address = projector_ok(&data, &["init", "--cinema", &SHANGHAI_CINEMA.to_string()]).trim().to_string();
	let account: AccountId32 = address.parse().expect("init prints the device's address");

	// 1. A flood aimed at one place: Beijing's queue fills (the pool holds one request per free
	//    place, so they go in one at a time), then the pool refuses every further request.
	while rt.block_on(waiting_at(&client, DEMO_CINEMA)) < WAITING_PER_CINEMA {
		let before = rt.block_on(waiting_at(&client, DEMO_CINEMA));
		let aimed = cinechain::transactions().devices().request_registration(device_info(&format!("BJ-{before}"), DEMO_CINEMA));
		rt.block_on(flood::send(&client, &aimed, &fresh_key(), None)).expect("the pool takes a request for a free place");
		wait_for("Beijing's next request on chain", Duration::from_secs(60), &[&node], || {
			rt.block_on(waiting_at(&client, DEMO_CINEMA)) > before
		});
	}
	let aimed = cinechain::transactions().devices().request_registration(device_info("BJ-full", DEMO_CINEMA));
	let refused = rt.block_on(flood::send(&client, &aimed, &fresh_key(), None)).expect_err("Beijing's queue is full");
	assert_eq!(flood::pool_code(&refused), Some(refusal::REGISTRATION_REFUSED), "{refused}");

	// 2. The spread flood, in the background until the projector is through: each block,
	//    PER_BLOCK requests to the next of the flood's cinemas in turn (a cinema whose request
	//    still waits in the pool refuses another; the flood moves on).
	let stop = Arc::new(AtomicBool::new(false));
	let sent = Arc::new(AtomicU32::new(0));
	let flooding = {
		let (client, stop, sent, rpc_port) = (client.clone(), stop.clone(), sent.clone(), node.rpc.port);
		rt.spawn(async move {
			let rpc = cinechain_e2e::Rpc::new(rpc_port);
			let mut next = 0u32;
			let mut tries = 0u32;
			while !stop.load(Ordering::SeqCst) && tries < FLOOD_CINEMAS * (WAITING_PER_CINEMA + 1) {
				let block = rpc.best_number().unwrap_or(0);
				for _ in 0..PER_BLOCK {
					let cinema = FIRST_FLOOD_CINEMA + next % FLOOD_CINEMAS;
					let request = cinechain::transactions()
						.devices()
						.request_registration(device_info(&format!("FLOOD-{next}"), cinema));
					if flood::send(&client, &request, &fresh_key(), None).await.is_ok() {
						sent.fetch_add(1, Ordering::SeqCst);
					}
					next += 1;
					tries += 1;
				}
				// The next burst in the next block.
				while !stop.load(Ordering::SeqCst) && rpc.best_number().unwrap_or(0) <= block {
					tokio::time::sleep(Duration::from_millis(200)).await;
				}
			}
			next
		})
	};
	wait_for("the flood to get going (32 requests taken by the pool)", Duration::from_secs(120), &[&node], || {
		sent.load(Ordering::SeqCst) >= 32
	});

	// 3. The real projector asks, through its light client, while the flood runs.
	let (asked_at, started) = (node.best_number(), Instant::now());
	let registered = projector_ok(
		&data,
		&[
			"register", "--manufacturer", "Barco", "--model", "SP4K-15C", "--serial", "SH-0001",
			"--production-date", "20250630", "--firmware", "4.2.1",
		],
	);
	let waited = started.elapsed();
	let sent_meanwhile = sent.load(Ordering::SeqCst);
	assert!(registered.contains("registration requested"), "{registered}");
	let in_block: u32 = registered
		.split("in finalized block #")
		.nth(1)
		.and_then(|rest| rest.split(';').next())
		.and_then(|n| n.parse().ok())
		.unwrap_or_else(|| panic!("the projector names the block of its request: {registered}"));
	let on_chain = rt.block_on(async {
		let at = client.at_current_block().await.expect("a finalized block");
		let by_key = at.storage().entry(cinechain::storage().devices().device_by_key()).expect("DeviceByKey");
		by_key.try_fetch((account.clone(),)).await.expect("DeviceByKey").is_some()
	});
	assert!(on_chain, "the projector's request is on chain");

	// The flood was still running: its requests keep reaching blocks after the projector's.
	let mut flood_after = 0;
	wait_for("flood requests in blocks after the projector's", Duration::from_secs(120), &[&node], || {
		let finalized = node.finalized_number();
		flood_after = (in_block + 1..=finalized).map(|n| rt.block_on(requests_in(&client, n))).sum::<usize>();
		flood_after > 0
	});
	stop.store(true, Ordering::SeqCst);
	let tried = rt.block_on(flooding).expect("the flood task");

	// The flood aimed at Beijing did not touch Shanghai's place.
	assert_eq!(rt.block_on(waiting_at(&client, SHANGHAI_CINEMA)), 1);

	println!(
		"projector asked at block #{asked_at}; its request in finalized block #{in_block} ({} blocks, {:.1} s later) \
		 while the flood had {sent_meanwhile} requests in the pool or in blocks (tried {tried}); {flood_after} flood \
		 requests reached blocks after it (blocks take {TAKEN_PER_BLOCK} per block)",
		in_block.saturating_sub(asked_at),
		waited.as_secs_f64(),
	);
}
