//! `cinechain-proof`: evidence that a screening record is on cinechain's finalized chain, which
//! anyone holding only the chain spec can check.
//!
//! - [`bundle`]: what a proof carries (the JSON the information server answers
//!   `GET /proof/{device}/{seq}` with).
//! - [`trie`]: Merkle proofs of one entry of an ordered trie (a block's extrinsics).
//! - [`heads`]: where the chain keeps a device's head, and what of it a proof reads.
//! - [`verify`]: the checks, each named, so that a refusal says which one failed.

#![cfg_attr(not(feature = "std"), no_std)]

// Without `std` (the in-browser verifier, built for `wasm32v1-none`) the crate needs only an
// allocator; every module takes its strings and vectors from `alloc` so that it reads the same
// both ways.
extern crate alloc;

mod prelude {
	pub use alloc::{
		format,
		string::{String, ToString},
		vec,
		vec::Vec,
	};
}

pub mod bundle;
pub mod heads;
pub mod trie;
pub mod verify;
