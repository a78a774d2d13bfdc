//! Every call's success and every error of the screenings pallet, its pool gate, and property
//! tests of the sequence and hash-chain rules.

use crate::{mock::*, rules, types::*, CheckScreening, Error, Event, Flags, Heads};
use cinechain_primitives::refusal;
use frame_support::{assert_noop, assert_ok, dispatch::GetDispatchInfo, BoundedVec};
use sp_runtime::{
	traits::DispatchTransaction,
	transaction_validity::{InvalidTransaction, TransactionSource, TransactionValidityError, ValidTransaction},
	DispatchError, DispatchResult,
};

fn signed(who: &AccountId) -> RuntimeOrigin {
	RuntimeOrigin::signed(who.clone())
}

fn device() -> AccountId {
	device_key(1)
}

fn batch(records: Vec<ScreeningRecord>) -> BoundedVec<ScreeningRecord, ConstBatch> {
	BoundedVec::try_from(records).expect("within the batch bound")
}
type ConstBatch = frame_support::traits::ConstU32<4>;

/// Records `n` screenings on device 0 and returns the head.
fn record_n(n: u64) -> DeviceHead {
	let head = Heads::<Test>::get(0);
	for r in chain_after(head.last_seq, head.last_hash, n) {
		assert_ok!(Screenings::record_screening(signed(&device()), r));
	}
	Heads::<Test>::get(0)
}

fn check() {
	Screenings::do_try_state().expect("invariants hold");
}

#[test]
fn a_device_records_a_chain_of_screenings() {
	new_test_ext().execute_with(|| {
		let first = record(1, [0; 32]);
		assert_ok!(Screenings::record_screening(signed(&device()), first.clone()));
		assert_eq!(
			events(),
			vec![Event::ScreeningRecorded { device: 0, seq: 1, record_hash: first.hash(), record: first.clone() }]
		);
		let second = record(2, first.hash());
		assert_ok!(Screenings::record_screening(signed(&device()), second.clone()));
		let head = Heads::<Test>::get(0);
		assert_eq!((head.last_seq, head.last_hash), (2, second.hash()));
		assert_eq!(Heads::<Test>::get(1), DeviceHead::default(), "other devices are untouched");
		check();
	});
}

#[test]
fn a_batch_is_recorded_all_or_nothing() {
	new_test_ext().execute_with(|| {
		let records = chain_after(0, [0; 32], 3);
		assert_ok!(Screenings::record_screenings(signed(&device()), batch(records.clone())));
		assert_eq!(events().len(), 3);
		assert_eq!(Heads::<Test>::get(0).last_hash, records[2].hash());

		let mut broken = chain_after(3, records[2].hash(), 3);
		broken[2].prev_hash = [9; 32];
		assert_noop!(Screenings::record_screenings(signed(&device()), batch(broken)), Error::<Test>::BrokenHashChain);
		assert_noop!(Screenings::record_screenings(signed(&device()), batch(vec![])), Error::<Test>::EmptyBatch);
	});
}

#[test]
fn sequence_errors_change_nothing() {
	new_test_ext().execute_with(|| {
		let head = record_n(2);
		let again = chain_after(1, Heads::<Test>::get(0).last_hash, 1).remove(0);
		assert_noop!(Screenings::record_screening(signed(&device()), again), Error::<Test>::DuplicateRecord);
		assert_noop!(Screenings::record_screening(signed(&device()), record(4, head.last_hash)), Error::<Test>::SequenceGap);
		assert_noop!(Screenings::record_screening(signed(&device()), record(3, [1; 32])), Error::<Test>::BrokenHashChain);
	});
}

#[test]
fn content_errors() {
	new_test_ext().execute_with(|| {
		let base = record(1, [0; 32]);
		let try_with = |change: &dyn Fn(&mut ScreeningRecord)| {
			let mut r = base.clone();
			change(&mut r);
			Screenings::record_screening(signed(&device()), r)
		};
		assert_noop!(try_with(&|r| r.ended_at = r.started_at), Error::<Test>::EndBeforeStart);
		assert_noop!(try_with(&|r| r.started_at = r.ended_at - 9 * HOUR_MS), Error::<Test>::TooLong);
		assert_noop!(
			try_with(&|r| {
				r.ended_at = START_MS + 11 * 60 * 1000;
				r.started_at = r.ended_at - HOUR_MS;
			}),
			Error::<Test>::InFuture
		);
		assert_noop!(try_with(&|r| r.venue.cinema = OTHER_CINEMA), Error::<Test>::WrongVenue);
		assert_noop!(
			try_with(&|r| {
				r.film.cpl_id = None;
				r.film.film_code = None;
			}),
			Error::<Test>::NoFilm
		);
		assert_noop!(
			try_with(&|r| r.location = Some(Location { latitude: 91_000_000, longitude: 0 })),
			Error::<Test>::BadLocation
		);
		// Within the clock skew is fine; an aborted screening may be short.
		assert_ok!(try_with(&|r| {
			r.ended_at = START_MS + 5 * 60 * 1000;
			r.started_at = r.ended_at - 1;
			r.outcome = Outcome::Aborted { reason: 3 };
		}));
	});
}

#[test]
fn only_active_devices_record() {
	new_test_ext().execute_with(|| {
		assert_noop!(Screenings::record_screening(signed(&person(77)), record(1, [0; 32])), Error::<Test>::NotActiveDevice);
		assert_ok!(Devices::suspend_device(signed(&supervisor()), 0, 1));
		assert_noop!(Screenings::record_screening(signed(&device()), record(1, [0; 32])), Error::<Test>::NotActiveDevice);
		assert_noop!(Screenings::record_screening(RuntimeOrigin::none(), record(1, [0; 32])), DispatchError::BadOrigin);
	});
}

#[test]
fn records_are_feeless_only_for_active_devices() {
	use frame_support::dispatch::CheckIfFeeless;
	new_test_ext().execute_with(|| {
		let call = RuntimeCall::Screenings(crate::Call::record_screening { record: record(1, [0; 32]) });
		assert!(call.is_feeless(&signed(&device())));
		assert!(!call.is_feeless(&signed(&person(77))));
	});
}

#[test]
fn a_supervisor_flags_and_resolves() {
	new_test_ext().execute_with(|| {
		record_n(3);
		assert_ok!(Screenings::flag_screening(signed(&supervisor()), 0, 2, 17));
		assert_eq!(
			events().last(),
			Some(&Event::ScreeningFlagged { device: 0, seq: 2, reason: 17, supervisor: supervisor() })
		);
		assert_eq!(Heads::<Test>::get(0).open_flags, 1);
		assert_eq!(Flags::<Test>::get(0, 2).map(|f| f.reason), Some(17));
		check();

		assert_ok!(Screenings::resolve_flag(signed(&supervisor()), 0, 2, 1));
		assert_eq!(
			events().last(),
			Some(&Event::FlagResolved { device: 0, seq: 2, resolution: 1, supervisor: supervisor() })
		);
		assert_eq!(Heads::<Test>::get(0).open_flags, 0);
		check();
	});
}

#[test]
fn flag_errors() {
	new_test_ext().execute_with(|| {
		record_n(3);
		assert_noop!(Screenings::flag_screening(signed(&supervisor()), 9, 1, 1), Error::<Test>::UnknownDevice);
		assert_noop!(Screenings::flag_screening(signed(&supervisor()), 0, 4, 1), Error::<Test>::UnknownScreening);
		assert_noop!(Screenings::flag_screening(signed(&supervisor()), 0, 0, 1), Error::<Test>::UnknownScreening);
		assert_noop!(
			Screenings::flag_screening(signed(&shanghai_supervisor()), 0, 1, 1),
			pallet_supervisors::Error::<Test>::OutOfScope
		);
		assert_noop!(
			Screenings::flag_screening(signed(&device()), 0, 1, 1),
			pallet_supervisors::Error::<Test>::NoPermission
		);
		assert_ok!(Screenings::flag_screening(signed(&supervisor()), 0, 1, 1));
		assert_noop!(Screenings::flag_screening(signed(&supervisor()), 0, 1, 1), Error::<Test>::AlreadyFlagged);
		assert_ok!(Screenings::flag_screening(signed(&supervisor()), 0, 2, 1));
		assert_noop!(Screenings::flag_screening(signed(&supervisor()), 0, 3, 1), Error::<Test>::TooManyOpenFlags);

		assert_noop!(Screenings::resolve_flag(signed(&supervisor()), 0, 3, 1), Error::<Test>::NotFlagged);
		assert_noop!(
			Screenings::resolve_flag(signed(&shanghai_supervisor()), 0, 1, 1),
			pallet_supervisors::Error::<Test>::OutOfScope
		);
		assert_noop!(Screenings::resolve_flag(signed(&supervisor()), 9, 1, 1), Error::<Test>::UnknownDevice);
	});
}

mod pool_gate {
	use super::*;

	fn record_call(seq: u64, prev: Hash32) -> RuntimeCall {
		RuntimeCall::Screenings(crate::Call::record_screening { record: record(seq, prev) })
	}

	fn batch_call(records: Vec<ScreeningRecord>) -> RuntimeCall {
		RuntimeCall::Screenings(crate::Call::record_screenings { records: batch(records) })
	}

	/// What the pool's validation says: `provides` and `requires` tags, or the refusal.
	fn pool(who: &AccountId, call: &RuntimeCall) -> Result<ValidTransaction, TransactionValidityError> {
		CheckScreening::<Test>::new()
			.validate_only(signed(who), call, &call.get_dispatch_info(), 0, TransactionSource::External, 0)
			.map(|(validity, _, _)| validity)
	}

	fn validate(who: &AccountId, call: &RuntimeCall) -> Result<(), TransactionValidityError> {
		pool(who, call).map(|_| ())
	}

	/// Validates and includes `call` as a block would: the gate, then the call. The outer
	/// `Result` is the gate's answer, the inner one the call's.
	fn include(who: &AccountId, call: RuntimeCall) -> Result<DispatchResult, TransactionValidityError> {
		let info = call.get_dispatch_info();
		CheckScreening::<Test>::new()
			.dispatch_transaction(signed(who), call, &info, 0, 0)
			.map(|result| result.map(|_| ()).map_err(|e| e.error))
	}

	fn custom(code: u8) -> Result<(), TransactionValidityError> {
		Err(InvalidTransaction::Custom(code).into())
	}

	/// What `include` says of a transaction the gate refuses with `code`.
	fn refused(code: u8) -> Result<DispatchResult, TransactionValidityError> {
		Err(InvalidTransaction::Custom(code).into())
	}

	#[test]
	fn unknown_and_suspended_keys_are_refused() {
		new_test_ext().execute_with(|| {
			assert_eq!(validate(&person(77), &record_call(1, [0; 32])), custom(refusal::NOT_ACTIVE_DEVICE));
			assert_ok!(validate(&device(), &record_call(1, [0; 32])));
			assert_ok!(Devices::suspend_device(signed(&supervisor()), 0, 1));
			assert_eq!(validate(&device(), &record_call(1, [0; 32])), custom(refusal::NOT_ACTIVE_DEVICE));
		});
	}

	#[test]
	fn other_calls_pass_untouched() {
		new_test_ext().execute_with(|| {
			let remark = RuntimeCall::System(frame_system::Call::remark { remark: vec![] });
			assert_ok!(validate(&person(77), &remark));
		});
	}

	#[test]
	fn the_quota_counts_included_records_per_period() {
		new_test_ext().execute_with(|| {
			let records = chain_after(0, [0; 32], 4);
			assert_eq!(include(&device(), batch_call(records.clone())), Ok(Ok(())));
			assert_eq!(Heads::<Test>::get(0).used, 4);
			let head = Heads::<Test>::get(0);
			assert_eq!(validate(&device(), &batch_call(chain_after(4, head.last_hash, 2))), custom(refusal::OVER_QUOTA));
			assert_eq!(include(&device(), record_call(5, head.last_hash)), Ok(Ok(())));
			assert_eq!(Heads::<Test>::get(0).used, QUOTA);
			let head = Heads::<Test>::get(0);
			assert_eq!(validate(&device(), &record_call(6, head.last_hash)), custom(refusal::OVER_QUOTA));
			// The next period starts afresh.
			System::set_block_number(QUOTA_PERIOD + 1);
			assert_ok!(validate(&device(), &record_call(6, head.last_hash)));
			check();
		});
	}

	#[test]
	fn a_resubmitted_record_is_refused_as_already_recorded() {
		new_test_ext().execute_with(|| {
			record_n(2);
			assert_eq!(validate(&device(), &record_call(2, [0; 32])), custom(refusal::ALREADY_RECORDED));
			assert_eq!(validate(&device(), &batch_call(chain_after(1, [0; 32], 2))), custom(refusal::ALREADY_RECORDED));
			let used = Heads::<Test>::get(0).used;
			assert_eq!(include(&device(), record_call(1, [0; 32])), refused(refusal::ALREADY_RECORDED));
			assert_eq!(Heads::<Test>::get(0).used, used, "a refused resubmission costs nothing");
		});
	}

	#[test]
	fn records_the_call_would_refuse_never_enter_the_pool() {
		new_test_ext().execute_with(|| {
			let head = record_n(1);
			let next = |f: fn(&mut ScreeningRecord)| {
				let mut r = record(2, head.last_hash);
				f(&mut r);
				RuntimeCall::Screenings(crate::Call::record_screening { record: r })
			};
			assert_eq!(validate(&device(), &batch_call(vec![])), custom(refusal::EMPTY_BATCH));
			assert_eq!(validate(&device(), &record_call(2, [1; 32])), custom(refusal::BROKEN_HASH_CHAIN));
			assert_eq!(validate(&device(), &next(|r| r.ended_at = r.started_at)), custom(refusal::BAD_TIMES));
			assert_eq!(validate(&device(), &next(|r| r.ended_at = START_MS + HOUR_MS)), custom(refusal::RECORD_IN_FUTURE));
			assert_eq!(validate(&device(), &next(|r| r.venue.cinema += 1)), custom(refusal::WRONG_VENUE));
			assert_eq!(validate(&device(), &next(|r| { r.film.cpl_id = None; r.film.film_code = None })), custom(refusal::BAD_RECORD));
			// Inside a batch: the second record does not build on the first.
			let mut broken = chain_after(1, head.last_hash, 3);
			broken[2].prev_hash = [9; 32];
			assert_eq!(validate(&device(), &batch_call(broken.clone())), custom(refusal::BROKEN_HASH_CHAIN));
			// Nothing was counted or changed by any of them, and a block refuses them the same way.
			assert_eq!(include(&device(), batch_call(broken)), refused(refusal::BROKEN_HASH_CHAIN));
			assert_eq!(include(&device(), batch_call(vec![])), refused(refusal::EMPTY_BATCH));
			assert_eq!(Heads::<Test>::get(0), head);
		});
	}

	#[test]
	fn records_waiting_for_earlier_ones_are_ordered_by_their_hash_chain() {
		new_test_ext().execute_with(|| {
			let head = record_n(1);
			let records = chain_after(1, head.last_hash, 3);
			let first = pool(&device(), &record_call(2, head.last_hash)).unwrap();
			assert!(first.requires.is_empty(), "the next record builds on the head");
			let later = pool(&device(), &batch_call(records[1..].to_vec())).unwrap();
			assert_eq!(later.requires, first.provides, "the batch waits for record 2 in the pool");
			assert_ne!(later.provides, first.provides);
			assert!(first.priority > 0, "records outrank untipped transactions");
			// A block takes the batch only after record 2: before, it is not yet valid.
			assert_eq!(include(&device(), batch_call(records[1..].to_vec())), Err(InvalidTransaction::Future.into()));
			assert_eq!(include(&device(), record_call(2, head.last_hash)), Ok(Ok(())));
			assert_eq!(include(&device(), batch_call(records[1..].to_vec())), Ok(Ok(())));
			assert_eq!(Heads::<Test>::get(0).last_seq, 4);
			// A batch naming a predecessor that is not record 3 of this chain waits for a record
			// nobody will provide; in a block it is refused.
			assert_eq!(include(&device(), record_call(6, [3; 32])), Err(InvalidTransaction::Future.into()));
			check();
		});
	}
}

mod properties {
	use super::*;
	use proptest::prelude::*;
	use rules::{append, Limits, RecordError};

	fn limits() -> Limits {
		Limits { now_ms: START_MS, max_clock_skew_ms: 600_000, max_duration_ms: 8 * HOUR_MS }
	}

	proptest! {
		/// A chain built as devices build it is always accepted, and the head ends on its last
		/// record.
		#[test]
		fn well_formed_chains_are_accepted(n in 1u64..20, split in 0u64..20) {
			let records = chain_after(0, [0; 32], n);
			let split = (split % n) as usize;
			let mut head = DeviceHead::default();
			for part in [&records[..split], &records[split..]] {
				if !part.is_empty() {
					append(&mut head, part, CINEMA, &limits()).unwrap();
				}
			}
			prop_assert_eq!(head.last_seq, n);
			prop_assert_eq!(head.last_hash, records.last().unwrap().hash());
		}

		/// Any sequence number but last+1 is refused, and the head does not move.
		#[test]
		fn only_the_next_sequence_number_is_accepted(n in 1u64..10, seq in 0u64..30) {
			let records = chain_after(0, [0; 32], n);
			let mut head = DeviceHead::default();
			append(&mut head, &records, CINEMA, &limits()).unwrap();
			let before = head.clone();
			let candidate = record(seq, head.last_hash);
			let result = append(&mut head, &[candidate], CINEMA, &limits());
			if seq == n + 1 {
				prop_assert!(result.is_ok());
			} else {
				let expected = if seq <= n { RecordError::Duplicate } else { RecordError::Gap };
				prop_assert_eq!(result, Err((0, expected)));
				prop_assert_eq!(head, before);
			}
		}

		/// Changing any byte of any earlier record breaks the chain at the next record.
		#[test]
		fn tampering_with_a_record_breaks_the_chain(n in 2u64..10, victim in 0usize..9, byte in 0u8..=255) {
			let mut records = chain_after(0, [0; 32], n);
			let victim = victim % (n as usize - 1);
			let original = records[victim].clone();
			records[victim].film.title = BoundedVec::truncate_from(vec![byte; 3]);
			prop_assume!(records[victim] != original);
			let mut head = DeviceHead::default();
			prop_assert_eq!(
				append(&mut head, &records, CINEMA, &limits()),
				Err((victim + 1, RecordError::BrokenChain))
			);
			prop_assert_eq!(head, DeviceHead::default());
		}

		/// Whatever a block's gate lets in, the call takes: records from generated chains with
		/// random damage (sequence numbers, hashes, times, venue) either are refused by the gate
		/// or are recorded, never fail at dispatch.
		#[test]
		fn what_the_gate_admits_never_fails(
			damage in proptest::collection::vec((0usize..5, 0u8..6, 0u64..3), 1..12),
		) {
			new_test_ext().execute_with(|| {
				for (len, kind, amount) in damage {
					let head = Heads::<Test>::get(0);
					let mut records = chain_after(head.last_seq, head.last_hash, len as u64 % 4);
					if let Some(r) = records.last_mut() {
						match kind {
							0 => r.seq += amount,
							1 => r.prev_hash[0] ^= amount as u8,
							2 => r.ended_at = r.started_at.saturating_sub(amount),
							3 => r.venue.cinema += amount as u32,
							4 => r.ended_at += amount * 10 * HOUR_MS,
							_ => {},
						}
					}
					let call = RuntimeCall::Screenings(crate::Call::record_screenings {
						records: BoundedVec::truncate_from(records),
					});
					let info = call.get_dispatch_info();
					if let Ok(result) = CheckScreening::<Test>::new().dispatch_transaction(signed(&device()), call, &info, 0, 0) {
						prop_assert!(result.is_ok(), "admitted but failed: {:?}", result);
					}
				}
				Screenings::do_try_state().unwrap();
				Ok(())
			})?;
		}

		/// Quota use never exceeds the quota, whatever the order of requests and periods.
		#[test]
		fn the_quota_is_never_exceeded(requests in proptest::collection::vec((0u32..4, 1u32..6), 1..40)) {
			let mut head = DeviceHead::default();
			let mut period = 0;
			for (advance, n) in requests {
				period += advance / 3;
				if rules::quota_allows(&head, period, n, QUOTA) {
					rules::consume_quota(&mut head, period, n);
				}
				prop_assert!(rules::quota_used(&head, period) <= QUOTA);
			}
		}
	}
}
