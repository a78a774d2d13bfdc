//! Benchmarks of the cinemas pallet's calls, each by a registrar (the permission check is part
//! of the cost) with the longest name and region code.

use super::*;
use cinechain_primitives::{Scope, MAX_REGION_CODE_LEN};
use frame_benchmarking::v2::*;
use frame_system::RawOrigin;

fn longest_region() -> RegionCode {
	RegionCode::truncate_from(alloc::vec![b'R'; MAX_REGION_CODE_LEN as usize])
}

fn longest_name() -> Name {
	Name::truncate_from(alloc::vec![b'n'; MAX_NAME_LEN as usize])
}

fn registrar<T: Config>() -> T::AccountId {
	let who: T::AccountId = whitelisted_caller();
	T::Permissions::grant_for_benchmarks(&who, Role::Registrar, Scope::National);
	who
}

fn here() -> Option<Location> {
	Some(Location { latitude: 39_904_200, longitude: 116_407_400 })
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn register_cinema() {
		let who = registrar::<T>();
		#[extrinsic_call]
		_(RawOrigin::Signed(who), 7, longest_region(), longest_name(), here());
		assert!(Cinemas::<T>::contains_key(7));
	}

	#[benchmark]
	fn update_cinema() {
		let who = registrar::<T>();
		Cinemas::<T>::insert(7, Cinema { region: longest_region(), name: longest_name(), location: None });
		#[extrinsic_call]
		_(RawOrigin::Signed(who), 7, longest_name(), here());
		assert_eq!(Cinemas::<T>::get(7).and_then(|c| c.location), here());
	}

	#[benchmark]
	fn move_cinema() -> Result<(), BenchmarkError> {
		let origin = T::AdminOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		Cinemas::<T>::insert(7, Cinema { region: longest_region(), name: longest_name(), location: None });
		let to = RegionCode::truncate_from(alloc::vec![b'S'; MAX_REGION_CODE_LEN as usize]);
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, 7, to.clone());
		assert_eq!(Cinemas::<T>::get(7).map(|c| c.region), Some(to));
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
