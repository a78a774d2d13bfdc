//! Benchmarks of the supervisors pallet's calls, each at its most expensive: the widest
//! scope (every region and cinema slot filled).

use super::*;
use crate::Pallet as Supervisors;
use alloc::vec::Vec;
use cinechain_primitives::{RegionCode, MAX_REGION_CODE_LEN, MAX_SCOPE_ITEMS};
use frame_benchmarking::v2::*;
use frame_system::RawOrigin;

/// The largest scope there is: every slot filled with the longest region codes.
fn widest_scope() -> Scope {
	let regions: Vec<RegionCode> = (0..MAX_SCOPE_ITEMS)
		.map(|i| {
			let mut code = alloc::vec![b'R'; MAX_REGION_CODE_LEN as usize];
			code[0] = b'A' + i as u8;
			code.try_into().expect("exactly the bound")
		})
		.collect();
	Scope::Limited {
		regions: regions.try_into().expect("exactly the bound"),
		cinemas: (0..MAX_SCOPE_ITEMS).collect::<Vec<_>>().try_into().expect("exactly the bound"),
	}
}

fn admin<T: Config>() -> T::RuntimeOrigin {
	T::AdminOrigin::try_successful_origin().expect("the admin origin can be made for benchmarks")
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn grant_role() {
		let who: T::AccountId = account("who", 0, 0);
		Requests::<T>::insert(&who, RoleRequest { role: Role::Supervisor, scope: Scope::National, requested_at: 0u32.into() });
		#[extrinsic_call]
		_(admin::<T>() as T::RuntimeOrigin, who.clone(), Role::Supervisor, widest_scope(), None);
		assert!(Grants::<T>::contains_key(&who, Role::Supervisor));
	}

	#[benchmark]
	fn revoke_role() {
		let who: T::AccountId = account("who", 0, 0);
		Supervisors::<T>::do_grant(who.clone(), Role::Supervisor, widest_scope(), None);
		#[extrinsic_call]
		_(admin::<T>() as T::RuntimeOrigin, who.clone(), Role::Supervisor);
		assert!(!Grants::<T>::contains_key(&who, Role::Supervisor));
	}

	#[benchmark]
	fn request_role() {
		let who: T::AccountId = whitelisted_caller();
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), Role::Registrar, widest_scope());
		assert!(Requests::<T>::contains_key(&who));
	}

	#[benchmark]
	fn approve_role_request() {
		let who: T::AccountId = account("who", 0, 0);
		Requests::<T>::insert(&who, RoleRequest { role: Role::Registrar, scope: widest_scope(), requested_at: 0u32.into() });
		#[extrinsic_call]
		_(admin::<T>() as T::RuntimeOrigin, who.clone(), None);
		assert!(Grants::<T>::contains_key(&who, Role::Registrar));
	}

	#[benchmark]
	fn reject_role_request() {
		let who: T::AccountId = account("who", 0, 0);
		Requests::<T>::insert(&who, RoleRequest { role: Role::Registrar, scope: widest_scope(), requested_at: 0u32.into() });
		#[extrinsic_call]
		_(admin::<T>() as T::RuntimeOrigin, who.clone());
		assert!(!Requests::<T>::contains_key(&who));
	}

	#[benchmark]
	fn withdraw_role_request() {
		let who: T::AccountId = whitelisted_caller();
		Requests::<T>::insert(&who, RoleRequest { role: Role::Registrar, scope: widest_scope(), requested_at: 0u32.into() });
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));
		assert!(!Requests::<T>::contains_key(&who));
	}

	impl_benchmark_test_suite!(Supervisors, crate::mock::new_test_ext(), crate::mock::Test);
}
