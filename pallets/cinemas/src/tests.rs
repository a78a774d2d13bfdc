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

mod migration_v1 {
	use super::*;
	use crate::migrations::v1::{check, snapshot, RehashRegistry};
	use codec::Encode;
	use frame_support::{
		migrations::VersionedMigration,
		storage::{unhashed, StoragePrefixedMap},
		traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion},
		StorageHasher,
	};

	// The runtime moves keys from Twox64Concat; here they move from another hasher than the
	// build's own, so that the move is a real one whichever layout this build has.
	type Old = frame_support::Identity;
	type Migration = VersionedMigration<0, 1, RehashRegistry<Test, Old>, crate::Pallet<Test>, ()>;

	fn old_key(code: u32) -> Vec<u8> {
		[&Registry::<Test>::final_prefix()[..], &Old::hash(&code.encode())[..]].concat()
	}

	fn cinema(region_code: &str, text: &str) -> Cinema {
		Cinema { region: region(region_code), name: name(text), location: Some(Location { latitude: 39_900_000, longitude: 116_400_000 }) }
	}

	#[test]
	fn version_0_entries_are_rekeyed_once_and_an_unreadable_one_is_left_in_place() {
		new_test_ext().execute_with(|| {
			let entries = [(11010501, cinema("CN-BJ", "Capital")), (31010101, cinema("CN-SH", "Bund")), (7, cinema("CN-GD", "Seven"))];
			for (code, entry) in &entries {
				unhashed::put_raw(&old_key(*code), &entry.encode());
			}
			unhashed::put_raw(&old_key(99), b"\x09not a cinema");
			StorageVersion::new(0).put::<crate::Pallet<Test>>();
			let before = snapshot::<Test, Old>();
			assert_eq!(before.len(), 3, "the unreadable entry is not in the snapshot");

			Migration::on_runtime_upgrade();

			assert_eq!(crate::Pallet::<Test>::on_chain_storage_version(), 1);
			for (code, entry) in &entries {
				assert_eq!(Registry::<Test>::get(code).as_ref(), Some(entry), "cinema {code} readable under its code");
				if crate::RegistryHasher::hash(&code.encode()) != Old::hash(&code.encode()) {
					assert_eq!(unhashed::get_raw(&old_key(*code)), None, "cinema {code}'s old key is gone");
				}
			}
			assert_eq!(unhashed::get_raw(&old_key(99)), Some(b"\x09not a cinema".to_vec()), "kept, not dropped");
			// Iterating the map skips it; the invariants check does not.
			assert_eq!(Registry::<Test>::iter().count(), 3);
			assert!(crate::Pallet::<Test>::do_try_state().is_err(), "the invariants check sees the unreadable entry");
			assert_eq!(check::<Test>(&before), Ok(()));
			// The check refuses a registry that lost an entry.
			Registry::<Test>::remove(7);
			assert!(check::<Test>(&before).is_err());
			Registry::<Test>::insert(7, cinema("CN-GD", "Seven"));

			// A second run changes nothing: the storage version guards it.
			unhashed::put_raw(&old_key(5), &cinema("CN-BJ", "Late").encode());
			Migration::on_runtime_upgrade();
			assert_eq!(Registry::<Test>::get(5), None);
			assert_eq!(check::<Test>(&before), Ok(()));
		});
	}
}
