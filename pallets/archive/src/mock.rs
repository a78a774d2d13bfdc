//! A runtime with the archive pallet: clusters of at most 3, R = 2, a heartbeat every 5 blocks,
//! offline after 2 missed, re-formed every 50 blocks, a deposit of 10. Accounts are `u64`; key
//! `k` proves itself with `TestSignature(k, payload)`. Operators `100..=120` start with 100.

use crate as pallet_archive;
use frame_support::{derive_impl, traits::{ConstU128, ConstU32, ConstU64, Hooks}};
use sp_runtime::{
	testing::{TestSignature, TestXt, UintAuthorityId},
	BuildStorage,
};

type Block = frame_system::mocking::MockBlock<Test>;

#[frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(RuntimeCall, RuntimeEvent, RuntimeError, RuntimeOrigin, RuntimeTask, RuntimeHoldReason, RuntimeFreezeReason)]
	pub struct Test;

	#[runtime::pallet_index(0)]
	pub type System = frame_system;
	#[runtime::pallet_index(1)]
	pub type Archive = pallet_archive;
	#[runtime::pallet_index(2)]
	pub type Balances = pallet_balances;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<u128>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type Balance = u128;
	type AccountStore = System;
	type RuntimeHoldReason = RuntimeHoldReason;
}

/// What registering a node holds from its operator.
pub const DEPOSIT: u128 = 10;
/// What each operator starts with.
pub const FUNDS: u128 = 100;

impl frame_system::offchain::SigningTypes for Test {
	type Public = UintAuthorityId;
	type Signature = TestSignature;
}

impl<C> frame_system::offchain::CreateTransactionBase<C> for Test
where
	RuntimeCall: From<C>,
{
	type Extrinsic = TestXt<RuntimeCall, ()>;
	type RuntimeCall = RuntimeCall;
}

impl<C> frame_system::offchain::CreateSignedTransaction<C> for Test
where
	RuntimeCall: From<C>,
{
	fn create_signed_transaction<A: frame_system::offchain::AppCrypto<Self::Public, Self::Signature>>(
		call: RuntimeCall,
		_public: UintAuthorityId,
		account: u64,
		_nonce: u32,
	) -> Option<Self::Extrinsic> {
		Some(TestXt::new_signed(call, account, (), ()))
	}
}

/// Test keys sign as themselves.
pub struct TestArchiveKey;

impl frame_system::offchain::AppCrypto<UintAuthorityId, TestSignature> for TestArchiveKey {
	type RuntimeAppPublic = UintAuthorityId;
	type GenericPublic = UintAuthorityId;
	type GenericSignature = TestSignature;
}

impl pallet_archive::Config for Test {
	type AuthorityId = TestArchiveKey;
	type RegisterOrigin = frame_system::EnsureSigned<u64>;
	type Replication = ConstU32<2>;
	type MaxClusterSize = ConstU32<3>;
	type MaxNodes = ConstU32<8>;
	type HeartbeatInterval = ConstU64<5>;
	type MaxMissedHeartbeats = ConstU32<2>;
	type EpochLength = ConstU64<50>;
	type SuspicionPeriod = ConstU64<20>;
	type ReportInterval = ConstU64<8>;
	type AdminOrigin = frame_system::EnsureRoot<u64>;
	type RejoinGrace = ConstU64<10>;
	type OfflineRemoval = ConstU64<100>;
	type KeySignature = TestSignature;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Deposit = ConstU128<DEPOSIT>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = CountedKeys;
}

/// Benchmark keys: numbers counted up from 1,000, signing as themselves.
#[cfg(feature = "runtime-benchmarks")]
pub struct CountedKeys;

#[cfg(feature = "runtime-benchmarks")]
impl cinechain_primitives::BenchmarkKeys<u64, TestSignature> for CountedKeys {
	fn new_key() -> u64 {
		use core::sync::atomic::{AtomicU64, Ordering};
		static NEXT: AtomicU64 = AtomicU64::new(1_000);
		NEXT.fetch_add(1, Ordering::Relaxed)
	}

	fn sign(key: &u64, payload: &[u8]) -> TestSignature {
		TestSignature(*key, payload.to_vec())
	}
}

/// The proof that archive key `key` is `operator`'s.
pub fn proof(operator: u64, key: u64) -> TestSignature {
	TestSignature(key, Archive::key_payload(&operator, &key))
}

pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> { balances: (100..=120).map(|who| (who, FUNDS)).collect(), ..Default::default() }
		.assimilate_storage(&mut storage)
		.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// Runs blocks up to `n`, with the pallet's `on_initialize`.
pub fn run_to(n: u64) {
	while System::block_number() < n {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		Archive::on_initialize(next);
	}
}

/// Runs `test` in a test externality with an offchain worker's extensions. `test` gets the
/// offchain state (its persistent storage is the node's offchain database) and a function that
/// takes the transactions the offchain worker sent to the pool since its last call, decoded.
pub fn with_offchain_worker(
	test: impl FnOnce(&sp_core::offchain::testing::TestOffchainExt, &dyn Fn() -> Vec<TestXt<RuntimeCall, ()>>),
) {
	use codec::Decode;
	use sp_core::offchain::{testing, OffchainDbExt, OffchainWorkerExt, TransactionPoolExt};
	let mut ext = new_test_ext();
	let (offchain, _) = testing::TestOffchainExt::new();
	let (pool, pool_state) = testing::TestTransactionPoolExt::new();
	ext.register_extension(OffchainWorkerExt::new(offchain.clone()));
	ext.register_extension(OffchainDbExt::new(offchain.clone()));
	ext.register_extension(TransactionPoolExt::new(pool));
	let sent = move || {
		std::mem::take(&mut pool_state.write().transactions)
			.iter()
			.map(|tx| TestXt::<RuntimeCall, ()>::decode(&mut &tx[..]).expect("a test transaction"))
			.collect()
	};
	ext.execute_with(|| test(&offchain, &sent));
}
