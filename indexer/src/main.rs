//! `cinechain-indexer`: follows a node's finalized chain into a database and serves the index
//! over HTTP. See indexer/README.md.

use std::{net::SocketAddr, process::ExitCode, time::Duration};

use cinechain_indexer::{api, follow::Follower, prove::Prover, store::Store};
use clap::Parser;

#[derive(Parser)]
#[command(version, about = "cinechain's information server: indexes the finalized chain and answers regulators' queries over HTTP")]
struct Cli {
	/// The node to follow and to make proofs from (ws:// or http://; it must keep finalized
	/// state: `--state-pruning archive-canonical`).
	#[arg(long, default_value = "ws://127.0.0.1:9944")]
	node: String,
	/// The database: an SQLite file path (created if missing) or a `postgres://` URL.
	#[arg(long, default_value = "cinechain-index.db")]
	db: String,
	/// Where the HTTP API listens.
	#[arg(long, default_value = "127.0.0.1:8080")]
	listen: SocketAddr,
	/// Serve the API only, without following the chain.
	#[arg(long)]
	no_follow: bool,
	/// Index at most this many blocks per second (a long backfill then spares a node that
	/// serves others too). Default: as fast as the node answers.
	#[arg(long, value_parser = positive_rate)]
	max_blocks_per_second: Option<f64>,
}

#[tokio::main]
async fn main() -> ExitCode {
	let cli = Cli::parse();
	let store = match Store::open(&cli.db).await {
		Ok(store) => store,
		Err(e) => {
			eprintln!("cinechain-indexer: cannot open the database {}: {e}", cli.db);
			return ExitCode::FAILURE;
		},
	};
	let listener = match tokio::net::TcpListener::bind(cli.listen).await {
		Ok(l) => l,
		Err(e) => {
			eprintln!("cinechain-indexer: cannot listen on {}: {e}", cli.listen);
			return ExitCode::FAILURE;
		},
	};
	eprintln!("cinechain-indexer: API on http://{} (contract at /openapi.json)", cli.listen);
	let server = axum::serve(listener, api::router(store.clone(), std::sync::Arc::new(Prover::new(&cli.node))));
	if cli.no_follow {
		return match server.await {
			Ok(()) => ExitCode::SUCCESS,
			Err(e) => {
				eprintln!("cinechain-indexer: API: {e}");
				ExitCode::FAILURE
			},
		};
	}
	tokio::spawn(async move {
		if let Err(e) = server.await {
			eprintln!("cinechain-indexer: API: {e}");
			std::process::exit(1);
		}
	});
	follow_forever(&cli.node, store, cli.max_blocks_per_second).await
}

fn positive_rate(s: &str) -> Result<f64, String> {
	match s.parse::<f64>() {
		Ok(rate) if rate.is_finite() && rate > 0.0 => Ok(rate),
		_ => Err(format!("`{s}` is not a positive number of blocks per second")),
	}
}

/// Follows the chain; on an error (node gone, a block that cannot be read), says why and tries
/// again from the same block, backing off up to 30 s.
async fn follow_forever(node: &str, store: Store, max_rate: Option<f64>) -> ExitCode {
	let mut backoff = Duration::from_secs(1);
	loop {
		match Follower::connect(node, store.clone()).await {
			Ok(follower) => {
				eprintln!("cinechain-indexer: following {node} (genesis {})", follower.genesis());
				backoff = Duration::from_secs(1);
				if let Err(e) = follower.run(max_rate).await {
					eprintln!("cinechain-indexer: {e}; retrying");
				}
			},
			Err(e @ cinechain_indexer::follow::Error::WrongChain(_)) => {
				eprintln!("cinechain-indexer: {e}");
				return ExitCode::FAILURE;
			},
			Err(e) => eprintln!("cinechain-indexer: {e}; retrying in {} s", backoff.as_secs()),
		}
		tokio::time::sleep(backoff).await;
		backoff = (backoff * 2).min(Duration::from_secs(30));
	}
}
