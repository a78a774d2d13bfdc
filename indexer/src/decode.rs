//! From a block's decoded events to the index's rows: plain functions over values, no I/O, so
//! tests call them with values built by hand.
//!
//! Events carry everything about screenings and flags. For registry entries (cinemas, devices,
//! roles) an event only says that something changed: the follower reads the entry's state after
//! the block ([`Subject`]), so the index holds exactly what the chain holds, whatever the event.

use std::collections::BTreeSet;

use subxt::ext::scale_value::{Composite, Value};

use crate::{
	model::{BlockChanges, Cinema, Device, FlagChange, Grant, HistoryEvent, Position, Screening, Subject},
	value::{at, bytes_of, field, hex_of, i64_of, option_of, text_of, to_json, u64_of, variant_of, Result, ShapeError},
};

/// The pallets whose events the index keeps.
pub const PALLETS: [&str; 5] = ["Supervisors", "Cinemas", "Devices", "Screenings", "Archive"];

/// One event, decoded with its block's metadata.
pub struct EventIn<'a> {
	pub pallet: &'a str,
	pub name: &'a str,
	pub fields: &'a Composite<()>,
	pub position: Position,
}

/// Adds what `event` means to `changes`, and the registry entries it touched to `touched`.
/// Events of other pallets are ignored.
pub fn apply_event(
	event: &EventIn,
	block_time: i64,
	changes: &mut BlockChanges,
	touched: &mut BTreeSet<Subject>,
) -> Result<()> {
	if !PALLETS.contains(&event.pallet) {
		return Ok(());
	}
	let f = event.fields;
	let context = |e: ShapeError| ShapeError(format!("{}.{}: {e}", event.pallet, event.name));
	match (event.pallet, event.name) {
		("Screenings", "ScreeningRecorded") => {
			let screening = screening(f, block_time, event.position.clone()).map_err(context)?;
			changes.screenings.push(screening);
			return Ok(());
		},
		("Screenings", "ScreeningFlagged" | "FlagResolved") => {
			let resolved = event.name == "FlagResolved";
			let code = field(f, if resolved { "resolution" } else { "reason" }).and_then(u64_of).map_err(context)?;
			changes.flags.push(FlagChange {
				device: field(f, "device").and_then(u64_of).map_err(context)?,
				seq: field(f, "seq").and_then(u64_of).map_err(context)?,
				code: code as u32,
				supervisor: field(f, "supervisor").and_then(hex_of).map_err(context)?,
				resolved,
				position: event.position.clone(),
			});
		},
		_ => {},
	}
	let history = history(event);
	if let Some(device) = history.device {
		if event.pallet == "Devices" {
			touched.insert(Subject::Device(device));
		}
	}
	if let Some(cinema) = history.cinema {
		if event.pallet == "Cinemas" {
			touched.insert(Subject::Cinema(cinema));
		}
	}
	if event.pallet == "Supervisors" {
		let role = field(f, "role").and_then(variant_of).map_err(context)?;
		let account = field(f, "who").and_then(hex_of).map_err(context)?;
		touched.insert(Subject::Grant { account, role: role.to_string() });
	}
	changes.history.push(history);
	Ok(())
}

/// The event kept whole, with the subjects found in its fields.
fn history(event: &EventIn) -> HistoryEvent {
	let f = event.fields;
	let number = |name: &str| field(f, name).ok().and_then(|v| u64_of(v).ok());
	let account = ["who", "key", "operator", "new_key"]
		.iter()
		.find_map(|name| field(f, name).ok().and_then(|v| hex_of(v).ok()));
	HistoryEvent {
		pallet: event.pallet.to_string(),
		name: event.name.to_string(),
		device: number("device"),
		cinema: number("cinema").and_then(|c| u32::try_from(c).ok()),
		account,
		node: number("node").and_then(|n| u32::try_from(n).ok()),
		fields: to_json(&Value { value: subxt::ext::scale_value::ValueDef::Composite(f.clone()), context: () }),
		position: event.position.clone(),
	}
}

/// A `ScreeningRecorded` event's record, every field.
fn screening(f: &Composite<()>, block_time: i64, position: Position) -> Result<Screening> {
	let record = field(f, "record")?;
	let film = at(record, "film")?;
	let venue = at(record, "venue")?;
	let location = option_of(at(record, "location")?)?;
	let outcome = at(record, "outcome")?;
	let (outcome_name, abort_reason) = match variant_of(outcome)? {
		"Completed" => ("completed", None),
		"Aborted" => ("aborted", Some(u64_of(at(outcome, "reason")?)? as u32)),
		other => return Err(ShapeError(format!("unknown outcome `{other}`"))),
	};
	Ok(Screening {
		device: u64_of(field(f, "device")?)?,
		seq: u64_of(field(f, "seq")?)?,
		record_hash: hex_of(field(f, "record_hash")?)?,
		prev_hash: hex_of(at(record, "prev_hash")?)?,
		cpl_id: option_of(at(film, "cpl_id")?)?.map(bytes_of).transpose()?.map(|b| uuid(&b)),
		film_code: option_of(at(film, "film_code")?)?.map(text_of).transpose()?,
		title: text_of(at(film, "title")?)?,
		projectionist: text_of(at(record, "projectionist")?)?,
		started_at: u64_of(at(record, "started_at")?)? as i64,
		ended_at: u64_of(at(record, "ended_at")?)? as i64,
		cinema: u64_of(at(venue, "cinema")?)? as u32,
		hall: u64_of(at(venue, "hall")?)? as u32,
		region: String::new(),
		latitude: location.map(|l| at(l, "latitude").and_then(i64_of)).transpose()?,
		longitude: location.map(|l| at(l, "longitude").and_then(i64_of)).transpose()?,
		outcome: outcome_name.to_string(),
		abort_reason,
		report_hash: option_of(at(record, "report_hash")?)?.map(hex_of).transpose()?,
		recorded_at: block_time,
		position,
	})
}

/// A cinema registry entry (`Cinemas.Cinemas` value) as a row.
pub fn cinema_row(cinema: u32, entry: &Value, block: u32) -> Result<Cinema> {
	let location = option_of(at(entry, "location")?)?;
	Ok(Cinema {
		cinema,
		region: text_of(at(entry, "region")?)?,
		name: text_of(at(entry, "name")?)?,
		latitude: location.map(|l| at(l, "latitude").and_then(i64_of)).transpose()?,
		longitude: location.map(|l| at(l, "longitude").and_then(i64_of)).transpose()?,
		updated_block: block,
	})
}

/// A device registry entry (`Devices.Devices` value) as a row. Its region is its cinema's,
/// which the store fills in.
pub fn device_row(device: u64, entry: &Value, block: u32) -> Result<Device> {
	let info = at(entry, "info")?;
	Ok(Device {
		device,
		key: hex_of(at(entry, "key")?)?,
		cinema: u64_of(at(info, "cinema")?)? as u32,
		region: String::new(),
		status: variant_of(at(entry, "status")?)?.to_string(),
		status_since: u64_of(at(entry, "status_since")?)? as u32,
		manufacturer: text_of(at(info, "manufacturer")?)?,
		model: text_of(at(info, "model")?)?,
		serial_number: text_of(at(info, "serial_number")?)?,
		firmware_version: text_of(at(info, "firmware_version")?)?,
		production_date: u64_of(at(info, "production_date")?)? as u32,
		updated_block: block,
	})
}

/// A role grant (`Supervisors.Grants` value) as a row.
pub fn grant_row(account: String, role: String, grant: &Value, block: u32) -> Result<Grant> {
	Ok(Grant {
		account,
		role,
		scope: to_json(at(grant, "scope")?),
		expires_at: option_of(at(grant, "expires_at")?)?.map(u64_of).transpose()?.map(|b| b as u32),
		granted_at: u64_of(at(grant, "granted_at")?)? as u32,
		updated_block: block,
	})
}

/// A 16-byte id as a UUID (`8-4-4-4-12` lowercase hex); other lengths as plain hex.
pub fn uuid(bytes: &[u8]) -> String {
	let h = hex::encode(bytes);
	if bytes.len() != 16 {
		return h;
	}
	format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
}

#[cfg(test)]
mod tests {
	use super::*;

	fn bytes(b: &[u8]) -> Value {
		Value::unnamed_composite(b.iter().map(|x| Value::u128(*x as u128)))
	}
	fn none() -> Value {
		Value::unnamed_variant("None", [])
	}
	fn some(v: Value) -> Value {
		Value::unnamed_variant("Some", [v])
	}
	fn account(b: u8) -> Value {
		Value::unnamed_composite([bytes(&[b; 32])])
	}
	fn position(event_index: u32) -> Position {
		Position {
			block_number: 7,
			block_hash: "0xab".into(),
			extrinsic_index: Some(2),
			extrinsic_hash: Some("0xcd".into()),
			event_index,
		}
	}

	fn recorded(outcome: Value, location: Value) -> Composite<()> {
		let record = Value::named_composite([
			("seq", Value::u128(3)),
			("prev_hash", bytes(&[1; 32])),
			(
				"film",
				Value::named_composite([
					("cpl_id", some(bytes(&[0x11; 16]))),
					("film_code", some(bytes(b"001101202501"))),
					("title", bytes(b"Hugo")),
				]),
			),
			("projectionist", bytes(b"P-7")),
			("started_at", Value::u128(1_000)),
			("ended_at", Value::u128(2_000)),
			("venue", Value::named_composite([("cinema", Value::u128(11010501)), ("hall", Value::u128(4))])),
			("location", location),
			("outcome", outcome),
			("report_hash", none()),
		]);
		Composite::named([
			("device", Value::u128(9)),
			("seq", Value::u128(3)),
			("record_hash", bytes(&[2; 32])),
			("record", record),
		])
	}

	#[test]
	fn a_screening_with_every_field() {
		let location = some(Value::named_composite([
			("latitude", Value::i128(39_900_000)),
			("longitude", Value::i128(-116_400_000)),
		]));
		let fields = recorded(Value::named_variant("Aborted", [("reason", Value::u128(5))]), location);
		let event = EventIn { pallet: "Screenings", name: "ScreeningRecorded", fields: &fields, position: position(4) };
		let (mut changes, mut touched) = (BlockChanges::default(), BTreeSet::new());
		apply_event(&event, 123, &mut changes, &mut touched).unwrap();
		let s = &changes.screenings[0];
		assert_eq!((s.device, s.seq), (9, 3));
		assert_eq!(s.cpl_id.as_deref(), Some("11111111-1111-1111-1111-111111111111"));
		assert_eq!(s.film_code.as_deref(), Some("001101202501"));
		assert_eq!((s.title.as_str(), s.projectionist.as_str()), ("Hugo", "P-7"));
		assert_eq!((s.started_at, s.ended_at, s.cinema, s.hall), (1_000, 2_000, 11010501, 4));
		assert_eq!((s.latitude, s.longitude), (Some(39_900_000), Some(-116_400_000)));
		assert_eq!((s.outcome.as_str(), s.abort_reason), ("aborted", Some(5)));
		assert_eq!(s.prev_hash, format!("0x{}", "01".repeat(32)));
		assert_eq!(s.record_hash, format!("0x{}", "02".repeat(32)));
		assert_eq!((s.report_hash.clone(), s.recorded_at), (None, 123));
		assert_eq!(s.position, position(4));
		assert!(changes.history.is_empty() && touched.is_empty());
	}

	#[test]
	fn a_record_of_another_shape_is_an_error_naming_the_event() {
		let fields = recorded(Value::unnamed_variant("Exploded", []), none());
		let event = EventIn { pallet: "Screenings", name: "ScreeningRecorded", fields: &fields, position: position(0) };
		let err = apply_event(&event, 0, &mut BlockChanges::default(), &mut BTreeSet::new()).unwrap_err();
		assert!(err.0.contains("Screenings.ScreeningRecorded") && err.0.contains("Exploded"), "{err}");
	}

	#[test]
	fn registry_events_are_kept_and_touch_their_entries() {
		let (mut changes, mut touched) = (BlockChanges::default(), BTreeSet::new());
		let approved = Composite::named([
			("device", Value::u128(9)),
			("key", account(1)),
			("registrar", account(2)),
			("cinema", Value::u128(11010501)),
			("region", bytes(b"CN-BJ")),
		]);
		let granted = Composite::named([
			("who", account(3)),
			("role", Value::unnamed_variant("Supervisor", [])),
			("scope", Value::unnamed_variant("National", [])),
			("expires_at", none()),
		]);
		let flagged = Composite::named([
			("device", Value::u128(9)),
			("seq", Value::u128(3)),
			("reason", Value::u128(17)),
			("supervisor", account(3)),
		]);
		let balances = Composite::named([("who", account(5))]);
		for (pallet, name, fields) in [
			("Devices", "DeviceApproved", &approved),
			("Supervisors", "RoleGranted", &granted),
			("Screenings", "ScreeningFlagged", &flagged),
			("Balances", "Deposit", &balances),
		] {
			let event = EventIn { pallet, name, fields, position: position(0) };
			apply_event(&event, 0, &mut changes, &mut touched).unwrap();
		}
		let account3 = format!("0x{}", "03".repeat(32));
		assert_eq!(
			touched.into_iter().collect::<Vec<_>>(),
			vec![Subject::Device(9), Subject::Grant { account: account3.clone(), role: "Supervisor".into() }]
		);
		assert_eq!(changes.history.len(), 3, "the flag is history too; balances are not ours");
		let h = &changes.history[0];
		assert_eq!((h.device, h.cinema, h.account.clone()), (Some(9), Some(11010501), Some(format!("0x{}", "01".repeat(32)))));
		assert_eq!(h.fields["region"], "0x434e2d424a", "bytes show as hex in the history");
		assert_eq!(changes.flags[0].code, 17);
		assert_eq!(changes.flags[0].supervisor, account3);
		assert!(!changes.flags[0].resolved);
	}
}
