//! `cinechain-indexer`: follows a node's finalized chain into a database and serves the index
//! over HTTP. See indexer/README.md.

use std::{net::SocketAddr, process::ExitCode, time::Duration};

use cinechain_indexer::{
	anomaly::Thresholds,
	api, console,
	follow::Follower,
	knowledge::{Catalogue, Knowledge},
	prove::Prover,
	store::Store,
};
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
	/// A film catalogue, CSV `film code or CPL id,runtime in minutes`: the runtimes the
	/// short-screening rule holds screenings to (films not in it: the median of their
	/// completed screenings).
	#[arg(long)]
	films: Option<std::path::PathBuf>,
	/// The anomaly rules' thresholds, a JSON object with any of the fields of
	/// `anomaly::Thresholds` (indexer/README.md lists them and their defaults).
	#[arg(long)]
	thresholds: Option<std::path::PathBuf>,
	/// A file whose first line is the console's token (16+ printable characters): regulators
	/// who hold it may acknowledge alerts in the console. Without it the console is read-only.
	#[arg(long)]
	console_token_file: Option<std::path::PathBuf>,
	/// The chain's raw chain spec: the console's record page verifies proofs against it until a
	/// regulator loads one of their own. Without it the page asks for one.
	#[arg(long)]
	chain_spec: Option<std::path::PathBuf>,
}

/// Largest catalogue, thresholds or chain spec file read (a catalogue of 200,000 films fits, and
/// a raw chain spec is about 1.5 MB).
const MAX_CONFIG_FILE: u64 = 16 << 20;

/// Reads a bounded text file, or says why not.
fn read_config(path: &std::path::Path) -> Result<String, String> {
	use std::io::Read;
	let file = std::fs::File::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
	let mut text = String::new();
	file.take(MAX_CONFIG_FILE + 1).read_to_string(&mut text).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
	if text.len() as u64 > MAX_CONFIG_FILE {
		return Err(format!("{} is larger than {MAX_CONFIG_FILE} bytes", path.display()));
	}
	Ok(text)
}

/// The console's settings from the command line: its token and chain spec, each checked.
fn console_settings(cli: &Cli) -> Result<console::Settings, String> {
	let mut settings = console::Settings::default();
	if let Some(path) = &cli.console_token_file {
		let token = console::read_token(&read_config(path)?).map_err(|e| format!("{}: {e}", path.display()))?;
		settings.token = Some(token.into());
	}
	if let Some(path) = &cli.chain_spec {
		let spec = read_config(path)?;
		// Refused here, not on the page: a spec the verifier cannot read is a mistake of the operator's.
		cinechain_proof::verify::TrustedChain::from_chain_spec(spec.as_bytes()).map_err(|e| format!("{}: {e}", path.display()))?;
		settings.chain_spec = Some(spec.into_bytes().into());
	}
	Ok(settings)
}

/// The knowledge pass's configuration from the command line.
fn knowledge_config(cli: &Cli) -> Result<(Thresholds, Catalogue), String> {
	let limits = match &cli.thresholds {
		None => Thresholds::default(),
		Some(path) => serde_json::from_str::<Thresholds>(&read_config(path)?).map_err(|e| format!("{}: {e}", path.display()))?,
	};
	limits.check().map_err(|e| format!("thresholds: {e}"))?;
	let catalogue = match &cli.films {
		None => Catalogue::default(),
		Some(path) => Catalogue::parse(&read_config(path)?).map_err(|e| format!("{}: {e}", path.display()))?,
	};
	Ok((limits, catalogue))
}

#[tokio::main]
async fn main() -> ExitCode {
	let cli = Cli::parse();
	let (limits, catalogue, settings) = match knowledge_config(&cli).and_then(|(l, c)| Ok((l, c, console_settings(&cli)?))) {
		Ok(config) => config,
		Err(e) => {
			eprintln!("cinechain-indexer: {e}");
			return ExitCode::FAILURE;
		},
	};
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
	eprintln!("cinechain-indexer: API on http://{} (contract at /openapi.json); console at http://{}/console/", cli.listen, cli.listen);
	let progress = std::sync::Arc::new(cinechain_indexer::metrics::Progress::default());
	let server = axum::serve(
		listener,
		api::router(store.clone(), std::sync::Arc::new(Prover::new(&cli.node)), settings, progress.clone()),
	);
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
	let knowledge = Knowledge::new(store.clone(), limits, catalogue);
	tokio::spawn(async move { knowledge.run().await });
	follow_forever(&cli.node, store, cli.max_blocks_per_second, progress).await
}

fn positive_rate(s: &str) -> Result<f64, String> {
	match s.parse::<f64>() {
		Ok(rate) if rate.is_finite() && rate > 0.0 => Ok(rate),
		_ => Err(format!("`{s}` is not a positive number of blocks per second")),
	}
}

/// Follows the chain; on an error (node gone, a block that cannot be read), says why and tries
/// again from the same block, backing off up to 30 s.
async fn follow_forever(node: &str, store: Store, max_rate: Option<f64>, progress: std::sync::Arc<cinechain_indexer::metrics::Progress>) -> ExitCode {
	let mut backoff = Duration::from_secs(1);
	loop {
		match Follower::connect(node, store.clone()).await {
			Ok(follower) => {
				let follower = follower.with_progress(progress.clone());
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
