//! The API's queries: parameters checked and bounded, then turned into SQL with bound
//! parameters. Plain functions, no I/O: tests call them directly.
//!
//! Every list is paged by a cursor over a unique sort key (keyset paging: the cost of a page
//! does not grow with how deep it is), and every page is bounded.

use std::collections::HashMap;

use crate::store::Param;

/// Rows per page unless `limit` says otherwise.
pub const DEFAULT_LIMIT: u32 = 100;
/// Most rows per JSON page.
pub const MAX_LIMIT: u32 = 1_000;
/// Most rows per CSV export request (the next part follows the `X-Next-Cursor` header).
pub const MAX_CSV_LIMIT: u32 = 10_000;
/// Bounds of text parameters.
pub const MAX_TEXT: usize = 128;
/// A title search needs at least this many characters (a shorter one matches nearly
/// everything and only costs).
pub const MIN_TITLE_SEARCH: usize = 2;

/// A bad request, with the reason the client sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadRequest(pub String);

fn bad(msg: impl Into<String>) -> BadRequest {
	BadRequest(msg.into())
}

/// Query-string parameters, each read at most once; leftovers are refused, so that a misspelt
/// filter is an error rather than a silently unfiltered answer.
pub struct Params(HashMap<String, String>);

impl Params {
	pub fn new(map: HashMap<String, String>) -> Self {
		Params(map)
	}

	fn text(&mut self, name: &str) -> Result<Option<String>, BadRequest> {
		match self.0.remove(name) {
			None => Ok(None),
			Some(v) if v.len() > MAX_TEXT => Err(bad(format!("`{name}` is longer than {MAX_TEXT} bytes"))),
			Some(v) if v.is_empty() => Err(bad(format!("`{name}` is empty"))),
			Some(v) => Ok(Some(v)),
		}
	}

	pub fn int(&mut self, name: &str, min: i64, max: i64) -> Result<Option<i64>, BadRequest> {
		self.text(name)?
			.map(|v| {
				v.parse::<i64>()
					.ok()
					.filter(|n| (min..=max).contains(n))
					.ok_or_else(|| bad(format!("`{name}` must be an integer from {min} to {max}, not `{v}`")))
			})
			.transpose()
	}

	fn hex(&mut self, name: &str, bytes: usize) -> Result<Option<String>, BadRequest> {
		self.text(name)?.map(|v| parse_hex(name, &v, bytes)).transpose()
	}

	fn limit(&mut self, max: u32) -> Result<u32, BadRequest> {
		Ok(self.int("limit", 1, max as i64)?.map_or(DEFAULT_LIMIT.min(max), |n| n as u32))
	}

	/// Refuses any parameter not read.
	pub fn finish(self) -> Result<(), BadRequest> {
		let mut left: Vec<&String> = self.0.keys().collect();
		left.sort();
		match left.first() {
			None => Ok(()),
			Some(name) => Err(bad(format!("unknown parameter `{name}`"))),
		}
	}
}

/// The conditions of a listing, each with its bound parameters.
#[derive(Debug, Default)]
struct Where {
	clauses: Vec<String>,
	params: Vec<Param>,
}

impl Where {
	fn add(&mut self, clause: &str, params: impl IntoIterator<Item = Param>) {
		self.clauses.push(clause.to_string());
		self.params.extend(params);
	}

	/// `region LIKE 'prefix%'`, the prefix's own wildcards taken literally.
	fn region_prefix(&mut self, p: &mut Params) -> Result<(), BadRequest> {
		if let Some(region) = p.text("region")? {
			self.add("region LIKE ? ESCAPE '\\'", [Param::Text(format!("{}%", like_escape(&region)))]);
		}
		Ok(())
	}

	/// `SELECT * FROM table [WHERE ...] ORDER BY order LIMIT limit + 1`.
	fn select(self, table: &str, order: &str, limit: u32) -> Sql {
		let filter = if self.clauses.is_empty() { String::new() } else { format!(" WHERE {}", self.clauses.join(" AND ")) };
		Sql { text: format!("SELECT * FROM {table}{filter} ORDER BY {order} LIMIT {}", limit + 1), params: self.params, limit }
	}
}

/// A query in SQL, ready to run.
#[derive(Debug, Clone, PartialEq)]
pub struct Sql {
	pub text: String,
	pub params: Vec<Param>,
	/// Rows asked for; one more is fetched to know whether there is a next page.
	pub limit: u32,
}

/// `%` and `_` matched literally in a LIKE pattern (escape character `\`).
fn like_escape(s: &str) -> String {
	s.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

/// A screening's place in the listing order (start time, device, sequence number), which is
/// also the cursor of the page after it.
pub fn screening_cursor(started_at: i64, device: u64, seq: u64) -> String {
	format!("{started_at}.{device}.{seq}")
}

fn parse_screening_cursor(c: &str) -> Result<(i64, i64, i64), BadRequest> {
	let parts: Vec<&str> = c.split('.').collect();
	match parts.as_slice() {
		[t, d, s] => match (t.parse(), d.parse(), s.parse()) {
			(Ok(t), Ok(d), Ok(s)) => Ok((t, d, s)),
			_ => Err(bad("`cursor` is not one this server gave")),
		},
		_ => Err(bad("`cursor` is not one this server gave")),
	}
}

/// Most titles a title search merges page by page (see [`ScreeningsQuery::page`]); a search
/// that matches more titles than this is common enough for a scan in time order.
pub const MAX_MERGED_TITLES: usize = 64;

/// A `GET /screenings` query, checked: the filters and the page size. A title search is
/// answered in two steps: [`ScreeningsQuery::titles`] finds the distinct titles the words match,
/// then [`ScreeningsQuery::page`] reads the page given them. See [`screenings`].
#[derive(Debug)]
pub struct ScreeningsQuery {
	/// Every filter but the title search, the cursor included.
	filter: Where,
	/// The title search as a `LIKE` pattern on lower-case titles.
	title: Option<String>,
	limit: u32,
}

/// `GET /screenings` (and its CSV export): filters by device, cinema, region prefix, film code,
/// CPL id, title words, projectionist and start-time range; ordered by start time.
pub fn screenings(mut p: Params, max_limit: u32) -> Result<ScreeningsQuery, BadRequest> {
	let mut w = Where::default();
	if let Some(device) = p.int("device", 0, i64::MAX)? {
		w.add("device = ?", [Param::Int(device)]);
	}
	if let Some(cinema) = p.int("cinema", 0, u32::MAX as i64)? {
		w.add("cinema = ?", [Param::Int(cinema)]);
	}
	w.region_prefix(&mut p)?;
	if let Some(code) = p.text("filmCode")? {
		w.add("film_code = ?", [Param::Text(code)]);
	}
	if let Some(cpl) = p.text("cplId")? {
		let cpl = cpl.to_ascii_lowercase();
		let valid = cpl.len() == 36 &&
			cpl.chars().enumerate().all(|(i, c)| if [8, 13, 18, 23].contains(&i) { c == '-' } else { c.is_ascii_hexdigit() });
		if !valid {
			return Err(bad("`cplId` must be a UUID (8-4-4-4-12 hex digits)"));
		}
		w.add("cpl_id = ?", [Param::Text(cpl)]);
	}
	let title = match p.text("title")? {
		Some(title) if title.chars().count() < MIN_TITLE_SEARCH =>
			return Err(bad(format!("`title` needs at least {MIN_TITLE_SEARCH} characters"))),
		Some(title) => Some(format!("%{}%", like_escape(&title.to_lowercase()))),
		None => None,
	};
	if let Some(who) = p.text("projectionist")? {
		w.add("projectionist = ?", [Param::Text(who)]);
	}
	let from = p.int("from", 0, i64::MAX)?;
	let to = p.int("to", 0, i64::MAX)?;
	if let (Some(from), Some(to)) = (from, to) {
		if from > to {
			return Err(bad("`from` is after `to`"));
		}
	}
	if let Some(from) = from {
		w.add("started_at >= ?", [Param::Int(from)]);
	}
	if let Some(to) = to {
		w.add("started_at < ?", [Param::Int(to)]);
	}
	if let Some(cursor) = p.text("cursor")? {
		let (t, d, s) = parse_screening_cursor(&cursor)?;
		// The leading `started_at >= ?` is implied by the rest; it is there so that the
		// database starts its index scan at the cursor instead of testing the OR on every
		// earlier row (a deep page cost 45 ms instead of 3 on 1,000,000 screenings).
		w.add(
			"started_at >= ? AND (started_at > ? OR (started_at = ? AND (device > ? OR (device = ? AND seq > ?))))",
			[Param::Int(t), Param::Int(t), Param::Int(t), Param::Int(d), Param::Int(d), Param::Int(s)],
		);
	}
	let limit = p.limit(max_limit)?;
	p.finish()?;
	Ok(ScreeningsQuery { filter: w, title, limit })
}

/// The screenings' listing order, which the cursor follows.
const SCREENINGS_ORDER: &str = "started_at, device, seq";

impl ScreeningsQuery {
	/// For a title search, the query of the distinct titles it matches (column `title_lower`),
	/// one more than [`MAX_MERGED_TITLES`] at most.
	pub fn titles(&self) -> Option<Sql> {
		let pattern = self.title.clone()?;
		Some(Sql {
			text: format!(
				"SELECT title_lower FROM titles WHERE title_lower LIKE ? ESCAPE '\\' ORDER BY title_lower LIMIT {}",
				MAX_MERGED_TITLES + 1
			),
			params: vec![Param::Text(pattern)],
			limit: MAX_MERGED_TITLES as u32,
		})
	}

	/// The page's query. `titles` are the titles a title search matched (what the query of
	/// [`ScreeningsQuery::titles`] returned; ignored without a title search):
	/// - none: the page is empty, and the query says so without reading a screening;
	/// - up to [`MAX_MERGED_TITLES`]: each title's first page from the (title, time) index,
	///   merged, and only the rows of the page read whole. The cost grows with the number of
	///   titles, not with how rare they are: a scan in time order would read every screening
	///   to find a title shown twice in a year;
	/// - more: the search is a common word, whose matches are dense in time order, so the
	///   plain scan in time order finds a page quickly.
	pub fn page(self, titles: &[String]) -> Sql {
		let ScreeningsQuery { mut filter, title, limit } = self;
		let Some(pattern) = title else { return filter.select("screenings", SCREENINGS_ORDER, limit) };
		if titles.len() > MAX_MERGED_TITLES {
			filter.add("title_lower LIKE ? ESCAPE '\\'", [Param::Text(pattern)]);
			return filter.select("screenings", SCREENINGS_ORDER, limit);
		}
		if titles.is_empty() {
			filter.add("1 = 0", []);
			return filter.select("screenings", SCREENINGS_ORDER, limit);
		}
		let mut params = Vec::new();
		let mut parts = Vec::new();
		for (i, t) in titles.iter().enumerate() {
			let mut clauses = vec!["title_lower = ?".to_string()];
			clauses.extend(filter.clauses.iter().cloned());
			params.push(Param::Text(t.clone()));
			params.extend(filter.params.iter().cloned());
			parts.push(format!(
				"SELECT * FROM (SELECT {SCREENINGS_ORDER} FROM screenings WHERE {} ORDER BY {SCREENINGS_ORDER} LIMIT {}) AS t{i}",
				clauses.join(" AND "),
				limit + 1
			));
		}
		let text = format!(
			"SELECT s.* FROM screenings s JOIN (SELECT * FROM ({}) AS merged ORDER BY {SCREENINGS_ORDER} LIMIT {}) AS k \
			 ON s.device = k.device AND s.seq = k.seq ORDER BY s.started_at, s.device, s.seq",
			parts.join(" UNION ALL "),
			limit + 1
		);
		Sql { text, params, limit }
	}
}

/// A history event's place in block order, which is also the cursor of the page after it.
pub fn event_cursor(block: u32, event_index: u32) -> String {
	format!("{block}.{event_index}")
}

/// What a history listing is about.
#[derive(Debug, Clone, PartialEq)]
pub enum HistoryOf {
	Device(u64),
	Cinema(u32),
	/// An account, `0x` hex.
	Account(String),
	/// An archive node's registry number.
	Node(u32),
}

/// The events concerning one subject, oldest first.
pub fn history(of: HistoryOf, mut p: Params) -> Result<Sql, BadRequest> {
	let (clause, param) = match of {
		HistoryOf::Device(d) => ("device = ?", Param::Int(d as i64)),
		HistoryOf::Cinema(c) => ("cinema = ?", Param::Int(c as i64)),
		HistoryOf::Account(a) => ("account = ?", Param::Text(a)),
		HistoryOf::Node(n) => ("node = ?", Param::Int(n as i64)),
	};
	let mut params = vec![param];
	let mut text = format!("SELECT * FROM events WHERE {clause}");
	if let Some(cursor) = p.text("cursor")? {
		let (b, e) = cursor
			.split_once('.')
			.and_then(|(b, e)| Some((b.parse::<i64>().ok()?, e.parse::<i64>().ok()?)))
			.ok_or_else(|| bad("`cursor` is not one this server gave"))?;
		text.push_str(" AND (block_number > ? OR (block_number = ? AND event_index > ?))");
		params.extend([Param::Int(b), Param::Int(b), Param::Int(e)]);
	}
	let limit = p.limit(MAX_LIMIT)?;
	p.finish()?;
	text.push_str(&format!(" ORDER BY block_number, event_index LIMIT {}", limit + 1));
	Ok(Sql { text, params, limit })
}

/// `value` as lowercase `0x` hex of exactly `bytes` bytes (an account), or why not.
fn parse_hex(name: &str, value: &str, bytes: usize) -> Result<String, BadRequest> {
	let lower = value.to_ascii_lowercase();
	let digits = lower.strip_prefix("0x").unwrap_or(&lower);
	if digits.len() == bytes * 2 && digits.bytes().all(|b| b.is_ascii_hexdigit()) {
		Ok(format!("0x{digits}"))
	} else {
		Err(bad(format!("`{name}` must be {bytes} bytes of hex")))
	}
}

/// A path segment that must be `0x` hex of `bytes` bytes (an account).
pub fn hex_path(value: &str, bytes: usize) -> Result<String, BadRequest> {
	parse_hex("path", value, bytes)
}

/// `GET /flags`: flags, optionally only open ones or one device's.
pub fn flags(mut p: Params) -> Result<Sql, BadRequest> {
	let mut w = Where::default();
	if let Some(device) = p.int("device", 0, i64::MAX)? {
		w.add("device = ?", [Param::Int(device)]);
	}
	match p.text("open")?.as_deref() {
		None => {},
		Some("true") => w.add("resolution IS NULL", []),
		Some("false") => w.add("resolution IS NOT NULL", []),
		Some(_) => return Err(bad("`open` must be true or false")),
	}
	if let Some(cursor) = p.text("cursor")? {
		let (b, d, s) = parse_screening_cursor(&cursor)?;
		w.add(
			"(flag_block > ? OR (flag_block = ? AND (device > ? OR (device = ? AND seq > ?))))",
			[Param::Int(b), Param::Int(b), Param::Int(d), Param::Int(d), Param::Int(s)],
		);
	}
	let limit = p.limit(MAX_LIMIT)?;
	p.finish()?;
	Ok(w.select("flags", "flag_block, device, seq", limit))
}

/// `GET /alerts`: anomaly alerts, newest first, by rule, severity, device or cinema.
pub fn alerts(mut p: Params) -> Result<Sql, BadRequest> {
	let mut w = Where::default();
	if let Some(rule) = p.text("rule")? {
		let rule = crate::anomaly::Rule::from_name(&rule).ok_or_else(|| bad(format!("`{rule}` is not a rule")))?;
		w.add("rule = ?", [Param::Text(rule.name().into())]);
	}
	if let Some(severity) = p.text("severity")? {
		if !["low", "medium", "high"].contains(&severity.as_str()) {
			return Err(bad("`severity` must be low, medium or high"));
		}
		// A severity is its rules' (not a stored column that could disagree with them).
		let rules: Vec<Param> = crate::anomaly::Rule::ALL
			.into_iter()
			.filter(|rule| rule.severity().name() == severity)
			.map(|rule| Param::Text(rule.name().into()))
			.collect();
		w.add(&format!("rule IN ({})", vec!["?"; rules.len()].join(", ")), rules);
	}
	if let Some(device) = p.int("device", 0, i64::MAX)? {
		w.add("device = ?", [Param::Int(device)]);
	}
	if let Some(cinema) = p.int("cinema", 0, u32::MAX as i64)? {
		w.add("cinema = ?", [Param::Int(cinema)]);
	}
	match p.text("open")?.as_deref() {
		None => {},
		Some("true") => w.add(crate::store::OPEN_ALERT, []),
		Some("false") => w.add(&format!("NOT ({})", crate::store::OPEN_ALERT), []),
		Some(_) => return Err(bad("`open` must be true or false")),
	}
	if let Some(cursor) = p.int("cursor", 0, i64::MAX)? {
		w.add("id < ?", [Param::Int(cursor)]);
	}
	let limit = p.limit(MAX_LIMIT)?;
	p.finish()?;
	Ok(w.select(crate::store::ALERTS, "id DESC", limit))
}

/// What a per-day series counts: every screening, a region's (code prefix), a cinema's or a
/// film's (see `knowledge::film_id`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Series {
	All,
	Region(String),
	Cinema(u32),
	Film(String),
}

/// Days `GET /stats/daily` answers at most (a year and a day).
pub const MAX_DAYS: u32 = 366;
/// Days of history `GET /forecast` uses and shows.
pub const FORECAST_HISTORY_DAYS: u32 = 56;

impl Series {
	/// At most one of `region`, `cinema`, `film`; none means every screening.
	fn read(p: &mut Params) -> Result<Series, BadRequest> {
		let region = p.text("region")?;
		let cinema = p.int("cinema", 0, u32::MAX as i64)?;
		let film = p.text("film")?;
		match (region, cinema, film) {
			(None, None, None) => Ok(Series::All),
			(Some(region), None, None) => Ok(Series::Region(region)),
			(None, Some(cinema), None) => Ok(Series::Cinema(cinema as u32)),
			(None, None, Some(film)) => Ok(Series::Film(film)),
			_ => Err(bad("give at most one of `region`, `cinema` and `film`")),
		}
	}

	/// Its screenings per day from day `from` to day `to` (both included): rows `(day, n)`, days
	/// without screenings left out.
	pub fn sql(&self, from: i64, to: i64) -> Sql {
		let days = [Param::Int(from), Param::Int(to)];
		let (text, params): (&str, Vec<Param>) = match self {
			Series::All => (
				"SELECT day, CAST(SUM(screenings) AS BIGINT) AS n FROM daily_cinemas WHERE day >= ? AND day <= ? GROUP BY day ORDER BY day",
				days.to_vec(),
			),
			Series::Region(region) => (
				"SELECT day, CAST(SUM(screenings) AS BIGINT) AS n FROM daily_cinemas WHERE day >= ? AND day <= ? \
				 AND region LIKE ? ESCAPE '\\' GROUP BY day ORDER BY day",
				[days.to_vec(), vec![Param::Text(format!("{}%", like_escape(region)))]].concat(),
			),
			Series::Cinema(cinema) => (
				"SELECT day, screenings AS n FROM daily_cinemas WHERE cinema = ? AND day >= ? AND day <= ? ORDER BY day",
				[vec![Param::Int(*cinema as i64)], days.to_vec()].concat(),
			),
			Series::Film(film) => (
				"SELECT day, screenings AS n FROM daily_films WHERE film = ? AND day >= ? AND day <= ? ORDER BY day",
				[vec![Param::Text(film.clone())], days.to_vec()].concat(),
			),
		};
		Sql { text: text.to_string(), params, limit: (to - from + 1).max(0) as u32 }
	}
}

/// `GET /stats/daily`: a series and how many days, ending today.
pub fn stats_daily(mut p: Params) -> Result<(Series, u32), BadRequest> {
	let series = Series::read(&mut p)?;
	let days = p.int("days", 1, MAX_DAYS as i64)?.map_or(30, |d| d as u32);
	p.finish()?;
	Ok((series, days))
}

/// `GET /forecast`: a series.
pub fn forecast(mut p: Params) -> Result<Series, BadRequest> {
	let series = Series::read(&mut p)?;
	p.finish()?;
	Ok(series)
}

/// `GET /cinemas` and `GET /devices`: registry listings, by region prefix or cinema.
pub fn registry(table: &str, key: &str, mut p: Params) -> Result<Sql, BadRequest> {
	let mut w = Where::default();
	w.region_prefix(&mut p)?;
	if table == "devices" {
		if let Some(cinema) = p.int("cinema", 0, u32::MAX as i64)? {
			w.add("cinema = ?", [Param::Int(cinema)]);
		}
		if let Some(k) = p.hex("key", 32)? {
			w.add("device_key = ?", [Param::Text(k)]);
		}
		if let Some(status) = p.text("status")? {
			w.add("status = ?", [Param::Text(status)]);
		}
	}
	if let Some(after) = p.int("cursor", 0, i64::MAX)? {
		w.add(&format!("{key} > ?"), [Param::Int(after)]);
	}
	let limit = p.limit(MAX_LIMIT)?;
	p.finish()?;
	Ok(w.select(table, key, limit))
}

#[cfg(test)]
mod tests {
	use super::*;

	fn params(pairs: &[(&str, &str)]) -> Params {
		Params::new(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect())
	}

	#[test]
	fn every_filter_becomes_a_bound_clause() {
		let sql = screenings(
			params(&[
				("device", "9"),
				("cinema", "11010501"),
				("region", "CN-B"),
				("filmCode", "001101202501"),
				("cplId", "11111111-1111-1111-1111-11111111ABCD"),
				("title", "50%_off"),
				("projectionist", "P-7"),
				("from", "1000"),
				("to", "2000"),
				("cursor", "1500.9.3"),
				("limit", "10"),
			]),
			MAX_LIMIT,
		)
		.unwrap()
		.page(&vec!["a title".to_string(); MAX_MERGED_TITLES + 1]);
		assert_eq!(sql.limit, 10);
		assert!(sql.text.ends_with("ORDER BY started_at, device, seq LIMIT 11"), "{}", sql.text);
		assert_eq!(sql.text.matches('?').count(), sql.params.len());
		assert!(sql.params.contains(&Param::Text("CN-B%".into())));
		assert!(sql.params.contains(&Param::Text("%50\\%\\_off%".into())), "LIKE wildcards in input are literal");
		assert!(sql.params.contains(&Param::Text("11111111-1111-1111-1111-11111111abcd".into())));
		assert!(!sql.text.contains("P-7") && !sql.text.contains("CN-B"), "values are bound, never spliced");
	}

	#[test]
	fn bad_parameters_are_refused_with_a_reason() {
		let err = |pairs: &[(&str, &str)]| screenings(params(pairs), MAX_LIMIT).unwrap_err().0;
		assert!(err(&[("limit", "1001")]).contains("limit"));
		assert!(err(&[("limit", "0")]).contains("limit"));
		assert!(err(&[("device", "-1")]).contains("device"));
		assert!(err(&[("devcie", "1")]).contains("unknown parameter `devcie`"));
		assert!(err(&[("title", "a")]).contains("at least"));
		assert!(err(&[("cplId", "not-a-uuid")]).contains("UUID"));
		assert!(err(&[("from", "5"), ("to", "4")]).contains("after"));
		assert!(err(&[("cursor", "1.2")]).contains("cursor"));
		assert!(err(&[("projectionist", &"x".repeat(129))]).contains("longer"));
		assert!(screenings(params(&[("limit", "10000")]), MAX_CSV_LIMIT).is_ok(), "CSV pages may be larger");
	}

	#[test]
	fn a_title_search_merges_its_titles_pages_or_scans_when_it_matches_many() {
		let query = || screenings(params(&[("title", "Ocean"), ("region", "CN-12"), ("limit", "5")]), MAX_LIMIT).unwrap();
		let titles = query().titles().expect("a title search looks its titles up first");
		assert_eq!(titles.params, vec![Param::Text("%ocean%".into())]);
		assert!(titles.text.ends_with(&format!("LIMIT {}", MAX_MERGED_TITLES + 1)));

		// Two titles: one index read per title, each with every other filter, merged.
		let merged = query().page(&["blue ocean".into(), "ocean 12".into()]);
		assert_eq!(merged.text.matches("UNION ALL").count(), 1);
		assert_eq!(merged.text.matches('?').count(), merged.params.len());
		assert_eq!(
			merged.params,
			vec![
				Param::Text("blue ocean".into()),
				Param::Text("CN-12%".into()),
				Param::Text("ocean 12".into()),
				Param::Text("CN-12%".into())
			]
		);
		assert!(merged.text.contains("LIMIT 6) AS t1"), "each title's page is one row longer than the page");
		assert!(!merged.text.contains("title_lower LIKE"), "the words were matched against the titles: {}", merged.text);

		// No title: nothing to read. Many: a scan in time order with the words.
		assert!(query().page(&[]).text.contains("1 = 0"));
		let scan = query().page(&vec!["ocean".to_string(); MAX_MERGED_TITLES + 1]);
		assert!(!scan.text.contains("UNION"));
		assert!(scan.params.contains(&Param::Text("%ocean%".into())));
		// Without a title search there is no lookup, and the titles are ignored.
		let plain = screenings(params(&[("device", "1")]), MAX_LIMIT).unwrap();
		assert!(plain.titles().is_none());
		assert!(!plain.page(&["x".into()]).text.contains("title"));
	}

	#[test]
	fn history_and_registry_queries() {
		let sql = history(HistoryOf::Device(9), params(&[("cursor", "12.3")])).unwrap();
		assert_eq!(sql.params, vec![Param::Int(9), Param::Int(12), Param::Int(12), Param::Int(3)]);
		assert!(history(HistoryOf::Device(9), params(&[("cursor", "x")])).is_err());
		let sql = registry("devices", "device", params(&[("status", "Active"), ("cinema", "5")])).unwrap();
		assert_eq!(sql.text.matches('?').count(), 2);
		assert!(registry("cinemas", "cinema", params(&[("status", "Active")])).is_err(), "cinemas have no status");
		assert_eq!(hex_path("0xAB", 1).unwrap(), "0xab");
		assert!(hex_path("0xAB", 2).is_err());
		assert!(flags(params(&[("open", "maybe")])).is_err());
	}
}
