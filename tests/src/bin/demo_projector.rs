//! `cinechain-demo-projector`: a simulated projector for the development chain.
//!
//! It signs with the demo device key `//One` (active in the demo cinema from genesis), reads
//! its head (last sequence number and hash) from the chain, and records one screening every
//! few seconds, each chained to the one before, printing the extrinsic once it is finalized. It stands
//! in for the real projector agent on a developer's machine; it talks to a node over plain
//! JSON-RPC, not through a light client.
//!
//! Usage: `cinechain-demo-projector [ws://127.0.0.1:9944] [seconds between screenings] [count]`
//! (count 0, the default, runs until stopped).

use std::{process::ExitCode, time::Duration};

use cinechain_e2e::{
	chain::{cinechain, submit, Client, Config, Outcome},
	records::{record_hash, screening_at, DEMO_CINEMA},
};
use subxt::{utils::AccountId32, OnlineClient};

const TITLES: [&str; 4] = ["The Projectionist", "Cinema Paradiso", "Hugo", "The Last Picture Show"];

/// The device number and head `(last_seq, last_hash)` of the device whose key is `key`.
async fn head_of(client: &Client, key: &AccountId32) -> Result<(u64, u64, [u8; 32]), String> {
	let at = client.at_current_block().await.map_err(|e| e.to_string())?;
	let by_key = at.storage().entry(cinechain::storage().devices().device_by_key()).map_err(|e| e.to_string())?;
	let device = by_key
		.try_fetch((key.clone(),))
		.await
		.map_err(|e| e.to_string())?
		.ok_or("the demo key //One is not a registered device: is this a development chain?")?
		.decode()
		.map_err(|e| e.to_string())?;
	let heads = at.storage().entry(cinechain::storage().screenings().heads()).map_err(|e| e.to_string())?;
	let head = heads.fetch((device,)).await.map_err(|e| e.to_string())?.decode().map_err(|e| e.to_string())?;
	Ok((device, head.last_seq, head.last_hash))
}

async fn run(url: &str, interval: Duration, count: u64) -> Result<(), String> {
	let client = OnlineClient::<Config>::from_insecure_url(url)
		.await
		.map_err(|e| format!("cannot reach a node at {url}: {e}"))?;
	let projector = subxt_signer::sr25519::dev::one();
	let key: AccountId32 = projector.public_key().into();
	let (device, mut seq, mut prev_hash) = head_of(&client, &key).await?;
	println!("[projector] device #{device} ({key}), {seq} screenings on chain so far");
	let mut done = 0;
	while count == 0 || done < count {
		seq += 1;
		let title = TITLES[(seq as usize) % TITLES.len()];
		let record = screening_at(DEMO_CINEMA, 1 + (seq % 3) as u16, title, seq, prev_hash);
		let call = cinechain::transactions().screenings().record_screening(record.clone());
		match submit(&client, &call, &projector).await {
			Outcome::Succeeded(events) => {
				println!(
					"[projector] screening #{seq} \"{title}\" recorded and finalized (extrinsic {:?})",
					events.extrinsic_hash()
				);
				prev_hash = record_hash(&record);
			},
			other => return Err(format!("screening #{seq} was not recorded: {other:?}")),
		}
		done += 1;
		tokio::time::sleep(interval).await;
	}
	Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
	let args: Vec<String> = std::env::args().skip(1).collect();
	let url = args.first().cloned().unwrap_or_else(|| "ws://127.0.0.1:9944".into());
	let parse = |i: usize, default: u64| args.get(i).map_or(Ok(default), |a| a.parse::<u64>());
	let (Ok(seconds), Ok(count)) = (parse(1, 6), parse(2, 0)) else {
		eprintln!("usage: cinechain-demo-projector [ws-url] [seconds between screenings] [count]");
		return ExitCode::from(2);
	};
	match run(&url, Duration::from_secs(seconds), count).await {
		Ok(()) => ExitCode::SUCCESS,
		Err(e) => {
			eprintln!("[projector] {e}");
			ExitCode::FAILURE
		},
	}
}
