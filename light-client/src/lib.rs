//! `cinechain-projector`: the agent a digital-cinema projector runs to record every screening it
//! plays on cinechain.
//!
//! - [`chain`]: the runtime's types and calls, generated from the checked-in metadata.
//! - [`event`]: a screening event from the playback system, checked and turned into a record.
//! - [`outbox`]: the outbox's rules — numbering, chaining, reconciling with the chain — as plain
//!   functions without I/O; [`store`] keeps the outbox durably in an embedded redb database.
//! - [`spool`]: the playback system's interface, a directory of JSON event files.
//! - [`keystore`]: the device key, generated on the device and kept private.
//! - [`client`]: the chain through the embedded smoldot light client (or, as an explicit
//!   fallback, a node's JSON-RPC): device state, submission, finality.
//! - [`agent`]: the loop that ties them together; [`config`]: the data directory's layout.

pub mod agent;
pub mod chain;
pub mod client;
pub mod config;
pub mod event;
pub mod keystore;
pub mod outbox;
pub mod refusal;
pub mod spool;
pub mod store;
