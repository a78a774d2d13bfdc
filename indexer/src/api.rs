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

type ApiResult<T> = Result<T, ApiError>;

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

/// What the routes read: the index, and the node proofs are made from.
#[derive(Clone)]
pub struct AppState {
	pub store: Store,
	pub prover: Arc<Prover>,
}

impl FromRef<AppState> for Store {
	fn from_ref(state: &AppState) -> Store {
		state.store.clone()
	}
}

pub fn router(store: Store, prover: Arc<Prover>) -> Router {
	Router::new()
		.route("/openapi.json", get(|| async { ([(header::CONTENT_TYPE, "application/json")], OPENAPI) }))
		.route("/status", get(status))
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
		.route("/proof/{device}/{seq}", get(proof))
		.fallback(|| async { not_found("no such endpoint; see /openapi.json".into()) })
		.with_state(AppState { store, prover })
}

/// The proof that screening `seq` of `device` is on the finalized chain (see [`crate::prove`]).
async fn proof(State(state): State<AppState>, Path((device, seq)): Path<(u64, u64)>) -> ApiResult<Json<cinechain_proof::bundle::Bundle>> {
	state.prover.bundle(&state.store, device, seq).await.map(Json).map_err(|e| match e {
		ProofError::NotFound(m) => not_found(m),
		ProofError::NotYet(m) => ApiError(StatusCode::SERVICE_UNAVAILABLE, m),
		ProofError::Node(m) => ApiError(StatusCode::BAD_GATEWAY, format!("node: {m}")),
		ProofError::Index(m) => ApiError(StatusCode::INTERNAL_SERVER_ERROR, format!("cannot be proven from this index: {m}")),
		ProofError::Busy(m) => ApiError(StatusCode::SERVICE_UNAVAILABLE, m),
		ProofError::Database(e) => ApiError::from(e),
	})
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
	Ok(Json(json!({ "screening": screening, "flags": flags })))
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
			"/status", "/blocks/{number}", "/screenings", "/screenings.csv", "/screenings/{device}/{seq}", "/devices", "/devices/{device}",
			"/devices/{device}/history", "/cinemas", "/cinemas/{cinema}", "/cinemas/{cinema}/history",
			"/accounts/{account}/roles", "/accounts/{account}/history", "/archive-nodes/{node}/history", "/flags",
			"/proof/{device}/{seq}",
		] {
			assert!(paths.contains_key(route), "openapi.json lacks {route}");
		}
		assert_eq!(paths.len(), 16, "openapi.json describes a route the server does not have");
	}
}
