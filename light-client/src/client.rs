//! Talking to the chain: connecting through the embedded smoldot light client (or, only when
//! asked, a node's JSON-RPC), reading this device's state at the finalized block, and sending a
//! transaction and following it to finality.

use std::{path::Path, time::Duration};

use subxt::{
	client::OnlineClientAtBlockT,
	error::{DispatchError, TransactionEventsError},
	extrinsics::ExtrinsicEvents,
	lightclient::{ChainConfig, LightClient},
	transactions::{
		DefaultParams, TransactionInvalid, TransactionProgress, TransactionStatus, TransactionUnknown, ValidationResult,
	},
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
	/// The chain's type (`Development`, `Local`, `Live`, ...): the chain spec's `chainType`, or
	/// the node's `system_chainType`.
	pub chain_type: String,
	_light_client: Option<LightClient>,
}

/// Most extra bootnodes accepted, and the longest multiaddress.
pub const MAX_BOOTNODES: usize = 16;
pub const MAX_MULTIADDR_LEN: usize = 256;

/// A chain spec, checked, as the light client gets it.
pub struct ChainSpec {
	pub text: String,
	/// Its `chainType`.
	pub chain_type: String,
}

/// Checks a chain spec before handing it to the light client, with errors a technician can act
/// on; adds `extra_bootnodes`.
pub fn read_chain_spec(path: &Path, extra_bootnodes: &[String]) -> Result<ChainSpec, String> {
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
	let chain_type = crate::keystore::chain_type_of(&spec);
	Ok(ChainSpec { text: if extra_bootnodes.is_empty() { text } else { spec.to_string() }, chain_type })
}

/// Why there is no connection.
#[derive(Debug)]
pub enum ConnectError {
	/// This device's key may not be used on this chain ([`crate::keystore::check_chain_type`]):
	/// trying again cannot help.
	Refused(String),
	/// The chain could not be reached or followed; trying again may.
	Failed(String),
}

impl From<ConnectError> for String {
	fn from(e: ConnectError) -> String {
		match e {
			ConnectError::Refused(why) | ConnectError::Failed(why) => why,
		}
	}
}

/// Connects to the chain and waits until it knows a finalized block; refuses first a
/// `development_key` on a chain that is not a development chain (for the light client, from the
/// chain spec, before any network traffic).
pub async fn connect(endpoint: &Endpoint, development_key: bool) -> Result<Connection, ConnectError> {
	let check = |chain_type: &str| crate::keystore::check_chain_type(development_key, chain_type).map_err(ConnectError::Refused);
	match endpoint {
		Endpoint::LightClient { chain_spec, bootnodes } => {
			let spec = read_chain_spec(chain_spec, bootnodes).map_err(ConnectError::Failed)?;
			check(&spec.chain_type)?;
			let (light_client, rpc) = LightClient::relay_chain(ChainConfig::chain_spec(spec.text.as_str())).map_err(|e| {
				ConnectError::Failed(format!("the light client refused the chain spec {}: {e}", chain_spec.display()))
			})?;
			let client = tokio::time::timeout(SYNC_TIMEOUT, Client::from_rpc_client(rpc))
				.await
				.map_err(|_| {
					ConnectError::Failed(format!(
						"no finalized block from any peer within {} s: check the network and the chain spec's bootnodes",
						SYNC_TIMEOUT.as_secs()
					))
				})?
				.map_err(|e| ConnectError::Failed(format!("the light client could not start following the chain: {e}")))?;
			Ok(Connection { client, chain_type: spec.chain_type, _light_client: Some(light_client) })
		},
		Endpoint::Rpc { url } => {
			let connected = async {
				let rpc = subxt::rpcs::RpcClient::from_insecure_url(url).await.map_err(|e| e.to_string())?;
				let chain_type: String =
					rpc.request("system_chainType", subxt::rpcs::rpc_params![]).await.map_err(|e| e.to_string())?;
				let client = Client::from_rpc_client(rpc).await.map_err(|e| e.to_string())?;
				Ok::<_, String>(Connection { client, chain_type, _light_client: None })
			};
			let connection = tokio::time::timeout(SYNC_TIMEOUT, connected)
				.await
				.map_err(|_| ConnectError::Failed(format!("no answer from {url} within {} s", SYNC_TIMEOUT.as_secs())))?
				.map_err(|e| ConnectError::Failed(format!("cannot reach a node at {url}: {e}")))?;
			check(&connection.chain_type)?;
			Ok(connection)
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
	/// The cinema the registry has the device in.
	pub cinema: Option<u32>,
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
		return Ok(DeviceView { device: None, cinema: None, registration: Registration::Unknown, head, chain_now_ms });
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
	Ok(DeviceView { device: Some(id), cinema: Some(info.info.cinema), registration, head, chain_now_ms })
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
	/// dropped, or the connection broke.
	Refused(Refusal),
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

/// Why a transaction never entered a block.
#[derive(Clone, Debug, PartialEq)]
pub struct Refusal {
	/// What the light client or the node said (for the log: its wording differs between the two
	/// and between versions, so no decision reads it).
	pub message: String,
	/// The runtime's own typed judgement of the transaction, asked after the refusal.
	pub verdict: Verdict,
}

/// The runtime's judgement of a transaction (`TaggedTransactionQueue_validate_transaction` at
/// the block it was built on).
#[derive(Clone, Debug, PartialEq)]
pub enum Verdict {
	/// Not asked, or the question itself failed (the connection broke).
	NotAsked,
	/// Valid: the refusal was about the moment (dropped, the pool full, the network), not the
	/// transaction.
	Valid,
	/// Invalid, with the runtime's reason; cinechain's own refusals are `Custom(code)`, the codes
	/// of [`crate::chain::refusal`].
	Invalid(TransactionInvalid),
	/// The runtime could not judge it.
	Unknown(TransactionUnknown),
}

impl Refusal {
	/// A refusal the runtime was not asked about.
	pub fn unjudged(message: impl Into<String>) -> Refusal {
		Refusal { message: message.into(), verdict: Verdict::NotAsked }
	}

	/// cinechain's refusal code, when the runtime gave one.
	pub fn code(&self) -> Option<u8> {
		match self.verdict {
			Verdict::Invalid(TransactionInvalid::Custom(code)) => Some(code),
			_ => None,
		}
	}
}

impl core::fmt::Display for Refusal {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		match &self.verdict {
			Verdict::NotAsked | Verdict::Valid => write!(f, "{}", self.message),
			Verdict::Invalid(invalid) => write!(f, "{} (the runtime: invalid, {invalid:?})", self.message),
			Verdict::Unknown(unknown) => write!(f, "{} (the runtime: unknown validity, {unknown:?})", self.message),
		}
	}
}

/// Signs `call` with `signer`, submits it and follows it until it is finalized or refused. A
/// refused transaction is then judged by the runtime, so the caller decides by a typed reason.
pub async fn submit<Call: subxt::transactions::Payload>(client: &Client, call: &Call, signer: &Keypair) -> Outcome {
	let at = match client.at_current_block().await {
		Ok(at) => at,
		Err(e) => return Outcome::Refused(Refusal::unjudged(format!("no finalized block to build on: {e}"))),
	};
	let mut transactions = at.transactions();
	let transaction = match transactions.create_signed(call, signer, DefaultParams::default_params()).await {
		Ok(transaction) => transaction,
		Err(e) => return Outcome::Refused(Refusal::unjudged(format!("cannot build the transaction: {e}"))),
	};
	let outcome = match transaction.submit_and_watch().await {
		Ok(progress) => follow(progress).await,
		// Legacy RPC (`author_submitAndWatchExtrinsic`) refuses invalid transactions outright.
		Err(e) => Outcome::Refused(Refusal::unjudged(e.to_string())),
	};
	match outcome {
		Outcome::Refused(Refusal { message, .. }) => Outcome::Refused(Refusal { message, verdict: verdict_of(&transaction).await }),
		other => other,
	}
}

/// The runtime's judgement of `call` signed by `signer` at the latest finalized block, without
/// submitting it (one runtime call, which the light client has a full node prove).
pub async fn judge<Call: subxt::transactions::Payload>(client: &Client, call: &Call, signer: &Keypair) -> Verdict {
	let Ok(at) = client.at_current_block().await else { return Verdict::NotAsked };
	let mut transactions = at.transactions();
	match transactions.create_signed(call, signer, DefaultParams::default_params()).await {
		Ok(transaction) => verdict_of(&transaction).await,
		Err(_) => Verdict::NotAsked,
	}
}

async fn verdict_of<C: OnlineClientAtBlockT<Config>>(transaction: &subxt::transactions::SubmittableTransaction<Config, C>) -> Verdict {
	match transaction.validate().await {
		Ok(ValidationResult::Valid(_)) => Verdict::Valid,
		Ok(ValidationResult::Invalid(invalid)) => Verdict::Invalid(invalid),
		Ok(ValidationResult::Unknown(unknown)) => Verdict::Unknown(unknown),
		Err(_) => Verdict::NotAsked,
	}
}

/// Follows a submitted transaction until it is finalized, refused or dropped.
pub async fn follow<C: OnlineClientAtBlockT<Config> + Clone>(mut progress: TransactionProgress<Config, C>) -> Outcome {
	let refused = |message: String| Outcome::Refused(Refusal::unjudged(message));
	while let Some(status) = progress.next().await {
		match status {
			Ok(TransactionStatus::InFinalizedBlock(in_block)) => {
				let block_hash = in_block.block_hash().0;
				let block_number = match in_block.at().await {
					Ok(at) => at.block_number() as u32,
					Err(e) => return refused(format!("finalized, but its block cannot be read: {e}")),
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
			Ok(TransactionStatus::Error { message }) => return refused(message),
			Ok(_) => continue,
			Err(e) => return refused(e.to_string()),
		}
	}
	refused("the transaction's status stream ended before finality".into())
}
