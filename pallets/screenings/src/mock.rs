//! A runtime with the supervisors, devices and screenings pallets, for this pallet's unit tests
//! and benchmark tests.

use crate as pallet_screenings;
use crate::types::*;
use cinechain_primitives::{CinemaId, RegionCode, Role, Scope};
use core::{cell::Cell, time::Duration};
use frame_support::{
	derive_impl,
	traits::{ConstU32, ConstU64, UnixTime},
	BoundedVec,
};
use pallet_devices::{DeviceInfo, Text};
use sp_core::{sr25519, Pair};
use sp_runtime::{traits::IdentityLookup, AccountId32, BuildStorage, MultiSignature};

type Block = frame_system::mocking::MockBlock<Test>;
pub type AccountId = AccountId32;

#[frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(RuntimeCall, RuntimeEvent, RuntimeError, RuntimeOrigin, RuntimeTask)]
	pub struct Test;

	#[runtime::pallet_index(0)]
	pub type System = frame_system;
	#[runtime::pallet_index(1)]
	pub type Supervisors = pallet_supervisors;
	#[runtime::pallet_index(2)]
	pub type Cinemas = pallet_cinemas;
	#[runtime::pallet_index(3)]
	pub type Devices = pallet_devices;
	#[runtime::pallet_index(4)]
	pub type Screenings = pallet_screenings;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountId = AccountId;
	type Lookup = IdentityLookup<AccountId>;
}

impl pallet_supervisors::Config for Test {
	type AdminOrigin = frame_system::EnsureRoot<AccountId>;
	type MaxPendingRequests = ConstU32<8>;
	type WeightInfo = ();
}

impl pallet_cinemas::Config for Test {
	type AdminOrigin = frame_system::EnsureRoot<AccountId>;
	type Permissions = Supervisors;
	type WeightInfo = ();
}

impl pallet_devices::Config for Test {
	type Permissions = Supervisors;
	type Cinemas = Cinemas;
	type OpenFlags = Screenings;
	type Signature = MultiSignature;
	type MaxRequestsPerCinema = ConstU32<8>;
	type MaxRequestsPerBlock = ConstU32<8>;
	type RequestLifetime = ConstU64<100>;
	type KeyRotationCooldown = ConstU64<10>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = SeededKeys;
}

/// Keys from a counter, for the devices pallet's benchmark helper (not used by these tests).
#[cfg(feature = "runtime-benchmarks")]
pub struct SeededKeys;

#[cfg(feature = "runtime-benchmarks")]
impl cinechain_primitives::BenchmarkKeys<AccountId, MultiSignature> for SeededKeys {
	fn new_key() -> AccountId {
		sr25519::Pair::from_seed(&[9; 32]).public().into()
	}
	fn sign(_key: &AccountId, payload: &[u8]) -> MultiSignature {
		sr25519::Pair::from_seed(&[9; 32]).sign(payload).into()
	}
}

thread_local! {
	static NOW_MS: Cell<u64> = const { Cell::new(START_MS) };
}

/// 2026-01-01 00:00 UTC: the chain's clock when a test starts.
pub const START_MS: u64 = 1_767_225_600_000;
pub const HOUR_MS: u64 = 3_600_000;

/// The chain's clock, set by the tests.
pub struct MockTime;
impl UnixTime for MockTime {
	fn now() -> Duration {
		Duration::from_millis(NOW_MS.with(|n| n.get()))
	}
}

pub fn set_now_ms(ms: u64) {
	NOW_MS.with(|n| n.set(ms));
}

pub const QUOTA: u32 = 5;
pub const QUOTA_PERIOD: u64 = 100;

impl pallet_screenings::Config for Test {
	type Devices = Devices;
	type Permissions = Supervisors;
	type Time = MockTime;
	type MaxBatchLen = ConstU32<4>;
	type Quota = ConstU32<QUOTA>;
	type QuotaPeriod = ConstU64<QUOTA_PERIOD>;
	type MaxClockSkew = ConstU64<{ 10 * 60 * 1000 }>;
	type MaxDuration = ConstU64<{ 8 * HOUR_MS }>;
	type MaxOpenFlags = ConstU32<2>;
	type WeightInfo = ();
}

pub const CINEMA: CinemaId = 1101;
pub const OTHER_CINEMA: CinemaId = 3101;

pub fn person(n: u8) -> AccountId {
	AccountId32::new([n; 32])
}
/// National supervisor.
pub fn supervisor() -> AccountId { person(3) }
/// Supervisor for Shanghai only.
pub fn shanghai_supervisor() -> AccountId { person(4) }

/// The key of demo device `n` (device number `n - 1`: they are registered in order).
pub fn device_key(n: u8) -> AccountId {
	sr25519::Pair::from_seed(&[n; 32]).public().into()
}

fn text(s: &str) -> Text {
	Text::try_from(s.as_bytes().to_vec()).expect("short")
}

fn region(code: &str) -> RegionCode {
	RegionCode::try_from(code.as_bytes().to_vec()).expect("short")
}

fn beijing_device(serial: &str) -> DeviceInfo {
	DeviceInfo {
		manufacturer: text("Barco"),
		model: text("SP4K"),
		serial_number: text(serial),
		production_date: 2024_03_01,
		firmware_version: text("2.0"),
		cinema: CINEMA,
	}
}

/// Devices 0 and 1 (keys 1 and 2) are active in the Beijing cinema.
pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_supervisors::GenesisConfig::<Test> {
		grants: vec![
			(supervisor(), Role::Supervisor, Scope::National, None),
			(
				shanghai_supervisor(),
				Role::Supervisor,
				Scope::Limited { regions: vec![region("CN-SH")].try_into().unwrap(), cinemas: Default::default() },
				None,
			),
		],
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	let name = |n: &str| pallet_cinemas::Name::try_from(n.as_bytes().to_vec()).unwrap();
	pallet_cinemas::GenesisConfig::<Test> {
		cinemas: vec![(CINEMA, region("CN-BJ"), name("Beijing"), None), (OTHER_CINEMA, region("CN-SH"), name("Shanghai"), None)],
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	pallet_devices::GenesisConfig::<Test> {
		devices: vec![(device_key(1), beijing_device("A")), (device_key(2), beijing_device("B"))],
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| {
		System::set_block_number(1);
		set_now_ms(START_MS);
	});
	ext
}

/// A completed two-hour screening that ended an hour before the chain's clock.
pub fn record(seq: u64, prev_hash: Hash32) -> ScreeningRecord {
	let ended_at = START_MS - HOUR_MS + seq;
	ScreeningRecord {
		seq,
		prev_hash,
		film: Film {
			cpl_id: Some([7; 16]),
			film_code: Some(BoundedVec::truncate_from(b"001101232025".to_vec())),
			title: BoundedVec::truncate_from(b"The Projectionist".to_vec()),
		},
		projectionist: BoundedVec::truncate_from(b"p-7f3a".to_vec()),
		started_at: ended_at - 2 * HOUR_MS,
		ended_at,
		venue: Venue { cinema: CINEMA, hall: 3 },
		location: Some(Location { latitude: 39_904_200, longitude: 116_407_400 }),
		outcome: Outcome::Completed,
		report_hash: None,
	}
}

/// `n` records chained after `(last_seq, last_hash)`.
pub fn chain_after(last_seq: u64, last_hash: Hash32, n: u64) -> Vec<ScreeningRecord> {
	let mut hash = last_hash;
	(last_seq + 1..=last_seq + n)
		.map(|seq| {
			let r = record(seq, hash);
			hash = r.hash();
			r
		})
		.collect()
}

/// The events this pallet emitted, oldest first.
pub fn events() -> Vec<pallet_screenings::Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::Screenings(e) => Some(e),
			_ => None,
		})
		.collect()
}
