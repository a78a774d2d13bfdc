//! `cinechain-node archive-registration`: what an operator needs to register an archive node
//! (`archive.registerNode`) that only the node itself can make: the archive key's proof that it
//! is the operator's. The key signs [`pallet_archive::key_payload`] for this chain's genesis hash,
//! inside the node's own keystore; the secret never leaves it.
//!
//! Reads only the keystore and the chain spec (the genesis block is rebuilt in memory), so it
//! runs before the node's first start as well as beside a running node.
//!
//! With `--submit <node's JSON-RPC URL>` it also registers the node: it signs
//! `archive.registerNode` with the operator's secret URI and hands it to that node's pool. That
//! is for operators who script their deployment (the compose network in `docker/` does); others
//! paste the printed proof into Polkadot-JS Apps and sign there.

use std::sync::Arc;

use cinechain_runtime::{opaque::Block, AccountId};
use sc_cli::{CliConfiguration, KeystoreParams, SharedParams, SubstrateCli};
use sc_service::{
	config::{BasePath, KeystoreConfig},
	BuildGenesisBlock as _,
};
use sp_core::{
	crypto::{ByteArray, Ss58Codec},
	hexdisplay::HexDisplay,
	Pair as _,
};
use sp_keystore::Keystore;
use sp_runtime::traits::Block as _;

/// Prints, for each archive key in the node's keystore, the key and its signed proof for
/// `archive.registerNode`, as JSON.
#[derive(Debug, Clone, clap::Parser)]
pub struct ArchiveRegistrationCmd {
	/// The account that will sign `archive.registerNode` (SS58): it pays the deposit and may
	/// remove the node. The proof is good for this account only.
	#[arg(long)]
	pub operator: String,

	/// Also registers the node: sends `archive.registerNode`, signed by the operator
	/// (--operator-suri), to the node whose JSON-RPC is at this URL (e.g.
	/// http://127.0.0.1:9944), and prints the transaction's hash. Needs one archive key in the
	/// keystore, and --peer-id, --address and --zone.
	#[arg(long, requires_all = ["operator_suri", "peer_id", "address", "zone"])]
	pub submit: Option<String>,

	/// The operator's secret URI (its seed phrase or, on development chains, e.g. //Alice):
	/// signs the registration. It must be --operator's.
	#[arg(long)]
	pub operator_suri: Option<String>,

	/// The node's libp2p peer id (`cinechain-node key inspect-node-key`, or its log at start).
	#[arg(long)]
	pub peer_id: Option<String>,

	/// The URL other members reach the node's JSON-RPC at (http://host:9944).
	#[arg(long)]
	pub address: Option<String>,

	/// The node's zone: its network segment, so that a block's copies sit in different ones.
	#[arg(long)]
	pub zone: Option<u16>,

	#[allow(missing_docs)]
	#[clap(flatten)]
	pub shared_params: SharedParams,

	#[allow(missing_docs)]
	#[clap(flatten)]
	pub keystore_params: KeystoreParams,
}

impl CliConfiguration for ArchiveRegistrationCmd {
	fn shared_params(&self) -> &SharedParams {
		&self.shared_params
	}

	fn keystore_params(&self) -> Option<&KeystoreParams> {
		Some(&self.keystore_params)
	}
}

impl ArchiveRegistrationCmd {
	/// Signs the proof with every archive key in the keystore and prints them.
	pub fn run<C: SubstrateCli>(&self, cli: &C) -> sc_cli::Result<()> {
		let operator = AccountId::from_ss58check_with_version(&self.operator)
			.map(|(account, _)| account)
			.map_err(|e| format!("--operator {} is not an SS58 address: {e:?}", self.operator))?;
		let base_path = self
			.shared_params
			.base_path()?
			.unwrap_or_else(|| BasePath::from_project("", "", &C::executable_name()));
		let chain_spec = cli.load_spec(&self.shared_params.chain_id(self.shared_params.is_dev()))?;
		let KeystoreConfig::Path { path, password } =
			self.keystore_params.keystore_config(&base_path.config_dir(chain_spec.id()))?
		else {
			return Err("only a keystore on disk holds archive keys".into());
		};
		let keystore = sc_keystore::LocalKeystore::open(&path, password)?;
		let keys = keystore.sr25519_public_keys(pallet_archive::crypto::KEY_TYPE);
		if keys.is_empty() {
			return Err(format!(
				"no archive key in the keystore at {}: add one with `key insert --key-type arch --scheme sr25519`",
				path.display()
			)
			.into());
		}
		let genesis = genesis_hash(chain_spec.as_ref())?;
		if self.submit.is_some() && keys.len() != 1 {
			return Err(format!("--submit registers one archive key; the keystore at {} holds {}", path.display(), keys.len()).into());
		}
		let mut entries = Vec::new();
		let mut proofs = Vec::new();
		for public in keys {
			let key = AccountId::from(public);
			let payload = pallet_archive::key_payload(&genesis, &operator, &key);
			let signature = keystore
				.sr25519_sign(pallet_archive::crypto::KEY_TYPE, &public, &payload)
				.map_err(|e| format!("cannot sign with archive key {key}: {e}"))?
				.ok_or_else(|| format!("archive key {key} vanished from the keystore"))?;
			proofs.push((key.clone(), signature));
			entries.push(serde_json::json!({
				"key": key.to_ss58check(),
				"proof": { "Sr25519": format!("0x{}", HexDisplay::from(&signature.as_slice())) },
			}));
		}
		let answer = serde_json::json!({
			"operator": operator.to_ss58check(),
			"genesisHash": format!("0x{}", HexDisplay::from(&genesis.as_ref())),
			"keys": entries,
		});
		println!("{}", serde_json::to_string_pretty(&answer).map_err(|e| e.to_string())?);
		if let (Some(url), Some((key, proof))) = (&self.submit, proofs.pop()) {
			let operator_pair = sp_core::sr25519::Pair::from_string(self.operator_suri.as_deref().unwrap_or_default(), None)
				.map_err(|e| format!("--operator-suri is not a secret URI: {e:?}"))?;
			if AccountId::from(operator_pair.public()) != operator {
				return Err("--operator-suri is not --operator's secret".into());
			}
			let call = cinechain_runtime::RuntimeCall::Archive(pallet_archive::Call::register_node {
				key,
				peer_id: bounded("--peer-id", self.peer_id.as_deref().unwrap_or_default())?,
				address: bounded("--address", self.address.as_deref().unwrap_or_default())?,
				zone: self.zone.unwrap_or_default(),
				proof: sp_runtime::MultiSignature::Sr25519(proof),
			});
			let hash = submit::signed(url, call, &operator_pair, genesis)?;
			println!("{{\"submitted\": \"{hash}\"}}");
		}
		Ok(())
	}
}

fn bounded<S: sp_core::Get<u32>>(flag: &str, text: &str) -> sc_cli::Result<sp_runtime::BoundedVec<u8, S>> {
	text.as_bytes().to_vec().try_into().map_err(|_| format!("{flag} is longer than {} bytes", S::get()).into())
}

/// Sending a signed transaction to a node's JSON-RPC, from the command line.
mod submit {
	use cinechain_archive::peers::{AddressPolicy, Peers};
	use cinechain_runtime::{AccountId, Hash, RuntimeCall, SignedPayload, UncheckedExtrinsic};
	use codec::Encode;
	use jsonrpsee::{core::client::ClientT, rpc_params};
	use sp_core::{crypto::Ss58Codec, sr25519, Pair};
	use sp_runtime::{generic::Era, MultiAddress, MultiSignature};

	/// Signs `call` by `signer` for the chain with genesis `genesis` (immortal, no tip), sends it
	/// to the node at `url` and returns its hash as the node reports it. The nonce and the
	/// runtime's versions are the node's.
	pub fn signed(url: &str, call: RuntimeCall, signer: &sr25519::Pair, genesis: Hash) -> sc_cli::Result<String> {
		let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
		runtime.block_on(async {
			// The operator names their own node: loopback and private addresses are fine here.
			let peers = Peers::new(std::time::Duration::from_secs(30), AddressPolicy::AllowPrivate);
			let node = peers.at(url).map_err(|e| format!("--submit {url}: {e}"))?;
			let rpc = |e: jsonrpsee::core::client::Error| format!("the node at {url}: {e}");
			let account = AccountId::from(signer.public());
			let nonce: u32 = node.request("system_accountNextIndex", rpc_params![account.to_ss58check()]).await.map_err(rpc)?;
			let version: serde_json::Value = node.request("state_getRuntimeVersion", rpc_params![]).await.map_err(rpc)?;
			let number = |field: &str| {
				version[field].as_u64().map(|n| n as u32).ok_or_else(|| format!("the node's runtime version has no {field}"))
			};
			let extension = cinechain_runtime::tx_extension(nonce, Era::Immortal);
			let implicit = cinechain_runtime::tx_extension_implicit(number("specVersion")?, number("transactionVersion")?, genesis);
			let payload = SignedPayload::from_raw(call.clone(), extension.clone(), implicit);
			let signature = payload.using_encoded(|bytes| signer.sign(bytes));
			let extrinsic =
				UncheckedExtrinsic::new_signed(call, MultiAddress::Id(account), MultiSignature::Sr25519(signature), extension);
			let encoded = format!("0x{}", sp_core::hexdisplay::HexDisplay::from(&extrinsic.encode()));
			let hash: Hash = node.request("author_submitExtrinsic", rpc_params![encoded]).await.map_err(rpc)?;
			Ok::<_, sc_cli::Error>(format!("{hash:?}"))
		})
	}
}

/// The hash of the chain's genesis block, built in memory from the chain spec (as a node does
/// at its first start, without its database).
fn genesis_hash(chain_spec: &dyn sc_service::ChainSpec) -> sc_cli::Result<cinechain_runtime::Hash> {
	let executor = EmbeddedVersion;
	let backend = Arc::new(sc_client_api::in_mem::Backend::<Block>::new());
	let builder = sc_service::GenesisBlockBuilder::new(chain_spec.as_storage_builder(), false, backend, executor)
		.map_err(|e| format!("cannot build the genesis state of {}: {e}", chain_spec.id()))?;
	let (block, _) = builder
		.build_genesis_block()
		.map_err(|e| format!("cannot build the genesis block of {}: {e}", chain_spec.id()))?;
	Ok(block.header().hash())
}

/// Reads a runtime's version (which decides the genesis state's trie version) from the section
/// the wasm build embeds in it, without compiling the runtime: seconds saved on every call.
struct EmbeddedVersion;

impl sc_executor::RuntimeVersionOf for EmbeddedVersion {
	fn runtime_version(
		&self,
		_: &mut dyn sp_core::traits::Externalities,
		code: &sp_core::traits::RuntimeCode,
	) -> sc_executor::error::Result<sc_executor::RuntimeVersion> {
		use sc_executor::error::Error;
		let wasm = code.code_fetcher.fetch_runtime_code().ok_or_else(|| Error::Other("the chain spec has no runtime".into()))?;
		let blob = sc_executor_common::runtime_blob::RuntimeBlob::uncompress_if_needed(&wasm)
			.map_err(|e| Error::Other(format!("the chain spec's runtime is not wasm: {e}")))?;
		sc_executor::read_embedded_version(&blob)
			.map_err(|e| Error::Other(format!("cannot read the runtime's version: {e}")))?
			.ok_or_else(|| Error::Other("the runtime embeds no version".into()))
	}
}
