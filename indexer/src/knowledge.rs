//! The knowledge pass: judges the blocks the follower has indexed with the anomaly rules
//! ([`crate::anomaly`]) and stores the alerts, a batch of blocks at a time, behind the follower.
//!
//! It reads what the index holds rather than riding in the follower's write transaction, so a
//! backfill writes at nearly full speed (the pass rests while one runs: [`rest_after`]) and the
//! pass catches up after it; its own cursor (`judged`)
//! moves in the same transaction as the alerts it wrote, so after a crash it judges the
//! interrupted batch again, whole, and raises no alert twice. A pair of overlapping screenings
//! raises one alert: each screening is compared only with those indexed before it.
//!
//! The daily rules (silent devices, hall spikes) run for each local day once a block of the
//! next day has been judged.

use std::{
	collections::{BTreeMap, HashMap},
	sync::{Arc, Mutex},
};

use crate::{
	anomaly::{self, Alert, Context, DeviceActivity, Thresholds},
	model::{Cinema, Screening},
	days::{self, DAY_MS},
	store::{self, DailyCounts, Error, Judged, Param, Store},
};
use sqlx::Row;

/// Blocks judged in one transaction at most.
pub const BLOCKS_PER_PASS: u32 = 256;
/// How far back a device's last position is looked for (records without a position between).
const POSITION_LOOKBACK: i64 = 100;
/// Completed screenings of a film whose median length stands in for its runtime: the latest ones.
const RUNTIME_SAMPLES: i64 = 101;
/// Longest screening the chain accepts (the runtime's `MaxScreeningDuration`): the earliest
/// start of a screening that may still overlap one.
const MAX_DURATION_MS: i64 = 8 * 60 * 60 * 1000;
/// Days of a hall's history its day is compared with.
const SPIKE_HISTORY_DAYS: i64 = 28;

/// Films' runtimes the operator knows (from a CSV file): film code or CPL id -> runtime (ms).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Catalogue(HashMap<String, i64>);

/// Most films a catalogue file may list (a country's releases over decades fit).
pub const MAX_CATALOGUE_FILMS: usize = 200_000;

impl Catalogue {
	/// Reads a catalogue: one film per line, `film code or CPL id,runtime in minutes`; a first
	/// line that does not end in a number is a header. Refuses anything else with its line.
	pub fn parse(text: &str) -> Result<Catalogue, String> {
		let mut films = HashMap::new();
		for (n, line) in text.lines().enumerate() {
			let line = line.trim();
			if line.is_empty() || line.starts_with('#') {
				continue;
			}
			let (film, minutes) = line.rsplit_once(',').ok_or_else(|| format!("line {}: expected `film,minutes`", n + 1))?;
			let (film, minutes) = (film.trim().trim_matches('"'), minutes.trim());
			let Ok(minutes) = minutes.parse::<u32>() else {
				if n == 0 {
					continue;
				}
				return Err(format!("line {}: `{minutes}` is not a whole number of minutes", n + 1));
			};
			if film.is_empty() || film.len() > 64 || !(1..=24 * 60).contains(&minutes) {
				return Err(format!("line {}: a film id of 1 to 64 characters and 1 to 1440 minutes", n + 1));
			}
			if films.len() == MAX_CATALOGUE_FILMS {
				return Err(format!("more than {MAX_CATALOGUE_FILMS} films"));
			}
			films.insert(film.to_ascii_lowercase(), minutes as i64 * 60_000);
		}
		Ok(Catalogue(films))
	}

	/// The runtime of a screening's film, by film code, else CPL id.
	pub fn runtime(&self, s: &Screening) -> Option<i64> {
		[&s.film_code, &s.cpl_id].into_iter().flatten().find_map(|id| self.0.get(&id.to_ascii_lowercase()).copied())
	}

	pub fn len(&self) -> usize {
		self.0.len()
	}

	pub fn is_empty(&self) -> bool {
		self.0.is_empty()
	}
}

/// How long the pass rests after a pass that took `took` while the follower indexed `moved`
/// blocks. During a backfill (the follower wrote at least a whole batch meanwhile) it rests
/// four times as long as it worked: on a small machine every core is busy in a backfill (the
/// node answering, the follower decoding, the database writing), so the pass's work comes out of
/// the backfill's, which may be at most 20 % slower (`bench-indexer` measures it: working all the
/// time cost a 1,000,000-screening write 24 %, a third of the time 19 to 21 %). It catches up
/// when the backfill ends. At the tip (a block every few seconds) it does not rest: alerts follow
/// the chain.
pub fn rest_after(took: std::time::Duration, moved: u32) -> std::time::Duration {
	if moved >= crate::follow::MAX_BATCH as u32 {
		took * 4
	} else {
		std::time::Duration::ZERO
	}
}

/// The knowledge pass over one index.
pub struct Knowledge {
	store: Store,
	limits: Thresholds,
	catalogue: Catalogue,
	/// The recent local days' activity the daily rules compare with, each read once (see
	/// [`Knowledge::day_activity`]).
	days: Mutex<BTreeMap<i64, Arc<DayActivity>>>,
	/// Each device's last screening start up to the end of a day (see [`Knowledge::last_starts`]).
	last_starts: Mutex<Option<LastStarts>>,
}

/// Each device's last screening start as of the end of local day `through`.
#[derive(Debug)]
struct LastStarts {
	through: i64,
	by_device: HashMap<u64, i64>,
}

/// One local day's screenings as the daily rules read them.
#[derive(Debug, Default)]
struct DayActivity {
	/// Screenings per (cinema, hall).
	halls: HashMap<(u32, u32), u32>,
	/// Each device that recorded: the start of its last screening that day.
	last_start: HashMap<u64, i64>,
}

impl Knowledge {
	pub fn new(store: Store, limits: Thresholds, catalogue: Catalogue) -> Knowledge {
		Knowledge { store, limits, catalogue, days: Mutex::new(BTreeMap::new()), last_starts: Mutex::new(None) }
	}

	/// Days of activity the daily rules look back over: a hall's day and its history.
	fn days_kept(&self) -> i64 {
		SPIKE_HISTORY_DAYS + 1
	}

	/// Local day `day`'s activity: read from the index the first time a daily rule needs it, then
	/// kept while the days judged are within [`Knowledge::days_kept`] of it. One grouped query
	/// per day judged, instead of one per day of history and one per device. (Screenings of a
	/// day uploaded after it was read are not in it: a backlog is the late-upload rule's.)
	async fn day_activity(&self, day: i64) -> Result<Arc<DayActivity>, Error> {
		if let Some(known) = self.days.lock().expect("not poisoned").get(&day) {
			return Ok(known.clone());
		}
		let rows = self
			.store
			.fetch(
				"SELECT cinema, hall, device, COUNT(*) AS n, MAX(started_at) AS last FROM screenings \
				 WHERE started_at >= ? AND started_at < ? GROUP BY cinema, hall, device",
				&[Param::Int(self.day_start(day)), Param::Int(self.day_start(day + 1))],
			)
			.await?;
		let mut activity = DayActivity::default();
		for r in rows {
			let hall = (r.try_get::<i64, _>("cinema")? as u32, r.try_get::<i64, _>("hall")? as u32);
			*activity.halls.entry(hall).or_default() += r.try_get::<i64, _>("n")? as u32;
			let last = activity.last_start.entry(r.try_get::<i64, _>("device")? as u64).or_insert(i64::MIN);
			*last = (*last).max(r.try_get("last")?);
		}
		let activity = Arc::new(activity);
		let mut days = self.days.lock().expect("not poisoned");
		days.insert(day, activity.clone());
		// The pass moves forward: days older than the window of the day asked are not asked again.
		let oldest = day - self.days_kept();
		while days.first_key_value().is_some_and(|(d, _)| *d < oldest) {
			days.pop_first();
		}
		Ok(activity)
	}

	/// Judges the next batch of indexed blocks (at most [`BLOCKS_PER_PASS`]); returns how many
	/// blocks it judged (0 when it has caught up with the follower).
	pub async fn judge_next(&self) -> Result<u32, Error> {
		let Some(indexed) = self.store.cursor().await? else { return Ok(0) };
		let judged = self.store.judged().await?;
		let from = judged.map_or(0, |j| j.block_number + 1);
		if from > indexed.block_number {
			return Ok(0);
		}
		let to = indexed.block_number.min(from + BLOCKS_PER_PASS - 1);
		let screenings: Vec<Screening> = self
			.store
			.fetch(
				"SELECT * FROM screenings WHERE block_number >= ? AND block_number <= ? ORDER BY block_number, event_index",
				&[Param::Int(from as i64), Param::Int(to as i64)],
			)
			.await?
			.iter()
			.map(store::screening_from_row)
			.collect::<Result<_, _>>()?;
		let mut alerts = Vec::new();
		let mut cache = Cache::default();
		let neighbours = self.neighbours(&screenings).await?;
		for s in &screenings {
			alerts.extend(self.judge(s, &neighbours, &mut cache).await?);
		}
		for block in screenings.chunk_by(|a, b| a.position.block_number == b.position.block_number) {
			alerts.extend(anomaly::check_block(block, &self.limits));
		}
		let mut alerts = anomaly::fold_backfills(alerts);
		// Daily rules for every local day that ended before the last judged block's time.
		let now = self.block_time(to).await?;
		let today = self.local_day(now);
		let first_day = match judged.and_then(|j| j.day) {
			Some(day) => day + 1,
			// The first pass starts with the day of the first block with a time (genesis has none).
			None => match self.first_block_time().await? {
				Some(first) => self.local_day(first),
				None => today,
			},
		};
		let mut day = judged.and_then(|j| j.day);
		for d in first_day..today {
			alerts.extend(self.daily(d).await?);
			day = Some(d);
		}
		let counts = daily_counts(&screenings, self.limits.utc_offset_minutes);
		self.store.write_judgement(judged.as_ref(), &Judged { block_number: to, day, today }, &alerts, &counts).await?;
		Ok(to - from + 1)
	}

	/// Judges blocks as the follower indexes them, forever: a batch at a time while behind, then
	/// every [`crate::follow::POLL`]. An error (the database busy or gone) is logged and the
	/// batch tried again.
	pub async fn run(&self) {
		loop {
			let before = self.indexed_block().await;
			let started = std::time::Instant::now();
			match self.judge_next().await {
				Ok(0) => tokio::time::sleep(crate::follow::POLL).await,
				Ok(_) => {
					let moved = self.indexed_block().await.saturating_sub(before);
					tokio::time::sleep(rest_after(started.elapsed(), moved)).await;
				},
				Err(e) => {
					eprintln!("cinechain-indexer: knowledge pass: {e}; retrying");
					tokio::time::sleep(crate::follow::POLL * 4).await;
				},
			}
		}
	}

	/// The last indexed block's number (0 before the first, or if the index cannot say).
	async fn indexed_block(&self) -> u32 {
		self.store.cursor().await.ok().flatten().map_or(0, |c| c.block_number)
	}

	/// The rules of one screening, with what the index knows around it.
	async fn judge(&self, s: &Screening, neighbours: &Neighbours, cache: &mut Cache) -> Result<Vec<Alert>, Error> {
		let previous = neighbours.records.get(&(s.device, s.seq.wrapping_sub(1))).cloned();
		let previous_position = match (&s.latitude, &previous) {
			(None, _) => None,
			(Some(_), Some(p)) if p.latitude.is_some() => previous.clone(),
			(Some(_), _) => self.last_position_before(s).await?,
		};
		let cinema = match cache.cinemas.get(&s.cinema) {
			Some(c) => c.clone(),
			None => {
				let c = self.cinema(s.cinema).await?;
				cache.cinemas.insert(s.cinema, c.clone());
				c
			},
		};
		let runtime_ms = match self.catalogue.runtime(s) {
			Some(runtime) => Some(runtime),
			None => {
				let key = film(s);
				match cache.runtimes.get(&key) {
					Some(r) => *r,
					None => {
						let r = self.median_runtime(&key).await?;
						cache.runtimes.insert(key, r);
						r
					},
				}
			},
		};
		let overlapping = neighbours.overlapping(s);
		let ctx = Context {
			previous: previous.as_ref(),
			previous_position: previous_position.as_ref(),
			cinema: cinema.as_ref(),
			runtime_ms,
			overlapping,
		};
		Ok(anomaly::check_screening(s, &ctx, &self.limits))
	}

	/// What the batch's screenings are judged against, read with a few range queries per pass
	/// rather than several queries per screening: each device's records from the one before its
	/// first in the batch, and the screenings of the batch's cinemas and projectionists in the
	/// times they could overlap (each screening's start less [`MAX_DURATION_MS`] to its end,
	/// windows merged, so no row is read twice).
	async fn neighbours(&self, batch: &[Screening]) -> Result<Neighbours, Error> {
		let mut neighbours = Neighbours::default();
		let mut seqs: HashMap<u64, (u64, u64)> = HashMap::new();
		for s in batch {
			let range = seqs.entry(s.device).or_insert((s.seq, s.seq));
			*range = (range.0.min(s.seq), range.1.max(s.seq));
		}
		for (device, (first, last)) in seqs {
			let rows = self
				.store
				.fetch(
					"SELECT * FROM screenings WHERE device = ? AND seq >= ? AND seq <= ?",
					&[Param::Int(device as i64), Param::Int(first.saturating_sub(1) as i64), Param::Int(last as i64)],
				)
				.await?;
			for row in &rows {
				let s = store::screening_from_row(row)?;
				neighbours.records.insert((s.device, s.seq), s);
			}
		}
		let mut by_cinema: HashMap<u32, Vec<(i64, i64)>> = HashMap::new();
		let mut by_projectionist: HashMap<String, Vec<(i64, i64)>> = HashMap::new();
		for s in batch {
			let window = (s.started_at - MAX_DURATION_MS, s.ended_at);
			by_cinema.entry(s.cinema).or_default().push(window);
			by_projectionist.entry(s.projectionist.clone()).or_default().push(window);
		}
		for (cinema, windows) in by_cinema {
			for (from, to) in merge_windows(windows) {
				let found = self.started_between("cinema", Param::Int(cinema as i64), from, to).await?;
				neighbours.cinemas.entry(cinema).or_default().extend(found);
			}
		}
		for (projectionist, windows) in by_projectionist {
			for (from, to) in merge_windows(windows) {
				let found = self.started_between("projectionist", Param::Text(projectionist.clone()), from, to).await?;
				neighbours.projectionists.entry(projectionist.clone()).or_default().extend(found);
			}
		}
		Ok(neighbours)
	}

	/// Screenings whose `column` is `value`, started after `from` and before `to`.
	async fn started_between(&self, column: &str, value: Param, from: i64, to: i64) -> Result<Vec<Screening>, Error> {
		let sql = format!("SELECT * FROM screenings WHERE {column} = ? AND started_at > ? AND started_at < ?");
		self.store
			.fetch(&sql, &[value, Param::Int(from), Param::Int(to)])
			.await?
			.iter()
			.map(store::screening_from_row)
			.collect()
	}

	/// The device's last screening with a position before `s`, among its last
	/// [`POSITION_LOOKBACK`] records.
	async fn last_position_before(&self, s: &Screening) -> Result<Option<Screening>, Error> {
		let rows = self
			.store
			.fetch(
				"SELECT * FROM screenings WHERE device = ? AND seq < ? AND seq >= ? AND latitude IS NOT NULL ORDER BY seq DESC LIMIT 1",
				&[Param::Int(s.device as i64), Param::Int(s.seq as i64), Param::Int(s.seq as i64 - POSITION_LOOKBACK)],
			)
			.await?;
		rows.first().map(store::screening_from_row).transpose()
	}

	async fn cinema(&self, cinema: u32) -> Result<Option<Cinema>, Error> {
		let rows = self.store.fetch("SELECT * FROM cinemas WHERE cinema = ?", &[Param::Int(cinema as i64)]).await?;
		rows.first().map(store::cinema_from_row).transpose()
	}

	/// The median length of the film's latest completed screenings, if there are enough.
	async fn median_runtime(&self, (column, value): &(&'static str, String)) -> Result<Option<i64>, Error> {
		let sql = format!(
			"SELECT ended_at - started_at AS length FROM screenings WHERE {column} = ? AND outcome = 'completed' \
			 ORDER BY started_at DESC LIMIT {RUNTIME_SAMPLES}"
		);
		let lengths = self
			.store
			.fetch(&sql, &[Param::Text(value.clone())])
			.await?
			.iter()
			.map(|r| r.try_get::<i64, _>("length"))
			.collect::<Result<Vec<_>, _>>()?;
		Ok(anomaly::median_runtime(&lengths, &self.limits))
	}

	async fn block_time(&self, number: u32) -> Result<i64, Error> {
		let rows = self.store.fetch("SELECT timestamp FROM blocks WHERE number = ?", &[Param::Int(number as i64)]).await?;
		Ok(match rows.first() {
			Some(r) => r.try_get("timestamp")?,
			None => 0,
		})
	}

	/// The time of the first block that has one (genesis has none). Asked on every pass until
	/// a whole day is judged: read in block order, so it stops at block 1 rather than scanning.
	async fn first_block_time(&self) -> Result<Option<i64>, Error> {
		let rows = self.store.fetch("SELECT timestamp FROM blocks WHERE timestamp > 0 ORDER BY number LIMIT 1", &[]).await?;
		rows.first().map(|r| r.try_get("timestamp")).transpose()
	}

	fn local_day(&self, at: i64) -> i64 {
		days::local_day(at, self.limits.utc_offset_minutes)
	}

	fn day_start(&self, day: i64) -> i64 {
		days::day_start(day, self.limits.utc_offset_minutes)
	}

	/// Each device's last screening start as of the end of local day `day`: read from the index
	/// once (one grouped scan, the first time a day is judged after a start), then carried
	/// forward a day at a time with each day's activity.
	async fn last_starts(&self, day: i64) -> Result<HashMap<u64, i64>, Error> {
		let known = self.last_starts.lock().expect("not poisoned").take();
		let mut last = match known {
			Some(last) if last.through <= day => last,
			_ => {
				let rows = self
					.store
					.fetch(
						"SELECT device, MAX(started_at) AS last FROM screenings WHERE started_at < ? GROUP BY device",
						&[Param::Int(self.day_start(day + 1))],
					)
					.await?;
				let by_device = rows
					.iter()
					.map(|r| Ok((r.try_get::<i64, _>("device")? as u64, r.try_get::<i64, _>("last")?)))
					.collect::<Result<_, Error>>()?;
				LastStarts { through: day, by_device }
			},
		};
		for d in last.through + 1..=day {
			for (device, start) in &self.day_activity(d).await?.last_start {
				let entry = last.by_device.entry(*device).or_insert(*start);
				*entry = (*entry).max(*start);
			}
		}
		last.through = day;
		let by_device = last.by_device.clone();
		*self.last_starts.lock().expect("not poisoned") = Some(last);
		Ok(by_device)
	}

	/// The daily rules for local day `day`, judged at its end.
	async fn daily(&self, day: i64) -> Result<Vec<Alert>, Error> {
		let (start, end) = (self.day_start(day), self.day_start(day + 1));
		let mut recent = Vec::new();
		for d in (day + 1 - self.days_kept())..=day {
			recent.push(self.day_activity(d).await?);
		}
		let today = recent.last().expect("at least one day").clone();
		let mut alerts = Vec::new();
		// Halls: the day's count against the same hall's days before it. A hall's history starts
		// on its first day with screenings in the window.
		let history_days = &recent[recent.len() - 1 - SPIKE_HISTORY_DAYS as usize..recent.len() - 1];
		let mut halls: Vec<_> = today.halls.iter().collect();
		halls.sort();
		for (&(cinema, hall), &n) in halls {
			let past: Vec<u32> =
				history_days.iter().map(|d| d.halls.get(&(cinema, hall)).copied().unwrap_or(0)).skip_while(|n| *n == 0).collect();
			alerts.extend(anomaly::hall_spike(cinema, hall, start, n, &past, &self.limits));
		}
		// Devices: active ones and their last screening before the day's end.
		let last_starts = self.last_starts(day).await?;
		let rows = self
			.store
			.fetch(
				"SELECT d.device AS device, d.cinema AS cinema, b.timestamp AS since FROM devices d \
				 JOIN blocks b ON b.number = d.status_since WHERE d.status = 'Active' ORDER BY d.device",
				&[],
			)
			.await?;
		let since = end - self.limits.silent_days as i64 * DAY_MS;
		let mut devices = Vec::with_capacity(rows.len());
		for r in rows {
			let device = r.try_get::<i64, _>("device")? as u64;
			let mut last_screening = last_starts.get(&device).copied();
			// The carried-forward starts miss screenings uploaded after their day was read: a
			// device that looks silent is looked up in the index (few are).
			if last_screening.is_none_or(|last| last < since) {
				last_screening = self
					.store
					.fetch(
						"SELECT MAX(started_at) AS last FROM screenings WHERE device = ? AND started_at < ?",
						&[Param::Int(device as i64), Param::Int(end)],
					)
					.await?
					.first()
					.map(|r| r.try_get::<Option<i64>, _>("last"))
					.transpose()?
					.flatten();
			}
			devices.push(DeviceActivity {
				device,
				cinema: r.try_get::<i64, _>("cinema")? as u32,
				last_screening,
				active_since: r.try_get("since")?,
			});
		}
		alerts.extend(anomaly::silent_devices(&devices, end, &self.limits));
		Ok(alerts)
	}
}

/// A batch's neighbourhood in the index (see [`Knowledge::neighbours`]).
#[derive(Default)]
struct Neighbours {
	/// By (device, seq).
	records: HashMap<(u64, u64), Screening>,
	cinemas: HashMap<u32, Vec<Screening>>,
	projectionists: HashMap<String, Vec<Screening>>,
}

impl Neighbours {
	/// Screenings of other devices indexed before `s` that break a rule with it
	/// ([`anomaly::overlap_rules`]: its hall, another film; its projectionist, another cinema),
	/// each once, at most [`anomaly::MAX_OVERLAPPING`]. Neighbours that break nothing (a
	/// multiplex's other halls, the same film on two projectors) are passed over, so that they
	/// can neither fill the list nor make the alerts grow with their square.
	fn overlapping(&self, s: &Screening) -> Vec<&Screening> {
		let indexed_before = |o: &Screening| {
			(o.position.block_number, o.position.event_index) < (s.position.block_number, s.position.event_index)
		};
		let mut seen = std::collections::HashSet::new();
		let candidates = self.cinemas.get(&s.cinema).into_iter().chain(self.projectionists.get(&s.projectionist)).flatten();
		candidates
			.filter(|o| indexed_before(o) && anomaly::overlap_rules(s, o).next().is_some() && seen.insert((o.device, o.seq)))
			.take(anomaly::MAX_OVERLAPPING)
			.collect()
	}
}

/// Time windows `(from, to)` merged where they overlap or touch, in order.
fn merge_windows(mut windows: Vec<(i64, i64)>) -> Vec<(i64, i64)> {
	windows.sort_unstable();
	let mut merged: Vec<(i64, i64)> = Vec::with_capacity(windows.len());
	for (from, to) in windows {
		match merged.last_mut() {
			Some(last) if from <= last.1 => last.1 = last.1.max(to),
			_ => merged.push((from, to)),
		}
	}
	merged
}

/// What one pass looks up once: cinemas and films' median runtimes.
#[derive(Default)]
struct Cache {
	cinemas: HashMap<u32, Option<Cinema>>,
	runtimes: HashMap<(&'static str, String), Option<i64>>,
}

/// Screenings per local day (by start), by cinema and by film ([`film_id`]).
pub fn daily_counts(screenings: &[Screening], offset: i32) -> DailyCounts {
	let mut counts = DailyCounts::default();
	for s in screenings {
		let day = days::local_day(s.started_at, offset);
		counts.cinemas.entry((day, s.cinema)).or_insert_with(|| (s.region.clone(), 0)).1 += 1;
		*counts.films.entry((day, film_id(s))).or_insert(0) += 1;
	}
	counts
}

/// A film as the daily counts and `GET /stats/daily?film=` name it: its film code, else its CPL
/// id, else its lower-case title.
pub fn film_id(s: &Screening) -> String {
	film(s).1
}

/// What names a screening's film, and the `screenings` column that holds it: its film code,
/// else its CPL id, else its lower-case title. The median runtime is looked up (and cached
/// within a pass) by it, and the daily counts count by its value.
fn film(s: &Screening) -> (&'static str, String) {
	match (&s.film_code, &s.cpl_id) {
		(Some(code), _) => ("film_code", code.clone()),
		(None, Some(cpl)) => ("cpl_id", cpl.clone()),
		(None, None) => ("title_lower", s.title.to_lowercase()),
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::{
		anomaly::{RecordId, Rule},
		model::{BlockChanges, BlockInfo, Position, Snapshot},
	};

	/// 2026-12-01 12:00 UTC (20:00 in China).
	const NOON: i64 = 1_796_126_400_000;
	const MINUTE: i64 = 60_000;

	fn block(number: u32, timestamp: i64) -> BlockInfo {
		BlockInfo {
			number,
			hash: format!("0x{number:02}"),
			parent_hash: format!("0x{:02}", number.saturating_sub(1)),
			spec_version: 1,
			timestamp,
			extrinsics: 1,
			from_archive: false,
		}
	}

	fn screening(device: u64, seq: u64, start: i64, minutes: i64, film: &str, (block, event): (u32, u32), recorded_at: i64) -> Screening {
		Screening {
			device,
			seq,
			record_hash: format!("0x{device:02}{seq:02}"),
			prev_hash: "0x".into(),
			cpl_id: None,
			film_code: Some(film.into()),
			title: format!("Film {film}"),
			projectionist: format!("P-{device}"),
			started_at: start,
			ended_at: start + minutes * MINUTE,
			cinema: 1,
			hall: 1,
			region: "110000".into(),
			latitude: None,
			longitude: None,
			outcome: "completed".into(),
			abort_reason: None,
			report_hash: None,
			recorded_at,
			position: Position {
				block_number: block,
				block_hash: format!("0x{block:02}"),
				extrinsic_index: Some(1),
				extrinsic_hash: None,
				event_index: event,
			},
		}
	}

	fn summary(alerts: &[(i64, Alert)]) -> Vec<(Rule, Option<RecordId>, Vec<RecordId>)> {
		alerts.iter().map(|(_, a)| (a.rule, a.record, a.related.clone())).collect()
	}

	async fn stored(store: &Store) -> Vec<(i64, Alert)> {
		store.fetch("SELECT * FROM alerts ORDER BY id", &[]).await.unwrap().iter().map(|r| store::alert_from_row(r).unwrap()).collect()
	}

	#[tokio::test]
	async fn the_pass_judges_indexed_blocks_once_each_pair_once_and_catches_up_later() {
		let dir = tempfile::tempdir().unwrap();
		let store = Store::open(dir.path().join("index.db").to_str().unwrap()).await.unwrap();
		let catalogue = Catalogue::parse("001,120").unwrap();
		// Screenings at any hour here: the backlog below runs through the night.
		let limits = Thresholds { permitted_start: 0, permitted_end: 24 * 60, ..Default::default() };
		let knowledge = Knowledge::new(store.clone(), limits, catalogue);
		assert_eq!(knowledge.judge_next().await.unwrap(), 0, "nothing indexed yet");

		let cinema = Cinema { cinema: 1, region: "110000".into(), name: "C".into(), latitude: None, longitude: None, updated_block: 0 };
		let genesis = BlockChanges { snapshots: vec![Snapshot::Cinema(cinema)], ..Default::default() };
		let (t1, t2, t3) = (NOON + 180 * MINUTE, NOON + 180 * MINUTE + 6_000, NOON + 360 * MINUTE);
		// Block 1: device 1 plays film 001 in hall 1; device 2 starts film 002 there an hour in.
		let a = screening(1, 1, NOON, 120, "001", (1, 0), t1);
		let b = screening(2, 1, NOON + 60 * MINUTE, 120, "002", (1, 1), t1);
		// Block 2: device 1 starts again half an hour after its first start.
		let c = screening(1, 2, NOON + 30 * MINUTE, 120, "001", (2, 0), t2);
		// Block 3: device 1 completes the 120-minute film in an hour (00:00 in China, permitted).
		let d = screening(1, 3, NOON + 240 * MINUTE, 60, "001", (3, 0), t3);
		let blocks = vec![
			(block(0, 0), genesis),
			(block(1, t1), BlockChanges { screenings: vec![a, b], ..Default::default() }),
			(block(2, t2), BlockChanges { screenings: vec![c], ..Default::default() }),
			(block(3, t3), BlockChanges { screenings: vec![d], ..Default::default() }),
		];
		store.write_blocks("0xg", None, &blocks).await.unwrap();

		assert_eq!(knowledge.judge_next().await.unwrap(), 4);
		let id = |device, seq| RecordId { device, seq };
		let expected = vec![
			(Rule::HallOverlap, Some(id(2, 1)), vec![id(1, 1)]),
			(Rule::DeviceOverlap, Some(id(1, 2)), vec![id(1, 1)]),
			(Rule::HallOverlap, Some(id(1, 2)), vec![id(2, 1)]),
			(Rule::ShortScreening, Some(id(1, 3)), vec![]),
		];
		assert_eq!(summary(&stored(&store).await), expected);
		let judged = store.judged().await.unwrap().unwrap();
		assert_eq!(judged.block_number, 3);
		// Block 3 is on 2 December in China: 1 December's daily rules ran.
		assert_eq!(judged.day, Some(knowledge.local_day(NOON)));
		assert_eq!(knowledge.judge_next().await.unwrap(), 0, "caught up");
		assert_eq!(stored(&store).await.len(), 4, "nothing judged twice");

		// Block 4: device 3 uploads a backlog of ten screenings from days ago: one alert.
		let t4 = NOON + 3 * 24 * 60 * MINUTE;
		let backlog: Vec<Screening> =
			(1..=10).map(|seq| screening(3, seq, NOON - 48 * 60 * MINUTE + seq as i64 * 150 * MINUTE, 120, "003", (4, seq as u32), t4)).collect();
		let cursor = store.cursor().await.unwrap();
		store.write_blocks("0xg", cursor.as_ref(), &[(block(4, t4), BlockChanges { screenings: backlog, ..Default::default() })]).await.unwrap();
		assert_eq!(knowledge.judge_next().await.unwrap(), 1);
		let alerts = stored(&store).await;
		let new: Vec<_> = alerts[4..].iter().map(|(_, a)| a.rule).collect();
		assert_eq!(new, vec![Rule::Backfill], "the late screenings are in the backfill alert, not ten alerts of their own");
		assert_eq!(alerts[4].1.related.len(), 9);
		assert_eq!(store.judged().await.unwrap().unwrap().day, Some(knowledge.local_day(t4) - 1));

		// Counted per local day: a, b and c on 1 December in China, d on the 2nd; the backlog
		// over 29 and 30 November. Judging again adds nothing.
		let per_day = store
			.fetch("SELECT day, screenings FROM daily_cinemas WHERE cinema = 1 ORDER BY day", &[])
			.await
			.unwrap()
			.iter()
			.map(|r| (days::date(r.try_get::<i64, _>("day").unwrap()), r.try_get::<i64, _>("screenings").unwrap()))
			.collect::<Vec<_>>();
		let backlog_days: i64 = per_day.iter().filter(|(d, _)| d.as_str() < "2026-12-01").map(|(_, n)| n).sum();
		assert_eq!(backlog_days, 10);
		assert_eq!(&per_day[per_day.len() - 2..], &[("2026-12-01".to_string(), 3), ("2026-12-02".to_string(), 1)]);
		let film = store.fetch("SELECT screenings FROM daily_films WHERE film = '001'", &[]).await.unwrap();
		assert_eq!(film.iter().map(|r| r.try_get::<i64, _>("screenings").unwrap()).sum::<i64>(), 3);
	}

	#[test]
	fn a_crowd_of_overlapping_screenings_is_judged_against_what_matters_and_bounded() {
		let at = |device: u64, film: &str, event: u32| screening(device, 1, 0, 120, film, (1, event), 0);
		let s = at(1, "A", 10_000);
		// 5,000 other devices playing the same film in the hall (no rule broken), then one
		// playing another film, then 100 more of those.
		let mut crowd: Vec<Screening> = (2..5_002).map(|d| at(d, "A", d as u32)).collect();
		crowd.push(at(9_000, "B", 9_000));
		crowd.extend((9_001..9_101).map(|d| at(d, "B", d as u32)));
		let neighbours = Neighbours { cinemas: HashMap::from([(1, crowd.clone())]), ..Default::default() };
		let found = neighbours.overlapping(&s);
		assert_eq!(found.len(), anomaly::MAX_OVERLAPPING);
		assert_eq!(found[0].device, 9_000, "the first conflicting screening, past the harmless crowd");
		assert!(found.iter().all(|o| o.film_code.as_deref() == Some("B")));
		// The same screening reached twice (its cinema and its projectionist) counts once, and
		// screenings indexed after it are not its neighbours.
		let mut twice = at(9_000, "B", 9_000);
		twice.projectionist = s.projectionist.clone();
		let later = at(9_500, "B", 20_000);
		let neighbours = Neighbours {
			cinemas: HashMap::from([(1, vec![twice.clone(), later])]),
			projectionists: HashMap::from([(s.projectionist.clone(), vec![twice])]),
			..Default::default()
		};
		assert_eq!(neighbours.overlapping(&s).iter().map(|o| o.device).collect::<Vec<_>>(), vec![9_000]);
	}

	#[test]
	fn the_pass_rests_during_a_backfill_only() {
		use std::time::Duration;
		let took = Duration::from_millis(300);
		assert_eq!(rest_after(took, crate::follow::MAX_BATCH as u32), Duration::from_millis(1200));
		assert_eq!(rest_after(took, 5_000), Duration::from_millis(1200));
		assert_eq!(rest_after(took, 1), Duration::ZERO, "at the tip");
		assert_eq!(rest_after(took, 0), Duration::ZERO);
	}

	#[test]
	fn windows_merge_where_they_meet() {
		assert_eq!(merge_windows(vec![(5, 9), (1, 3), (2, 4), (9, 12), (20, 21)]), vec![(1, 4), (5, 12), (20, 21)]);
		assert_eq!(merge_windows(vec![]), vec![]);
	}

	#[test]
	fn a_catalogue_reads_films_and_refuses_bad_lines() {
		let catalogue = Catalogue::parse("film,minutes\n001,120\n\"CPL-A\", 95\n# a comment\n\n").unwrap();
		assert_eq!(catalogue.len(), 2);
		assert_eq!(catalogue.0.get("001"), Some(&(120 * 60_000)));
		assert_eq!(catalogue.0.get("cpl-a"), Some(&(95 * 60_000)));
		assert!(Catalogue::parse("001,120\n002,ninety").unwrap_err().contains("line 2"));
		assert!(Catalogue::parse("001,0").is_err());
		assert!(Catalogue::parse("no comma here\n").is_err());
		assert!(Catalogue::parse(&format!("{},90", "x".repeat(65))).is_err());
	}
}
