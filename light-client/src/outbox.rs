//! The outbox's rules, without I/O: how an accepted event is numbered and chained, what the
//! chain's view of the device (its head) says about the records waiting to go out, and what to
//! send next. `store` persists what these functions decide; `agent` feeds them what it hears
//! from the chain. Nothing here touches a disk or a network, so every rule is tested alone.
//!
//! A record's life: accepted (numbered `last + 1`, chained to the last hash, stored durably in
//! one transaction) → pending (sent, perhaps many times) → done, with a receipt, once a
//! finalized block holds it. The chain, not the agent's memory, says what is done: the device's
//! head (last sequence number and hash) at the finalized block. That makes every crash safe —
//! a record sent twice is refused by the chain as already recorded, and a record the agent
//! never heard about being finalized is found covered by the head.

use codec::{Decode, Encode};

use crate::chain::{record_hash, ScreeningRecord};

/// The last record the outbox numbered: the next one gets `last_seq + 1` and `prev_hash =
/// last_hash`. Zero and zeroes before the first record, as the chain's head of a new device.
#[derive(Clone, Copy, Debug, Default, Encode, Decode, PartialEq, Eq)]
pub struct Tail {
	pub last_seq: u64,
	pub last_hash: [u8; 32],
}

/// The device's head as the chain has it at a finalized block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Head {
	pub last_seq: u64,
	pub last_hash: [u8; 32],
	pub block_number: u32,
	pub block_hash: [u8; 32],
}

/// One record in the outbox.
#[derive(Clone, Debug, Encode, Decode, PartialEq)]
pub struct Entry {
	/// The playback system's event id (or, for an event without one, its content's hash) it was
	/// made from.
	pub event_id: String,
	/// When the agent accepted it, ms since the epoch by the device's clock.
	pub accepted_at_ms: u64,
	pub record: ScreeningRecord,
	pub state: State,
}

impl Entry {
	pub fn seq(&self) -> u64 {
		self.record.seq
	}
}

/// Where a record stands.
#[derive(Clone, Copy, Debug, Encode, Decode, PartialEq, Eq)]
pub enum State {
	/// Stored; not yet known to be in a finalized block.
	Pending,
	/// In a finalized block.
	Done(Receipt),
}

/// Proof of where a record went on chain.
#[derive(Clone, Copy, Debug, Encode, Decode, PartialEq, Eq)]
pub enum Receipt {
	/// The extrinsic that carried the record, seen finalized by this agent.
	Extrinsic { block_number: u32, block_hash: [u8; 32], extrinsic_index: u32 },
	/// Found already on chain (sent before a crash or restart, whose outcome the agent did not
	/// see): the device's head at this finalized block covers the record, and the hash chain
	/// from the record up to the head checks out.
	CoveredByHead { block_number: u32, block_hash: [u8; 32] },
}

impl Receipt {
	pub fn block_number(&self) -> u32 {
		match self {
			Receipt::Extrinsic { block_number, .. } | Receipt::CoveredByHead { block_number, .. } => *block_number,
		}
	}
}

/// A record the chain refuses for good, as the agent last found it: it waits for a
/// technician (see [`crate::refusal::advice`]), and blocks the records after it.
#[derive(Clone, Copy, Debug, Encode, Decode, PartialEq, Eq)]
pub struct Stuck {
	pub seq: u64,
	/// The runtime's refusal code.
	pub code: u8,
	/// When the agent first found it refused, ms since the epoch by the device's clock.
	pub since_ms: u64,
}

/// A record a technician took out of the chain of records because the chain refuses it for
/// good. It never reaches the chain; the outbox keeps it, with why, for the regulator.
#[derive(Clone, Debug, Encode, Decode, PartialEq)]
pub struct SetAside {
	/// The record as it was numbered before it was set aside.
	pub entry: Entry,
	/// The refusal code the chain gave it.
	pub code: u8,
	/// The technician's reason.
	pub reason: String,
	/// When, ms since the epoch by the device's clock.
	pub at_ms: u64,
}

/// Longest reason a technician may give for setting a record aside, in bytes.
pub const MAX_SET_ASIDE_REASON: usize = 256;

/// Renumbers `rest` (pending records, in order) to follow the record `(seq, hash)`: each gets
/// the next sequence number and the hash of the one before, its content unchanged. Returns them
/// and the tail after them. This is how the records behind ones set aside close the gap: none
/// of them is on chain (the chain cannot hold a record without the ones before it), so their
/// numbers are still the outbox's to give.
pub fn renumber(after: Tail, rest: &[Entry]) -> (Vec<Entry>, Tail) {
	let mut tail = after;
	let mut out = Vec::with_capacity(rest.len());
	for entry in rest {
		let mut entry = entry.clone();
		entry.record.seq = tail.last_seq + 1;
		entry.record.prev_hash = tail.last_hash;
		tail = Tail { last_seq: entry.record.seq, last_hash: record_hash(&entry.record) };
		out.push(entry);
	}
	(out, tail)
}

/// The outbox and the chain disagree in a way the agent must not paper over.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Divergence {
	/// The chain holds more records of this device than the outbox ever numbered: another
	/// agent uses this key, or this outbox was replaced by an older copy.
	ChainAhead { chain_seq: u64, outbox_seq: u64 },
	/// The chain's record `seq` is not the outbox's record `seq`.
	DifferentRecord { seq: u64 },
	/// The chain lacks records the outbox has marked done.
	ChainBehind { chain_seq: u64, first_pending: u64 },
}

impl core::fmt::Display for Divergence {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		match self {
			Divergence::ChainAhead { chain_seq, outbox_seq } => write!(
				f,
				"the chain has {chain_seq} records of this device but this outbox only numbered {outbox_seq}: \
				 is another projector using this key, or was the data directory restored from an old copy? \
				 Stop the other user of the key, or rotate this device's key."
			),
			Divergence::DifferentRecord { seq } => write!(
				f,
				"the chain's record #{seq} of this device is not the one in this outbox: another projector \
				 is using this key. Suspend the device and rotate its key."
			),
			Divergence::ChainBehind { chain_seq, first_pending } => write!(
				f,
				"the chain has only {chain_seq} records of this device, but the outbox's next record is \
				 #{first_pending}: the outbox marked records done that the chain does not have"
			),
		}
	}
}

/// Numbers and chains a new record after `tail`: the record `build` makes for sequence number
/// `tail.last_seq + 1` and previous hash `tail.last_hash`, and the tail after it.
pub fn number<E>(
	tail: Tail,
	build: impl FnOnce(u64, [u8; 32]) -> Result<ScreeningRecord, E>,
) -> Result<(ScreeningRecord, Tail), E> {
	let record = build(tail.last_seq + 1, tail.last_hash)?;
	debug_assert_eq!(record.seq, tail.last_seq + 1);
	let next = Tail { last_seq: record.seq, last_hash: record_hash(&record) };
	Ok((record, next))
}

/// What the chain's `head` says about the outbox (`tail`, and `pending` entries in sequence
/// order): the pending records it already covers, with their receipts. Fails if the two
/// disagree (see [`Divergence`]).
pub fn reconcile(tail: Tail, pending: &[Entry], head: &Head) -> Result<Vec<(u64, Receipt)>, Divergence> {
	if head.last_seq > tail.last_seq {
		return Err(Divergence::ChainAhead { chain_seq: head.last_seq, outbox_seq: tail.last_seq });
	}
	if head.last_seq == tail.last_seq && head.last_hash != tail.last_hash {
		return Err(Divergence::DifferentRecord { seq: head.last_seq });
	}
	let first_pending = pending.first().map_or(tail.last_seq + 1, Entry::seq);
	if first_pending > head.last_seq + 1 {
		return Err(Divergence::ChainBehind { chain_seq: head.last_seq, first_pending });
	}
	// Pending entries run without a gap from `first_pending` to the tail, so when the head
	// covers any of them it lands on one: ours only if its hash is the head's.
	let covered: Vec<&Entry> = pending.iter().take_while(|e| e.seq() <= head.last_seq).collect();
	if let Some(last) = covered.last() {
		if record_hash(&last.record) != head.last_hash {
			return Err(Divergence::DifferentRecord { seq: head.last_seq });
		}
	}
	let receipt = Receipt::CoveredByHead { block_number: head.block_number, block_hash: head.block_hash };
	Ok(covered.iter().map(|e| (e.seq(), receipt)).collect())
}

/// Whether `entry` may be dropped from the outbox by a compaction with `cutoff_ms`: done (the
/// chain holds it, finalized) and accepted before the cutoff.
pub fn compactable(entry: &Entry, cutoff_ms: u64) -> bool {
	matches!(entry.state, State::Done(_)) && entry.accepted_at_ms < cutoff_ms
}

/// The records to send next: the pending ones after the chain's head, in order, at most `max`
/// (one extrinsic: a single record or a batch).
pub fn next_batch<'a>(pending: &'a [Entry], head_seq: u64, max: usize) -> &'a [Entry] {
	let start = pending.iter().position(|e| e.seq() > head_seq).unwrap_or(pending.len());
	let rest = &pending[start..];
	&rest[..rest.len().min(max)]
}

/// How long to wait before sending again after `failures` failed attempts in a row: 1 s
/// doubling to at most a minute (a flaky network heals; a long outage is not hammered).
pub fn retry_delay(failures: u32) -> core::time::Duration {
	core::time::Duration::from_secs(1u64 << failures.min(6)).min(core::time::Duration::from_secs(60))
}

#[cfg(test)]
pub(crate) mod tests {
	use super::*;
	use crate::chain::{bounded, Film, Outcome, Venue};

	pub fn record(seq: u64, prev_hash: [u8; 32], title: &str) -> ScreeningRecord {
		ScreeningRecord {
			seq,
			prev_hash,
			film: Film { cpl_id: None, film_code: Some(bounded(b"F1")), title: bounded(title.as_bytes()) },
			projectionist: bounded(b"P-1"),
			started_at: 1_000,
			ended_at: 2_000,
			venue: Venue { cinema: 1, hall: 1 },
			location: None,
			outcome: Outcome::Completed,
			report_hash: None,
		}
	}

	/// `n` entries numbered from 1, chained, all pending; and the tail after them.
	pub fn entries(n: u64) -> (Vec<Entry>, Tail) {
		let mut tail = Tail::default();
		let mut out = Vec::new();
		for i in 0..n {
			let (record, next) =
				number(tail, |seq, prev| Ok::<_, ()>(record(seq, prev, &format!("film {i}")))).unwrap();
			out.push(Entry { event_id: format!("e{i}"), accepted_at_ms: 0, record, state: State::Pending });
			tail = next;
		}
		(out, tail)
	}

	fn head_at(entries: &[Entry], seq: u64) -> Head {
		let last_hash = if seq == 0 { [0; 32] } else { record_hash(&entries[seq as usize - 1].record) };
		Head { last_seq: seq, last_hash, block_number: 42, block_hash: [4; 32] }
	}

	#[test]
	fn numbering_chains_each_record_to_the_one_before() {
		let (entries, tail) = entries(3);
		assert_eq!(entries.iter().map(Entry::seq).collect::<Vec<_>>(), vec![1, 2, 3]);
		assert_eq!(entries[0].record.prev_hash, [0; 32]);
		assert_eq!(entries[1].record.prev_hash, record_hash(&entries[0].record));
		assert_eq!(entries[2].record.prev_hash, record_hash(&entries[1].record));
		assert_eq!(tail, Tail { last_seq: 3, last_hash: record_hash(&entries[2].record) });
		// A record the builder refuses leaves the tail alone.
		assert_eq!(number(tail, |_, _| Err::<ScreeningRecord, _>("bad")), Err("bad"));
	}

	#[test]
	fn the_head_covers_what_the_chain_has_and_the_rest_is_sent_in_order() {
		let (pending, tail) = entries(5);
		let head = head_at(&pending, 2);
		let covered = reconcile(tail, &pending, &head).unwrap();
		let receipt = Receipt::CoveredByHead { block_number: 42, block_hash: [4; 32] };
		assert_eq!(covered, vec![(1, receipt), (2, receipt)]);
		let batch = next_batch(&pending, head.last_seq, 2);
		assert_eq!(batch.iter().map(Entry::seq).collect::<Vec<_>>(), vec![3, 4]);
		assert!(next_batch(&pending, 5, 100).is_empty());
		// A fresh device: nothing on chain, nothing covered, everything to send.
		assert_eq!(reconcile(tail, &pending, &head_at(&pending, 0)).unwrap(), vec![]);
	}

	#[test]
	fn disagreements_with_the_chain_are_reported_not_papered_over() {
		let (pending, tail) = entries(3);
		// The chain is ahead of everything this outbox numbered.
		let mut ahead = head_at(&pending, 3);
		ahead.last_seq = 4;
		assert_eq!(reconcile(tail, &pending, &ahead), Err(Divergence::ChainAhead { chain_seq: 4, outbox_seq: 3 }));
		// Same position, different record (someone else signs with this key).
		let mut other = head_at(&pending, 2);
		other.last_hash = [7; 32];
		assert_eq!(reconcile(tail, &pending, &other), Err(Divergence::DifferentRecord { seq: 2 }));
		let mut other_at_tail = head_at(&pending, 3);
		other_at_tail.last_hash = [7; 32];
		assert_eq!(reconcile(tail, &pending, &other_at_tail), Err(Divergence::DifferentRecord { seq: 3 }));
		// The outbox thinks records 1 and 2 are done, but the chain has none.
		assert_eq!(
			reconcile(tail, &pending[2..], &head_at(&pending, 0)),
			Err(Divergence::ChainBehind { chain_seq: 0, first_pending: 3 })
		);
		// ... or none pending at all, though the chain lacks the last one.
		assert_eq!(
			reconcile(tail, &[], &head_at(&pending, 2)),
			Err(Divergence::ChainBehind { chain_seq: 2, first_pending: 4 })
		);
		assert!(Divergence::ChainAhead { chain_seq: 4, outbox_seq: 3 }.to_string().contains("another projector"));
	}

	#[test]
	fn records_behind_a_set_aside_one_are_renumbered_into_an_unbroken_chain() {
		let (pending, tail) = entries(5);
		// Record 3 is set aside: 4 and 5 follow 2.
		let after = Tail { last_seq: 2, last_hash: record_hash(&pending[1].record) };
		let (renumbered, new_tail) = renumber(after, &pending[3..]);
		assert_eq!(renumbered.iter().map(Entry::seq).collect::<Vec<_>>(), vec![3, 4]);
		assert_eq!(renumbered[0].record.prev_hash, after.last_hash);
		assert_eq!(renumbered[1].record.prev_hash, record_hash(&renumbered[0].record));
		assert_eq!(new_tail, Tail { last_seq: 4, last_hash: record_hash(&renumbered[1].record) });
		// Only the numbering changed: the screenings are the ones the playback system reported.
		assert_eq!(renumbered[0].record.film, pending[3].record.film);
		assert_eq!(renumbered[0].event_id, pending[3].event_id);
		assert_ne!(new_tail, tail);
		// Nothing behind: the tail is the record before the ones set aside.
		assert_eq!(renumber(after, &[]), (vec![], after));
	}

	#[test]
	fn retries_back_off_to_a_minute() {
		let delays: Vec<u64> = (0..9).map(|n| retry_delay(n).as_secs()).collect();
		assert_eq!(delays, vec![1, 2, 4, 8, 16, 32, 60, 60, 60]);
	}
}
