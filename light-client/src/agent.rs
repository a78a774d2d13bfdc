//! The agent at work: takes events from the spool into the outbox, and sends the outbox to the
//! chain in order until every record is finalized — reconnecting, backing off and explaining
//! itself when the network, the chain or the device's registration stand in the way. What to
//! send is decided by [`Store::settle`] from the chain's view of the device; this module only
//! does the I/O around it.

use std::{path::PathBuf, sync::Arc, time::Duration};

use subxt::utils::AccountId32;
use subxt_signer::sr25519::Keypair;
use tokio::sync::Notify;

use crate::{
	chain::{cinechain, limits, refusal},
	client::{self, Connection, Endpoint, Outcome, Registration},
	event::Site,
	outbox::{self, Entry, Receipt},
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
	pub async fn run(self, spool: PathBuf) -> Result<(), String> {
		std::fs::create_dir_all(&spool).map_err(|e| format!("cannot create the spool {}: {e}", spool.display()))?;
		let wake = Arc::new(Notify::new());
		let (store, site, notify) = (self.store.clone(), self.site, wake.clone());
		log(format!("watching the spool {}", spool.display()));
		tokio::spawn(async move {
			loop {
				take_spool(&store, &site, &spool, &notify);
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
			match client::connect(&self.endpoint).await {
				Ok(connection) => {
					failures = 0;
					match self.session(&connection, seq, wake).await? {
						Ended::Done => return Ok(()),
						Ended::Lost(why) => log(format!("lost the chain: {why}; reconnecting")),
					}
				},
				Err(e) => log(format!("cannot reach the chain: {e}")),
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
			let batch = &batch[..sendable];
			let (first, last) = (batch[0].seq(), batch[sendable - 1].seq());
			let outcome = tokio::time::timeout(SEND_TIMEOUT, send(client, &self.key, batch)).await.unwrap_or_else(|_| {
				Outcome::Refused(format!("not finalized within {} s", SEND_TIMEOUT.as_secs()))
			});
			match outcome {
				Outcome::Succeeded { block_number, block_hash, events } => {
					let receipt = Receipt::Extrinsic { block_number, block_hash, extrinsic_index: events.extrinsic_index() as u32 };
					let done: Vec<(u64, Receipt)> = batch.iter().map(|e| (e.seq(), receipt)).collect();
					self.store.mark_done(&done).map_err(|e| e.to_string())?;
					log(format!("recorded #{first}..#{last} in finalized block #{block_number}"));
					failures = 0;
					problems.clear();
				},
				Outcome::Refused(message) => match refusal::code_in(&message) {
					// Already on chain: the next round's head covers it.
					Some(refusal::ALREADY_RECORDED) => {},
					Some(refusal::NOT_ACTIVE_DEVICE) => {
						problems.report("the chain refuses this device's records: it is not active".into());
						idle(wake, BLOCKED_POLL).await;
					},
					Some(refusal::OVER_QUOTA) => {
						problems.report("this device has used its record quota for the current period; waiting".into());
						idle(wake, BLOCKED_POLL * 5).await;
					},
					// The chain refuses these records as they are (the pool applies the call's
					// rules): say so and try again later; what the technician must do about a
					// record that can never pass is for `status` to tell.
					Some(
						code @ (refusal::EMPTY_BATCH |
						refusal::BROKEN_HASH_CHAIN |
						refusal::BAD_TIMES |
						refusal::RECORD_IN_FUTURE |
						refusal::WRONG_VENUE |
						refusal::BAD_RECORD),
					) => {
						problems.report(format!("the chain refuses records #{first}..#{last} (refusal code {code}); retrying later"));
						idle(wake, BLOCKED_POLL).await;
					},
					_ => {
						failures += 1;
						log(format!("records #{first}..#{last} not accepted ({message}); retrying"));
						if failures >= 3 {
							return Ok(Ended::Lost(message));
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

/// Sends `batch` as one extrinsic: a single record, or a batch.
async fn send(client: &crate::chain::Client, key: &Keypair, batch: &[Entry]) -> Outcome {
	if let [one] = batch {
		let call = cinechain::transactions().screenings().record_screening(one.record.clone());
		client::submit(client, &call, key).await
	} else {
		let records = batch.iter().map(|e| e.record.clone()).collect();
		let call = cinechain::transactions().screenings().record_screenings(crate::chain::BoundedVec(records));
		client::submit(client, &call, key).await
	}
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
