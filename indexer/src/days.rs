//! Local days: the knowledge pass counts screenings per day and judges the daily rules per day
//! in one time zone (`Thresholds::utc_offset_minutes`, China's by default). A day is numbered
//! by the days since 1970-01-01 in that zone, and shown as its date.

/// Milliseconds in a day.
pub const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// The local day (days since 1970-01-01, local time) of a time in ms since the epoch, at
/// `offset` minutes east of UTC.
pub fn local_day(at: i64, offset: i32) -> i64 {
	(at + offset as i64 * 60_000).div_euclid(DAY_MS)
}

/// The start (ms since the epoch) of local day `day`.
pub fn day_start(day: i64, offset: i32) -> i64 {
	day * DAY_MS - offset as i64 * 60_000
}

/// A day's date, `YYYY-MM-DD` (the proleptic Gregorian calendar).
pub fn date(day: i64) -> String {
	// Days since 0000-03-01, in 400-year eras of 146,097 days: March first, so that a leap day
	// is the last day of its year.
	let z = day + 719_468;
	let era = z.div_euclid(146_097);
	let of_era = z.rem_euclid(146_097);
	let year_of_era = (of_era - of_era / 1_460 + of_era / 36_524 - of_era / 146_096) / 365;
	let day_of_year = of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
	let month_index = (5 * day_of_year + 2) / 153;
	let d = day_of_year - (153 * month_index + 2) / 5 + 1;
	let m = if month_index < 10 { month_index + 3 } else { month_index - 9 };
	let y = year_of_era + era * 400 + if m <= 2 { 1 } else { 0 };
	format!("{y:04}-{m:02}-{d:02}")
}

/// The day of a date `YYYY-MM-DD`, or `None` if it is not one.
pub fn parse_date(text: &str) -> Option<i64> {
	let mut parts = text.splitn(3, '-');
	let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
	if y.len() != 4 || m.len() != 2 || d.len() != 2 {
		return None;
	}
	let (y, m, d): (i64, i64, i64) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
	if !(1..=12).contains(&m) || d < 1 {
		return None;
	}
	let y = if m <= 2 { y - 1 } else { y };
	let era = y.div_euclid(400);
	let year_of_era = y.rem_euclid(400);
	let month_index = if m > 2 { m - 3 } else { m + 9 };
	let day_of_year = (153 * month_index + 2) / 5 + d - 1;
	let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
	let day = era * 146_097 + day_of_era - 719_468;
	// 2026-02-30 is not a day: the round trip says so.
	(date(day) == text).then_some(day)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn days_and_dates_round_trip() {
		assert_eq!(date(0), "1970-01-01");
		assert_eq!(date(-1), "1969-12-31");
		assert_eq!(date(20_423), "2025-12-01");
		assert_eq!(date(11_016), "2000-02-29");
		for day in -700_000..800_000 {
			if day % 997 == 0 {
				assert_eq!(parse_date(&date(day)), Some(day));
			}
		}
		assert_eq!(parse_date("2026-02-29"), None);
		assert_eq!(parse_date("2024-02-29"), Some(19_782));
		assert_eq!(parse_date("2026-13-01"), None);
		assert_eq!(parse_date("26-1-1"), None);
		assert_eq!(parse_date("2026-01-01x"), None);
	}

	#[test]
	fn local_days_follow_the_zone() {
		// 2026-12-01 20:00 UTC is 2 December in China and 1 December in UTC.
		let at = 1_796_155_200_000;
		assert_eq!(date(local_day(at, 480)), "2026-12-02");
		assert_eq!(date(local_day(at, 0)), "2026-12-01");
		assert_eq!(date(local_day(at, -300)), "2026-12-01");
		let day = local_day(at, 480);
		assert!(day_start(day, 480) <= at && at < day_start(day + 1, 480));
		assert_eq!(day_start(day, 480) % DAY_MS, 16 * 3_600_000, "midnight in China is 16:00 UTC");
	}
}
