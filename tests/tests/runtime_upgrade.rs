//! A live runtime upgrade: three validators of the `local` chain, the real projector agent
//! recording through its light client, and `cinechain-indexer` following, while the admin
//! (Alice, the sudo key) upgrades the runtime to the next release (`system.authorize_upgrade`
//! through sudo, then `system.apply_authorized_upgrade` by anyone). The next release
//! (`cinechain-runtime-next.compact.compressed.wasm`, built beside the node with the runtime's
//! `next-release` feature) has spec version 102 and re-keys the cinema registry
//! (`pallet_cinemas::migrations::v1`).
//!
//! - Every record from before, during (dropped a second apart while the upgrade is applied) and
//!   after the upgrade is on chain once and in the index once, in sequence.
//! - The migration ran once: the registry's entries moved to their new keys, none left at the
//!   old, the pallet's storage version 1.
//! - The indexer reads the registry through the new keys: a cinema registered after the upgrade
//!   is indexed with its fields (it decodes each block with its own runtime's metadata).
//!
//! The timeline (upgrade block, migration weight, records around it) is printed.

use std::time::Duration;

use codec::Encode;
use cinechain_e2e::{
	chain::{
		cinechain::{
			self,
			runtime_types::{
				cinechain_runtime::RuntimeCall, frame_system::pallet::Call as SystemCall,
				pallet_cinemas::pallet::Call as CinemasCall,
			},
		},
		connect, submit, Client, Outcome,
	},
	cluster::{chain_spec_of, decode_hex, hex},
	http,
	indexer::Indexer,
	playback::{head_seq, recorded, DemoProjector},
	profile_binary,
	records::bounded,
	start_validators, wait_for, Node, Rpc,
};
use serde_json::{json, Value};
use sp_crypto_hashing::{blake2_128, blake2_256, twox_128, twox_64};
use subxt_signer::sr25519::dev;

const VALIDATORS: [&str; 3] = ["alice", "bob", "charlie"];
/// Screening events dropped before the upgrade, while it is under way, and after it.
const BEFORE: u64 = 4;
const DURING: u64 = 6;
const AFTER: u64 = 4;
/// A cinema registered before the upgrade, and one after it.
const OLD_CINEMA: u32 = 44_030_501;
const NEW_CINEMA: u32 = 32_050_101;

/// The storage key of `Cinemas.Cinemas[code]` hashed with `Twox64Concat` (storage version 0)
/// or `Blake2_128Concat` (version 1).
fn registry_key(code: u32, version: u16) -> String {
	let code = code.encode();
	let hashed = if version == 0 { [&twox_64(&code)[..], &code].concat() } else { [&blake2_128(&code)[..], &code].concat() };
	format!("0x{}", hex(&[&twox_128(b"Cinemas")[..], &twox_128(b"Cinemas"), &hashed].concat()))
}

/// The raw value at `key` in the state of block `hash`.
fn raw_storage(rpc: &Rpc, key: &str, hash: &str) -> Option<String> {
	rpc.call("state_getStorage", json!([key, hash])).expect("state_getStorage").as_str().map(str::to_owned)
}

fn spec_version(rpc: &Rpc, hash: &str) -> u64 {
	rpc.call("state_getRuntimeVersion", json!([hash])).expect("runtime version")["specVersion"].as_u64().expect("specVersion")
}

fn register_cinema(client: &Client, rt: &tokio::runtime::Runtime, code: u32, name: &str) -> u32 {
	let call = cinechain::transactions().sudo().sudo(RuntimeCall::Cinemas(CinemasCall::register_cinema {
		cinema: code,
		region: bounded(b"CN-GD"),
		name: bounded(name.as_bytes()),
		location: None,
	}));
	match rt.block_on(submit(client, &call, &dev::alice())) {
		Outcome::Succeeded { block_number, .. } => block_number,
		other => panic!("registering cinema {code}: {other:?}"),
	}
}

#[test]
fn runtime_upgrade_under_a_recording_projector_and_a_following_indexer() {
	let rt = tokio::runtime::Runtime::new().expect("tokio runtime");
	let dir = tempfile::tempdir().expect("temp dir");
	let next = std::fs::read(profile_binary("cinechain-runtime-next.compact.compressed.wasm"))
		.expect("the next-release runtime (built by the runtime's build.rs beside the node)");

	// Three of the `local` chain's four validators (GRANDPA needs three), on two-second slots.
	// Alice keeps the state of every finalized block, for the indexer.
	let spec = chain_spec_of("local", &dir.path().join("spec"), &[(":SlotDuration:", 2_000u64.encode())]);
	let spec = spec.to_str().expect("utf-8 path").to_string();
	let nodes = start_validators(&VALIDATORS, &spec, dir.path(), |index, config| match index {
		0 => config.args(["--state-pruning", "archive-canonical"]),
		_ => config,
	});
	let all: Vec<&Node> = nodes.iter().collect();
	let alice = &nodes[0];
	wait_for("block 1 finalized", Duration::from_secs(180), &all, || alice.finalized_number() >= 1);
	let client = rt.block_on(connect(alice.rpc.port));
	let projector = DemoProjector::start(&rt, &client, dir.path(), &spec, alice);
	let device = projector.device;
	let indexer = Indexer::start(alice.rpc.port, dir.path().join("index.db").to_str().unwrap(), &[], &dir.path().join("indexer.log"));

	// Before: records, and a cinema registered under the released layout.
	for n in 0..BEFORE {
		projector.drop_event(n);
	}
	register_cinema(&client, &rt, OLD_CINEMA, "Before the upgrade");
	wait_for("the records before the upgrade", Duration::from_secs(300), &all, || rt.block_on(head_seq(&client, device)) >= BEFORE);
	let before = alice.rpc.finalized_hash().unwrap();
	assert_eq!(spec_version(&alice.rpc, &before), 101);
	let registry = [11_010_501, 31_010_101, 44_010_101, OLD_CINEMA];
	for code in registry {
		assert!(raw_storage(&alice.rpc, &registry_key(code, 0), &before).is_some(), "cinema {code} under its version 0 key");
	}

	// During: the admin authorizes the code; then, while anyone (Bob) applies it, the playback
	// system goes on dropping a screening a second, so that records are in the agent's outbox
	// and in flight across the upgrade block.
	let code_hash = subxt::utils::H256(blake2_256(&next));
	let authorize = cinechain::transactions().sudo().sudo(RuntimeCall::System(SystemCall::authorize_upgrade { code_hash }));
	let authorized_in = match rt.block_on(submit(&client, &authorize, &dev::alice())) {
		Outcome::Succeeded { block_number, events, .. } => {
			assert!(events.find_first::<cinechain::system::events::UpgradeAuthorized>().is_some_and(|e| e.is_ok()));
			block_number
		},
		other => panic!("authorize_upgrade: {other:?}"),
	};
	let apply = cinechain::transactions().system().apply_authorized_upgrade(next.clone());
	let upgraded_in = std::thread::scope(|scope| {
		scope.spawn(|| {
			for n in BEFORE..BEFORE + DURING {
				projector.drop_event(n);
				std::thread::sleep(Duration::from_secs(1));
			}
		});
		match rt.block_on(submit(&client, &apply, &dev::bob())) {
			Outcome::Succeeded { block_number, events, .. } => {
				assert!(events.find_first::<cinechain::system::events::CodeUpdated>().is_some_and(|e| e.is_ok()));
				block_number
			},
			other => panic!("apply_authorized_upgrade: {other:?}"),
		}
	});
	wait_for("the first block of the new runtime finalized", Duration::from_secs(120), &all, || {
		alice.finalized_number() > upgraded_in
	});
	let hash_of = |number: u32| alice.rpc.block_hash(number).expect("a finalized block");
	let (last_old, upgrade_hash, first_new) = (hash_of(upgraded_in - 1), hash_of(upgraded_in), hash_of(upgraded_in + 1));
	// A block runs the code of its parent's state: the upgrade block ran 101 and set the new
	// code, which the blocks after it run.
	assert_eq!(spec_version(&alice.rpc, &last_old), 101);
	assert_eq!(spec_version(&alice.rpc, &upgrade_hash), 102);
	for code in registry {
		assert!(raw_storage(&alice.rpc, &registry_key(code, 0), &upgrade_hash).is_some(), "not migrated before the new code runs");
	}

	// The migration ran in the first block of the new code: every entry at its new key only,
	// the storage version 1.
	for code in registry {
		assert!(raw_storage(&alice.rpc, &registry_key(code, 1), &first_new).is_some(), "cinema {code} at its version 1 key");
		assert_eq!(raw_storage(&alice.rpc, &registry_key(code, 0), &first_new), None, "cinema {code}'s version 0 key gone");
	}
	let version_key = format!("0x{}", hex(&[&twox_128(b"Cinemas")[..], &twox_128(b":__STORAGE_VERSION__:")].concat()));
	assert_eq!(raw_storage(&alice.rpc, &version_key, &first_new).as_deref(), Some("0x0100"));

	// After: more records, and a cinema registered under the new layout.
	for n in BEFORE + DURING..BEFORE + DURING + AFTER {
		projector.drop_event(n);
	}
	let new_cinema_in = register_cinema(&client, &rt, NEW_CINEMA, "After the upgrade");
	let total = BEFORE + DURING + AFTER;
	wait_for("every record finalized", Duration::from_secs(300), &all, || rt.block_on(head_seq(&client, device)) >= total);

	// On chain once each, in sequence, some of them under the new runtime.
	let last = alice.finalized_number();
	let on_chain = rt.block_on(recorded(&client, last, device));
	assert_eq!(on_chain.iter().map(|r| r.seq).collect::<Vec<_>>(), (1..=total).collect::<Vec<_>>(), "{on_chain:?}");
	assert!(on_chain.iter().any(|r| r.block > upgraded_in), "the agent recorded under the new runtime: {on_chain:?}");
	assert!(on_chain.iter().any(|r| r.block <= upgraded_in), "and under the old one: {on_chain:?}");

	// In the index once each, where the chain has them; and the registry through its new keys.
	wait_for("the indexer at the last record", Duration::from_secs(120), &all, || {
		indexer.indexed_block().is_some_and(|n| n >= last.max(new_cinema_in))
	});
	let indexed = indexer.json(&format!("/screenings?device={device}&limit=100"));
	let mut seen: Vec<(u64, u64)> = indexed["items"]
		.as_array()
		.expect("items")
		.iter()
		.map(|s| (s["seq"].as_u64().unwrap(), s["blockNumber"].as_u64().unwrap()))
		.collect();
	seen.sort();
	assert_eq!(seen, on_chain.iter().map(|r| (r.seq, r.block as u64)).collect::<Vec<_>>(), "index vs chain");
	let new_entry = indexer.json(&format!("/cinemas/{NEW_CINEMA}"));
	assert_eq!((&new_entry["name"], &new_entry["region"]), (&json!("After the upgrade"), &json!("CN-GD")), "{new_entry}");
	assert_eq!(indexer.json(&format!("/cinemas/{OLD_CINEMA}"))["name"], "Before the upgrade");
	// Its metrics count the same: every block from genesis, every record once.
	let metrics = indexer.get("/metrics").body;
	let metric = |name: &str| http::metric(&metrics, name).unwrap_or_else(|| panic!("{name} in\n{metrics}")) as u64;
	assert_eq!(metric("cinechain_indexer_screenings_total"), total, "{metrics}");
	let indexed_block = metric("cinechain_indexer_indexed_block");
	assert!(indexed_block >= u64::from(last), "{metrics}");
	assert_eq!(metric("cinechain_indexer_blocks_total"), indexed_block + 1, "blocks 0..=indexed, each once: {metrics}");

	// The timeline.
	let mandatory = |hash: &str| -> Value {
		let key = format!("0x{}", hex(&[&twox_128(b"System")[..], &twox_128(b"BlockWeight")].concat()));
		// PerDispatchClass<Weight>: normal, operational, mandatory; each (compact ref_time, compact proof_size).
		let raw = raw_storage(&alice.rpc, &key, hash).expect("block weight");
		let bytes = decode_hex(&raw);
		let weights = <[(codec::Compact<u64>, codec::Compact<u64>); 3] as codec::Decode>::decode(&mut &bytes[..]).expect("block weight decodes");
		json!({ "refTimeMs": weights[2].0 .0 as f64 / 1e9, "proofSizeBytes": weights[2].1 .0 })
	};
	let blocks_of = |from: u64, to: u64| -> Vec<u32> {
		on_chain.iter().filter(|r| (from..to).contains(&(r.seq - 1))).map(|r| r.block).collect()
	};
	println!("timeline: upgrade authorized in #{authorized_in}, code applied in #{upgraded_in} (spec 101), first block of spec 102 #{}", upgraded_in + 1);
	println!("timeline: mandatory weight of #{} (migration included) {}, of #{upgraded_in} {}", upgraded_in + 1, mandatory(&first_new), mandatory(&upgrade_hash));
	println!(
		"timeline: records dropped before in blocks {:?}, during {:?}, after {:?}; indexed {} records, each once",
		blocks_of(0, BEFORE),
		blocks_of(BEFORE, BEFORE + DURING),
		blocks_of(BEFORE + DURING, total),
		seen.len()
	);
	for node in &nodes {
		assert!(node.is_running(), "{} still runs", node.config.name);
	}
}
