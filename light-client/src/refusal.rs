//! What the chain's refusal of this device's records means, and what to do about it: decided by
//! the runtime's typed verdict ([`Verdict`]), never by the wording of a message, which differs
//! between the light client, a node's pool and their versions.

use crate::client::{Refusal, Verdict};
use subxt::transactions::TransactionInvalid;

/// The pool's refusal codes (`InvalidTransaction::Custom`): the values of
/// `cinechain_primitives::refusal` (a test holds them equal), mirrored so the agent builds
/// without Substrate's runtime crates.
pub const NOT_ACTIVE_DEVICE: u8 = 1;
pub const OVER_QUOTA: u8 = 2;
pub const REGISTRATION_REFUSED: u8 = 3;
pub const KEY_ROTATION_REFUSED: u8 = 4;
pub const ALREADY_RECORDED: u8 = 5;
pub const EMPTY_BATCH: u8 = 6;
pub const BROKEN_HASH_CHAIN: u8 = 7;
pub const BAD_TIMES: u8 = 8;
pub const RECORD_IN_FUTURE: u8 = 9;
pub const WRONG_VENUE: u8 = 10;
pub const BAD_RECORD: u8 = 11;
pub const HEARTBEAT_TOO_SOON: u8 = 12;

/// The name of a refusal code, for logs and `status`.
pub fn name(code: u8) -> &'static str {
	match code {
		NOT_ACTIVE_DEVICE => "NOT_ACTIVE_DEVICE",
		OVER_QUOTA => "OVER_QUOTA",
		REGISTRATION_REFUSED => "REGISTRATION_REFUSED",
		KEY_ROTATION_REFUSED => "KEY_ROTATION_REFUSED",
		ALREADY_RECORDED => "ALREADY_RECORDED",
		EMPTY_BATCH => "EMPTY_BATCH",
		BROKEN_HASH_CHAIN => "BROKEN_HASH_CHAIN",
		BAD_TIMES => "BAD_TIMES",
		RECORD_IN_FUTURE => "RECORD_IN_FUTURE",
		WRONG_VENUE => "WRONG_VENUE",
		BAD_RECORD => "BAD_RECORD",
		HEARTBEAT_TOO_SOON => "HEARTBEAT_TOO_SOON",
		_ => "UNKNOWN",
	}
}

/// What a refusal of records means for the outbox.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Meaning {
	/// The chain already has them: the next look at the device's head settles them.
	AlreadyRecorded,
	/// The records are fine but the device may not record now (not active, over its quota, its
	/// clock ahead of the chain's, or an agent the runtime no longer understands): wait. The
	/// reason, for the log.
	NotNow(String),
	/// The chain refuses these records as they are and will go on refusing them (the code): the
	/// first refused record is stuck until a technician acts (see [`advice`]).
	Never(u8),
	/// Not a judgement of the records (dropped, the pool full, the connection broken, no
	/// verdict): send again after a back-off.
	Transient,
}

/// What `refusal` means for the records it refused.
pub fn meaning(refusal: &Refusal) -> Meaning {
	match &refusal.verdict {
		Verdict::Invalid(TransactionInvalid::Custom(code)) => match *code {
			ALREADY_RECORDED => Meaning::AlreadyRecorded,
			NOT_ACTIVE_DEVICE => Meaning::NotNow("the chain refuses this device's records: it is not active".into()),
			OVER_QUOTA => Meaning::NotNow("this device has used its record quota for the current period".into()),
			RECORD_IN_FUTURE => Meaning::NotNow(
				"the records end ahead of the chain's clock: this projector's clock is ahead; fix its time \
				 source (NTP)"
					.into(),
			),
			// EMPTY_BATCH, BROKEN_HASH_CHAIN, BAD_TIMES, WRONG_VENUE, BAD_RECORD, and codes this
			// agent does not know: sending the same bytes again cannot change the answer.
			code => Meaning::Never(code),
		},
		// The runtime does not know the call or the signed payload: every record would be
		// refused alike, so this is the agent's problem, not one record's.
		Verdict::Invalid(TransactionInvalid::Call | TransactionInvalid::BadProof | TransactionInvalid::BadSigner) => {
			Meaning::NotNow(format!(
				"the chain's runtime does not take this agent's transactions ({}): update cinechain-projector",
				refusal
			))
		},
		Verdict::Invalid(_) | Verdict::Unknown(_) | Verdict::Valid | Verdict::NotAsked => Meaning::Transient,
	}
}

/// What a technician must do about a record the chain refuses for good with `code`.
/// `record_cinema` is the cinema the record names; `chain_cinema` the device's cinema in the
/// registry, when known.
pub fn advice(code: u8, seq: u64, record_cinema: u32, chain_cinema: Option<u32>) -> String {
	let set_aside = format!(
		"set it aside: `cinechain-projector set-aside {seq} --reason \"...\"` (it stays in the outbox, \
		 listed by `status`, for the regulator; the records behind it are renumbered)"
	);
	match code {
		WRONG_VENUE => {
			let registered = chain_cinema.map_or("another cinema".into(), |c| format!("cinema {c}"));
			format!(
				"record #{seq} names cinema {record_cinema}, but the chain registers this device in {registered}. \
				 If the projector moved, set its new cinema (`cinechain-projector relocate --cinema <id>`), \
				 {set_aside}, with --count for every record made before the move, and restart the agent. \
				 If it did not move, ask a registrar to correct the device's cinema in the registry; the \
				 record then goes through by itself."
			)
		},
		BAD_TIMES | BAD_RECORD => format!(
			"record #{seq} breaks a rule of the chain's current runtime ({}). Its content cannot be \
			 changed (it is what the playback system reported), so {set_aside}.",
			name(code)
		),
		BROKEN_HASH_CHAIN => format!(
			"record #{seq} does not follow the chain's last record of this device: another holder of \
			 this device's key has recorded. Ask a supervisor to suspend the device and rotate its key."
		),
		other => format!(
			"the chain refuses record #{seq} ({}, code {other}); this agent cannot send it. Report \
			 it to the projector's maker, and {set_aside}.",
			name(other)
		),
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use subxt::transactions::TransactionUnknown;

	fn refused(verdict: Verdict) -> Refusal {
		// The wording is the light client's; it must not matter.
		Refusal { message: "Invalid transaction with custom error: 5".into(), verdict }
	}

	#[test]
	fn refusals_are_judged_by_the_runtimes_typed_verdict_not_the_message() {
		let custom = |code| refused(Verdict::Invalid(TransactionInvalid::Custom(code)));
		assert_eq!(meaning(&custom(ALREADY_RECORDED)), Meaning::AlreadyRecorded);
		for code in [NOT_ACTIVE_DEVICE, OVER_QUOTA, RECORD_IN_FUTURE] {
			assert!(matches!(meaning(&custom(code)), Meaning::NotNow(_)), "{}", name(code));
		}
		for code in [EMPTY_BATCH, BROKEN_HASH_CHAIN, BAD_TIMES, WRONG_VENUE, BAD_RECORD, 200] {
			assert_eq!(meaning(&custom(code)), Meaning::Never(code), "{}", name(code));
		}
		// The message says "custom error: 5", but without the runtime's verdict nothing is known.
		assert_eq!(meaning(&refused(Verdict::NotAsked)), Meaning::Transient);
		assert_eq!(meaning(&refused(Verdict::Valid)), Meaning::Transient);
		assert_eq!(meaning(&refused(Verdict::Unknown(TransactionUnknown::CannotLookup))), Meaning::Transient);
		assert_eq!(meaning(&refused(Verdict::Invalid(TransactionInvalid::Stale))), Meaning::Transient);
		assert_eq!(meaning(&refused(Verdict::Invalid(TransactionInvalid::ExhaustsResources))), Meaning::Transient);
		let outdated = meaning(&refused(Verdict::Invalid(TransactionInvalid::BadProof)));
		assert!(matches!(&outdated, Meaning::NotNow(why) if why.contains("update cinechain-projector")), "{outdated:?}");
	}

	#[test]
	fn the_advice_says_what_to_do_for_each_permanent_refusal() {
		let moved = advice(WRONG_VENUE, 7, 11_010_501, Some(31_010_101));
		assert!(moved.contains("cinema 11010501") && moved.contains("cinema 31010101"), "{moved}");
		assert!(moved.contains("relocate --cinema") && moved.contains("set-aside 7"), "{moved}");
		assert!(advice(BAD_TIMES, 3, 1, None).contains("set-aside 3"));
		assert!(advice(BROKEN_HASH_CHAIN, 3, 1, None).contains("rotate its key"));
		assert!(advice(EMPTY_BATCH, 3, 1, None).contains("EMPTY_BATCH"));
	}

	#[test]
	fn the_codes_are_the_runtimes() {
		use cinechain_primitives::refusal as runtime;
		let mirrored = [
			NOT_ACTIVE_DEVICE,
			OVER_QUOTA,
			REGISTRATION_REFUSED,
			KEY_ROTATION_REFUSED,
			ALREADY_RECORDED,
			EMPTY_BATCH,
			BROKEN_HASH_CHAIN,
			BAD_TIMES,
			RECORD_IN_FUTURE,
			WRONG_VENUE,
			BAD_RECORD,
			HEARTBEAT_TOO_SOON,
		];
		let runtimes = [
			runtime::NOT_ACTIVE_DEVICE,
			runtime::OVER_QUOTA,
			runtime::REGISTRATION_REFUSED,
			runtime::KEY_ROTATION_REFUSED,
			runtime::ALREADY_RECORDED,
			runtime::EMPTY_BATCH,
			runtime::BROKEN_HASH_CHAIN,
			runtime::BAD_TIMES,
			runtime::RECORD_IN_FUTURE,
			runtime::WRONG_VENUE,
			runtime::BAD_RECORD,
			runtime::HEARTBEAT_TOO_SOON,
		];
		assert_eq!(mirrored, runtimes);
	}
}
