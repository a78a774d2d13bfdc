//! An attacker fills the archive registry; the registry frees itself, and a real operator
//! registers afterwards (THREATS.md: registrations that lock real operators out).
//!
//! One validator on a chain whose genesis re-forms the archive's clusters every 20 blocks
//! (production: an hour). The attacker (Bob)
//! registers `MaxArchiveNodes` nodes with keys of its own, each with a valid proof and a held
//! deposit, and never runs them. A real operator (Charlie) is refused while the registry is full;
//! then root shortens `OfflineRemoval` (a storage parameter, a week in production; the test
//! shortens it only once the registry is full, so the flood's first nodes cannot leave before
//! its last arrive, however slow the machine), the silent nodes go offline, leave the registry
//! at a re-forming, and Bob gets his deposits back
//! (the flood cost him their use, not their loss). Then Charlie registers a key from a real
//! node keystore, with the proof `cinechain-node archive-registration` makes.

use std::time::{Duration, Instant};

use cinechain_e2e::{
	chain::{cinechain, connect, submit, Client},
	cluster::{chain_spec_with, registration_proof, sign_registration},
	flood::{fresh_key, nonce_of, send_all},
	records::bounded,
	run_node_command, wait_for, Node, NodeConfig,
};
use cinechain_e2e::chain::cinechain::runtime_types::{
	cinechain_runtime::RuntimeCall, frame_system::pallet::Call as SystemCall,
};
use codec::Encode;
use subxt::utils::AccountId32;
use subxt_signer::sr25519::dev;

const SLOT_MS: u64 = 1_000;
const EPOCH: u32 = 20;
/// What root sets `OfflineRemoval` to once the registry is full.
const OFFLINE_REMOVAL: u32 = 10;
const TIMEOUT: Duration = Duration::from_secs(180);

/// Registered archive nodes (the counter of the counted map `Archive.Nodes`).
async fn registered(client: &Client) -> u32 {
	let at = client.at_current_block().await.expect("a finalized block");
	let entry = at.storage().entry(cinechain::storage().archive().counter_for_nodes()).expect("CounterForNodes");
	entry.try_fetch(()).await.expect("fetch CounterForNodes").map_or(0, |v| v.decode().expect("a u32"))
}

/// What `who` has reserved (held deposits included).
async fn reserved(client: &Client, who: &AccountId32) -> u128 {
	let at = client.at_current_block().await.expect("a finalized block");
	let entry = at.storage().entry(cinechain::storage().system().account()).expect("System.Account");
	entry.fetch((who.clone(),)).await.expect("fetch account").decode().expect("decode").data.reserved
}

#[test]
fn a_registry_flood_frees_itself_and_a_real_operator_registers_after() {
	let dir = tempfile::tempdir().expect("temp dir");
	let spec = chain_spec_with(
		dir.path(),
		&[
			(":SlotDuration:", SLOT_MS.encode()),
			(":ArchiveEpochLength:", EPOCH.encode()),
		],
	);
	let spec_arg = spec.to_str().expect("utf-8 path").to_string();
	let node = Node::start(
		NodeConfig::new("validator", &spec_arg, 0).args(["--alice", "--validator", "--force-authoring"]),
		&dir.path().join("validator"),
	);
	wait_for("block 1 finalized", TIMEOUT, &[&node], || node.finalized_number() >= 1);
	let rt = tokio::runtime::Runtime::new().expect("tokio runtime");
	let client = rt.block_on(connect(node.rpc.port));
	let (max_nodes, deposit) = rt.block_on(async {
		let at = client.at_current_block().await.expect("a finalized block");
		let constants = at.constants();
		(
			constants.entry(cinechain::constants().archive().max_nodes()).expect("Archive.MaxNodes"),
			constants.entry(cinechain::constants().archive().deposit()).expect("Archive.Deposit"),
		)
	});
	assert_eq!(max_nodes, 256, "the production registry size");

	// 1. The flood: Bob registers MaxNodes nodes of his own, each key proven.
	let bob = dev::bob();
	let bob_account: AccountId32 = bob.public_key().into();
	let started = Instant::now();
	let register_flood_node = |i: u32| {
		let key = fresh_key();
		cinechain::transactions().archive().register_node(
			key.public_key().into(),
			bounded(format!("12D3KooWflood{i}").as_bytes()),
			bounded(format!("http://203.0.113.{}:9944", i % 250 + 1).as_bytes()),
			(i % 8) as u16,
			sign_registration(&client, &bob_account, &key),
		)
	};
	// The first waits for its block: a refusal shows here, not as a timeout.
	rt.block_on(submit(&client, &register_flood_node(0), &bob)).events();
	let rest: Vec<_> = (1..max_nodes).map(register_flood_node).collect();
	rt.block_on(send_all(&client, &rest, &bob, nonce_of(&node.rpc, &bob))).expect("the pool takes the flood");
	wait_for("the flood to fill the registry", TIMEOUT, &[&node], || rt.block_on(registered(&client)) == max_nodes);
	let held = rt.block_on(reserved(&client, &bob_account));
	eprintln!("the registry is full ({max_nodes} nodes) {:.1} s after the flood began; Bob has {held} on hold", started.elapsed().as_secs_f64());
	assert_eq!(held, deposit * max_nodes as u128, "a deposit is held for each flood node");

	// 2. A real operator is locked out while the registry is full.
	let charlie = dev::charlie();
	let charlie_account: AccountId32 = charlie.public_key().into();
	let base = dir.path().join("operator");
	run_node_command(&[
		"key", "insert", "--base-path", base.to_str().unwrap(), "--chain", &spec_arg, "--key-type", "arch", "--scheme",
		"sr25519", "--suri", "//Archive7",
	]);
	let archive_key: AccountId32 =
		subxt_signer::sr25519::Keypair::from_uri(&"//Archive7".parse().unwrap()).unwrap().public_key().into();
	let proof = || registration_proof(&spec, &base, &charlie_account, &archive_key);
	let register = |proof| {
		cinechain::transactions().archive().register_node(
			archive_key.clone(),
			bounded(b"12D3KooWrealoperator"),
			bounded(b"http://198.51.100.7:9944"),
			1,
			proof,
		)
	};
	match rt.block_on(submit(&client, &register(proof()), &charlie)) {
		cinechain_e2e::chain::Outcome::FailedWith { pallet, error } => {
			assert_eq!((pallet.as_str(), error.as_str()), ("Archive", "TooManyNodes"))
		},
		other => panic!("a full registry refuses the real operator, got {other:?}"),
	}

	// 3. Root shortens the time a node may stay offline. The flood nodes never heartbeat:
	//    offline, then removed at a re-forming; deposits back.
	let shorten = RuntimeCall::System(SystemCall::set_storage {
		items: vec![(sp_crypto_hashing::twox_128(b":ArchiveOfflineRemoval:").to_vec(), OFFLINE_REMOVAL.encode())],
	});
	rt.block_on(submit(&client, &cinechain::transactions().sudo().sudo(shorten), &dev::alice())).events();
	wait_for("the registry to free itself of the silent nodes", TIMEOUT, &[&node], || {
		rt.block_on(registered(&client)) == 0
	});
	eprintln!("the registry is empty again {:.1} s after the flood began", started.elapsed().as_secs_f64());
	assert_eq!(rt.block_on(reserved(&client, &bob_account)), 0, "Bob's deposits are returned");

	// 4. The real operator registers, with the proof its node's keystore made.
	let events = rt.block_on(submit(&client, &register(proof()), &charlie)).events();
	let registered_event = events
		.find_first::<cinechain::archive::events::NodeRegistered>()
		.expect("decode events")
		.expect("NodeRegistered");
	assert_eq!(registered_event.operator, charlie_account);
	assert_eq!(registered_event.deposit, deposit);
	assert_eq!(rt.block_on(reserved(&client, &charlie_account)), deposit);
}
