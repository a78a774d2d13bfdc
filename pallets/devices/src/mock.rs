//! A runtime with the supervisors and devices pallets and real sr25519 keys, for this pallet's
//! unit tests and benchmark tests.

use crate as pallet_devices;
use crate::{DeviceInfo, Text};
use cinechain_primitives::{CinemaId, Place, RegionCode, Role, Scope};
use frame_support::{derive_impl, traits::{ConstU32, ConstU64}};
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
	type OpenFlags = MockFlags;
	type Signature = MultiSignature;
	type MaxRequestsPerCinema = ConstU32<2>;
	type MaxRequestsPerBlock = ConstU32<3>;
	type RequestLifetime = ConstU64<REQUEST_LIFETIME>;
	type KeyRotationCooldown = ConstU64<10>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = FreshKeys;
}

/// Fresh sr25519 keys for the benchmark tests, remembered so that they can sign later.
#[cfg(feature = "runtime-benchmarks")]
pub struct FreshKeys;

#[cfg(feature = "runtime-benchmarks")]
thread_local! {
	static KEYS: core::cell::RefCell<Vec<sr25519::Pair>> = Default::default();
}

#[cfg(feature = "runtime-benchmarks")]
impl cinechain_primitives::BenchmarkKeys<AccountId, MultiSignature> for FreshKeys {
	fn new_key() -> AccountId {
		KEYS.with(|keys| {
			let mut keys = keys.borrow_mut();
			let pair = sr25519::Pair::from_seed(&[200 + keys.len() as u8; 32]);
			keys.push(pair.clone());
			account_of(&pair)
		})
	}

	fn sign(key: &AccountId, payload: &[u8]) -> MultiSignature {
		KEYS.with(|keys| {
			let keys = keys.borrow();
			let pair = keys.iter().find(|p| &account_of(p) == key).expect("made by new_key");
			sign(pair, payload)
		})
	}
}

/// A device key pair, made from a seed byte as a device would make it from its randomness.
pub fn device_pair(seed: u8) -> sr25519::Pair {
	sr25519::Pair::from_seed(&[seed; 32])
}

pub fn account_of(pair: &sr25519::Pair) -> AccountId {
	pair.public().into()
}

pub fn sign(pair: &sr25519::Pair, payload: &[u8]) -> MultiSignature {
	pair.sign(payload).into()
}

/// A person's account (registrar, supervisor) from a byte.
pub fn person(n: u8) -> AccountId {
	AccountId32::new([n; 32])
}

thread_local! {
	static OPEN_FLAGS: core::cell::Cell<u32> = const { core::cell::Cell::new(0) };
}

/// Open flags as the tests set them (the screenings pallet keeps them in a runtime).
pub struct MockFlags;

impl cinechain_primitives::OpenFlags for MockFlags {
	fn open_flags(_: cinechain_primitives::DeviceId) -> u32 {
		OPEN_FLAGS.with(|n| n.get())
	}
}

pub fn set_open_flags(n: u32) {
	OPEN_FLAGS.with(|f| f.set(n));
}

/// Blocks a registration request waits for an answer in the mock.
pub const REQUEST_LIFETIME: u64 = 50;

pub const BEIJING_CINEMA: CinemaId = 1101;
pub const SHANGHAI_CINEMA: CinemaId = 3101;

/// National registrar.
pub fn registrar() -> AccountId { person(1) }
/// Registrar for Beijing only.
pub fn beijing_registrar() -> AccountId { person(2) }
/// National supervisor.
pub fn supervisor() -> AccountId { person(3) }
/// Supervisor for Shanghai only.
pub fn shanghai_supervisor() -> AccountId { person(4) }
/// Supervisor for Beijing only.
pub fn beijing_supervisor() -> AccountId { person(5) }

pub fn region(code: &str) -> RegionCode {
	RegionCode::try_from(code.as_bytes().to_vec()).expect("short")
}

pub fn text(s: &str) -> Text {
	Text::try_from(s.as_bytes().to_vec()).expect("short")
}

/// Device information for a projector of cinema `cinema`.
pub fn info_at(cinema: CinemaId, serial: &str) -> DeviceInfo {
	DeviceInfo {
		manufacturer: text("Cinemeccanica"),
		model: text("CMC-4K"),
		serial_number: text(serial),
		production_date: 2025_06_30,
		firmware_version: text("1.4.2"),
		cinema,
	}
}

pub fn beijing_info(serial: &str) -> DeviceInfo {
	info_at(BEIJING_CINEMA, serial)
}

/// Cinemas 1 to 4 (Beijing) and a cinema nobody registered.
pub const UNREGISTERED_CINEMA: CinemaId = 9999;

/// The place of a registered cinema.
pub fn place_of(cinema: CinemaId) -> Place {
	<Cinemas as cinechain_primitives::Cinemas>::place_of(cinema).expect("registered")
}

fn limited(code: &str) -> Scope {
	Scope::Limited { regions: vec![region(code)].try_into().unwrap(), cinemas: Default::default() }
}

pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_supervisors::GenesisConfig::<Test> {
		grants: vec![
			(registrar(), Role::Registrar, Scope::National, None),
			(beijing_registrar(), Role::Registrar, limited("CN-BJ"), None),
			(supervisor(), Role::Supervisor, Scope::National, None),
			(shanghai_supervisor(), Role::Supervisor, limited("CN-SH"), None),
			(beijing_supervisor(), Role::Supervisor, limited("CN-BJ"), None),
		],
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	let name = |n: &str| pallet_cinemas::Name::try_from(n.as_bytes().to_vec()).unwrap();
	let mut cinemas = vec![
		(BEIJING_CINEMA, region("CN-BJ"), name("Beijing"), None),
		(SHANGHAI_CINEMA, region("CN-SH"), name("Shanghai"), None),
	];
	cinemas.extend((1..=4).map(|c| (c, region("CN-BJ"), name("Small"), None)));
	pallet_cinemas::GenesisConfig::<Test> { cinemas, ..Default::default() }.assimilate_storage(&mut storage).unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// The last event this pallet emitted.
pub fn last_event() -> pallet_devices::Event<Test> {
	System::events()
		.into_iter()
		.rev()
		.find_map(|r| match r.event {
			RuntimeEvent::Devices(e) => Some(e),
			_ => None,
		})
		.expect("an event was emitted")
}
