//! How members reach each other: the typed client of [`crate::protocol`] over HTTP(S) to the
//! address each registered on chain (its RPC endpoint). Every answer is bounded in size and
//! time, and every block or proof that comes back is checked by the caller before it is used.
//!
//! A registered address is its registrant's word, so it is checked before anything is sent
//! there ([`check_address`]): `http://` or `https://` only, and no private, loopback or
//! link-local address (as a literal, or as what a host name resolves to) unless the operator
//! allows them ([`AddressPolicy::AllowPrivate`], `--archive-allow-private-peers`). Otherwise
//! anyone could register a "member" at an address inside an operator's network and have every
//! node of the cluster send requests there.
//!
//! The transport is the hyper client the node already compiles (for `sc-offchain`); it carries
//! jsonrpsee's [`ClientT`], which is all the generated `ArchiveRpcClient` needs.

use std::{
	future::Future,
	io,
	net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr},
	pin::Pin,
	task::{Context, Poll},
	time::Duration,
};

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Bytes;
use hyper_rustls::HttpsConnector;
use hyper_util::{
	client::legacy::{
		connect::{
			dns::{GaiResolver, Name},
			HttpConnector,
		},
		Client,
	},
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

/// Which addresses of members a node may send requests to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressPolicy {
	/// Public unicast addresses only (the default).
	PublicOnly,
	/// Private, loopback and link-local addresses too: clusters on a private network, tests.
	AllowPrivate,
}

impl AddressPolicy {
	/// Whether a request may go to `ip`. Never to an unspecified or multicast address.
	pub fn allows(self, ip: IpAddr) -> bool {
		match self {
			Self::PublicOnly => is_public(ip),
			Self::AllowPrivate => !ip.is_unspecified() && !ip.is_multicast(),
		}
	}
}

/// Whether `ip` is a public unicast address: not private, loopback, link-local, shared (CGNAT),
/// documentation, benchmarking, reserved, broadcast, multicast or unspecified; IPv4 addresses
/// mapped into IPv6 are judged as IPv4.
pub fn is_public(ip: IpAddr) -> bool {
	match ip {
		IpAddr::V4(v4) => is_public_v4(v4),
		IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
			Some(v4) => is_public_v4(v4),
			None => is_public_v6(v6),
		},
	}
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
	let [a, b, c, _] = ip.octets();
	let shared = a == 100 && (64..128).contains(&b);
	let protocol_assignments = a == 192 && b == 0 && c == 0;
	let benchmarking = a == 198 && (18..20).contains(&b);
	let reserved = a >= 240 || a == 0;
	!(ip.is_private() ||
		ip.is_loopback() ||
		ip.is_link_local() ||
		ip.is_broadcast() ||
		ip.is_multicast() ||
		ip.is_documentation() ||
		shared || protocol_assignments ||
		benchmarking ||
		reserved)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
	let documentation = ip.segments()[0] == 0x2001 && ip.segments()[1] == 0x0db8;
	!(ip.is_loopback() ||
		ip.is_unspecified() ||
		ip.is_multicast() ||
		ip.is_unique_local() ||
		ip.is_unicast_link_local() ||
		documentation)
}

/// Checks a member's registered address against `policy` and parses it: an `http://` or
/// `https://` URL with a host and no user part, whose host, if an IP address, `policy`
/// allows. (Host names are checked when they are resolved, on every connection.)
pub fn check_address(address: &str, policy: AddressPolicy) -> Result<hyper::Uri, String> {
	let uri: hyper::Uri = address.parse().map_err(|_| format!("{address:?} is not a URL"))?;
	if !matches!(uri.scheme_str(), Some("http" | "https")) {
		return Err(format!("{address:?} is not an http:// or https:// URL"));
	}
	let authority = uri.authority().ok_or_else(|| format!("{address:?} names no host"))?;
	if authority.as_str().contains('@') {
		return Err(format!("{address:?} carries a user name"));
	}
	let host = authority.host().trim_start_matches('[').trim_end_matches(']');
	if let Ok(ip) = host.parse::<IpAddr>() {
		if !policy.allows(ip) {
			return Err(format!("{address:?} is a private or reserved address (see --archive-allow-private-peers)"));
		}
	}
	Ok(uri)
}

/// The system resolver, keeping only the addresses the policy allows: a host name that
/// resolves to private addresses is refused like the literal address would be.
#[derive(Clone)]
struct Resolver {
	system: GaiResolver,
	policy: AddressPolicy,
}

impl tower_service::Service<Name> for Resolver {
	type Response = std::vec::IntoIter<SocketAddr>;
	type Error = io::Error;
	type Future = Pin<Box<dyn Future<Output = io::Result<Self::Response>> + Send>>;

	fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
		self.system.poll_ready(cx)
	}

	fn call(&mut self, name: Name) -> Self::Future {
		let policy = self.policy;
		let lookup = self.system.call(name.clone());
		Box::pin(async move {
			let allowed: Vec<SocketAddr> = lookup.await?.filter(|address| policy.allows(address.ip())).collect();
			if allowed.is_empty() {
				return Err(io::Error::new(
					io::ErrorKind::PermissionDenied,
					format!("{name} resolves to no address this node may reach (see --archive-allow-private-peers)"),
				));
			}
			Ok(allowed.into_iter())
		})
	}
}

/// The largest answer taken from a peer: a full block (5 MiB of extrinsics) as hex, with room.
const MAX_ANSWER: usize = 12 * 1024 * 1024;

/// Why a peer gave no usable answer below the JSON-RPC layer (carried in
/// [`Error::Transport`]).
#[derive(Debug)]
pub enum PeerError {
	/// The address is not one this node may send requests to (see [`check_address`]).
	BadAddress(String),
	/// No answer within the time limit.
	Timeout,
	/// Connection or HTTP failure.
	Transport(String),
}

impl core::fmt::Display for PeerError {
	fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
		match self {
			Self::BadAddress(why) => write!(f, "refused address: {why}"),
			Self::Timeout => write!(f, "no answer in time"),
			Self::Transport(e) => write!(f, "transport: {e}"),
		}
	}
}

impl std::error::Error for PeerError {}

fn transport(e: PeerError) -> Error {
	Error::Transport(Box::new(e))
}

/// A pool of keep-alive HTTP(S) connections to the other members.
#[derive(Clone)]
pub struct Peers {
	http: Client<HttpsConnector<HttpConnector<Resolver>>, Full<Bytes>>,
	timeout: Duration,
	policy: AddressPolicy,
}

/// One member, as a JSON-RPC client: call the [`crate::protocol::ArchiveRpcClient`] methods on it.
pub struct Peer<'a> {
	peers: &'a Peers,
	uri: hyper::Uri,
}

impl Peers {
	/// Peers answering within `timeout`, at addresses `policy` allows.
	pub fn new(timeout: Duration, policy: AddressPolicy) -> Self {
		let mut connector = HttpConnector::new_with_resolver(Resolver { system: GaiResolver::new(), policy });
		connector.set_nodelay(true);
		connector.set_connect_timeout(Some(timeout));
		// The TLS layer below decides between http and https.
		connector.enforce_http(false);
		let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
		let tls = hyper_rustls::HttpsConnectorBuilder::new().with_provider_and_native_roots(provider.clone()).unwrap_or_else(|e| {
			log::warn!(target: "archive", "no system CA certificates ({e}): members serving https cannot be verified");
			let config = rustls::ClientConfig::builder_with_provider(provider)
				.with_safe_default_protocol_versions()
				.expect("ring supports the default protocol versions; qed")
				.with_root_certificates(rustls::RootCertStore::empty())
				.with_no_client_auth();
			hyper_rustls::HttpsConnectorBuilder::new().with_tls_config(config)
		});
		let connector = tls.https_or_http().enable_http1().wrap_connector(connector);
		Self { http: Client::builder(TokioExecutor::new()).build(connector), timeout, policy }
	}

	/// The member serving at `address`, if this node may send requests there.
	pub fn at(&self, address: &str) -> Result<Peer<'_>, Error> {
		let uri = check_address(address, self.policy).map_err(|why| transport(PeerError::BadAddress(why)))?;
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

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn only_public_addresses_unless_the_operator_allows_private_ones() {
		for private in [
			"10.1.2.3", "127.0.0.1", "172.16.0.9", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "255.255.255.255",
			"::1", "fd00::1", "fe80::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "2001:db8::1", "224.0.0.1",
		] {
			let ip: IpAddr = private.parse().unwrap();
			assert!(!is_public(ip), "{private} is not public");
			assert!(!AddressPolicy::PublicOnly.allows(ip), "{private}");
		}
		for public in ["8.8.8.8", "203.0.114.7", "2a00:1450::1", "::ffff:1.1.1.1"] {
			let ip: IpAddr = public.parse().unwrap();
			assert!(is_public(ip) && AddressPolicy::PublicOnly.allows(ip), "{public} is public");
		}
		assert!(AddressPolicy::AllowPrivate.allows("127.0.0.1".parse().unwrap()));
		assert!(AddressPolicy::AllowPrivate.allows("fd00::1".parse().unwrap()));
		assert!(!AddressPolicy::AllowPrivate.allows("0.0.0.0".parse().unwrap()), "never the unspecified address");
		assert!(!AddressPolicy::AllowPrivate.allows("ff02::1".parse().unwrap()), "never multicast");
	}

	#[test]
	fn registered_addresses_are_checked_before_anything_is_sent() {
		use AddressPolicy::*;
		assert!(check_address("http://8.8.8.8:9944", PublicOnly).is_ok());
		assert!(check_address("https://archive.example.org/rpc", PublicOnly).is_ok(), "host names: checked on resolution");
		assert!(check_address("http://[2a00:1450::1]:9944", PublicOnly).is_ok());
		for refused in [
			"http://127.0.0.1:9944",
			"http://[::1]:9944",
			"http://192.168.0.10",
			"http://169.254.169.254/latest/meta-data",
			"ftp://8.8.8.8/",
			"ws://8.8.8.8:9944",
			"file:///etc/passwd",
			"http://user@8.8.8.8/",
			"8.8.8.8:9944",
			"",
		] {
			assert!(check_address(refused, PublicOnly).is_err(), "{refused:?} must be refused");
		}
		assert!(check_address("http://127.0.0.1:9944", AllowPrivate).is_ok());
		assert!(check_address("ftp://127.0.0.1/", AllowPrivate).is_err(), "the scheme rule holds either way");
	}

	#[tokio::test]
	async fn a_host_name_resolving_to_a_private_address_is_refused() {
		let mut resolver = Resolver { system: GaiResolver::new(), policy: AddressPolicy::PublicOnly };
		let name: Name = "localhost".parse().unwrap();
		let refused = tower_service::Service::call(&mut resolver, name.clone()).await;
		assert_eq!(refused.unwrap_err().kind(), io::ErrorKind::PermissionDenied);
		let mut resolver = Resolver { system: GaiResolver::new(), policy: AddressPolicy::AllowPrivate };
		let allowed: Vec<SocketAddr> = tower_service::Service::call(&mut resolver, name).await.unwrap().collect();
		assert!(allowed.iter().all(|a| a.ip().is_loopback()) && !allowed.is_empty());
	}
}
