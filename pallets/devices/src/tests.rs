//! Every call's success and every error of the devices pallet, and its `CheckNonce` extension.

use crate::{mock::*, DeviceByKey, DeviceStatus, Devices as Registry, Error, Event, PendingRequests};
use cinechain_primitives::{refusal, Devices as _};
use frame_support::{assert_noop, assert_ok, dispatch::GetDispatchInfo, traits::Hooks};
use sp_runtime::{
	traits::DispatchTransaction,
	transaction_validity::{InvalidTransaction, TransactionSource, TransactionValidityError},
	DispatchError,
};

fn signed(who: &AccountId) -> RuntimeOrigin {
	RuntimeOrigin::signed(who.clone())
}

/// Requests registration of device key `seed` in Beijing and returns its number.
fn request(seed: u8) -> u64 {
	let key = account_of(&device_pair(seed));
	assert_ok!(Devices::request_registration(signed(&key), beijing_info("SN-1")));
	DeviceByKey::<Test>::get(&key).expect("registered")
}

/// An active device in Beijing from key `seed`.
fn active(seed: u8) -> u64 {
	let id = request(seed);
	assert_ok!(Devices::approve_registration(signed(&registrar()), id));
	id
}

fn status(id: u64) -> DeviceStatus {
	Registry::<Test>::get(id).expect("device exists").status
}

fn check() {
	Devices::do_try_state().expect("invariants hold");
}

#[test]
fn a_device_requests_and_a_registrar_approves() {
	new_test_ext().execute_with(|| {
		let key = account_of(&device_pair(7));
		assert_ok!(Devices::request_registration(signed(&key), beijing_info("SN-7")));
		assert_eq!(
			last_event(),
			Event::RegistrationRequested { device: 0, key: key.clone(), cinema: BEIJING_CINEMA, region: b"CN-BJ".to_vec() }
		);
		assert_eq!(status(0), DeviceStatus::Requested);
		assert_eq!(PendingRequests::<Test>::get(), 1);
		assert!(frame_system::Pallet::<Test>::account_exists(&key), "the key became an account");
		assert_eq!(Devices::active_device(&key), None, "not active before approval");

		assert_ok!(Devices::approve_registration(signed(&beijing_registrar()), 0));
		assert_eq!(
			last_event(),
			Event::DeviceApproved {
				device: 0,
				key: key.clone(),
				registrar: beijing_registrar(),
				cinema: BEIJING_CINEMA,
				region: b"CN-BJ".to_vec()
			}
		);
		assert_eq!(Devices::active_device(&key).map(|(id, _)| id), Some(0));
		assert_eq!(PendingRequests::<Test>::get(), 0);
		check();
	});
}

#[test]
fn request_registration_errors() {
	new_test_ext().execute_with(|| {
		let key = account_of(&device_pair(1));
		let mut bad = beijing_info("SN");
		bad.production_date = 2025_13_01;
		assert_noop!(Devices::request_registration(signed(&key), bad), Error::<Test>::InvalidDeviceInfo);
		let mut bad = beijing_info("SN");
		bad.manufacturer = text("");
		assert_noop!(Devices::request_registration(signed(&key), bad), Error::<Test>::InvalidDeviceInfo);
		let bad = beijing_info("SN\n");
		assert_noop!(Devices::request_registration(signed(&key), bad), Error::<Test>::InvalidDeviceInfo);

		request(1);
		assert_noop!(Devices::request_registration(signed(&key), beijing_info("SN")), Error::<Test>::KeyInUse);
		request(2);
		let third = account_of(&device_pair(3));
		assert_noop!(
			Devices::request_registration(signed(&third), beijing_info("SN")),
			Error::<Test>::CinemaRequestsFull
		);
		// Another cinema still takes requests: one more fits in this block, then none.
		assert_ok!(Devices::request_registration(signed(&third), info_at(SHANGHAI_CINEMA, "SN")));
		let fourth = account_of(&device_pair(4));
		assert_noop!(
			Devices::request_registration(signed(&fourth), info_at(SHANGHAI_CINEMA, "SN")),
			Error::<Test>::BlockRequestsFull
		);
		System::set_block_number(2);
		assert_ok!(Devices::request_registration(signed(&fourth), info_at(SHANGHAI_CINEMA, "SN")));
		check();
		assert_noop!(Devices::request_registration(RuntimeOrigin::none(), beijing_info("SN")), DispatchError::BadOrigin);
	});
}

#[test]
fn approve_registration_errors() {
	new_test_ext().execute_with(|| {
		assert_noop!(Devices::approve_registration(signed(&registrar()), 9), Error::<Test>::UnknownDevice);
		let id = request(1);
		assert_noop!(
			Devices::approve_registration(signed(&person(99)), id),
			pallet_supervisors::Error::<Test>::NoPermission
		);
		assert_noop!(
			Devices::approve_registration(signed(&supervisor()), id),
			pallet_supervisors::Error::<Test>::NoPermission
		);
		let shanghai_key = account_of(&device_pair(2));
		assert_ok!(Devices::request_registration(signed(&shanghai_key), info_at(SHANGHAI_CINEMA, "SN")));
		assert_noop!(
			Devices::approve_registration(signed(&beijing_registrar()), 1),
			pallet_supervisors::Error::<Test>::OutOfScope
		);
		assert_ok!(Devices::approve_registration(signed(&registrar()), id));
		assert_noop!(Devices::approve_registration(signed(&registrar()), id), Error::<Test>::NotRequested);
	});
}

#[test]
fn reject_registration_removes_the_request() {
	new_test_ext().execute_with(|| {
		let key = account_of(&device_pair(1));
		let id = request(1);
		assert_ok!(Devices::reject_registration(signed(&registrar()), id, 3));
		assert!(matches!(last_event(), Event::RegistrationRejected { device: 0, reason: 3, .. }));
		assert!(Registry::<Test>::get(id).is_none());
		assert!(DeviceByKey::<Test>::get(&key).is_none());
		assert_eq!(PendingRequests::<Test>::get(), 0);
		assert!(!frame_system::Pallet::<Test>::account_exists(&key), "the key's account is released");
		assert_noop!(Devices::reject_registration(signed(&registrar()), id, 3), Error::<Test>::UnknownDevice);
		let id = active(2);
		assert_noop!(Devices::reject_registration(signed(&registrar()), id, 3), Error::<Test>::NotRequested);
		check();
	});
}

#[test]
fn unanswered_requests_expire_and_free_their_place() {
	new_test_ext().execute_with(|| {
		let (first, second) = (request(1), request(2));
		assert_ok!(Devices::approve_registration(signed(&registrar()), second));
		System::set_block_number(1 + REQUEST_LIFETIME);
		Devices::on_initialize(1 + REQUEST_LIFETIME);
		assert!(Registry::<Test>::get(first).is_none(), "the unanswered request is gone");
		assert!(matches!(last_event(), Event::RegistrationExpired { device: 0, cinema: BEIJING_CINEMA, .. }));
		assert_eq!(status(second), DeviceStatus::Active, "an answered request is not touched");
		assert_eq!(PendingRequests::<Test>::get(), 0);
		let key = account_of(&device_pair(1));
		assert!(!frame_system::Pallet::<Test>::account_exists(&key), "the key's account is released");
		assert_ok!(Devices::request_registration(signed(&key), beijing_info("SN")));
		check();
	});
}

#[test]
fn a_registrar_provisions_with_the_device_proof() {
	new_test_ext().execute_with(|| {
		let pair = device_pair(5);
		let key = account_of(&pair);
		let info = beijing_info("SN-5");
		let proof = sign(&pair, &Devices::provision_payload(&key, &info));
		assert_ok!(Devices::provision_device(signed(&beijing_registrar()), key.clone(), info, proof));
		assert!(matches!(last_event(), Event::DeviceProvisioned { device: 0, .. }));
		assert_eq!(status(0), DeviceStatus::Active);
		assert!(Devices::active_device(&key).is_some());
		check();
	});
}

#[test]
fn provision_device_errors() {
	new_test_ext().execute_with(|| {
		let pair = device_pair(5);
		let key = account_of(&pair);
		let info = beijing_info("SN-5");
		let proof = sign(&pair, &Devices::provision_payload(&key, &info));
		let wrong = sign(&device_pair(6), &Devices::provision_payload(&key, &info));
		assert_noop!(
			Devices::provision_device(signed(&registrar()), key.clone(), info.clone(), wrong),
			Error::<Test>::BadProof
		);
		// A proof for other information does not carry over.
		let other = beijing_info("SN-other");
		assert_noop!(
			Devices::provision_device(signed(&registrar()), key.clone(), other, proof.clone()),
			Error::<Test>::BadProof
		);
		let mut bad = info.clone();
		bad.model = text("");
		assert_noop!(
			Devices::provision_device(signed(&registrar()), key.clone(), bad, proof.clone()),
			Error::<Test>::InvalidDeviceInfo
		);
		let elsewhere = info_at(UNREGISTERED_CINEMA, "SN-5");
		let elsewhere_proof = sign(&pair, &Devices::provision_payload(&key, &elsewhere));
		assert_noop!(
			Devices::provision_device(signed(&registrar()), key.clone(), elsewhere, elsewhere_proof),
			Error::<Test>::UnknownCinema
		);
		assert_noop!(
			Devices::provision_device(signed(&registrar()), key.clone(), info_at(SHANGHAI_CINEMA, "SN-5"), proof.clone()),
			Error::<Test>::BadProof
		);
		let shanghai = info_at(SHANGHAI_CINEMA, "SN-5");
		let shanghai_proof = sign(&pair, &Devices::provision_payload(&key, &shanghai));
		assert_noop!(
			Devices::provision_device(signed(&beijing_registrar()), key.clone(), shanghai, shanghai_proof),
			pallet_supervisors::Error::<Test>::OutOfScope
		);
		assert_ok!(Devices::provision_device(signed(&registrar()), key.clone(), info.clone(), proof.clone()));
		assert_noop!(Devices::provision_device(signed(&registrar()), key, info, proof), Error::<Test>::KeyInUse);
	});
}

#[test]
fn suspend_and_resume() {
	new_test_ext().execute_with(|| {
		let id = active(1);
		let key = account_of(&device_pair(1));
		assert_ok!(Devices::suspend_device(signed(&supervisor()), id, 4));
		assert!(matches!(last_event(), Event::DeviceSuspended { device: 0, reason: 4, .. }));
		assert_eq!(status(id), DeviceStatus::Suspended { reason: 4, scope: cinechain_primitives::Scope::National });
		assert_eq!(Devices::active_device(&key), None, "a suspended device is not active");
		assert_noop!(Devices::suspend_device(signed(&supervisor()), id, 4), Error::<Test>::NotActive);

		assert_ok!(Devices::resume_device(signed(&supervisor()), id));
		assert!(matches!(last_event(), Event::DeviceResumed { device: 0, .. }));
		assert!(Devices::active_device(&key).is_some());
		assert_noop!(Devices::resume_device(signed(&supervisor()), id), Error::<Test>::NotSuspended);
	});
}

#[test]
fn suspend_needs_a_supervisor_in_scope() {
	new_test_ext().execute_with(|| {
		let id = active(1);
		assert_noop!(Devices::suspend_device(signed(&shanghai_supervisor()), id, 1), pallet_supervisors::Error::<Test>::OutOfScope);
		assert_noop!(Devices::suspend_device(signed(&registrar()), id, 1), pallet_supervisors::Error::<Test>::NoPermission);
		assert_noop!(Devices::resume_device(signed(&registrar()), id), pallet_supervisors::Error::<Test>::NoPermission);
		assert_noop!(Devices::suspend_device(signed(&supervisor()), 9, 1), Error::<Test>::UnknownDevice);
		assert_noop!(Devices::resume_device(signed(&supervisor()), 9), Error::<Test>::UnknownDevice);
	});
}

#[test]
fn revoke_is_final() {
	new_test_ext().execute_with(|| {
		let id = active(1);
		let key = account_of(&device_pair(1));
		assert_ok!(Devices::revoke_device(signed(&supervisor()), id, 9));
		assert!(matches!(last_event(), Event::DeviceRevoked { device: 0, reason: 9, .. }));
		assert_eq!(status(id), DeviceStatus::Revoked { reason: 9 });
		assert_eq!(Devices::active_device(&key), None);
		assert_noop!(Devices::revoke_device(signed(&supervisor()), id, 9), Error::<Test>::Revoked);
		assert_noop!(Devices::resume_device(signed(&supervisor()), id), Error::<Test>::Revoked);
		assert_noop!(Devices::approve_registration(signed(&registrar()), id), Error::<Test>::Revoked);
		assert_noop!(
			Devices::request_registration(signed(&key), beijing_info("again")),
			Error::<Test>::KeyInUse
		);
		assert_noop!(Devices::revoke_device(signed(&shanghai_supervisor()), id, 9), pallet_supervisors::Error::<Test>::OutOfScope);

		// Revoking a request also frees its place in the queue.
		let pending = request(2);
		assert_ok!(Devices::revoke_device(signed(&supervisor()), pending, 1));
		assert_eq!(PendingRequests::<Test>::get(), 0);
		check();
	});
}

#[test]
fn rotate_key_keeps_the_device() {
	new_test_ext().execute_with(|| {
		let id = active(1);
		let old = account_of(&device_pair(1));
		let new_pair = device_pair(2);
		let new = account_of(&new_pair);
		System::set_block_number(20);
		let proof = sign(&new_pair, &Devices::rotation_payload(id, &old, &new));
		assert_ok!(Devices::rotate_key(signed(&old), new.clone(), proof));
		assert_eq!(last_event(), Event::DeviceKeyRotated { device: id, old_key: old.clone(), new_key: new.clone() });
		assert_eq!(Devices::active_device(&new).map(|(d, _)| d), Some(id));
		assert_eq!(Devices::active_device(&old), None);
		assert!(DeviceByKey::<Test>::get(&old).is_none());
		check();
	});
}

#[test]
fn rotate_key_errors() {
	new_test_ext().execute_with(|| {
		let id = active(1);
		let old = account_of(&device_pair(1));
		let new_pair = device_pair(2);
		let new = account_of(&new_pair);
		let proof = sign(&new_pair, &Devices::rotation_payload(id, &old, &new));
		assert_noop!(Devices::rotate_key(signed(&old), new.clone(), proof.clone()), Error::<Test>::RotationTooSoon);
		System::set_block_number(20);
		assert_noop!(Devices::rotate_key(signed(&person(50)), new.clone(), proof.clone()), Error::<Test>::NotADevice);
		let bad = sign(&device_pair(3), &Devices::rotation_payload(id, &old, &new));
		assert_noop!(Devices::rotate_key(signed(&old), new.clone(), bad), Error::<Test>::BadProof);
		active(4);
		let taken = account_of(&device_pair(4));
		let taken_proof = sign(&device_pair(4), &Devices::rotation_payload(id, &old, &taken));
		assert_noop!(Devices::rotate_key(signed(&old), taken, taken_proof), Error::<Test>::KeyInUse);
		assert_ok!(Devices::suspend_device(signed(&supervisor()), id, 1));
		assert_noop!(Devices::rotate_key(signed(&old), new, proof), Error::<Test>::NotActive);
	});
}

#[test]
fn update_device_info_needs_scope_over_old_and_new_place() {
	new_test_ext().execute_with(|| {
		let id = active(1);
		let moved = info_at(SHANGHAI_CINEMA, "SN-1");
		assert_noop!(
			Devices::update_device_info(signed(&beijing_registrar()), id, moved.clone()),
			pallet_supervisors::Error::<Test>::OutOfScope
		);
		let mut bad = moved.clone();
		bad.model = text("");
		assert_noop!(Devices::update_device_info(signed(&registrar()), id, bad), Error::<Test>::InvalidDeviceInfo);
		assert_noop!(Devices::update_device_info(signed(&registrar()), 7, moved.clone()), Error::<Test>::UnknownDevice);
		assert_ok!(Devices::update_device_info(signed(&registrar()), id, moved.clone()));
		assert!(matches!(last_event(), Event::DeviceInfoUpdated { device: 0, cinema: SHANGHAI_CINEMA, .. }));
		assert_eq!(Devices::place_of(id), Some(place_of(SHANGHAI_CINEMA)));
		assert_noop!(
			Devices::update_device_info(signed(&registrar()), id, info_at(UNREGISTERED_CINEMA, "SN-1")),
			Error::<Test>::UnknownCinema
		);
	});
}

#[test]
fn a_device_under_supervision_cannot_move() {
	new_test_ext().execute_with(|| {
		let id = active(1);
		let moved = info_at(SHANGHAI_CINEMA, "SN-1");
		assert_ok!(Devices::suspend_device(signed(&supervisor()), id, 1));
		assert_noop!(Devices::update_device_info(signed(&registrar()), id, moved.clone()), Error::<Test>::UnderSupervision);
		// Other information may still change in place.
		assert_ok!(Devices::update_device_info(signed(&registrar()), id, beijing_info("SN-1b")));
		assert_ok!(Devices::resume_device(signed(&supervisor()), id));
		set_open_flags(1);
		assert_noop!(Devices::update_device_info(signed(&registrar()), id, moved.clone()), Error::<Test>::UnderSupervision);
		set_open_flags(0);
		assert_ok!(Devices::update_device_info(signed(&registrar()), id, moved));
	});
}

#[test]
fn only_a_supervisor_of_the_same_or_wider_scope_resumes() {
	new_test_ext().execute_with(|| {
		let id = active(1);
		// The national supervisor suspends; Beijing's own supervisor may not resume.
		assert_ok!(Devices::suspend_device(signed(&supervisor()), id, 1));
		assert_noop!(Devices::resume_device(signed(&beijing_supervisor()), id), Error::<Test>::SuspendedFromWider);
		assert_ok!(Devices::resume_device(signed(&supervisor()), id));
		// Beijing's supervisor suspends; the national one may resume.
		assert_ok!(Devices::suspend_device(signed(&beijing_supervisor()), id, 2));
		assert!(matches!(status(id), DeviceStatus::Suspended { reason: 2, scope: cinechain_primitives::Scope::Limited { .. } }));
		assert_ok!(Devices::resume_device(signed(&supervisor()), id));
		check();
	});
}

#[test]
fn requests_name_a_registered_cinema() {
	new_test_ext().execute_with(|| {
		let key = account_of(&device_pair(1));
		assert_noop!(
			Devices::request_registration(signed(&key), info_at(UNREGISTERED_CINEMA, "SN")),
			Error::<Test>::UnknownCinema
		);
	});
}

mod check_nonce {
	use super::*;
	use crate::CheckNonce;

	fn validate(who: &AccountId, nonce: u32, call: RuntimeCall) -> Result<(), TransactionValidityError> {
		let info = call.get_dispatch_info();
		CheckNonce::<Test>::from(nonce)
			.validate_only(signed(who), &call, &info, 0, TransactionSource::External, 0)
			.map(|_| ())
	}

	fn registration(serial: &str) -> RuntimeCall {
		RuntimeCall::Devices(crate::Call::request_registration { info: beijing_info(serial) })
	}

	#[test]
	fn a_fresh_key_may_only_send_its_registration_request() {
		new_test_ext().execute_with(|| {
			let fresh = account_of(&device_pair(1));
			assert_ok!(validate(&fresh, 0, registration("SN")));
			assert_eq!(validate(&fresh, 1, registration("SN")), Err(InvalidTransaction::Future.into()));
			let other = RuntimeCall::System(frame_system::Call::remark { remark: vec![] });
			assert_eq!(validate(&fresh, 0, other), Err(InvalidTransaction::Payment.into()));
		});
	}

	#[test]
	fn the_pool_refuses_requests_the_call_would_refuse() {
		new_test_ext().execute_with(|| {
			request(1);
			let known = account_of(&device_pair(1));
			let refused = Err(InvalidTransaction::Custom(refusal::REGISTRATION_REFUSED).into());
			assert_eq!(validate(&known, 1, registration("SN")), refused);
			request(2);
			let third = account_of(&device_pair(3));
			assert_eq!(validate(&third, 0, registration("SN")), refused, "the cinema's queue is full");
		});
	}

	#[test]
	fn a_full_block_leaves_requests_for_the_next_one() {
		new_test_ext().execute_with(|| {
			for (seed, cinema) in [(1, 1), (2, 2), (3, 3)] {
				assert_ok!(Devices::request_registration(signed(&account_of(&device_pair(seed))), info_at(cinema, "SN")));
			}
			let call = RuntimeCall::Devices(crate::Call::request_registration { info: info_at(4, "SN") });
			let fresh = account_of(&device_pair(4));
			assert_eq!(validate(&fresh, 0, call.clone()), Err(InvalidTransaction::ExhaustsResources.into()));
			System::set_block_number(2);
			assert_ok!(validate(&fresh, 0, call));
		});
	}

	#[test]
	fn the_pool_holds_one_request_per_free_place_of_a_cinema() {
		new_test_ext().execute_with(|| {
			let tags = |seed: u8| {
				let call = registration("SN");
				CheckNonce::<Test>::from(0)
					.validate_only(signed(&account_of(&device_pair(seed))), &call, &call.get_dispatch_info(), 0, TransactionSource::External, 0)
					.map(|(validity, _, _)| validity.provides)
					.unwrap()
			};
			let (first, second) = (tags(1), tags(2));
			assert_eq!(first[1..], second[1..], "two requests for the same free place: the pool keeps one");
			request(1);
			assert_ne!(tags(2)[1..], first[1..], "the next free place");
		});
	}

	#[test]
	fn the_pool_checks_a_rotations_proof() {
		new_test_ext().execute_with(|| {
			let id = active(1);
			System::set_block_number(20);
			let old = account_of(&device_pair(1));
			let new = account_of(&device_pair(2));
			let wrong = sign(&device_pair(3), &Devices::rotation_payload(id, &old, &new));
			let call = RuntimeCall::Devices(crate::Call::rotate_key { new_key: new.clone(), proof: wrong });
			assert_eq!(validate(&old, 0, call), Err(InvalidTransaction::Custom(refusal::KEY_ROTATION_REFUSED).into()));
			let right = sign(&device_pair(2), &Devices::rotation_payload(id, &old, &new));
			assert_ok!(validate(&old, 0, RuntimeCall::Devices(crate::Call::rotate_key { new_key: new, proof: right })));
		});
	}

	#[test]
	fn the_pool_refuses_rotations_the_call_would_refuse() {
		new_test_ext().execute_with(|| {
			let id = active(1);
			let old = account_of(&device_pair(1));
			let new = account_of(&device_pair(2));
			let proof = sign(&device_pair(2), &Devices::rotation_payload(id, &old, &new));
			let call = RuntimeCall::Devices(crate::Call::rotate_key { new_key: new, proof });
			assert_eq!(
				validate(&old, 1, call.clone()),
				Err(InvalidTransaction::Custom(refusal::KEY_ROTATION_REFUSED).into()),
				"within the cooldown"
			);
			System::set_block_number(20);
			assert_ok!(validate(&old, 1, call));
		});
	}

	#[test]
	fn prepare_bumps_the_nonce_of_a_fresh_key() {
		new_test_ext().execute_with(|| {
			let fresh = account_of(&device_pair(1));
			let call = registration("SN");
			let info = call.get_dispatch_info();
			assert_ok!(CheckNonce::<Test>::from(0).validate_and_prepare(signed(&fresh), &call, &info, 0, 0));
			assert_eq!(frame_system::Pallet::<Test>::account_nonce(&fresh), 1);
		});
	}

	#[test]
	fn a_key_whose_request_failed_may_ask_again_with_its_next_nonce() {
		new_test_ext().execute_with(|| {
			// The request's nonce was spent but the call failed: no provider holds the account.
			let key = account_of(&device_pair(1));
			frame_system::Pallet::<Test>::inc_account_nonce(&key);
			assert_eq!(validate(&key, 0, registration("SN")), Err(InvalidTransaction::Stale.into()));
			assert_ok!(validate(&key, 1, registration("SN")));
		});
	}

	#[test]
	fn existing_accounts_are_checked_as_frame_system_does() {
		new_test_ext().execute_with(|| {
			let id = active(1);
			let key = account_of(&device_pair(1));
			frame_system::Pallet::<Test>::inc_account_nonce(&key);
			let call = RuntimeCall::Devices(crate::Call::resume_device { device: id });
			assert_eq!(validate(&key, 0, call.clone()), Err(InvalidTransaction::Stale.into()));
			assert_ok!(validate(&key, 1, call.clone()));
			// A future nonce waits in the pool.
			assert_ok!(validate(&key, 5, call));
		});
	}
}
