//! `cinechain-node try-upgrade`: rehearses a runtime upgrade on a copy of a running chain's state
//! before anyone signs `system.authorizeUpgrade`.
//!
//! It copies the whole state of a node's finalized block over JSON-RPC, puts the new runtime's
//! code in it and runs the new runtime's `TryRuntime_on_runtime_upgrade` in wasm, as the first
//! block after the upgrade would, with the migrations' `pre_upgrade`/`post_upgrade` checks and
//! every pallet's `try_state`. Then it refuses the upgrade if:
//! - the new runtime is another chain's (`spec_name`) or does not raise `spec_version` (FRAME
//!   would refuse `apply_authorized_upgrade`, after the authorization was spent);
//! - a check fails (the runtime panics; its message is shown);
//! - the migrations weigh more than a block (the first block after the upgrade could not be
//!   made);
//! - running the migrations a second time changes the state (a migration that is not guarded
//!   by its storage version would run again at the next upgrade).
//!
//! The runtime must be built with the `try-runtime` feature (scripts/try-upgrade.sh builds the
//! next release that way); the node never runs it. Nothing is written to the node: the copy
//! lives in memory.

use cinechain_runtime::opaque::Block;
use codec::Decode;
use frame_remote_externalities::{Builder, Mode, OnlineConfig, RemoteExternalities};
use sc_executor::{RuntimeVersion, RuntimeVersionOf, WasmExecutor};
use sc_executor_common::runtime_blob::RuntimeBlob;
use sp_core::{
	storage::well_known_keys::CODE,
	traits::CallContext,
};
use sp_runtime::{traits::Header as _, Weight};
use sp_state_machine::{backend::{BackendRuntimeCode, TryPendingCode}, Backend as _, OverlayedChanges, StateMachine};

type Hashing = sp_runtime::traits::BlakeTwo256;
type Executor = WasmExecutor<sp_io::SubstrateHostFunctions>;

/// Which of the runtime's checks run during the rehearsal (`frame_try_runtime::
/// UpgradeCheckSelect`, encoded by its index).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Checks {
	/// The migrations' `pre_upgrade`/`post_upgrade` and every pallet's `try_state`.
	All,
	/// Only the migrations' `pre_upgrade`/`post_upgrade`.
	PreAndPost,
	/// Only every pallet's `try_state`.
	TryState,
	/// None: the migrations alone (their weight and idempotence are still checked).
	None,
}

impl Checks {
	/// The index of `frame_try_runtime::UpgradeCheckSelect`'s variant.
	fn encoded(self) -> Vec<u8> {
		let index: u8 = match self {
			Checks::None => 0,
			Checks::All => 1,
			Checks::PreAndPost => 2,
			Checks::TryState => 3,
		};
		vec![index]
	}
}

/// Rehearses the upgrade to `--runtime` on a copy of a running node's state.
#[derive(Debug, Clone, clap::Parser)]
pub struct TryUpgradeCmd {
	/// The node whose state is copied (its JSON-RPC; ws:// or http://). It must keep the state
	/// of the block copied (every node keeps its finalized head's).
	#[arg(long, default_value = "ws://127.0.0.1:9944")]
	pub uri: String,

	/// The block whose state is copied (0x-prefixed hash); the node's finalized head by
	/// default.
	#[arg(long)]
	pub at: Option<String>,

	/// The new runtime, built with the `try-runtime` feature (.wasm or .compact.compressed.wasm).
	#[arg(long)]
	pub runtime: std::path::PathBuf,

	/// The runtime's checks to run beside the migrations.
	#[arg(long, value_enum, default_value = "all")]
	pub checks: Checks,
}

/// What the rehearsal found, once every check passed.
#[derive(Debug)]
pub struct Rehearsal {
	pub block: (u32, sp_core::H256),
	pub keys: usize,
	pub from: RuntimeVersion,
	pub to: RuntimeVersion,
	pub weight: Weight,
	pub max_block: Weight,
}

impl std::fmt::Display for Rehearsal {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		let share = |used: u64, max: u64| if max == 0 { 0.0 } else { used as f64 * 100.0 / max as f64 };
		write!(
			f,
			"the upgrade of block #{} ({:?}, {} keys) from {} {} to {} {} passes: migrations and checks ran, \
			 the migrations weigh ref_time {} ({:.3} % of a block), proof_size {} ({:.3} %), and a second run \
			 changes nothing",
			self.block.0,
			self.block.1,
			self.keys,
			self.from.spec_name,
			self.from.spec_version,
			self.to.spec_name,
			self.to.spec_version,
			self.weight.ref_time(),
			share(self.weight.ref_time(), self.max_block.ref_time()),
			self.weight.proof_size(),
			share(self.weight.proof_size(), self.max_block.proof_size()),
		)
	}
}

/// Whether the chain may move from runtime `from` to `to`, as `apply_authorized_upgrade` will
/// judge it (the same chain, a higher spec version).
pub fn versions_allow(from: &RuntimeVersion, to: &RuntimeVersion) -> Result<(), String> {
	if from.spec_name != to.spec_name {
		return Err(format!("the new runtime is `{}`, the chain runs `{}`", to.spec_name, from.spec_name));
	}
	if to.spec_version <= from.spec_version {
		return Err(format!(
			"the new runtime's spec_version {} does not raise the chain's {}: the upgrade would be refused",
			to.spec_version, from.spec_version
		));
	}
	Ok(())
}

/// Whether the migrations' weight fits in a block (the first block after the upgrade runs them
/// all, before anything else).
pub fn weight_fits(weight: Weight, max_block: Weight) -> Result<(), String> {
	if weight.any_gt(max_block) {
		return Err(format!("the migrations weigh {weight:?}, more than a block ({max_block:?})"));
	}
	Ok(())
}

/// The name of the runtime API the rehearsal calls; a runtime built without `try-runtime` lacks
/// it.
const TRY_RUNTIME_API: &[u8] = b"TryRuntime";
const ON_RUNTIME_UPGRADE: &str = "TryRuntime_on_runtime_upgrade";

impl TryUpgradeCmd {
	pub fn run(&self) -> sc_cli::Result<()> {
		sc_cli::LoggerBuilder::new("info,runtime=debug").init()?;
		let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
		let report = runtime.block_on(self.rehearse())?;
		println!("{report}");
		Ok(())
	}

	async fn rehearse(&self) -> Result<Rehearsal, String> {
		let file = |e: &dyn std::fmt::Display| format!("--runtime {}: {e}", self.runtime.display());
		let code = std::fs::read(&self.runtime).map_err(|e| file(&e))?;
		let code = sp_maybe_compressed_blob::decompress(&code, sp_maybe_compressed_blob::CODE_BLOB_BOMB_LIMIT)
			.map_err(|e| file(&e))?
			.into_owned();
		// The version the new runtime embeds (FRAME reads the same section when it judges an
		// upgrade), without running it.
		let to = sc_executor::read_embedded_version(&RuntimeBlob::new(&code).map_err(|e| file(&e))?)
			.map_err(|e| file(&e))?
			.ok_or_else(|| file(&"the wasm has no runtime_version section"))?;
		let at = match &self.at {
			None => None,
			Some(hex) => Some(
				hex.parse::<sp_core::H256>().map_err(|e| format!("--at {hex} is not a block hash: {e:?}"))?,
			),
		};
		let executor: Executor = WasmExecutor::builder().build();

		let mut state = copy_state(&self.uri, at).await?;
		let block = (*state.header.number(), state.header.hash());
		let keys = state.inner_ext.backend.pairs(Default::default()).map_err(|e| format!("the copy: {e}"))?.count();
		let from = chain_version(&executor, &mut state)?;
		versions_allow(&from, &to)?;
		if !to.has_api_with(&sp_crypto_hashing::blake2_64(TRY_RUNTIME_API), |_| true) {
			return Err(format!(
				"{} has no TryRuntime API: build it with the try-runtime feature (scripts/try-upgrade.sh does)",
				self.runtime.display()
			));
		}
		state.inner_ext.insert(CODE.to_vec(), code);
		state.inner_ext.commit_all()?;

		let (backend, state_version) = (state.inner_ext.backend.clone(), state.inner_ext.state_version);
		let mut changes = OverlayedChanges::<Hashing>::default();
		let answer = call(&executor, &backend, &mut changes, ON_RUNTIME_UPGRADE, &self.checks.encoded())
			.map_err(|e| format!("the migrations or their checks failed: {e}"))?;
		let (weight, max_block) = <(Weight, Weight)>::decode(&mut &answer[..])
			.map_err(|e| format!("{ON_RUNTIME_UPGRADE} answered what does not decode: {e}"))?;
		weight_fits(weight, max_block)?;

		// Idempotence: on the state after the upgrade, the migrations again must change nothing.
		let upgraded = changes.drain_storage_changes(&backend, state_version).map_err(|e| e.to_string())?;
		let mut after = backend.clone();
		after.apply_transaction(upgraded.transaction_storage_root, upgraded.transaction);
		let mut again = OverlayedChanges::<Hashing>::default();
		call(&executor, &after, &mut again, ON_RUNTIME_UPGRADE, &Checks::None.encoded())
			.map_err(|e| format!("the migrations failed when run a second time: {e}"))?;
		let (root_again, _) = again.storage_root(&after, state_version);
		if root_again != upgraded.transaction_storage_root {
			let changed: Vec<String> = again
				.changes()
				.map(|(key, _)| format!("0x{}", sp_core::hexdisplay::HexDisplay::from(key)))
				.take(5)
				.collect();
			return Err(format!(
				"a second run of the migrations changes the state again (keys {changed:?}...): a migration is not \
				 guarded by its storage version"
			));
		}
		Ok(Rehearsal { block, keys, from, to, weight, max_block })
	}
}

/// The whole state of block `at` (the finalized head if `None`) of the node at `uri`.
async fn copy_state(uri: &str, at: Option<sp_core::H256>) -> Result<RemoteExternalities<Block>, String> {
	let uri = uri.replacen("http://", "ws://", 1).replacen("https://", "wss://", 1);
	let config = OnlineConfig { transport_uris: vec![uri.clone()], at, ..Default::default() };
	Builder::<Block>::new()
		.mode(Mode::Online(config))
		.build()
		.await
		.map_err(|e| format!("cannot copy the state from {uri}: {e}"))
}

/// The runtime version of the code in the copied state: the chain's.
fn chain_version(executor: &Executor, state: &mut RemoteExternalities<Block>) -> Result<RuntimeVersion, String> {
	let backend = state.inner_ext.backend.clone();
	let code = BackendRuntimeCode::new(&backend, TryPendingCode::No);
	let code = code.runtime_code().map_err(|e| format!("the state's runtime code: {e}"))?;
	let mut ext = state.inner_ext.ext();
	executor.runtime_version(&mut ext, &code).map_err(|e| format!("the runtime's version: {e}"))
}

/// Calls the runtime in `backend`'s state, its changes into `changes`.
fn call(
	executor: &Executor,
	backend: &sp_state_machine::InMemoryBackend<Hashing>,
	changes: &mut OverlayedChanges<Hashing>,
	method: &str,
	data: &[u8],
) -> Result<Vec<u8>, String> {
	let code = BackendRuntimeCode::new(backend, TryPendingCode::No);
	let code = code.runtime_code().map_err(|e| format!("the state's runtime code: {e}"))?;
	let mut extensions = Default::default();
	let mut machine = StateMachine::new(backend, changes, executor, method, data, &mut extensions, &code, CallContext::Offchain);
	machine.execute().map_err(|e| e.to_string())
}
