//! The `#[subxt::subxt]` macro reads the metadata artifact at compile time, but cargo does not
//! know it: this makes a new artifact rebuild the crate (and with it the generated types).
fn main() {
	println!("cargo:rerun-if-changed=../artifacts/cinechain-metadata.scale");
}
