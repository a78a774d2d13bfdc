//! The console's page-load benchmark: an index (an SQLite file, e.g. the 1,000,000 synthetic
//! screenings `bench-indexer --dir` leaves) served by `cinechain-indexer --no-follow`, each view
//! opened in a real headless Chromium `--runs` times. Prints, per view, the time from the start of
//! the navigation to the view being complete (its data fetched and its charts drawn), as the
//! page measures it, and the API calls the overview makes, timed alone.
//!
//! `scripts/bench-console.sh` builds the index and runs this.

use std::{path::PathBuf, time::Instant};

use cinechain_e2e::{browser::Browser, http, indexer::Indexer, wait_for};

/// `bench-console --db <index.db> [--runs N] [--screenshots <dir>]`.
struct Cli {
	/// The index (an SQLite file).
	db: PathBuf,
	/// Loads of each view.
	runs: usize,
	/// Where to write a screenshot of each view (none if absent).
	screenshots: Option<PathBuf>,
}

impl Cli {
	fn parse() -> Cli {
		let args: Vec<String> = std::env::args().collect();
		let value = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned();
		Cli {
			db: value("--db").expect("usage: bench-console --db <index.db> [--runs N] [--screenshots <dir>]").into(),
			runs: value("--runs").map_or(5, |n| n.parse().expect("--runs takes a number")),
			screenshots: value("--screenshots").map(PathBuf::from),
		}
	}
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
	sorted[(((sorted.len() - 1) as f64) * p / 100.0).round() as usize]
}

fn main() {
	let cli = Cli::parse();
	assert!(cli.runs > 0, "--runs must be positive");
	let dir = tempfile::tempdir().expect("temp dir");
	// --no-follow: the node address is never used.
	let indexer = Indexer::start(1, cli.db.to_str().expect("a UTF-8 path"), &["--no-follow"], &dir.path().join("indexer.log"));
	wait_for("the indexer's API", std::time::Duration::from_secs(60), &[], || indexer.try_get("/status").is_ok_and(|a| a.status == 200));
	let status = indexer.json("/status");
	let screenings = indexer.json("/overview")["days"].as_array().map_or(0.0, |d| d.iter().map(|d| d["screenings"].as_f64().unwrap_or(0.0)).sum());
	println!("index {}: indexed to block {}, {screenings} screenings in the last 30 days", cli.db.display(), status["indexedBlock"]);

	for path in ["/overview", "/forecast", "/alerts?open=true"] {
		let mut times = Vec::new();
		for _ in 0..cli.runs.max(5) {
			let started = Instant::now();
			let answer = http::request(indexer.port, "GET", path, &[], None).expect("the API answers");
			times.push(started.elapsed().as_secs_f64() * 1000.0);
			assert!(answer.status == 200 || answer.status == 503, "GET {path}: {}", answer.body);
		}
		times.sort_by(f64::total_cmp);
		println!("GET {path:<22} p50 {:>8.1} ms  max {:>8.1} ms", percentile(&times, 50.0), times[times.len() - 1]);
	}

	let browser = Browser::start(&dir.path().join("chromedriver.log"), 1400, 1000);
	let base = format!("http://127.0.0.1:{}/console/?lang=en", indexer.port);
	let device = indexer.json("/screenings?limit=1")["items"][0]["device"].as_u64().unwrap_or(1);
	let views = [
		("overview", "#/".to_string()),
		("alerts", "#/alerts?open=true".to_string()),
		("device", format!("#/device/{device}")),
		("search", "#/search?region=CN-11".to_string()),
	];
	println!("{:<10} {:>10} {:>10} {:>10}", "view", "p50 ms", "max ms", "runs");
	for (view, route) in &views {
		let mut times: Vec<f64> = (0..cli.runs).map(|_| browser.open_view(&base, route, view)).collect();
		times.sort_by(f64::total_cmp);
		println!("{view:<10} {:>10.0} {:>10.0} {:>10}", percentile(&times, 50.0), times[times.len() - 1], cli.runs);
		if let Some(shots) = &cli.screenshots {
			std::fs::create_dir_all(shots).expect("screenshot directory");
			browser.screenshot(&shots.join(format!("{view}-bench.png")));
		}
	}
}
