//! Talking to a cinechain node the way a client application does: through subxt, with types
//! generated from the checked-in runtime metadata (`artifacts/cinechain-metadata.scale`).

use subxt::{
	config::PolkadotConfig,
	client::OnlineClientAtBlockT,
	error::{DispatchError, TransactionEventsError},
	extrinsics::ExtrinsicEvents,
	transactions::{TransactionProgress, TransactionStatus},
	OnlineClient,
};

/// Calls, events, storage and types of the cinechain runtime, generated at compile time.
/// Screening records also get SCALE `Encode` (a client hashes a record's encoding to chain the
/// next one to it) and `Clone`.
#[subxt::subxt(
	runtime_metadata_path = "../artifacts/cinechain-metadata.scale",
	derive_for_type(
		path = "pallet_screenings::types::ScreeningRecord",
		derive = "codec::Encode, Clone",
		recursive
	)
)]
pub mod cinechain {}

/// cinechain's block and extrinsic format matches Polkadot's: `MultiAddress<AccountId32, ()>`,
/// `MultiSignature`, `u32` block numbers, BLAKE2-256 hashes.
pub type Config = PolkadotConfig;

/// A subxt client connected to one node.
pub type Client = OnlineClient<Config>;

/// Connects to the node whose RPC listens on `127.0.0.1:port`.
pub async fn connect(port: u16) -> Client {
	let url = format!("ws://127.0.0.1:{port}");
	OnlineClient::<Config>::from_insecure_url(&url)
		.await
		.unwrap_or_else(|e| panic!("cannot connect subxt to {url}: {e}"))
}

/// What became of a submitted transaction.
#[derive(Debug)]
pub enum Outcome {
	/// Finalized and succeeded; the events it emitted.
	Succeeded(ExtrinsicEvents<Config>),
	/// Finalized but its call failed with `pallet::Error` variant `error` of pallet `pallet`.
	FailedWith { pallet: String, error: String },
	/// Finalized but failed with a dispatch error that is not a pallet error.
	FailedOther(String),
	/// Never entered a block: refused by the transaction pool (or dropped), with the reason.
	Refused(String),
}

impl Outcome {
	/// The events, or a panic saying what happened instead.
	pub fn events(self) -> ExtrinsicEvents<Config> {
		match self {
			Outcome::Succeeded(events) => events,
			other => panic!("expected the transaction to succeed, got {other:?}"),
		}
	}
}

/// Signs `call` with `signer`, submits it and follows it to finality (or refusal).
pub async fn submit<Call: subxt::transactions::Payload>(
	client: &Client,
	call: &Call,
	signer: &subxt_signer::sr25519::Keypair,
) -> Outcome {
	let at = client.at_current_block().await.expect("a client at the finalized block");
	let mut transactions = at.transactions();
	let progress = match transactions.sign_and_submit_then_watch_default(call, signer).await {
		Ok(progress) => progress,
		// Legacy RPC (`author_submitAndWatchExtrinsic`) refuses invalid transactions outright.
		Err(e) => return Outcome::Refused(e.to_string()),
	};
	follow(progress).await
}

/// Follows a submitted transaction until it is finalized, refused or dropped.
pub async fn follow<C: OnlineClientAtBlockT<Config> + Clone>(
	mut progress: TransactionProgress<Config, C>,
) -> Outcome {
	while let Some(status) = progress.next().await {
		match status {
			Ok(TransactionStatus::InFinalizedBlock(in_block)) => {
				return match in_block.wait_for_success().await {
					Ok(events) => Outcome::Succeeded(events),
					Err(TransactionEventsError::ExtrinsicFailed(DispatchError::Module(e))) => {
						let details = e.details().expect("module errors are in the metadata");
						Outcome::FailedWith {
							pallet: details.pallet.name().to_string(),
							error: details.variant.name.clone(),
						}
					},
					Err(e) => Outcome::FailedOther(e.to_string()),
				};
			},
			Ok(TransactionStatus::Invalid { message }) |
			Ok(TransactionStatus::Dropped { message }) |
			Ok(TransactionStatus::Error { message }) => return Outcome::Refused(message),
			Ok(_) => continue,
			Err(e) => return Outcome::Refused(e.to_string()),
		}
	}
	Outcome::Refused("the transaction's status stream ended before finality".into())
}
