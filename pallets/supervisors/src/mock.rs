//! A minimal runtime with this pallet, for its unit tests and benchmark tests.

use crate as pallet_supervisors;
use cinechain_primitives::{CinemaId, Place, RegionCode, Scope};
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

/// The account that holds a national registrar role from genesis.
pub const NATIONAL_REGISTRAR: u64 = 10;

pub fn region(code: &str) -> RegionCode {
	RegionCode::try_from(code.as_bytes().to_vec()).expect("test codes are short")
}

pub fn place(cinema: CinemaId, code: &str) -> Place {
	Place { cinema, region: region(code) }
}

pub fn regions(codes: &[&str]) -> Scope {
	Scope::Limited {
		regions: codes.iter().map(|c| region(c)).collect::<Vec<_>>().try_into().expect("few"),
		cinemas: Default::default(),
	}
}

pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_supervisors::GenesisConfig::<Test> {
		grants: vec![(NATIONAL_REGISTRAR, cinechain_primitives::Role::Registrar, Scope::National, None)],
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// The last event this pallet emitted.
pub fn last_event() -> pallet_supervisors::Event<Test> {
	System::events()
		.into_iter()
		.rev()
		.find_map(|r| match r.event {
			RuntimeEvent::Supervisors(e) => Some(e),
			_ => None,
		})
		.expect("an event was emitted")
}
