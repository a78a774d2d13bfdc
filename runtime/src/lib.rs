//! # The cinechain runtime
//!
//! The state machine of cinechain: digital-cinema projectors record every screening they play,
//! regulators audit those records, and archive clusters keep the chain's history.
//!
//! This crate holds only the composition: the pallets and their order ([`Runtime`]), the basic
//! types every client needs, and the chain's timing. Each pallet's configuration lives in
//! [`configs`], the runtime APIs in [`apis`], and the genesis presets that chain specs refer to
//! by name in [`genesis_config_presets`].

#![cfg_attr(not(feature = "std"), no_std)]
// `construct_runtime` generates large types.
#![recursion_limit = "256"]

#[cfg(feature = "std")]
include!(concat!(env!("OUT_DIR"), "/wasm_binary.rs"));

extern crate alloc;

use alloc::vec::Vec;

// `benches` defines the `list_benchmarks!`/`add_benchmarks!` macros that `apis` expands, so it
// comes first.
#[cfg(feature = "runtime-benchmarks")]
#[macro_use]
mod benches;
pub mod apis;
pub mod configs;
pub mod genesis_config_presets;
pub mod migrations;
pub mod weights;

use sp_runtime::{
	generic, impl_opaque_keys,
	traits::{BlakeTwo256, IdentifyAccount, Verify},
	MultiAddress, MultiSignature,
};
use sp_version::{runtime_version, RuntimeVersion};

pub use frame_system::Call as SystemCall;
pub use pallet_balances::Call as BalancesCall;
pub use pallet_timestamp::Call as TimestampCall;
#[cfg(feature = "std")]
pub use sp_runtime::BuildStorage;

/// The wasm runtime, for the node to put into genesis. Panics with a clear message when the
/// crate was built with `SKIP_WASM_BUILD`.
#[cfg(feature = "std")]
pub fn wasm_binary_unwrap() -> &'static [u8] {
	WASM_BINARY.expect(
		"the wasm runtime was not built (SKIP_WASM_BUILD is set); build without it to run a chain",
	)
}

/// A block number.
pub type BlockNumber = u32;
/// The signature of an extrinsic: sr25519, ed25519 or ecdsa.
pub type Signature = MultiSignature;
/// An account: the public key of its signing scheme (so a device's account *is* its key).
pub type AccountId = <<Signature as Verify>::Signer as IdentifyAccount>::AccountId;
/// An amount of the chain's token.
pub type Balance = u128;
/// How many extrinsics an account has signed.
pub type Nonce = u32;
/// A block or state hash.
pub type Hash = sp_core::H256;

/// The chain's token has 12 decimals: one unit is 10^12 of the smallest amount.
pub const UNIT: Balance = 1_000_000_000_000;
/// A thousandth of a unit.
pub const MILLI_UNIT: Balance = UNIT / 1_000;
/// The least balance an account must keep to exist.
pub const EXISTENTIAL_DEPOSIT: Balance = MILLI_UNIT;

/// The target time between blocks. Three seconds keeps a projector's record-to-finality short
/// (a few blocks plus a GRANDPA round) while leaving validators on small machines ample time.
///
/// It cannot change once a chain has started: Aura would stop producing blocks.
pub const MILLI_SECS_PER_BLOCK: u64 = 3_000;
/// Aura's slot length: one block per slot.
pub const SLOT_DURATION: u64 = MILLI_SECS_PER_BLOCK;
/// Blocks in a minute, hour and day, for periods measured in blocks.
pub const MINUTES: BlockNumber = 60_000 / (MILLI_SECS_PER_BLOCK as BlockNumber);
/// Blocks in an hour.
pub const HOURS: BlockNumber = MINUTES * 60;
/// Blocks in a day.
pub const DAYS: BlockNumber = HOURS * 24;

/// The runtime's version, with the `spec_version` given (the `#[runtime_version]` attribute
/// reads literals only, hence the macro).
macro_rules! runtime_version_with_spec {
	($spec_version:tt) => {
		#[runtime_version]
		pub const VERSION: RuntimeVersion = RuntimeVersion {
			spec_name: alloc::borrow::Cow::Borrowed("cinechain"),
			impl_name: alloc::borrow::Cow::Borrowed("cinechain-node"),
			authoring_version: 1,
			spec_version: $spec_version,
			impl_version: 1,
			apis: apis::RUNTIME_API_VERSIONS,
			// Bump when calls or their encoding change: signed transactions carry it.
			transaction_version: 1,
			system_version: 1,
		};
	};
}
// Bump `spec_version` on every change to the runtime's logic; clients and nodes compare it.
#[cfg(not(feature = "next-release"))]
runtime_version_with_spec!(101);
// The next release (see the `next-release` feature in Cargo.toml): what a running chain is
// upgraded to in the runtime upgrade test and in operators' rehearsals.
#[cfg(feature = "next-release")]
runtime_version_with_spec!(102);

/// Types the node and light clients use without knowing the runtime's calls.
pub mod opaque {
	use super::*;
	pub use sp_runtime::OpaqueExtrinsic as UncheckedExtrinsic;

	/// A block header.
	pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
	/// A block with extrinsics left encoded.
	pub type Block = generic::Block<Header, UncheckedExtrinsic>;
	/// A block id, by hash or number.
	pub type BlockId = generic::BlockId<Block>;

	impl_opaque_keys! {
		/// The keys a validator holds in its keystore.
		pub struct SessionKeys {
			/// Block production.
			pub aura: Aura,
			/// Finality votes.
			pub grandpa: Grandpa,
		}
	}
}

/// How an extrinsic names an account.
pub type Address = MultiAddress<AccountId, ()>;
/// A block header.
pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
/// A block with typed extrinsics.
pub type Block = generic::Block<Header, UncheckedExtrinsic>;

/// The checks every transaction carries, in this order. Wallets (Polkadot-JS, subxt) read this
/// list from the metadata.
///
/// Three are cinechain's own, so that projectors and archive nodes (whose accounts hold no
/// money) can use the chain and cannot flood it. Each applies, in the transaction pool and again
/// when a block is built, the rules its calls apply, so that a feeless transaction that enters
/// a block never fails there (`pallets/README.md`, "Nothing free that only fails"):
/// - `CheckScreening`: screening records, against the device's state, quota and chain of
///   records; it runs before the nonce check so that an unknown key gets that clear reason.
/// - `CheckHeartbeat`: one feeless heartbeat per archive node per interval.
/// - `pallet_devices::CheckNonce` is `frame_system::CheckNonce` with one exception: a fresh
///   device key (an account that does not exist yet) may send its registration request. It
///   also judges registration requests and key rotations.
///
/// Calls marked `feeless_if` (screening records and key rotations of active devices,
/// registration requests, a node's own heartbeat) skip the fee through `SkipCheckIfFeeless`;
/// every other call pays as usual.
pub type TxExtension = (
	frame_system::CheckNonZeroSender<Runtime>,
	frame_system::CheckSpecVersion<Runtime>,
	frame_system::CheckTxVersion<Runtime>,
	frame_system::CheckGenesis<Runtime>,
	frame_system::CheckEra<Runtime>,
	pallet_screenings::CheckScreening<Runtime>,
	pallet_archive::CheckHeartbeat<Runtime>,
	pallet_devices::CheckNonce<Runtime>,
	frame_system::CheckWeight<Runtime>,
	pallet_skip_feeless_payment::SkipCheckIfFeeless<
		Runtime,
		pallet_transaction_payment::ChargeTransactionPayment<Runtime>,
	>,
	frame_metadata_hash_extension::CheckMetadataHash<Runtime>,
	frame_system::WeightReclaim<Runtime>,
);

/// The extensions of a transaction with nonce `nonce` and lifetime `era`, no tip, no metadata
/// hash: what the runtime's own transactions (offchain workers) and the tests sign.
pub fn tx_extension(nonce: Nonce, era: generic::Era) -> TxExtension {
	(
		frame_system::CheckNonZeroSender::new(),
		frame_system::CheckSpecVersion::new(),
		frame_system::CheckTxVersion::new(),
		frame_system::CheckGenesis::new(),
		frame_system::CheckEra::from(era),
		pallet_screenings::CheckScreening::new(),
		pallet_archive::CheckHeartbeat::new(),
		pallet_devices::CheckNonce::from(nonce),
		frame_system::CheckWeight::new(),
		pallet_transaction_payment::ChargeTransactionPayment::from(0).into(),
		frame_metadata_hash_extension::CheckMetadataHash::new(false),
		frame_system::WeightReclaim::new(),
	)
}

/// What the extensions of [`tx_extension`] add to the signed payload without carrying it, for a
/// signer outside the runtime (`cinechain-node archive-registration --submit`): the spec and
/// transaction versions, the genesis hash (the chain's, and an immortal era's checkpoint), no
/// metadata hash. Typed by `TxExtension` itself, so a change to the list shows here.
pub fn tx_extension_implicit(
	spec_version: u32,
	transaction_version: u32,
	genesis: Hash,
) -> <TxExtension as sp_runtime::traits::TransactionExtension<RuntimeCall>>::Implicit {
	((), spec_version, transaction_version, genesis, genesis, (), (), (), (), (), None, ())
}

/// An extrinsic as it arrives: encoded call, optional signer and signature, extensions.
pub type UncheckedExtrinsic =
	generic::UncheckedExtrinsic<Address, RuntimeCall, Signature, TxExtension>;
/// What a signer signs.
pub type SignedPayload = generic::SignedPayload<RuntimeCall, TxExtension>;

/// Storage migrations run on the next runtime upgrade, beyond the pallets' own (see
/// [`migrations`]).
#[cfg(not(feature = "next-release"))]
type Migrations = (migrations::DevicesV2,);
/// The next release re-keys the cinema registry (`pallet_cinemas::migrations::v1`).
#[cfg(feature = "next-release")]
type Migrations = (migrations::DevicesV2, pallet_cinemas::migrations::v1::MigrateToV1<Runtime>);

/// Dispatches blocks and extrinsics to the pallets.
pub type Executive = frame_executive::Executive<
	Runtime,
	Block,
	frame_system::ChainContext<Runtime>,
	Runtime,
	AllPalletsWithSystem,
	Migrations,
>;

#[frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeFreezeReason,
		RuntimeHoldReason,
		RuntimeSlashReason,
		RuntimeLockId,
		RuntimeTask,
		RuntimeViewFunction
	)]
	pub struct Runtime;

	/// Accounts, blocks, events: the core of every FRAME chain.
	#[runtime::pallet_index(0)]
	pub type System = frame_system;

	/// The block's wall-clock time, set by the author and checked by everyone.
	#[runtime::pallet_index(1)]
	pub type Timestamp = pallet_timestamp;

	/// Round-robin block production.
	#[runtime::pallet_index(2)]
	pub type Aura = pallet_aura;

	/// Finality.
	#[runtime::pallet_index(3)]
	pub type Grandpa = pallet_grandpa;

	/// The chain's token.
	#[runtime::pallet_index(4)]
	pub type Balances = pallet_balances;

	/// Fees for signed transactions.
	#[runtime::pallet_index(5)]
	pub type TransactionPayment = pallet_transaction_payment;

	/// Stand-in governance: one key may dispatch root calls.
	#[runtime::pallet_index(6)]
	pub type Sudo = pallet_sudo;

	/// Lets calls marked `feeless_if` (a device's own records and requests) skip the fee.
	#[runtime::pallet_index(7)]
	pub type SkipFeelessPayment = pallet_skip_feeless_payment;

	/// Registrar and supervisor roles, with scope and expiry, enforced by the pallets below.
	#[runtime::pallet_index(10)]
	pub type Supervisors = pallet_supervisors;

	/// The cinema registry: code, region, name and location. Its index is below the devices'
	/// because genesis is built in index order, and the devices' genesis names its cinemas.
	#[runtime::pallet_index(9)]
	pub type Cinemas = pallet_cinemas;

	/// The projector registry.
	#[runtime::pallet_index(11)]
	pub type Devices = pallet_devices;

	/// Screening records: per-device sequence numbers and hash chain, flags.
	#[runtime::pallet_index(12)]
	pub type Screenings = pallet_screenings;

	/// Archive nodes, their clusters and heartbeats, and the rule for who keeps which block.
	#[runtime::pallet_index(13)]
	pub type Archive = pallet_archive;
}

pub use opaque::SessionKeys;
