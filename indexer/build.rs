//! Embeds the console's chart library into the binary, so that the server is one file: ECharts
//! as npm installed it from `console/package-lock.json` (pinned version and checksum).
//! `scripts/setup.sh` runs that install (`npm ci --prefix indexer/console`).

use std::path::PathBuf;

fn main() {
	let console = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it")).join("console");
	let echarts = console.join("node_modules/echarts/dist/echarts.min.js");
	println!("cargo:rerun-if-changed={}", echarts.display());
	println!("cargo:rerun-if-changed={}", console.join("package-lock.json").display());
	if !echarts.is_file() {
		panic!(
			"the console's chart library is not installed ({} is missing): run `npm ci --prefix indexer/console` (scripts/setup.sh does)",
			echarts.display()
		);
	}
	println!("cargo:rustc-env=CINECHAIN_ECHARTS_JS={}", echarts.display());
}
