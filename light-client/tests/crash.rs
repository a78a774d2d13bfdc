//! The outbox survives a crash at any point: each event ends on the chain exactly once, in the
//! order it was accepted. No network here — a simulated chain applies the pallet's sequence rule
//! (next number, previous hash) — but the outbox is the real redb database, closed and reopened
//! to stand in for `kill -9` or a power cut.

use std::{fs, path::Path};

use cinechain_projector::{
	chain::{record_hash, ScreeningRecord},
	event::Site,
	outbox::{Entry, Head, Receipt, State},
	spool::{self, Taken},
	store::Store,
};
use proptest::prelude::*;

const SITE: Site = Site { cinema: 11_010_501, location: None };

/// A chain as far as the outbox can tell: the device's records, appended by the pallet's rule.
#[derive(Default)]
struct SimChain {
	records: Vec<ScreeningRecord>,
	block: u32,
}

impl SimChain {
	fn head(&self) -> Head {
		let last = self.records.last();
		Head {
			last_seq: last.map_or(0, |r| r.seq),
			last_hash: last.map_or([0; 32], record_hash),
			block_number: self.block,
			block_hash: [self.block as u8; 32],
		}
	}

	/// One extrinsic: all its records or none (`Err`: refused as already recorded, or broken).
	fn apply(&mut self, batch: &[Entry]) -> Result<Receipt, &'static str> {
		let mut head = self.head();
		for entry in batch {
			if entry.seq() <= head.last_seq {
				return Err("already recorded");
			}
			if entry.seq() != head.last_seq + 1 || entry.record.prev_hash != head.last_hash {
				return Err("sequence broken");
			}
			head.last_seq = entry.seq();
			head.last_hash = record_hash(&entry.record);
		}
		self.block += 1;
		self.records.extend(batch.iter().map(|e| e.record.clone()));
		Ok(Receipt::Extrinsic { block_number: self.block, block_hash: [self.block as u8; 32], extrinsic_index: 1 })
	}

	fn titles(&self) -> Vec<String> {
		self.records.iter().map(|r| String::from_utf8(r.film.title.0.clone()).unwrap()).collect()
	}
}

fn event_json(title: &str) -> String {
	format!(
		r#"{{"id":"{title}","film":{{"title":"{title}","film_code":"F-1"}},"projectionist":"P-1","hall":2,
		"started_at":1000,"ended_at":7201000,"outcome":"completed"}}"#
	)
}

/// The playback system drops event `title` into the spool.
fn drop_event(spool: &Path, title: &str) {
	fs::write(spool.join(format!("{title}.json")), event_json(title)).unwrap();
}

/// One round of sending, as the agent does it: settle with the chain's head, send one batch,
/// keep the receipt.
fn send_round(store: &Store, chain: &mut SimChain, batch_size: usize) {
	let batch = store.settle(&chain.head(), batch_size).expect("outbox and chain agree");
	if batch.is_empty() {
		return;
	}
	let receipt = chain.apply(&batch).expect("the outbox sends the next records in order");
	let done: Vec<(u64, Receipt)> = batch.iter().map(|e| (e.seq(), receipt)).collect();
	store.mark_done(&done).unwrap();
}

/// Runs the agent until the spool is empty and every record is done.
fn drain(store: &Store, spool: &Path, chain: &mut SimChain) {
	for file in spool::waiting(spool, 1000).unwrap() {
		spool::take(store, &SITE, &file, 0).unwrap();
	}
	for _ in 0..100 {
		if store.depth().unwrap() == 0 {
			break;
		}
		send_round(store, chain, 3);
	}
	// The last round's effects are in the store; one more settle finds nothing to send.
	assert!(store.settle(&chain.head(), 3).unwrap().is_empty());
	assert_eq!(store.depth().unwrap(), 0);
}

fn all_done(store: &Store, n: u64) {
	for seq in 1..=n {
		let entry = store.entry(seq).unwrap().expect("every record is kept");
		assert!(matches!(entry.state, State::Done(_)), "record #{seq} is not done: {entry:?}");
	}
	assert!(store.entry(n + 1).unwrap().is_none());
}

/// The steps of handling one event, in order; the crash comes after step `crash_after`.
const STEPS: [&str; 5] = ["stored", "spool file removed", "settled", "sent", "receipt kept"];

#[test]
fn a_crash_between_any_two_steps_loses_nothing_and_duplicates_nothing() {
	for crash_after in 0..STEPS.len() {
		let dir = tempfile::tempdir().unwrap();
		let (spool, db) = (dir.path().join("spool"), dir.path().join("outbox.redb"));
		fs::create_dir_all(&spool).unwrap();
		let mut chain = SimChain::default();
		let mut store = Store::open(&db).unwrap();
		for title in ["a", "b"] {
			drop_event(&spool, title);
		}
		drain(&store, &spool, &mut chain);

		// Event "c", step by step, with a crash after step `crash_after`.
		drop_event(&spool, "c");
		let file = spool.join("c.json");
		let steps_done = (|| {
			let accepted = store.accept("c", 0, |seq, prev| {
				cinechain_projector::event::to_record(&cinechain_projector::event::parse(event_json("c").as_bytes())?, &SITE, seq, prev)
			});
			assert!(accepted.is_ok());
			if crash_after == 0 {
				return 1;
			}
			fs::remove_file(&file).unwrap();
			if crash_after == 1 {
				return 2;
			}
			let batch = store.settle(&chain.head(), 3).unwrap();
			if crash_after == 2 {
				return 3;
			}
			let receipt = chain.apply(&batch).unwrap();
			if crash_after == 3 {
				return 4;
			}
			store.mark_done(&[(batch[0].seq(), receipt)]).unwrap();
			5
		})();
		assert_eq!(steps_done, crash_after + 1);

		// kill -9: the process and everything in its memory are gone; the disk remains.
		drop(store);
		store = Store::open(&db).unwrap();
		drop_event(&spool, "d");
		drain(&store, &spool, &mut chain);

		let context = format!("crash after \"{}\"", STEPS[crash_after]);
		assert_eq!(chain.titles(), vec!["a", "b", "c", "d"], "{context}");
		all_done(&store, 4);
		// A record the chain got while the agent was down is proven by the head, not lost.
		let receipt = match store.entry(3).unwrap().unwrap().state {
			State::Done(receipt) => receipt,
			State::Pending => unreachable!(),
		};
		if crash_after == 3 {
			assert!(matches!(receipt, Receipt::CoveredByHead { .. }), "{context}: {receipt:?}");
		} else {
			assert!(matches!(receipt, Receipt::Extrinsic { .. }), "{context}: {receipt:?}");
		}
		assert!(spool::waiting(&spool, 10).unwrap().is_empty(), "{context}");
	}
}

#[test]
fn a_power_cut_inside_a_write_leaves_no_half_record() {
	let dir = tempfile::tempdir().unwrap();
	let db = dir.path().join("outbox.redb");
	let store = Store::open(&db).unwrap();
	let good = |title: &'static str| {
		move |seq, prev| {
			cinechain_projector::event::to_record(
				&cinechain_projector::event::parse(event_json(title).as_bytes()).unwrap(),
				&SITE,
				seq,
				prev,
			)
		}
	};
	store.accept("a", 0, good("a")).unwrap();
	// The process dies while the write transaction is open (here: a panic inside it).
	let died = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
		let _ = store.accept("b", 0, |_, _| -> Result<ScreeningRecord, String> { panic!("power cut") });
	}));
	assert!(died.is_err());
	drop(store);
	let store = Store::open(&db).unwrap();
	assert_eq!(store.tail().unwrap().last_seq, 1);
	assert_eq!(store.depth().unwrap(), 1);
	// "b" was never stored, so it is stored now, as #2, chained to #1.
	assert_eq!(store.accept("b", 0, good("b")).unwrap().seq(), 2);
	let (one, two) = (store.entry(1).unwrap().unwrap(), store.entry(2).unwrap().unwrap());
	assert_eq!(two.record.prev_hash, record_hash(&one.record));
}

#[test]
fn a_bad_event_is_rejected_with_its_reason_and_blocks_nothing() {
	let dir = tempfile::tempdir().unwrap();
	let spool = dir.path().join("spool");
	fs::create_dir_all(&spool).unwrap();
	let store = Store::open(&dir.path().join("outbox.redb")).unwrap();
	fs::write(spool.join("1-bad.json"), r#"{"film":{"title":"x"}}"#).unwrap();
	fs::write(spool.join("2-toolong.json"), event_json("y").replace("7201000", "99999999")).unwrap();
	fs::write(spool.join(".3-partial.json"), "{").unwrap();
	fs::write(spool.join("4-big.json"), vec![b' '; 20_000]).unwrap();
	drop_event(&spool, "5-good");
	let taken: Vec<Taken> = spool::waiting(&spool, 10)
		.unwrap()
		.iter()
		.map(|f| spool::take(&store, &SITE, f, 0).unwrap())
		.collect();
	assert!(matches!(&taken[0], Taken::Rejected(r) if r.contains("not a screening event")));
	assert!(matches!(&taken[1], Taken::Rejected(r) if r.contains("more than the chain accepts")));
	assert!(matches!(&taken[2], Taken::Rejected(r) if r.contains("larger than")));
	assert_eq!(taken[3], Taken::Recorded(1));
	assert_eq!(taken.len(), 4, "dot-files are still being written and are left alone");
	let reason = fs::read_to_string(spool.join("rejected/1-bad.json.reason")).unwrap();
	assert!(reason.contains("missing field"), "{reason}");
	assert!(spool.join("rejected/2-toolong.json").exists());
	assert_eq!(store.tail().unwrap().last_seq, 1);
}

/// What may happen to the agent, in any order.
#[derive(Clone, Debug)]
enum Op {
	/// A new screening event arrives in the spool.
	Event,
	/// The playback system delivers an earlier event again.
	Redeliver(usize),
	/// The agent takes the spool into the outbox.
	TakeSpool,
	/// One round of sending, receipt kept.
	Send,
	/// The chain takes the next batch, but the agent dies before keeping the receipt.
	SendAndDie,
	/// kill -9 / power cut.
	Crash,
}

fn op() -> impl Strategy<Value = Op> {
	prop_oneof![
		3 => Just(Op::Event),
		1 => (0usize..20).prop_map(Op::Redeliver),
		2 => Just(Op::TakeSpool),
		2 => Just(Op::Send),
		1 => Just(Op::SendAndDie),
		1 => Just(Op::Crash),
	]
}

proptest! {
	#![proptest_config(ProptestConfig::with_cases(48))]

	#[test]
	fn any_interleaving_of_crashes_ends_with_every_event_once_in_order(ops in proptest::collection::vec(op(), 1..40)) {
		let dir = tempfile::tempdir().unwrap();
		let (spool, db) = (dir.path().join("spool"), dir.path().join("outbox.redb"));
		fs::create_dir_all(&spool).unwrap();
		let mut chain = SimChain::default();
		let mut store = Store::open(&db).unwrap();
		let mut events = 0usize;
		for op in ops {
			match op {
				Op::Event => {
					drop_event(&spool, &format!("e{events:03}"));
					events += 1;
				},
				Op::Redeliver(i) if i < events => drop_event(&spool, &format!("e{i:03}")),
				Op::Redeliver(_) => {},
				Op::TakeSpool => {
					for file in spool::waiting(&spool, 1000).unwrap() {
						spool::take(&store, &SITE, &file, 0).unwrap();
					}
				},
				Op::Send => send_round(&store, &mut chain, 2),
				Op::SendAndDie => {
					let batch = store.settle(&chain.head(), 2).unwrap();
					if !batch.is_empty() {
						chain.apply(&batch).unwrap();
					}
					drop(store);
					store = Store::open(&db).unwrap();
				},
				Op::Crash => {
					drop(store);
					store = Store::open(&db).unwrap();
				},
			}
		}
		drain(&store, &spool, &mut chain);
		// Every event on chain once, in the order the agent first took them (names sort in
		// arrival order, and the spool is taken in name order).
		let expected: Vec<String> = (0..events).map(|i| format!("e{i:03}")).collect();
		prop_assert_eq!(chain.titles(), expected);
		all_done(&store, events as u64);
	}
}
