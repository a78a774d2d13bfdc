//! The checked-in runtime metadata (`artifacts/cinechain-metadata.scale`) is what the runtime
//! describes today. Clients in this repository (the end-to-end tests, the projector agent)
//! generate their types from that file at compile time, so a stale file would let them encode
//! calls the chain no longer accepts.
//!
//! Regenerate it with `scripts/update-metadata.sh` after changing a call, event, storage item or
//! transaction extension.

use std::path::PathBuf;

use cinechain_runtime::Runtime;

/// The metadata version clients use: the newest the runtime offers, up to 16. Computed over an
/// empty state: constants read from storage (the slot duration) show their defaults.
fn current_metadata() -> Vec<u8> {
	sp_io::TestExternalities::default().execute_with(metadata_now)
}

fn metadata_now() -> Vec<u8> {
	let version = Runtime::metadata_versions()
		.into_iter()
		.filter(|v| *v <= 16)
		.max()
		.expect("the runtime offers at least metadata v14");
	Runtime::metadata_at_version(version).expect("a listed version is available").to_vec()
}

/// The artifact as this test was compiled with it (a build cache shared by several checkouts
/// may have built this test in another one, so no path is fixed at compile time).
const CHECKED_IN: &[u8] = include_bytes!("../../artifacts/cinechain-metadata.scale");

/// Where `CINECHAIN_UPDATE_METADATA` writes: the checkout cargo runs this test in.
fn artifact_path() -> PathBuf {
	let runtime = std::env::var_os("CARGO_MANIFEST_DIR").expect("run through cargo (scripts/update-metadata.sh)");
	PathBuf::from(runtime).join("../artifacts/cinechain-metadata.scale")
}

#[test]
fn checked_in_metadata_is_current() {
	let current = current_metadata();
	if std::env::var_os("CINECHAIN_UPDATE_METADATA").is_some() {
		let path = artifact_path();
		std::fs::create_dir_all(path.parent().expect("a file in a folder")).expect("create artifacts/");
		std::fs::write(&path, &current).expect("write the metadata artifact");
		println!("wrote {} ({} bytes)", path.display(), current.len());
		return;
	}
	assert!(
		CHECKED_IN == current,
		"artifacts/cinechain-metadata.scale is out of date ({} bytes checked in, {} bytes now): run scripts/update-metadata.sh",
		CHECKED_IN.len(),
		current.len()
	);
}
