//! The regulators' console (the paper's supervision platform), served by the information server:
//! its page and scripts at `/console/`, and what the page needs beyond the index's API: the
//! overview's figures, acknowledgements of alerts, and prepared calls.
//!
//! The console is read-only towards the chain: it holds no key. "Flag this screening" and
//! "suspend this device" hand the regulator a prepared call ([`crate::calls`]) to sign in
//! Polkadot-JS Apps or a browser wallet. Its one write is an acknowledgement of an alert, which
//! is the console's own note (stored in the index's database, not on chain), and only holders of
//! the console's token (`--console-token-file`) may write one.

use std::{collections::HashMap, sync::Arc};

use axum::{
	extract::{DefaultBodyLimit, State},
	http::{header, HeaderMap, HeaderValue, StatusCode},
	response::{IntoResponse, Redirect, Response},
	routing::{get, post},
	Json, Router,
};
use serde_json::json;
use sqlx::Row;

use crate::{
	api::{ApiError, ApiResult, AppState, Path, Query},
	model::Acknowledgement,
	query::{Params, Series},
	store::{self, Acknowledged, Param, Store},
};

/// What the console is started with.
#[derive(Clone, Default)]
pub struct Settings {
	/// The token whose holders may acknowledge alerts; without one the console takes none.
	pub token: Option<Arc<str>>,
	/// The raw chain spec the server was started with, which the record page verifies proofs
	/// against until a regulator loads one of their own.
	pub chain_spec: Option<Arc<[u8]>>,
}

/// A file of the console: its name under `/console/`, its type, its bytes and its bytes deflated
/// (zlib, made by build.rs).
struct Asset {
	name: &'static str,
	content_type: &'static str,
	body: &'static [u8],
	deflated: &'static [u8],
}

macro_rules! asset {
	($name:literal, $content_type:literal, $body:expr) => {
		Asset {
			name: $name,
			content_type: $content_type,
			body: include_bytes!($body),
			deflated: include_bytes!(concat!(env!("OUT_DIR"), "/", $name, ".deflate")),
		}
	};
}

/// The page, its scripts and its styles, as they are in `console/`; ECharts as npm installed it
/// and the proof verifier as WebAssembly (see build.rs).
const ASSETS: [Asset; 7] = [
	asset!("index.html", "text/html; charset=utf-8", "../console/index.html"),
	asset!("console.js", "text/javascript; charset=utf-8", "../console/console.js"),
	asset!("strings.js", "text/javascript; charset=utf-8", "../console/strings.js"),
	asset!("console.css", "text/css; charset=utf-8", "../console/console.css"),
	asset!("verifier.js", "text/javascript; charset=utf-8", "../console/verifier.js"),
	asset!("echarts.min.js", "text/javascript; charset=utf-8", env!("CINECHAIN_ECHARTS_JS")),
	asset!("verifier.wasm", "application/wasm", env!("CINECHAIN_VERIFIER_WASM")),
];

/// The page runs only its own scripts and talks only to this server: no inline script, nothing
/// from elsewhere (an indexed title shown on a page can then not run as code). Style attributes
/// are allowed: ECharts sets them on its SVG text and tooltips (no style sheet is). WebAssembly
/// may be compiled ('wasm-unsafe-eval'): the proof verifier is the one module, and it comes
/// from this server like the scripts.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; style-src-attr 'unsafe-inline'; \
	 img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'";

/// Days the overview's charts and rankings cover.
pub const OVERVIEW_DAYS: i64 = 30;
/// Films and cinemas the overview ranks.
const TOP: i64 = 10;
/// Most cinemas the overview places on its chart of locations.
const MAX_PLACED_CINEMAS: i64 = 20_000;
/// A device that has not started a screening for this long before the last indexed block is
/// counted silent on the overview (the `silent_device` rule, which also compares with the
/// cinema's other devices, raises alerts).
const SILENT_AFTER_MS: i64 = 24 * 60 * 60 * 1000;
/// Longest acknowledgement author and note (characters).
pub const MAX_ACK_BY: usize = 64;
pub const MAX_ACK_NOTE: usize = 500;
/// Largest acknowledgement request body.
const MAX_ACK_BODY: usize = 4096;

/// The console's routes, to be merged into the API's router.
pub fn routes() -> Router<AppState> {
	Router::new()
		.route("/", get(|| async { Redirect::to("/console/") }))
		.route("/console", get(|| async { Redirect::to("/console/") }))
		.route("/console/", get(|headers: HeaderMap| async move { asset("index.html", &headers) }))
		.route("/console/chain-spec.json", get(chain_spec))
		.route("/console/{file}", get(|Path(file): Path<String>, headers: HeaderMap| async move { asset(&file, &headers) }))
		.route("/overview", get(overview))
		.route("/calls/{call}", get(prepared_call))
		.route("/alerts/{id}/acknowledge", post(acknowledge).layer(DefaultBodyLimit::max(MAX_ACK_BODY)))
}

/// A console file, deflated when the browser takes that.
fn asset(file: &str, headers: &HeaderMap) -> Response {
	let Some(asset) = ASSETS.iter().find(|a| a.name == file) else {
		return (StatusCode::NOT_FOUND, Json(json!({ "error": format!("the console has no file {file}") }))).into_response();
	};
	let deflate = accepts_deflate(headers);
	let mut response = if deflate { asset.deflated } else { asset.body }.into_response();
	let headers = response.headers_mut();
	headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(asset.content_type));
	if deflate {
		headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("deflate"));
	}
	headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
	headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CONTENT_SECURITY_POLICY));
	headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
	// The files change only with the binary; a reload after an upgrade revalidates.
	headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
	response
}

/// Whether `Accept-Encoding` lists `deflate` (and not with `q=0`, which refuses it).
fn accepts_deflate(headers: &HeaderMap) -> bool {
	let codings = headers.get_all(header::ACCEPT_ENCODING).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(','));
	codings.into_iter().any(|coding| {
		let mut parts = coding.split(';').map(str::trim);
		let name = parts.next().unwrap_or_default();
		let refused = parts.any(|p| p.strip_prefix("q=").and_then(|q| q.trim().parse::<f32>().ok()) == Some(0.0));
		name.eq_ignore_ascii_case("deflate") && !refused
	})
}

/// `GET /console/chain-spec.json`: the chain spec the server was started with (`--chain-spec`).
async fn chain_spec(State(state): State<AppState>) -> Response {
	match state.console.chain_spec {
		Some(spec) => ([(header::CONTENT_TYPE, "application/json")], spec.to_vec()).into_response(),
		None => (
			StatusCode::NOT_FOUND,
			Json(json!({ "error": "this server was started without --chain-spec: load the chain spec you trust in the record page" })),
		)
			.into_response(),
	}
}

fn count(rows: &[sqlx::any::AnyRow]) -> Result<i64, store::Error> {
	rows.first().map_or(Ok(0), |r| r.try_get::<i64, _>("n"))
}

/// `GET /overview`: what the console's first page shows, from the daily counts and the
/// registries (no query reads the screenings table beyond one index step per active device).
async fn overview(State(store): State<Store>) -> ApiResult<Json<serde_json::Value>> {
	let cursor = store.cursor().await?;
	let last_time = match &cursor {
		Some(c) => count(&store.fetch("SELECT timestamp AS n FROM blocks WHERE number = ?", &[Param::Int(c.block_number as i64)]).await?)?,
		None => 0,
	};
	let mut devices = serde_json::Map::new();
	for row in store.fetch("SELECT status, COUNT(*) AS n FROM devices GROUP BY status", &[]).await? {
		devices.insert(row.try_get::<String, _>("status")?, json!(row.try_get::<i64, _>("n")?));
	}
	// Each active device's last record, one step down its primary key.
	let silent = count(
		&store
			.fetch(
				"SELECT COUNT(*) AS n FROM devices d WHERE d.status = 'Active' AND COALESCE( \
				 (SELECT s.started_at FROM screenings s WHERE s.device = d.device ORDER BY s.seq DESC LIMIT 1), 0) < ?",
				&[Param::Int(last_time - SILENT_AFTER_MS)],
			)
			.await?,
	)?;
	let mut open_alerts = serde_json::Map::new();
	let open_sql = format!("SELECT rule, COUNT(*) AS n FROM {} WHERE {} GROUP BY rule", store::ALERTS, store::OPEN_ALERT);
	for row in store.fetch(&open_sql, &[]).await? {
		open_alerts.insert(row.try_get::<String, _>("rule")?, json!(row.try_get::<i64, _>("n")?));
	}
	let judged = store.judged().await?;
	let (today, days, films, cinemas, placed) = match &judged {
		None => (None, vec![], vec![], vec![], vec![]),
		Some(j) => {
			let from = j.today - OVERVIEW_DAYS + 1;
			let series = crate::api::daily_series(&store, &Series::All, from, j.today).await?;
			let days: Vec<_> = series.iter().enumerate().map(|(i, n)| crate::api::day_json(from + i as i64, *n)).collect();
			let films = store
				.fetch(
					"SELECT film, CAST(SUM(screenings) AS BIGINT) AS n FROM daily_films WHERE day >= ? GROUP BY film ORDER BY n DESC, film LIMIT ?",
					&[Param::Int(from), Param::Int(TOP)],
				)
				.await?
				.iter()
				.map(|r| Ok(json!({ "film": r.try_get::<String, _>("film")?, "screenings": r.try_get::<i64, _>("n")? })))
				.collect::<Result<Vec<_>, store::Error>>()?;
			let cinema_json = |r: &sqlx::any::AnyRow| -> Result<serde_json::Value, store::Error> {
				Ok(json!({
					"cinema": r.try_get::<i64, _>("cinema")?,
					"name": r.try_get::<Option<String>, _>("name")?,
					"region": r.try_get::<Option<String>, _>("region")?,
					"latitude": r.try_get::<Option<i64>, _>("latitude")?,
					"longitude": r.try_get::<Option<i64>, _>("longitude")?,
					"screenings": r.try_get::<i64, _>("n")?,
				}))
			};
			let cinemas = store
				.fetch(
					"SELECT t.cinema, c.name, c.region, c.latitude, c.longitude, t.n FROM \
					 (SELECT cinema, CAST(SUM(screenings) AS BIGINT) AS n FROM daily_cinemas WHERE day >= ? GROUP BY cinema) t \
					 LEFT JOIN cinemas c ON c.cinema = t.cinema ORDER BY t.n DESC, t.cinema LIMIT ?",
					&[Param::Int(from), Param::Int(TOP)],
				)
				.await?
				.iter()
				.map(cinema_json)
				.collect::<Result<Vec<_>, _>>()?;
			let placed = store
				.fetch(
					"SELECT c.cinema, c.name, c.region, c.latitude, c.longitude, COALESCE(t.n, 0) AS n FROM cinemas c LEFT JOIN \
					 (SELECT cinema, CAST(SUM(screenings) AS BIGINT) AS n FROM daily_cinemas WHERE day >= ? GROUP BY cinema) t ON t.cinema = c.cinema \
					 WHERE c.latitude IS NOT NULL AND c.longitude IS NOT NULL ORDER BY c.cinema LIMIT ?",
					&[Param::Int(from), Param::Int(MAX_PLACED_CINEMAS)],
				)
				.await?
				.iter()
				.map(cinema_json)
				.collect::<Result<Vec<_>, _>>()?;
			let today = series.last().copied().unwrap_or(0.0);
			(Some((crate::days::date(j.today), today)), days, films, cinemas, placed)
		},
	};
	Ok(Json(json!({
		"indexedBlock": cursor.as_ref().map(|c| c.block_number),
		"indexedTime": cursor.as_ref().map(|_| last_time),
		"today": today.as_ref().map(|(date, _)| date.clone()),
		"screeningsToday": today.as_ref().map_or(0.0, |(_, n)| *n),
		"lastCompleteDate": judged.as_ref().and_then(|j| j.day).map(crate::days::date),
		"devices": devices,
		"silentDevices": silent,
		"silentAfterMs": SILENT_AFTER_MS,
		"openAlerts": open_alerts,
		"days": days,
		"topFilms": films,
		"topCinemas": cinemas,
		"cinemas": placed,
	})))
}

/// `GET /calls/{call}?arg=value...`: a call ([`crate::calls::PREPARED`]) encoded with the
/// metadata of the runtime the node runs now, for the regulator to sign elsewhere.
async fn prepared_call(
	State(state): State<AppState>,
	Path(call): Path<String>,
	Query(q): Query<HashMap<String, String>>,
) -> ApiResult<Json<crate::calls::Prepared>> {
	// The call is checked before the node is asked for anything.
	let names = crate::calls::arguments(&call).map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, e))?;
	let mut params = Params::new(q);
	let mut args = Vec::new();
	for name in names {
		if let Some(value) = params.int(name, 0, i64::MAX)? {
			args.push((name.to_string(), value as u64));
		}
	}
	params.finish()?;
	let metadata = state.prover.metadata().await?;
	crate::calls::prepare(&metadata, &call, &args).map(Json).map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, e))
}

/// Whether `headers` carry the console's token (`Authorization: Bearer <token>`), compared in
/// time independent of where they differ.
pub fn authorised(headers: &HeaderMap, token: &str) -> bool {
	let Some(given) = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer ")) else {
		return false;
	};
	let (a, b) = (given.as_bytes(), token.as_bytes());
	a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// An acknowledgement as a request gives it, checked: a name and a note of bounded length,
/// without control characters.
pub fn checked_acknowledgement(by: &str, note: &str, at: i64) -> Result<Acknowledgement, String> {
	let by = by.trim();
	if by.is_empty() || by.chars().count() > MAX_ACK_BY {
		return Err(format!("`by` must be 1 to {MAX_ACK_BY} characters"));
	}
	if note.chars().count() > MAX_ACK_NOTE {
		return Err(format!("`note` must be at most {MAX_ACK_NOTE} characters"));
	}
	if by.chars().any(|c| c.is_control() || invisible(c)) || note.chars().any(|c| (c.is_control() && c != '\n') || invisible(c)) {
		return Err("`by` must not hold control or invisible characters, nor `note` any but line breaks".into());
	}
	Ok(Acknowledgement { by: by.to_string(), note: note.to_string(), at })
}

/// Characters that change how text around them reads without showing (zero-width characters,
/// direction overrides, the byte-order mark): a name holding them could pass for another.
fn invisible(c: char) -> bool {
	matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{206f}' | '\u{feff}')
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct AckRequest {
	by: String,
	#[serde(default)]
	note: String,
}

/// `POST /alerts/{id}/acknowledge` with `{"by": ..., "note": ...}` and the console's token.
async fn acknowledge(
	State(state): State<AppState>,
	Path(id): Path<i64>,
	headers: HeaderMap,
	body: axum::body::Bytes,
) -> ApiResult<(StatusCode, Json<serde_json::Value>)> {
	let Some(token) = state.console.token.as_deref() else {
		return Err(ApiError::new(
			StatusCode::FORBIDDEN,
			"acknowledgements are off: the indexer was started without --console-token-file".into(),
		));
	};
	if !authorised(&headers, token) {
		return Err(ApiError::new(StatusCode::UNAUTHORIZED, "acknowledging needs the console's token (Authorization: Bearer ...)".into()));
	}
	let request: AckRequest =
		serde_json::from_slice(&body).map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, format!("the body must be {{\"by\", \"note\"}}: {e}")))?;
	let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64);
	let ack = checked_acknowledgement(&request.by, &request.note, now).map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, e))?;
	match state.store.acknowledge(id, &ack).await? {
		Acknowledged::Recorded => Ok((StatusCode::CREATED, Json(json!({ "alert": id, "acknowledged": ack })))),
		Acknowledged::Already(existing) => Err(ApiError::new(
			StatusCode::CONFLICT,
			format!("alert {id} was acknowledged already, by {} at {}", existing.by, existing.at),
		)),
		Acknowledged::NoSuchAlert => Err(ApiError::new(StatusCode::NOT_FOUND, format!("there is no alert {id}"))),
	}
}

/// Reads the console's token from a file (its first line, at least 16 characters).
pub fn read_token(text: &str) -> Result<String, String> {
	let token = text.lines().next().unwrap_or_default().trim();
	if token.len() < 16 || !token.chars().all(|c| c.is_ascii_graphic()) {
		return Err("the console token must be a line of at least 16 printable ASCII characters".into());
	}
	Ok(token.to_string())
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn deflate_only_when_the_browser_takes_it() {
		let accepts = |value: &'static str| {
			let mut headers = HeaderMap::new();
			headers.insert(header::ACCEPT_ENCODING, HeaderValue::from_static(value));
			accepts_deflate(&headers)
		};
		assert!(accepts("gzip, deflate, br, zstd"));
		assert!(accepts("Deflate; q=0.5"));
		assert!(!accepts("gzip, br"));
		assert!(!accepts("deflate;q=0"));
		assert!(!accepts("gzip, deflate; q=0.0"));
		assert!(!accepts_deflate(&HeaderMap::new()));
	}

	#[test]
	fn every_file_deflated_is_the_file() {
		for asset in &ASSETS {
			let inflated = miniz_oxide::inflate::decompress_to_vec_zlib(asset.deflated).expect("zlib data");
			assert!(inflated == asset.body, "{}", asset.name);
			assert!(asset.deflated.len() < asset.body.len(), "{}", asset.name);
		}
	}

	#[test]
	fn only_the_exact_token_authorises() {
		let mut headers = HeaderMap::new();
		assert!(!authorised(&headers, "sixteen-chars-ok"));
		headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer sixteen-chars-ok"));
		assert!(authorised(&headers, "sixteen-chars-ok"));
		assert!(!authorised(&headers, "sixteen-chars-oK"));
		assert!(!authorised(&headers, "sixteen-chars-ok-"));
		headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic sixteen-chars-ok"));
		assert!(!authorised(&headers, "sixteen-chars-ok"));
	}

	#[test]
	fn acknowledgements_are_bounded_and_printable() {
		assert_eq!(checked_acknowledgement("  Li Wei ", "checked the hall log", 5).unwrap().by, "Li Wei");
		assert!(checked_acknowledgement(" ", "", 5).is_err());
		assert!(checked_acknowledgement(&"x".repeat(MAX_ACK_BY + 1), "", 5).is_err());
		assert!(checked_acknowledgement("Li", &"笔".repeat(MAX_ACK_NOTE), 5).is_ok());
		assert!(checked_acknowledgement("Li", &"笔".repeat(MAX_ACK_NOTE + 1), 5).is_err());
		assert!(checked_acknowledgement("Li\u{1b}[2J", "", 5).is_err());
		assert!(checked_acknowledgement("Li\nWei", "", 5).is_err());
		assert!(checked_acknowledgement("Li\u{202e}ieW", "", 5).is_err(), "a direction override");
		assert!(checked_acknowledgement("Li", "first line\nsecond line", 5).is_ok());
		assert!(read_token("short\n").is_err());
		assert_eq!(read_token("0123456789abcdef\nignored").unwrap(), "0123456789abcdef");
	}

	#[test]
	fn every_console_file_is_served_and_nothing_else() {
		let mut deflating = HeaderMap::new();
		deflating.insert(header::ACCEPT_ENCODING, HeaderValue::from_static("gzip, deflate"));
		for Asset { name, .. } in ASSETS {
			for (headers, encoding) in [(HeaderMap::new(), None), (deflating.clone(), Some("deflate"))] {
				let response = asset(name, &headers);
				assert_eq!(response.status(), StatusCode::OK, "{name}");
				assert!(response.headers().contains_key(header::CONTENT_SECURITY_POLICY));
				assert_eq!(response.headers().get(header::CONTENT_ENCODING).map(|v| v.to_str().unwrap()), encoding, "{name}");
			}
		}
		assert_eq!(asset("../Cargo.toml", &deflating).status(), StatusCode::NOT_FOUND);
		assert_eq!(asset("package.json", &HeaderMap::new()).status(), StatusCode::NOT_FOUND);
	}
}
