//! The archive's metrics on the node's Prometheus endpoint (`--prometheus-port`, 9615 by
//! default), beside the node's own `substrate_*` ones and with the same `chain` label;
//! `docs/operators.md` says which to alert on.

use substrate_prometheus_endpoint::{register, Counter, Gauge, Opts, PrometheusError, Registry, U64};

/// The archive's gauges and counters.
#[derive(Clone)]
pub struct Metrics {
	/// Blocks in this node's archive store.
	pub blocks_held: Gauge<U64>,
	/// Blocks of this member's share that it does not hold yet: each is a block the cluster
	/// keeps fewer than `R` copies of, as far as this member can tell (after a member dies, the
	/// survivors' shares grow by its blocks until they have copied them).
	pub blocks_under_replicated: Gauge<U64>,
	/// Queries for a block or an extrinsic this node answered with another member's copy.
	pub forwarded_queries: Counter<U64>,
	/// Stored copies that failed their integrity check (when the store opened, or in the
	/// scrub) and were dropped, to be fetched again.
	pub scrub_failures: Counter<U64>,
}

impl Metrics {
	/// Registers the metrics in `registry`.
	pub fn register(registry: &Registry) -> Result<Self, PrometheusError> {
		Ok(Self {
			blocks_held: register(
				Gauge::with_opts(Opts::new("cinechain_archive_blocks_held", "Blocks in this node's archive store"))?,
				registry,
			)?,
			blocks_under_replicated: register(
				Gauge::with_opts(Opts::new(
					"cinechain_archive_blocks_under_replicated",
					"Blocks of this member's share it does not hold yet (fewer than R copies in the cluster, as this member sees it)",
				))?,
				registry,
			)?,
			forwarded_queries: register(
				Counter::with_opts(Opts::new(
					"cinechain_archive_forwarded_queries_total",
					"Block and extrinsic queries answered with another member's copy",
				))?,
				registry,
			)?,
			scrub_failures: register(
				Counter::with_opts(Opts::new(
					"cinechain_archive_scrub_failures_total",
					"Stored copies that failed their integrity check and were dropped",
				))?,
				registry,
			)?,
		})
	}
}
