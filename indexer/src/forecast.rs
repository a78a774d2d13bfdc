//! Screenings per day for the next week, from the days before: a plain function of a daily
//! series, and its backtest against a naive baseline so that a regulator sees how far to trust it.
//!
//! Cinema attendance has a strong weekly rhythm (weekends high) and a slower drift (a film's run
//! fading, a holiday season building). The model is the classic decomposition of that: a linear
//! trend through the weekly means of the last [`WINDOW_WEEKS`] weeks (a whole week's mean has no
//! weekday effect in it) plus each weekday's average distance from the trend. It is exact for a
//! series that is a line plus a weekly pattern, needs no fitting loop, and costs O(window).
//!
//! The baseline is the seasonal naive forecast (each day as it was a week before), the usual
//! yardstick for weekly data. The backtest makes both forecasts from each of the last
//! [`BACKTEST_ORIGINS`] days that have a full week after them and compares them with what
//! happened: mean absolute error per day.

use serde::Serialize;

/// Days forecast.
pub const HORIZON: usize = 7;
/// Weeks of history the model looks at.
pub const WINDOW_WEEKS: usize = 4;
/// Forecast origins the backtest replays (four weeks of them).
pub const BACKTEST_ORIGINS: usize = 28;

/// A week's forecast and how it and the baseline did on the recent past.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Forecast {
	/// Screenings expected on each of the next [`HORIZON`] days (never below zero).
	pub next: Vec<f64>,
	/// The same days by the seasonal naive baseline.
	pub baseline: Vec<f64>,
	/// Mean absolute error per day of the model over the backtest, if history allowed one.
	pub error: Option<f64>,
	/// The same for the baseline.
	pub baseline_error: Option<f64>,
	/// Forecasts the backtest compared (origins times days).
	pub backtested_days: usize,
}

/// Forecasts the [`HORIZON`] days after `daily` (screenings per day, oldest first, days without
/// screenings as 0) and backtests the model and the baseline on it.
pub fn forecast(daily: &[f64]) -> Forecast {
	let (mut error, mut baseline_error, mut days) = (0.0, 0.0, 0);
	// Origins from the oldest with a full window of at least two weeks before it.
	let first = daily.len().saturating_sub(BACKTEST_ORIGINS + HORIZON - 1).max(2 * 7);
	for origin in first..=daily.len().saturating_sub(HORIZON) {
		let past = &daily[..origin];
		let model = predict(past);
		let naive = seasonal_naive(past);
		for day in 0..HORIZON {
			let actual = daily[origin + day];
			error += (model[day] - actual).abs();
			baseline_error += (naive[day] - actual).abs();
			days += 1;
		}
	}
	Forecast {
		next: predict(daily),
		baseline: seasonal_naive(daily),
		error: (days > 0).then(|| error / days as f64),
		baseline_error: (days > 0).then(|| baseline_error / days as f64),
		backtested_days: days,
	}
}

/// The model's next [`HORIZON`] days after `past`.
pub fn predict(past: &[f64]) -> Vec<f64> {
	let n = past.len();
	if n == 0 {
		return vec![0.0; HORIZON];
	}
	if n < 7 {
		// Less than a week: no weekly pattern to learn; the mean.
		let mean = past.iter().sum::<f64>() / n as f64;
		return vec![mean.max(0.0); HORIZON];
	}
	// The last whole weeks, up to the window, ending at the last day.
	let weeks = (n / 7).min(WINDOW_WEEKS);
	let start = n - weeks * 7;
	let window = &past[start..];
	let means: Vec<f64> = window.chunks(7).map(|week| week.iter().sum::<f64>() / 7.0).collect();
	// Slope per day from the first and the last week's means (their centres are 7 * (weeks - 1)
	// days apart); flat with one week.
	let slope = if weeks > 1 { (means[weeks - 1] - means[0]) / (7.0 * (weeks - 1) as f64) } else { 0.0 };
	// The trend's value at day t of the window (t = 3 is the centre of the first week).
	let mean_of_means = means.iter().sum::<f64>() / weeks as f64;
	let centre = (weeks * 7) as f64 / 2.0 - 0.5;
	let trend = |t: f64| mean_of_means + slope * (t - centre);
	let mut season = [0.0; 7];
	for (t, value) in window.iter().enumerate() {
		season[t % 7] += (value - trend(t as f64)) / weeks as f64;
	}
	(0..HORIZON)
		.map(|day| {
			let t = weeks * 7 + day;
			(trend(t as f64) + season[t % 7]).max(0.0)
		})
		.collect()
}

/// The baseline's next [`HORIZON`] days: each as the same weekday a week before (the last value
/// when there is less than a week).
pub fn seasonal_naive(past: &[f64]) -> Vec<f64> {
	let n = past.len();
	(0..HORIZON)
		.map(|day| match n {
			0 => 0.0,
			n if n >= 7 => past[n - 7 + day % 7],
			n => past[n - 1],
		})
		.collect()
}

#[cfg(test)]
mod tests {
	use super::*;

	/// A line plus a weekly pattern (weekends high), `days` long, from `from`.
	fn series(from: usize, days: usize, slope: f64) -> Vec<f64> {
		const WEEK: [f64; 7] = [-10.0, -12.0, -8.0, -5.0, 5.0, 18.0, 12.0];
		(from..from + days).map(|t| 100.0 + slope * t as f64 + WEEK[t % 7]).collect()
	}

	#[test]
	fn a_line_plus_a_weekly_pattern_is_forecast_exactly() {
		let past = series(0, 60, 0.8);
		let expected = series(60, HORIZON, 0.8);
		let result = forecast(&past);
		for (got, want) in result.next.iter().zip(&expected) {
			assert!((got - want).abs() < 1e-9, "{got} against {want}");
		}
		assert!(result.error.unwrap() < 1e-9);
		// The baseline lags a week of trend: 5.6 screenings a day.
		assert!((result.baseline_error.unwrap() - 5.6).abs() < 1e-9, "{:?}", result.baseline_error);
		assert_eq!(result.backtested_days, BACKTEST_ORIGINS * HORIZON);
	}

	#[test]
	fn on_a_noisy_falling_series_the_model_beats_the_baseline() {
		// A film's run fading, with a deterministic wobble standing in for noise.
		let past: Vec<f64> = series(0, 70, -0.9)
			.iter()
			.enumerate()
			.map(|(t, v)| v + [3.0, -2.0, 4.0, -3.0, 1.0, -4.0, 2.0, -1.0, 0.0, 3.0, -2.0][t % 11])
			.collect();
		let result = forecast(&past);
		let (model, baseline) = (result.error.unwrap(), result.baseline_error.unwrap());
		assert!(model < baseline, "model {model} against baseline {baseline}");
		assert!(result.next.iter().all(|v| *v >= 0.0));
	}

	#[test]
	fn short_histories_still_give_a_forecast_without_a_backtest() {
		assert_eq!(forecast(&[]).next, vec![0.0; HORIZON]);
		let three = forecast(&[4.0, 6.0, 5.0]);
		assert_eq!(three.next, vec![5.0; HORIZON]);
		assert_eq!(three.baseline, vec![5.0; HORIZON]);
		assert_eq!((three.error, three.backtested_days), (None, 0));
		// Ten days: a weekly pattern, flat; the baseline repeats the last week.
		let ten = series(0, 10, 0.0);
		let result = forecast(&ten);
		assert_eq!(result.baseline, series(10, 7, 0.0));
		assert!(result.error.is_none());
		// Three weeks: backtested from the one origin with two weeks before it and a week after.
		assert_eq!(forecast(&series(0, 21, 1.0)).backtested_days, HORIZON);
	}

	#[test]
	fn a_closed_cinema_is_forecast_at_zero_not_below() {
		let mut past = vec![20.0; 28];
		past.extend(vec![0.0; 14]);
		// The trend through the last four weeks (20, 20, 0, 0) runs below zero: clamped.
		assert_eq!(forecast(&past).next, vec![0.0; HORIZON]);
	}
}
