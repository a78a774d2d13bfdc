//! `cinechain-projector`: see `light-client/README.md` for the technician's guide.

use std::{path::PathBuf, process::ExitCode, sync::Arc};

use clap::{Args, Parser, Subcommand};
use cinechain_projector::{
	agent::{self, blocked_reason, now_ms, Agent},
	chain::{bounded, cinechain, limits},
	client::{self, Endpoint, Outcome, Registration},
	config::{DataDir, DeviceConfig},
	event::{self, FilmEvent, OutcomeEvent, ScreeningEvent},
	keystore,
	outbox::{Receipt, State},
	refusal,
	store::{AcceptError, Store},
};
use subxt::utils::AccountId32;

/// Records every screening this projector plays on cinechain, through an embedded light client.
#[derive(Parser, Debug)]
#[command(name = "cinechain-projector", version)]
struct Cli {
	/// The agent's data directory (key, config, outbox) [default: $CINECHAIN_PROJECTOR_DIR, else
	/// /var/lib/cinechain-projector].
	#[arg(long, global = true)]
	data_dir: Option<PathBuf>,
	/// The raw chain spec (with bootnodes) the light client starts from [default: <data-dir>/chain-spec.json].
	#[arg(long, global = true)]
	chain_spec: Option<PathBuf>,
	/// A bootnode for the light client, added to the chain spec's (repeatable).
	#[arg(long = "bootnode", global = true, value_name = "MULTIADDR")]
	bootnodes: Vec<String>,
	/// Fallback: talk to this node's JSON-RPC instead of running the light client. This trusts that
	/// node with everything the agent reads; use it only where the light client cannot run.
	#[arg(long, global = true, value_name = "WS-URL")]
	rpc_url: Option<String>,
	#[command(subcommand)]
	command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
	/// Generates this device's key (once, for life) and records where the projector stands.
	Init {
		#[command(flatten)]
		place: PlaceArgs,
		/// Development chains only: derive the key from this secret URI (e.g. //One) instead of
		/// generating one.
		#[arg(long, value_name = "URI")]
		dev_key: Option<String>,
	},
	/// Asks the chain to register this device; a registrar then approves it.
	Register(RegisterArgs),
	/// Shows the device's state on chain and the outbox.
	Status {
		/// Print JSON.
		#[arg(long)]
		json: bool,
		/// Only the outbox; do not contact the chain.
		#[arg(long)]
		offline: bool,
	},
	/// Records one screening (from flags or a JSON event) and waits for its finalized receipt.
	Record(RecordArgs),
	/// Takes the stuck record (see `status`), and the records after it with --count, out of the
	/// chain of records to send: the chain refuses them for good. They stay in the outbox, listed
	/// by `status`, with the reason; the records behind them are renumbered to follow the last
	/// record before them.
	SetAside {
		/// The stuck record's sequence number.
		seq: u64,
		/// How many records, from `seq` on.
		#[arg(long, default_value_t = 1)]
		count: u64,
		/// Why, for the regulator (up to 256 bytes).
		#[arg(long)]
		reason: String,
	},
	/// Records that the projector now stands in another cinema (after a registrar moved the
	/// device in the registry). Restart the daemon afterwards.
	Relocate {
		#[command(flatten)]
		place: PlaceArgs,
	},
	/// Daemon: records every screening event the playback system drops into the spool.
	Run {
		/// The spool directory the playback system writes events into.
		#[arg(long)]
		spool: PathBuf,
		/// Days a finalized record (with its receipt and event id) stays in the outbox; older
		/// ones are dropped hourly. Pending, stuck and set-aside records always stay.
		#[arg(long, default_value_t = 90, value_parser = clap::value_parser!(u32).range(1..=3650))]
		keep_days: u32,
	},
	/// Checks a proof from the information server (`GET /proof/{device}/{seq}`) that a screening
	/// is on the finalized chain, trusting nothing but the raw chain spec (--chain-spec). Needs no
	/// network, key or outbox.
	VerifyProof {
		/// The proof bundle (JSON), or - for stdin.
		bundle: PathBuf,
		/// Print JSON.
		#[arg(long)]
		json: bool,
	},
}

/// Where the projector stands (`init`, `relocate`).
#[derive(Args, Debug)]
struct PlaceArgs {
	/// The cinema the projector is installed in (its registry id).
	#[arg(long)]
	cinema: u32,
	/// Latitude in degrees (recorded with every screening, with --longitude).
	#[arg(long, requires = "longitude", allow_hyphen_values = true)]
	latitude: Option<f64>,
	/// Longitude in degrees.
	#[arg(long, requires = "latitude", allow_hyphen_values = true)]
	longitude: Option<f64>,
}

impl PlaceArgs {
	fn config(&self) -> Result<DeviceConfig, String> {
		let location = match (self.latitude, self.longitude) {
			(Some(lat), Some(lon)) => Some((micro_degrees(lat)?, micro_degrees(lon)?)),
			_ => None,
		};
		cinechain_projector::config::check_location(location)?;
		Ok(DeviceConfig { cinema: self.cinema, location })
	}
}

#[derive(Args, Debug)]
struct RegisterArgs {
	#[arg(long)]
	manufacturer: String,
	#[arg(long)]
	model: String,
	#[arg(long)]
	serial: String,
	/// Production date as YYYYMMDD.
	#[arg(long)]
	production_date: u32,
	#[arg(long, default_value = "")]
	firmware: String,
}

#[derive(Args, Debug)]
struct RecordArgs {
	/// The event as JSON (a file, or - for stdin), as the spool takes it.
	#[arg(long, conflicts_with_all = ["title", "cpl_id", "film_code", "projectionist", "hall", "start", "end"])]
	json: Option<PathBuf>,
	/// An id that makes the record idempotent [default: derived from the time].
	#[arg(long)]
	id: Option<String>,
	#[arg(long)]
	title: Option<String>,
	/// Composition playlist UUID.
	#[arg(long)]
	cpl_id: Option<String>,
	#[arg(long)]
	film_code: Option<String>,
	#[arg(long)]
	projectionist: Option<String>,
	#[arg(long)]
	hall: Option<u16>,
	/// Start, Unix milliseconds.
	#[arg(long)]
	start: Option<u64>,
	/// End, Unix milliseconds.
	#[arg(long)]
	end: Option<u64>,
	/// The screening was aborted, with this reason code.
	#[arg(long)]
	aborted: Option<u16>,
	/// Hash of the signed off-chain log report (32 bytes hex).
	#[arg(long)]
	report_hash: Option<String>,
	/// Store it in the outbox and return; the daemon sends it.
	#[arg(long)]
	no_wait: bool,
}

impl Cli {
	fn endpoint(&self, dir: &DataDir) -> Endpoint {
		match &self.rpc_url {
			Some(url) => Endpoint::Rpc { url: url.clone() },
			None => Endpoint::LightClient {
				chain_spec: self.chain_spec.clone().unwrap_or_else(|| dir.chain_spec()),
				bootnodes: self.bootnodes.clone(),
			},
		}
	}
}

fn main() -> ExitCode {
	// One malloc arena instead of one per thread that ever allocated: on a small board that is
	// the difference between ~36 and ~28 MiB resident (scripts/bench-projector.py). Set before
	// any thread starts.
	#[cfg(all(target_os = "linux", target_env = "gnu"))]
	// SAFETY: plain glibc tuning call with a valid parameter, made while single-threaded.
	unsafe {
		libc::mallopt(libc::M_ARENA_MAX, 1);
	}
	let cli = Cli::parse();
	let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
		Ok(runtime) => runtime,
		Err(e) => {
			eprintln!("error: cannot start the async runtime: {e}");
			return ExitCode::FAILURE;
		},
	};
	match runtime.block_on(run(cli)) {
		Ok(()) => ExitCode::SUCCESS,
		Err(e) => {
			eprintln!("error: {e}");
			ExitCode::FAILURE
		},
	}
}

async fn run(cli: Cli) -> Result<(), String> {
	let dir = DataDir(
		cli.data_dir
			.clone()
			.or_else(|| std::env::var_os("CINECHAIN_PROJECTOR_DIR").map(PathBuf::from))
			.unwrap_or_else(|| PathBuf::from("/var/lib/cinechain-projector")),
	);
	let endpoint = cli.endpoint(&dir);
	match cli.command {
		Command::Init { place, dev_key } => {
			// Refuse a bad location, and a development key for a chain spec that is not a
			// development chain's, before the key exists: a key is created once, for life.
			let config = place.config()?;
			if let (Some(_), Endpoint::LightClient { chain_spec, .. }) = (&dev_key, &endpoint) {
				if chain_spec.exists() {
					let spec = read_bounded(chain_spec, client::MAX_CHAIN_SPEC_BYTES as usize, "chain spec")?;
					let spec: serde_json::Value = serde_json::from_slice(&spec)
						.map_err(|e| format!("the chain spec {} is not valid JSON: {e}", chain_spec.display()))?;
					keystore::check_chain_type(true, &keystore::chain_type_of(&spec))?;
				}
			}
			let key = keystore::create(&dir.key(), dev_key.as_deref())?;
			dir.save_config(&config)?;
			Store::open(&dir.outbox()).map_err(|e| e.to_string())?;
			let account: AccountId32 = key.public_key().into();
			println!("{account}");
			eprintln!(
				"device key created in {} (keep it private; it never leaves this device)\n\
				 register this device with `cinechain-projector register ...` or give the address above to your registrar",
				dir.key().display()
			);
			Ok(())
		},
		Command::Register(args) => register(&dir, &endpoint, args).await,
		Command::Status { json, offline } => status(&dir, &endpoint, json, offline).await,
		Command::Record(args) => record(&dir, endpoint, args).await,
		Command::SetAside { seq, count, reason } => {
			let store = Store::open(&dir.outbox()).map_err(|e| e.to_string())?;
			let set_aside = store.set_aside(seq, count, &reason, now_ms()).map_err(|e| format!("nothing set aside: {e}"))?;
			for item in &set_aside {
				println!(
					"set aside #{} ({:?}, refused: {}): {}",
					item.entry.seq(),
					String::from_utf8_lossy(&item.entry.record.film.title.0),
					refusal::name(item.code),
					item.reason
				);
			}
			let tail = store.tail().map_err(|e| e.to_string())?;
			eprintln!(
				"the records after them are renumbered from #{seq}; the outbox's last record is now #{}",
				tail.last_seq
			);
			Ok(())
		},
		Command::Relocate { place } => {
			let old = dir.load_config()?;
			let config = place.config()?;
			let cinema = config.cinema;
			dir.save_config(&config)?;
			eprintln!(
				"this projector now records screenings in cinema {cinema} (was {}); restart the daemon for it to take effect",
				old.cinema
			);
			Ok(())
		},
		Command::Run { spool, keep_days } => {
			let agent = open_agent(&dir, endpoint)?;
			agent::log(format!("device {}", AccountId32::from(agent.key.public_key())));
			agent.run(spool, std::time::Duration::from_secs(u64::from(keep_days) * 86_400)).await
		},
		Command::VerifyProof { bundle, json } => {
			verify_proof(&cli.chain_spec.clone().unwrap_or_else(|| dir.chain_spec()), &bundle, json)
		},
	}
}

/// Prints what a verified proof shows, or fails with the check that refused it.
fn verify_proof(chain_spec: &std::path::Path, bundle: &std::path::Path, json: bool) -> Result<(), String> {
	use cinechain_proof::{bundle::Bundle, verify};
	use codec::Decode;
	let spec = read_bounded(chain_spec, client::MAX_CHAIN_SPEC_BYTES as usize, "chain spec")?;
	let bundle = read_bounded(bundle, cinechain_proof::bundle::MAX_BUNDLE_BYTES, "proof bundle")?;
	let bundle = Bundle::from_json(&bundle)?;
	let chain = verify::TrustedChain::from_chain_spec(&spec)?;
	let verified = verify::verify(&bundle, &chain).map_err(|refusal| format!("proof refused: {refusal}"))?;
	if chain.well_known_keys {
		eprintln!(
			"warning: this chain spec is a development or local one, whose GRANDPA keys are public (//Alice, ...): \
			 its proofs show consistency, not that a real chain holds the record"
		);
	}
	let record = cinechain_projector::chain::ScreeningRecord::decode(&mut &verified.record[..])
		.map(|r| format!("{r:?}"))
		.unwrap_or_else(|e| format!("(does not decode with this agent's runtime types: {e})"));
	let hex = |bytes: &[u8]| format!("0x{}", hex::encode(bytes));
	if json {
		let answer = serde_json::json!({
			"verified": true,
			"device": verified.device,
			"seq": verified.seq,
			"blockNumber": verified.block_number,
			"blockHash": hex(&verified.block_hash),
			"extrinsicIndex": verified.extrinsic_index,
			"finalizedNumber": verified.finalized_number,
			"finalizedHash": hex(&verified.finalized_hash),
			"genesisHash": hex(&chain.genesis_hash),
			"wellKnownKeys": chain.well_known_keys,
			"record": hex(&verified.record),
		});
		println!("{answer}");
	} else {
		println!(
			"verified: screening {} of device {} was recorded in block #{} ({}; its bytes are in extrinsic {}), finalized by the chain spec's GRANDPA authorities at #{} ({}); chain spec genesis {}\nrecord: {record}",
			verified.seq,
			verified.device,
			verified.block_number,
			hex(&verified.block_hash),
			verified.extrinsic_index,
			verified.finalized_number,
			hex(&verified.finalized_hash),
			hex(&chain.genesis_hash),
		);
	}
	Ok(())
}

/// A file's bytes (`-`: stdin), refusing files larger than `max`.
fn read_bounded(path: &std::path::Path, max: usize, what: &str) -> Result<Vec<u8>, String> {
	use std::io::Read;
	let mut bytes = Vec::new();
	let reader: Box<dyn Read> = if path.as_os_str() == "-" {
		Box::new(std::io::stdin())
	} else {
		Box::new(std::fs::File::open(path).map_err(|e| format!("cannot read the {what} {}: {e}", path.display()))?)
	};
	reader
		.take(max as u64 + 1)
		.read_to_end(&mut bytes)
		.map_err(|e| format!("cannot read the {what} {}: {e}", path.display()))?;
	if bytes.len() > max {
		return Err(format!("the {what} {} is larger than {max} bytes", path.display()));
	}
	Ok(bytes)
}

fn micro_degrees(degrees: f64) -> Result<i32, String> {
	if !degrees.is_finite() || degrees.abs() > 180.0 {
		return Err(format!("{degrees} is not a coordinate in degrees"));
	}
	Ok((degrees * 1_000_000.0).round() as i32)
}

fn open_agent(dir: &DataDir, endpoint: Endpoint) -> Result<Agent, String> {
	let key = keystore::load(&dir.key())?;
	let site = dir.load_config()?.site();
	let store = Store::open(&dir.outbox()).map_err(|e| e.to_string())?;
	Ok(Agent { store: Arc::new(store), key: key.pair, development_key: key.development, endpoint, site })
}

/// Connects for a command that uses the device key `key` (see [`client::connect`]).
async fn connect_as(endpoint: &Endpoint, key: &keystore::DeviceKey) -> Result<client::Connection, String> {
	Ok(client::connect(endpoint, key.development).await?)
}

async fn register(dir: &DataDir, endpoint: &Endpoint, args: RegisterArgs) -> Result<(), String> {
	use cinechain::runtime_types::pallet_devices::types::DeviceInfo;
	let device_key = keystore::load(&dir.key())?;
	let key = &device_key.pair;
	let config = dir.load_config()?;
	for (field, value, may_be_empty) in [
		("manufacturer", &args.manufacturer, false),
		("model", &args.model, false),
		("serial", &args.serial, false),
		("firmware", &args.firmware, true),
	] {
		event::text(field, value, limits::MAX_TEXT_LEN, may_be_empty)?;
	}
	let info = DeviceInfo {
		manufacturer: bounded(args.manufacturer.as_bytes()),
		model: bounded(args.model.as_bytes()),
		serial_number: bounded(args.serial.as_bytes()),
		production_date: args.production_date,
		firmware_version: bounded(args.firmware.as_bytes()),
		// The chain knows where the cinema lies (its registry): the device names only its code.
		cinema: config.cinema,
	};
	let connection = connect_as(endpoint, &device_key).await?;
	let call = cinechain::transactions().devices().request_registration(info);
	match client::submit(&connection.client, &call, key).await {
		Outcome::Succeeded { block_number, .. } => {
			let account: AccountId32 = key.public_key().into();
			let view = client::device_view(&connection.client, &account).await?;
			let device = view.device.map_or("?".into(), |d| format!("#{d}"));
			println!("registration requested: device {device}, in finalized block #{block_number}; a registrar must now approve it");
			Ok(())
		},
		Outcome::Refused(refused) if refused.code() == Some(refusal::REGISTRATION_REFUSED) => Err(
			"the chain refuses this registration: this key is already registered or requested, the device \
			 info is invalid (texts, production date YYYYMMDD), or too many requests are pending"
				.into(),
		),
		Outcome::FailedWith { pallet, error } => Err(format!("registration failed on chain: {pallet}::{error}")),
		Outcome::Refused(refused) => Err(format!("registration not accepted: {refused}")),
		other => Err(format!("registration not accepted: {other:?}")),
	}
}

async fn status(dir: &DataDir, endpoint: &Endpoint, json: bool, offline: bool) -> Result<(), String> {
	let key = keystore::load(&dir.key())?;
	let account: AccountId32 = key.pair.public_key().into();
	let store = Store::open(&dir.outbox()).map_err(|e| e.to_string())?;
	let depth = store.depth().map_err(|e| e.to_string())?;
	let tail = store.tail().map_err(|e| e.to_string())?;
	let stuck = store.stuck().map_err(|e| e.to_string())?;
	let set_aside = store.set_aside_records().map_err(|e| e.to_string())?;
	let mut chain_error = None;
	let mut chain = None;
	if !offline {
		match chain_status(endpoint, &key, &account).await {
			Ok(view) => chain = Some(view),
			Err(e) => chain_error = Some(e),
		}
	}
	let registered_cinema = chain.as_ref().and_then(|(_, cinema)| *cinema);
	let stuck = match stuck {
		Some(stuck) => {
			let entry = store.entry(stuck.seq).map_err(|e| e.to_string())?;
			let record_cinema = entry.map_or(0, |e| e.record.venue.cinema);
			Some(serde_json::json!({
				"seq": stuck.seq,
				"code": stuck.code,
				"refusal": refusal::name(stuck.code),
				"since_ms": stuck.since_ms,
				"action": refusal::advice(stuck.code, stuck.seq, record_cinema, registered_cinema),
			}))
		},
		None => None,
	};
	let set_aside: Vec<serde_json::Value> = set_aside
		.iter()
		.map(|item| {
			serde_json::json!({
				"seq": item.entry.seq(),
				"event_id": item.entry.event_id,
				"title": String::from_utf8_lossy(&item.entry.record.film.title.0),
				"ended_at": item.entry.record.ended_at,
				"cinema": item.entry.record.venue.cinema,
				"refusal": refusal::name(item.code),
				"reason": item.reason,
				"at_ms": item.at_ms,
			})
		})
		.collect();
	let mut out = serde_json::json!({
		"device_key": account.to_string(),
		"development_key": key.development,
		"outbox": { "pending": depth, "last_numbered": tail.last_seq, "stuck": stuck, "set_aside": set_aside },
	});
	if let Some((view, _)) = &chain {
		out["chain"] = view.clone();
	}
	if json {
		println!("{}", serde_json::to_string_pretty(&out).expect("plain data"));
	} else {
		println!("device key:   {account}");
		println!("outbox:       {depth} pending, last numbered #{}", tail.last_seq);
		if let Some(stuck) = &out["outbox"]["stuck"].as_object() {
			println!("STUCK:        record #{} refused for good ({})", stuck["seq"], stuck["refusal"].as_str().unwrap_or(""));
			println!("  to do:      {}", stuck["action"].as_str().unwrap_or(""));
		}
		for item in &set_aside {
			println!(
				"set aside:    #{} {} ({}): {}",
				item["seq"],
				item["title"],
				item["refusal"].as_str().unwrap_or(""),
				item["reason"].as_str().unwrap_or("")
			);
		}
		if let Some(chain) = out.get("chain") {
			println!("device:       {}", chain["device"]);
			println!("cinema:       {}", chain["cinema"]);
			println!("state:        {}", chain["state"].as_str().unwrap_or(""));
			println!("last record:  #{}", chain["last_seq"]);
			println!("blocks:       best #{}, finalized #{}", chain["best_block"], chain["finalized_block"]);
		}
	}
	match chain_error {
		Some(e) => Err(e),
		None => Ok(()),
	}
}

/// The device as the chain has it, for `status`; and the cinema the registry has it in.
async fn chain_status(
	endpoint: &Endpoint,
	key: &keystore::DeviceKey,
	account: &AccountId32,
) -> Result<(serde_json::Value, Option<u32>), String> {
	let connection = connect_as(endpoint, key).await?;
	let view = client::device_view(&connection.client, account).await?;
	let best = match connection.client.stream_best_blocks().await {
		Ok(mut blocks) => match tokio::time::timeout(std::time::Duration::from_secs(10), blocks.next()).await {
			Ok(Some(Ok(block))) => Some(block.number()),
			_ => None,
		},
		Err(_) => None,
	};
	let state = match &view.registration {
		Registration::Active => "active".to_string(),
		other => blocked_reason(other, account),
	};
	let answer = serde_json::json!({
		"device": view.device,
		"cinema": view.cinema,
		"state": state,
		"last_seq": view.head.last_seq,
		"finalized_block": view.head.block_number,
		"best_block": best,
	});
	Ok((answer, view.cinema))
}

async fn record(dir: &DataDir, endpoint: Endpoint, args: RecordArgs) -> Result<(), String> {
	let agent = open_agent(dir, endpoint)?;
	let event = match &args.json {
		Some(path) => {
			let bytes = if path.as_os_str() == "-" {
				let mut bytes = Vec::new();
				std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut bytes)
					.map_err(|e| format!("cannot read stdin: {e}"))?;
				bytes
			} else {
				std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?
			};
			let mut event = event::parse(&bytes)?;
			if args.id.is_some() {
				event.id = args.id.clone();
			}
			event
		},
		None => {
			let missing = |name: &str| format!("--{name} is required (or give the event with --json)");
			ScreeningEvent {
				id: args.id.clone(),
				film: FilmEvent {
					title: args.title.clone().ok_or_else(|| missing("title"))?,
					cpl_id: args.cpl_id.clone(),
					film_code: args.film_code.clone(),
				},
				projectionist: args.projectionist.clone().ok_or_else(|| missing("projectionist"))?,
				hall: args.hall.ok_or_else(|| missing("hall"))?,
				started_at: args.start.ok_or_else(|| missing("start"))?,
				ended_at: args.end.ok_or_else(|| missing("end"))?,
				outcome: args.aborted.map_or(OutcomeEvent::Completed, OutcomeEvent::Aborted),
				report_hash: args.report_hash.clone(),
			}
		},
	};
	let now = now_ms();
	let id = event.id.clone().unwrap_or_else(|| format!("cli-{now}"));
	let seq = match agent.store.accept(&id, now, |seq, prev| event::to_record(&event, &agent.site, seq, prev)) {
		Ok(accepted) => accepted.seq(),
		Err(AcceptError::SetAside) => return Err("this event's record was set aside by a technician (see `status`)".into()),
		Err(AcceptError::Invalid(reason)) => return Err(format!("not a valid screening: {reason}")),
		Err(AcceptError::Store(e)) => return Err(e.to_string()),
	};
	eprintln!("stored as screening #{seq} in the outbox");
	if args.no_wait {
		println!("{}", serde_json::json!({ "seq": seq }));
		return Ok(());
	}
	agent.send_until(Some(seq), &tokio::sync::Notify::new()).await?;
	let entry = agent.store.entry(seq).map_err(|e| e.to_string())?.ok_or("the record vanished")?;
	let receipt = match entry.state {
		State::Done(Receipt::Extrinsic { block_number, block_hash, extrinsic_index }) => serde_json::json!({
			"seq": seq, "block_number": block_number, "block_hash": format!("0x{}", hex::encode(block_hash)),
			"extrinsic_index": extrinsic_index,
		}),
		State::Done(Receipt::CoveredByHead { block_number, block_hash }) => serde_json::json!({
			"seq": seq, "covered_at_block": block_number, "block_hash": format!("0x{}", hex::encode(block_hash)),
		}),
		State::Pending => return Err("the record is still pending".into()),
	};
	println!("{receipt}");
	Ok(())
}
