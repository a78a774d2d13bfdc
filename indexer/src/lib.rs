//! cinechain's information server: an index of every screening, device, cinema, role, flag and
//! archive node, built from the finalized chain, with an HTTP JSON API for regulators.
//!
//! - [`follow`]: reads finalized blocks from a node (bodies the node pruned from the archive
//!   cluster) and writes each in one transaction.
//! - [`decode`]: what an event means for the index (plain functions over decoded values);
//!   [`value`] reads those values.
//! - [`model`]: the rows; [`store`]: SQLite or PostgreSQL, one schema (`schema.sql`).
//! - [`query`]: the API's parameters, checked and bounded, as SQL; [`api`]: the HTTP routes.
//! - [`prove`]: proofs that a record is on the finalized chain, from the node at request time.
//! - [`metrics`]: the follower's progress, served at `/metrics` for Prometheus.
//! - [`node`]: the node's JSON-RPC as both the follower and the prover use it.
//! - [`versions`]: which runtime version each block is read with, learned a range at a time.
//! - [`days`]: local days and their dates.
//! - [`anomaly`]: the knowledge server's anomaly rules; [`forecast`]: screenings per day for the
//!   next week with its backtest. Both plain functions, no I/O. [`knowledge`]: the pass that
//!   judges indexed blocks with the rules and stores the alerts.
//! - [`console`]: the regulators' web console (`console/`) and what only it needs: the
//!   overview, acknowledgements of alerts, and [`calls`] prepared for the regulator to sign.

pub mod anomaly;
pub mod api;
pub mod calls;
pub mod console;
pub mod days;
pub mod decode;
pub mod follow;
pub mod forecast;
pub mod knowledge;
pub mod metrics;
pub mod model;
pub mod node;
pub mod prove;
pub mod query;
pub mod store;
pub mod value;
pub mod versions;
