//! The anomaly rules of the knowledge server: what film bureaus hunt for in playback records
//! (../shared/design/DOMAIN.md, "Anomalies regulators hunt"), as plain functions of the records
//! and what the index knows around them. No I/O here: the store gathers a [`Context`] for each
//! new screening as its block is written, and these functions decide.
//!
//! Every alert names its [`Rule`], the record that raised it and the others involved (each one
//! has a proof of inclusion at `/proof/{device}/{seq}`), a [`Severity`], and the figure
//! measured against the limit it broke, so that the console can say it in the reader's language.
//! Thresholds are in [`Thresholds`]; each says what it is and where its default comes from.

use crate::model::{Cinema, Screening};
use serde::{Deserialize, Serialize};

/// Milliseconds in a minute, an hour and a day.
const MINUTE: i64 = 60_000;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;
/// Most other screenings one screening is judged against for the hall and projectionist rules,
/// so at most this many such alerts on it: a screening that conflicts with this many others is
/// flagged plainly already, and a flood of them (devices an operator controls, all recording at
/// once) costs the pass a bounded amount per screening.
pub const MAX_OVERLAPPING: usize = 32;

/// What an alert was raised for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
	/// A device's screening starts before its previous one ended: one projector cannot play two
	/// films at once (a "ghost" screening, or a clock set back). Measured: the overlap (ms).
	DeviceOverlap,
	/// Two devices play different films in one hall at overlapping times. Two projectors in one
	/// hall playing the same composition is dual projection (3D, large screens) and is not
	/// raised. Measured: the overlap (ms).
	HallOverlap,
	/// A completed screening shorter than its film's runtime allows. Measured: its length (ms);
	/// limit: [`Thresholds::min_runtime_share`] of the runtime (ms).
	ShortScreening,
	/// A mobile projector between two consecutive positions faster than a vehicle on the road.
	/// Measured: the speed (km/h); limit: [`Thresholds::max_speed_kmh`].
	ImpossibleTravel,
	/// A position farther than [`Thresholds::site_radius_m`] from the cinema's registered place.
	/// Measured: the distance (m).
	OffSite,
	/// A screening that ends after the block that recorded it, by more than a secure clock
	/// drifts: the device's clock runs ahead. Measured: how far ahead (ms).
	ClockAhead,
	/// A screening recorded long after it ended. Measured: the delay (ms); limit:
	/// [`Thresholds::late_upload_ms`].
	LateUpload,
	/// Many late screenings of one device in one block: a backlog uploaded at once (subsidies
	/// are paid per screening, so backlogs bunch at period ends). Measured: how many.
	Backfill,
	/// One projectionist in two cinemas at overlapping times (in one cinema a projectionist
	/// may well run several halls at once). Measured: the overlap (ms).
	ProjectionistTwoPlaces,
	/// A screening that starts outside the permitted hours. Measured: its local start, in
	/// minutes after midnight.
	OutsideHours,
	/// An active device silent for days while other devices of its cinema record. Measured:
	/// days silent.
	SilentDevice,
	/// A hall's screenings in a day far above its own history. Measured: the day's count;
	/// limit: [`Thresholds::spike_factor`] times the hall's median day.
	HallSpike,
}

impl Rule {
	/// Every rule, in the order the console lists them.
	pub const ALL: [Rule; 12] = [
		Rule::DeviceOverlap,
		Rule::HallOverlap,
		Rule::ShortScreening,
		Rule::ImpossibleTravel,
		Rule::OffSite,
		Rule::ClockAhead,
		Rule::LateUpload,
		Rule::Backfill,
		Rule::ProjectionistTwoPlaces,
		Rule::OutsideHours,
		Rule::SilentDevice,
		Rule::HallSpike,
	];

	/// How serious an alert of this rule is: `High` when the record cannot be true as it
	/// stands, `Medium` when it needs a look, `Low` when it is usually innocent.
	pub fn severity(self) -> Severity {
		match self {
			Rule::DeviceOverlap | Rule::ImpossibleTravel | Rule::ClockAhead | Rule::ProjectionistTwoPlaces => Severity::High,
			Rule::HallOverlap | Rule::ShortScreening | Rule::OffSite | Rule::Backfill | Rule::HallSpike => Severity::Medium,
			Rule::LateUpload | Rule::OutsideHours | Rule::SilentDevice => Severity::Low,
		}
	}

	/// The rule's name as stored and as the API and console spell it.
	pub fn name(self) -> &'static str {
		match self {
			Rule::DeviceOverlap => "device_overlap",
			Rule::HallOverlap => "hall_overlap",
			Rule::ShortScreening => "short_screening",
			Rule::ImpossibleTravel => "impossible_travel",
			Rule::OffSite => "off_site",
			Rule::ClockAhead => "clock_ahead",
			Rule::LateUpload => "late_upload",
			Rule::Backfill => "backfill",
			Rule::ProjectionistTwoPlaces => "projectionist_two_places",
			Rule::OutsideHours => "outside_hours",
			Rule::SilentDevice => "silent_device",
			Rule::HallSpike => "hall_spike",
		}
	}

	/// The rule of a stored name.
	pub fn from_name(name: &str) -> Option<Rule> {
		Rule::ALL.into_iter().find(|rule| rule.name() == name)
	}
}

/// How serious an alert is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
	Low,
	Medium,
	High,
}

impl Severity {
	/// The severity's name as stored and as the API spells it.
	pub fn name(self) -> &'static str {
		match self {
			Severity::Low => "low",
			Severity::Medium => "medium",
			Severity::High => "high",
		}
	}
}

/// A screening named by its device and sequence number: unique, and the key of its proof.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RecordId {
	pub device: u64,
	pub seq: u64,
}

impl RecordId {
	pub fn of(screening: &Screening) -> RecordId {
		RecordId { device: screening.device, seq: screening.seq }
	}
}

/// One anomaly found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Alert {
	pub rule: Rule,
	pub severity: Severity,
	/// The record that raised it, if a record did (the daily rules name a device or a hall).
	pub record: Option<RecordId>,
	/// The other records it involves (the overlapped screening, the previous position, ...).
	pub related: Vec<RecordId>,
	pub device: Option<u64>,
	pub cinema: u32,
	pub hall: Option<u32>,
	/// The figure measured, in the rule's unit (see [`Rule`]).
	pub measured: i64,
	/// The limit it broke, in the same unit.
	pub limit: i64,
	/// When it happened (ms since the Unix epoch): the screening's start, or the day's start.
	pub at: i64,
}

impl Alert {
	fn on(rule: Rule, screening: &Screening, related: Vec<RecordId>, measured: i64, limit: i64) -> Alert {
		Alert {
			rule,
			severity: rule.severity(),
			record: Some(RecordId::of(screening)),
			related,
			device: Some(screening.device),
			cinema: screening.cinema,
			hall: Some(screening.hall),
			measured,
			limit,
			at: screening.started_at,
		}
	}
}

/// The limits the rules hold records to. The defaults are what the field suggests; every one
/// can be set on the command line (`cinechain-indexer --help`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Thresholds {
	/// A completed screening shorter than this share of its film's runtime is short. Default
	/// 0.9: a completed playback plays every frame, so it is never shorter than the film; the
	/// margin covers catalogue runtimes rounded to the minute and medians taken over screenings
	/// with and without pre-show content.
	pub min_runtime_share: f64,
	/// Completed screenings of a film needed before their median serves as its runtime (when the
	/// film catalogue does not have it). Default 5: fewer lets one odd record set the bar.
	pub min_runtime_samples: u32,
	/// Fastest believable travel of a mobile projector between screenings. Default 120 km/h:
	/// rural projection teams drive between villages; faster is a copied or invented position.
	pub max_speed_kmh: f64,
	/// Moves shorter than this are never "impossible travel": GPS error. Default 2,000 m.
	pub min_travel_m: f64,
	/// Farthest a screening may be from its cinema's registered place. Default 30 km: a mobile
	/// team's service area is its county; a fixed projector never moves, and a regulator may
	/// set this tighter for a region of fixed cinemas.
	pub site_radius_m: f64,
	/// How far ahead of the chain's clock a screening's end may be. Default 6 minutes plus a
	/// block: a DCI secure clock drifts at most about 6 minutes a year, and the block time is
	/// when the block was made, seconds after the record was signed.
	pub max_clock_ahead_ms: i64,
	/// A screening recorded more than this after its end is late. Default a day: an agent
	/// uploads within minutes when online, and a day covers a projector offline overnight.
	pub late_upload_ms: i64,
	/// Late screenings of one device in one block that make a backfill. Default 10.
	pub backfill_count: u32,
	/// Minutes east of UTC of the local time that permitted hours are in. Default 480 (China).
	pub utc_offset_minutes: i32,
	/// Permitted hours for a screening's start, local minutes after midnight: from `start` up
	/// to (not including) `end`, across midnight when `end < start`. Default 07:00 to 02:00,
	/// cinemas' usual first and last shows; set it to the rule of the region.
	pub permitted_start: u32,
	pub permitted_end: u32,
	/// Days an active device may be silent while others of its cinema record. Default 3.
	pub silent_days: u32,
	/// A hall's day above this many times its median day is a spike. Default 3.
	pub spike_factor: f64,
	/// ... and above this many screenings (a hall with one show a day showing three is not
	/// news). Default 8.
	pub spike_min_count: u32,
	/// Days of a hall's history needed before its median counts. Default 7 (one of each weekday).
	pub spike_min_days: u32,
}

impl Default for Thresholds {
	fn default() -> Self {
		Thresholds {
			min_runtime_share: 0.9,
			min_runtime_samples: 5,
			max_speed_kmh: 120.0,
			min_travel_m: 2_000.0,
			site_radius_m: 30_000.0,
			max_clock_ahead_ms: 6 * MINUTE + 6_000,
			late_upload_ms: DAY,
			backfill_count: 10,
			utc_offset_minutes: 480,
			permitted_start: 7 * 60,
			permitted_end: 2 * 60,
			silent_days: 3,
			spike_factor: 3.0,
			spike_min_count: 8,
			spike_min_days: 7,
		}
	}
}

impl Thresholds {
	/// Refuses limits that make no sense, with the reason.
	pub fn check(&self) -> Result<(), String> {
		let share = self.min_runtime_share;
		if !(share > 0.0 && share <= 1.0) {
			return Err(format!("min_runtime_share must be in (0, 1], not {share}"));
		}
		for (name, value) in [
			("max_speed_kmh", self.max_speed_kmh),
			("min_travel_m", self.min_travel_m),
			("site_radius_m", self.site_radius_m),
			("spike_factor", self.spike_factor),
		] {
			if !(value.is_finite() && value > 0.0) {
				return Err(format!("{name} must be a positive number, not {value}"));
			}
		}
		if self.max_clock_ahead_ms < 0 || self.late_upload_ms <= 0 {
			return Err("max_clock_ahead_ms must be >= 0 and late_upload_ms > 0".into());
		}
		if !(-12 * 60..=14 * 60).contains(&self.utc_offset_minutes) {
			return Err(format!("utc_offset_minutes must be within -720..=840, not {}", self.utc_offset_minutes));
		}
		if self.permitted_start >= 24 * 60 || self.permitted_end > 24 * 60 {
			return Err("permitted_start and permitted_end are minutes after midnight (0..1440)".into());
		}
		if self.backfill_count == 0 || self.silent_days == 0 || self.spike_min_days == 0 {
			return Err("backfill_count, silent_days and spike_min_days must be at least 1".into());
		}
		Ok(())
	}
}

/// What the index knows around a new screening, gathered by the store before the rules run.
#[derive(Clone, Debug, Default)]
pub struct Context<'a> {
	/// The device's previous screening (seq - 1), if indexed.
	pub previous: Option<&'a Screening>,
	/// The device's last screening before this one that carries a position.
	pub previous_position: Option<&'a Screening>,
	/// The cinema the screening names, as registered.
	pub cinema: Option<&'a Cinema>,
	/// The film's runtime (ms): from the operator's film catalogue, else the median of its
	/// completed screenings when there are enough of them (see [`median_runtime`]).
	pub runtime_ms: Option<i64>,
	/// Screenings of other devices that overlap this one in time, in the same hall or with the
	/// same projectionist (the store looks them up with its indexes; the knowledge pass passes
	/// those [`overlap_rules`] names, at most [`MAX_OVERLAPPING`]).
	pub overlapping: Vec<&'a Screening>,
}

/// The rules that judge one screening as it is indexed.
pub fn check_screening(s: &Screening, ctx: &Context, limits: &Thresholds) -> Vec<Alert> {
	let mut alerts = Vec::new();
	if let Some(prev) = ctx.previous {
		if prev.ended_at > s.started_at {
			alerts.push(Alert::on(Rule::DeviceOverlap, s, vec![RecordId::of(prev)], prev.ended_at - s.started_at, 0));
		}
	}
	for other in &ctx.overlapping {
		for rule in overlap_rules(s, other) {
			alerts.push(Alert::on(rule, s, vec![RecordId::of(other)], overlap_ms(s, other), 0));
		}
	}
	if let (Some(runtime), "completed") = (ctx.runtime_ms, s.outcome.as_str()) {
		let min = (runtime as f64 * limits.min_runtime_share) as i64;
		let length = s.ended_at - s.started_at;
		if length < min {
			alerts.push(Alert::on(Rule::ShortScreening, s, vec![], length, min));
		}
	}
	if let (Some(here), Some(prev)) = (degrees(s.latitude, s.longitude), ctx.previous_position) {
		if let Some(there) = degrees(prev.latitude, prev.longitude) {
			let metres = distance_m(there, here);
			// Between the end of the one and the start of the other; at least a minute, so that
			// back-to-back screenings do not divide by zero.
			let hours = (s.started_at - prev.ended_at).max(MINUTE) as f64 / HOUR as f64;
			let speed = metres / 1000.0 / hours;
			if metres > limits.min_travel_m && speed > limits.max_speed_kmh {
				alerts.push(Alert::on(
					Rule::ImpossibleTravel,
					s,
					vec![RecordId::of(prev)],
					speed.round() as i64,
					limits.max_speed_kmh.round() as i64,
				));
			}
		}
	}
	if let (Some(here), Some(site)) = (degrees(s.latitude, s.longitude), ctx.cinema.and_then(|c| degrees(c.latitude, c.longitude))) {
		let metres = distance_m(site, here);
		if metres > limits.site_radius_m {
			alerts.push(Alert::on(Rule::OffSite, s, vec![], metres.round() as i64, limits.site_radius_m.round() as i64));
		}
	}
	let ahead = s.ended_at.max(s.started_at) - s.recorded_at;
	if ahead > limits.max_clock_ahead_ms {
		alerts.push(Alert::on(Rule::ClockAhead, s, vec![], ahead, limits.max_clock_ahead_ms));
	}
	if is_late(s, limits) {
		alerts.push(Alert::on(Rule::LateUpload, s, vec![], s.recorded_at - s.ended_at, limits.late_upload_ms));
	}
	let minute = local_minute(s.started_at, limits.utc_offset_minutes);
	if !permitted(minute, limits.permitted_start, limits.permitted_end) {
		alerts.push(Alert::on(Rule::OutsideHours, s, vec![], minute as i64, limits.permitted_start as i64));
	}
	alerts
}

/// The rule that judges a block's screenings together: a device that uploads a backlog of late
/// screenings in one block raises one alert, on its first late screening, naming the others.
pub fn check_block(screenings: &[Screening], limits: &Thresholds) -> Vec<Alert> {
	let mut late: Vec<&Screening> = screenings.iter().filter(|s| is_late(s, limits)).collect();
	late.sort_by_key(|s| (s.device, s.seq));
	late.chunk_by(|a, b| a.device == b.device)
		.filter(|batch| batch.len() >= limits.backfill_count as usize)
		.map(|batch| {
			let related = batch[1..].iter().map(|s| RecordId::of(s)).collect();
			Alert::on(Rule::Backfill, batch[0], related, batch.len() as i64, limits.backfill_count as i64)
		})
		.collect()
}

/// Drops the late-upload alerts of screenings that a backfill alert names: a backlog is one
/// alert, not one per screening.
pub fn fold_backfills(alerts: Vec<Alert>) -> Vec<Alert> {
	let in_backfill: std::collections::HashSet<RecordId> = alerts
		.iter()
		.filter(|a| a.rule == Rule::Backfill)
		.flat_map(|a| a.record.iter().chain(&a.related).copied())
		.collect();
	alerts
		.into_iter()
		.filter(|a| !(a.rule == Rule::LateUpload && a.record.is_some_and(|r| in_backfill.contains(&r))))
		.collect()
}

/// What the daily rules know of one active device: its cinema and its last screening's start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceActivity {
	pub device: u64,
	pub cinema: u32,
	/// The start of its last screening (ms), or `None` if it never recorded.
	pub last_screening: Option<i64>,
	/// The block time (ms) at which it became active.
	pub active_since: i64,
}

/// Active devices silent for [`Thresholds::silent_days`] at time `now` while another device of
/// their cinema recorded in that time: one alert per device, at `now`.
pub fn silent_devices(devices: &[DeviceActivity], now: i64, limits: &Thresholds) -> Vec<Alert> {
	let window = limits.silent_days as i64 * DAY;
	let since = now - window;
	let silent = |d: &&DeviceActivity| d.last_screening.is_none_or(|last| last < since);
	// Cinemas where some device recorded in the window (a silent device is not one of them).
	let recording: std::collections::HashSet<u32> = devices.iter().filter(|d| !silent(d)).map(|d| d.cinema).collect();
	devices
		.iter()
		.filter(|d| d.active_since <= since && silent(d) && recording.contains(&d.cinema))
		.map(|d| {
			let silent_since = d.last_screening.unwrap_or(d.active_since);
			Alert {
				rule: Rule::SilentDevice,
				severity: Rule::SilentDevice.severity(),
				record: None,
				related: vec![],
				device: Some(d.device),
				cinema: d.cinema,
				hall: None,
				measured: (now - silent_since) / DAY,
				limit: limits.silent_days as i64,
				at: now,
			}
		})
		.collect()
}

/// Whether a hall's `count` screenings on the day starting at `day_start` (ms) are far above its
/// `history` (its counts on earlier days, days without screenings included as 0): an alert if so.
pub fn hall_spike(
	cinema: u32,
	hall: u32,
	day_start: i64,
	count: u32,
	history: &[u32],
	limits: &Thresholds,
) -> Option<Alert> {
	if history.len() < limits.spike_min_days as usize {
		return None;
	}
	let median = median(history.iter().map(|&n| n as f64));
	let limit = (median * limits.spike_factor).max(limits.spike_min_count as f64);
	(count as f64 > limit).then(|| Alert {
		rule: Rule::HallSpike,
		severity: Rule::HallSpike.severity(),
		record: None,
		related: vec![],
		device: None,
		cinema,
		hall: Some(hall),
		measured: count as i64,
		limit: limit.floor() as i64,
		at: day_start,
	})
}

/// A film's runtime from the lengths (ms) of its completed screenings: their median, once there
/// are [`Thresholds::min_runtime_samples`] of them. The median, not the mean: one ghost screening
/// of ten minutes must not lower the bar for the others.
pub fn median_runtime(lengths: &[i64], limits: &Thresholds) -> Option<i64> {
	if lengths.len() < limits.min_runtime_samples.max(1) as usize {
		return None;
	}
	Some(median(lengths.iter().map(|&ms| ms as f64)).round() as i64)
}

/// The median of some values (the mean of the middle two for an even count; 0 for none).
fn median(values: impl Iterator<Item = f64>) -> f64 {
	let mut sorted: Vec<f64> = values.collect();
	sorted.sort_unstable_by(f64::total_cmp);
	let middle = sorted.len() / 2;
	match sorted.len() {
		0 => 0.0,
		n if n % 2 == 1 => sorted[middle],
		_ => (sorted[middle - 1] + sorted[middle]) / 2.0,
	}
}

fn is_late(s: &Screening, limits: &Thresholds) -> bool {
	s.recorded_at - s.ended_at > limits.late_upload_ms
}

/// How long two screenings overlap (ms; zero or less if they do not).
fn overlap_ms(a: &Screening, b: &Screening) -> i64 {
	a.ended_at.min(b.ended_at) - a.started_at.max(b.started_at)
}

/// The rules another device's screening `other` breaks with `s`: the same hall at an overlapping
/// time with another film ([`Rule::HallOverlap`]), the same projectionist at an overlapping time
/// in another cinema ([`Rule::ProjectionistTwoPlaces`]). The knowledge pass also uses it to keep
/// only the neighbours that matter.
pub fn overlap_rules(s: &Screening, other: &Screening) -> impl Iterator<Item = Rule> {
	let overlaps = other.device != s.device && overlap_ms(s, other) > 0;
	let hall = overlaps && other.cinema == s.cinema && other.hall == s.hall && !same_film(s, other);
	let projectionist = overlaps && other.projectionist == s.projectionist && !s.projectionist.is_empty() && other.cinema != s.cinema;
	[(hall, Rule::HallOverlap), (projectionist, Rule::ProjectionistTwoPlaces)].into_iter().filter(|(broken, _)| *broken).map(|(_, rule)| rule)
}

/// Whether two screenings play the same film: the same CPL, else the same film code.
fn same_film(a: &Screening, b: &Screening) -> bool {
	match (&a.cpl_id, &b.cpl_id, &a.film_code, &b.film_code) {
		(Some(x), Some(y), _, _) => x == y,
		(_, _, Some(x), Some(y)) => x == y,
		_ => a.title.to_lowercase() == b.title.to_lowercase(),
	}
}

/// A position in degrees (latitude, longitude) from microdegrees, if both are known.
fn degrees(latitude: Option<i64>, longitude: Option<i64>) -> Option<(f64, f64)> {
	Some((latitude? as f64 / 1e6, longitude? as f64 / 1e6))
}

/// Great-circle distance in metres between two (latitude, longitude) points in degrees.
pub fn distance_m((lat1, lon1): (f64, f64), (lat2, lon2): (f64, f64)) -> f64 {
	const EARTH_RADIUS_M: f64 = 6_371_000.0;
	let (phi1, phi2) = (lat1.to_radians(), lat2.to_radians());
	let dphi = (lat2 - lat1).to_radians();
	let dlambda = (lon2 - lon1).to_radians();
	let a = (dphi / 2.0).sin().powi(2) + phi1.cos() * phi2.cos() * (dlambda / 2.0).sin().powi(2);
	2.0 * EARTH_RADIUS_M * a.sqrt().min(1.0).asin()
}

/// Minutes after local midnight of a time (ms since the epoch) at `offset` minutes east of UTC.
pub fn local_minute(at: i64, offset: i32) -> u32 {
	let minutes = at.div_euclid(MINUTE) + offset as i64;
	minutes.rem_euclid(24 * 60) as u32
}

/// Whether local minute `minute` lies in `[start, end)`, across midnight when `end < start`.
fn permitted(minute: u32, start: u32, end: u32) -> bool {
	if start <= end {
		(start..end).contains(&minute)
	} else {
		minute >= start || minute < end
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::model::Position;

	/// 2026-12-01 12:00 UTC (20:00 in China).
	const NOON: i64 = 1_796_126_400_000;

	fn screening(device: u64, seq: u64, start: i64, minutes: i64) -> Screening {
		Screening {
			device,
			seq,
			record_hash: format!("0x{device:02x}{seq:02x}"),
			prev_hash: String::new(),
			cpl_id: Some("a".into()),
			film_code: Some("001".into()),
			title: "Film".into(),
			projectionist: format!("p{device}"),
			started_at: start,
			ended_at: start + minutes * MINUTE,
			cinema: 1,
			hall: device as u32,
			region: "110000".into(),
			latitude: Some(39_900_000),
			longitude: Some(116_400_000),
			outcome: "completed".into(),
			abort_reason: None,
			report_hash: None,
			recorded_at: start + minutes * MINUTE + 30_000,
			position: Position { block_number: 1, block_hash: "0x".into(), extrinsic_index: Some(1), extrinsic_hash: None, event_index: 0 },
		}
	}

	fn rules(alerts: &[Alert]) -> Vec<Rule> {
		alerts.iter().map(|a| a.rule).collect()
	}

	fn limits() -> Thresholds {
		Thresholds::default()
	}

	#[test]
	fn an_ordinary_screening_raises_nothing() {
		let prev = screening(1, 1, NOON - 3 * HOUR, 120);
		let s = screening(1, 2, NOON, 120);
		let cinema = Cinema { cinema: 1, region: "110000".into(), name: "C".into(), latitude: Some(39_900_000), longitude: Some(116_400_000), updated_block: 1 };
		let ctx = Context { previous: Some(&prev), previous_position: Some(&prev), cinema: Some(&cinema), runtime_ms: Some(118 * MINUTE), overlapping: vec![] };
		assert_eq!(check_screening(&s, &ctx, &limits()), vec![]);
	}

	#[test]
	fn a_device_playing_two_screenings_at_once_is_caught() {
		// Ghost screenings: a two-hour film started every 30 minutes.
		let prev = screening(1, 1, NOON - 30 * MINUTE, 120);
		let s = screening(1, 2, NOON, 120);
		let alerts = check_screening(&s, &Context { previous: Some(&prev), ..Default::default() }, &limits());
		assert_eq!(rules(&alerts), vec![Rule::DeviceOverlap]);
		assert_eq!(alerts[0].measured, 90 * MINUTE);
		assert_eq!(alerts[0].related, vec![RecordId { device: 1, seq: 1 }]);
		assert_eq!(alerts[0].record, Some(RecordId { device: 1, seq: 2 }));
		assert_eq!(alerts[0].severity, Severity::High);
		// Back to back is fine.
		let prev = screening(1, 1, NOON - 120 * MINUTE, 120);
		assert_eq!(check_screening(&s, &Context { previous: Some(&prev), ..Default::default() }, &limits()), vec![]);
	}

	#[test]
	fn two_films_in_one_hall_at_once_are_caught_but_dual_projection_is_not() {
		let s = screening(1, 2, NOON, 120);
		let mut other = screening(2, 7, NOON + HOUR, 120);
		other.hall = s.hall;
		other.cpl_id = Some("b".into());
		let alerts = check_screening(&s, &Context { overlapping: vec![&other], ..Default::default() }, &limits());
		assert_eq!(rules(&alerts), vec![Rule::HallOverlap]);
		assert_eq!(alerts[0].measured, HOUR);
		// The same composition on two projectors: dual projection.
		other.cpl_id = s.cpl_id.clone();
		assert_eq!(check_screening(&s, &Context { overlapping: vec![&other], ..Default::default() }, &limits()), vec![]);
		// Another hall.
		other.cpl_id = Some("b".into());
		other.hall = s.hall + 1;
		assert_eq!(check_screening(&s, &Context { overlapping: vec![&other], ..Default::default() }, &limits()), vec![]);
	}

	#[test]
	fn a_projectionist_in_two_cinemas_at_once_is_caught_but_not_in_two_halls_of_one() {
		let s = screening(1, 2, NOON, 120);
		let mut other = screening(2, 7, NOON + 30 * MINUTE, 120);
		other.projectionist = s.projectionist.clone();
		assert_eq!(check_screening(&s, &Context { overlapping: vec![&other], ..Default::default() }, &limits()), vec![], "one cinema");
		other.cinema = 2;
		let alerts = check_screening(&s, &Context { overlapping: vec![&other], ..Default::default() }, &limits());
		assert_eq!(rules(&alerts), vec![Rule::ProjectionistTwoPlaces]);
		assert_eq!(alerts[0].related, vec![RecordId { device: 2, seq: 7 }]);
		// No overlap, no alert.
		other.started_at = s.ended_at;
		other.ended_at = other.started_at + HOUR;
		assert_eq!(check_screening(&s, &Context { overlapping: vec![&other], ..Default::default() }, &limits()), vec![]);
	}

	#[test]
	fn a_completed_screening_shorter_than_its_film_is_caught_but_an_aborted_one_is_not() {
		let mut s = screening(1, 2, NOON, 80);
		let ctx = Context { runtime_ms: Some(120 * MINUTE), ..Default::default() };
		let alerts = check_screening(&s, &ctx, &limits());
		assert_eq!(rules(&alerts), vec![Rule::ShortScreening]);
		assert_eq!((alerts[0].measured, alerts[0].limit), (80 * MINUTE, 108 * MINUTE));
		s.ended_at = s.started_at + 110 * MINUTE;
		s.recorded_at = s.ended_at + 30_000;
		assert_eq!(check_screening(&s, &ctx, &limits()), vec![], "within the margin");
		s.ended_at = s.started_at + 80 * MINUTE;
		s.outcome = "aborted".into();
		assert_eq!(check_screening(&s, &ctx, &limits()), vec![], "aborted: it says so itself");
		s.outcome = "completed".into();
		assert_eq!(check_screening(&s, &Context::default(), &limits()), vec![], "no runtime known");
	}

	#[test]
	fn a_film_runtime_is_the_median_of_enough_completed_screenings() {
		let lengths = [120, 121, 119, 10, 122].map(|m| m * MINUTE);
		assert_eq!(median_runtime(&lengths, &limits()), Some(120 * MINUTE), "a ghost of 10 minutes does not lower it");
		assert_eq!(median_runtime(&lengths[..4], &limits()), None, "too few");
		assert_eq!(median_runtime(&[10, 20, 30, 40, 50, 60].map(|m| m * MINUTE), &limits()), Some(35 * MINUTE));
	}

	#[test]
	fn a_projector_that_jumps_faster_than_a_car_is_caught() {
		let mut prev = screening(1, 1, NOON - 4 * HOUR, 120);
		let mut s = screening(1, 2, NOON, 120);
		// Beijing to Shanghai (about 1,070 km) in the two hours between screenings.
		s.latitude = Some(31_230_000);
		s.longitude = Some(121_470_000);
		let ctx = Context { previous_position: Some(&prev), ..Default::default() };
		let alerts = check_screening(&s, &ctx, &limits());
		assert_eq!(rules(&alerts), vec![Rule::ImpossibleTravel]);
		assert!((500..560).contains(&alerts[0].measured), "about 535 km/h: {}", alerts[0].measured);
		// With a day between them, it could have driven.
		prev.started_at = NOON - 2 * DAY;
		prev.ended_at = prev.started_at + 2 * HOUR;
		assert_eq!(check_screening(&s, &Context { previous_position: Some(&prev), ..Default::default() }, &limits()), vec![]);
		// GPS noise of a kilometre between back-to-back screenings is not travel.
		let mut near = screening(1, 2, NOON - 2 * HOUR + MINUTE, 120);
		near.latitude = Some(39_909_000);
		let prev = screening(1, 1, NOON - 4 * HOUR, 120);
		assert_eq!(check_screening(&near, &Context { previous_position: Some(&prev), ..Default::default() }, &limits()), vec![]);
	}

	#[test]
	fn a_position_far_from_the_cinema_is_caught() {
		let cinema = Cinema { cinema: 1, region: "110000".into(), name: "C".into(), latitude: Some(39_900_000), longitude: Some(116_400_000), updated_block: 1 };
		let mut s = screening(1, 2, NOON, 120);
		s.latitude = Some(40_300_000); // about 44 km north
		let alerts = check_screening(&s, &Context { cinema: Some(&cinema), ..Default::default() }, &limits());
		assert_eq!(rules(&alerts), vec![Rule::OffSite]);
		assert!((44_000..45_000).contains(&alerts[0].measured), "{}", alerts[0].measured);
		s.latitude = Some(40_100_000); // about 22 km
		assert_eq!(check_screening(&s, &Context { cinema: Some(&cinema), ..Default::default() }, &limits()), vec![]);
		s.latitude = None;
		assert_eq!(check_screening(&s, &Context { cinema: Some(&cinema), ..Default::default() }, &limits()), vec![], "no position");
	}

	#[test]
	fn a_clock_ahead_of_the_chain_and_a_late_upload_are_caught() {
		let mut s = screening(1, 2, NOON, 120);
		s.recorded_at = s.ended_at - 10 * MINUTE;
		let alerts = check_screening(&s, &Context::default(), &limits());
		assert_eq!(rules(&alerts), vec![Rule::ClockAhead]);
		assert_eq!(alerts[0].measured, 10 * MINUTE);
		s.recorded_at = s.ended_at - 5 * MINUTE;
		assert_eq!(check_screening(&s, &Context::default(), &limits()), vec![], "within a year's drift");
		s.recorded_at = s.ended_at + 2 * DAY;
		let alerts = check_screening(&s, &Context::default(), &limits());
		assert_eq!(rules(&alerts), vec![Rule::LateUpload]);
		assert_eq!(alerts[0].severity, Severity::Low);
	}

	#[test]
	fn a_backlog_uploaded_in_one_block_is_one_alert_naming_its_records() {
		let mut block: Vec<Screening> = (1..=12)
			.map(|seq| {
				let mut s = screening(1, seq, NOON - 10 * DAY + seq as i64 * 3 * HOUR, 120);
				s.recorded_at = NOON;
				s
			})
			.collect();
		// Another device's punctual screening and a late one are not a backlog.
		block.push(screening(2, 1, NOON - 3 * HOUR, 120));
		let mut late = screening(3, 1, NOON - 3 * DAY, 120);
		late.recorded_at = NOON;
		block.push(late);
		let alerts = check_block(&block, &limits());
		assert_eq!(rules(&alerts), vec![Rule::Backfill]);
		assert_eq!(alerts[0].measured, 12);
		assert_eq!(alerts[0].record, Some(RecordId { device: 1, seq: 1 }));
		assert_eq!(alerts[0].related.len(), 11);
		assert_eq!(check_block(&block[..9], &limits()), vec![], "nine is under the count");
		// Folded with the screenings' own late-upload alerts, only device 3's stays beside it.
		let all_day = Thresholds { permitted_start: 0, permitted_end: 24 * 60, ..limits() };
		let mut all: Vec<Alert> = block.iter().flat_map(|s| check_screening(s, &Context::default(), &all_day)).collect();
		all.extend(alerts);
		let folded = fold_backfills(all);
		assert_eq!(
			folded.iter().map(|a| (a.rule, a.device)).collect::<Vec<_>>(),
			vec![(Rule::LateUpload, Some(3)), (Rule::Backfill, Some(1))]
		);
	}

	#[test]
	fn screenings_outside_the_permitted_hours_are_caught_across_midnight() {
		// 20:00 and 01:30 in China are permitted; 04:00 is not.
		assert!(check_screening(&screening(1, 1, NOON, 120), &Context::default(), &limits()).is_empty());
		let late_night = NOON + 5 * HOUR + 30 * MINUTE;
		assert!(check_screening(&screening(1, 1, late_night, 90), &Context::default(), &limits()).is_empty());
		let alerts = check_screening(&screening(1, 1, NOON + 8 * HOUR, 90), &Context::default(), &limits());
		assert_eq!(rules(&alerts), vec![Rule::OutsideHours]);
		assert_eq!(alerts[0].measured, 4 * 60);
		assert_eq!(local_minute(NOON, 0), 12 * 60);
		assert_eq!(local_minute(NOON, -13 * 60), 23 * 60);
		let day = Thresholds { permitted_start: 8 * 60, permitted_end: 23 * 60, ..limits() };
		assert!(!check_screening(&screening(1, 1, NOON + 4 * HOUR, 90), &Context::default(), &day).is_empty(), "00:00");
	}

	#[test]
	fn a_device_silent_while_its_cinema_records_is_caught() {
		let now = NOON;
		let devices = [
			DeviceActivity { device: 1, cinema: 1, last_screening: Some(now - 5 * DAY), active_since: now - 90 * DAY },
			DeviceActivity { device: 2, cinema: 1, last_screening: Some(now - HOUR), active_since: now - 90 * DAY },
			// A cinema that is closed altogether is not one device's silence.
			DeviceActivity { device: 3, cinema: 2, last_screening: Some(now - 5 * DAY), active_since: now - 90 * DAY },
			DeviceActivity { device: 4, cinema: 2, last_screening: Some(now - 6 * DAY), active_since: now - 90 * DAY },
			// Just activated: not silent yet.
			DeviceActivity { device: 5, cinema: 1, last_screening: None, active_since: now - DAY },
			// Never recorded since activation a week ago.
			DeviceActivity { device: 6, cinema: 1, last_screening: None, active_since: now - 7 * DAY },
		];
		let alerts = silent_devices(&devices, now, &limits());
		assert_eq!(alerts.iter().map(|a| (a.device, a.measured)).collect::<Vec<_>>(), vec![(Some(1), 5), (Some(6), 7)]);
		assert!(alerts.iter().all(|a| a.rule == Rule::SilentDevice && a.record.is_none()));
	}

	#[test]
	fn a_hall_far_above_its_own_history_is_caught() {
		let history = [5, 6, 5, 7, 6, 5, 9];
		let alert = hall_spike(1, 2, NOON, 19, &history, &limits()).expect("19 against a median of 6");
		assert_eq!((alert.measured, alert.limit, alert.hall), (19, 18, Some(2)));
		assert_eq!(hall_spike(1, 2, NOON, 18, &history, &limits()), None, "at the limit");
		assert_eq!(hall_spike(1, 2, NOON, 19, &history[..6], &limits()), None, "too little history");
		// A quiet hall: the floor of 8 applies.
		assert_eq!(hall_spike(1, 2, NOON, 7, &[1; 10], &limits()), None);
		assert!(hall_spike(1, 2, NOON, 9, &[1; 10], &limits()).is_some());
	}

	#[test]
	fn rules_have_one_name_each_and_thresholds_are_checked() {
		for rule in Rule::ALL {
			assert_eq!(Rule::from_name(rule.name()), Some(rule));
			assert_eq!(serde_json::to_value(rule).unwrap(), serde_json::Value::String(rule.name().into()));
		}
		assert!(limits().check().is_ok());
		assert!(Thresholds { min_runtime_share: 1.5, ..limits() }.check().is_err());
		assert!(Thresholds { max_speed_kmh: f64::NAN, ..limits() }.check().is_err());
		assert!(Thresholds { permitted_start: 1440, ..limits() }.check().is_err());
		assert!(Thresholds { utc_offset_minutes: 900, ..limits() }.check().is_err());
		assert!(Thresholds { backfill_count: 0, ..limits() }.check().is_err());
	}
}
