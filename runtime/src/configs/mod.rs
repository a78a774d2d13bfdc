//! Every pallet's configuration: the runtime's policy in one place.

use frame_support::{
	derive_impl,
	dispatch::DispatchClass,
	parameter_types,
	traits::{ConstBool, ConstU32, ConstU64, ConstU8, VariantCountOf},
	weights::{
		constants::{ParityDbWeight, WEIGHT_REF_TIME_PER_SECOND},
		IdentityFee, Weight,
	},
};
use frame_system::limits::{BlockLength, BlockWeights};
use pallet_transaction_payment::{ConstFeeMultiplier, FungibleAdapter, Multiplier};
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_runtime::{traits::One, Perbill};
use sp_version::RuntimeVersion;

use super::{
	weights, AccountId, Aura, Balance, Balances, Block, BlockNumber, Hash, Nonce, PalletInfo, Runtime,
	RuntimeCall, RuntimeEvent, RuntimeFreezeReason, RuntimeHoldReason, RuntimeOrigin, RuntimeTask,
	System, EXISTENTIAL_DEPOSIT, SLOT_DURATION, VERSION,
};

mod offchain;

/// Share of a block's weight and length that ordinary transactions may fill; the rest is kept
/// for operational ones (and inherents).
const NORMAL_DISPATCH_RATIO: Perbill = Perbill::from_percent(75);

/// The most bytes of extrinsics one block may carry.
const MAX_BLOCK_LENGTH: u32 = 5 * 1024 * 1024;

parameter_types! {
	/// How many recent block hashes the runtime remembers (for transaction mortality).
	pub const BlockHashCount: BlockNumber = 2400;
	/// The runtime's version, as `frame_system` reports it.
	pub const Version: RuntimeVersion = VERSION;
	/// One second of compute per three-second block: authors and importers on small
	/// machines keep up, and the rest of the slot is left for propagation.
	pub RuntimeBlockWeights: BlockWeights = BlockWeights::with_sensible_defaults(
		Weight::from_parts(WEIGHT_REF_TIME_PER_SECOND, u64::MAX),
		NORMAL_DISPATCH_RATIO,
	);
	/// At most 5 MiB of extrinsics per block, 75 % of it for ordinary transactions.
	pub RuntimeBlockLength: BlockLength = BlockLength::builder()
		.max_length(MAX_BLOCK_LENGTH)
		.modify_max_length_for_class(DispatchClass::Normal, |max| *max = NORMAL_DISPATCH_RATIO * *max)
		.build();
	/// The generic Substrate address format (addresses start with 5).
	pub const SS58Prefix: u16 = 42;
}

#[derive_impl(frame_system::config_preludes::SolochainDefaultConfig)]
impl frame_system::Config for Runtime {
	type Block = Block;
	type BlockWeights = RuntimeBlockWeights;
	type BlockLength = RuntimeBlockLength;
	type AccountId = AccountId;
	type Nonce = Nonce;
	type Hash = Hash;
	type BlockHashCount = BlockHashCount;
	/// The node stores state in ParityDB.
	type DbWeight = ParityDbWeight;
	type Version = Version;
	type AccountData = pallet_balances::AccountData<Balance>;
	type SS58Prefix = SS58Prefix;
	type MaxConsumers = ConstU32<16>;
	type SystemWeightInfo = weights::frame_system::WeightInfo<Runtime>;
	/// frame_system's transaction extensions (nonce, weight, era, ...), as benchmarked here.
	type ExtensionsWeightInfo = weights::frame_system_extensions::WeightInfo<Runtime>;
}

impl pallet_aura::Config for Runtime {
	type AuthorityId = AuraId;
	type DisabledValidators = ();
	type MaxAuthorities = ConstU32<32>;
	type AllowMultipleBlocksPerSlot = ConstBool<false>;
	type SlotDuration = pallet_aura::MinimumPeriodTimesTwo<Runtime>;
}

impl pallet_grandpa::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	/// The pallet's own: its calls are an equivocation report (impossible here, see
	/// `KeyOwnerProof`) and root's `note_stalled`.
	type WeightInfo = ();
	type MaxAuthorities = ConstU32<32>;
	type MaxNominators = ConstU32<0>;
	type MaxSetIdSessionEntries = ConstU64<0>;
	// No staking, so no equivocation reports: the key-owner proof can never be built.
	type KeyOwnerProof = sp_core::Void;
	type EquivocationReportSystem = ();
}

parameter_types! {
	/// Milliseconds per slot (one block per slot). Read from storage so that a chain spec may
	/// set it in its genesis (key `twox128(":SlotDuration:")`, a SCALE `u64`): the end-to-end
	/// archive tests use one-second slots to build long chains quickly. Never change it on a
	/// live chain: slot numbers would jump.
	pub storage SlotDuration: u64 = SLOT_DURATION;
}

/// Half the slot duration: the least time between two blocks' timestamps (Aura's slot duration
/// is twice this).
pub struct MinimumPeriod;

impl frame_support::traits::Get<u64> for MinimumPeriod {
	fn get() -> u64 {
		SlotDuration::get() / 2
	}
}

impl pallet_timestamp::Config for Runtime {
	/// Milliseconds since the Unix epoch.
	type Moment = u64;
	type OnTimestampSet = Aura;
	type MinimumPeriod = MinimumPeriod;
	type WeightInfo = weights::pallet_timestamp::WeightInfo<Runtime>;
}

impl pallet_balances::Config for Runtime {
	type MaxLocks = ConstU32<50>;
	type MaxReserves = ();
	type ReserveIdentifier = [u8; 8];
	type Balance = Balance;
	type RuntimeEvent = RuntimeEvent;
	type DustRemoval = ();
	type ExistentialDeposit = frame_support::traits::ConstU128<EXISTENTIAL_DEPOSIT>;
	type AccountStore = System;
	type WeightInfo = weights::pallet_balances::WeightInfo<Runtime>;
	type FreezeIdentifier = RuntimeFreezeReason;
	type MaxFreezes = VariantCountOf<RuntimeFreezeReason>;
	type RuntimeHoldReason = RuntimeHoldReason;
	type RuntimeFreezeReason = RuntimeFreezeReason;
	type DoneSlashHandler = ();
}

parameter_types! {
	/// Fees do not rise with congestion: a cinechain block is never a fee market.
	pub FeeMultiplier: Multiplier = Multiplier::one();
}

impl pallet_transaction_payment::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type OnChargeTransaction = FungibleAdapter<Balances, ()>;
	type OperationalFeeMultiplier = ConstU8<5>;
	type WeightToFee = IdentityFee<Balance>;
	type LengthToFee = IdentityFee<Balance>;
	type FeeMultiplierUpdate = ConstFeeMultiplier<FeeMultiplier>;
	type WeightInfo = weights::pallet_transaction_payment::WeightInfo<Runtime>;
}

impl pallet_sudo::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type WeightInfo = weights::pallet_sudo::WeightInfo<Runtime>;
}

impl pallet_skip_feeless_payment::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
}

parameter_types! {
	/// At most this many people may wait for a decision on a role request at once.
	pub const MaxPendingRoleRequests: u32 = 256;
}

impl pallet_supervisors::Config for Runtime {
	/// Root (sudo on dev chains) grants and revokes roles until a council exists.
	type AdminOrigin = frame_system::EnsureRoot<AccountId>;
	type MaxPendingRequests = MaxPendingRoleRequests;
	type WeightInfo = pallet_supervisors::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
	/// Registration requests waiting at one cinema, at most: a multiplex installs a few
	/// projectors at a time, and a flood aimed at a cinema fills only that cinema's queue.
	pub const MaxRequestsPerCinema: u32 = 4;
	/// Registration requests one block takes, at most (the rest wait for the next block): about
	/// 115,000 a day, far above any real installation rate, and together with the lifetime a
	/// bound of 57,600 requests (about 15 MB) however many fresh keys a flood uses.
	pub const MaxRequestsPerBlock: u32 = 4;
	/// An unanswered request is dropped after twelve hours: registrars answer within a working
	/// day's half, and what a flood took is free again the same day.
	pub const RequestLifetime: BlockNumber = 12 * crate::HOURS;
	/// A device may change its key once a day: enough for any real rotation, and a stolen key
	/// cannot fill blocks with feeless rotations.
	pub const KeyRotationCooldown: BlockNumber = crate::DAYS;
}

impl pallet_cinemas::Config for Runtime {
	/// Root (sudo on dev chains) keeps the whole registry until a council exists.
	type AdminOrigin = frame_system::EnsureRoot<AccountId>;
	type Permissions = crate::Supervisors;
	type WeightInfo = pallet_cinemas::weights::SubstrateWeight<Runtime>;
}

impl pallet_devices::Config for Runtime {
	type Permissions = crate::Supervisors;
	type Cinemas = crate::Cinemas;
	type OpenFlags = crate::Screenings;
	type Signature = crate::Signature;
	type MaxRequestsPerCinema = MaxRequestsPerCinema;
	type MaxRequestsPerBlock = MaxRequestsPerBlock;
	type RequestLifetime = RequestLifetime;
	type KeyRotationCooldown = KeyRotationCooldown;
	type WeightInfo = pallet_devices::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = benchmark_helpers::Sr25519Keys;
}

parameter_types! {
	/// The largest batch of screening records in one transaction: a day's backlog of a
	/// multiplex fits easily, and a full batch stays far below a block's limits.
	pub const MaxScreeningBatch: u32 = 100;
	/// Records one device may submit per quota period. A screen plays at most about one show an
	/// hour, so 120 per two hours is sixty times normal use: enough to clear a backlog of weeks
	/// offline within hours, while a stolen or broken device can add at most 120 small
	/// extrinsics per two hours.
	pub const ScreeningQuota: u32 = 120;
	/// The quota period: two hours of blocks.
	pub const ScreeningQuotaPeriod: BlockNumber = 2 * crate::HOURS;
	/// How far a record's end may lie ahead of the chain's clock (device clocks drift, and the
	/// chain's time is that of the last block).
	pub const MaxClockSkew: u64 = 10 * 60 * 1_000;
	/// The longest screening accepted: eight hours covers any feature or double bill.
	pub const MaxScreeningDuration: u64 = 8 * 60 * 60 * 1_000;
	/// Open flags one device may carry: a regulator resolves flags long before this matters.
	pub const MaxOpenFlags: u32 = 1_000;
}

impl pallet_screenings::Config for Runtime {
	type Devices = crate::Devices;
	type Permissions = crate::Supervisors;
	type Time = crate::Timestamp;
	type MaxOpenFlags = MaxOpenFlags;
	type MaxBatchLen = MaxScreeningBatch;
	type Quota = ScreeningQuota;
	type QuotaPeriod = ScreeningQuotaPeriod;
	type MaxClockSkew = MaxClockSkew;
	type MaxDuration = MaxScreeningDuration;
	type WeightInfo = pallet_screenings::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
	/// Each block is kept by three members of every cluster: about a third of a full cluster of
	/// 8, as the patent suggests. Faults come in pairs more often than one would like (a member
	/// dies while another's disk has a bad sector; two members share a power cut), and with three
	/// copies any two faults at once still leave one good copy serving the block while the others
	/// are copied again. With two, a dead member plus one damaged copy made a block unavailable
	/// until the member came back (archive/README.md, "Why R = 3").
	pub const ArchiveReplication: u32 = 3;
	/// Members per cluster at most: small enough that every member can reach every other.
	pub const MaxArchiveClusterSize: u32 = 8;
	/// Archive nodes registered at once, at most.
	pub const MaxArchiveNodes: u32 = 256;
	/// A heartbeat every two blocks (six seconds); silent for two intervals (12 s) and the node is
	/// offline, found at the next check (every two blocks): a dead member is marked offline
	/// 15-21 s after its last heartbeat, and members act on it once that block is finalized.
	pub const ArchiveHeartbeatInterval: BlockNumber = 2;
	pub const MaxMissedArchiveHeartbeats: u32 = 2;
	/// Clusters are re-formed (offline members dropped, long-dead nodes removed) every hour.
	/// Read from storage, like `SlotDuration`, so that a test chain's genesis may shorten it
	/// (key `twox128(":ArchiveEpochLength:")`, a SCALE `u32`).
	pub storage ArchiveEpochLength: BlockNumber = crate::HOURS;
	/// A member reported for failing a proof of possession is a suspect for an hour: long
	/// enough for the others to copy its blocks, short enough that a false report costs
	/// little. A liar that keeps failing audits is reported again.
	pub const ArchiveSuspicionPeriod: BlockNumber = crate::HOURS;
	/// A member reports at most one audit failure a minute. A report costs a little more than a
	/// heartbeat (0.87 against 0.70 ms, both with a signature check): one per heartbeat interval
	/// from every node of a full registry of liars would take 15 % of every block on top of the
	/// heartbeats' 12 %; one a minute takes 1.5 % (runtime/tests/capacity.rs). An honest member that catches the usual one liar reports it
	/// at once; a cluster with several liars has them all reported within minutes, well inside
	/// the hour a suspicion lasts.
	pub const ArchiveReportInterval: BlockNumber = crate::MINUTES;
	/// A member offline for less than ten minutes (a restart, an upgrade) keeps its place in a
	/// full cluster; after that a newcomer may take it.
	pub const ArchiveRejoinGrace: BlockNumber = 10 * crate::MINUTES;
	/// A node offline for a week leaves the registry at the next re-forming: its place and its
	/// `MaxNodes` slot go to nodes that run. Read from storage (key
	/// `twox128(":ArchiveOfflineRemoval:")`, a SCALE `u32`): a chain's genesis may set it, and
	/// root may change it (`system.setStorage`) if floods call for a shorter wait.
	pub storage ArchiveOfflineRemoval: BlockNumber = 7 * crate::DAYS;
	/// Held from an archive node's operator while the node is registered. Filling the registry
	/// (`MaxArchiveNodes`) then ties up 25,600 UNIT for at least `ArchiveOfflineRemoval`, while an
	/// operator with a few nodes pays little (it gets the deposit back when it leaves).
	pub const ArchiveDeposit: Balance = 100 * crate::UNIT;
}

impl pallet_archive::Config for Runtime {
	/// Any account may run an archive node (its deposit and `MaxNodes` bound the registry).
	type RegisterOrigin = frame_system::EnsureSigned<AccountId>;
	type KeySignature = crate::Signature;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Deposit = ArchiveDeposit;
	type AuthorityId = pallet_archive::crypto::ArchiveKey;
	type Replication = ArchiveReplication;
	type MaxClusterSize = MaxArchiveClusterSize;
	type MaxNodes = MaxArchiveNodes;
	type HeartbeatInterval = ArchiveHeartbeatInterval;
	type MaxMissedHeartbeats = MaxMissedArchiveHeartbeats;
	type EpochLength = ArchiveEpochLength;
	type SuspicionPeriod = ArchiveSuspicionPeriod;
	type ReportInterval = ArchiveReportInterval;
	/// Root (sudo on this chain, governance later) may remove any node.
	type AdminOrigin = frame_system::EnsureRoot<AccountId>;
	type RejoinGrace = ArchiveRejoinGrace;
	type OfflineRemoval = ArchiveOfflineRemoval;
	type WeightInfo = pallet_archive::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = benchmark_helpers::Sr25519Keys;
}

/// Key handling for the benchmarks of the devices and archive pallets: real sr25519 keys from the
/// host's benchmark keystore, so signature checks cost what they cost on chain.
#[cfg(feature = "runtime-benchmarks")]
mod benchmark_helpers {
	use super::*;
	use sp_core::crypto::KeyTypeId;

	const KEY_TYPE: KeyTypeId = KeyTypeId(*b"cdev");

	pub struct Sr25519Keys;

	impl cinechain_primitives::BenchmarkKeys<AccountId, crate::Signature> for Sr25519Keys {
		fn new_key() -> AccountId {
			sp_io::crypto::sr25519_generate(KEY_TYPE, None).into()
		}

		fn sign(key: &AccountId, payload: &[u8]) -> crate::Signature {
			let public = sp_core::sr25519::Public::from_raw(*key.as_ref());
			sp_io::crypto::sr25519_sign(KEY_TYPE, &public, payload)
				.expect("the key was made by new_key in the benchmark keystore; qed")
				.into()
		}
	}
}
