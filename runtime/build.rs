//! Builds the wasm runtime that the node embeds as the genesis code, and two more of the next
//! release (the `next-release` feature), copied beside the node binary; the node embeds neither:
//! - `cinechain-runtime-next.compact.compressed.wasm`: what a running chain is upgraded to in the
//!   runtime upgrade test;
//! - `cinechain-runtime-next.try-runtime.compact.compressed.wasm`: the same with the
//!   `try-runtime` feature (the migrations' pre/post checks and the `TryRuntime` API), which
//!   `cinechain-node try-upgrade` runs on a copy of a chain's state before the upgrade.

#[cfg(feature = "std")]
fn main() {
	use substrate_wasm_builder::WasmBuilder;
	let out_dir = std::path::PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
	let skipped = ["SKIP_WASM_BUILD", "SKIP_CINECHAIN_RUNTIME_WASM_BUILD"].iter().any(|var| std::env::var_os(var).is_some());

	blobs::forget_linked(&out_dir);
	#[cfg(not(feature = "metadata-hash"))]
	WasmBuilder::build_using_defaults();
	// The token as the chain spec's properties name it (node/src/chain_spec.rs): offline signers
	// hash the metadata with those, and a different symbol would make every hash differ.
	#[cfg(feature = "metadata-hash")]
	WasmBuilder::init_with_defaults().enable_metadata_hash("CINE", 12).build();

	// Built from this crate with the feature on, the first build already is the next release.
	if skipped || cfg!(feature = "next-release") {
		return;
	}
	let profile_dir = out_dir.ancestors().nth(3).expect("OUT_DIR is <target>/<profile>/build/<crate>/out");
	let current = blobs::spec_version(&out_dir, "wasm_binary.rs");
	for (features, file, copy) in [
		(&["next-release"][..], "wasm_binary_next.rs", "cinechain-runtime-next.compact.compressed.wasm"),
		(&["next-release", "try-runtime"][..], "wasm_binary_next_try.rs", "cinechain-runtime-next.try-runtime.compact.compressed.wasm"),
	] {
		blobs::forget_linked(&out_dir);
		let builder = features.iter().fold(WasmBuilder::init_with_defaults(), |builder, f| builder.enable_feature(*f));
		builder.set_file_name(file).build();
		let next = blobs::spec_version(&out_dir, file);
		assert!(
			next > current,
			"the runtime with {features:?} has spec_version {next}, the node's {current}: a stale wasm build? \
			 Remove target/<profile>/wbuild/cinechain-runtime and build again"
		);
		std::fs::copy(blobs::compact(&out_dir, file), profile_dir.join(copy)).expect("copy the next-release runtime beside the node");
	}
	// Leaves the linked file of the default build in place, for the next run's first build.
	blobs::forget_linked(&out_dir);
}

#[cfg(not(feature = "std"))]
fn main() {}

/// The wasm builder's outputs, read from the files it generates.
#[cfg(feature = "std")]
mod blobs {
	use std::path::{Path, PathBuf};

	/// Removes the runtime's linked wasm from the wasm builder's target directory, so that the
	/// next build links it again.
	///
	/// Why: both builds share that directory (and so every compiled dependency), and cargo names
	/// a linked wasm without the hash that tells feature sets apart. Left in place, one build's
	/// file would be taken for the other's, whose inputs have not changed since it was made.
	/// Relinking costs seconds; the spec version check in `main` catches any other way a build
	/// could return the other's wasm.
	pub fn forget_linked(out_dir: &Path) {
		let Some(profile_dir) = out_dir.ancestors().nth(3) else { return };
		let targets = profile_dir.join("wbuild/cinechain-runtime/target");
		let Ok(triples) = std::fs::read_dir(&targets) else { return };
		for triple in triples.flatten() {
			for dir in ["release", "release/deps", "production", "production/deps", "debug", "debug/deps"] {
				let _ = std::fs::remove_file(triple.path().join(dir).join("cinechain_runtime.wasm"));
			}
		}
	}

	/// The paths that the generated `file` includes: the compact compressed blob, then the
	/// bloaty one.
	fn included(out_dir: &Path, file: &str) -> Vec<PathBuf> {
		let text = std::fs::read_to_string(out_dir.join(file)).expect("the wasm builder wrote its file");
		text.split("include_bytes!(\"").skip(1).filter_map(|rest| rest.split('"').next()).map(PathBuf::from).collect()
	}

	/// The compact compressed wasm that `file` names.
	pub fn compact(out_dir: &Path, file: &str) -> PathBuf {
		included(out_dir, file).into_iter().next().expect("the generated file includes the wasm")
	}

	/// The `spec_version` in the `runtime_version` custom section of the bloaty wasm that
	/// `file` names.
	pub fn spec_version(out_dir: &Path, file: &str) -> u32 {
		let bloaty = included(out_dir, file).pop().expect("the generated file includes the wasm");
		let wasm = std::fs::read(&bloaty).expect("read the built wasm");
		let section = custom_section(&wasm, "runtime_version").expect("the runtime wasm has a runtime_version section");
		// SCALE: spec_name, impl_name (compact length + bytes), authoring_version, spec_version.
		let mut at = 0;
		for _ in 0..2 {
			let (len, read) = compact_u32(&section[at..]);
			at += read + len as usize;
		}
		at += 4;
		u32::from_le_bytes(section[at..at + 4].try_into().expect("four bytes"))
	}

	fn custom_section<'a>(wasm: &'a [u8], name: &str) -> Option<&'a [u8]> {
		let mut at = 8; // magic and version
		while at < wasm.len() {
			let id = wasm[at];
			let (size, read) = leb128(&wasm[at + 1..]);
			let body = &wasm[at + 1 + read..at + 1 + read + size];
			if id == 0 {
				let (name_len, read) = leb128(body);
				if &body[read..read + name_len] == name.as_bytes() {
					return Some(&body[read + name_len..]);
				}
			}
			at += 1 + read + size;
		}
		None
	}

	fn leb128(bytes: &[u8]) -> (usize, usize) {
		let (mut value, mut shift) = (0usize, 0);
		for (i, byte) in bytes.iter().enumerate() {
			value |= ((byte & 0x7f) as usize) << shift;
			if byte & 0x80 == 0 {
				return (value, i + 1);
			}
			shift += 7;
		}
		panic!("truncated LEB128 in the runtime wasm")
	}

	fn compact_u32(bytes: &[u8]) -> (u32, usize) {
		match bytes[0] & 0b11 {
			0 => ((bytes[0] >> 2) as u32, 1),
			1 => ((u16::from_le_bytes([bytes[0], bytes[1]]) >> 2) as u32, 2),
			2 => (u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]) >> 2, 4),
			_ => panic!("a name longer than 2^30 bytes in the runtime version"),
		}
	}
}
