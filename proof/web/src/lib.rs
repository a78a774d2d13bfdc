//! The proof verifier as a WebAssembly module, for the regulators' console: the page hands it a
//! chain spec and a proof bundle, and it runs `cinechain-proof`'s own checks, the ones the
//! projector's `verify` command runs. The console does not take the server's word for a proof.
//!
//! The interface is plain exports over the module's memory (no generated bindings): the page
//! asks for a buffer ([`buffer_new`]), writes its bytes there, calls a function, and reads the
//! answer from the buffer the function returns (address and length packed in one `u64`), which
//! it then frees ([`buffer_free`]). Every answer is JSON: `{"ok": ...}`, `{"refused": ...}` or
//! `{"error": "..."}`. The JavaScript side is `indexer/console/verifier.js`.
//!
//! Input buffers are the page's, handed over: each function frees the ones it is given.

#![no_std]

extern crate alloc;

use alloc::{boxed::Box, format, string::String, vec::Vec};

use cinechain_proof::{
	bundle::Bundle,
	heads::{record_hash, record_position},
	verify::{verify_seeded, TrustedChain},
};
use serde_json::{json, Value};

#[global_allocator]
static ALLOCATOR: dlmalloc::GlobalDlmalloc = dlmalloc::GlobalDlmalloc;

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
	// The page sees a trap ("unreachable") and reports the verifier as failed, not the proof.
	core::arch::wasm32::unreachable()
}

/// Most bytes of a chain spec the page may hand over (cinechain's raw specs are about 1.5 MB,
/// most of it the runtime).
const MAX_CHAIN_SPEC_BYTES: usize = 32 << 20;

/// A buffer of `len` bytes for the page to write into.
#[no_mangle]
pub extern "C" fn buffer_new(len: usize) -> *mut u8 {
	Box::into_raw(alloc::vec![0u8; len].into_boxed_slice()) as *mut u8
}

/// Frees a buffer from [`buffer_new`] or an answer.
///
/// # Safety
/// `ptr` and `len` must be those of a buffer this module handed out and not yet freed.
#[no_mangle]
pub unsafe extern "C" fn buffer_free(ptr: *mut u8, len: usize) {
	drop(take(ptr, len));
}

/// The trusted facts of a chain spec (JSON): `{"ok": facts}` with the facts as [`facts_json`]
/// writes them, or `{"error": why}`.
///
/// # Safety
/// `spec` and `len` must be a buffer from [`buffer_new`]; this call frees it.
#[no_mangle]
pub unsafe extern "C" fn trusted_chain(spec: *mut u8, len: usize) -> u64 {
	let spec = take(spec, len);
	let answer = if spec.len() > MAX_CHAIN_SPEC_BYTES {
		json!({ "error": format!("the chain spec is {} bytes, more than the {MAX_CHAIN_SPEC_BYTES} this page reads", spec.len()) })
	} else {
		match TrustedChain::from_chain_spec(&spec) {
			Ok(chain) => json!({ "ok": facts_json(&chain) }),
			Err(e) => json!({ "error": e }),
		}
	};
	answer_buffer(answer)
}

/// Verifies a proof bundle (JSON, as `GET /proof/{device}/{seq}` answers) against trusted facts
/// (as [`trusted_chain`] gave them), with a 32-byte seed for the batched signature check taken
/// from the browser's `crypto.getRandomValues`. Answers `{"ok": what the proof shows}`,
/// `{"refused": {"check", "reason"}}` or `{"error": why it could not be read}`.
///
/// # Safety
/// `bundle` and `facts` must be buffers from [`buffer_new`] (this call frees them), and `seed`
/// 32 readable bytes.
#[no_mangle]
pub unsafe extern "C" fn verify(bundle: *mut u8, bundle_len: usize, facts: *mut u8, facts_len: usize, seed: *const u8) -> u64 {
	let (bundle, facts) = (take(bundle, bundle_len), take(facts, facts_len));
	let seed: [u8; 32] = core::slice::from_raw_parts(seed, 32).try_into().expect("32 bytes");
	answer_buffer(verify_json(&bundle, &facts, seed))
}

/// The decision of [`verify`], without the module's memory: what the answer is for these bytes.
fn verify_json(bundle: &[u8], facts: &[u8], seed: [u8; 32]) -> Value {
	let chain = match facts_from_json(facts) {
		Ok(chain) => chain,
		Err(e) => return json!({ "error": format!("the trusted facts do not read: {e}") }),
	};
	let bundle = match Bundle::from_json(bundle) {
		Ok(bundle) => bundle,
		Err(e) => return json!({ "error": e }),
	};
	match verify_seeded(&bundle, &chain, seed) {
		Ok(verified) => {
			let (_, prev_hash) = record_position(&verified.record).expect("a verified record has its position");
			json!({ "ok": {
				"device": verified.device,
				"seq": verified.seq,
				"record": hex(&verified.record),
				"recordHash": hex(&record_hash(&verified.record)),
				"prevHash": hex(&prev_hash),
				"blockNumber": verified.block_number,
				"blockHash": hex(&verified.block_hash),
				"extrinsicIndex": verified.extrinsic_index,
				"finalizedNumber": verified.finalized_number,
				"finalizedHash": hex(&verified.finalized_hash),
				"chain": facts_json(&chain),
			}})
		},
		Err(refusal) => json!({ "refused": { "check": refusal.check.name(), "reason": refusal.reason } }),
	}
}

/// The trusted facts as the page keeps them (in its local storage, once a regulator loads a
/// chain spec): small, so that the spec is read once, not on every proof.
fn facts_json(chain: &TrustedChain) -> Value {
	json!({
		"name": chain.name,
		"genesisHash": hex(&chain.genesis_hash),
		"blockNumberBytes": chain.block_number_bytes,
		"setId": chain.set_id,
		"authorities": chain.authorities.iter().map(|key| hex(key)).collect::<Vec<_>>(),
		"wellKnownKeys": chain.well_known_keys,
	})
}

/// The facts back from [`facts_json`]'s JSON, every field checked.
fn facts_from_json(json: &[u8]) -> Result<TrustedChain, String> {
	let value: Value = serde_json::from_slice(json).map_err(|e| format!("{e}"))?;
	let field = |name: &str| value.get(name).ok_or_else(|| format!("'{name}' is missing"));
	let text = |name: &str| field(name)?.as_str().ok_or_else(|| format!("'{name}' is not a string"));
	let number = |name: &str| field(name)?.as_u64().ok_or_else(|| format!("'{name}' is not a number"));
	let hash = |what: &str, text: &str| -> Result<[u8; 32], String> {
		let bytes = text.strip_prefix("0x").and_then(|digits| hex::decode(digits).ok());
		bytes.and_then(|bytes| bytes.try_into().ok()).ok_or_else(|| format!("{what} is not 32 bytes of 0x-hex"))
	};
	let authorities = field("authorities")?
		.as_array()
		.ok_or("'authorities' is not a list")?
		.iter()
		.map(|key| hash("an authority key", key.as_str().unwrap_or_default()))
		.collect::<Result<Vec<_>, _>>()?;
	let block_number_bytes = match number("blockNumberBytes")? {
		n @ 1..=8 => n as usize,
		n => return Err(format!("'blockNumberBytes' is {n}, not 1 to 8")),
	};
	Ok(TrustedChain {
		name: text("name")?.into(),
		genesis_hash: hash("'genesisHash'", text("genesisHash")?)?,
		block_number_bytes,
		set_id: number("setId")?,
		authorities,
		well_known_keys: field("wellKnownKeys")?.as_bool().ok_or("'wellKnownKeys' is not true or false")?,
	})
}

fn hex(bytes: &[u8]) -> String {
	format!("0x{}", hex::encode(bytes))
}

/// Takes back a buffer the page was handed.
unsafe fn take(ptr: *mut u8, len: usize) -> Box<[u8]> {
	Box::from_raw(core::ptr::slice_from_raw_parts_mut(ptr, len))
}

/// An answer in a buffer of its own, its address in the high 32 bits and its length in the low.
fn answer_buffer(answer: Value) -> u64 {
	let bytes = serde_json::to_vec(&answer).expect("JSON values serialize").into_boxed_slice();
	let len = bytes.len() as u64;
	let ptr = Box::into_raw(bytes) as *mut u8 as usize as u64;
	(ptr << 32) | len
}
