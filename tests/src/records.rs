//! Screening records as a client builds them, from the types generated from the metadata.
//! Used by the end-to-end tests.

pub use cinechain_projector::{
	agent::now_ms,
	chain::{bounded, record_hash},
};
use cinechain_projector::chain::{Film, Outcome, ScreeningRecord, Venue};

/// The demo cinema of the development chains (see the runtime's genesis presets).
pub const DEMO_CINEMA: u32 = 11_010_501;
/// The region of the demo cinema.
pub const DEMO_REGION: &str = "CN-BJ";

/// A completed two-hour screening of `title` in hall `hall` of `cinema` that ended a minute
/// before now, chained after `prev_hash`.
pub fn screening_at(cinema: u32, hall: u16, title: &str, seq: u64, prev_hash: [u8; 32]) -> ScreeningRecord {
	let ended_at = now_ms() - 60_000 + seq;
	ScreeningRecord {
		seq,
		prev_hash,
		film: Film {
			cpl_id: Some(*b"urn:uuid:demo-01"),
			film_code: Some(bounded(b"001101232025")),
			title: bounded(title.as_bytes()),
		},
		projectionist: bounded(b"projectionist-7f3a"),
		started_at: ended_at - 2 * 3600 * 1000,
		ended_at,
		venue: Venue { cinema, hall },
		location: None,
		outcome: Outcome::Completed,
		report_hash: None,
	}
}
