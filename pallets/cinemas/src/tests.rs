//! Every call's success and every error of the cinemas pallet.

use crate::{mock::*, Cinema, Cinemas as Registry, Error, Event, Location};
use cinechain_primitives::{Cinemas as _, Place};
use frame_support::{assert_noop, assert_ok};
use sp_runtime::DispatchError;

const PEKING: u32 = 11_010_501;
const BUND: u32 = 31_010_001;

fn here() -> Option<Location> {
	Some(Location { latitude: 39_904_200, longitude: 116_407_400 })
}

fn check() {
	Cinemas::do_try_state().expect("invariants hold");
}

#[test]
fn a_registrar_registers_cinemas_in_scope_and_the_admin_anywhere() {
	new_test_ext().execute_with(|| {
		assert_ok!(Cinemas::register_cinema(RuntimeOrigin::signed(BEIJING_REGISTRAR), PEKING, region("CN-BJ-05"), name("Peking Palace"), here()));
		assert_eq!(
			events(),
			vec![Event::CinemaRegistered { cinema: PEKING, region: region("CN-BJ-05"), name: name("Peking Palace"), by: Some(BEIJING_REGISTRAR) }]
		);
		assert_eq!(Cinemas::place_of(PEKING), Some(Place { cinema: PEKING, region: region("CN-BJ-05") }));
		assert_noop!(
			Cinemas::register_cinema(RuntimeOrigin::signed(BEIJING_REGISTRAR), BUND, region("CN-SH"), name("Bund"), None),
			pallet_supervisors::Error::<Test>::OutOfScope
		);
		assert_ok!(Cinemas::register_cinema(RuntimeOrigin::root(), BUND, region("CN-SH"), name("Bund"), None));
		assert!(matches!(events().last(), Some(Event::CinemaRegistered { by: None, .. })));
		check();
	});
}

#[test]
fn register_cinema_errors() {
	new_test_ext().execute_with(|| {
		let registrar = RuntimeOrigin::signed(BEIJING_REGISTRAR);
		assert_noop!(
			Cinemas::register_cinema(RuntimeOrigin::signed(SUPERVISOR), PEKING, region("CN-BJ"), name("P"), None),
			pallet_supervisors::Error::<Test>::NoPermission
		);
		assert_noop!(Cinemas::register_cinema(RuntimeOrigin::none(), PEKING, region("CN-BJ"), name("P"), None), DispatchError::BadOrigin);
		for (code, title, location) in [
			("", "P", None),
			("CN BJ", "P", None),
			("CN-BJ", "", None),
			("CN-BJ", "P\n", None),
			("CN-BJ", "P", Some(Location { latitude: 90_000_001, longitude: 0 })),
		] {
			assert_noop!(
				Cinemas::register_cinema(registrar.clone(), PEKING, region(code), name(title), location),
				Error::<Test>::InvalidCinema
			);
		}
		assert_ok!(Cinemas::register_cinema(registrar.clone(), PEKING, region("CN-BJ"), name("P"), None));
		assert_noop!(
			Cinemas::register_cinema(registrar, PEKING, region("CN-BJ"), name("Again"), None),
			Error::<Test>::AlreadyRegistered
		);
	});
}

#[test]
fn update_changes_name_and_location_in_scope_only() {
	new_test_ext().execute_with(|| {
		assert_ok!(Cinemas::register_cinema(RuntimeOrigin::root(), PEKING, region("CN-BJ"), name("P"), None));
		assert_ok!(Cinemas::register_cinema(RuntimeOrigin::root(), BUND, region("CN-SH"), name("B"), None));
		assert_ok!(Cinemas::update_cinema(RuntimeOrigin::signed(BEIJING_REGISTRAR), PEKING, name("Peking Palace"), here()));
		assert_eq!(
			Registry::<Test>::get(PEKING),
			Some(Cinema { region: region("CN-BJ"), name: name("Peking Palace"), location: here() })
		);
		assert_noop!(
			Cinemas::update_cinema(RuntimeOrigin::signed(BEIJING_REGISTRAR), BUND, name("Mine"), None),
			pallet_supervisors::Error::<Test>::OutOfScope
		);
		assert_noop!(Cinemas::update_cinema(RuntimeOrigin::root(), 7, name("X"), None), Error::<Test>::UnknownCinema);
		assert_noop!(Cinemas::update_cinema(RuntimeOrigin::root(), BUND, name(""), None), Error::<Test>::InvalidCinema);
		check();
	});
}

#[test]
fn only_the_admin_moves_a_cinema_to_another_region() {
	new_test_ext().execute_with(|| {
		assert_ok!(Cinemas::register_cinema(RuntimeOrigin::root(), PEKING, region("CN-BJ"), name("P"), None));
		assert_noop!(
			Cinemas::move_cinema(RuntimeOrigin::signed(BEIJING_REGISTRAR), PEKING, region("CN-SH")),
			DispatchError::BadOrigin
		);
		assert_noop!(Cinemas::move_cinema(RuntimeOrigin::root(), PEKING, region("")), Error::<Test>::InvalidCinema);
		assert_noop!(Cinemas::move_cinema(RuntimeOrigin::root(), 7, region("CN-SH")), Error::<Test>::UnknownCinema);
		assert_ok!(Cinemas::move_cinema(RuntimeOrigin::root(), PEKING, region("CN-SH")));
		assert_eq!(events().last(), Some(&Event::CinemaMoved { cinema: PEKING, from: region("CN-BJ"), to: region("CN-SH") }));
		assert_eq!(Cinemas::place_of(PEKING).map(|p| p.region), Some(region("CN-SH")));
		check();
	});
}
