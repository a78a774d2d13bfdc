//! A runtime with the supervisors and cinemas pallets, for this pallet's unit tests and
//! benchmark tests.

use crate as pallet_cinemas;
use cinechain_primitives::{RegionCode, Role, Scope};
use frame_support::{derive_impl, traits::ConstU32};
use sp_runtime::BuildStorage;

type Block = frame_system::mocking::MockBlock<Test>;

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
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
}

impl pallet_supervisors::Config for Test {
	type AdminOrigin = frame_system::EnsureRoot<u64>;
	type MaxPendingRequests = ConstU32<3>;
	type WeightInfo = ();
}

impl pallet_cinemas::Config for Test {
	type AdminOrigin = frame_system::EnsureRoot<u64>;
	type Permissions = Supervisors;
	type WeightInfo = ();
}

/// A registrar for Beijing only.
pub const BEIJING_REGISTRAR: u64 = 10;
/// A supervisor (no registrar role) nationwide.
pub const SUPERVISOR: u64 = 11;

pub fn region(code: &str) -> RegionCode {
	RegionCode::try_from(code.as_bytes().to_vec()).expect("test codes are short")
}

pub fn name(text: &str) -> crate::Name {
	crate::Name::try_from(text.as_bytes().to_vec()).expect("short")
}

pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	let beijing = Scope::Limited { regions: vec![region("CN-BJ")].try_into().unwrap(), cinemas: Default::default() };
	pallet_supervisors::GenesisConfig::<Test> {
		grants: vec![(BEIJING_REGISTRAR, Role::Registrar, beijing, None), (SUPERVISOR, Role::Supervisor, Scope::National, None)],
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// The events this pallet emitted, oldest first.
pub fn events() -> Vec<pallet_cinemas::Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::Cinemas(e) => Some(e),
			_ => None,
		})
		.collect()
}
