//! # cinechain-archive
//!
//! The node's half of cluster-sharded archival (the chain's half is `pallets/archive`). An
//! archive node keeps, in an archive store next to its database, exactly the finalized blocks
//! the holder rule gives it, fetches them from the node's own database or from other members,
//! checks each against the header hash when it is stored and when it is served, and answers
//! queries for any block or extrinsic, forwarding to the holders what it does not hold.
//!
//! - [`block`]: decoding and checking a block against its header hash and extrinsics root.
//! - [`store`]: the archive store (one file per block) and its indexes.
//! - [`plan`]: a cluster as the chain describes it, and what this node must fetch or may drop —
//!   plain functions of the chain's state.
//! - [`protocol`]: the `cinearchive_*` methods and their types, for server and client alike,
//!   and the proof of possession.
//! - [`peers`]: the client members use to reach each other (the protocol over bounded HTTP).
//! - [`archive`]: the shared handle (store, chain, peers, suspects) and the answers to queries.
//! - [`worker`]: the loop that runs on every finalized block.
//! - [`metrics`]: what the archive shows on the node's Prometheus endpoint.
//! - [`audit`]: random checks that the other holders keep what they must.
//! - [`rpc`]: the server side of the protocol.
//! - [`relay`]: the standard block-request protocol served with archived bodies, so that a new
//!   full node can sync (and re-execute) history no single node keeps.

pub mod archive;
pub mod audit;
pub mod block;
pub mod metrics;
pub mod peers;
pub mod plan;
pub mod protocol;
pub mod relay;
pub mod rpc;
pub mod store;
pub mod worker;

pub use archive::Archive;
