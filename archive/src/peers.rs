//! How members reach each other: JSON-RPC over HTTP to the address each registered on chain
//! (its RPC endpoint). Every answer is bounded in size and time, and every block that comes
//! back is checked by the caller before it is used.

use std::time::Duration;

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Bytes;
use hyper_util::{
	client::legacy::{connect::HttpConnector, Client},
	rt::TokioExecutor,
};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

/// The largest answer taken from a peer: a full block (5 MiB of extrinsics) as hex, with room.
const MAX_ANSWER: usize = 12 * 1024 * 1024;

/// Why a peer gave no usable answer.
#[derive(Debug)]
pub enum PeerError {
	/// The address is not an `http://` URL.
	BadAddress(String),
	/// No answer within the time limit.
	Timeout,
	/// Connection or HTTP failure.
	Transport(String),
	/// The peer answered with a JSON-RPC error.
	Refused(String),
	/// The answer was not what the method returns.
	Malformed(String),
}

impl core::fmt::Display for PeerError {
	fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
		match self {
			Self::BadAddress(a) => write!(f, "address {a:?} is not an http:// URL"),
			Self::Timeout => write!(f, "no answer in time"),
			Self::Transport(e) => write!(f, "transport: {e}"),
			Self::Refused(e) => write!(f, "refused: {e}"),
			Self::Malformed(e) => write!(f, "malformed answer: {e}"),
		}
	}
}

/// A pool of keep-alive HTTP connections to the other members.
#[derive(Clone)]
pub struct Peers {
	http: Client<HttpConnector, Full<Bytes>>,
	timeout: Duration,
}

impl Peers {
	/// Peers answering within `timeout`.
	pub fn new(timeout: Duration) -> Self {
		let mut connector = HttpConnector::new();
		connector.set_nodelay(true);
		connector.set_connect_timeout(Some(timeout));
		Self { http: Client::builder(TokioExecutor::new()).build(connector), timeout }
	}

	/// Calls `method` with `params` on the member at `address`.
	pub async fn call<R: DeserializeOwned>(&self, address: &str, method: &str, params: Value) -> Result<R, PeerError> {
		if !address.starts_with("http://") {
			return Err(PeerError::BadAddress(address.into()));
		}
		let uri: hyper::Uri = address.parse().map_err(|_| PeerError::BadAddress(address.into()))?;
		let body = json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": params }).to_string();
		let request = hyper::Request::post(uri)
			.header(hyper::header::CONTENT_TYPE, "application/json")
			.body(Full::new(Bytes::from(body)))
			.map_err(|e| PeerError::Transport(e.to_string()))?;
		let exchange = async {
			let response = self.http.request(request).await.map_err(|e| PeerError::Transport(e.to_string()))?;
			let body = Limited::new(response.into_body(), MAX_ANSWER)
				.collect()
				.await
				.map_err(|e| PeerError::Transport(e.to_string()))?
				.to_bytes();
			Ok::<_, PeerError>(body)
		};
		let body = tokio::time::timeout(self.timeout, exchange).await.map_err(|_| PeerError::Timeout)??;
		let mut answer: Value = serde_json::from_slice(&body).map_err(|e| PeerError::Malformed(e.to_string()))?;
		if let Some(error) = answer.get("error") {
			return Err(PeerError::Refused(error.to_string()));
		}
		let result = answer.get_mut("result").map(Value::take).ok_or_else(|| PeerError::Malformed("no result".into()))?;
		serde_json::from_value(result).map_err(|e| PeerError::Malformed(e.to_string()))
	}
}
