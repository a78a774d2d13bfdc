//! What the registry stores about a device, and the payloads devices sign.

use cinechain_primitives::{CinemaId, Scope};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{traits::ConstU32, BoundedVec};
use scale_info::TypeInfo;

/// The most bytes of each text field of [`DeviceInfo`].
pub const MAX_TEXT_LEN: u32 = 64;

/// A short text: printable, at most [`MAX_TEXT_LEN`] bytes.
pub type Text = BoundedVec<u8, ConstU32<MAX_TEXT_LEN>>;

/// What a projector says about itself when it registers.
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
	serde::Serialize,
	serde::Deserialize,
)]
pub struct DeviceInfo {
	/// Who made it.
	pub manufacturer: Text,
	/// The maker's model name.
	pub model: Text,
	/// The maker's serial number.
	pub serial_number: Text,
	/// Production date as the number `YYYYMMDD` (e.g. `20250630`).
	pub production_date: u32,
	/// The firmware version it runs.
	pub firmware_version: Text,
	/// The national code of the cinema that owns it. Where that cinema lies (and so who
	/// supervises the device) is the cinema registry's entry, not the registrant's word.
	pub cinema: CinemaId,
}

impl DeviceInfo {
	/// Whether every field is usable: texts non-empty (firmware may be empty) and free of
	/// control characters, a real-looking date. (Whether the cinema is registered is the
	/// registry's to say.)
	pub fn is_valid(&self) -> bool {
		let text_ok = |t: &Text, may_be_empty: bool| {
			(may_be_empty || !t.is_empty()) && t.iter().all(|b| !b.is_ascii_control())
		};
		text_ok(&self.manufacturer, false) &&
			text_ok(&self.model, false) &&
			text_ok(&self.serial_number, false) &&
			text_ok(&self.firmware_version, true) &&
			is_plausible_date(self.production_date)
	}
}

/// Whether `yyyymmdd` looks like a date from 1990 to 2199.
pub fn is_plausible_date(yyyymmdd: u32) -> bool {
	let (year, month, day) = (yyyymmdd / 10_000, yyyymmdd / 100 % 100, yyyymmdd % 100);
	(1990..2200).contains(&year) && (1..=12).contains(&month) && (1..=31).contains(&day)
}

/// Where a device stands in its lifecycle: `Requested -> Active <-> Suspended`, and `Revoked`
/// (final) from any of them.
#[derive(
	Clone, Encode, Decode, DecodeWithMemTracking, Eq, PartialEq, Debug, TypeInfo, MaxEncodedLen,
)]
pub enum DeviceStatus {
	/// Asked to be registered; waits for a registrar.
	Requested,
	/// Registered: may record screenings.
	Active,
	/// Stopped by a supervisor, with a reason code; may be resumed by a supervisor whose scope
	/// contains the suspending supervisor's.
	Suspended {
		/// The supervisor's reason code.
		reason: u16,
		/// The suspending supervisor's scope when they suspended it.
		scope: Scope,
	},
	/// Retired for good, with a reason code. Its key cannot register again.
	Revoked {
		/// The reason code.
		reason: u16,
	},
}

/// One device in the registry.
#[derive(Clone, Encode, Decode, DecodeWithMemTracking, Eq, PartialEq, Debug, TypeInfo, MaxEncodedLen)]
pub struct Device<AccountId, BlockNumber> {
	/// Its current key (also its account).
	pub key: AccountId,
	/// What it said about itself, as updated by registrars.
	pub info: DeviceInfo,
	/// Where it stands.
	pub status: DeviceStatus,
	/// The block of its last status change.
	pub status_since: BlockNumber,
	/// The block from which its current key is in use.
	pub key_since: BlockNumber,
}

/// Domain separation for what devices sign outside transactions, so that a signature made for
/// one purpose (or one chain) is worthless for any other.
pub const PROVISION_CONTEXT: &[u8] = b"cinechain/provision/v1";
/// See [`PROVISION_CONTEXT`].
pub const ROTATION_CONTEXT: &[u8] = b"cinechain/rotate-key/v1";
