//! Puts into the binary what the console needs beyond its own files, so that the server is one
//! file:
//! - ECharts as npm installed it from `console/package-lock.json` (pinned version and checksum);
//!   `scripts/setup.sh` runs that install (`npm ci --prefix indexer/console`).
//! - The proof verifier as WebAssembly (`../proof/web`, built here for `wasm32v1-none`), which
//!   the record page runs to check a proof itself. `CINECHAIN_VERIFIER_WASM=<file>` uses a
//!   module built elsewhere instead.
//!
//! Every file the console serves is also deflated here (into OUT_DIR, `<name>.deflate`), so that
//! a browser on a slow line gets ECharts and the verifier at a third of their size without the
//! server compressing on each request.

use std::{
	path::{Path, PathBuf},
	process::Command,
};

fn main() {
	let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
	let echarts = embed_echarts(&manifest.join("console"));
	let verifier = match std::env::var_os("CINECHAIN_VERIFIER_WASM") {
		Some(path) => PathBuf::from(path),
		None => build_verifier(&manifest.join("../proof")),
	};
	println!("cargo:rerun-if-env-changed=CINECHAIN_VERIFIER_WASM");
	println!("cargo:rustc-env=CINECHAIN_VERIFIER_WASM={}", verifier.display());
	let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets it"));
	let console = manifest.join("console");
	for (name, path) in [
		("index.html", console.join("index.html")),
		("console.js", console.join("console.js")),
		("strings.js", console.join("strings.js")),
		("console.css", console.join("console.css")),
		("verifier.js", console.join("verifier.js")),
		("echarts.min.js", echarts),
		("verifier.wasm", verifier.clone()),
	] {
		println!("cargo:rerun-if-changed={}", path.display());
		let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
		std::fs::write(out.join(format!("{name}.deflate")), miniz_oxide::deflate::compress_to_vec_zlib(&bytes, 9))
			.expect("write into OUT_DIR");
	}
}

/// ECharts as npm installed it, checked to be there; its path.
fn embed_echarts(console: &Path) -> PathBuf {
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
	echarts
}

/// Builds `proof/web` with the same compiler, in a target directory of its own under OUT_DIR (the
/// outer build holds the lock of the main one), and answers the module's path.
fn build_verifier(proof: &Path) -> PathBuf {
	for watched in ["src", "Cargo.toml", "web/src", "web/Cargo.toml", "web/Cargo.lock"] {
		println!("cargo:rerun-if-changed={}", proof.join(watched).display());
	}
	let target_dir = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets it")).join("verifier");
	let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
	let status = Command::new(cargo)
		.args(["build", "--locked", "--release", "--target", "wasm32v1-none", "--manifest-path"])
		.arg(proof.join("web/Cargo.toml"))
		.env("CARGO_TARGET_DIR", &target_dir)
		// The outer build's flags are for the host (a linker, a CPU); none suit the wasm target.
		.env_remove("CARGO_ENCODED_RUSTFLAGS")
		.env_remove("RUSTFLAGS")
		.env_remove("CARGO_BUILD_RUSTFLAGS")
		.status()
		.unwrap_or_else(|e| panic!("cannot run cargo to build the proof verifier: {e}"));
	if !status.success() {
		panic!(
			"building the console's proof verifier (proof/web, for wasm32v1-none) failed, see above. Without the target: \
			 `rustup target add wasm32v1-none` (rust-toolchain.toml lists it; scripts/setup.sh provides it offline)"
		);
	}
	target_dir.join("wasm32v1-none/release/cinechain_proof_web.wasm")
}
