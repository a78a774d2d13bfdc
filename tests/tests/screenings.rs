//! The domain pallets on a real `--dev` node, driven through subxt as clients drive them.
//!
//! A fresh projector key with no balance requests registration, the demo registrar (Bob)
//! approves it, the projector records screenings without paying fees, the demo supervisor
//! (Charlie) flags one; then every way a record can be refused is tried, and each is refused by
//! the transaction pool with its own code, never included to fail: an unregistered key, a
//! resubmission, a broken hash chain, an empty batch, a record from the future, an over-quota
//! batch, a suspended device.

use std::time::Duration;

use cinechain_e2e::{
	chain::{
		cinechain::{
			self,
			runtime_types::{
				bounded_collections::bounded_vec::BoundedVec,
				pallet_devices::types::DeviceInfo,
				pallet_screenings::types::ScreeningRecord,
			},
		},
		connect, submit, Client, Outcome,
	},
	records::{bounded, record_hash, screening_at, DEMO_CINEMA},
	wait_for, Node, NodeConfig,
};
use cinechain_primitives::refusal::{
	ALREADY_RECORDED, BROKEN_HASH_CHAIN, EMPTY_BATCH, NOT_ACTIVE_DEVICE, OVER_QUOTA, RECORD_IN_FUTURE,
};
use subxt::utils::AccountId32;
use subxt_signer::sr25519::{dev, Keypair};

const CINEMA: u32 = DEMO_CINEMA;

fn device_info(serial: &str) -> DeviceInfo {
	DeviceInfo {
		manufacturer: bounded(b"Cinemeccanica"),
		model: bounded(b"CMC-4K"),
		serial_number: bounded(serial.as_bytes()),
		production_date: 2025_06_30,
		firmware_version: bounded(b"1.4.2"),
		cinema: CINEMA,
	}
}

/// A completed two-hour screening in the demo cinema, chained after `prev_hash`.
fn screening(seq: u64, prev_hash: [u8; 32]) -> ScreeningRecord {
	screening_at(CINEMA, 3, "The Projectionist", seq, prev_hash)
}

fn account(key: &Keypair) -> AccountId32 {
	key.public_key().into()
}

async fn free_balance(client: &Client, who: &AccountId32) -> u128 {
	let at = client.at_current_block().await.expect("client at finalized block");
	let entry = at.storage().entry(cinechain::storage().system().account()).expect("System.Account");
	entry.fetch((who.clone(),)).await.expect("fetch account").decode().expect("decode").data.free
}

async fn head(client: &Client, device: u64) -> cinechain::runtime_types::pallet_screenings::types::DeviceHead {
	let at = client.at_current_block().await.expect("client at finalized block");
	let entry = at.storage().entry(cinechain::storage().screenings().heads()).expect("Screenings.Heads");
	entry.fetch((device,)).await.expect("fetch head").decode().expect("decode head")
}

/// Asserts that the pool refused `outcome`'s transaction and the runtime's typed verdict on it
/// is cinechain's refusal `code` (`cinechain_primitives::refusal`).
fn expect_refused(outcome: Outcome, code: u8, what: &str) {
	match outcome {
		Outcome::Refused(refused) => {
			assert_eq!(refused.code(), Some(code), "{what}: refused, but for another reason than code {code}: {refused}")
		},
		other => panic!("{what}: expected the pool to refuse it (code {code}), got {other:?}"),
	}
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn projector_lifecycle_on_a_dev_node() {
	let dir = tempfile::tempdir().expect("temp dir");
	let node = Node::start(NodeConfig::new("screenings", "dev", 2).args(["--alice", "--validator"]), dir.path());
	wait_for("block 1 to be finalized", Duration::from_secs(120), &[&node], || node.finalized_number() >= 1);
	let client = connect(node.rpc.port).await;

	let registrar = dev::bob();
	let supervisor = dev::charlie();
	let projector = Keypair::from_secret_key(rand_seed()).expect("a fresh sr25519 key");
	let projector_id = account(&projector);
	assert_eq!(free_balance(&client, &projector_id).await, 0, "the projector holds nothing");

	// 1. The projector asks to be registered, signing with its own (unfunded) key.
	let events = submit(
		&client,
		&cinechain::transactions().devices().request_registration(device_info("SN-E2E-0001")),
		&projector,
	)
	.await
	.events();
	let requested = events
		.find_first::<cinechain::devices::events::RegistrationRequested>()
		.expect("RegistrationRequested emitted")
		.expect("decodes");
	assert_eq!(requested.key, projector_id);
	assert_eq!(requested.cinema, CINEMA);
	let device = requested.device;

	// 2. The registrar, whose scope covers the cinema, approves it.
	let events = submit(&client, &cinechain::transactions().devices().approve_registration(device), &registrar)
		.await
		.events();
	let approved = events
		.find_first::<cinechain::devices::events::DeviceApproved>()
		.expect("DeviceApproved emitted")
		.expect("decodes");
	assert_eq!((approved.device, approved.registrar.clone()), (device, account(&registrar)));

	// 3. Three screenings, each chained to the one before, recorded without fees.
	let mut prev_hash = [0u8; 32];
	for seq in 1..=3 {
		let record = screening(seq, prev_hash);
		let events = submit(&client, &cinechain::transactions().screenings().record_screening(record.clone()), &projector)
			.await
			.events();
		let recorded = events
			.find_first::<cinechain::screenings::events::ScreeningRecorded>()
			.expect("ScreeningRecorded emitted")
			.expect("decodes");
		assert_eq!((recorded.device, recorded.seq), (device, seq));
		assert_eq!(recorded.record_hash, record_hash(&record), "the chain hashes the record as clients do");
		assert!(
			events.has::<cinechain::skip_feeless_payment::events::FeeSkipped>(),
			"record {seq} was let through without a fee"
		);
		prev_hash = record_hash(&record);
	}
	assert_eq!(free_balance(&client, &projector_id).await, 0, "recording cost the projector nothing");
	let state = head(&client, device).await;
	assert_eq!((state.last_seq, state.last_hash), (3, prev_hash));

	// 4. The supervisor flags the second screening.
	let events = submit(&client, &cinechain::transactions().screenings().flag_screening(device, 2, 17), &supervisor)
		.await
		.events();
	let flagged = events
		.find_first::<cinechain::screenings::events::ScreeningFlagged>()
		.expect("ScreeningFlagged emitted")
		.expect("decodes");
	assert_eq!((flagged.device, flagged.seq, flagged.reason), (device, 2, 17));
	assert_eq!(head(&client, device).await.open_flags, 1);

	// 5. A key the registry does not know never gets into the pool.
	let stranger = Keypair::from_secret_key(rand_seed()).expect("another fresh key");
	let outcome = submit(&client, &cinechain::transactions().screenings().record_screening(screening(1, [0; 32])), &stranger).await;
	expect_refused(outcome, NOT_ACTIVE_DEVICE, "a record from an unregistered key");

	// 6. Sending the last record again (as a projector does after a crash) is refused by the
	//    pool as already recorded, and changes nothing.
	// The pool judges by sequence number alone, so the copy's content does not matter here.
	let last = screening(3, [0; 32]);
	let outcome = submit(&client, &cinechain::transactions().screenings().record_screening(last), &projector).await;
	expect_refused(outcome, ALREADY_RECORDED, "a record already on chain");

	// 7. Records the call would refuse never reach a block, so none can fail there for free:
	//    a record that does not build on the device's last one, an empty batch, a record that
	//    ends far ahead of the chain's clock. Each is refused by the pool with its own code.
	let outcome = submit(&client, &cinechain::transactions().screenings().record_screening(screening(4, [1; 32])), &projector).await;
	expect_refused(outcome, BROKEN_HASH_CHAIN, "a record whose prev_hash is not the last record's hash");
	let outcome = submit(&client, &cinechain::transactions().screenings().record_screenings(BoundedVec(vec![])), &projector).await;
	expect_refused(outcome, EMPTY_BATCH, "an empty batch");
	let mut future = screening(4, prev_hash);
	future.started_at += 86_400_000;
	future.ended_at += 86_400_000;
	let outcome = submit(&client, &cinechain::transactions().screenings().record_screening(future), &projector).await;
	expect_refused(outcome, RECORD_IN_FUTURE, "a record ending a day ahead of the chain's clock");
	assert_eq!(head(&client, device).await.last_seq, 3, "refused records change no head");

	// 8. The quota: fill it with a batch, then one more batch is refused by the pool.
	let quota = client
		.at_current_block()
		.await
		.expect("client")
		.constants()
		.entry(cinechain::constants().screenings().quota())
		.expect("Screenings.Quota");
	let used = head(&client, device).await.used;
	let room = quota - used;
	let mut batch = Vec::new();
	let mut seq = 4;
	while (batch.len() as u32) < room.min(100) {
		let record = screening(seq, prev_hash);
		prev_hash = record_hash(&record);
		batch.push(record);
		seq += 1;
	}
	let filled = batch.len() as u32;
	submit(&client, &cinechain::transactions().screenings().record_screenings(BoundedVec(batch)), &projector)
		.await
		.events();
	let state = head(&client, device).await;
	assert_eq!(state.last_seq, seq - 1);
	let left = quota - state.used;
	assert_eq!(left, room - filled);
	let over: Vec<_> = (0..=left as u64).map(|i| screening(seq + i, [0; 32])).collect();
	let outcome = submit(&client, &cinechain::transactions().screenings().record_screenings(BoundedVec(over)), &projector).await;
	expect_refused(outcome, OVER_QUOTA, "a batch beyond the device's quota");

	// 9. A suspended device is refused by the pool.
	let events = submit(&client, &cinechain::transactions().devices().suspend_device(device, 4), &supervisor)
		.await
		.events();
	assert!(events.has::<cinechain::devices::events::DeviceSuspended>());
	let outcome = submit(&client, &cinechain::transactions().screenings().record_screening(screening(seq, prev_hash)), &projector).await;
	expect_refused(outcome, NOT_ACTIVE_DEVICE, "a record from a suspended device");
	assert_eq!(head(&client, device).await.last_seq, seq - 1);
}

/// A fresh secret key, as a projector would generate on first boot.
fn rand_seed() -> [u8; 32] {
	let mut seed = [0u8; 32];
	getrandom::fill(&mut seed).expect("the OS has randomness");
	seed
}
