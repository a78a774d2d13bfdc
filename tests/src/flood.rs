//! What a hostile key sends: fresh keys, transactions submitted without waiting, the flood's
//! cinemas. Used by the `flood` tool and the registration-flood test.

use std::time::Duration;

use crate::{
	chain::{
		cinechain::{
			self,
			runtime_types::{
				cinechain_runtime::RuntimeCall, pallet_cinemas::pallet::Call as CinemasCall,
				pallet_devices::types::DeviceInfo,
			},
		},
		Client, Config,
	},
	records::bounded,
	wait_for, Node, Rpc,
};
use serde_json::json;
use subxt::{config::DefaultExtrinsicParamsBuilder, utils::AccountId32};
use subxt_signer::sr25519::{dev, Keypair};

/// The code of the flood's first cinema (the demo cinemas' codes are far below).
pub const FIRST_FLOOD_CINEMA: u32 = 1_000_000;

/// A key nobody has seen: a new attacker identity costs nothing.
pub fn fresh_key() -> Keypair {
	let mut seed = [0u8; 32];
	getrandom::fill(&mut seed).expect("the OS has randomness");
	Keypair::from_secret_key(seed).expect("a valid sr25519 secret")
}

/// The next nonce of `who`, as the node's pool sees it.
pub fn nonce_of(rpc: &Rpc, who: &Keypair) -> u64 {
	let account = AccountId32::from(who.public_key()).to_string();
	rpc.call("system_accountNextIndex", json!([account])).expect("nonce").as_u64().expect("a number")
}

/// Device information for a registration request from `cinema`.
pub fn device_info(serial: &str, cinema: u32) -> DeviceInfo {
	DeviceInfo {
		manufacturer: bounded(b"Flood"),
		model: bounded(b"F-1"),
		serial_number: bounded(serial.as_bytes()),
		production_date: 2025_06_30,
		firmware_version: bounded(b"1"),
		cinema,
	}
}

/// The refusal code in a node pool's answer to `author_submitExtrinsic` ("… custom error: N").
/// The agent decides by the runtime's typed verdict instead; this reads what a plain RPC
/// client, such as this flood, is told.
pub fn pool_code(message: &str) -> Option<u8> {
	let marker = "custom error: ";
	let lower = message.to_ascii_lowercase();
	let at = lower.find(marker)? + marker.len();
	let digits: String = lower[at..].chars().take_while(char::is_ascii_digit).collect();
	digits.parse().ok()
}

/// Submits `call` signed by `signer` with `nonce` (or the chain's), without waiting for it:
/// `Ok` if the pool took it, else the pool's reason.
pub async fn send<Call: subxt::transactions::Payload>(
	client: &Client,
	call: &Call,
	signer: &Keypair,
	nonce: Option<u64>,
) -> Result<(), String> {
	let mut params = DefaultExtrinsicParamsBuilder::<Config>::new();
	if let Some(nonce) = nonce {
		params = params.nonce(nonce);
	}
	let at = client.at_current_block().await.map_err(|e| e.to_string())?;
	at.transactions().sign_and_submit(call, signer, params.build()).await.map(|_| ()).map_err(|e| e.to_string())
}

/// Submits `calls`, all signed by `signer`, with consecutive nonces from `first_nonce`, without
/// waiting for them; one look at the chain for all (so that hundreds go out in seconds, faster
/// than blocks take them). Fails with the first the pool refuses.
pub async fn send_all<Call: subxt::transactions::Payload>(
	client: &Client,
	calls: &[Call],
	signer: &Keypair,
	first_nonce: u64,
) -> Result<(), String> {
	let at = client.at_current_block().await.map_err(|e| e.to_string())?;
	let mut transactions = at.transactions();
	for (i, call) in calls.iter().enumerate() {
		let params = DefaultExtrinsicParamsBuilder::<Config>::new().nonce(first_nonce + i as u64).build();
		transactions
			.sign_and_submit(call, signer, params)
			.await
			.map_err(|e| format!("transaction {i} of {}: {e}", calls.len()))?;
	}
	Ok(())
}

/// How many transactions the node's pool holds.
pub fn pool_len(node: &Node) -> usize {
	node.rpc.call("author_pendingExtrinsics", json!([])).expect("pending").as_array().map_or(0, Vec::len)
}

/// Registers `count` cinemas in `CN-BJ` from [`FIRST_FLOOD_CINEMA`] on (Alice, the dev chain's
/// sudo key, sends them with consecutive nonces) and waits until the pool is empty: requests must
/// name a registered cinema.
pub async fn register_flood_cinemas(client: &Client, node: &Node, count: u32) {
	let alice = dev::alice();
	let registrations: Vec<_> = (0..count)
		.map(|i| {
			cinechain::transactions().sudo().sudo(RuntimeCall::Cinemas(CinemasCall::register_cinema {
				cinema: FIRST_FLOOD_CINEMA + i,
				region: bounded(b"CN-BJ"),
				name: bounded(format!("Flood {i}").as_bytes()),
				location: None,
			}))
		})
		.collect();
	send_all(client, &registrations, &alice, nonce_of(&node.rpc, &alice))
		.await
		.expect("the pool takes the admin's registrations");
	wait_for("the flood's cinemas to be registered", Duration::from_secs(300), &[node], || pool_len(node) == 0);
}

#[cfg(test)]
#[test]
fn a_pool_refusal_code_is_read_from_the_nodes_answer() {
	assert_eq!(pool_code("Invalid Transaction: Invalid transaction with custom error: 5"), Some(5));
	assert_eq!(pool_code("Transaction is outdated"), None);
}
