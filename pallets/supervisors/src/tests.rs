//! Every call's success and every error of the supervisors pallet.

use crate::{mock::*, Error, Event, Grants, Permissions, Requests, Role, Scope};
use frame_support::{assert_noop, assert_ok};
use sp_runtime::DispatchError;

const ALICE: u64 = 1;
const BOB: u64 = 2;

fn root() -> RuntimeOrigin {
	RuntimeOrigin::root()
}

fn signed(who: u64) -> RuntimeOrigin {
	RuntimeOrigin::signed(who)
}

fn ensure(who: u64, role: Role, cinema: u32, region_code: &str) -> Result<(), DispatchError> {
	Supervisors::ensure_permission(&who, role, &place(cinema, region_code)).map(|_| ())
}

#[test]
fn genesis_grants_work() {
	new_test_ext().execute_with(|| {
		assert_ok!(ensure(NATIONAL_REGISTRAR, Role::Registrar, 1, "FR-75"));
		assert_eq!(
			ensure(NATIONAL_REGISTRAR, Role::Supervisor, 1, "FR-75"),
			Err(Error::<Test>::NoPermission.into()),
			"a registrar is not a supervisor"
		);
		Supervisors::do_try_state().unwrap();
	});
}

#[test]
fn grant_role_gives_a_scoped_role() {
	new_test_ext().execute_with(|| {
		assert_ok!(Supervisors::grant_role(root(), ALICE, Role::Supervisor, regions(&["CN-BJ"]), None));
		assert_eq!(
			last_event(),
			Event::RoleGranted { who: ALICE, role: Role::Supervisor, scope: regions(&["CN-BJ"]), expires_at: None }
		);
		assert_ok!(ensure(ALICE, Role::Supervisor, 7, "CN-BJ-05"));
		assert_eq!(ensure(ALICE, Role::Supervisor, 7, "CN-SH"), Err(Error::<Test>::OutOfScope.into()));
		assert_eq!(ensure(ALICE, Role::Registrar, 7, "CN-BJ"), Err(Error::<Test>::NoPermission.into()));
	});
}

#[test]
fn grant_role_needs_the_admin() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			Supervisors::grant_role(signed(ALICE), ALICE, Role::Supervisor, Scope::National, None),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn grant_role_refuses_bad_scopes_and_past_expiry() {
	new_test_ext().execute_with(|| {
		System::set_block_number(5);
		assert_noop!(
			Supervisors::grant_role(root(), ALICE, Role::Supervisor, regions(&[]), None),
			Error::<Test>::InvalidScope
		);
		assert_noop!(
			Supervisors::grant_role(root(), ALICE, Role::Supervisor, regions(&["CN BJ"]), None),
			Error::<Test>::InvalidScope
		);
		assert_noop!(
			Supervisors::grant_role(root(), ALICE, Role::Supervisor, Scope::National, Some(5)),
			Error::<Test>::ExpiryInPast
		);
	});
}

#[test]
fn expiry_takes_effect_on_the_very_next_call() {
	new_test_ext().execute_with(|| {
		assert_ok!(Supervisors::grant_role(root(), ALICE, Role::Supervisor, Scope::National, Some(10)));
		System::set_block_number(9);
		assert_ok!(ensure(ALICE, Role::Supervisor, 1, "CN"));
		System::set_block_number(10);
		assert_eq!(ensure(ALICE, Role::Supervisor, 1, "CN"), Err(Error::<Test>::RoleExpired.into()));
	});
}

#[test]
fn revoke_role_takes_effect_at_once() {
	new_test_ext().execute_with(|| {
		assert_ok!(Supervisors::grant_role(root(), ALICE, Role::Registrar, Scope::National, None));
		assert_ok!(Supervisors::revoke_role(root(), ALICE, Role::Registrar));
		assert_eq!(last_event(), Event::RoleRevoked { who: ALICE, role: Role::Registrar });
		assert_eq!(ensure(ALICE, Role::Registrar, 1, "CN"), Err(Error::<Test>::NoPermission.into()));
	});
}

#[test]
fn revoke_role_errors() {
	new_test_ext().execute_with(|| {
		assert_noop!(Supervisors::revoke_role(root(), ALICE, Role::Registrar), Error::<Test>::NoSuchGrant);
		assert_noop!(
			Supervisors::revoke_role(signed(NATIONAL_REGISTRAR), NATIONAL_REGISTRAR, Role::Registrar),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn a_request_approved_becomes_a_grant() {
	new_test_ext().execute_with(|| {
		assert_ok!(Supervisors::request_role(signed(ALICE), Role::Registrar, regions(&["CN-GD"])));
		assert_eq!(
			last_event(),
			Event::RoleRequested { who: ALICE, role: Role::Registrar, scope: regions(&["CN-GD"]) }
		);
		assert_eq!(ensure(ALICE, Role::Registrar, 1, "CN-GD"), Err(Error::<Test>::NoPermission.into()));
		assert_ok!(Supervisors::approve_role_request(root(), ALICE, Some(100)));
		assert!(matches!(last_event(), Event::RoleGranted { who: ALICE, role: Role::Registrar, .. }));
		assert_ok!(ensure(ALICE, Role::Registrar, 1, "CN-GD"));
		assert!(Requests::<Test>::get(ALICE).is_none());
		assert_eq!(Grants::<Test>::get(ALICE, Role::Registrar).unwrap().expires_at, Some(100));
		Supervisors::do_try_state().unwrap();
	});
}

#[test]
fn request_role_errors() {
	new_test_ext().execute_with(|| {
		assert_noop!(Supervisors::request_role(signed(ALICE), Role::Registrar, regions(&[])), Error::<Test>::InvalidScope);
		assert_ok!(Supervisors::request_role(signed(ALICE), Role::Registrar, Scope::National));
		assert_noop!(
			Supervisors::request_role(signed(ALICE), Role::Supervisor, Scope::National),
			Error::<Test>::RequestPending
		);
		assert_ok!(Supervisors::request_role(signed(BOB), Role::Registrar, Scope::National));
		assert_ok!(Supervisors::request_role(signed(3), Role::Registrar, Scope::National));
		assert_noop!(
			Supervisors::request_role(signed(4), Role::Registrar, Scope::National),
			Error::<Test>::TooManyRequests
		);
		assert_noop!(Supervisors::request_role(RuntimeOrigin::none(), Role::Registrar, Scope::National), DispatchError::BadOrigin);
	});
}

#[test]
fn approve_and_reject_errors() {
	new_test_ext().execute_with(|| {
		assert_noop!(Supervisors::approve_role_request(root(), ALICE, None), Error::<Test>::NoSuchRequest);
		assert_noop!(Supervisors::reject_role_request(root(), ALICE), Error::<Test>::NoSuchRequest);
		assert_ok!(Supervisors::request_role(signed(ALICE), Role::Supervisor, Scope::National));
		assert_noop!(Supervisors::approve_role_request(signed(ALICE), ALICE, None), DispatchError::BadOrigin);
		assert_noop!(Supervisors::reject_role_request(signed(ALICE), ALICE), DispatchError::BadOrigin);
		System::set_block_number(8);
		assert_noop!(Supervisors::approve_role_request(root(), ALICE, Some(8)), Error::<Test>::ExpiryInPast);
	});
}

#[test]
fn reject_and_withdraw_remove_the_request() {
	new_test_ext().execute_with(|| {
		assert_ok!(Supervisors::request_role(signed(ALICE), Role::Supervisor, Scope::National));
		assert_ok!(Supervisors::reject_role_request(root(), ALICE));
		assert_eq!(last_event(), Event::RoleRequestRejected { who: ALICE, role: Role::Supervisor });
		assert_eq!(ensure(ALICE, Role::Supervisor, 1, "CN"), Err(Error::<Test>::NoPermission.into()));

		assert_ok!(Supervisors::request_role(signed(ALICE), Role::Supervisor, Scope::National));
		assert_ok!(Supervisors::withdraw_role_request(signed(ALICE)));
		assert_eq!(last_event(), Event::RoleRequestWithdrawn { who: ALICE, role: Role::Supervisor });
		assert_noop!(Supervisors::withdraw_role_request(signed(ALICE)), Error::<Test>::NoSuchRequest);
		assert_eq!(Requests::<Test>::count(), 0);
	});
}

#[test]
fn granting_the_requested_role_directly_settles_the_request() {
	new_test_ext().execute_with(|| {
		assert_ok!(Supervisors::request_role(signed(ALICE), Role::Supervisor, Scope::National));
		assert_ok!(Supervisors::grant_role(root(), ALICE, Role::Supervisor, regions(&["CN"]), None));
		assert!(Requests::<Test>::get(ALICE).is_none());
		Supervisors::do_try_state().unwrap();
	});
}
