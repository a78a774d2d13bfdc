//! Storage migrations of the cinema registry.
//!
//! The runtime lists the ones it runs in its `Migrations`; each is guarded by the pallet's
//! storage version, so it runs once, on the runtime upgrade that brings it.

/// Version 0 -> 1: the registry's keys re-hashed from `Twox64Concat` to
/// [`RegistryHasher`](crate::RegistryHasher).
///
/// Every entry is read with the old hashing, removed, and written again under the new: the
/// codes and entries stay the same, only the storage keys change. An entry that does not
/// decode is left where it is and logged (a migration that drops what it cannot read would
/// lose a registry entry for good); the pallet's invariants check (`try_state`) then fails on
/// it, so an operator sees it.
///
/// Cost: one read and two writes per cinema, in one block. A national registry (some 15,000
/// cinemas) fits in the block's weight; a registry ten times larger would need a multi-block
/// migration.
pub mod v1 {
	use crate::{Cinema, CinemaId, Cinemas, Config, Pallet, LOG_TARGET};
	use alloc::vec::Vec;
	use codec::DecodeAll;
	#[cfg(feature = "try-runtime")]
	use codec::Encode;
	use core::marker::PhantomData;
	use frame_support::{
		migrations::VersionedMigration,
		storage::{unhashed, KeyPrefixIterator, StoragePrefixedMap},
		traits::{Get, UncheckedOnRuntimeUpgrade},
		weights::Weight,
		ReversibleStorageHasher, Twox64Concat,
	};

	/// Moves the registry from keys hashed with `Old` to keys hashed with
	/// [`RegistryHasher`](crate::RegistryHasher).
	/// The runtime runs it through [`MigrateToV1`]; tests may name another `Old`.
	pub struct RehashRegistry<T, Old = Twox64Concat>(PhantomData<(T, Old)>);

	/// An entry found under the registry's prefix: its whole storage key, its code and entry
	/// (`None` when the key or the value does not decode with `Old`'s hashing).
	type Found = (Vec<u8>, Option<(CinemaId, Cinema)>);

	/// Every key under the registry's prefix, read as hashed by `Old`.
	fn read_all<T: Config, Old: ReversibleStorageHasher>() -> Vec<Found> {
		let prefix = Cinemas::<T>::final_prefix();
		KeyPrefixIterator::new(prefix.to_vec(), prefix.to_vec(), |suffix| Ok(suffix.to_vec()))
			.map(|suffix| {
				let key = [&prefix[..], &suffix].concat();
				// Whole keys and values only: a key of another layout must not pass for a code.
				let code = CinemaId::decode_all(&mut Old::reverse(&suffix)).ok();
				let cinema = unhashed::get_raw(&key).and_then(|raw| Cinema::decode_all(&mut &raw[..]).ok());
				let entry = code.zip(cinema);
				(key, entry)
			})
			.collect()
	}

	/// The registry as version 0 holds it, sorted by code: what [`check`] compares with after
	/// the migration (`pre_upgrade` under try-runtime; tests call it directly).
	pub fn snapshot<T: Config, Old: ReversibleStorageHasher>() -> Vec<(CinemaId, Cinema)> {
		let mut entries: Vec<_> = read_all::<T, Old>().into_iter().filter_map(|(_, entry)| entry).collect();
		entries.sort_by_key(|(code, _)| *code);
		entries
	}

	/// Checks the migrated registry against `before`: every entry readable under its code as
	/// it was, and nothing more (`post_upgrade` under try-runtime; tests call it directly).
	pub fn check<T: Config>(before: &[(CinemaId, Cinema)]) -> Result<(), &'static str> {
		for (code, cinema) in before {
			if Cinemas::<T>::get(code).as_ref() != Some(cinema) {
				return Err("a cinema is not readable under its code after the migration");
			}
		}
		if Cinemas::<T>::iter().count() != before.len() {
			return Err("the migrated registry holds a different number of cinemas");
		}
		Ok(())
	}

	impl<T: Config, Old: ReversibleStorageHasher> UncheckedOnRuntimeUpgrade for RehashRegistry<T, Old> {
		fn on_runtime_upgrade() -> Weight {
			let found = read_all::<T, Old>();
			let reads = found.len() as u64 + 1;
			let mut moved = Vec::with_capacity(found.len());
			for (key, entry) in found {
				match entry {
					Some(entry) => {
						// Removed first, all of them, then written: with the same hasher on
						// both sides the keys coincide, and the entry must survive.
						unhashed::kill(&key);
						moved.push(entry);
					},
					None => log::error!(target: LOG_TARGET, "v1: left an undecodable registry entry at 0x{}", hex(&key)),
				}
			}
			let writes = 2 * moved.len() as u64;
			for (code, cinema) in moved.iter() {
				Cinemas::<T>::insert(code, cinema);
			}
			log::info!(target: LOG_TARGET, "v1: {} cinemas re-keyed", moved.len());
			T::DbWeight::get().reads_writes(reads, writes)
		}

		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<Vec<u8>, sp_runtime::TryRuntimeError> {
			Ok(snapshot::<T, Old>().encode())
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(state: Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			let before = Vec::<(CinemaId, Cinema)>::decode_all(&mut &state[..])
				.map_err(|_| sp_runtime::TryRuntimeError::Other("v1: the pre-upgrade snapshot does not decode"))?;
			check::<T>(&before).map_err(sp_runtime::TryRuntimeError::Other)
		}
	}

	/// Storage version 0 -> 1, run once (the pallet's storage version guards it).
	pub type MigrateToV1<T> = VersionedMigration<
		0,
		1,
		RehashRegistry<T>,
		Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;

	fn hex(bytes: &[u8]) -> alloc::string::String {
		bytes.iter().map(|b| alloc::format!("{b:02x}")).collect()
	}
}
