//! A screening record as a projector signs it, and what the chain keeps per device.

use cinechain_primitives::CinemaId;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{traits::ConstU32, BoundedVec};
use scale_info::TypeInfo;

/// The most bytes of a film title.
pub const MAX_TITLE_LEN: u32 = 128;
/// The most bytes of a national film code.
pub const MAX_FILM_CODE_LEN: u32 = 32;
/// The most bytes of a projectionist id.
pub const MAX_PROJECTIONIST_ID_LEN: u32 = 32;

/// A 32-byte BLAKE2-256 hash.
pub type Hash32 = [u8; 32];

/// The film that was shown.
#[derive(Clone, Encode, Decode, DecodeWithMemTracking, Eq, PartialEq, Debug, TypeInfo, MaxEncodedLen)]
pub struct Film {
	/// The composition playlist's id (a UUID), as the media block reports it.
	pub cpl_id: Option<[u8; 16]>,
	/// The national film code (e.g. China's 12-digit code).
	pub film_code: Option<BoundedVec<u8, ConstU32<MAX_FILM_CODE_LEN>>>,
	/// The title, UTF-8, for people reading the record.
	pub title: BoundedVec<u8, ConstU32<MAX_TITLE_LEN>>,
}

/// Where the screening took place.
#[derive(Clone, Copy, Encode, Decode, DecodeWithMemTracking, Eq, PartialEq, Debug, TypeInfo, MaxEncodedLen)]
pub struct Venue {
	/// The cinema's national code; must be the device's own cinema.
	pub cinema: CinemaId,
	/// The hall (screen) number inside the cinema.
	pub hall: u16,
}

pub use cinechain_primitives::Location;

/// How the screening ended.
#[derive(Clone, Copy, Encode, Decode, DecodeWithMemTracking, Eq, PartialEq, Debug, TypeInfo, MaxEncodedLen)]
pub enum Outcome {
	/// Played to the end.
	Completed,
	/// Stopped early, with the device's reason code (SMPTE ST 430-5 exception classes, or the
	/// maker's own).
	Aborted {
		/// Why it stopped.
		reason: u16,
	},
}

/// One screening, as the projector measured and signed it. Times are the device's clock, in
/// milliseconds since the Unix epoch: a record made offline keeps its true time.
#[derive(Clone, Encode, Decode, DecodeWithMemTracking, Eq, PartialEq, Debug, TypeInfo, MaxEncodedLen)]
pub struct ScreeningRecord {
	/// The device's sequence number of this record: 1 for its first, then exactly one more
	/// than the last one on chain.
	pub seq: u64,
	/// BLAKE2-256 of the SCALE encoding of the device's previous record (zeros for the first).
	pub prev_hash: Hash32,
	/// What was shown.
	pub film: Film,
	/// The projectionist: an opaque id (or a hash of one), never a name.
	pub projectionist: BoundedVec<u8, ConstU32<MAX_PROJECTIONIST_ID_LEN>>,
	/// When playback started (device clock, ms since the epoch).
	pub started_at: u64,
	/// When playback ended (device clock, ms since the epoch).
	pub ended_at: u64,
	/// Cinema and hall.
	pub venue: Venue,
	/// Where the device was, if it has a position fix.
	pub location: Option<Location>,
	/// How it ended.
	pub outcome: Outcome,
	/// BLAKE2-256 of the device's full signed log report, kept off chain.
	pub report_hash: Option<Hash32>,
}

impl ScreeningRecord {
	/// The hash the next record must carry as `prev_hash`: BLAKE2-256 of this record's SCALE
	/// encoding.
	pub fn hash(&self) -> Hash32 {
		sp_io::hashing::blake2_256(&self.encode())
	}
}

/// What the chain keeps per device: just what the checks need. The records themselves live in
/// the extrinsics and the `ScreeningRecorded` events.
#[derive(Clone, Default, Encode, Decode, DecodeWithMemTracking, Eq, PartialEq, Debug, TypeInfo, MaxEncodedLen)]
pub struct DeviceHead {
	/// The sequence number of the device's last record (0: none yet).
	pub last_seq: u64,
	/// The hash of the device's last record (zeros: none yet).
	pub last_hash: Hash32,
	/// The quota period that `used` counts in.
	pub period: u32,
	/// Records counted against the quota in `period`.
	pub used: u32,
	/// Screenings of this device flagged and not yet resolved.
	pub open_flags: u32,
}

/// A supervisor's flag on one screening.
#[derive(Clone, Encode, Decode, DecodeWithMemTracking, Eq, PartialEq, Debug, TypeInfo, MaxEncodedLen)]
pub struct Flag<AccountId, BlockNumber> {
	/// The supervisor's reason code.
	pub reason: u16,
	/// Who flagged it.
	pub by: AccountId,
	/// When.
	pub at: BlockNumber,
}
