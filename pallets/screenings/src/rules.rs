//! The rules a record must follow, as plain functions of the device's head and the record, so
//! that tests (and clients) can call them without a chain.

use crate::types::{DeviceHead, Hash32, ScreeningRecord};
use cinechain_primitives::CinemaId;

/// Why a record is refused.
#[derive(Clone, Copy, Eq, PartialEq, Debug)]
pub enum RecordError {
	/// The record's sequence number is already on chain.
	Duplicate,
	/// The record skips sequence numbers.
	Gap,
	/// `prev_hash` is not the hash of the device's last record.
	BrokenChain,
	/// It ends before (or when) it starts.
	EndBeforeStart,
	/// It lasts longer than any screening can.
	TooLong,
	/// It ends too far ahead of the chain's clock.
	InFuture,
	/// The venue is not the device's cinema.
	WrongVenue,
	/// Neither a CPL id nor a film code.
	NoFilm,
	/// The location is not on Earth.
	BadLocation,
	/// A batch without records.
	EmptyBatch,
}

/// What the content checks compare against.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
	/// The chain's time, ms since the epoch.
	pub now_ms: u64,
	/// How far a record's end may lie ahead of `now_ms`.
	pub max_clock_skew_ms: u64,
	/// The longest a screening may last.
	pub max_duration_ms: u64,
}

/// Checks what the record says, independent of the chain of records.
pub fn check_content(record: &ScreeningRecord, cinema: CinemaId, limits: &Limits) -> Result<(), RecordError> {
	if record.ended_at <= record.started_at {
		return Err(RecordError::EndBeforeStart);
	}
	if record.ended_at - record.started_at > limits.max_duration_ms {
		return Err(RecordError::TooLong);
	}
	if record.ended_at > limits.now_ms.saturating_add(limits.max_clock_skew_ms) {
		return Err(RecordError::InFuture);
	}
	if record.venue.cinema != cinema {
		return Err(RecordError::WrongVenue);
	}
	if record.film.cpl_id.is_none() && record.film.film_code.is_none() {
		return Err(RecordError::NoFilm);
	}
	if record.location.is_some_and(|l| !l.is_valid()) {
		return Err(RecordError::BadLocation);
	}
	Ok(())
}

/// Checks that `record` comes right after the device's last record `(last_seq, last_hash)`.
pub fn check_position(last_seq: u64, last_hash: &Hash32, record: &ScreeningRecord) -> Result<(), RecordError> {
	if record.seq <= last_seq {
		Err(RecordError::Duplicate)
	} else if record.seq != last_seq + 1 {
		Err(RecordError::Gap)
	} else if &record.prev_hash != last_hash {
		Err(RecordError::BrokenChain)
	} else {
		Ok(())
	}
}

/// Appends `records` to `head` if there is at least one and every one follows the one before
/// and passes the content checks; on the first that does not, returns its index and the
/// reason, and leaves `head` as it was. Returns the records' hashes.
pub fn append(
	head: &mut DeviceHead,
	records: &[ScreeningRecord],
	cinema: CinemaId,
	limits: &Limits,
) -> Result<alloc::vec::Vec<Hash32>, (usize, RecordError)> {
	if records.is_empty() {
		return Err((0, RecordError::EmptyBatch));
	}
	let (mut seq, mut hash) = (head.last_seq, head.last_hash);
	let mut hashes = alloc::vec::Vec::with_capacity(records.len());
	for (i, record) in records.iter().enumerate() {
		check_position(seq, &hash, record).map_err(|e| (i, e))?;
		check_content(record, cinema, limits).map_err(|e| (i, e))?;
		(seq, hash) = (record.seq, record.hash());
		hashes.push(hash);
	}
	(head.last_seq, head.last_hash) = (seq, hash);
	Ok(hashes)
}

/// Where a batch that may wait in the transaction pool stands against the device's head.
#[derive(Clone, Copy, Eq, PartialEq, Debug)]
pub struct Pending {
	/// The record on which the batch builds, `(seq, hash)`, when that record is not on chain
	/// yet: the batch waits for it in the pool. `None`: it follows the head now.
	pub after: Option<(u64, Hash32)>,
	/// The batch's last record, `(seq, hash)`: what the next batch builds on.
	pub last: (u64, Hash32),
}

/// Checks a batch as the transaction pool sees it, before the records it builds on are all on
/// chain: every record's content, the chain of records inside the batch, and either that the
/// first follows the head or that it comes later (then it waits for the record it names as its
/// predecessor, which the pool must hold). A batch that passes can be refused later only if the
/// records before it are not what it says they are.
pub fn check_pending(
	head: &DeviceHead,
	records: &[ScreeningRecord],
	cinema: CinemaId,
	limits: &Limits,
) -> Result<Pending, RecordError> {
	let first = records.first().ok_or(RecordError::EmptyBatch)?;
	if first.seq <= head.last_seq {
		return Err(RecordError::Duplicate);
	}
	let after = (first.seq != head.last_seq + 1).then_some((first.seq - 1, first.prev_hash));
	// Check the batch from the record it builds on: on chain, that is the head itself.
	let mut from = DeviceHead { last_seq: first.seq - 1, last_hash: first.prev_hash, ..*head };
	if after.is_none() {
		from.last_hash = head.last_hash;
	}
	append(&mut from, records, cinema, limits).map_err(|(_, e)| e)?;
	Ok(Pending { after, last: (from.last_seq, from.last_hash) })
}

/// Records counted against the quota in `period`: a head's count from an earlier period no
/// longer counts.
pub fn quota_used(head: &DeviceHead, period: u32) -> u32 {
	if head.period == period { head.used } else { 0 }
}

/// Whether `n` more records fit in `quota` in `period`.
pub fn quota_allows(head: &DeviceHead, period: u32, n: u32, quota: u32) -> bool {
	quota_used(head, period).saturating_add(n) <= quota
}

/// Counts `n` records against the quota in `period`.
pub fn consume_quota(head: &mut DeviceHead, period: u32, n: u32) {
	head.used = quota_used(head, period).saturating_add(n);
	head.period = period;
}
