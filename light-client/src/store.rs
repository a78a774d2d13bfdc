//! The durable outbox: an embedded redb database in the agent's data directory. Each change is
//! one ACID transaction, committed to disk before the call returns, so a record is either fully
//! stored (numbered, chained, its event id remembered) or not at all, whatever moment the power
//! goes. Several processes may open it at once (the daemon and a technician's `record` or
//! `status`); one write transaction runs at a time, so numbering never races.

use std::path::Path;

use codec::{Decode, Encode};
use redb::{Builder, ConcurrencyMode, Database, ReadableDatabase, ReadableTable, ReadableTableMetadata, TableDefinition};

use crate::{
	chain::{record_hash, ScreeningRecord},
	outbox::{self, Entry, Receipt, SetAside, State, Stuck, Tail, MAX_SET_ASIDE_REASON},
};

/// Every record, by sequence number (SCALE-encoded [`Entry`]).
const RECORDS: TableDefinition<u64, &[u8]> = TableDefinition::new("records");
/// Sequence numbers of the records not yet done.
const PENDING: TableDefinition<u64, ()> = TableDefinition::new("pending");
/// Event ids already accepted, and the record each became.
const EVENTS: TableDefinition<&str, u64> = TableDefinition::new("events");
/// The outbox's tail (`"tail"`, SCALE-encoded [`Tail`]) and the stuck record, if any
/// (`"stuck"`, SCALE-encoded [`Stuck`]).
const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta");
/// Records set aside, in the order they were (SCALE-encoded [`SetAside`]).
const SET_ASIDE: TableDefinition<u64, &[u8]> = TableDefinition::new("set_aside");

/// What `EVENTS` maps an event to once its record was set aside: it stays known (offered again,
/// it is not numbered again, which would only make it stuck again) but is no record's. No
/// record has sequence number 0.
const SET_ASIDE_SEQ: u64 = 0;

/// A storage failure, with what the agent was doing.
#[derive(Debug)]
pub struct StoreError(pub String);

impl core::fmt::Display for StoreError {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		write!(f, "outbox database: {}", self.0)
	}
}

impl std::error::Error for StoreError {}

fn err(what: &'static str) -> impl Fn(redb::Error) -> StoreError {
	move |e| StoreError(format!("{what}: {e}"))
}

/// What became of an event offered to the outbox.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Accepted {
	/// Stored as a new record with this sequence number.
	New(u64),
	/// The outbox already had this event, as the record with this sequence number.
	Known(u64),
}

impl Accepted {
	pub fn seq(&self) -> u64 {
		match self {
			Accepted::New(seq) | Accepted::Known(seq) => *seq,
		}
	}
}

/// Why an event was not accepted.
#[derive(Debug)]
pub enum AcceptError {
	/// The event cannot become a record; the reason.
	Invalid(String),
	/// The outbox already had this event, and a technician set its record aside.
	SetAside,
	Store(StoreError),
}

/// The outbox database.
pub struct Store {
	db: Database,
}

impl Store {
	/// Opens the outbox at `path`, creating it if it does not exist.
	pub fn open(path: &Path) -> Result<Store, StoreError> {
		let db = Builder::new()
			.set_concurrency_mode(ConcurrencyMode::MultiWriter)
			.create(path)
			.map_err(|e| StoreError(format!("cannot open {}: {e}", path.display())))?;
		let txn = db.begin_write().map_err(|e| err("begin")(e.into()))?;
		{
			// Create the tables once, so that readers never meet a missing table.
			txn.open_table(RECORDS).map_err(|e| err("create tables")(e.into()))?;
			txn.open_table(PENDING).map_err(|e| err("create tables")(e.into()))?;
			txn.open_table(EVENTS).map_err(|e| err("create tables")(e.into()))?;
			txn.open_table(META).map_err(|e| err("create tables")(e.into()))?;
			txn.open_table(SET_ASIDE).map_err(|e| err("create tables")(e.into()))?;
		}
		txn.commit().map_err(|e| err("commit")(e.into()))?;
		Ok(Store { db })
	}

	/// The last record numbered.
	pub fn tail(&self) -> Result<Tail, StoreError> {
		let txn = self.db.begin_read().map_err(|e| err("begin")(e.into()))?;
		let meta = txn.open_table(META).map_err(|e| err("open meta")(e.into()))?;
		read_tail(&meta)
	}

	/// Stores the record `build` makes of event `event_id`, numbered and chained after the tail,
	/// unless the outbox already has that event. One transaction: after a crash the record and
	/// the event id are both there or both absent.
	pub fn accept(
		&self,
		event_id: &str,
		accepted_at_ms: u64,
		build: impl FnOnce(u64, [u8; 32]) -> Result<ScreeningRecord, String>,
	) -> Result<Accepted, AcceptError> {
		let store_err = |what: &'static str| move |e: redb::Error| AcceptError::Store(err(what)(e));
		let txn = self.db.begin_write().map_err(|e| store_err("begin")(e.into()))?;
		let accepted = {
			let mut events = txn.open_table(EVENTS).map_err(|e| store_err("open events")(e.into()))?;
			let known = events.get(event_id).map_err(|e| store_err("read events")(e.into()))?.map(|seq| seq.value());
			match known {
				Some(SET_ASIDE_SEQ) => return Err(AcceptError::SetAside),
				Some(seq) => return Ok(Accepted::Known(seq)),
				None => {},
			}
			let mut meta = txn.open_table(META).map_err(|e| store_err("open meta")(e.into()))?;
			let tail = read_tail(&meta).map_err(AcceptError::Store)?;
			let (record, next) = outbox::number(tail, build).map_err(AcceptError::Invalid)?;
			let seq = record.seq;
			let entry = Entry { event_id: event_id.to_string(), accepted_at_ms, record, state: State::Pending };
			let mut records = txn.open_table(RECORDS).map_err(|e| store_err("open records")(e.into()))?;
			records.insert(seq, entry.encode().as_slice()).map_err(|e| store_err("write record")(e.into()))?;
			let mut pending = txn.open_table(PENDING).map_err(|e| store_err("open pending")(e.into()))?;
			pending.insert(seq, ()).map_err(|e| store_err("write pending")(e.into()))?;
			events.insert(event_id, seq).map_err(|e| store_err("write events")(e.into()))?;
			meta.insert("tail", next.encode().as_slice()).map_err(|e| store_err("write tail")(e.into()))?;
			Accepted::New(seq)
		};
		txn.commit().map_err(|e| store_err("commit")(e.into()))?;
		Ok(accepted)
	}

	/// Up to `limit` records not yet done, in sequence order.
	pub fn pending(&self, limit: usize) -> Result<Vec<Entry>, StoreError> {
		let txn = self.db.begin_read().map_err(|e| err("begin")(e.into()))?;
		let pending = txn.open_table(PENDING).map_err(|e| err("open pending")(e.into()))?;
		let records = txn.open_table(RECORDS).map_err(|e| err("open records")(e.into()))?;
		let mut out = Vec::new();
		for item in pending.range::<u64>(..).map_err(|e| err("read pending")(e.into()))?.take(limit) {
			let (seq, _) = item.map_err(|e| err("read pending")(e.into()))?;
			out.push(read_entry(&records, seq.value())?.ok_or_else(|| {
				StoreError(format!("record #{} is pending but missing", seq.value()))
			})?);
		}
		Ok(out)
	}

	/// How many records wait to be done.
	pub fn depth(&self) -> Result<u64, StoreError> {
		let txn = self.db.begin_read().map_err(|e| err("begin")(e.into()))?;
		let pending = txn.open_table(PENDING).map_err(|e| err("open pending")(e.into()))?;
		pending.len().map_err(|e| err("read pending")(e.into()))
	}

	/// The record with sequence number `seq`.
	pub fn entry(&self, seq: u64) -> Result<Option<Entry>, StoreError> {
		let txn = self.db.begin_read().map_err(|e| err("begin")(e.into()))?;
		let records = txn.open_table(RECORDS).map_err(|e| err("open records")(e.into()))?;
		read_entry(&records, seq)
	}

	/// Marks records done with their receipts, in one transaction.
	pub fn mark_done(&self, done: &[(u64, Receipt)]) -> Result<(), StoreError> {
		let done: Vec<_> = done.iter().map(|(seq, receipt)| (*seq, None, *receipt)).collect();
		self.mark(&done)
	}

	/// Marks the records of `sent` done with `receipt` (the extrinsic that carried them), each
	/// only if the outbox still has it under its number.
	pub fn mark_sent(&self, sent: &[Entry], receipt: Receipt) -> Result<(), StoreError> {
		let done: Vec<_> = sent.iter().map(|e| (e.seq(), Some(record_hash(&e.record)), receipt)).collect();
		self.mark(&done)
	}

	/// Marks records done: each `(seq, hash, receipt)`, when `hash` is given only if the
	/// outbox's record `seq` is still the one with that hash (a technician may have renumbered
	/// the outbox since the caller read it; see [`Store::set_aside`]).
	fn mark(&self, done: &[(u64, Option<[u8; 32]>, Receipt)]) -> Result<(), StoreError> {
		if done.is_empty() {
			return Ok(());
		}
		let txn = self.db.begin_write().map_err(|e| err("begin")(e.into()))?;
		{
			let mut records = txn.open_table(RECORDS).map_err(|e| err("open records")(e.into()))?;
			let mut pending = txn.open_table(PENDING).map_err(|e| err("open pending")(e.into()))?;
			let mut meta = txn.open_table(META).map_err(|e| err("open meta")(e.into()))?;
			let stuck = read_stuck(&meta)?;
			for (seq, hash, receipt) in done {
				let Some(mut entry) = read_entry(&records, *seq)? else { continue };
				if hash.is_some_and(|hash| hash != record_hash(&entry.record)) {
					continue;
				}
				entry.state = State::Done(*receipt);
				records.insert(*seq, entry.encode().as_slice()).map_err(|e| err("write record")(e.into()))?;
				pending.remove(*seq).map_err(|e| err("write pending")(e.into()))?;
				if stuck.is_some_and(|s| s.seq == *seq) {
					meta.remove("stuck").map_err(|e| err("write stuck")(e.into()))?;
				}
			}
		}
		txn.commit().map_err(|e| err("commit")(e.into()))
	}

	/// The record the chain refuses for good, if the agent found one.
	pub fn stuck(&self) -> Result<Option<Stuck>, StoreError> {
		let txn = self.db.begin_read().map_err(|e| err("begin")(e.into()))?;
		let meta = txn.open_table(META).map_err(|e| err("open meta")(e.into()))?;
		read_stuck(&meta)
	}

	/// Notes that the chain refuses record `seq` for good with `code` (keeping when it was first
	/// found, if it was already noted with that code), or, with `None`, that nothing is stuck.
	pub fn set_stuck(&self, stuck: Option<(u64, u8)>, now_ms: u64) -> Result<(), StoreError> {
		let txn = self.db.begin_write().map_err(|e| err("begin")(e.into()))?;
		{
			let mut meta = txn.open_table(META).map_err(|e| err("open meta")(e.into()))?;
			let old = read_stuck(&meta)?;
			match stuck {
				None if old.is_none() => return Ok(()),
				None => {
					meta.remove("stuck").map_err(|e| err("write stuck")(e.into()))?;
				},
				Some((seq, code)) => {
					if old.is_some_and(|o| (o.seq, o.code) == (seq, code)) {
						return Ok(());
					}
					let new = Stuck { seq, code, since_ms: now_ms };
					meta.insert("stuck", new.encode().as_slice()).map_err(|e| err("write stuck")(e.into()))?;
				},
			}
		}
		txn.commit().map_err(|e| err("commit")(e.into()))
	}

	/// Deletes the oldest done records accepted before `cutoff_ms` (device clock), at most `max`
	/// in one transaction, with their event ids; returns how many went. What numbering and
	/// sending need stays: the tail (the last record's number and hash), every pending record,
	/// and the records set aside. So the outbox grows with the records of the last days, not with
	/// the device's lifetime; an event the playback system delivers again after its id went is
	/// recorded again. Records are accepted in order, so the pass stops at the first record it
	/// must keep.
	pub fn compact(&self, cutoff_ms: u64, max: usize) -> Result<usize, StoreError> {
		let txn = self.db.begin_write().map_err(|e| err("begin")(e.into()))?;
		let mut gone = Vec::new();
		{
			let mut records = txn.open_table(RECORDS).map_err(|e| err("open records")(e.into()))?;
			let mut events = txn.open_table(EVENTS).map_err(|e| err("open events")(e.into()))?;
			for item in records.range::<u64>(..).map_err(|e| err("read records")(e.into()))?.take(max) {
				let (seq, bytes) = item.map_err(|e| err("read records")(e.into()))?;
				let entry = Entry::decode(&mut bytes.value())
					.map_err(|e| StoreError(format!("corrupt record #{}: {e}", seq.value())))?;
				if !outbox::compactable(&entry, cutoff_ms) {
					break;
				}
				gone.push((seq.value(), entry.event_id));
			}
			for (seq, event_id) in &gone {
				records.remove(*seq).map_err(|e| err("write record")(e.into()))?;
				// The id may name a newer record since a set-aside renumbered the outbox.
				let names_this = events.get(event_id.as_str()).map_err(|e| err("read events")(e.into()))?.map(|s| s.value());
				if names_this == Some(*seq) {
					events.remove(event_id.as_str()).map_err(|e| err("write events")(e.into()))?;
				}
			}
		}
		txn.commit().map_err(|e| err("commit")(e.into()))?;
		Ok(gone.len())
	}

	/// Every record set aside, oldest first.
	pub fn set_aside_records(&self) -> Result<Vec<SetAside>, StoreError> {
		let txn = self.db.begin_read().map_err(|e| err("begin")(e.into()))?;
		let table = txn.open_table(SET_ASIDE).map_err(|e| err("open set_aside")(e.into()))?;
		let mut out = Vec::new();
		for item in table.range::<u64>(..).map_err(|e| err("read set_aside")(e.into()))? {
			let (_, bytes) = item.map_err(|e| err("read set_aside")(e.into()))?;
			out.push(
				SetAside::decode(&mut bytes.value()).map_err(|e| StoreError(format!("corrupt set-aside record: {e}")))?,
			);
		}
		Ok(out)
	}

	/// Takes the stuck record and the `count - 1` records after it out of the chain of records
	/// to send, with the technician's `reason`, and renumbers the records behind them to follow
	/// the record before (see [`outbox::renumber`]). One transaction. Only the record the agent
	/// found refused for good may start the range: a record the chain might still take, or
	/// might already hold, is never set aside.
	pub fn set_aside(&self, seq: u64, count: u64, reason: &str, now_ms: u64) -> Result<Vec<SetAside>, SetAsideError> {
		let refuse = |why: String| Err(SetAsideError::Refused(why));
		if reason.trim().is_empty() || reason.len() > MAX_SET_ASIDE_REASON {
			return refuse(format!("give a reason of 1 to {MAX_SET_ASIDE_REASON} bytes (--reason)"));
		}
		if count == 0 {
			return refuse("nothing to set aside (--count 0)".into());
		}
		let store = |e: StoreError| SetAsideError::Store(e);
		let txn = self.db.begin_write().map_err(|e| store(err("begin")(e.into())))?;
		let set_aside = {
			let mut meta = txn.open_table(META).map_err(|e| store(err("open meta")(e.into())))?;
			let code = match read_stuck(&meta).map_err(store)? {
				Some(stuck) if stuck.seq == seq => stuck.code,
				Some(stuck) => {
					return refuse(format!("record #{seq} is not the stuck record; #{} is", stuck.seq));
				},
				None => {
					return refuse(format!(
						"record #{seq} is not stuck: the agent has not found the chain refusing it for good 						 (see `cinechain-projector status`)"
					))
				},
			};
			let mut records = txn.open_table(RECORDS).map_err(|e| store(err("open records")(e.into())))?;
			let mut pending = txn.open_table(PENDING).map_err(|e| store(err("open pending")(e.into())))?;
			let mut events = txn.open_table(EVENTS).map_err(|e| store(err("open events")(e.into())))?;
			let mut table = txn.open_table(SET_ASIDE).map_err(|e| store(err("open set_aside")(e.into())))?;
			let mut waiting = Vec::new();
			for item in pending.range::<u64>(seq..).map_err(|e| store(err("read pending")(e.into())))? {
				let (s, _) = item.map_err(|e| store(err("read pending")(e.into())))?;
				let entry = read_entry(&records, s.value())
					.map_err(store)?
					.ok_or_else(|| store(StoreError(format!("record #{} is pending but missing", s.value()))))?;
				waiting.push(entry);
			}
			if waiting.first().map(Entry::seq) != Some(seq) {
				return refuse(format!("record #{seq} is not waiting to go out"));
			}
			if count > waiting.len() as u64 {
				return refuse(format!("only {} records wait from #{seq} on", waiting.len()));
			}
			let (out, rest) = waiting.split_at(count as usize);
			let after = Tail { last_seq: seq - 1, last_hash: waiting[0].record.prev_hash };
			let (renumbered, tail) = outbox::renumber(after, rest);
			for entry in &waiting {
				records.remove(entry.seq()).map_err(|e| store(err("write record")(e.into())))?;
				pending.remove(entry.seq()).map_err(|e| store(err("write pending")(e.into())))?;
			}
			let mut next_id = table
				.last()
				.map_err(|e| store(err("read set_aside")(e.into())))?
				.map_or(0, |(id, _)| id.value() + 1);
			let mut set_aside = Vec::new();
			for entry in out {
				let item = SetAside { entry: entry.clone(), code, reason: reason.to_string(), at_ms: now_ms };
				table.insert(next_id, item.encode().as_slice()).map_err(|e| store(err("write set_aside")(e.into())))?;
				events.insert(entry.event_id.as_str(), SET_ASIDE_SEQ).map_err(|e| store(err("write events")(e.into())))?;
				next_id += 1;
				set_aside.push(item);
			}
			for entry in &renumbered {
				records.insert(entry.seq(), entry.encode().as_slice()).map_err(|e| store(err("write record")(e.into())))?;
				pending.insert(entry.seq(), ()).map_err(|e| store(err("write pending")(e.into())))?;
				events.insert(entry.event_id.as_str(), entry.seq()).map_err(|e| store(err("write events")(e.into())))?;
			}
			meta.insert("tail", tail.encode().as_slice()).map_err(|e| store(err("write tail")(e.into())))?;
			meta.remove("stuck").map_err(|e| store(err("write stuck")(e.into())))?;
			set_aside
		};
		txn.commit().map_err(|e| store(err("commit")(e.into())))?;
		Ok(set_aside)
	}

	/// Starts numbering after the chain's `head` when the outbox has never numbered a record —
	/// a device provisioned elsewhere, or an agent reinstalled with its key but not its data, picks
	/// up where the chain is. Does nothing to an outbox that has records. Returns whether it did.
	pub fn adopt_head(&self, head: Tail) -> Result<bool, StoreError> {
		let txn = self.db.begin_write().map_err(|e| err("begin")(e.into()))?;
		let adopted = {
			let mut meta = txn.open_table(META).map_err(|e| err("open meta")(e.into()))?;
			let tail = read_tail(&meta)?;
			if tail.last_seq == 0 && head.last_seq > 0 {
				meta.insert("tail", head.encode().as_slice()).map_err(|e| err("write tail")(e.into()))?;
				true
			} else {
				false
			}
		};
		txn.commit().map_err(|e| err("commit")(e.into()))?;
		Ok(adopted)
	}
}

fn read_tail(meta: &impl ReadableTable<&'static str, &'static [u8]>) -> Result<Tail, StoreError> {
	match meta.get("tail").map_err(|e| err("read tail")(e.into()))? {
		Some(bytes) => Tail::decode(&mut bytes.value()).map_err(|e| StoreError(format!("corrupt tail: {e}"))),
		None => Ok(Tail::default()),
	}
}

fn read_stuck(meta: &impl ReadableTable<&'static str, &'static [u8]>) -> Result<Option<Stuck>, StoreError> {
	match meta.get("stuck").map_err(|e| err("read stuck")(e.into()))? {
		Some(bytes) => Stuck::decode(&mut bytes.value()).map(Some).map_err(|e| StoreError(format!("corrupt stuck mark: {e}"))),
		None => Ok(None),
	}
}

fn read_entry(records: &impl ReadableTable<u64, &'static [u8]>, seq: u64) -> Result<Option<Entry>, StoreError> {
	match records.get(seq).map_err(|e| err("read record")(e.into()))? {
		Some(bytes) => Entry::decode(&mut bytes.value())
			.map(Some)
			.map_err(|e| StoreError(format!("corrupt record #{seq}: {e}"))),
		None => Ok(None),
	}
}

/// Why records were not set aside.
#[derive(Debug)]
pub enum SetAsideError {
	/// The request does not fit the outbox; why.
	Refused(String),
	Store(StoreError),
}

impl core::fmt::Display for SetAsideError {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		match self {
			SetAsideError::Refused(why) => write!(f, "{why}"),
			SetAsideError::Store(e) => e.fmt(f),
		}
	}
}

/// Why the outbox cannot go on sending.
#[derive(Debug)]
pub enum SettleError {
	Divergence(outbox::Divergence),
	Store(StoreError),
}

impl core::fmt::Display for SettleError {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		match self {
			SettleError::Divergence(d) => d.fmt(f),
			SettleError::Store(e) => e.fmt(f),
		}
	}
}

impl Store {
	/// Brings the outbox in line with the chain's `head` (a finalized block's view of this
	/// device): marks done the pending records the head covers, and returns the next ones to
	/// send (at most `max`, in order; empty when all is done). This is the one place the agent
	/// decides what to send, after a crash the same as in steady running.
	pub fn settle(&self, head: &outbox::Head, max: usize) -> Result<Vec<Entry>, SettleError> {
		let mut tail = self.tail().map_err(SettleError::Store)?;
		// Only an outbox that never numbered a record writes here (a write is an fsync, and this
		// runs every round on a device whose storage may be an SD card).
		if tail.last_seq == 0 && head.last_seq > 0 {
			let head_tail = Tail { last_seq: head.last_seq, last_hash: head.last_hash };
			if self.adopt_head(head_tail).map_err(SettleError::Store)? {
				tail = head_tail;
			}
		}
		// Pending records run without a gap up to the tail; read only those the head can cover,
		// plus one batch.
		let depth = self.depth().map_err(SettleError::Store)?;
		let first_pending = (tail.last_seq + 1).saturating_sub(depth);
		let coverable = (head.last_seq + 1).saturating_sub(first_pending) as usize;
		let pending = self.pending(coverable.saturating_add(max)).map_err(SettleError::Store)?;
		let covered = outbox::reconcile(tail, &pending, head).map_err(SettleError::Divergence)?;
		// Covered entries are the first of `pending`, in order.
		let covered: Vec<_> = covered
			.into_iter()
			.zip(&pending)
			.map(|((seq, receipt), entry)| (seq, Some(record_hash(&entry.record)), receipt))
			.collect();
		self.mark(&covered).map_err(SettleError::Store)?;
		Ok(outbox::next_batch(&pending, head.last_seq, max).to_vec())
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::{outbox::tests::record, refusal::WRONG_VENUE};

	fn accept(store: &Store, id: &str) -> Result<Accepted, AcceptError> {
		store.accept(id, 0, |seq, prev| Ok(record(seq, prev, id)))
	}

	#[test]
	fn only_a_stuck_record_is_set_aside_and_the_records_behind_it_close_the_gap() {
		let dir = tempfile::tempdir().unwrap();
		let store = Store::open(&dir.path().join("outbox.redb")).unwrap();
		for id in ["a", "b", "c", "d"] {
			accept(&store, id).unwrap();
		}
		let receipt = Receipt::CoveredByHead { block_number: 1, block_hash: [1; 32] };
		store.mark_done(&[(1, receipt)]).unwrap();
		let before = store.pending(10).unwrap();
		let refused = |r: Result<Vec<SetAside>, SetAsideError>| match r {
			Err(SetAsideError::Refused(why)) => why,
			other => panic!("expected a refusal, got {other:?}"),
		};
		// Nothing is stuck: the chain may yet take #2, or hold it already.
		assert!(refused(store.set_aside(2, 1, "moved", 5)).contains("not stuck"));
		store.set_stuck(Some((2, WRONG_VENUE)), 7).unwrap();
		store.set_stuck(Some((2, WRONG_VENUE)), 9).unwrap();
		assert_eq!(store.stuck().unwrap(), Some(Stuck { seq: 2, code: WRONG_VENUE, since_ms: 7 }));
		assert!(refused(store.set_aside(3, 1, "moved", 5)).contains("#2 is"));
		assert!(refused(store.set_aside(2, 1, " ", 5)).contains("reason"));
		assert!(refused(store.set_aside(2, 4, "moved", 5)).contains("only 3 records wait"));
		// Nothing changed by the refusals.
		assert_eq!(store.pending(10).unwrap(), before);

		let set_aside = store.set_aside(2, 1, "the projector moved to Shanghai", 11).unwrap();
		assert_eq!(set_aside.len(), 1);
		assert_eq!((set_aside[0].entry.event_id.as_str(), set_aside[0].code, set_aside[0].at_ms), ("b", WRONG_VENUE, 11));
		assert_eq!(store.set_aside_records().unwrap(), set_aside);
		assert_eq!(store.stuck().unwrap(), None);
		// "c" and "d" are now #2 and #3, chained to #1.
		let pending = store.pending(10).unwrap();
		assert_eq!(pending.iter().map(|e| (e.seq(), e.event_id.as_str())).collect::<Vec<_>>(), vec![(2, "c"), (3, "d")]);
		let one = store.entry(1).unwrap().unwrap();
		assert_eq!(pending[0].record.prev_hash, record_hash(&one.record));
		assert_eq!(pending[1].record.prev_hash, record_hash(&pending[0].record));
		assert_eq!(store.tail().unwrap(), Tail { last_seq: 3, last_hash: record_hash(&pending[1].record) });
		// The events stay known: "b" is not numbered again, "c" is #2.
		assert!(matches!(accept(&store, "b"), Err(AcceptError::SetAside)));
		assert_eq!(accept(&store, "c").unwrap(), Accepted::Known(2));
		assert_eq!(accept(&store, "e").unwrap(), Accepted::New(4));
		// A receipt for the records as they were numbered before (a send that raced the
		// technician) marks nothing.
		store.mark_sent(&before[1..2], receipt).unwrap();
		assert_eq!(store.depth().unwrap(), 3);
		store.mark_sent(&pending[..1], receipt).unwrap();
		assert_eq!(store.depth().unwrap(), 2);
	}

	#[test]
	fn compaction_drops_old_settled_records_and_keeps_what_numbering_and_sending_need() {
		let dir = tempfile::tempdir().unwrap();
		let store = Store::open(&dir.path().join("outbox.redb")).unwrap();
		// Accepted at times 10, 20, 30, 40, 50; the first four done, the last pending.
		for (i, id) in ["a", "b", "c", "d", "e"].iter().enumerate() {
			store.accept(id, 10 * (i as u64 + 1), |seq, prev| Ok(record(seq, prev, id))).unwrap();
		}
		let receipt = Receipt::CoveredByHead { block_number: 1, block_hash: [1; 32] };
		store.mark_done(&[(1, receipt), (2, receipt), (3, receipt), (4, receipt)]).unwrap();
		let tail = store.tail().unwrap();
		// At most `max` per pass, oldest first; only what was accepted before the cutoff.
		assert_eq!(store.compact(35, 1).unwrap(), 1);
		assert_eq!(store.compact(35, 100).unwrap(), 2);
		assert_eq!(store.compact(35, 100).unwrap(), 0);
		assert!(store.entry(3).unwrap().is_none() && store.entry(4).unwrap().is_some());
		// A pending record is never dropped, however old.
		assert_eq!(store.compact(1_000, 100).unwrap(), 1);
		assert_eq!(store.pending(10).unwrap().iter().map(Entry::seq).collect::<Vec<_>>(), vec![5]);
		assert_eq!(store.tail().unwrap(), tail);
		// Numbering goes on from the tail; an id that went is recorded again, one still kept is not.
		assert_eq!(accept(&store, "e").unwrap(), Accepted::Known(5));
		assert_eq!(accept(&store, "a").unwrap(), Accepted::New(6));
		assert_eq!(store.entry(6).unwrap().unwrap().record.prev_hash, tail.last_hash);
	}
}
