//! The agent at work: takes events from the spool into the outbox, and sends the outbox to the
//! chain in order until every record is finalized — reconnecting, backing off and explaining
//! itself when the network, the chain or the device's registration stand in the way. What to
//! send is decided by [`Store::settle`] from the chain's view of the device; this module only
//! does the I/O around it.

use std::{path::PathBuf, sync::Arc, time::Duration};

use subxt::utils::AccountId32;
use subxt_signer::sr25519::Keypair;
use tokio::sync::Notify;

use subxt::transactions::TransactionInvalid;

use crate::{
	chain::{cinechain, limits},
	client::{self, ConnectError, Connection, Endpoint, Outcome, Refusal, Registration, Verdict},
	event::Site,
	outbox::{self, Entry, Receipt, Stuck},
	refusal::{self, Meaning},
	spool::{self, Taken},
	store::{SettleError, Store},
};

/// How often the spool is looked at.
pub const SPOOL_POLL: Duration = Duration::from_millis(500);
/// How long the agent idles between looks at the chain when nothing is pending (a new event
/// wakes it at once).
pub const IDLE_POLL: Duration = Duration::from_secs(6);
/// How long to wait when the device cannot record (not approved, suspended, over quota).
pub const BLOCKED_POLL: Duration = Duration::from_secs(12);

/// How long a read of the chain may take before the connection counts as lost.
pub const READ_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a sent record may take to reach a finalized block before it is sent again (a
/// record that did get in meanwhile is then refused as already recorded, which is success).
pub const SEND_TIMEOUT: Duration = Duration::from_secs(120);

/// Milliseconds since the Unix epoch by this device's clock.
pub fn now_ms() -> u64 {
	std::time::SystemTime::now()
		.duration_since(std::time::UNIX_EPOCH)
		.map(|d| d.as_millis() as u64)
		.unwrap_or(0)
}

/// Prints one line of the agent's log (stderr; journald or the supervisor keeps it).
pub fn log(line: impl AsRef<str>) {
	eprintln!("[projector] {}", line.as_ref());
}

/// Everything the agent needs to work.
pub struct Agent {
	pub store: Arc<Store>,
	pub key: Keypair,
	/// The key came from `--dev-key`: it may sign on development chains only.
	pub development_key: bool,
	pub endpoint: Endpoint,
	pub site: Site,
}

/// Why a session with the chain ended.
enum Ended {
	/// The record the caller waited for is done.
	Done,
	/// The connection failed; reconnect.
	Lost(String),
}

impl Agent {
	fn account(&self) -> AccountId32 {
		self.key.public_key().into()
	}

	/// Daemon mode: takes events from `spool` and sends records, forever.
	/// Done records older than `compact_after` (and their event ids) are dropped from the
	/// outbox, once an hour (see [`Store::compact`]).
	pub async fn run(self, spool: PathBuf, compact_after: Duration) -> Result<(), String> {
		std::fs::create_dir_all(&spool).map_err(|e| format!("cannot create the spool {}: {e}", spool.display()))?;
		let wake = Arc::new(Notify::new());
		let (store, site, notify) = (self.store.clone(), self.site, wake.clone());
		log(format!("watching the spool {}", spool.display()));
		tokio::spawn(async move {
			let mut compacted: Option<std::time::Instant> = None;
			loop {
				// File and database work blocks: off the runtime that drives the light client.
				let (store, spool, notify) = (store.clone(), spool.clone(), notify.clone());
				let compact = compacted.is_none_or(|at| at.elapsed() >= COMPACT_EVERY);
				let looked = tokio::task::spawn_blocking(move || {
					take_spool(&store, &site, &spool, &notify);
					if compact {
						compact_outbox(&store, compact_after);
					}
				});
				if let Err(e) = looked.await {
					log(format!("the spool look failed: {e}"));
				}
				if compact {
					compacted = Some(std::time::Instant::now());
				}
				tokio::time::sleep(SPOOL_POLL).await;
			}
		});
		self.send_until(None, &wake).await
	}

	/// Sends until the record `seq` is done (or forever, for `None`).
	pub async fn send_until(&self, seq: Option<u64>, wake: &Notify) -> Result<(), String> {
		let mut failures = 0u32;
		loop {
			if let Some(seq) = seq {
				if self.is_done(seq)? {
					return Ok(());
				}
			}
			match client::connect(&self.endpoint, self.development_key).await {
				Ok(connection) => {
					failures = 0;
					match self.session(&connection, seq, wake).await? {
						Ended::Done => return Ok(()),
						Ended::Lost(why) => log(format!("lost the chain: {why}; reconnecting")),
					}
				},
				Err(ConnectError::Refused(why)) => return Err(why),
				Err(ConnectError::Failed(e)) => log(format!("cannot reach the chain: {e}")),
			}
			tokio::time::sleep(outbox::retry_delay(failures)).await;
			failures = failures.saturating_add(1);
		}
	}

	fn is_done(&self, seq: u64) -> Result<bool, String> {
		let entry = self.store.entry(seq).map_err(|e| e.to_string())?;
		Ok(matches!(entry, Some(Entry { state: outbox::State::Done(_), .. })))
	}

	/// One connection's worth of sending. Returns `Err` only for what the agent cannot go on
	/// from (its own database failing).
	async fn session(&self, connection: &Connection, until: Option<u64>, wake: &Notify) -> Result<Ended, String> {
		let client = &connection.client;
		let account = self.account();
		let mut failures = 0u32;
		let mut problems = Problems::default();
		let mut synced = false;
		let mut narrow: Option<usize> = None;
		let mut last_recheck: Option<std::time::Instant> = None;
		loop {
			if let Some(seq) = until {
				if self.is_done(seq)? {
					return Ok(Ended::Done);
				}
			}
			let view = match tokio::time::timeout(READ_TIMEOUT, client::device_view(client, &account)).await {
				Ok(Ok(view)) => view,
				Ok(Err(e)) => return Ok(Ended::Lost(e)),
				Err(_) => return Ok(Ended::Lost(format!("no answer from the chain within {} s", READ_TIMEOUT.as_secs()))),
			};
			if !synced {
				synced = true;
				let device = view.device.map_or("not registered".into(), |d| format!("device #{d}"));
				log(format!(
					"synced: finalized block #{}, {device}, last record on chain #{}",
					view.head.block_number, view.head.last_seq
				));
			}
			match view.registration {
				Registration::Active => {},
				blocked => {
					problems.report(blocked_reason(&blocked, &account));
					idle(wake, BLOCKED_POLL).await;
					continue;
				},
			}
			let batch = match self.store.settle(&view.head, limits::MAX_BATCH) {
				Ok(batch) => batch,
				Err(SettleError::Store(e)) => return Err(e.to_string()),
				Err(SettleError::Divergence(d)) => {
					problems.report(format!("cannot send: {d}"));
					idle(wake, BLOCKED_POLL).await;
					continue;
				},
			};
			// A record that ends too far ahead of the chain's clock would be refused: the
			// projector's clock is wrong. Hold it (and the ones after it) until time catches up.
			// (At genesis the chain has no time yet: nothing to compare with.)
			let latest_end = match view.chain_now_ms {
				0 => u64::MAX,
				now => now + limits::MAX_CLOCK_SKEW_MS,
			};
			let sendable = batch.iter().take_while(|e| e.record.ended_at <= latest_end).count();
			if sendable == 0 {
				if let Some(first) = batch.first() {
					problems.report(format!(
						"record #{} ends {} s after the chain's time: this projector's clock is ahead; \
						 fix its time source (NTP). The record waits until the chain's time passes it.",
						first.seq(),
						(first.record.ended_at - view.chain_now_ms) / 1000
					));
				}
				idle(wake, IDLE_POLL).await;
				continue;
			}
			// After a batch the chain refused for good, only the records before the first refused
			// one go (see `accepted_prefix`).
			let sendable = narrow.take().map_or(sendable, |n| n.min(sendable));
			let batch = &batch[..sendable];
			let (first, last) = (batch[0].seq(), batch[sendable - 1].seq());
			match self.store.stuck().map_err(|e| e.to_string())? {
				Some(stuck) if stuck.seq == first => {
					// Asked again now and then, for free (validation only): a registrar may have
					// corrected the registry meanwhile.
					let due = last_recheck.is_none_or(|at: std::time::Instant| at.elapsed() >= STUCK_RECHECK);
					let verdict = if due { Some(judge(client, &self.key, &batch[..1]).await) } else { None };
					match verdict {
						Some(Verdict::Valid) => {
							log(format!("record #{first} is no longer refused by the chain; sending it"));
							self.store.set_stuck(None, now_ms()).map_err(|e| e.to_string())?;
							last_recheck = None;
							continue;
						},
						Some(_) => last_recheck = Some(std::time::Instant::now()),
						None => {},
					}
					problems.report(self.stuck_report(&stuck, &batch[0], view.cinema));
					idle(wake, BLOCKED_POLL).await;
					continue;
				},
				// Settled or set aside since.
				Some(_) => self.store.set_stuck(None, now_ms()).map_err(|e| e.to_string())?,
				None => {},
			}
			let outcome = tokio::time::timeout(SEND_TIMEOUT, send(client, &self.key, batch)).await.unwrap_or_else(|_| {
				Outcome::Refused(Refusal::unjudged(format!("not finalized within {} s", SEND_TIMEOUT.as_secs())))
			});
			match outcome {
				Outcome::Succeeded { block_number, block_hash, events } => {
					let receipt = Receipt::Extrinsic { block_number, block_hash, extrinsic_index: events.extrinsic_index() as u32 };
					self.store.mark_sent(batch, receipt).map_err(|e| e.to_string())?;
					log(format!("recorded #{first}..#{last} in finalized block #{block_number}"));
					failures = 0;
					problems.clear();
				},
				Outcome::Refused(refused) => match refusal::meaning(&refused) {
					// Already on chain: the next round's head covers it.
					Meaning::AlreadyRecorded => {},
					Meaning::NotNow(why) => {
						problems.report(format!("{why}; records #{first}..#{last} wait"));
						let wait = if refused.code() == Some(refusal::OVER_QUOTA) { BLOCKED_POLL * 5 } else { BLOCKED_POLL };
						idle(wake, wait).await;
					},
					Meaning::Never(code) => match accepted_prefix(client, &self.key, batch, code).await {
						Some((0, code)) => {
							self.store.set_stuck(Some((first, code)), now_ms()).map_err(|e| e.to_string())?;
							last_recheck = Some(std::time::Instant::now());
						},
						Some((taken, _)) => narrow = Some(taken),
						// The connection failed while asking: the next round asks again.
						None => idle(wake, BLOCKED_POLL).await,
					},
					Meaning::Transient => {
						failures += 1;
						log(format!("records #{first}..#{last} not accepted ({refused}); retrying"));
						if failures >= 3 {
							return Ok(Ended::Lost(refused.to_string()));
						}
						tokio::time::sleep(outbox::retry_delay(failures)).await;
					},
				},
				Outcome::FailedWith { pallet, error } => {
					problems.report(format!("records #{first}..#{last} failed on chain: {pallet}::{error}; retrying later"));
					idle(wake, BLOCKED_POLL).await;
				},
				Outcome::FailedOther(message) => {
					problems.report(format!("records #{first}..#{last} failed on chain: {message}; retrying later"));
					idle(wake, BLOCKED_POLL).await;
				},
			}
		}
	}

	/// What the log and `status` say about a stuck record.
	fn stuck_report(&self, stuck: &Stuck, entry: &Entry, chain_cinema: Option<u32>) -> String {
		format!(
			"record #{} is stuck: the chain refuses it for good ({}), and the {} records behind it wait. {}",
			stuck.seq,
			refusal::name(stuck.code),
			self.store.depth().unwrap_or(1).saturating_sub(1),
			refusal::advice(stuck.code, stuck.seq, entry.record.venue.cinema, chain_cinema)
		)
	}
}

/// How often the outbox is compacted.
pub const COMPACT_EVERY: Duration = Duration::from_secs(3600);
/// Most records one compaction transaction drops (a short write on an SD card).
pub const COMPACT_BATCH: usize = 1000;

/// Drops done records accepted more than `age` ago, a batch at a time.
fn compact_outbox(store: &Store, age: Duration) {
	let cutoff = now_ms().saturating_sub(age.as_millis() as u64);
	let mut total = 0;
	loop {
		match store.compact(cutoff, COMPACT_BATCH) {
			Ok(0) => break,
			Ok(n) => total += n,
			Err(e) => return log(format!("cannot compact the outbox: {e}")),
		}
	}
	if total > 0 {
		log(format!("compacted the outbox: {total} records finalized more than {} days ago dropped", age.as_secs() / 86_400));
	}
}

/// How often a stuck record is asked about again.
pub const STUCK_RECHECK: Duration = Duration::from_secs(600);

/// How many leading records of `batch`, which the chain refused for good with `code`, it would
/// take, and the code it gives the first one it refuses; `None` if the chain could not be
/// asked. The runtime checks a batch's records in order, so every prefix up to the first bad
/// record passes and every longer one fails: a bisection over prefix lengths, judged without
/// submitting (about log2 of the batch's length runtime calls).
async fn accepted_prefix(client: &crate::chain::Client, key: &Keypair, batch: &[Entry], code: u8) -> Option<(usize, u8)> {
	// `taken` records pass; the first `refused` do not, with `code`.
	let (mut taken, mut refused, mut code) = (0, batch.len(), code);
	while refused - taken > 1 {
		let mid = (taken + refused) / 2;
		match judge(client, key, &batch[..mid]).await {
			Verdict::Valid => taken = mid,
			Verdict::Invalid(TransactionInvalid::Custom(c)) => (refused, code) = (mid, c),
			_ => return None,
		}
	}
	Some((taken, code))
}

/// Says each problem once, not on every round, until it changes or clears.
#[derive(Default)]
struct Problems {
	last: String,
}

impl Problems {
	fn report(&mut self, problem: String) {
		if problem != self.last {
			log(&problem);
			self.last = problem;
		}
	}

	fn clear(&mut self) {
		self.last.clear();
	}
}

/// What a technician should know when the device cannot record.
pub fn blocked_reason(registration: &Registration, account: &AccountId32) -> String {
	match registration {
		Registration::Unknown => format!(
			"this device ({account}) is not registered yet: run `cinechain-projector register`; \
			 screenings are kept in the outbox meanwhile"
		),
		Registration::Requested => {
			format!("this device ({account}) waits for a registrar to approve its registration")
		},
		Registration::Suspended { reason } => format!(
			"this device is suspended by a supervisor (reason code {reason}); screenings are kept in the \
			 outbox until it is resumed"
		),
		Registration::Revoked { reason } => format!(
			"this device is revoked (reason code {reason}) and can never record again; its outbox keeps \
			 what it could not send"
		),
		Registration::Active => "this device is active".into(),
	}
}

/// `$then` with `$call` bound to the call that carries `batch`: `record_screening` for one
/// record, else `record_screenings` (the two calls' payloads are different types).
macro_rules! with_call {
	($batch:expr, |$call:ident| $then:expr) => {
		if let [one] = $batch {
			let $call = cinechain::transactions().screenings().record_screening(one.record.clone());
			$then
		} else {
			let records = $batch.iter().map(|e| e.record.clone()).collect();
			let $call = cinechain::transactions().screenings().record_screenings(crate::chain::BoundedVec(records));
			$then
		}
	};
}

/// Sends `batch` as one extrinsic.
async fn send(client: &crate::chain::Client, key: &Keypair, batch: &[Entry]) -> Outcome {
	with_call!(batch, |call| client::submit(client, &call, key).await)
}

/// The runtime's judgement of `batch` as [`send`] would send it, without sending it.
async fn judge(client: &crate::chain::Client, key: &Keypair, batch: &[Entry]) -> Verdict {
	with_call!(batch, |call| client::judge(client, &call, key).await)
}

/// Waits `timeout`, or less if a new record arrives.
async fn idle(wake: &Notify, timeout: Duration) {
	let _ = tokio::time::timeout(timeout, wake.notified()).await;
}

/// Takes what waits in the spool into the outbox; wakes the sender if anything new arrived.
pub fn take_spool(store: &Store, site: &Site, spool: &std::path::Path, wake: &Notify) {
	let files = match spool::waiting(spool, 1000) {
		Ok(files) => files,
		Err(e) => return log(e),
	};
	let mut new = false;
	for file in files {
		match spool::take(store, site, &file, now_ms()) {
			Ok(Taken::Recorded(seq)) => {
				new = true;
				log(format!("stored screening #{seq} from {}", file.display()));
			},
			Ok(Taken::AlreadyHad(seq)) => log(format!("{} was already stored as #{seq}", file.display())),
			// Moved to rejected/ with its reason, unless the reason says otherwise.
			Ok(Taken::Rejected(reason)) => log(format!("rejected {}: {reason}", file.display())),
			// The database failed: leave the file for the next look.
			Err(e) => return log(format!("cannot store {}: {e}", file.display())),
		}
	}
	if new {
		wake.notify_one();
	}
}
