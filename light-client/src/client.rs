//! Talking to the chain: connecting through the embedded smoldot light client (or, only when
//! asked, a node's JSON-RPC), reading this device's state at the finalized block, and sending a
//! transaction and following it to finality.

use std::{path::Path, time::Duration};

use subxt::{
	client::OnlineClientAtBlockT,
	error::{DispatchError, TransactionEventsError},
	extrinsics::ExtrinsicEvents,
	lightclient::{ChainConfig, LightClient},
	transactions::{TransactionProgress, TransactionStatus},
	utils::AccountId32,
};
use subxt_signer::sr25519::Keypair;

use crate::{
	chain::{cinechain, Client, Config},
	outbox::Head,
};

/// Largest chain spec read (a raw spec carries the runtime's wasm, well under this).
pub const MAX_CHAIN_SPEC_BYTES: u64 = 32 * 1024 * 1024;
/// How long to wait for the first finalized block before saying there are no peers.
pub const SYNC_TIMEOUT: Duration = Duration::from_secs(60);

/// Where the chain is reached.
#[derive(Clone, Debug)]
pub enum Endpoint {
	/// The embedded light client, started from this chain spec (the default), with extra
	/// bootnodes (multiaddresses) added to the spec's own.
	LightClient { chain_spec: std::path::PathBuf, bootnodes: Vec<String> },
	/// A node's JSON-RPC endpoint: an explicit fallback that trusts that node.
	Rpc { url: String },
}

/// A live connection. Keeps the light client running while it lives.
pub struct Connection {
	pub client: Client,
	_light_client: Option<LightClient>,
}

/// Most extra bootnodes accepted, and the longest multiaddress.
pub const MAX_BOOTNODES: usize = 16;
pub const MAX_MULTIADDR_LEN: usize = 256;

/// Checks a chain spec before handing it to the light client, with errors a technician can act
/// on; adds `extra_bootnodes`; returns its text.
pub fn read_chain_spec(path: &Path, extra_bootnodes: &[String]) -> Result<String, String> {
	let meta = std::fs::metadata(path).map_err(|e| format!("cannot read the chain spec {}: {e}", path.display()))?;
	if meta.len() > MAX_CHAIN_SPEC_BYTES {
		return Err(format!("the chain spec {} is larger than {MAX_CHAIN_SPEC_BYTES} bytes", path.display()));
	}
	let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read the chain spec {}: {e}", path.display()))?;
	let mut spec: serde_json::Value = serde_json::from_str(&text)
		.map_err(|e| format!("the chain spec {} is not valid JSON: {e}", path.display()))?;
	if spec.pointer("/genesis/raw").is_none() {
		return Err(format!(
			"the chain spec {} is not a raw chain spec; export one with `cinechain-node build-spec --chain <chain> --raw`",
			path.display()
		));
	}
	if extra_bootnodes.len() > MAX_BOOTNODES {
		return Err(format!("at most {MAX_BOOTNODES} extra bootnodes"));
	}
	for address in extra_bootnodes {
		if address.len() > MAX_MULTIADDR_LEN || !address.starts_with('/') || !address.contains("/p2p/") {
			return Err(format!("bootnode {address:?} is not a multiaddress like /ip4/10.0.0.5/tcp/30333/p2p/12D3KooW..."));
		}
	}
	if !extra_bootnodes.is_empty() {
		let mut all: Vec<serde_json::Value> = spec.get("bootNodes").and_then(|b| b.as_array()).cloned().unwrap_or_default();
		all.extend(extra_bootnodes.iter().cloned().map(serde_json::Value::String));
		spec["bootNodes"] = serde_json::Value::Array(all);
	}
	let bootnodes = spec.get("bootNodes").and_then(|b| b.as_array()).map_or(0, Vec::len);
	if bootnodes == 0 {
		return Err(format!(
			"the chain spec {} lists no bootNodes, so the light client cannot find any peer; \
			 ask the chain's operators for a spec with bootnodes (or give --bootnode)",
			path.display()
		));
	}
	Ok(if extra_bootnodes.is_empty() { text } else { spec.to_string() })
}

/// Connects to the chain and waits until it knows a finalized block.
pub async fn connect(endpoint: &Endpoint) -> Result<Connection, String> {
	match endpoint {
		Endpoint::LightClient { chain_spec, bootnodes } => {
			let spec = read_chain_spec(chain_spec, bootnodes)?;
			let (light_client, rpc) = LightClient::relay_chain(ChainConfig::chain_spec(spec.as_str()))
				.map_err(|e| format!("the light client refused the chain spec {}: {e}", chain_spec.display()))?;
			let client = tokio::time::timeout(SYNC_TIMEOUT, Client::from_rpc_client(rpc))
				.await
				.map_err(|_| {
					format!(
						"no finalized block from any peer within {} s: check the network and the chain spec's bootnodes",
						SYNC_TIMEOUT.as_secs()
					)
				})?
				.map_err(|e| format!("the light client could not start following the chain: {e}"))?;
			Ok(Connection { client, _light_client: Some(light_client) })
		},
		Endpoint::Rpc { url } => {
			let client = tokio::time::timeout(SYNC_TIMEOUT, Client::from_insecure_url(url))
				.await
				.map_err(|_| format!("no answer from {url} within {} s", SYNC_TIMEOUT.as_secs()))?
				.map_err(|e| format!("cannot reach a node at {url}: {e}"))?;
			Ok(Connection { client, _light_client: None })
		},
	}
}

/// A device's registration state on chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Registration {
	/// No device has this key.
	Unknown,
	/// Requested, waiting for a registrar.
	Requested,
	Active,
	Suspended { reason: u16 },
	Revoked { reason: u16 },
}

/// What the chain says about this device at its finalized block.
#[derive(Clone, Debug)]
pub struct DeviceView {
	pub device: Option<u64>,
	pub registration: Registration,
	pub head: Head,
	/// The chain's time at that block, ms since the epoch.
	pub chain_now_ms: u64,
}

/// Reads the device with key `key` at the latest finalized block.
pub async fn device_view(client: &Client, key: &AccountId32) -> Result<DeviceView, String> {
	use cinechain::runtime_types::pallet_devices::types::DeviceStatus;
	let at = client.at_current_block().await.map_err(|e| format!("no finalized block: {e}"))?;
	let storage = at.storage();
	let block_number = at.block_number() as u32;
	let block_hash = at.block_hash().0;
	let now = storage.entry(cinechain::storage().timestamp().now()).map_err(|e| format!("timestamp: {e}"))?;
	let chain_now_ms = now.fetch(()).await.map_err(|e| format!("timestamp: {e}"))?.decode().map_err(|e| format!("timestamp: {e}"))?;
	let by_key = storage.entry(cinechain::storage().devices().device_by_key()).map_err(|e| format!("devices: {e}"))?;
	let device = match by_key.try_fetch((key.clone(),)).await.map_err(|e| format!("devices: {e}"))? {
		Some(value) => Some(value.decode().map_err(|e| format!("devices: {e}"))?),
		None => None,
	};
	let mut head = Head { last_seq: 0, last_hash: [0; 32], block_number, block_hash };
	let Some(id) = device else {
		return Ok(DeviceView { device: None, registration: Registration::Unknown, head, chain_now_ms });
	};
	let devices = storage.entry(cinechain::storage().devices().devices()).map_err(|e| format!("devices: {e}"))?;
	let info = devices
		.try_fetch((id,))
		.await
		.map_err(|e| format!("devices: {e}"))?
		.ok_or_else(|| format!("device #{id} is listed by key but missing"))?
		.decode()
		.map_err(|e| format!("devices: {e}"))?;
	let registration = match info.status {
		DeviceStatus::Requested => Registration::Requested,
		DeviceStatus::Active => Registration::Active,
		DeviceStatus::Suspended { reason, .. } => Registration::Suspended { reason },
		DeviceStatus::Revoked { reason } => Registration::Revoked { reason },
	};
	let heads = storage.entry(cinechain::storage().screenings().heads()).map_err(|e| format!("screenings: {e}"))?;
	let chain_head = heads.fetch((id,)).await.map_err(|e| format!("screenings: {e}"))?.decode().map_err(|e| format!("screenings: {e}"))?;
	head.last_seq = chain_head.last_seq;
	head.last_hash = chain_head.last_hash;
	Ok(DeviceView { device: Some(id), registration, head, chain_now_ms })
}

/// What became of a submitted transaction.
#[derive(Debug)]
pub enum Outcome {
	/// Finalized and succeeded: the block it is in, and its events.
	Succeeded { block_number: u32, block_hash: [u8; 32], events: ExtrinsicEvents<Config> },
	/// Finalized but its call failed with `pallet::Error` variant `error` of pallet `pallet`.
	FailedWith { pallet: String, error: String },
	/// Finalized but failed with a dispatch error that is not a pallet error.
	FailedOther(String),
	/// Never entered a block: refused (by the light client's own validation or a node's pool),
	/// dropped, or the connection broke; the reason.
	Refused(String),
}

impl Outcome {
	/// The events, or a panic saying what happened instead (for tests and tools).
	pub fn events(self) -> ExtrinsicEvents<Config> {
		match self {
			Outcome::Succeeded { events, .. } => events,
			other => panic!("expected the transaction to succeed, got {other:?}"),
		}
	}
}

/// Signs `call` with `signer`, submits it and follows it until it is finalized or refused.
pub async fn submit<Call: subxt::transactions::Payload>(client: &Client, call: &Call, signer: &Keypair) -> Outcome {
	let at = match client.at_current_block().await {
		Ok(at) => at,
		Err(e) => return Outcome::Refused(format!("no finalized block to build on: {e}")),
	};
	let mut transactions = at.transactions();
	match transactions.sign_and_submit_then_watch_default(call, signer).await {
		Ok(progress) => follow(progress).await,
		// Legacy RPC (`author_submitAndWatchExtrinsic`) refuses invalid transactions outright.
		Err(e) => Outcome::Refused(e.to_string()),
	}
}

/// Follows a submitted transaction until it is finalized, refused or dropped.
pub async fn follow<C: OnlineClientAtBlockT<Config> + Clone>(mut progress: TransactionProgress<Config, C>) -> Outcome {
	while let Some(status) = progress.next().await {
		match status {
			Ok(TransactionStatus::InFinalizedBlock(in_block)) => {
				let block_hash = in_block.block_hash().0;
				let block_number = match in_block.at().await {
					Ok(at) => at.block_number() as u32,
					Err(e) => return Outcome::Refused(format!("finalized, but its block cannot be read: {e}")),
				};
				return match in_block.wait_for_success().await {
					Ok(events) => Outcome::Succeeded { block_number, block_hash, events },
					Err(TransactionEventsError::ExtrinsicFailed(DispatchError::Module(e))) => match e.details() {
						Ok(details) => Outcome::FailedWith {
							pallet: details.pallet.name().to_string(),
							error: details.variant.name.clone(),
						},
						Err(_) => Outcome::FailedOther(e.to_string()),
					},
					Err(e) => Outcome::FailedOther(e.to_string()),
				};
			},
			Ok(TransactionStatus::Invalid { message }) |
			Ok(TransactionStatus::Dropped { message }) |
			Ok(TransactionStatus::Error { message }) => return Outcome::Refused(message),
			Ok(_) => continue,
			Err(e) => return Outcome::Refused(e.to_string()),
		}
	}
	Outcome::Refused("the transaction's status stream ended before finality".into())
}
