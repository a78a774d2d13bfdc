//! Storage migrations the runtime runs on its next upgrade.
//!
//! - [`DevicesV2`]: devices storage version 1 -> 2. A device's information named its place
//!   (cinema and region) as the registrant wrote it; now it names only its cinema, whose place
//!   is the cinema registry's. Every cinema a device named is registered (with the region the
//!   device gave and the name "Cinema <code>") if the registry does not hold it yet, so no
//!   device loses its place. A suspension recorded before the upgrade did not keep the
//!   suspending supervisor's scope: it becomes nationwide, so that only a nationwide supervisor
//!   may resume such a device (the safe reading of a record that says less).

use alloc::format;
use codec::{Decode, Encode};
use frame_support::{migrations::VersionedMigration, traits::UncheckedOnRuntimeUpgrade, weights::Weight};
use pallet_devices::{Device, DeviceInfo, DeviceStatus, Text};

use crate::{AccountId, BlockNumber, Runtime};
use cinechain_primitives::{Place, Scope};

/// Device information as storage version 1 kept it.
#[derive(Encode, Decode)]
pub struct OldDeviceInfo {
	pub manufacturer: Text,
	pub model: Text,
	pub serial_number: Text,
	pub production_date: u32,
	pub firmware_version: Text,
	pub place: Place,
}

/// A device's status as storage version 1 kept it.
#[derive(Encode, Decode)]
pub enum OldDeviceStatus {
	Requested,
	Active,
	Suspended { reason: u16 },
	Revoked { reason: u16 },
}

/// A device as storage version 1 kept it.
#[derive(Encode, Decode)]
pub struct OldDevice {
	pub key: AccountId,
	pub info: OldDeviceInfo,
	pub status: OldDeviceStatus,
	pub status_since: BlockNumber,
	pub key_since: BlockNumber,
}

/// The translation of every device; see the module documentation.
pub struct TranslateDevices;

impl UncheckedOnRuntimeUpgrade for TranslateDevices {
	fn on_runtime_upgrade() -> Weight {
		let mut devices = 0u64;
		let mut cinemas = 0u64;
		pallet_devices::Devices::<Runtime>::translate::<OldDevice, _>(|_, old| {
			devices += 1;
			let place = old.info.place;
			if !pallet_cinemas::Cinemas::<Runtime>::contains_key(place.cinema) {
				cinemas += 1;
				let name = pallet_cinemas::Name::truncate_from(format!("Cinema {}", place.cinema).into_bytes());
				pallet_cinemas::Cinemas::<Runtime>::insert(
					place.cinema,
					pallet_cinemas::Cinema { region: place.region, name, location: None },
				);
			}
			let status = match old.status {
				OldDeviceStatus::Requested => DeviceStatus::Requested,
				OldDeviceStatus::Active => DeviceStatus::Active,
				OldDeviceStatus::Suspended { reason } => DeviceStatus::Suspended { reason, scope: Scope::National },
				OldDeviceStatus::Revoked { reason } => DeviceStatus::Revoked { reason },
			};
			let info = DeviceInfo {
				manufacturer: old.info.manufacturer,
				model: old.info.model,
				serial_number: old.info.serial_number,
				production_date: old.info.production_date,
				firmware_version: old.info.firmware_version,
				cinema: place.cinema,
			};
			Some(Device { key: old.key, info, status, status_since: old.status_since, key_since: old.key_since })
		});
		log::info!(target: "runtime::migrations", "devices v2: {devices} devices translated, {cinemas} cinemas registered");
		<Runtime as frame_system::Config>::DbWeight::get().reads_writes(2 * devices, devices + cinemas)
	}
}

/// Devices storage version 1 -> 2, run once (the pallet's storage version guards it).
pub type DevicesV2 = VersionedMigration<
	1,
	2,
	TranslateDevices,
	pallet_devices::Pallet<Runtime>,
	<Runtime as frame_system::Config>::DbWeight,
>;

#[cfg(test)]
mod tests {
	use super::*;
	use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};

	fn text(s: &str) -> Text {
		Text::truncate_from(s.as_bytes().to_vec())
	}

	fn old_device(key: u8, cinema: u32, region: &str, status: OldDeviceStatus) -> OldDevice {
		OldDevice {
			key: AccountId::new([key; 32]),
			info: OldDeviceInfo {
				manufacturer: text("Barco"),
				model: text("SP4K"),
				serial_number: text("S"),
				production_date: 2025_06_30,
				firmware_version: text("1"),
				place: Place { cinema, region: cinechain_primitives::RegionCode::truncate_from(region.as_bytes().to_vec()) },
			},
			status,
			status_since: 3,
			key_since: 2,
		}
	}

	#[test]
	fn version_1_devices_keep_their_place_through_the_registry() {
		sp_io::TestExternalities::default().execute_with(|| {
			let known = pallet_cinemas::Cinema {
				region: cinechain_primitives::RegionCode::truncate_from(b"CN-BJ".to_vec()),
				name: pallet_cinemas::Name::truncate_from(b"Known".to_vec()),
				location: None,
			};
			pallet_cinemas::Cinemas::<Runtime>::insert(1, known.clone());
			let devices = [
				old_device(1, 1, "CN-BJ", OldDeviceStatus::Active),
				old_device(2, 7, "CN-SH", OldDeviceStatus::Suspended { reason: 4 }),
			];
			for (id, device) in devices.iter().enumerate() {
				frame_support::storage::unhashed::put_raw(&pallet_devices::Devices::<Runtime>::hashed_key_for(id as u64), &device.encode());
			}
			StorageVersion::new(1).put::<pallet_devices::Pallet<Runtime>>();

			DevicesV2::on_runtime_upgrade();

			assert_eq!(pallet_devices::Pallet::<Runtime>::on_chain_storage_version(), 2);
			let first = pallet_devices::Devices::<Runtime>::get(0).expect("translated");
			assert_eq!((first.info.cinema, first.status, first.key_since), (1, DeviceStatus::Active, 2));
			assert_eq!(pallet_cinemas::Cinemas::<Runtime>::get(1), Some(known), "a registered cinema is left as it is");
			let second = pallet_devices::Devices::<Runtime>::get(1).expect("translated");
			assert_eq!(second.status, DeviceStatus::Suspended { reason: 4, scope: Scope::National });
			let seeded = pallet_cinemas::Cinemas::<Runtime>::get(7).expect("the device's cinema was registered");
			assert_eq!((seeded.region.to_vec(), seeded.name.to_vec()), (b"CN-SH".to_vec(), b"Cinema 7".to_vec()));
			// A second run changes nothing: the storage version guards it.
			let before = pallet_devices::Devices::<Runtime>::get(1);
			DevicesV2::on_runtime_upgrade();
			assert_eq!(pallet_devices::Devices::<Runtime>::get(1), before);
		});
	}
}
