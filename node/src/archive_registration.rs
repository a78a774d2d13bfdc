//! `cinechain-node archive-registration`: what an operator needs to register an archive node
//! (`archive.registerNode`) that only the node itself can make: the archive key's proof that it
//! is the operator's. The key signs [`pallet_archive::key_payload`] for this chain's genesis hash,
//! inside the node's own keystore; the secret never leaves it.
//!
//! Reads only the keystore and the chain spec (the genesis block is rebuilt in memory), so it
//! runs before the node's first start as well as beside a running node.

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
		let mut entries = Vec::new();
		for public in keys {
			let key = AccountId::from(public);
			let payload = pallet_archive::key_payload(&genesis, &operator, &key);
			let signature = keystore
				.sr25519_sign(pallet_archive::crypto::KEY_TYPE, &public, &payload)
				.map_err(|e| format!("cannot sign with archive key {key}: {e}"))?
				.ok_or_else(|| format!("archive key {key} vanished from the keystore"))?;
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
		Ok(())
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
