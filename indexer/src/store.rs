//! The database: SQLite in a file by default, PostgreSQL by URL; the same schema
//! (`schema.sql`) and the same queries for both. A block is written in one transaction together
//! with the cursor, so a crash at any point leaves the index at a block boundary: the follower
//! resumes at the next block, with no gap and no duplicate.

use std::borrow::Cow;

use sqlx::{
	any::{AnyPoolOptions, AnyRow},
	AnyPool, Row,
};

use crate::anomaly::{Alert, RecordId, Rule};
use crate::model::{Acknowledgement, BlockChanges, BlockInfo, Cinema, Device, FlagChange, Grant, HistoryEvent, Screening, Snapshot};

pub type Error = sqlx::Error;

/// Where the knowledge pass stands: the last block it judged, and the last local day (days since
/// the epoch, local time) whose daily rules ran.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Judged {
	pub block_number: u32,
	pub day: Option<i64>,
	/// The local day of the last judged block (its screenings may still be coming).
	pub today: i64,
}

/// Screenings per local day, by cinema (with its region) and by film, as one batch of the
/// knowledge pass adds them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DailyCounts {
	pub cinemas: std::collections::BTreeMap<(i64, u32), (String, i64)>,
	pub films: std::collections::BTreeMap<(i64, String), i64>,
}

/// Where the index stands: the chain it indexes and the last block written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cursor {
	pub genesis_hash: String,
	pub block_number: u32,
	pub block_hash: String,
}

/// A bound parameter of a query built at run time.
#[derive(Clone, Debug, PartialEq)]
pub enum Param {
	Int(i64),
	Text(String),
}

/// Screenings written by one statement: 25 parameters each, 1,000 a statement, far below both
/// databases' limits (SQLite 32,766, PostgreSQL 65,535).
const SCREENINGS_PER_INSERT: usize = 40;
/// Title counts written by one statement (two parameters each).
const TITLES_PER_UPSERT: usize = 500;

#[derive(Clone)]
pub struct Store {
	pool: AnyPool,
	postgres: bool,
}

impl Store {
	/// Opens (creating if need be) the database at `url`: `sqlite://path/to/file.db` or
	/// `postgres://user@host/db`. A bare path means an SQLite file.
	pub async fn open(url: &str) -> Result<Store, Error> {
		sqlx::any::install_default_drivers();
		let postgres = url.starts_with("postgres://") || url.starts_with("postgresql://");
		let url = if postgres || url.starts_with("sqlite:") {
			url.to_string()
		} else {
			format!("sqlite://{url}")
		};
		let url = if url.starts_with("sqlite:") && !url.contains("mode=") {
			format!("{url}{}mode=rwc", if url.contains('?') { '&' } else { '?' })
		} else {
			url
		};
		let pool = AnyPoolOptions::new()
			.max_connections(4)
			.after_connect(move |conn, _| {
				Box::pin(async move {
					if !postgres {
						// With the write-ahead log, NORMAL syncs at checkpoints, not at every
						// commit: a crash of the indexer still leaves the last committed block
						// (commits stay atomic); only a power cut may lose the last few blocks,
						// which the follower then indexes again from the chain.
						sqlx::Executor::execute(&mut *conn, "PRAGMA synchronous=NORMAL").await?;
						// 64 MiB of page cache (the default is 2 MiB): a screening touches nine
						// B-trees (the table, its key and its seven indexes), and with a small cache every
						// insert into a large index reads its pages back from the file.
						sqlx::Executor::execute(&mut *conn, "PRAGMA cache_size=-65536").await?;
						// Temporary B-trees (a query's sort) and statement journals in memory,
						// not in temporary files written page by page. (Screenings are inserted
						// `OR ROLLBACK`, which needs no statement journal: with one, a batch
						// cost 13 page writes per screening.)
						sqlx::Executor::execute(&mut *conn, "PRAGMA temp_store=MEMORY").await?;
					}
					Ok(())
				})
			})
			.connect(&url)
			.await?;
		let store = Store { pool, postgres };
		if !postgres {
			// Readers (the API) then never wait for the follower's transaction, nor it for them.
			sqlx::query("PRAGMA journal_mode=WAL").execute(&store.pool).await?;
		}
		let schema: String =
			include_str!("schema.sql").lines().filter(|l| !l.trim_start().starts_with("--")).collect::<Vec<_>>().join("\n");
		for statement in schema.split(';').map(str::to_string) {
			if !statement.trim().is_empty() {
				sqlx::query(sqlx::AssertSqlSafe(statement)).execute(&store.pool).await?;
			}
		}
		store.count_titles_of_older_index().await?;
		Ok(store)
	}

	/// An index written before the `titles` table existed has screenings but no title counts:
	/// count them once, in one transaction (an interrupted count is redone at the next start).
	async fn count_titles_of_older_index(&self) -> Result<(), Error> {
		let missing = self
			.query("SELECT 1 AS missing FROM screenings WHERE NOT EXISTS (SELECT 1 FROM titles) LIMIT 1")
			.fetch_optional(&self.pool)
			.await?
			.is_some();
		if missing {
			let mut tx = self.pool.begin().await?;
			self.query("INSERT INTO titles (title_lower, screenings) SELECT title_lower, COUNT(*) FROM screenings GROUP BY title_lower")
				.execute(&mut *tx)
				.await?;
			tx.commit().await?;
		}
		Ok(())
	}

	/// Whether this is PostgreSQL (else SQLite).
	pub fn is_postgres(&self) -> bool {
		self.postgres
	}

	/// The query text for this database: queries are written with `?` placeholders, which
	/// PostgreSQL spells `$1`, `$2`, ...
	pub fn sql<'a>(&self, query: &'a str) -> Cow<'a, str> {
		if self.postgres {
			Cow::Owned(numbered_placeholders(query))
		} else {
			Cow::Borrowed(query)
		}
	}

	/// A query in this database's dialect. Every query text is the program's own, with every
	/// value bound as a parameter, never spliced in: what `AssertSqlSafe` asserts.
	fn query(&self, text: &str) -> AnyQuery {
		sqlx::query(sqlx::AssertSqlSafe(self.sql(text).into_owned()))
	}

	/// The cursor, or `None` for an empty index.
	pub async fn cursor(&self) -> Result<Option<Cursor>, Error> {
		let row = self.query("SELECT genesis_hash, block_number, block_hash FROM cursor WHERE id = 1")
			.fetch_optional(&self.pool)
			.await?;
		row.map(|r| {
			Ok(Cursor {
				genesis_hash: r.try_get("genesis_hash")?,
				block_number: r.try_get::<i64, _>("block_number")? as u32,
				block_hash: r.try_get("block_hash")?,
			})
		})
		.transpose()
	}

	/// Writes consecutive blocks (the first one after `previous`) and moves the cursor to the
	/// last, all in one transaction: all or nothing. `previous` is the cursor the follower read
	/// before; if another writer moved it meanwhile, nothing is written.
	pub async fn write_blocks(
		&self,
		genesis_hash: &str,
		previous: Option<&Cursor>,
		blocks: &[(BlockInfo, BlockChanges)],
	) -> Result<(), Error> {
		let Some((last, _)) = blocks.last() else { return Ok(()) };
		let mut tx = self.pool.begin().await?;
		let moved = match previous {
			None => self.query("INSERT INTO cursor (id, genesis_hash, block_number, block_hash) VALUES (1, ?, ?, ?)")
			.bind(genesis_hash)
			.bind(last.number as i64)
			.bind(&last.hash)
			.execute(&mut *tx)
			.await?
			.rows_affected(),
			Some(prev) => self.query("UPDATE cursor SET block_number = ?, block_hash = ? WHERE id = 1 AND block_number = ? AND block_hash = ?")
			.bind(last.number as i64)
			.bind(&last.hash)
			.bind(prev.block_number as i64)
			.bind(&prev.block_hash)
			.execute(&mut *tx)
			.await?
			.rows_affected(),
		};
		if moved != 1 {
			return Err(Error::Protocol("another indexer moved the cursor of this database".into()));
		}
		for (block, changes) in blocks {
			self.write_rows(&mut tx, block, changes).await?;
		}
		self.count_titles(&mut tx, blocks.iter().flat_map(|(_, changes)| &changes.screenings)).await?;
		tx.commit().await
	}

	/// Adds `screenings` to the title counts (table `titles`, which a title search reads first),
	/// in as few statements as the batch has distinct titles over [`TITLES_PER_UPSERT`].
	async fn count_titles<'s>(
		&self,
		tx: &mut sqlx::Transaction<'_, sqlx::Any>,
		screenings: impl Iterator<Item = &'s Screening>,
	) -> Result<(), Error> {
		let mut counts = std::collections::BTreeMap::<String, i64>::new();
		for s in screenings {
			*counts.entry(s.title.to_lowercase()).or_default() += 1;
		}
		let counts: Vec<(String, i64)> = counts.into_iter().collect();
		for chunk in counts.chunks(TITLES_PER_UPSERT) {
			let text = format!(
				"INSERT INTO titles (title_lower, screenings) VALUES {} \
				 ON CONFLICT (title_lower) DO UPDATE SET screenings = titles.screenings + excluded.screenings",
				vec!["(?, ?)"; chunk.len()].join(", ")
			);
			let mut q = self.query(&text);
			for (title, n) in chunk {
				q = q.bind(title.clone()).bind(*n);
			}
			q.execute(&mut **tx).await?;
		}
		Ok(())
	}

	/// One block's rows, inside the caller's transaction.
	async fn write_rows(
		&self,
		tx: &mut sqlx::Transaction<'_, sqlx::Any>,
		block: &BlockInfo,
		changes: &BlockChanges,
	) -> Result<(), Error> {
		self.query("INSERT INTO blocks (number, hash, parent_hash, spec_version, timestamp, extrinsics, from_archive) \
			 VALUES (?, ?, ?, ?, ?, ?, ?)")
		.bind(block.number as i64)
		.bind(&block.hash)
		.bind(&block.parent_hash)
		.bind(block.spec_version as i64)
		.bind(block.timestamp)
		.bind(block.extrinsics as i64)
		.bind(block.from_archive as i64)
		.execute(&mut **tx)
		.await?;
		if let Some(justification) = &changes.justification {
			self.query("INSERT INTO justifications (number, justification) VALUES (?, ?)")
				.bind(block.number as i64)
				.bind(crate::value::hex0x(justification))
				.execute(&mut **tx)
				.await?;
		}
		// Registry entries first: a screening takes its region from its cinema.
		for snapshot in &changes.snapshots {
			self.write_snapshot(tx, snapshot).await?;
		}
		self.write_screenings(tx, &changes.screenings).await?;
		for f in &changes.flags {
			self.write_flag(tx, f).await?;
		}
		for e in &changes.history {
			self.write_event(tx, e).await?;
		}
		Ok(())
	}

	/// Screenings in one `INSERT` statement, [`SCREENINGS_PER_INSERT`] to a statement: a
	/// statement is a round trip to the database (to SQLite's worker thread, or to the server),
	/// which costs more than the row itself.
	async fn write_screenings(&self, tx: &mut sqlx::Transaction<'_, sqlx::Any>, screenings: &[Screening]) -> Result<(), Error> {
		const ROW: &str = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, COALESCE((SELECT region FROM cinemas WHERE cinema = ?), ''), \
			 ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
		// A failed insert fails the whole transaction (the caller writes all of its blocks or
		// none). SQLite is told so (`OR ROLLBACK`): it then keeps no journal to undo one
		// statement alone, a copy of every page the statement changes. PostgreSQL has no such
		// clause and needs none.
		let insert = if self.postgres { "INSERT" } else { "INSERT OR ROLLBACK" };
		for chunk in screenings.chunks(SCREENINGS_PER_INSERT) {
			let text = format!(
				"{insert} INTO screenings (device, seq, record_hash, prev_hash, cpl_id, film_code, title, title_lower, \
				 projectionist, started_at, ended_at, cinema, hall, region, latitude, longitude, outcome, abort_reason, \
				 report_hash, recorded_at, block_number, block_hash, extrinsic_index, extrinsic_hash, event_index) VALUES {}",
				vec![ROW; chunk.len()].join(", ")
			);
			let mut q = self.query(&text);
			for s in chunk {
				q = q
					.bind(s.device as i64)
					.bind(s.seq as i64)
					.bind(s.record_hash.clone())
					.bind(s.prev_hash.clone())
					.bind(s.cpl_id.clone())
					.bind(s.film_code.clone())
					.bind(s.title.clone())
					.bind(s.title.to_lowercase())
					.bind(s.projectionist.clone())
					.bind(s.started_at)
					.bind(s.ended_at)
					.bind(s.cinema as i64)
					.bind(s.hall as i64)
					.bind(s.cinema as i64)
					.bind(s.latitude)
					.bind(s.longitude)
					.bind(s.outcome.clone())
					.bind(s.abort_reason.map(|r| r as i64))
					.bind(s.report_hash.clone())
					.bind(s.recorded_at);
				q = bind_position(q, &s.position);
			}
			q.execute(&mut **tx).await?;
		}
		Ok(())
	}

	async fn write_flag(&self, tx: &mut sqlx::Transaction<'_, sqlx::Any>, f: &FlagChange) -> Result<(), Error> {
		// Both statements take the code, the supervisor, the device and seq, then the position.
		let q = if f.resolved {
			self.query("UPDATE flags SET resolution = ?, resolved_by = ?, resolved_block = ?, resolved_block_hash = ?, \
				 resolved_extrinsic_index = ?, resolved_extrinsic_hash = ?, resolved_event_index = ? \
				 WHERE resolution IS NULL AND device = ? AND seq = ?")
		} else {
			self.query("INSERT INTO flags (reason, supervisor, flag_block, flag_block_hash, flag_extrinsic_index, \
				 flag_extrinsic_hash, flag_event_index, device, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
		};
		let q = bind_position(q.bind(f.code as i64).bind(&f.supervisor), &f.position);
		q.bind(f.device as i64).bind(f.seq as i64).execute(&mut **tx).await?;
		Ok(())
	}

	async fn write_event(&self, tx: &mut sqlx::Transaction<'_, sqlx::Any>, e: &HistoryEvent) -> Result<(), Error> {
		let q = self.query("INSERT INTO events (block_number, block_hash, extrinsic_index, extrinsic_hash, event_index, pallet, \
			 name, device, cinema, account, node, fields) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
		bind_position(q, &e.position)
		.bind(&e.pallet)
		.bind(&e.name)
		.bind(e.device.map(|d| d as i64))
		.bind(e.cinema.map(|c| c as i64))
		.bind(&e.account)
		.bind(e.node.map(|n| n as i64))
		.bind(e.fields.to_string())
		.execute(&mut **tx)
		.await?;
		Ok(())
	}

	async fn write_snapshot(&self, tx: &mut sqlx::Transaction<'_, sqlx::Any>, snapshot: &Snapshot) -> Result<(), Error> {
		match snapshot {
			Snapshot::Cinema(c) => {
				self.query("INSERT INTO cinemas (cinema, region, name, latitude, longitude, updated_block) VALUES (?, ?, ?, ?, ?, ?) \
					 ON CONFLICT (cinema) DO UPDATE SET region = excluded.region, name = excluded.name, \
					 latitude = excluded.latitude, longitude = excluded.longitude, updated_block = excluded.updated_block")
				.bind(c.cinema as i64)
				.bind(&c.region)
				.bind(&c.name)
				.bind(c.latitude)
				.bind(c.longitude)
				.bind(c.updated_block as i64)
				.execute(&mut **tx)
				.await?;
			},
			Snapshot::Device(d) => {
				self.query("INSERT INTO devices (device, device_key, cinema, region, status, status_since, manufacturer, model, \
					 serial_number, firmware_version, production_date, updated_block) \
					 VALUES (?, ?, ?, COALESCE((SELECT region FROM cinemas WHERE cinema = ?), ''), ?, ?, ?, ?, ?, ?, ?, ?) \
					 ON CONFLICT (device) DO UPDATE SET device_key = excluded.device_key, cinema = excluded.cinema, \
					 region = excluded.region, status = excluded.status, status_since = excluded.status_since, \
					 manufacturer = excluded.manufacturer, model = excluded.model, serial_number = excluded.serial_number, \
					 firmware_version = excluded.firmware_version, production_date = excluded.production_date, \
					 updated_block = excluded.updated_block")
				.bind(d.device as i64)
				.bind(&d.key)
				.bind(d.cinema as i64)
				.bind(d.cinema as i64)
				.bind(&d.status)
				.bind(d.status_since as i64)
				.bind(&d.manufacturer)
				.bind(&d.model)
				.bind(&d.serial_number)
				.bind(&d.firmware_version)
				.bind(d.production_date as i64)
				.bind(d.updated_block as i64)
				.execute(&mut **tx)
				.await?;
			},
			Snapshot::DeviceGone(device) => {
				self.query("DELETE FROM devices WHERE device = ?")
					.bind(*device as i64)
					.execute(&mut **tx)
					.await?;
			},
			Snapshot::Grant(g) => {
				self.query("INSERT INTO grants (account, role, scope, expires_at, granted_at, updated_block) VALUES (?, ?, ?, ?, ?, ?) \
					 ON CONFLICT (account, role) DO UPDATE SET scope = excluded.scope, expires_at = excluded.expires_at, \
					 granted_at = excluded.granted_at, updated_block = excluded.updated_block")
				.bind(&g.account)
				.bind(&g.role)
				.bind(g.scope.to_string())
				.bind(g.expires_at.map(|e| e as i64))
				.bind(g.granted_at as i64)
				.bind(g.updated_block as i64)
				.execute(&mut **tx)
				.await?;
			},
			Snapshot::GrantGone { account, role } => {
				self.query("DELETE FROM grants WHERE account = ? AND role = ?")
					.bind(account)
					.bind(role)
					.execute(&mut **tx)
					.await?;
			},
		}
		Ok(())
	}

	/// Where the knowledge pass stands, or `None` before its first pass.
	pub async fn judged(&self) -> Result<Option<Judged>, Error> {
		let row = self.query("SELECT block_number, day, today FROM judged WHERE id = 1").fetch_optional(&self.pool).await?;
		row.map(|r| {
			Ok(Judged { block_number: r.try_get::<i64, _>("block_number")? as u32, day: r.try_get("day")?, today: r.try_get("today")? })
		})
		.transpose()
	}

	/// Writes `alerts`, adds `counts` to the daily counts and moves the knowledge pass from
	/// `previous` to `next`, in one transaction: a pass interrupted before its commit is judged
	/// again, whole.
	pub async fn write_judgement(
		&self,
		previous: Option<&Judged>,
		next: &Judged,
		alerts: &[Alert],
		counts: &DailyCounts,
	) -> Result<(), Error> {
		let mut tx = self.pool.begin().await?;
		let moved = match previous {
			None => self.query("INSERT INTO judged (id, block_number, day, today) VALUES (1, ?, ?, ?)")
				.bind(next.block_number as i64)
				.bind(next.day)
				.bind(next.today)
				.execute(&mut *tx)
				.await?
				.rows_affected(),
			Some(prev) => self.query("UPDATE judged SET block_number = ?, day = ?, today = ? WHERE id = 1 AND block_number = ?")
				.bind(next.block_number as i64)
				.bind(next.day)
				.bind(next.today)
				.bind(prev.block_number as i64)
				.execute(&mut *tx)
				.await?
				.rows_affected(),
		};
		if moved != 1 {
			return Err(Error::Protocol("another indexer moved the knowledge pass of this database".into()));
		}
		let last: Option<i64> = self.query("SELECT MAX(id) AS id FROM alerts").fetch_one(&mut *tx).await?.try_get("id")?;
		for (id, a) in (last.unwrap_or(0) + 1..).zip(alerts) {
			let related: Vec<[u64; 2]> = a.related.iter().map(|r| [r.device, r.seq]).collect();
			self.query(
				"INSERT INTO alerts (id, rule, device, seq, related, cinema, hall, measured, limit_value, at, block_number) \
				 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			)
			.bind(id)
			.bind(a.rule.name())
			.bind(a.device.map(|d| d as i64))
			.bind(a.record.map(|r| r.seq as i64))
			.bind(serde_json::to_string(&related).unwrap_or_else(|_| "[]".into()))
			.bind(a.cinema as i64)
			.bind(a.hall.map(i64::from))
			.bind(a.measured)
			.bind(a.limit)
			.bind(a.at)
			.bind(next.block_number as i64)
			.execute(&mut *tx)
			.await?;
		}
		for ((day, cinema), (region, n)) in &counts.cinemas {
			self.query(
				"INSERT INTO daily_cinemas (day, cinema, region, screenings) VALUES (?, ?, ?, ?) \
				 ON CONFLICT (day, cinema) DO UPDATE SET screenings = daily_cinemas.screenings + excluded.screenings",
			)
			.bind(*day)
			.bind(*cinema as i64)
			.bind(region.clone())
			.bind(*n)
			.execute(&mut *tx)
			.await?;
		}
		for ((day, film), n) in &counts.films {
			self.query(
				"INSERT INTO daily_films (day, film, screenings) VALUES (?, ?, ?) \
				 ON CONFLICT (day, film) DO UPDATE SET screenings = daily_films.screenings + excluded.screenings",
			)
			.bind(*day)
			.bind(film.clone())
			.bind(*n)
			.execute(&mut *tx)
			.await?;
		}
		tx.commit().await
	}

	/// Stores `ack` for alert `alert`, unless the alert does not exist or has one already. Writes
	/// first, in one statement (a read before the write could meet the knowledge pass's commit in
	/// between and fail under SQLite's snapshot rules), then reads what is there if nothing was
	/// written.
	pub async fn acknowledge(&self, alert: i64, ack: &Acknowledgement) -> Result<Acknowledged, Error> {
		let inserted = self
			.query(
				"INSERT INTO acknowledgements (alert, acknowledged_by, note, acknowledged_at) \
				 SELECT id, ?, ?, ? FROM alerts WHERE id = ? ON CONFLICT (alert) DO NOTHING",
			)
			.bind(ack.by.clone())
			.bind(ack.note.clone())
			.bind(ack.at)
			.bind(alert)
			.execute(&self.pool)
			.await?
			.rows_affected();
		if inserted == 1 {
			return Ok(Acknowledged::Recorded);
		}
		let row = self.query(&format!("SELECT * FROM {ALERTS} WHERE id = ?")).bind(alert).fetch_optional(&self.pool).await?;
		Ok(match row {
			None => Acknowledged::NoSuchAlert,
			Some(row) => Acknowledged::Already(acknowledgement_from_row(&row)?.ok_or(Error::RowNotFound)?),
		})
	}

	/// Rows of a query built at run time (`?` placeholders, parameters in order).
	pub async fn fetch(&self, query: &str, params: &[Param]) -> Result<Vec<AnyRow>, Error> {
		let mut q = self.query(query);
		for p in params {
			q = match p {
				Param::Int(i) => q.bind(*i),
				Param::Text(t) => q.bind(t.clone()),
			};
		}
		q.fetch_all(&self.pool).await
	}
}

type AnyQuery = sqlx::query::Query<'static, sqlx::Any, <sqlx::Any as sqlx::Database>::Arguments>;

/// Binds a position's five values in the order every table lists them: block number and hash,
/// extrinsic index and hash, event index.
fn bind_position(q: AnyQuery, p: &crate::model::Position) -> AnyQuery {
	q.bind(p.block_number as i64)
		.bind(p.block_hash.clone())
		.bind(p.extrinsic_index.map(i64::from))
		.bind(p.extrinsic_hash.clone())
		.bind(p.event_index as i64)
}

/// `?` placeholders as `$1`, `$2`, ... (the queries hold no `?` inside string literals).
pub fn numbered_placeholders(query: &str) -> String {
	let mut out = String::with_capacity(query.len() + 16);
	let mut n = 0;
	for c in query.chars() {
		if c == '?' {
			n += 1;
			out.push('$');
			out.push_str(&n.to_string());
		} else {
			out.push(c);
		}
	}
	out
}

/// Alerts with their acknowledgements, as every reader of alerts selects them
/// (`SELECT * FROM {ALERTS}`; the two tables share no column name).
pub const ALERTS: &str = "alerts LEFT JOIN acknowledgements ON acknowledgements.alert = alerts.id";
/// The condition on [`ALERTS`] of an alert nobody acknowledged.
pub const OPEN_ALERT: &str = "acknowledged_by IS NULL";

/// What became of an acknowledgement.
#[derive(Debug, PartialEq, Eq)]
pub enum Acknowledged {
	Recorded,
	/// The alert had one already (this one).
	Already(Acknowledgement),
	NoSuchAlert,
}

/// An alert row's acknowledgement (a row of `SELECT * FROM {ALERTS}`), if it has one.
pub fn acknowledgement_from_row(r: &AnyRow) -> Result<Option<Acknowledgement>, Error> {
	let Some(by) = r.try_get::<Option<String>, _>("acknowledged_by")? else {
		return Ok(None);
	};
	Ok(Some(Acknowledgement { by, note: r.try_get("note")?, at: r.try_get("acknowledged_at")? }))
}

/// Reads an alert row (the columns of `SELECT * FROM alerts`) with its id.
pub fn alert_from_row(r: &AnyRow) -> Result<(i64, Alert), Error> {
	let opt = |name: &str| r.try_get::<Option<i64>, _>(name);
	let rule: String = r.try_get("rule")?;
	let rule = Rule::from_name(&rule).ok_or_else(|| Error::Decode(format!("unknown rule `{rule}` in alerts").into()))?;
	let related: Vec<[u64; 2]> = serde_json::from_str(&r.try_get::<String, _>("related")?)
		.map_err(|e| Error::Decode(format!("alert's related records: {e}").into()))?;
	let (device, seq) = (opt("device")?, opt("seq")?);
	Ok((
		r.try_get("id")?,
		Alert {
			rule,
			severity: rule.severity(),
			record: device.zip(seq).map(|(device, seq)| RecordId { device: device as u64, seq: seq as u64 }),
			related: related.into_iter().map(|[device, seq]| RecordId { device, seq }).collect(),
			device: device.map(|d| d as u64),
			cinema: r.try_get::<i64, _>("cinema")? as u32,
			hall: opt("hall")?.map(|h| h as u32),
			measured: r.try_get("measured")?,
			limit: r.try_get("limit_value")?,
			at: r.try_get("at")?,
		},
	))
}

/// Reads a screening row (the columns of `SELECT * FROM screenings`).
pub fn screening_from_row(r: &AnyRow) -> Result<Screening, Error> {
	let int = |name: &str| r.try_get::<i64, _>(name);
	let opt = |name: &str| r.try_get::<Option<i64>, _>(name);
	Ok(Screening {
		device: int("device")? as u64,
		seq: int("seq")? as u64,
		record_hash: r.try_get("record_hash")?,
		prev_hash: r.try_get("prev_hash")?,
		cpl_id: r.try_get("cpl_id")?,
		film_code: r.try_get("film_code")?,
		title: r.try_get("title")?,
		projectionist: r.try_get("projectionist")?,
		started_at: int("started_at")?,
		ended_at: int("ended_at")?,
		cinema: int("cinema")? as u32,
		hall: int("hall")? as u32,
		region: r.try_get("region")?,
		latitude: opt("latitude")?,
		longitude: opt("longitude")?,
		outcome: r.try_get("outcome")?,
		abort_reason: opt("abort_reason")?.map(|v| v as u32),
		report_hash: r.try_get("report_hash")?,
		recorded_at: int("recorded_at")?,
		position: crate::model::Position {
			block_number: int("block_number")? as u32,
			block_hash: r.try_get("block_hash")?,
			extrinsic_index: opt("extrinsic_index")?.map(|v| v as u32),
			extrinsic_hash: r.try_get("extrinsic_hash")?,
			event_index: int("event_index")? as u32,
		},
	})
}

/// Reads a block row.
pub fn block_from_row(r: &AnyRow) -> Result<BlockInfo, Error> {
	let int = |name: &str| r.try_get::<i64, _>(name);
	Ok(BlockInfo {
		number: int("number")? as u32,
		hash: r.try_get("hash")?,
		parent_hash: r.try_get("parent_hash")?,
		spec_version: int("spec_version")? as u32,
		timestamp: int("timestamp")?,
		extrinsics: int("extrinsics")? as u32,
		from_archive: int("from_archive")? != 0,
	})
}

/// Reads a device row.
pub fn device_from_row(r: &AnyRow) -> Result<Device, Error> {
	let int = |name: &str| r.try_get::<i64, _>(name);
	Ok(Device {
		device: int("device")? as u64,
		key: r.try_get("device_key")?,
		cinema: int("cinema")? as u32,
		region: r.try_get("region")?,
		status: r.try_get("status")?,
		status_since: int("status_since")? as u32,
		manufacturer: r.try_get("manufacturer")?,
		model: r.try_get("model")?,
		serial_number: r.try_get("serial_number")?,
		firmware_version: r.try_get("firmware_version")?,
		production_date: int("production_date")? as u32,
		updated_block: int("updated_block")? as u32,
	})
}

/// Reads a cinema row.
pub fn cinema_from_row(r: &AnyRow) -> Result<Cinema, Error> {
	Ok(Cinema {
		cinema: r.try_get::<i64, _>("cinema")? as u32,
		region: r.try_get("region")?,
		name: r.try_get("name")?,
		latitude: r.try_get("latitude")?,
		longitude: r.try_get("longitude")?,
		updated_block: r.try_get::<i64, _>("updated_block")? as u32,
	})
}

/// Reads a grant row.
pub fn grant_from_row(r: &AnyRow) -> Result<Grant, Error> {
	let scope: String = r.try_get("scope")?;
	Ok(Grant {
		account: r.try_get("account")?,
		role: r.try_get("role")?,
		scope: serde_json::from_str(&scope).unwrap_or(serde_json::Value::String(scope)),
		expires_at: r.try_get::<Option<i64>, _>("expires_at")?.map(|v| v as u32),
		granted_at: r.try_get::<i64, _>("granted_at")? as u32,
		updated_block: r.try_get::<i64, _>("updated_block")? as u32,
	})
}

/// Reads a history row.
pub fn event_from_row(r: &AnyRow) -> Result<HistoryEvent, Error> {
	let fields: String = r.try_get("fields")?;
	Ok(HistoryEvent {
		pallet: r.try_get("pallet")?,
		name: r.try_get("name")?,
		device: r.try_get::<Option<i64>, _>("device")?.map(|v| v as u64),
		cinema: r.try_get::<Option<i64>, _>("cinema")?.map(|v| v as u32),
		account: r.try_get("account")?,
		node: r.try_get::<Option<i64>, _>("node")?.map(|v| v as u32),
		fields: serde_json::from_str(&fields).unwrap_or(serde_json::Value::String(fields)),
		position: crate::model::Position {
			block_number: r.try_get::<i64, _>("block_number")? as u32,
			block_hash: r.try_get("block_hash")?,
			extrinsic_index: r.try_get::<Option<i64>, _>("extrinsic_index")?.map(|v| v as u32),
			extrinsic_hash: r.try_get("extrinsic_hash")?,
			event_index: r.try_get::<i64, _>("event_index")? as u32,
		},
	})
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::model::{Position, Screening};

	fn block(number: u32) -> BlockInfo {
		BlockInfo {
			number,
			hash: format!("0x{number:02}"),
			parent_hash: format!("0x{:02}", number.saturating_sub(1)),
			spec_version: 1,
			timestamp: 1_000 * number as i64,
			extrinsics: 1,
			from_archive: false,
		}
	}

	fn screening(seq: u64, block: u32) -> Screening {
		Screening {
			device: 9,
			seq,
			record_hash: "0xaa".into(),
			prev_hash: "0xbb".into(),
			cpl_id: None,
			film_code: Some("001".into()),
			title: "Hugo".into(),
			projectionist: "P-1".into(),
			started_at: 10 * seq as i64,
			ended_at: 10 * seq as i64 + 5,
			cinema: 5,
			hall: 1,
			region: String::new(),
			latitude: Some(-1),
			longitude: None,
			outcome: "completed".into(),
			abort_reason: None,
			report_hash: None,
			recorded_at: 7,
			position: Position {
				block_number: block,
				block_hash: format!("0x{block:02}"),
				extrinsic_index: Some(1),
				extrinsic_hash: Some("0xcc".into()),
				event_index: 2,
			},
		}
	}

	#[tokio::test]
	async fn blocks_are_written_whole_after_the_cursor_only() {
		let dir = tempfile::tempdir().unwrap();
		let store = Store::open(dir.path().join("index.db").to_str().unwrap()).await.unwrap();
		assert_eq!(store.cursor().await.unwrap(), None);
		let cinema = Snapshot::Cinema(Cinema {
			cinema: 5,
			region: "CN-BJ".into(),
			name: "Demo".into(),
			latitude: None,
			longitude: None,
			updated_block: 0,
		});
		let genesis = BlockChanges { snapshots: vec![cinema], ..Default::default() };
		store.write_blocks("0xg", None, &[(block(0), genesis)]).await.unwrap();
		let c0 = store.cursor().await.unwrap().unwrap();
		assert_eq!((c0.block_number, c0.genesis_hash.as_str()), (0, "0xg"));

		let one = BlockChanges { screenings: vec![screening(1, 1)], ..Default::default() };
		store.write_blocks("0xg", Some(&c0), &[(block(1), one)]).await.unwrap();
		// A second writer that read the old cursor writes nothing, not even its screening.
		let stale = BlockChanges { screenings: vec![screening(2, 1)], ..Default::default() };
		assert!(store.write_blocks("0xg", Some(&c0), &[(block(1), stale)]).await.is_err());
		// A block whose rows break a constraint leaves the cursor where it was.
		let c1 = store.cursor().await.unwrap().unwrap();
		let duplicate = BlockChanges { screenings: vec![screening(1, 2)], ..Default::default() };
		assert!(store.write_blocks("0xg", Some(&c1), &[(block(2), duplicate)]).await.is_err());
		assert_eq!(store.cursor().await.unwrap().unwrap().block_number, 1);
		// The store is whole after a refused block: the next one is written, on any connection.
		for _ in 0..4 {
			assert_eq!(store.cursor().await.unwrap().unwrap().block_number, 1);
		}
		let two = BlockChanges { screenings: vec![screening(2, 2)], ..Default::default() };
		store.write_blocks("0xg", Some(&c1), &[(block(2), two)]).await.unwrap();
		let c2 = store.cursor().await.unwrap().unwrap();
		assert_eq!(c2.block_number, 2);

		let rows = store.fetch("SELECT * FROM screenings ORDER BY seq", &[]).await.unwrap();
		let read: Vec<Screening> = rows.iter().map(|r| screening_from_row(r).unwrap()).collect();
		let mut want = screening(1, 1);
		want.region = "CN-BJ".into();
		let mut second = screening(2, 2);
		second.region = "CN-BJ".into();
		assert_eq!(read, vec![want, second], "the region comes from the cinema; nothing of the refused blocks");
		let blocks = store.fetch("SELECT number FROM blocks", &[]).await.unwrap();
		assert_eq!(blocks.len(), 3);
	}

	/// Title searches against a real SQLite file: counts kept per batch, rebuilt for an index
	/// written before they existed, and the same pages whichever way a search is answered.
	#[tokio::test]
	async fn title_searches_find_the_same_pages_by_merged_titles_or_by_scan() {
		let dir = tempfile::tempdir().unwrap();
		let path = dir.path().join("index.db");
		let store = Store::open(path.to_str().unwrap()).await.unwrap();
		// Device 9's screenings 1..=30, each block two; titles cycle through three.
		let titles = ["Hugo", "Blue Ocean", "Ocean's Eleven"];
		let mut cursor = None;
		for pair in (1..=30u64).collect::<Vec<_>>().chunks(2) {
			let number = pair[0] as u32;
			let screenings = pair
				.iter()
				.map(|&seq| Screening { title: titles[seq as usize % 3].into(), ..screening(seq, number) })
				.collect();
			store.write_blocks("0xg", cursor.as_ref(), &[(block(number), BlockChanges { screenings, ..Default::default() })]).await.unwrap();
			cursor = store.cursor().await.unwrap();
		}
		let counts = |store: Store| async move {
			let rows = store.fetch("SELECT title_lower, screenings FROM titles ORDER BY title_lower", &[]).await.unwrap();
			rows.iter().map(|r| (r.try_get::<String, _>("title_lower").unwrap(), r.try_get::<i64, _>("screenings").unwrap())).collect::<Vec<_>>()
		};
		let want = vec![("blue ocean".to_string(), 10), ("hugo".to_string(), 10), ("ocean's eleven".to_string(), 10)];
		assert_eq!(counts(store.clone()).await, want);

		// Every page of a search, by the API's own query, following the cursors.
		let pages = |store: Store, title: &'static str, titles: Option<Vec<String>>| async move {
			let mut seqs = Vec::new();
			let mut after: Option<String> = None;
			loop {
				let mut q = std::collections::HashMap::from([("title".to_string(), title.to_string()), ("limit".into(), "4".into())]);
				if let Some(c) = &after {
					q.insert("cursor".into(), c.clone());
				}
				let query = crate::query::screenings(crate::query::Params::new(q), 100).unwrap();
				let found = match titles.clone() {
					Some(t) => t,
					None => {
						let sql = query.titles().unwrap();
						let rows = store.fetch(&sql.text, &sql.params).await.unwrap();
						rows.iter().map(|r| r.try_get::<String, _>("title_lower").unwrap()).collect()
					},
				};
				let sql = query.page(&found);
				let rows = store.fetch(&sql.text, &sql.params).await.unwrap();
				let mut page: Vec<Screening> = rows.iter().map(|r| screening_from_row(r).unwrap()).collect();
				let more = page.len() > sql.limit as usize;
				page.truncate(sql.limit as usize);
				seqs.extend(page.iter().map(|s| s.seq));
				match (more, page.last()) {
					(true, Some(last)) => after = Some(crate::query::screening_cursor(last.started_at, last.device, last.seq)),
					_ => return seqs,
				}
			}
		};
		let ocean: Vec<u64> = (1..=30).filter(|seq| seq % 3 != 0).collect();
		assert_eq!(pages(store.clone(), "OCEAN", None).await, ocean, "two titles merged, in time order, every page");
		let scanned = pages(store.clone(), "OCEAN", Some(vec!["x".into(); crate::query::MAX_MERGED_TITLES + 1])).await;
		assert_eq!(scanned, ocean, "the scan in time order finds the same");
		assert_eq!(pages(store.clone(), "eleven", None).await, (1..=30).filter(|seq| seq % 3 == 2).collect::<Vec<_>>());
		assert!(pages(store.clone(), "vertigo", None).await.is_empty());

		// An index from before the counts: they are rebuilt when it is opened.
		store.fetch("DELETE FROM titles", &[]).await.unwrap();
		drop(store);
		let reopened = Store::open(path.to_str().unwrap()).await.unwrap();
		assert_eq!(counts(reopened).await, want);
	}

	#[test]
	fn placeholders_for_postgres() {
		assert_eq!(numbered_placeholders("a = ? AND (b > ? OR c LIKE ?)"), "a = $1 AND (b > $2 OR c LIKE $3)");
	}
}
