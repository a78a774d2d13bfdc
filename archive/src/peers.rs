//! How members reach each other: the typed client of [`crate::protocol`] over HTTP to the
//! address each registered on chain (its RPC endpoint). Every answer is bounded in size and
//! time, and every block or proof that comes back is checked by the caller before it is used.
//!
//! The transport is the hyper client the node already compiles (for `sc-offchain`); it carries
//! jsonrpsee's [`ClientT`], which is all the generated `ArchiveRpcClient` needs.

use std::time::Duration;

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Bytes;
use hyper_util::{
	client::legacy::{connect::HttpConnector, Client},
	rt::TokioExecutor,
};
use jsonrpsee::{
	core::{
		async_trait,
		client::{BatchResponse, ClientT, Error},
		params::BatchRequestBuilder,
		traits::ToRpcParams,
	},
	types::ErrorObjectOwned,
};
use serde::{de::DeserializeOwned, Deserialize};
use serde_json::value::RawValue;

/// The largest answer taken from a peer: a full block (5 MiB of extrinsics) as hex, with room.
const MAX_ANSWER: usize = 12 * 1024 * 1024;

/// Why a peer gave no usable answer below the JSON-RPC layer (carried in
/// [`Error::Transport`]).
#[derive(Debug)]
pub enum PeerError {
	/// The address is not an `http://` URL.
	BadAddress(String),
	/// No answer within the time limit.
	Timeout,
	/// Connection or HTTP failure.
	Transport(String),
}

impl core::fmt::Display for PeerError {
	fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
		match self {
			Self::BadAddress(a) => write!(f, "address {a:?} is not an http:// URL"),
			Self::Timeout => write!(f, "no answer in time"),
			Self::Transport(e) => write!(f, "transport: {e}"),
		}
	}
}

impl std::error::Error for PeerError {}

fn transport(e: PeerError) -> Error {
	Error::Transport(Box::new(e))
}

/// A pool of keep-alive HTTP connections to the other members.
#[derive(Clone)]
pub struct Peers {
	http: Client<HttpConnector, Full<Bytes>>,
	timeout: Duration,
}

/// One member, as a JSON-RPC client: call the [`crate::protocol::ArchiveRpcClient`] methods on it.
pub struct Peer<'a> {
	peers: &'a Peers,
	uri: hyper::Uri,
}

impl Peers {
	/// Peers answering within `timeout`.
	pub fn new(timeout: Duration) -> Self {
		let mut connector = HttpConnector::new();
		connector.set_nodelay(true);
		connector.set_connect_timeout(Some(timeout));
		Self { http: Client::builder(TokioExecutor::new()).build(connector), timeout }
	}

	/// The member serving at `address`.
	pub fn at(&self, address: &str) -> Result<Peer<'_>, Error> {
		if !address.starts_with("http://") {
			return Err(transport(PeerError::BadAddress(address.into())));
		}
		let uri = address.parse().map_err(|_| transport(PeerError::BadAddress(address.into())))?;
		Ok(Peer { peers: self, uri })
	}

	/// Posts one JSON-RPC request and returns the answer's body, bounded in size and time.
	async fn post(&self, uri: &hyper::Uri, body: String) -> Result<Bytes, Error> {
		let request = hyper::Request::post(uri)
			.header(hyper::header::CONTENT_TYPE, "application/json")
			.body(Full::new(Bytes::from(body)))
			.map_err(|e| transport(PeerError::Transport(e.to_string())))?;
		let exchange = async {
			let response =
				self.http.request(request).await.map_err(|e| transport(PeerError::Transport(e.to_string())))?;
			let body = Limited::new(response.into_body(), MAX_ANSWER)
				.collect()
				.await
				.map_err(|e| transport(PeerError::Transport(e.to_string())))?;
			Ok::<_, Error>(body.to_bytes())
		};
		tokio::time::timeout(self.timeout, exchange).await.map_err(|_| transport(PeerError::Timeout))?
	}
}

/// A JSON-RPC answer: a result or an error.
#[derive(Deserialize)]
struct Answer<R> {
	result: Option<R>,
	error: Option<ErrorObjectOwned>,
}

#[async_trait]
impl ClientT for Peer<'_> {
	async fn notification<Params>(&self, _method: &str, _params: Params) -> Result<(), Error>
	where
		Params: ToRpcParams + Send,
	{
		// The archive protocol has none.
		Err(Error::HttpNotImplemented)
	}

	async fn request<R, Params>(&self, method: &str, params: Params) -> Result<R, Error>
	where
		R: DeserializeOwned,
		Params: ToRpcParams + Send,
	{
		let params: Option<Box<RawValue>> = params.to_rpc_params()?;
		let params = params.as_deref().map_or("[]", RawValue::get);
		let method = serde_json::to_string(method)?;
		let body = format!(r#"{{"jsonrpc":"2.0","id":1,"method":{method},"params":{params}}}"#);
		let answer: Answer<R> = serde_json::from_slice(&self.peers.post(&self.uri, body).await?)?;
		match answer {
			Answer { error: Some(error), .. } => Err(Error::Call(error)),
			Answer { result: Some(result), .. } => Ok(result),
			// `"result": null` is how a method returning an `Option` says "none".
			Answer { result: None, .. } => Ok(serde_json::from_str("null")?),
		}
	}

	async fn batch_request<'a, R>(&self, _batch: BatchRequestBuilder<'a>) -> Result<BatchResponse<'a, R>, Error>
	where
		R: DeserializeOwned + core::fmt::Debug + 'a,
	{
		// Members never batch: each call is bounded on its own.
		Err(Error::HttpNotImplemented)
	}
}
