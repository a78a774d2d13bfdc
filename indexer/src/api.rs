//! The HTTP JSON API (read-only). Its contract is `openapi.json`, served at `/openapi.json`.
//! Every error is JSON `{"error": reason}` with a 4xx status for the client's mistakes and 5xx
//! for the server's; every list is a bounded page with the cursor of the next.

use std::collections::HashMap;

use std::sync::Arc;

use axum::{
	extract::{FromRef, FromRequestParts, State},
	http::request::Parts,
	http::{header, HeaderName, HeaderValue, StatusCode},
	response::{IntoResponse, Response},
	routing::get,
	Json, Router,
};
use serde::Serialize;
use serde_json::json;

use crate::{
	model::Screening,
	prove::{ProofError, Prover},
	query::{self, BadRequest, HistoryOf, Params, Sql},
	store::{self, Store},
};

/// The API's contract, served as is.
pub const OPENAPI: &str = include_str!("../openapi.json");

/// An error answer.
#[derive(Debug)]
pub struct ApiError(StatusCode, String);

impl ApiError {
	pub fn new(status: StatusCode, reason: String) -> ApiError {
		ApiError(status, reason)
	}
}

impl IntoResponse for ApiError {
	fn into_response(self) -> Response {
		(self.0, Json(json!({ "error": self.1 }))).into_response()
	}
}

impl From<BadRequest> for ApiError {
	fn from(e: BadRequest) -> Self {
		ApiError(StatusCode::BAD_REQUEST, e.0)
	}
}

impl From<store::Error> for ApiError {
	fn from(e: store::Error) -> Self {
		ApiError(StatusCode::INTERNAL_SERVER_ERROR, format!("database: {e}"))
	}
}

fn not_found(what: String) -> ApiError {
	ApiError(StatusCode::NOT_FOUND, what)
}

pub type ApiResult<T> = Result<T, ApiError>;

/// Query-string parameters; a malformed query string is a JSON error like any other.
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> FromRequestParts<S> for Query<T> {
	type Rejection = ApiError;
	async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
		axum::extract::Query::<T>::from_request_parts(parts, state)
			.await
			.map(|q| Query(q.0))
			.map_err(|e| ApiError(StatusCode::BAD_REQUEST, e.body_text()))
	}
}

/// Path parameters; one of the wrong type (`/devices/abc`) is a JSON error like any other.
pub struct Path<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned + Send> FromRequestParts<S> for Path<T> {
	type Rejection = ApiError;
	async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
		axum::extract::Path::<T>::from_request_parts(parts, state)
			.await
			.map(|p| Path(p.0))
			.map_err(|e| ApiError(StatusCode::BAD_REQUEST, e.body_text()))
	}
}

/// A page of a listing.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Page<T> {
	pub items: Vec<T>,
	/// Pass as `cursor` for the next page; absent on the last page.
	pub next_cursor: Option<String>,
}

/// What the routes read: the index, the node proofs (and prepared calls) are made from, and the
/// console's settings.
#[derive(Clone)]
pub struct AppState {
	pub store: Store,
	pub prover: Arc<Prover>,
	pub console: crate::console::Settings,
	pub progress: Arc<crate::metrics::Progress>,
}

impl FromRef<AppState> for Store {
	fn from_ref(state: &AppState) -> Store {
		state.store.clone()
	}
}

/// The API and the console ([`crate::console`]).
pub fn router(store: Store, prover: Arc<Prover>, console: crate::console::Settings, progress: Arc<crate::metrics::Progress>) -> Router {
	Router::new()
		.route("/openapi.json", get(|| async { ([(header::CONTENT_TYPE, "application/json")], OPENAPI) }))
		.route("/status", get(status))
		.route("/metrics", get(metrics))
		.route("/blocks/{number}", get(block))
		.route("/screenings", get(screenings))
		.route("/screenings.csv", get(screenings_csv))
		.route("/screenings/{device}/{seq}", get(screening))
		.route("/devices", get(devices))
		.route("/devices/{device}", get(device))
		.route("/devices/{device}/history", get(device_history))
		.route("/cinemas", get(cinemas))
		.route("/cinemas/{cinema}", get(cinema))
		.route("/cinemas/{cinema}/history", get(cinema_history))
		.route("/accounts/{account}/roles", get(account_roles))
		.route("/accounts/{account}/history", get(account_history))
		.route("/archive-nodes/{node}/history", get(node_history))
		.route("/flags", get(flags))
		.route("/alerts", get(alerts))
		.route("/stats/daily", get(stats_daily))
		.route("/forecast", get(forecast))
		.route("/proof/{device}/{seq}", get(proof))
		.merge(crate::console::routes())
		.fallback(|| async { not_found("no such endpoint; see /openapi.json".into()) })
		.with_state(AppState { store, prover, console, progress })
}

/// The proof that screening `seq` of `device` is on the finalized chain (see [`crate::prove`]).
async fn proof(State(state): State<AppState>, Path((device, seq)): Path<(u64, u64)>) -> ApiResult<Json<cinechain_proof::bundle::Bundle>> {
	Ok(Json(state.prover.bundle(&state.store, device, seq).await?))
}

impl From<ProofError> for ApiError {
	fn from(e: ProofError) -> Self {
		match e {
			ProofError::NotFound(m) => not_found(m),
			ProofError::NotYet(m) => ApiError(StatusCode::SERVICE_UNAVAILABLE, m),
			ProofError::Node(m) => ApiError(StatusCode::BAD_GATEWAY, format!("node: {m}")),
			ProofError::Index(m) => ApiError(StatusCode::INTERNAL_SERVER_ERROR, format!("cannot be proven from this index: {m}")),
			ProofError::Busy(m) => ApiError(StatusCode::SERVICE_UNAVAILABLE, m),
			ProofError::Database(e) => ApiError::from(e),
		}
	}
}

/// The follower's progress for Prometheus (see [`crate::metrics`]).
async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
	([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], state.progress.render())
}

async fn status(State(store): State<Store>) -> ApiResult<Json<serde_json::Value>> {
	let cursor = store.cursor().await?;
	Ok(Json(json!({
		"database": if store.is_postgres() { "postgres" } else { "sqlite" },
		"genesisHash": cursor.as_ref().map(|c| c.genesis_hash.clone()),
		"indexedBlock": cursor.as_ref().map(|c| c.block_number),
		"indexedHash": cursor.as_ref().map(|c| c.block_hash.clone()),
	})))
}

async fn block(State(store): State<Store>, Path(number): Path<u32>) -> ApiResult<Json<crate::model::BlockInfo>> {
	let rows = store.fetch("SELECT * FROM blocks WHERE number = ?", &[store::Param::Int(number as i64)]).await?;
	let row = rows.first().ok_or_else(|| not_found(format!("block #{number} is not indexed")))?;
	Ok(Json(store::block_from_row(row)?))
}

/// Runs a paged query; `cursor_of` gives a row's cursor.
async fn page<T>(
	store: &Store,
	sql: Sql,
	read: impl Fn(&sqlx::any::AnyRow) -> Result<T, store::Error>,
	cursor_of: impl Fn(&T) -> String,
) -> ApiResult<Page<T>> {
	let rows = store.fetch(&sql.text, &sql.params).await?;
	let mut items = rows.iter().map(read).collect::<Result<Vec<T>, _>>()?;
	let next_cursor = if items.len() > sql.limit as usize {
		items.truncate(sql.limit as usize);
		items.last().map(&cursor_of)
	} else {
		None
	};
	Ok(Page { items, next_cursor })
}

fn screening_cursor(s: &Screening) -> String {
	query::screening_cursor(s.started_at, s.device, s.seq)
}

/// The SQL of a `GET /screenings` (or CSV) request: the query checked, then, for a title
/// search, the titles it matches looked up (see [`query::ScreeningsQuery::page`]).
pub async fn screenings_sql(store: &Store, q: HashMap<String, String>, max_limit: u32) -> Result<Sql, ApiError> {
	use sqlx::Row;
	let query = query::screenings(Params::new(q), max_limit)?;
	let titles = match query.titles() {
		Some(sql) => store
			.fetch(&sql.text, &sql.params)
			.await?
			.iter()
			.map(|row| row.try_get::<String, _>("title_lower"))
			.collect::<Result<Vec<String>, _>>()?,
		None => Vec::new(),
	};
	Ok(query.page(&titles))
}

async fn screenings(State(store): State<Store>, Query(q): Query<HashMap<String, String>>) -> ApiResult<Json<Page<Screening>>> {
	let sql = screenings_sql(&store, q, query::MAX_LIMIT).await?;
	Ok(Json(page(&store, sql, store::screening_from_row, screening_cursor).await?))
}

/// The CSV export's columns, in order.
pub const CSV_COLUMNS: &[&str] = &[
	"device", "seq", "startedAt", "endedAt", "cinema", "hall", "region", "title", "filmCode", "cplId",
	"projectionist", "outcome", "abortReason", "latitude", "longitude", "reportHash", "recordHash", "prevHash",
	"recordedAt", "blockNumber", "blockHash", "extrinsicIndex", "extrinsicHash", "eventIndex",
];

/// One CSV field: quoted when it holds a separator, quote or line break. Text that a
/// spreadsheet would run as a formula (device-supplied titles are anyone's words) is prefixed
/// with `'`.
pub fn csv_field(value: &str, text: bool) -> String {
	let value = if text && value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
		format!("'{value}")
	} else {
		value.to_string()
	};
	if value.contains([',', '"', '\n', '\r']) {
		format!("\"{}\"", value.replace('"', "\"\""))
	} else {
		value
	}
}

/// A screening as a CSV line (columns [`CSV_COLUMNS`]).
pub fn csv_line(s: &Screening) -> String {
	let opt = |v: Option<String>| v.unwrap_or_default();
	let num = |v: Option<i64>| v.map(|n| n.to_string()).unwrap_or_default();
	let p = &s.position;
	let fields = [
		(s.device.to_string(), false),
		(s.seq.to_string(), false),
		(s.started_at.to_string(), false),
		(s.ended_at.to_string(), false),
		(s.cinema.to_string(), false),
		(s.hall.to_string(), false),
		(s.region.clone(), true),
		(s.title.clone(), true),
		(opt(s.film_code.clone()), true),
		(opt(s.cpl_id.clone()), false),
		(s.projectionist.clone(), true),
		(s.outcome.clone(), false),
		(num(s.abort_reason.map(i64::from)), false),
		(num(s.latitude), false),
		(num(s.longitude), false),
		(opt(s.report_hash.clone()), false),
		(s.record_hash.clone(), false),
		(s.prev_hash.clone(), false),
		(s.recorded_at.to_string(), false),
		(p.block_number.to_string(), false),
		(p.block_hash.clone(), false),
		(num(p.extrinsic_index.map(i64::from)), false),
		(opt(p.extrinsic_hash.clone()), false),
		(p.event_index.to_string(), false),
	];
	let mut line = fields.iter().map(|(v, text)| csv_field(v, *text)).collect::<Vec<_>>().join(",");
	line.push_str("\r\n");
	line
}

async fn screenings_csv(State(store): State<Store>, Query(q): Query<HashMap<String, String>>) -> ApiResult<Response> {
	let sql = screenings_sql(&store, q, query::MAX_CSV_LIMIT).await?;
	let page = page(&store, sql, store::screening_from_row, screening_cursor).await?;
	let mut body = CSV_COLUMNS.join(",");
	body.push_str("\r\n");
	for s in &page.items {
		body.push_str(&csv_line(s));
	}
	let mut response = ([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], body).into_response();
	if let Some(next) = page.next_cursor.and_then(|c| HeaderValue::from_str(&c).ok()) {
		response.headers_mut().insert(HeaderName::from_static("x-next-cursor"), next);
	}
	Ok(response)
}

async fn screening(State(store): State<Store>, Path((device, seq)): Path<(u64, u64)>) -> ApiResult<Json<serde_json::Value>> {
	let rows = store
		.fetch("SELECT * FROM screenings WHERE device = ? AND seq = ?", &[store::Param::Int(device as i64), store::Param::Int(seq as i64)])
		.await?;
	let row = rows.first().ok_or_else(|| not_found(format!("no screening {seq} of device {device} is indexed")))?;
	let screening = store::screening_from_row(row)?;
	let flags = flag_rows(
		&store,
		"SELECT * FROM flags WHERE device = ? AND seq = ? ORDER BY flag_block",
		&[store::Param::Int(device as i64), store::Param::Int(seq as i64)],
	)
	.await?;
	let alerts = store
		.fetch(
			&format!("SELECT * FROM {} WHERE device = ? AND seq = ? ORDER BY id", store::ALERTS),
			&[store::Param::Int(device as i64), store::Param::Int(seq as i64)],
		)
		.await?
		.iter()
		.map(alert_json)
		.collect::<Result<Vec<_>, _>>()?;
	Ok(Json(json!({ "screening": screening, "flags": flags, "alerts": alerts })))
}

async fn flag_rows(store: &Store, sql: &str, params: &[store::Param]) -> ApiResult<Vec<serde_json::Value>> {
	let rows = store.fetch(sql, params).await?;
	rows.iter().map(flag_json).collect::<Result<Vec<_>, _>>().map_err(ApiError::from)
}

fn flag_json(r: &sqlx::any::AnyRow) -> Result<serde_json::Value, store::Error> {
	use sqlx::Row;
	let int = |n: &str| r.try_get::<Option<i64>, _>(n);
	let text = |n: &str| r.try_get::<Option<String>, _>(n);
	Ok(json!({
		"device": int("device")?, "seq": int("seq")?, "reason": int("reason")?, "supervisor": text("supervisor")?,
		"flaggedAt": { "blockNumber": int("flag_block")?, "blockHash": text("flag_block_hash")?,
			"extrinsicIndex": int("flag_extrinsic_index")?, "extrinsicHash": text("flag_extrinsic_hash")?,
			"eventIndex": int("flag_event_index")? },
		"resolution": int("resolution")?, "resolvedBy": text("resolved_by")?,
		"resolvedAt": if int("resolved_block")?.is_some() { json!({ "blockNumber": int("resolved_block")?,
			"blockHash": text("resolved_block_hash")?, "extrinsicIndex": int("resolved_extrinsic_index")?,
			"extrinsicHash": text("resolved_extrinsic_hash")?, "eventIndex": int("resolved_event_index")? }) } else { json!(null) },
	}))
}

async fn flags(State(store): State<Store>, Query(q): Query<HashMap<String, String>>) -> ApiResult<Json<Page<serde_json::Value>>> {
	let sql = query::flags(Params::new(q))?;
	let cursor_of = |f: &serde_json::Value| {
		query::screening_cursor(
			f["flaggedAt"]["blockNumber"].as_i64().unwrap_or(0),
			f["device"].as_u64().unwrap_or(0),
			f["seq"].as_u64().unwrap_or(0),
		)
	};
	Ok(Json(page(&store, sql, flag_json, cursor_of).await?))
}

/// An alert as the API shows it (a row of `SELECT * FROM {store::ALERTS}`): its id, the
/// alert, where each record's proof is, and its acknowledgement if it has one.
fn alert_json(row: &sqlx::any::AnyRow) -> Result<serde_json::Value, store::Error> {
	let (id, alert) = store::alert_from_row(row)?;
	let proof = |r: &crate::anomaly::RecordId| format!("/proof/{}/{}", r.device, r.seq);
	let mut value = json!(alert);
	value["id"] = json!(id);
	value["proofs"] = json!(alert.record.iter().chain(&alert.related).map(proof).collect::<Vec<_>>());
	value["acknowledgement"] = json!(store::acknowledgement_from_row(row)?);
	Ok(value)
}

async fn alerts(State(store): State<Store>, Query(q): Query<HashMap<String, String>>) -> ApiResult<Json<Page<serde_json::Value>>> {
	let sql = query::alerts(Params::new(q))?;
	Ok(Json(page(&store, sql, alert_json, |a| a["id"].to_string()).await?))
}

/// A series' screenings on each day from `from` to `to` (both included), days without any as 0.
pub(crate) async fn daily_series(store: &Store, series: &query::Series, from: i64, to: i64) -> ApiResult<Vec<f64>> {
	use sqlx::Row;
	let sql = series.sql(from, to);
	let mut counts = vec![0.0; (to - from + 1).max(0) as usize];
	for row in store.fetch(&sql.text, &sql.params).await? {
		let (day, n): (i64, i64) = (row.try_get("day")?, row.try_get("n")?);
		if let Some(slot) = counts.get_mut((day - from) as usize) {
			*slot = n as f64;
		}
	}
	Ok(counts)
}

pub(crate) fn day_json(day: i64, screenings: f64) -> serde_json::Value {
	json!({ "date": crate::days::date(day), "screenings": screenings })
}

/// Screenings per day, ending with the day of the last judged block (which may still grow).
async fn stats_daily(State(store): State<Store>, Query(q): Query<HashMap<String, String>>) -> ApiResult<Json<serde_json::Value>> {
	let (series, days) = query::stats_daily(Params::new(q))?;
	let Some(judged) = store.judged().await? else {
		return Ok(Json(json!({ "days": [], "lastCompleteDate": null })));
	};
	let from = judged.today - days as i64 + 1;
	let counts = daily_series(&store, &series, from, judged.today).await?;
	let days: Vec<_> = counts.iter().enumerate().map(|(i, n)| day_json(from + i as i64, *n)).collect();
	Ok(Json(json!({ "days": days, "lastCompleteDate": judged.day.map(crate::days::date) })))
}

/// The next week's screenings per day after the last complete day, from the 56 days before
/// (see [`crate::forecast`]), with the backtest of the model and of the baseline.
async fn forecast(State(store): State<Store>, Query(q): Query<HashMap<String, String>>) -> ApiResult<Json<serde_json::Value>> {
	let series = query::forecast(Params::new(q))?;
	let Some(last) = store.judged().await?.and_then(|j| j.day) else {
		return Err(ApiError(StatusCode::SERVICE_UNAVAILABLE, "no complete day is indexed yet".into()));
	};
	let from = last - query::FORECAST_HISTORY_DAYS as i64 + 1;
	let history = daily_series(&store, &series, from, last).await?;
	let result = crate::forecast::forecast(&history);
	let next: Vec<_> = result
		.next
		.iter()
		.zip(&result.baseline)
		.enumerate()
		.map(|(i, (n, baseline))| json!({ "date": crate::days::date(last + 1 + i as i64), "screenings": n, "baseline": baseline }))
		.collect();
	Ok(Json(json!({
		"history": history.iter().enumerate().map(|(i, n)| day_json(from + i as i64, *n)).collect::<Vec<_>>(),
		"forecast": next,
		"error": result.error,
		"baselineError": result.baseline_error,
		"backtestedDays": result.backtested_days,
	})))
}

async fn devices(State(store): State<Store>, Query(q): Query<HashMap<String, String>>) -> ApiResult<Json<Page<crate::model::Device>>> {
	let sql = query::registry("devices", "device", Params::new(q))?;
	Ok(Json(page(&store, sql, store::device_from_row, |d| d.device.to_string()).await?))
}

async fn device(State(store): State<Store>, Path(device): Path<u64>) -> ApiResult<Json<crate::model::Device>> {
	let rows = store.fetch("SELECT * FROM devices WHERE device = ?", &[store::Param::Int(device as i64)]).await?;
	let row = rows.first().ok_or_else(|| not_found(format!("no device {device} is indexed")))?;
	Ok(Json(store::device_from_row(row)?))
}

async fn history(store: &Store, of: HistoryOf, q: HashMap<String, String>) -> ApiResult<Json<Page<crate::model::HistoryEvent>>> {
	let sql = query::history(of, Params::new(q))?;
	let cursor_of = |e: &crate::model::HistoryEvent| query::event_cursor(e.position.block_number, e.position.event_index);
	Ok(Json(page(store, sql, store::event_from_row, cursor_of).await?))
}

async fn device_history(
	State(store): State<Store>,
	Path(device): Path<u64>,
	Query(q): Query<HashMap<String, String>>,
) -> ApiResult<Json<Page<crate::model::HistoryEvent>>> {
	history(&store, HistoryOf::Device(device), q).await
}

async fn cinemas(State(store): State<Store>, Query(q): Query<HashMap<String, String>>) -> ApiResult<Json<Page<crate::model::Cinema>>> {
	let sql = query::registry("cinemas", "cinema", Params::new(q))?;
	Ok(Json(page(&store, sql, store::cinema_from_row, |c| c.cinema.to_string()).await?))
}

async fn cinema(State(store): State<Store>, Path(cinema): Path<u32>) -> ApiResult<Json<crate::model::Cinema>> {
	let rows = store.fetch("SELECT * FROM cinemas WHERE cinema = ?", &[store::Param::Int(cinema as i64)]).await?;
	let row = rows.first().ok_or_else(|| not_found(format!("no cinema {cinema} is indexed")))?;
	Ok(Json(store::cinema_from_row(row)?))
}

async fn cinema_history(
	State(store): State<Store>,
	Path(cinema): Path<u32>,
	Query(q): Query<HashMap<String, String>>,
) -> ApiResult<Json<Page<crate::model::HistoryEvent>>> {
	history(&store, HistoryOf::Cinema(cinema), q).await
}

async fn account_roles(State(store): State<Store>, Path(account): Path<String>) -> ApiResult<Json<Vec<crate::model::Grant>>> {
	let account = query::hex_path(&account, 32)?;
	let rows = store.fetch("SELECT * FROM grants WHERE account = ? ORDER BY role", &[store::Param::Text(account)]).await?;
	Ok(Json(rows.iter().map(store::grant_from_row).collect::<Result<Vec<_>, _>>()?))
}

async fn account_history(
	State(store): State<Store>,
	Path(account): Path<String>,
	Query(q): Query<HashMap<String, String>>,
) -> ApiResult<Json<Page<crate::model::HistoryEvent>>> {
	history(&store, HistoryOf::Account(query::hex_path(&account, 32)?), q).await
}

async fn node_history(
	State(store): State<Store>,
	Path(node): Path<u32>,
	Query(q): Query<HashMap<String, String>>,
) -> ApiResult<Json<Page<crate::model::HistoryEvent>>> {
	history(&store, HistoryOf::Node(node), q).await
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::{
		anomaly::Thresholds,
		knowledge::{Catalogue, Knowledge},
		model::{BlockChanges, BlockInfo, Position},
	};

	/// One GET over a real socket; the status and the body as JSON.
	async fn get(addr: std::net::SocketAddr, path: &str) -> (u16, serde_json::Value) {
		use tokio::io::{AsyncReadExt, AsyncWriteExt};
		let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
		stream.write_all(format!("GET {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n").as_bytes()).await.unwrap();
		let mut response = String::new();
		stream.read_to_string(&mut response).await.unwrap();
		let status = response[9..12].parse().unwrap();
		let (_, body) = response.split_once("\r\n\r\n").unwrap();
		(status, serde_json::from_str(body).unwrap_or(serde_json::Value::Null))
	}

	/// 60 days of a cinema's screenings (a weekly rhythm, one block a day at noon in China),
	/// judged by the knowledge pass, served on 127.0.0.1: the daily counts and the forecast as
	/// a client reads them.
	#[tokio::test]
	async fn daily_counts_and_forecasts_are_served_from_the_judged_days() {
		const DAY: i64 = 86_400_000;
		// 2026-10-01 04:00 UTC, noon in China.
		let first_noon: i64 = 1_790_827_200_000;
		let per_day = |d: i64| 10 + [0, 1, 2, 3, 4, 9, 7][d as usize % 7];
		let dir = tempfile::tempdir().unwrap();
		let store = Store::open(dir.path().join("index.db").to_str().unwrap()).await.unwrap();
		let mut seq = 0;
		let mut blocks = Vec::new();
		for d in 0..60i64 {
			let number = d as u32 + 1;
			let time = first_noon + d * DAY;
			let screenings = (0..per_day(d))
				.map(|i| {
					seq += 1;
					let start = time - 10 * 3_600_000 + i * 1_800_000;
					Screening {
						device: 1,
						seq,
						record_hash: format!("0x{seq:04}"),
						prev_hash: "0x".into(),
						cpl_id: None,
						film_code: Some("001".into()),
						title: "Film".into(),
						projectionist: "P".into(),
						started_at: start,
						ended_at: start + 1_500_000,
						cinema: 7,
						hall: 1,
						region: "110105".into(),
						latitude: None,
						longitude: None,
						outcome: "completed".into(),
						abort_reason: None,
						report_hash: None,
						recorded_at: time,
						position: Position { block_number: number, block_hash: format!("0x{number:02}"), extrinsic_index: Some(1), extrinsic_hash: None, event_index: i as u32 },
					}
				})
				.collect();
			let info = BlockInfo { number, hash: format!("0x{number:02}"), parent_hash: String::new(), spec_version: 1, timestamp: time, extrinsics: 1, from_archive: false };
			// The cinema is registered in the first block: a screening's region is its cinema's.
			let snapshots = if d == 0 {
				vec![crate::model::Snapshot::Cinema(crate::model::Cinema {
					cinema: 7,
					region: "110105".into(),
					name: "C".into(),
					latitude: None,
					longitude: None,
					updated_block: 1,
				})]
			} else {
				Vec::new()
			};
			blocks.push((info, BlockChanges { screenings, snapshots, ..Default::default() }));
		}
		store.write_blocks("0xg", None, &blocks).await.unwrap();
		let knowledge = Knowledge::new(store.clone(), Thresholds::default(), Catalogue::default());
		while knowledge.judge_next().await.unwrap() > 0 {}

		let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
		let addr = listener.local_addr().unwrap();
		let server = tokio::spawn(async move {
			axum::serve(listener, router(store, Arc::new(Prover::new("ws://127.0.0.1:1")), Default::default(), Default::default())).await.unwrap()
		});

		// The last block's day (the 60th, 2026-11-29) is today; the 59th is the last complete one.
		let (status, stats) = get(addr, "/stats/daily?cinema=7&days=3").await;
		assert_eq!(status, 200, "{stats}");
		assert_eq!(stats["lastCompleteDate"], "2026-11-28");
		let expected: Vec<_> = (57..60).map(|d| json!({ "date": crate::days::date(crate::days::local_day(first_noon, 480) + d), "screenings": per_day(d) as f64 })).collect();
		assert_eq!(stats["days"], json!(expected));
		assert_eq!(get(addr, "/stats/daily?region=1101&days=3").await.1["days"], json!(expected), "by region prefix");
		assert_eq!(get(addr, "/stats/daily?film=001&days=3").await.1["days"], json!(expected), "by film");
		assert_eq!(get(addr, "/stats/daily?days=3").await.1["days"], json!(expected), "everything");
		let other = get(addr, "/stats/daily?region=12&days=2").await.1;
		assert_eq!(other["days"].as_array().unwrap().iter().map(|d| d["screenings"].as_f64().unwrap()).sum::<f64>(), 0.0);

		let (status, forecast) = get(addr, "/forecast?cinema=7").await;
		assert_eq!(status, 200, "{forecast}");
		assert_eq!(forecast["history"].as_array().unwrap().len(), 56);
		assert_eq!(forecast["history"][55]["date"], "2026-11-28");
		let next = forecast["forecast"].as_array().unwrap();
		assert_eq!(next[0]["date"], "2026-11-29");
		// A pure weekly rhythm: the model forecasts it exactly (so does the seasonal baseline).
		for (i, day) in next.iter().enumerate() {
			assert!((day["screenings"].as_f64().unwrap() - per_day(59 + i as i64) as f64).abs() < 1e-9, "{day}");
		}
		assert!(forecast["error"].as_f64().unwrap() < 1e-9, "{forecast}");
		assert_eq!(forecast["backtestedDays"], 196);

		for (path, reason) in [
			("/stats/daily?cinema=7&film=001", "at most one"),
			("/stats/daily?days=367", "days"),
			("/forecast?cinema=x", "cinema"),
			("/forecast?day=1", "unknown parameter"),
		] {
			let (status, body) = get(addr, path).await;
			assert_eq!(status, 400, "{path}");
			assert!(body["error"].as_str().unwrap().contains(reason), "{path}: {body}");
		}
		server.abort();
	}

	#[test]
	fn csv_fields_are_quoted_and_formulas_defused() {
		assert_eq!(csv_field("plain", true), "plain");
		assert_eq!(csv_field("a,b", true), "\"a,b\"");
		assert_eq!(csv_field("say \"hi\"", true), "\"say \"\"hi\"\"\"");
		assert_eq!(csv_field("=HYPERLINK(\"x\")", true), "\"'=HYPERLINK(\"\"x\"\")\"");
		assert_eq!(csv_field("-116400000", false), "-116400000", "numbers stay numbers");
	}

	#[test]
	fn the_contract_names_every_route() {
		let spec: serde_json::Value = serde_json::from_str(OPENAPI).expect("openapi.json is JSON");
		let paths = spec["paths"].as_object().expect("paths");
		for route in [
			"/status", "/metrics", "/blocks/{number}", "/screenings", "/screenings.csv", "/screenings/{device}/{seq}", "/devices", "/devices/{device}",
			"/devices/{device}/history", "/cinemas", "/cinemas/{cinema}", "/cinemas/{cinema}/history",
			"/accounts/{account}/roles", "/accounts/{account}/history", "/archive-nodes/{node}/history", "/flags",
			"/proof/{device}/{seq}", "/alerts", "/stats/daily", "/forecast", "/alerts/{id}/acknowledge", "/overview", "/calls/{call}",
		] {
			assert!(paths.contains_key(route), "openapi.json lacks {route}");
		}
		assert_eq!(paths.len(), 23, "openapi.json describes a route the server does not have");
	}
}
