//! The durable outbox: an embedded redb database in the agent's data directory. Each change is
//! one ACID transaction, committed to disk before the call returns, so a record is either fully
//! stored (numbered, chained, its event id remembered) or not at all, whatever moment the power
//! goes. Several processes may open it at once (the daemon and a technician's `record` or
//! `status`); one write transaction runs at a time, so numbering never races.

use std::path::Path;

use codec::{Decode, Encode};
use redb::{Builder, ConcurrencyMode, Database, ReadableDatabase, ReadableTable, ReadableTableMetadata, TableDefinition};

use crate::{
	chain::ScreeningRecord,
	outbox::{self, Entry, Receipt, State, Tail},
};

/// Every record, by sequence number (SCALE-encoded [`Entry`]).
const RECORDS: TableDefinition<u64, &[u8]> = TableDefinition::new("records");
/// Sequence numbers of the records not yet done.
const PENDING: TableDefinition<u64, ()> = TableDefinition::new("pending");
/// Event ids already accepted, and the record each became.
const EVENTS: TableDefinition<&str, u64> = TableDefinition::new("events");
/// The outbox's tail (`"tail"`, SCALE-encoded [`Tail`]).
const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta");

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
			if let Some(seq) = known {
				return Ok(Accepted::Known(seq));
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
		if done.is_empty() {
			return Ok(());
		}
		let txn = self.db.begin_write().map_err(|e| err("begin")(e.into()))?;
		{
			let mut records = txn.open_table(RECORDS).map_err(|e| err("open records")(e.into()))?;
			let mut pending = txn.open_table(PENDING).map_err(|e| err("open pending")(e.into()))?;
			for (seq, receipt) in done {
				let Some(mut entry) = read_entry(&records, *seq)? else { continue };
				entry.state = State::Done(*receipt);
				records.insert(*seq, entry.encode().as_slice()).map_err(|e| err("write record")(e.into()))?;
				pending.remove(*seq).map_err(|e| err("write pending")(e.into()))?;
			}
		}
		txn.commit().map_err(|e| err("commit")(e.into()))
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

fn read_entry(records: &impl ReadableTable<u64, &'static [u8]>, seq: u64) -> Result<Option<Entry>, StoreError> {
	match records.get(seq).map_err(|e| err("read record")(e.into()))? {
		Some(bytes) => Entry::decode(&mut bytes.value())
			.map(Some)
			.map_err(|e| StoreError(format!("corrupt record #{seq}: {e}"))),
		None => Ok(None),
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
		self.mark_done(&covered).map_err(SettleError::Store)?;
		Ok(outbox::next_batch(&pending, head.last_seq, max).to_vec())
	}
}
