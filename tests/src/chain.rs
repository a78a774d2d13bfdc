//! Talking to a cinechain node the way a client application does: through subxt, with the
//! runtime's types generated from the checked-in metadata. The generated interface and the
//! submit-and-follow logic are the projector agent's ([`cinechain_projector::chain`] and
//! [`cinechain_projector::client`]); the tests add only a plain RPC connection to one node.

pub use cinechain_projector::{
	chain::{cinechain, Client, Config},
	client::{follow, submit, Outcome},
};

/// Connects to the node whose RPC listens on `127.0.0.1:port`.
pub async fn connect(port: u16) -> Client {
	let url = format!("ws://127.0.0.1:{port}");
	Client::from_insecure_url(&url)
		.await
		.unwrap_or_else(|e| panic!("cannot connect subxt to {url}: {e}"))
}
