//! The information server end to end: a real node, the real projector agent recording through
//! its light client, a supervisor at work, and `cinechain-indexer` following the chain into
//! SQLite and into a real PostgreSQL server at once.
//!
//! - Every screening's fields and position in the index equal what the chain's own events say
//!   (read independently, with subxt's generated types).
//! - Every filter, paging, the CSV export, flags, device history, registry entries from genesis,
//!   and bad requests answered with JSON reasons.
//! - Both databases answer every query identically.
//! - Every record's proof verifies against the chain spec alone (library and command line),
//!   and every variant with one byte of one part changed is refused by the check that guards
//!   that part.
//! - `kill -9` of an indexer in the middle of its backfill, then a restart: it ends with exactly
//!   the answers of an indexer that was never killed (no gap, no duplicate).

use std::{fs, path::Path, time::Duration};

use cinechain_e2e::{
	chain::{cinechain, connect, submit, Client},
	http,
	indexer::Indexer,
	playback::{chain_to_index, head_seq, DemoProjector, CPL, REPORT},
	postgres::Postgres,
	projector, projector_ok,
	records::DEMO_CINEMA,
	wait_for, Node,
};
use cinechain_proof::{
	bundle::Bundle,
	verify::{verify, Check, TrustedChain},
};
use serde_json::{json, Value};
use subxt::utils::AccountId32;
use subxt_signer::sr25519::dev;

const CINEMA: u32 = DEMO_CINEMA;
/// The console's token both indexers are started with.
const TOKEN: &str = "indexer-test-token-0123456789";

fn hex(bytes: &[u8]) -> String {
	format!("0x{}", bytes.iter().map(|b| format!("{b:02x}")).collect::<String>())
}

/// Every `ScreeningRecorded` of the chain up to `last`, as the index should show it: the
/// record's fields and where it is (read with the generated types, not the indexer's code).
async fn chain_screenings(client: &Client, last: u32) -> Vec<Value> {
	let mut out = Vec::new();
	for number in 1..=last {
		let at = client.at_block(number).await.expect("block");
		let block_hash = hex(at.block_hash().as_bytes());
		let extrinsics = at.extrinsics().fetch().await.expect("body");
		let events = at.events().fetch().await.expect("events");
		for event in events.iter() {
			let event = event.expect("event decodes");
			let Some(recorded) = event.decode_fields_as::<cinechain::screenings::events::ScreeningRecorded>() else {
				continue;
			};
			let recorded = recorded.expect("ScreeningRecorded decodes");
			let r = &recorded.record;
			let index = match event.phase() {
				subxt::events::Phase::ApplyExtrinsic(i) => i,
				other => panic!("a screening recorded outside an extrinsic: {other:?}"),
			};
			let extrinsic = extrinsics.iter().nth(index as usize).expect("the event's extrinsic").expect("decodes");
			use cinechain::runtime_types::pallet_screenings::types::Outcome;
			let (outcome, reason) = match r.outcome {
				Outcome::Completed => ("completed", Value::Null),
				Outcome::Aborted { reason } => ("aborted", json!(reason)),
			};
			out.push(json!({
				"device": recorded.device, "seq": recorded.seq, "recordHash": hex(&recorded.record_hash),
				"prevHash": hex(&r.prev_hash),
				"cplId": r.film.cpl_id.map(|id| {
					let h = hex(&id)[2..].to_string();
					format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..])
				}),
				"filmCode": r.film.film_code.as_ref().map(|c| String::from_utf8(c.0.clone()).unwrap()),
				"title": String::from_utf8(r.film.title.0.clone()).unwrap(),
				"projectionist": String::from_utf8(r.projectionist.0.clone()).unwrap(),
				"startedAt": r.started_at, "endedAt": r.ended_at,
				"cinema": r.venue.cinema, "hall": r.venue.hall, "region": "CN-BJ",
				"latitude": r.location.as_ref().map(|l| l.latitude),
				"longitude": r.location.as_ref().map(|l| l.longitude),
				"outcome": outcome, "abortReason": reason,
				"reportHash": r.report_hash.map(|h| hex(&h)),
				"blockNumber": number, "blockHash": block_hash, "extrinsicIndex": index,
				"extrinsicHash": hex(&sp_crypto_hashing::blake2_256(extrinsic.bytes())),
				"eventIndex": event.index(),
			}));
		}
	}
	out
}

/// The queries every database must answer identically.
fn suite(device: u64, charlie: &str) -> Vec<String> {
	let mut paths: Vec<String> = [
		"/screenings".to_string(),
		format!("/screenings?device={device}"),
		format!("/screenings?cinema={CINEMA}&limit=2"),
		"/screenings?region=CN-B".into(),
		"/screenings?region=CN-SH".into(),
		"/screenings?filmCode=001101202502".into(),
		format!("/screenings?cplId={}", CPL.to_uppercase()),
		"/screenings?title=paradiso".into(),
		"/screenings?title=PICTURE%20show".into(),
		"/screenings?projectionist=P-0007".into(),
		format!("/screenings/{device}/1"),
		format!("/screenings/{device}/3"),
		format!("/devices/{device}"),
		format!("/devices/{device}/history"),
		format!("/devices?cinema={CINEMA}"),
		"/devices?status=Active&region=CN".into(),
		"/cinemas".into(),
		format!("/cinemas/{CINEMA}"),
		format!("/accounts/{charlie}/roles"),
		format!("/accounts/{charlie}/history"),
		"/flags".into(),
		"/flags?open=false".into(),
		"/flags?open=true".into(),
	]
	.into();
	paths.push(format!("/screenings?device={device}&limit=2&cursor=0.0.0"));
	paths
}

/// Follows `nextCursor` from `path` to the end; every item once.
fn all_pages(indexer: &Indexer, path: &str) -> Vec<Value> {
	let mut items = Vec::new();
	let mut page = indexer.json(path);
	loop {
		items.extend(page["items"].as_array().expect("items").iter().cloned());
		match page["nextCursor"].as_str() {
			Some(cursor) => page = indexer.json(&format!("{path}&cursor={cursor}")),
			None => return items,
		}
	}
}

#[test]
fn indexer_follows_the_chain_into_sqlite_and_postgres_and_survives_kill_9() {
	let rt = tokio::runtime::Runtime::new().expect("tokio runtime");
	let dir = tempfile::tempdir().expect("temp dir");
	let postgres = Postgres::start(&dir.path().join("pg"));

	let (node, spec) = chain_to_index(dir.path());
	let client = rt.block_on(connect(node.rpc.port));

	// The demo device //One, at a position fix, records six screenings through its light client.
	let projector = DemoProjector::start(&rt, &client, dir.path(), &spec, &node);
	let (device, data) = (projector.device, projector.data.clone());
	let screenings = 6;
	for n in 0..screenings {
		projector.drop_event(n);
	}
	wait_for("six screenings finalized", Duration::from_secs(300), &[&node], || {
		rt.block_on(head_seq(&client, device)) >= screenings
	});

	// Indexers on both databases, following while the chain goes on.
	let sqlite_db = dir.path().join("index.db");
	let token_file = dir.path().join("console-token");
	fs::write(&token_file, format!("{TOKEN}\n")).unwrap();
	let console = ["--console-token-file", token_file.to_str().unwrap()];
	let sqlite = Indexer::start(node.rpc.port, sqlite_db.to_str().unwrap(), &console, &dir.path().join("sqlite.log"));
	let pg = Indexer::start(node.rpc.port, &postgres.database("cinechain"), &console, &dir.path().join("pg.log"));

	// A supervisor (Charlie, the demo supervisor) flags screening 2 and resolves the flag, and
	// suspends and resumes the device.
	let charlie = dev::charlie();
	let tx = cinechain::transactions();
	let mut last = 0;
	for call in [
		rt.block_on(submit(&client, &tx.screenings().flag_screening(device, 2, 31), &charlie)),
		rt.block_on(submit(&client, &tx.screenings().resolve_flag(device, 2, 32), &charlie)),
		rt.block_on(submit(&client, &tx.devices().suspend_device(device, 4), &charlie)),
		rt.block_on(submit(&client, &tx.devices().resume_device(device), &charlie)),
	] {
		match call {
			cinechain_e2e::chain::Outcome::Succeeded { block_number, .. } => last = last.max(block_number),
			other => panic!("supervisor call: {other:?}"),
		}
	}
	let target = node.finalized_number().max(last);
	for (name, indexer) in [("sqlite", &sqlite), ("postgres", &pg)] {
		wait_for(&format!("the {name} indexer at #{target}"), Duration::from_secs(120), &[&node], || {
			indexer.indexed_block().is_some_and(|n| n >= target)
		});
	}

	// Every screening, every field, where the chain has it.
	let expected = rt.block_on(chain_screenings(&client, target));
	assert_eq!(expected.len(), screenings as usize, "the chain holds the six records");
	let indexed = all_pages(&sqlite, &format!("/screenings?device={device}&limit=4"));
	assert_eq!(indexed.len(), expected.len(), "paging returns every record once");
	for want in &expected {
		let seq = want["seq"].as_u64().unwrap();
		let got = &sqlite.json(&format!("/screenings/{device}/{seq}"))["screening"];
		for (field, value) in want.as_object().unwrap() {
			assert_eq!(&got[field], value, "screening {seq}: field {field}\n{got:#}");
		}
		assert!(got["recordedAt"].as_i64().unwrap() > 0);
		assert!(indexed.iter().any(|s| s["seq"] == want["seq"] && s["blockHash"] == want["blockHash"]));
	}
	let first = &sqlite.json(&format!("/screenings/{device}/1"))["screening"];
	assert_eq!(first["title"], "Hugo");
	assert_eq!(first["cplId"], CPL);
	assert_eq!(first["reportHash"], REPORT);
	assert_eq!((first["latitude"].as_i64(), first["longitude"].as_i64()), (Some(39_904_200), Some(116_407_400)));
	let aborted = &sqlite.json(&format!("/screenings/{device}/2"))["screening"];
	assert_eq!((aborted["outcome"].as_str(), aborted["abortReason"].as_u64()), (Some("aborted"), Some(7)));

	// Filters.
	let count = |path: &str| all_pages(&sqlite, path).len();
	assert_eq!(count("/screenings?region=CN-B&limit=100"), 6);
	assert_eq!(count("/screenings?region=CN-SH&limit=100"), 0);
	assert_eq!(count("/screenings?filmCode=001101202502&limit=100"), 1);
	assert_eq!(count(&format!("/screenings?cplId={CPL}&limit=100")), 5, "one without a CPL id");
	assert_eq!(count("/screenings?title=picture&limit=100"), 4);
	assert_eq!(count("/screenings?projectionist=P-0007&limit=100"), 3);
	let third = &expected[2];
	let (from, to) = (third["startedAt"].as_i64().unwrap(), expected[4]["startedAt"].as_i64().unwrap());
	assert_eq!(count(&format!("/screenings?from={from}&to={to}&limit=100")), 2, "[from, to)");

	// Anomaly alerts, in both databases: each screening starts two hours before it ends, a
	// second after the one before it ended, so each one after the first overlaps the one before.
	for (name, indexer) in [("sqlite", &sqlite), ("postgres", &pg)] {
		let path = format!("/alerts?rule=device_overlap&device={device}&limit=2");
		wait_for(&format!("the {name} indexer's overlap alerts"), Duration::from_secs(60), &[&node], || {
			all_pages(indexer, &path).len() >= 5
		});
		let alerts = all_pages(indexer, &path);
		let mut raised: Vec<(u64, u64)> =
			alerts.iter().map(|a| (a["record"]["seq"].as_u64().unwrap(), a["related"][0]["seq"].as_u64().unwrap())).collect();
		raised.sort();
		assert_eq!(raised, (2..=6).map(|seq| (seq, seq - 1)).collect::<Vec<_>>(), "{name}: one alert per overlapping pair");
		assert!(alerts.iter().all(|a| a["severity"] == "high" && a["device"] == device), "{name}: {alerts:#?}");
		// Filtered by severity (a rule's): the same five as high, none of them as medium.
		let ids = |path: &str| all_pages(indexer, path).iter().map(|a| a["id"].as_i64().unwrap()).collect::<Vec<_>>();
		assert_eq!(ids(&format!("/alerts?severity=high&device={device}")), ids(&format!("/alerts?rule=device_overlap&device={device}")), "{name}");
		assert!(ids(&format!("/alerts?severity=medium&rule=device_overlap&device={device}")).is_empty(), "{name}");
		let with_record = &indexer.json(&format!("/screenings/{device}/3"))["alerts"];
		let overlap = with_record.as_array().unwrap().iter().find(|a| a["rule"] == "device_overlap").expect("the record's alert");
		assert_eq!(overlap["proofs"], json!([format!("/proof/{device}/3"), format!("/proof/{device}/2")]));
		// The daily counts the pass keeps (the screenings started about two hours ago: today or
		// yesterday, local time).
		let total = |path: &str| -> f64 {
			indexer.json(path)["days"].as_array().expect("days").iter().map(|d| d["screenings"].as_f64().unwrap()).sum()
		};
		assert_eq!(total("/stats/daily?days=2"), 6.0, "{name}");
		assert_eq!(total(&format!("/stats/daily?cinema={CINEMA}&days=2")), 6.0, "{name}");
		assert_eq!(total("/stats/daily?region=CN-B&days=2"), 6.0, "{name}");
		assert_eq!(total("/stats/daily?film=001101202502&days=2"), 1.0, "{name}");
		// The console's overview, from those counts and the alerts.
		let overview = indexer.json("/overview");
		assert_eq!(overview["openAlerts"]["device_overlap"], 5, "{name}: {overview}");
		let sum = |list: &Value| list.as_array().expect("a list").iter().map(|d| d["screenings"].as_f64().unwrap()).sum::<f64>();
		assert_eq!(sum(&overview["days"]), 6.0, "{name}: {overview}");
		assert_eq!(sum(&overview["topFilms"]), 6.0, "{name}: {overview}");
		assert_eq!((&overview["topCinemas"][0]["cinema"], sum(&overview["topCinemas"])), (&json!(CINEMA), 6.0), "{name}: {overview}");
		// An acknowledgement, kept by this database: the alert is no longer open.
		let acknowledge = format!("/alerts/{}/acknowledge", alerts[0]["id"]);
		let bearer = format!("Bearer {TOKEN}");
		let note = json!({ "by": "Wang Fang", "note": "checked with the cinema" });
		let answer = http::request(indexer.port, "POST", &acknowledge, &[("Authorization", &bearer)], Some(&note)).unwrap();
		assert_eq!(answer.status, 201, "{name}: {}", answer.body);
		let closed = all_pages(indexer, &format!("/alerts?rule=device_overlap&device={device}&open=false"));
		assert_eq!(closed.len(), 1, "{name}");
		assert_eq!((&closed[0]["id"], &closed[0]["acknowledgement"]["by"]), (&alerts[0]["id"], &json!("Wang Fang")), "{name}");
		assert_eq!(indexer.json("/overview")["openAlerts"]["device_overlap"], 4, "{name}");
		// No whole day is indexed on a chain this young (unless it crossed midnight in China).
		let forecast = indexer.get("/forecast");
		match forecast.status {
			503 => assert!(forecast.body.contains("no complete day"), "{}", forecast.body),
			200 => assert_eq!(serde_json::from_str::<Value>(&forecast.body).unwrap()["forecast"].as_array().unwrap().len(), 7),
			other => panic!("{name}: GET /forecast answered {other}: {}", forecast.body),
		}
	}

	// CSV export: a header and one line per record, parts chained by X-Next-Cursor.
	let csv = sqlite.get(&format!("/screenings.csv?device={device}&limit=4"));
	assert_eq!(csv.status, 200);
	assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
	let lines: Vec<&str> = csv.body.trim_end().split("\r\n").collect();
	assert!(lines[0].starts_with("device,seq,startedAt"), "{}", lines[0]);
	assert_eq!(lines.len(), 5);
	let next = csv.header("x-next-cursor").expect("a next part");
	let rest = sqlite.get(&format!("/screenings.csv?device={device}&limit=4&cursor={next}"));
	assert_eq!(rest.body.trim_end().split("\r\n").count(), 3, "header and the last two");
	assert!(rest.header("x-next-cursor").is_none());

	// Proofs.
	check_proofs(&sqlite, &node, &data, device, &expected);

	// Flags, device status and history, genesis registry entries, roles.
	let flags = sqlite.json("/flags?open=false");
	let flag = &flags["items"][0];
	assert_eq!((flag["seq"].as_u64(), flag["reason"].as_u64(), flag["resolution"].as_u64()), (Some(2), Some(31), Some(32)));
	assert_eq!(sqlite.json("/flags?open=true")["items"].as_array().unwrap().len(), 0);
	let device_row = sqlite.json(&format!("/devices/{device}"));
	assert_eq!((device_row["status"].as_str(), device_row["region"].as_str()), (Some("Active"), Some("CN-BJ")));
	let one: AccountId32 = dev::one().public_key().into();
	assert_eq!(device_row["key"], hex(&one.0));
	assert_eq!(device_row["serialNumber"], "DEMO-0001");
	let history: Vec<String> = sqlite.json(&format!("/devices/{device}/history"))["items"]
		.as_array()
		.unwrap()
		.iter()
		.map(|e| e["name"].as_str().unwrap().to_string())
		.collect();
	assert_eq!(history, ["ScreeningFlagged", "FlagResolved", "DeviceSuspended", "DeviceResumed"]);
	assert_eq!(sqlite.json(&format!("/cinemas/{CINEMA}"))["region"], "CN-BJ");
	let charlie_hex = hex(&AccountId32::from(charlie.public_key()).0);
	let roles = sqlite.json(&format!("/accounts/{charlie_hex}/roles"));
	assert!(roles.as_array().unwrap().iter().any(|g| g["role"] == "Supervisor"), "{roles}");

	// Bad requests: JSON with a reason, nothing else.
	for (path, status, reason) in [
		("/screenings?limit=5000", 400, "limit"),
		("/screenings?devcie=1", 400, "unknown parameter"),
		("/screenings?cplId=xyz", 400, "UUID"),
		("/screenings?cursor=nonsense", 400, "cursor"),
		("/devices/abc", 400, ""),
		("/accounts/0x12/roles", 400, "32 bytes"),
		("/screenings/999999/1", 404, "no screening"),
		("/proof/999999/1", 404, "no screening"),
		("/proof/1/x", 400, ""),
		("/nowhere", 404, "openapi"),
	] {
		let answer = sqlite.get(path);
		assert_eq!(answer.status, status, "GET {path}: {}", answer.body);
		let error = answer.json()["error"].as_str().unwrap_or_else(|| panic!("GET {path}: no error: {}", answer.body)).to_string();
		assert!(error.contains(reason), "GET {path}: {error}");
	}
	let openapi = sqlite.json("/openapi.json");
	assert_eq!(openapi["openapi"], "3.0.3");

	// PostgreSQL answers exactly as SQLite does.
	let paths = suite(device, &charlie_hex);
	for path in &paths {
		assert_eq!(sqlite.json(path), pg.json(path), "GET {path}: SQLite and PostgreSQL differ");
	}
	let status = pg.json("/status");
	assert_eq!(status["database"], "postgres", "{status}\n{}", postgres.log());

	// kill -9 in the middle of a backfill, then a restart: the same answers as the indexer that
	// was never killed. The backfill is throttled (5 blocks/s: the chain's 30-odd blocks take
	// seconds, against the quarter-second polls that find it past #5) so that it is still
	// running when killed; the test asserts that it was.
	let fresh = dir.path().join("fresh.db");
	let mut crashed = Indexer::start(
		node.rpc.port,
		fresh.to_str().unwrap(),
		&["--max-blocks-per-second", "5"],
		&dir.path().join("crashed.log"),
	);
	wait_for("the fresh indexer to pass #5", Duration::from_secs(60), &[&node], || {
		crashed.indexed_block().is_some_and(|n| n >= 5)
	});
	crashed.kill();
	let at_kill = {
		let reader = Indexer::start(node.rpc.port, fresh.to_str().unwrap(), &["--no-follow"], &dir.path().join("reader.log"));
		let mut at = None;
		wait_for("the killed indexer's database to open", Duration::from_secs(30), &[&node], || {
			at = reader.indexed_block();
			at.is_some()
		});
		at.unwrap()
	};
	assert!(at_kill < target, "killed at #{at_kill}, before the backfill reached #{target}");
	crashed.restart();
	let now = sqlite.indexed_block().unwrap();
	wait_for("the restarted indexer to catch up", Duration::from_secs(120), &[&node], || {
		crashed.indexed_block().is_some_and(|n| n >= now)
	});
	for path in &paths {
		assert_eq!(sqlite.json(path), crashed.json(path), "GET {path}: differs after kill -9 and restart");
	}
}

/// Every record's proof verifies against the projector's chain spec (the raw spec it ships
/// with), through the library and the command line; every tampered variant is refused.
fn check_proofs(indexer: &Indexer, node: &Node, data: &Path, device: u64, expected: &[Value]) {
	let chain = TrustedChain::from_chain_spec(&fs::read(data.join("chain-spec.json")).unwrap()).expect("the spec's trusted facts");
	let mut bundles = Vec::new();
	for want in expected {
		let seq = want["seq"].as_u64().unwrap();
		// Provable once the index holds the next justification the node kept (every 16 blocks);
		// until then, 503 with the reason.
		let path = format!("/proof/{device}/{seq}");
		let mut answer = None;
		wait_for(&format!("a proof of record {seq}"), Duration::from_secs(120), &[node], || {
			let got = indexer.get(&path);
			assert!(got.status == 200 || got.status == 503, "GET {path}: {} {}", got.status, got.body);
			answer = (got.status == 200).then_some(got);
			answer.is_some()
		});
		let answer = answer.unwrap();
		let bundle = Bundle::from_json(answer.body.as_bytes()).expect("a bundle");
		let verified = verify(&bundle, &chain).unwrap_or_else(|e| panic!("the proof of record {seq} is refused: {e}"));
		assert_eq!((verified.device, verified.seq), (device, seq));
		assert_eq!(hex(&verified.block_hash), want["blockHash"], "record {seq}'s block");
		assert_eq!(Some(verified.extrinsic_index as u64), want["extrinsicIndex"].as_u64(), "record {seq}'s extrinsic");
		assert!(verified.finalized_number >= verified.block_number);
		bundles.push((answer.body, bundle));
	}

	// As a regulator runs it: the command line, on a file.
	let (text, bundle) = &bundles[0];
	let file = data.join("proof.json");
	fs::write(&file, text).unwrap();
	let out: Value = serde_json::from_str(&projector_ok(data, &["verify-proof", "--json", file.to_str().unwrap()])).expect("JSON");
	assert_eq!((out["verified"].as_bool(), out["seq"].as_u64()), (Some(true), Some(1)), "{out}");
	assert_eq!(out["blockHash"], expected[0]["blockHash"]);
	assert_eq!(out["wellKnownKeys"], true, "a development spec: its GRANDPA keys are public");

	// Every part tampered with, one byte or one number at a time: refused, by the check that
	// guards the part.
	let mut variants = 0;
	for (part, json) in tampered(&serde_json::to_value(bundle).unwrap(), "") {
		variants += 1;
		let Ok(tampered) = Bundle::from_json(json.to_string().as_bytes()) else { continue };
		let refusal = match verify(&tampered, &chain) {
			Ok(_) => panic!("a bundle with {part} tampered with is accepted"),
			Err(refusal) => refusal,
		};
		let guards: &[Check] = match part.split(['.', '[']).next().unwrap() {
			"record" | "seq" => &[Check::Record],
			"extrinsic" => &[Check::Extrinsic, Check::Record],
			"parentHeader" => &[Check::ParentHeader],
			"headBefore" => &[Check::HeadBefore],
			// Another device's head: the proofs do not reach it, or show it absent (no records).
			"device" => &[Check::HeadBefore, Check::HeadAfter],
			"headAfter" => &[Check::HeadAfter],
			"laterRecords" => &[Check::HashChain],
			"finality" => &[Check::FinalityHeaders, Check::Justification],
			// Block N's header holds every root: whichever check uses the changed one refuses.
			_ => &[Check::Header, Check::Extrinsic, Check::ParentHeader, Check::HeadBefore, Check::HeadAfter, Check::FinalityHeaders, Check::Justification],
		};
		assert!(guards.contains(&refusal.check), "{part} tampered with: refused by '{}' ({refusal})", refusal.check.name());
	}
	assert!(variants > 30, "only {variants} variants");

	// The command line says which check refused.
	let mut bad = serde_json::to_value(bundle).unwrap();
	bad["finality"]["justification"] = Value::String(flip(bad["finality"]["justification"].as_str().unwrap(), 100));
	fs::write(&file, bad.to_string()).unwrap();
	let output = projector(data).args(["verify-proof"]).arg(&file).output().unwrap();
	assert!(!output.status.success());
	let stderr = String::from_utf8_lossy(&output.stderr);
	assert!(stderr.contains("check 'justification' failed"), "{stderr}");
}

/// `hex` (0x-prefixed) with the byte at `at` (clamped to the last) changed.
fn flip(text: &str, at: usize) -> String {
	let mut bytes = cinechain_e2e::cluster::decode_hex(text);
	let i = at.min(bytes.len() - 1);
	bytes[i] ^= 0x01;
	hex(&bytes)
}

/// Every variant of `value` with one hex string's first, middle or last byte changed, or one
/// number increased, named by the path of the part changed.
fn tampered(value: &Value, path: &str) -> Vec<(String, Value)> {
	let mut out = Vec::new();
	let mut each = |key: String, child: &Value, put: &dyn Fn(Value) -> Value| {
		let part = if path.is_empty() { key } else { format!("{path}.{key}") };
		match child {
			Value::String(text) if text.starts_with("0x") && text.len() > 2 => {
				let len = (text.len() - 2) / 2;
				for at in [0, len / 2, len - 1] {
					out.push((format!("{part}[{at}]"), put(Value::String(flip(text, at)))));
				}
			},
			Value::Number(n) => out.push((part, put(json!(n.as_u64().unwrap() + 1)))),
			Value::Object(_) | Value::Array(_) => {
				out.extend(tampered(child, &part).into_iter().map(|(p, v)| (p, put(v))));
			},
			_ => {},
		}
	};
	match value {
		Value::Object(map) => {
			for (key, child) in map {
				each(key.clone(), child, &|v| {
					let mut whole = value.clone();
					whole[key] = v;
					whole
				});
			}
		},
		Value::Array(items) => {
			for (i, child) in items.iter().enumerate() {
				each(i.to_string(), child, &|v| {
					let mut whole = value.clone();
					whole[i] = v;
					whole
				});
			}
		},
		_ => {},
	}
	out
}
