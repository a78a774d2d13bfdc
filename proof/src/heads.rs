//! Where the chain keeps a device's head (`Screenings.Heads`), and the part of it a proof reads.
//!
//! The head is the device's last sequence number and the hash of its last record; every record
//! carries the hash of the one before (`prev_hash`). A head proven in a finalized block therefore
//! pins every record of the device up to it: that is how a proof shows that the call which
//! carried a record succeeded, not only that the extrinsic was included.

use crate::prelude::*;
use sp_crypto_hashing::{blake2_256, twox_128, twox_64};

/// The storage key of `Screenings.Heads[device]` (a `Twox64Concat` map of `u64` device ids).
pub fn head_key(device: u64) -> Vec<u8> {
	let id = device.to_le_bytes();
	[&twox_128(b"Screenings")[..], &twox_128(b"Heads"), &twox_64(&id), &id].concat()
}

/// What a proof reads of a device's head: its last sequence number and last record's hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Head {
	pub last_seq: u64,
	pub last_hash: [u8; 32],
}

impl Head {
	/// The head of a device with no record (the map's default: the chain stores nothing).
	pub const EMPTY: Head = Head { last_seq: 0, last_hash: [0; 32] };

	/// The head from a stored value (`None`: nothing stored). Reads only the leading `last_seq`
	/// and `last_hash`: the fields after them (quota use, open flags) may change with a runtime
	/// upgrade without making older proofs unreadable.
	pub fn from_storage(value: Option<&[u8]>) -> Result<Head, String> {
		let Some(value) = value else { return Ok(Head::EMPTY) };
		if value.len() < 40 {
			return Err(format!("the stored head is {} bytes, shorter than a sequence number and a hash", value.len()));
		}
		let last_seq = u64::from_le_bytes(value[..8].try_into().expect("8 bytes"));
		let last_hash = value[8..40].try_into().expect("32 bytes");
		Ok(Head { last_seq, last_hash })
	}
}

/// A record's sequence number and `prev_hash`: the first fields of its SCALE encoding
/// (`pallet_screenings::types::ScreeningRecord`), all a proof needs to follow the hash chain.
pub fn record_position(record: &[u8]) -> Result<(u64, [u8; 32]), String> {
	if record.len() < 40 {
		return Err(format!("a record of {} bytes is too short to hold a sequence number and a hash", record.len()));
	}
	Ok((u64::from_le_bytes(record[..8].try_into().expect("8 bytes")), record[8..40].try_into().expect("32 bytes")))
}

/// The hash the chain keeps of a record, and the next record's `prev_hash`: BLAKE2-256 of its
/// SCALE encoding.
pub fn record_hash(record: &[u8]) -> [u8; 32] {
	blake2_256(record)
}

#[cfg(test)]
mod tests {
	use super::*;

	/// The key as Polkadot-JS shows it for `screenings.heads(1)`.
	#[test]
	fn the_key_is_the_pallets() {
		let key = head_key(1);
		assert_eq!(key.len(), 16 + 16 + 8 + 8);
		assert_eq!(&key[..16], &twox_128(b"Screenings"));
		assert_eq!(&key[40..], &1u64.to_le_bytes());
		assert_ne!(head_key(1), head_key(2));
	}

	#[test]
	fn a_head_reads_its_leading_fields_only() {
		let mut value = 7u64.to_le_bytes().to_vec();
		value.extend([9; 32]);
		value.extend([1, 2, 3, 4]);
		assert_eq!(Head::from_storage(Some(&value)), Ok(Head { last_seq: 7, last_hash: [9; 32] }));
		assert_eq!(Head::from_storage(None), Ok(Head::EMPTY));
		assert!(Head::from_storage(Some(&value[..39])).is_err());
	}
}
