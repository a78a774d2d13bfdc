//! The cinechain runtime as a client sees it: calls, storage and types generated at compile time
//! from the checked-in metadata (`artifacts/cinechain-metadata.scale`), so the agent needs no
//! Substrate runtime crate and still refuses to build against a runtime whose types changed.

use codec::Encode;
use subxt::config::PolkadotConfig;

/// Calls, events, storage and types of the cinechain runtime. Screening records also get SCALE
/// `Encode`/`Decode` (the outbox stores them encoded, and a record's hash is the BLAKE2-256 of
/// its encoding) and `Clone`.
#[subxt::subxt(
	runtime_metadata_path = "../artifacts/cinechain-metadata.scale",
	derive_for_type(
		path = "pallet_screenings::types::ScreeningRecord",
		derive = "codec::Encode, codec::Decode, Clone, PartialEq",
		recursive
	)
)]
pub mod cinechain {}

pub use cinechain::runtime_types::{
	bounded_collections::bounded_vec::BoundedVec,
	cinechain_primitives::Location,
	pallet_screenings::types::{Film, Outcome, ScreeningRecord, Venue},
};

/// cinechain's block and extrinsic format matches Polkadot's: `MultiAddress<AccountId32, ()>`,
/// `MultiSignature`, `u32` block numbers, BLAKE2-256 hashes.
pub type Config = PolkadotConfig;

/// A subxt client, over the embedded light client or over JSON-RPC.
pub type Client = subxt::OnlineClient<Config>;

/// The hash the chain keeps of a record, and the next record's `prev_hash` (the pallet's
/// `ScreeningRecord::hash`; the proof verifier's [`cinechain_proof::heads::record_hash`]).
pub fn record_hash(record: &ScreeningRecord) -> [u8; 32] {
	cinechain_proof::heads::record_hash(&record.encode())
}

/// A bounded byte string as the generated types spell it.
pub fn bounded(bytes: &[u8]) -> BoundedVec<u8> {
	BoundedVec(bytes.to_vec())
}

/// Limits the runtime applies to a record's content (`pallet_screenings` config in the runtime).
/// The agent checks events against them when it accepts them, offline, so that a record the
/// chain would refuse never enters the outbox and blocks the ones after it.
pub mod limits {
	/// Longest screening the chain accepts (`Screenings.MaxDuration`): 8 hours.
	pub const MAX_DURATION_MS: u64 = 8 * 60 * 60 * 1_000;
	/// How far a record's end may lie ahead of the chain's clock (`Screenings.MaxClockSkew`).
	pub const MAX_CLOCK_SKEW_MS: u64 = 10 * 60 * 1_000;
	/// Records per `record_screenings` batch (`Screenings.MaxBatchLen`).
	pub const MAX_BATCH: usize = 100;
	/// Bytes of a film title, film code and projectionist id (`pallet_screenings::types`).
	pub const MAX_TITLE_LEN: usize = 128;
	pub const MAX_FILM_CODE_LEN: usize = 32;
	pub const MAX_PROJECTIONIST_ID_LEN: usize = 32;
	/// Bytes of the device-info texts (`pallet_devices`).
	pub const MAX_TEXT_LEN: usize = 64;
}

#[cfg(test)]
mod tests {
	use codec::Decode;

	/// The limits the agent checks offline are the runtime's (as the checked-in metadata, which
	/// a runtime test keeps current, states them).
	#[test]
	fn the_mirrored_limits_are_the_runtimes() {
		// Compiled in (as the generated interface is), not read at a path fixed at compile time:
		// a build cache shared by several checkouts may have built this test in another one.
		let bytes = include_bytes!("../../artifacts/cinechain-metadata.scale");
		let metadata = subxt::Metadata::decode_from(&bytes[..]).expect("the artifact decodes");
		let screenings = metadata.pallet_by_name("Screenings").expect("the screenings pallet");
		let constant = |name: &str| screenings.constant_by_name(name).unwrap_or_else(|| panic!("{name}")).value().to_vec();
		assert_eq!(u64::decode(&mut &constant("MaxDuration")[..]).unwrap(), super::limits::MAX_DURATION_MS);
		assert_eq!(u64::decode(&mut &constant("MaxClockSkew")[..]).unwrap(), super::limits::MAX_CLOCK_SKEW_MS);
		assert_eq!(u32::decode(&mut &constant("MaxBatchLen")[..]).unwrap() as usize, super::limits::MAX_BATCH);
	}
}
