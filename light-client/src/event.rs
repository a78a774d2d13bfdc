//! A screening event as the playback system reports it (one JSON object per event), and how it
//! becomes a screening record. Every field is checked here, offline, against the same limits the
//! chain applies: an event the chain would refuse is rejected at the door with a reason, instead
//! of entering the outbox and blocking every record after it.
//!
//! ```json
//! {
//!   "id": "2026-11-24T19:30-hall3",
//!   "film": { "title": "Hugo", "cpl_id": "urn:uuid:6f1c0c36-8d0e-4a57-9a6e-2c1b3f4d5e6f", "film_code": "001101232025" },
//!   "projectionist": "P-0042",
//!   "hall": 3,
//!   "started_at": 1764012600000,
//!   "ended_at": 1764020000000,
//!   "outcome": "completed",
//!   "report_hash": "0x…"
//! }
//! ```
//! `id` (optional; by default the event is known by its content, see
//! [`crate::spool::content_id`]) makes delivery idempotent: an event whose id the outbox already
//! holds is not recorded twice. Times are Unix milliseconds by the
//! projector's clock. `outcome` is `"completed"` or `{"aborted": <reason code>}`. `cpl_id` (a
//! DCP composition playlist UUID) and/or `film_code` must be given; `report_hash` (32 bytes, hex)
//! is the hash of the off-chain signed log report, if there is one.

use serde::Deserialize;

use crate::chain::{bounded, limits, Film, Location, Outcome, ScreeningRecord, Venue};

/// Longest event id accepted (ids are kept in the outbox).
pub const MAX_EVENT_ID_LEN: usize = 128;
/// Largest event file read from the spool.
pub const MAX_EVENT_BYTES: u64 = 16 * 1024;

/// A screening event from the playback system.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ScreeningEvent {
	#[serde(default)]
	pub id: Option<String>,
	pub film: FilmEvent,
	pub projectionist: String,
	pub hall: u16,
	pub started_at: u64,
	pub ended_at: u64,
	pub outcome: OutcomeEvent,
	#[serde(default)]
	pub report_hash: Option<String>,
}

/// The film that was played.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FilmEvent {
	pub title: String,
	#[serde(default)]
	pub cpl_id: Option<String>,
	#[serde(default)]
	pub film_code: Option<String>,
}

/// How the screening ended.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum OutcomeEvent {
	Completed,
	Aborted(u16),
}

/// Where this projector stands: fixed by its configuration, not by each event.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Site {
	pub cinema: u32,
	pub location: Option<(i32, i32)>,
}

/// The record of `event`, numbered `seq` and chained after `prev_hash`, or why it cannot be one.
pub fn to_record(event: &ScreeningEvent, site: &Site, seq: u64, prev_hash: [u8; 32]) -> Result<ScreeningRecord, String> {
	check(event)?;
	let cpl_id = event.film.cpl_id.as_deref().map(parse_uuid).transpose()?;
	let report_hash = event.report_hash.as_deref().map(parse_hash).transpose()?;
	Ok(ScreeningRecord {
		seq,
		prev_hash,
		film: Film {
			cpl_id,
			film_code: event.film.film_code.as_deref().map(|c| bounded(c.as_bytes())),
			title: bounded(event.film.title.as_bytes()),
		},
		projectionist: bounded(event.projectionist.as_bytes()),
		started_at: event.started_at,
		ended_at: event.ended_at,
		venue: Venue { cinema: site.cinema, hall: event.hall },
		location: site.location.map(|(latitude, longitude)| Location { latitude, longitude }),
		outcome: match event.outcome {
			OutcomeEvent::Completed => Outcome::Completed,
			OutcomeEvent::Aborted(reason) => Outcome::Aborted { reason },
		},
		report_hash,
	})
}

/// Parses one event from JSON ([`to_record`] checks its content).
pub fn parse(json: &[u8]) -> Result<ScreeningEvent, String> {
	serde_json::from_slice(json).map_err(|e| format!("not a screening event: {e}"))
}

/// The checks the chain would make on the record's content, minus the chain's clock.
pub fn check(event: &ScreeningEvent) -> Result<(), String> {
	if let Some(id) = &event.id {
		text("id", id, MAX_EVENT_ID_LEN, false)?;
	}
	text("film.title", &event.film.title, limits::MAX_TITLE_LEN, false)?;
	if let Some(code) = &event.film.film_code {
		text("film.film_code", code, limits::MAX_FILM_CODE_LEN, false)?;
	}
	if event.film.cpl_id.is_none() && event.film.film_code.is_none() {
		return Err("the film needs a cpl_id or a film_code".into());
	}
	if let Some(cpl) = &event.film.cpl_id {
		parse_uuid(cpl)?;
	}
	if let Some(hash) = &event.report_hash {
		parse_hash(hash)?;
	}
	text("projectionist", &event.projectionist, limits::MAX_PROJECTIONIST_ID_LEN, false)?;
	if event.ended_at <= event.started_at {
		return Err("ended_at must be after started_at".into());
	}
	if event.ended_at - event.started_at > limits::MAX_DURATION_MS {
		return Err(format!(
			"the screening lasts {} min, more than the chain accepts ({} min)",
			(event.ended_at - event.started_at) / 60_000,
			limits::MAX_DURATION_MS / 60_000
		));
	}
	Ok(())
}

/// Checks a text field: printable, non-empty unless allowed, at most `max` bytes.
pub fn text(field: &str, value: &str, max: usize, may_be_empty: bool) -> Result<(), String> {
	if value.is_empty() && !may_be_empty {
		return Err(format!("{field} is empty"));
	}
	if value.len() > max {
		return Err(format!("{field} is {} bytes long, at most {max} allowed", value.len()));
	}
	if value.chars().any(char::is_control) {
		return Err(format!("{field} contains control characters"));
	}
	Ok(())
}

/// A UUID, with or without the `urn:uuid:` prefix and dashes, as its 16 bytes.
pub fn parse_uuid(text: &str) -> Result<[u8; 16], String> {
	let bare: String = text.strip_prefix("urn:uuid:").unwrap_or(text).chars().filter(|c| *c != '-').collect();
	let mut out = [0u8; 16];
	hex::decode_to_slice(&bare, &mut out).map_err(|_| format!("cpl_id {text:?} is not a UUID"))?;
	Ok(out)
}

/// A 32-byte hash in hex, with or without `0x`.
pub fn parse_hash(text: &str) -> Result<[u8; 32], String> {
	let mut out = [0u8; 32];
	hex::decode_to_slice(text.strip_prefix("0x").unwrap_or(text), &mut out)
		.map_err(|_| format!("report_hash {text:?} is not 32 bytes of hex"))?;
	Ok(out)
}

#[cfg(test)]
mod tests {
	use super::*;

	fn event() -> ScreeningEvent {
		parse(
			br#"{"film":{"title":"Hugo","cpl_id":"urn:uuid:6f1c0c36-8d0e-4a57-9a6e-2c1b3f4d5e6f"},
			"projectionist":"P-0042","hall":3,"started_at":1000,"ended_at":7201000,"outcome":"completed"}"#,
		)
		.expect("a valid event")
	}

	#[test]
	fn a_valid_event_becomes_a_record_at_the_given_place_in_the_chain() {
		let site = Site { cinema: 11_010_501, location: Some((39_904_200, 116_407_400)) };
		let record = to_record(&event(), &site, 7, [9; 32]).unwrap();
		assert_eq!((record.seq, record.prev_hash, record.venue.cinema, record.venue.hall), (7, [9; 32], 11_010_501, 3));
		assert_eq!(record.film.cpl_id.unwrap()[..2], [0x6f, 0x1c]);
		assert_eq!(record.location.map(|l| l.latitude), Some(39_904_200));
		let aborted = parse(
			br#"{"id":"x","film":{"title":"Hugo","film_code":"F1"},"projectionist":"P","hall":1,
			"started_at":1,"ended_at":2,"outcome":{"aborted":17},"report_hash":"0x0101010101010101010101010101010101010101010101010101010101010101"}"#,
		)
		.unwrap();
		let record = to_record(&aborted, &site, 1, [0; 32]).unwrap();
		assert!(matches!(record.outcome, Outcome::Aborted { reason: 17 }));
		assert_eq!(record.report_hash, Some([1; 32]));
	}

	#[test]
	fn bad_events_are_refused_with_the_field_named() {
		let cases: [(&str, fn(&mut ScreeningEvent)); 8] = [
			("film.title is empty", |e| e.film.title.clear()),
			("film.title is 129 bytes", |e| e.film.title = "x".repeat(129)),
			("needs a cpl_id or a film_code", |e| e.film.cpl_id = None),
			("is not a UUID", |e| e.film.cpl_id = Some("urn:uuid:nope".into())),
			("ended_at must be after started_at", |e| e.ended_at = e.started_at),
			("more than the chain accepts", |e| e.ended_at = e.started_at + 9 * 3_600_000),
			("projectionist contains control", |e| e.projectionist = "a\nb".into()),
			("report_hash", |e| e.report_hash = Some("0x12".into())),
		];
		for (expected, spoil) in cases {
			let mut bad = event();
			spoil(&mut bad);
			let err = to_record(&bad, &Site { cinema: 1, location: None }, 1, [0; 32]).unwrap_err();
			assert!(err.contains(expected), "expected {expected:?}, got {err:?}");
		}
		assert!(parse(b"{}").unwrap_err().contains("not a screening event"));
		assert!(parse(br#"{"film":{"title":"a","film_code":"b"},"projectionist":"p","hall":1,"started_at":1,"ended_at":2,"outcome":"completed","extra":1}"#).is_err());
	}
}
