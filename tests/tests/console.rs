//! The regulators' console in a real headless Chromium, served by an indexer that follows a real
//! node while the real projector agent records through its light client:
//!
//! - the overview's figures are the index's, and its charts are drawn;
//! - crafted overlapping screenings appear on the alerts page as `device_overlap` alerts that
//!   link to their records and proofs; a regulator acknowledges one in the page with the
//!   console's token, and the index keeps it;
//! - the record page shows every field of the indexed record, fetches its proof and verifies it
//!   in the page (the proof verifier as WebAssembly) against the chain spec the server was
//!   started with; a regulator who loads another chain's spec sees it refused, and after
//!   forgetting it, verified again;
//! - the device page shows its records and lifecycle, and prepares "suspend this device" as
//!   the server encodes it;
//! - search lists what the API lists, with its CSV export;
//! - the Chinese console says the same in Chinese.
//!
//! Screenshots are kept in `<target dir>/console-screenshots/` (scripts/console-screenshots.sh
//! copies them to docs/).

use std::{fs, path::PathBuf, time::Duration};

use cinechain_e2e::{
	browser::Browser,
	chain::connect,
	http,
	indexer::Indexer,
	playback::{chain_to_index, head_seq, DemoProjector},
	profile_binary, run_node_command, wait_for,
};
use serde_json::json;

const TOKEN: &str = "console-test-token-0123456789";

fn screenshots() -> PathBuf {
	let dir = profile_binary("cinechain-indexer").parent().and_then(|p| p.parent()).expect("target dir").join("console-screenshots");
	fs::create_dir_all(&dir).expect("screenshot directory");
	dir
}

/// Waits for the record page's verdict on its proof to be `expected`; its text.
fn verdict(browser: &Browser, expected: &str) -> String {
	let script = format!("const v = document.querySelector('[data-verified]'); return v && v.dataset.verified === '{expected}' ? v.innerText : null");
	browser.wait_for(&format!("the proof {expected} in the page"), Duration::from_secs(60), &script).as_str().unwrap_or_default().to_string()
}

fn figure(browser: &Browser, id: &str) -> String {
	browser.text(&format!("[data-figure={id}]"))
}

/// A count as the console prints it (grouped thousands in English).
fn printed(n: i64) -> String {
	let digits = n.to_string();
	let mut out = String::new();
	for (i, c) in digits.chars().enumerate() {
		if i > 0 && (digits.len() - i) % 3 == 0 {
			out.push(',');
		}
		out.push(c);
	}
	out
}

#[test]
fn the_console_shows_the_index_and_its_alerts_in_a_real_browser() {
	let rt = tokio::runtime::Runtime::new().expect("tokio runtime");
	let dir = tempfile::tempdir().expect("temp dir");
	let (node, spec) = chain_to_index(dir.path());
	let client = rt.block_on(connect(node.rpc.port));

	// Four screenings, each overlapping the one before: three device_overlap alerts.
	let projector = DemoProjector::start(&rt, &client, dir.path(), &spec, &node);
	let device = projector.device;
	for n in 0..4 {
		projector.drop_event(n);
	}
	wait_for("four screenings finalized", Duration::from_secs(300), &[&node], || rt.block_on(head_seq(&client, device)) >= 4);

	let token_file = dir.path().join("console-token");
	fs::write(&token_file, format!("{TOKEN}\n")).unwrap();
	let db = dir.path().join("index.db");
	let indexer = Indexer::start(
		node.rpc.port,
		db.to_str().unwrap(),
		&["--console-token-file", token_file.to_str().unwrap(), "--chain-spec", &spec],
		&dir.path().join("indexer.log"),
	);
	let overlaps = format!("/alerts?rule=device_overlap&device={device}");
	wait_for("three overlap alerts and four screenings counted", Duration::from_secs(120), &[&node], || {
		let alerts = indexer.try_get(&overlaps).ok().filter(|a| a.status == 200).map(|a| a.json()["items"].as_array().map_or(0, Vec::len));
		let counted = indexer.try_get("/overview").ok().filter(|a| a.status == 200).map(|a| {
			a.json()["days"].as_array().map_or(0.0, |days| days.iter().map(|d| d["screenings"].as_f64().unwrap_or(0.0)).sum())
		});
		alerts == Some(3) && counted == Some(4.0)
	});
	let base = format!("http://127.0.0.1:{}/console/", indexer.port);
	let shots = screenshots();
	let browser = Browser::start(&dir.path().join("chromedriver.log"), 1400, 1000);

	// Overview: the figures the index holds, the charts drawn. (The index may move on while the
	// page loads, e.g. into a new local day: the page shows what the API said just before or
	// just after it.)
	let figures = |overview: &serde_json::Value| {
		let open: i64 = overview["openAlerts"].as_object().unwrap().values().map(|n| n.as_i64().unwrap()).sum();
		[
			printed(overview["screeningsToday"].as_f64().unwrap() as i64),
			printed(overview["devices"]["Active"].as_i64().expect("active devices")),
			printed(open),
		]
	};
	let before = indexer.json("/overview");
	browser.open_view(&base, "?lang=en#/", "overview");
	let after = indexer.json("/overview");
	let shown = ["screenings-today", "devices-active", "open-alerts"].map(|id| figure(&browser, id));
	assert!(shown == figures(&before) || shown == figures(&after), "{shown:?} against {before} / {after}");
	let open: i64 = after["openAlerts"].as_object().unwrap().values().map(|n| n.as_i64().unwrap()).sum();
	assert!(open >= 3, "the overlaps are open alerts: {after}");
	assert_eq!(browser.attributes("#chart-per-day", "data-days"), ["30"]);
	browser.wait_for("the charts drawn", Duration::from_secs(30), "return document.querySelectorAll('.chart svg').length >= 4 || null");
	assert_eq!(browser.attributes("#chart-cinemas", "data-items"), ["1"], "one cinema recorded");
	browser.screenshot(&shots.join("overview.png"));

	// Alerts: the three overlaps, each linking to its record and to the proofs of both records.
	let api_alerts = indexer.json(&overlaps)["items"].as_array().unwrap().clone();
	browser.open_view(&base, &format!("?lang=en#/alerts?rule=device_overlap&device={device}"), "alerts");
	let rows = browser.attributes("tr[data-rule=device_overlap]", "data-alert");
	let ids: Vec<String> = api_alerts.iter().map(|a| a["id"].to_string()).collect();
	assert_eq!(rows, ids, "the page lists the index's alerts, newest first");
	let first = &api_alerts[0];
	let record = format!("{}/{}", first["record"]["device"], first["record"]["seq"]);
	let related = format!("{}/{}", first["related"][0]["device"], first["related"][0]["seq"]);
	let row = format!("tr[data-alert='{}']", first["id"]);
	assert_eq!(browser.attributes(&format!("{row} a[data-record]"), "data-record"), [record.clone(), related]);
	let proofs: Vec<String> = first["proofs"].as_array().unwrap().iter().map(|p| p.as_str().unwrap().to_string()).collect();
	assert_eq!(browser.attributes(&format!("{row} a.proof"), "href"), proofs);

	// A regulator acknowledges it in the page, with the console's token.
	browser.click(&format!("{row} .ack-cell button"));
	browser.type_into(&format!("{row} input[name=by]"), "Li Wei");
	browser.type_into(&format!("{row} input[name=note]"), "hall log checked: projector clock reset");
	browser.type_into(&format!("{row} input[name=token]"), TOKEN);
	browser.click(&format!("{row} button[type=submit]"));
	browser.wait_for("the acknowledgement shown", Duration::from_secs(30), &format!("return document.querySelector(\"{row} [data-acknowledged]\")"));
	let acknowledged = indexer.json(&format!("{overlaps}&open=false"))["items"].as_array().unwrap().clone();
	assert_eq!(acknowledged.len(), 1);
	assert_eq!(acknowledged[0]["id"], first["id"]);
	assert_eq!(acknowledged[0]["acknowledgement"]["by"], "Li Wei");
	assert_eq!(indexer.json(&format!("{overlaps}&open=true"))["items"].as_array().unwrap().len(), 2);
	// Without the token, or twice, the server refuses and keeps what it has.
	let path = format!("/alerts/{}/acknowledge", api_alerts[1]["id"]);
	let body = json!({ "by": "Mallory", "note": "" });
	assert_eq!(http::request(indexer.port, "POST", &path, &[], Some(&body)).unwrap().status, 401);
	let wrong = [("Authorization", "Bearer console-test-token-0123456780")];
	assert_eq!(http::request(indexer.port, "POST", &path, &wrong, Some(&body)).unwrap().status, 401);
	let bearer = format!("Bearer {TOKEN}");
	let again = format!("/alerts/{}/acknowledge", first["id"]);
	let twice = http::request(indexer.port, "POST", &again, &[("Authorization", &bearer)], Some(&body)).unwrap();
	assert_eq!(twice.status, 409, "{}", twice.body);
	assert_eq!(indexer.json(&format!("{overlaps}&open=false"))["items"][0]["acknowledgement"]["by"], "Li Wei");
	browser.open_view(&base, "?lang=en#/alerts", "alerts");
	browser.screenshot(&shots.join("alerts.png"));

	// The record page: every field as indexed, where it is on chain, and its proof (once a
	// justification the index kept covers the record's block).
	wait_for("the record's proof", Duration::from_secs(120), &[&node], || {
		indexer.try_get(&format!("/proof/{record}")).is_ok_and(|a| a.status == 200)
	});
	browser.open_view(&base, &format!("?lang=en#/record/{record}"), "record");
	let indexed = indexer.json(&format!("/screenings/{record}"))["screening"].clone();
	for field in ["title", "projectionist", "outcome", "region", "recordHash", "blockHash", "extrinsicHash"] {
		assert_eq!(browser.text(&format!("[data-field={field}]")), indexed[field].as_str().unwrap(), "{field}");
	}
	for field in ["cinema", "hall", "blockNumber", "extrinsicIndex"] {
		assert_eq!(browser.text(&format!("[data-field={field}]")), indexed[field].to_string(), "{field}");
	}
	assert_eq!(browser.text("[data-field=position]"), "39.90420, 116.40740");
	let proof = browser.text("[data-proof]");
	assert!(proof.contains(&format!("block #{}", indexed["blockNumber"])), "{proof}");
	assert_eq!(browser.attributes("[data-proof]", "data-proof"), ["fetched"], "{proof}");
	assert!(browser.text("[data-alert]").contains("Overlapping screenings on one device"));
	let verified = verdict(&browser, "verified");
	assert!(!browser.text("[data-proof]").contains("null"), "{}", browser.text("[data-proof]"));
	assert!(verified.contains(indexed["recordHash"].as_str().unwrap()), "{verified}");
	assert!(verified.contains(&format!("block #{} ({})", indexed["blockNumber"], indexed["blockHash"].as_str().unwrap())), "{verified}");
	assert_eq!(browser.attributes("div[data-trust]", "data-trust"), ["server"]);
	browser.screenshot(&shots.join("record.png"));
	browser.execute("document.querySelector('[data-proof]').closest('section').scrollIntoView()", json!([]));
	browser.screenshot(&shots.join("record-proof.png"));

	// A regulator trusts their own chain spec: another chain's (the local testnet, whose GRANDPA
	// authorities are Alice and Bob) refuses this chain's proof, and stays trusted on reloading.
	let local = dir.path().join("local-spec.json");
	fs::write(&local, run_node_command(&["build-spec", "--chain", "local", "--raw"])).unwrap();
	browser.type_into("input[data-trust=load]", local.to_str().unwrap());
	let refused = verdict(&browser, "refused");
	assert!(refused.contains("'justification'"), "{refused}");
	browser.open_view(&base, &format!("?lang=en#/record/{record}"), "record");
	verdict(&browser, "refused");
	assert_eq!(browser.attributes("div[data-trust]", "data-trust"), ["own"]);
	// A file that is no chain spec changes nothing.
	browser.type_into("input[data-trust=load]", token_file.to_str().unwrap());
	let problem = browser.wait_for("the unreadable spec's warning", Duration::from_secs(30), "const p = document.querySelector('[data-trust=problem]'); return p ? p.innerText : null");
	assert!(problem.as_str().unwrap().contains("not a chain spec"), "{problem}");
	verdict(&browser, "refused");
	browser.click("button[data-trust=forget]");
	verdict(&browser, "verified");
	assert_eq!(browser.attributes("div[data-trust]", "data-trust"), ["server"]);

	// The device page: its records and lifecycle; "suspend" prepared as the server encodes it.
	browser.open_view(&base, &format!("?lang=en#/device/{device}"), "device");
	assert_eq!(browser.texts("[data-table=records] tbody tr").len(), 4);
	let lifecycle = indexer.json(&format!("/devices/{device}/history"))["items"].as_array().unwrap().len();
	assert_eq!(browser.texts("[data-table=lifecycle] tbody tr").len(), lifecycle, "registered in genesis: no events");
	assert_eq!(browser.text("[data-field=status]"), "Active");
	browser.click(".prepare button");
	let call = browser.wait_for("the prepared call", Duration::from_secs(30), "const c = document.querySelector('[data-call=suspend_device]'); return c ? c.innerText : null");
	let prepared = indexer.json(&format!("/calls/suspend_device?device={device}&reason=1"));
	assert_eq!(call.as_str().unwrap(), prepared["callData"].as_str().unwrap());
	browser.screenshot(&shots.join("device.png"));

	// Search: what the API lists, and the CSV export of the same query.
	browser.open_view(&base, "?lang=en#/search?title=picture", "search");
	let listed = indexer.json("/screenings?title=picture")["items"].as_array().unwrap().len();
	assert_eq!(listed, 2, "events 2 and 3 are The Last Picture Show");
	assert_eq!(browser.texts("[data-table=results] tbody tr").len(), listed);
	assert_eq!(browser.attributes("a[data-csv]", "href"), ["/screenings.csv?title=picture"]);

	// In Chinese.
	browser.open_view(&base, "?lang=zh#/", "overview");
	assert_eq!(browser.text("#nav-overview"), "概览");
	assert!(browser.text("main").contains("今日放映场次"));
	browser.screenshot(&shots.join("overview-zh.png"));
	browser.open_view(&base, "?lang=zh#/alerts?rule=device_overlap", "alerts");
	assert!(browser.text("main").contains("同一设备放映时间重叠"));
}
