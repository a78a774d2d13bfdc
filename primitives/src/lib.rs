//! Types and traits shared by cinechain's pallets, runtime, node and light client.
//!
//! - [`Place`], [`Scope`]: where a device stands and where a permission reaches.
//! - [`Role`], [`Permissions`]: who may act where; implemented by the supervisors pallet and
//!   called by the devices and screenings pallets, so that roles are enforced, not just stored.
//! - [`DeviceId`], [`Devices`]: what the screenings pallet needs to know about a device.
//! - `BenchmarkKeys` (with `runtime-benchmarks`): real key pairs and signatures for the
//!   benchmarks of pallets that check signatures (device keys, archive keys).

#![cfg_attr(not(feature = "std"), no_std)]
#![forbid(unsafe_code)]

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{traits::ConstU32, BoundedVec};
use scale_info::TypeInfo;
use serde::{Deserialize, Serialize};
use sp_runtime::DispatchError;

/// The most bytes a region code may have (an ISO 3166-2 code such as `CN-BJ`, or a national
/// administrative-division code such as `110105`).
pub const MAX_REGION_CODE_LEN: u32 = 12;

/// A region code: ASCII, 1 to [`MAX_REGION_CODE_LEN`] bytes. Regions nest by prefix: a scope
/// over `CN-BJ` covers `CN-BJ-01`.
pub type RegionCode = BoundedVec<u8, ConstU32<MAX_REGION_CODE_LEN>>;

/// A cinema's national code (eight digits in China's ticketing system fit a `u32`).
pub type CinemaId = u32;

/// A stable device number. It outlives key rotations: the device's history hangs on it.
pub type DeviceId = u64;

/// Where something happens: the cinema and the region it lies in.
#[derive(
	Clone,
	Encode,
	Decode,
	DecodeWithMemTracking,
	Eq,
	PartialEq,
	Debug,
	TypeInfo,
	MaxEncodedLen,
	Serialize,
	Deserialize,
)]
pub struct Place {
	/// The cinema.
	pub cinema: CinemaId,
	/// The region the cinema lies in.
	pub region: RegionCode,
}

/// A position in millionths of a degree (about 0.1 m), as a GPS module reports it: where a
/// projector was during a screening, where a cinema stands.
#[derive(
	Clone,
	Copy,
	Encode,
	Decode,
	DecodeWithMemTracking,
	Eq,
	PartialEq,
	Debug,
	TypeInfo,
	MaxEncodedLen,
	Serialize,
	Deserialize,
)]
pub struct Location {
	/// Latitude, -90_000_000 to 90_000_000.
	pub latitude: i32,
	/// Longitude, -180_000_000 to 180_000_000.
	pub longitude: i32,
}

impl Location {
	/// Whether the coordinates exist on Earth.
	pub fn is_valid(&self) -> bool {
		self.latitude.unsigned_abs() <= 90_000_000 && self.longitude.unsigned_abs() <= 180_000_000
	}
}

/// How many regions, and how many cinemas, one scope may list.
pub const MAX_SCOPE_ITEMS: u32 = 16;

/// Where a permission reaches.
#[derive(
	Clone,
	Encode,
	Decode,
	DecodeWithMemTracking,
	Eq,
	PartialEq,
	Debug,
	TypeInfo,
	MaxEncodedLen,
	Serialize,
	Deserialize,
)]
pub enum Scope {
	/// Everywhere (a national regulator).
	National,
	/// The listed regions (and the regions under them) and the listed cinemas.
	Limited {
		/// Region codes; each covers itself and every region code it is a prefix of.
		regions: BoundedVec<RegionCode, ConstU32<MAX_SCOPE_ITEMS>>,
		/// Cinemas, wherever they are.
		cinemas: BoundedVec<CinemaId, ConstU32<MAX_SCOPE_ITEMS>>,
	},
}

impl Scope {
	/// Whether this scope reaches `place`.
	pub fn covers(&self, place: &Place) -> bool {
		match self {
			Scope::National => true,
			Scope::Limited { regions, cinemas } =>
				cinemas.contains(&place.cinema) || regions.iter().any(|region| within(&place.region, region)),
		}
	}

	/// Whether this scope reaches everything `other` reaches: nationwide reaches all; a limited
	/// scope reaches another when each of the other's regions lies within one of its regions
	/// and each of the other's cinemas is one of its cinemas. (A cinema listed by number is not
	/// matched against a region here: the rule judges scopes alone, so it errs on the side of
	/// "does not reach".)
	pub fn contains(&self, other: &Scope) -> bool {
		match (self, other) {
			(Scope::National, _) => true,
			(Scope::Limited { .. }, Scope::National) => false,
			(Scope::Limited { regions, cinemas }, Scope::Limited { regions: their_regions, cinemas: their_cinemas }) =>
				their_regions.iter().all(|theirs| regions.iter().any(|ours| within(theirs, ours))) &&
					their_cinemas.iter().all(|cinema| cinemas.contains(cinema)),
		}
	}

	/// Whether the scope is well formed: a limited scope lists something, and every region
	/// code is non-empty printable ASCII.
	pub fn is_valid(&self) -> bool {
		match self {
			Scope::National => true,
			Scope::Limited { regions, cinemas } =>
				!(regions.is_empty() && cinemas.is_empty()) && regions.iter().all(|r| is_valid_region(r)),
		}
	}
}

/// Whether region code `region` lies within `of`: a region code covers itself and every code it
/// is a prefix of (`CN-BJ` covers `CN-BJ-05`).
fn within(region: &[u8], of: &[u8]) -> bool {
	region.starts_with(of)
}

/// Whether `region` is a usable region code: non-empty, printable ASCII, no spaces.
pub fn is_valid_region(region: &[u8]) -> bool {
	!region.is_empty() && region.iter().all(|b| b.is_ascii_graphic())
}

/// The roles a person can hold.
#[derive(
	Clone,
	Copy,
	Encode,
	Decode,
	DecodeWithMemTracking,
	Eq,
	PartialEq,
	Ord,
	PartialOrd,
	Debug,
	TypeInfo,
	MaxEncodedLen,
	Serialize,
	Deserialize,
)]
pub enum Role {
	/// Approves and provisions devices (a cinema chain, an operator, a regulator's office).
	Registrar,
	/// Audits screenings, flags them, suspends and resumes devices (a regulator).
	Supervisor,
}

/// Permission checks, enforced on every call: expiry and revocation take effect at once.
pub trait Permissions<AccountId> {
	/// `Ok` if `who` holds an unexpired `role` whose scope covers `place`; otherwise an error
	/// saying why not. On success, the scope `who` holds the role over (a suspension records
	/// it, so that only the same or a wider scope may lift it).
	fn ensure_permission(who: &AccountId, role: Role, place: &Place) -> Result<Scope, DispatchError>;

	/// Grants `role` over `scope` to `who` for benchmarks and tests.
	#[cfg(feature = "runtime-benchmarks")]
	fn grant_for_benchmarks(who: &AccountId, role: Role, scope: Scope);
}

/// The cinema registry, as other pallets see it: a device's place is its cinema's entry.
pub trait Cinemas {
	/// The place (the cinema and the region it lies in) of registered cinema `cinema`.
	fn place_of(cinema: CinemaId) -> Option<Place>;

	/// Registers `cinema` in `region`, for benchmarks and tests.
	#[cfg(feature = "runtime-benchmarks")]
	fn register_for_benchmarks(cinema: CinemaId, region: RegionCode);
}

/// Open supervisor flags on a device's screenings (the screenings pallet keeps them).
pub trait OpenFlags {
	/// How many of device `device`'s screenings are flagged and not resolved.
	fn open_flags(device: DeviceId) -> u32;
}

/// No flags anywhere: for runtimes and mocks without the screenings pallet.
impl OpenFlags for () {
	fn open_flags(_: DeviceId) -> u32 {
		0
	}
}

/// What other pallets need to know about devices.
pub trait Devices<AccountId> {
	/// The device whose current key is `who`, with its place, if it is active (approved, not
	/// suspended, not revoked).
	fn active_device(who: &AccountId) -> Option<(DeviceId, Place)>;

	/// The place of device `id`, whatever its status.
	fn place_of(id: DeviceId) -> Option<Place>;

	/// Registers `who` as an active device at `place` (its cinema registered if it is not), for
	/// benchmarks and tests.
	#[cfg(feature = "runtime-benchmarks")]
	fn register_active_for_benchmarks(who: &AccountId, place: Place) -> DeviceId;
}

/// Why the transaction pool refuses a transaction, as `InvalidTransaction::Custom(code)`:
/// cinechain's own pool checks (a client shows these as "Custom error: N").
pub mod refusal {
	/// The signer is not an active device (unknown key, still requested, suspended or revoked).
	pub const NOT_ACTIVE_DEVICE: u8 = 1;
	/// The device has used up its quota of records for the current period.
	pub const OVER_QUOTA: u8 = 2;
	/// A registration request that cannot be taken: the key is already known, the device
	/// information is malformed, the cinema already has as many requests waiting as it may, or
	/// this block already takes as many requests as one block may.
	pub const REGISTRATION_REFUSED: u8 = 3;
	/// A key rotation that cannot be taken: the new key is already known, its proof does not
	/// verify, or the device rotated too recently.
	pub const KEY_ROTATION_REFUSED: u8 = 4;
	/// The record (the first of a batch) is already on chain: a resubmission, which needs
	/// nothing more.
	pub const ALREADY_RECORDED: u8 = 5;
	/// A `record_screenings` batch with no record in it.
	pub const EMPTY_BATCH: u8 = 6;
	/// A record's `prev_hash` is not the hash of the record before it (on chain, or earlier in
	/// the batch), or a batch skips a sequence number.
	pub const BROKEN_HASH_CHAIN: u8 = 7;
	/// A record ends before it starts, or lasts longer than any screening may.
	pub const BAD_TIMES: u8 = 8;
	/// A record ends too far ahead of the chain's clock. Not permanent: the same record is
	/// taken once the chain's clock has caught up.
	pub const RECORD_IN_FUTURE: u8 = 9;
	/// A record's venue is not the device's cinema.
	pub const WRONG_VENUE: u8 = 10;
	/// A record names no film, or its location is not on Earth.
	pub const BAD_RECORD: u8 = 11;
	/// An archive node's heartbeat when the node has already sent one in this interval.
	pub const HEARTBEAT_TOO_SOON: u8 = 12;
	/// An archive node's report of a member that failed a proof of possession, when it cannot be
	/// taken: the reported node is unknown, the two are not members of one cluster, the block
	/// is not a past one, or the reporter has already reported in this heartbeat interval.
	pub const REPORT_REFUSED: u8 = 13;
}

/// Transaction-pool priorities of feeless transactions. Paid transactions get theirs from their
/// tip (0 without one), so a record from a projector is never left waiting behind a flood of
/// anything else; each of these kinds is bounded per signer by its own pool check.
pub mod priority {
	use sp_runtime::transaction_validity::TransactionPriority;

	/// Screening records (a device's quota bounds them).
	pub const RECORD: TransactionPriority = 1 << 20;
	/// Archive heartbeats (one per node per interval): a late heartbeat marks a live member
	/// offline and moves its blocks.
	pub const HEARTBEAT: TransactionPriority = 1 << 20;
}

#[cfg(test)]
mod tests {
	use super::*;

	fn region(code: &str) -> RegionCode {
		RegionCode::try_from(code.as_bytes().to_vec()).expect("test codes are short")
	}

	fn limited(regions: &[&str], cinemas: &[CinemaId]) -> Scope {
		Scope::Limited {
			regions: regions.iter().map(|r| region(r)).collect::<Vec<_>>().try_into().expect("few"),
			cinemas: cinemas.to_vec().try_into().expect("few"),
		}
	}

	fn place(cinema: CinemaId, code: &str) -> Place {
		Place { cinema, region: region(code) }
	}

	#[test]
	fn national_scope_covers_everything() {
		assert!(Scope::National.covers(&place(1, "CN-BJ")));
		assert!(Scope::National.covers(&place(99, "FR-75")));
	}

	#[test]
	fn a_region_covers_itself_and_the_regions_under_it_only() {
		let scope = limited(&["CN-BJ"], &[]);
		assert!(scope.covers(&place(1, "CN-BJ")));
		assert!(scope.covers(&place(1, "CN-BJ-05")));
		assert!(!scope.covers(&place(1, "CN-SH")));
		assert!(!scope.covers(&place(1, "CN")), "a sub-region does not cover its parent");
	}

	#[test]
	fn a_listed_cinema_is_covered_wherever_it_is() {
		let scope = limited(&["CN-BJ"], &[4401]);
		assert!(scope.covers(&place(4401, "CN-GD")));
		assert!(!scope.covers(&place(4402, "CN-GD")));
	}

	#[test]
	fn a_scope_contains_the_scopes_it_reaches_all_of() {
		let beijing = limited(&["CN-BJ"], &[]);
		assert!(Scope::National.contains(&beijing));
		assert!(Scope::National.contains(&Scope::National));
		assert!(!beijing.contains(&Scope::National));
		assert!(beijing.contains(&limited(&["CN-BJ-05"], &[])), "a region contains its sub-regions");
		assert!(!limited(&["CN-BJ-05"], &[]).contains(&beijing), "but not the other way round");
		assert!(!beijing.contains(&limited(&["CN-BJ"], &[4401])), "a cinema it does not list");
		assert!(limited(&["CN-BJ"], &[4401]).contains(&limited(&[], &[4401])));
		assert!(!limited(&[], &[4401]).contains(&limited(&["CN-BJ"], &[])));
	}

	#[test]
	fn validity_rules() {
		assert!(Scope::National.is_valid());
		assert!(limited(&["CN-BJ"], &[]).is_valid());
		assert!(limited(&[], &[7]).is_valid());
		assert!(!limited(&[], &[]).is_valid(), "a limited scope must list something");
		assert!(!limited(&[""], &[]).is_valid(), "empty region code");
		assert!(!limited(&["CN BJ"], &[]).is_valid(), "spaces are not allowed");
		assert!(!is_valid_region(b"CN-\xe4"), "non-ASCII is not allowed");
	}
}

/// Key pairs and signatures for benchmarks that need real signatures the runtime's signature
/// type verifies (a device's key, an archive node's key).
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkKeys<AccountId, Signature> {
	/// A fresh key pair; its public key as an account.
	fn new_key() -> AccountId;
	/// The signature of `key` (made by [`Self::new_key`]) over `payload`.
	fn sign(key: &AccountId, payload: &[u8]) -> Signature;
}
