//! Helpers for end-to-end tests that run real `cinechain-node` processes on 127.0.0.1.
//!
//! - [`Node`] starts a node on free loopback ports with its own base path and log file, and
//!   kills it when dropped, so a failing test never leaves a process behind.
//! - [`Rpc`] is a small blocking JSON-RPC-over-HTTP client for the node's standard methods.
//! - [`wait_for`] polls a condition with a deadline and, on timeout, fails with the log tails of
//!   the nodes involved.
//! - [`chain`] talks to a node through subxt with types generated from the runtime metadata;
//!   [`records`] builds screening records as projectors do.
//! - [`cluster`] runs an archive cluster (a validator and archive members) for the archive
//!   test and `bench-archive`.
//! - [`flood`] sends what a hostile key sends, for the registration-flood test and `flood`.
//! - [`projector_ok`] and [`ship_chain_spec`] run the real projector agent binary;
//!   [`playback`] runs the demo device's agent on a spool.
//! - [`indexer`] runs `cinechain-indexer`; [`http`] is the blocking client for its API;
//!   [`browser`] drives a real headless Chromium through chromedriver.
//!
//! The node binary is `$CINECHAIN_NODE` if set, else `cinechain-node` in the same cargo profile
//! directory as the test executable (`scripts/test.sh` builds it first).

#![forbid(unsafe_op_in_unsafe_fn)]

pub mod browser;
pub mod chain;
pub mod cluster;
pub mod fleet;
pub mod flood;
pub mod http;
pub mod indexer;
pub mod playback;
pub mod postgres;
pub mod records;
pub mod standin;

use std::{
	fs::File,
	io::{Read, Write},
	net::{TcpListener, TcpStream},
	path::{Path, PathBuf},
	process::{Child, Command, ExitStatus, Stdio},
	sync::{
		atomic::{AtomicU32, Ordering},
		Mutex,
	},
	time::{Duration, Instant},
};

use serde_json::{json, Value};

/// Fixed libp2p secret keys (ed25519, hex), so that peer ids are known before a node starts.
pub const NODE_KEYS: [&str; 11] = [
	"0000000000000000000000000000000000000000000000000000000000000001",
	"0000000000000000000000000000000000000000000000000000000000000002",
	"0000000000000000000000000000000000000000000000000000000000000003",
	"0000000000000000000000000000000000000000000000000000000000000004",
	"0000000000000000000000000000000000000000000000000000000000000005",
	"0000000000000000000000000000000000000000000000000000000000000006",
	"0000000000000000000000000000000000000000000000000000000000000007",
	"0000000000000000000000000000000000000000000000000000000000000008",
	"0000000000000000000000000000000000000000000000000000000000000009",
	"000000000000000000000000000000000000000000000000000000000000000a",
	"000000000000000000000000000000000000000000000000000000000000000b",
];

/// The `cinechain-node` binary under test.
pub fn node_binary() -> PathBuf {
	match std::env::var_os("CINECHAIN_NODE") {
		Some(path) => PathBuf::from(path),
		None => profile_binary("cinechain-node"),
	}
}

/// The `cinechain-projector` agent binary under test.
pub fn projector_binary() -> PathBuf {
	profile_binary("cinechain-projector")
}

/// `cinechain-projector --data-dir <data>`, its stdin closed: add the subcommand.
pub fn projector(data: &Path) -> Command {
	let mut command = Command::new(projector_binary());
	command.arg("--data-dir").arg(data).stdin(Stdio::null());
	command
}

/// Runs a one-shot projector command to completion: its stdout, or a panic with its stderr.
pub fn projector_ok(data: &Path, args: &[&str]) -> String {
	let output = projector(data).args(args).output().expect("run cinechain-projector");
	assert!(
		output.status.success(),
		"cinechain-projector {args:?} failed:\n{}",
		String::from_utf8_lossy(&output.stderr)
	);
	String::from_utf8(output.stdout).expect("the projector prints UTF-8")
}

/// Writes the chain spec a projector is shipped with into its data directory: `chain`'s raw
/// spec with `bootnodes` as its boot nodes.
pub fn ship_chain_spec(data: &Path, chain: &str, bootnodes: &[&Node]) {
	let mut spec: Value = serde_json::from_str(&run_node_command(&["build-spec", "--chain", chain, "--raw"]))
		.expect("build-spec prints JSON");
	spec["bootNodes"] = Value::Array(bootnodes.iter().map(|n| Value::String(n.multiaddr())).collect());
	std::fs::create_dir_all(data).expect("the projector's data directory");
	std::fs::write(data.join("chain-spec.json"), spec.to_string()).expect("write the chain spec");
}

/// A binary of this workspace built in the same cargo profile directory as the test executable.
pub fn profile_binary(name: &str) -> PathBuf {
	// target/<profile>/deps/<test>-<hash> (a test) or target/<profile>/<bin> (a benchmark)
	//   ->  target/<profile>/<name>
	let exe = std::env::current_exe().expect("the program knows its own path");
	let dir = exe.parent().expect("a program in a directory");
	let profile_dir = if dir.ends_with("deps") { dir.parent().expect("target/<profile>") } else { dir };
	profile_dir.join(name)
}

/// Runs `cinechain-node` with `args` to completion and returns its stdout; panics with its
/// stderr if it fails.
pub fn run_node_command(args: &[&str]) -> String {
	let binary = node_binary();
	let output = Command::new(&binary)
		.args(args)
		.output()
		.unwrap_or_else(|e| panic!("cannot run {}: {e} (build it with scripts/test.sh)", binary.display()));
	assert!(
		output.status.success(),
		"`cinechain-node {}` failed ({}):\n{}",
		args.join(" "),
		output.status,
		String::from_utf8_lossy(&output.stderr)
	);
	String::from_utf8(output.stdout).expect("the node prints UTF-8")
}

/// A free TCP port on 127.0.0.1 for a node to listen on.
///
/// Asking the kernel for port 0 and releasing it races: two tests running at once can be handed
/// the same port, and any process's outgoing connection may take it before the node binds it.
/// So ports come from below the kernel's ephemeral range (which outgoing connections never
/// use), each handed out once per test process (a counter), starting at an offset derived from
/// the process id (so two test processes at once start far apart), and checked free by a bind.
pub fn free_port() -> u16 {
	static NEXT: AtomicU32 = AtomicU32::new(0);
	let (low, high) = listen_port_range();
	let span = u32::from(high - low);
	let start = std::process::id().wrapping_mul(2_654_435_761) % span;
	for _ in 0..span {
		let offset = (start + NEXT.fetch_add(1, Ordering::Relaxed)) % span;
		let port = low + offset as u16;
		if TcpListener::bind(("127.0.0.1", port)).is_ok() {
			return port;
		}
	}
	panic!("no free port on 127.0.0.1 in {low}..{high}");
}

/// The ports [`free_port`] hands out: the 12,000 below the kernel's ephemeral range.
fn listen_port_range() -> (u16, u16) {
	let ephemeral_low = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
		.ok()
		.and_then(|text| text.split_whitespace().next()?.parse::<u16>().ok())
		.unwrap_or(32_768);
	let high = ephemeral_low.max(13_024);
	(high - 12_000, high)
}

/// The libp2p peer id that `node_key` gives a node.
pub fn peer_id(node_key: &str) -> String {
	let dir = tempfile::tempdir().expect("temp dir");
	let file = dir.path().join("node-key");
	std::fs::write(&file, node_key).expect("write node key");
	run_node_command(&["key", "inspect-node-key", "--file", file.to_str().expect("utf-8 path")])
		.trim()
		.to_string()
}

/// How to start one node.
#[derive(Clone, Debug)]
pub struct NodeConfig {
	/// A name for logs and failure messages.
	pub name: String,
	/// Chain: `dev`, `local` or a chain-spec path.
	pub chain: String,
	/// Index into [`NODE_KEYS`] for the libp2p identity.
	pub key_index: usize,
	/// Extra arguments (`--alice`, `--validator`, `--bootnodes ...`).
	pub extra_args: Vec<String>,
	/// Whether it serves Prometheus metrics (on a free port; [`Node::metric`]).
	pub prometheus: bool,
}

impl NodeConfig {
	/// A node on `chain` with the identity `NODE_KEYS[key_index]`.
	pub fn new(name: &str, chain: &str, key_index: usize) -> Self {
		Self { name: name.into(), chain: chain.into(), key_index, extra_args: Vec::new(), prometheus: false }
	}

	/// Serves Prometheus metrics, on 127.0.0.1 and a free port.
	pub fn with_prometheus(mut self) -> Self {
		self.prometheus = true;
		self
	}

	/// Adds command-line arguments.
	pub fn args<I: IntoIterator<Item = S>, S: Into<String>>(mut self, args: I) -> Self {
		self.extra_args.extend(args.into_iter().map(Into::into));
		self
	}
}

/// A running `cinechain-node` process. Dropping it kills the process (SIGKILL).
pub struct Node {
	/// How it was started (to restart it on the same base path).
	pub config: NodeConfig,
	/// Its JSON-RPC endpoint.
	pub rpc: Rpc,
	/// Its libp2p listen port on 127.0.0.1.
	pub p2p_port: u16,
	/// Its Prometheus port on 127.0.0.1, if it serves metrics.
	pub prometheus_port: Option<u16>,
	/// When the process was spawned.
	pub started: Instant,
	child: Mutex<Option<Child>>,
	base_path: PathBuf,
	log_path: PathBuf,
}

impl Node {
	/// Starts a node with its data in `base_path` (kept across restarts) on free ports.
	pub fn start(config: NodeConfig, base_path: &Path) -> Node {
		Node::start_on(config, base_path, free_port(), free_port())
	}

	/// Starts a node with its data in `base_path` on the given RPC and libp2p ports.
	pub fn start_on(config: NodeConfig, base_path: &Path, rpc_port: u16, p2p_port: u16) -> Node {
		std::fs::create_dir_all(base_path).expect("create base path");
		let log_path = base_path.join(format!("{}.log", config.name));
		let log = File::options().create(true).append(true).open(&log_path).expect("open log");
		let node_key = NODE_KEYS[config.key_index];
		let mut command = Command::new(node_binary());
		command
			.args(["--chain", &config.chain])
			.arg("--base-path")
			.arg(base_path)
			.args(["--name", &config.name])
			.args(["--node-key", node_key])
			.args(["--listen-addr", &format!("/ip4/127.0.0.1/tcp/{p2p_port}")])
			.args(["--rpc-port", &rpc_port.to_string()])
			// Loopback only: no discovery beyond the nodes a test names, no telemetry.
			.args(["--no-mdns", "--no-telemetry"])
			// Archive members register loopback addresses, which nodes refuse by default.
			.arg("--archive-allow-private-peers")
			.args(&config.extra_args)
			.stdin(Stdio::null())
			.stdout(log.try_clone().expect("clone log handle"))
			.stderr(log);
		let prometheus_port = config.prometheus.then(free_port);
		match prometheus_port {
			Some(port) => command.args(["--prometheus-port", &port.to_string()]),
			None => command.arg("--no-prometheus"),
		};
		let child = command
			.spawn()
			.unwrap_or_else(|e| panic!("cannot start {}: {e}", node_binary().display()));
		Node {
			rpc: Rpc::new(rpc_port),
			p2p_port,
			prometheus_port,
			started: Instant::now(),
			child: Mutex::new(Some(child)),
			base_path: base_path.to_path_buf(),
			log_path,
			config,
		}
	}

	/// The value of metric `name` on its Prometheus endpoint (`None` if it serves none, is not
	/// up, or has no such metric).
	pub fn metric(&self, name: &str) -> Option<f64> {
		let answer = http::request(self.prometheus_port?, "GET", "/metrics", &[], None).ok()?;
		http::metric(&answer.body, name)
	}

	/// Its multiaddress with peer id, for other nodes' `--bootnodes`.
	pub fn multiaddr(&self) -> String {
		format!("/ip4/127.0.0.1/tcp/{}/p2p/{}", self.p2p_port, peer_id(NODE_KEYS[self.config.key_index]))
	}

	/// The last `lines` lines of its log.
	pub fn log_tail(&self, lines: usize) -> String {
		let text = std::fs::read_to_string(&self.log_path).unwrap_or_default();
		let all: Vec<&str> = text.lines().collect();
		all[all.len().saturating_sub(lines)..].join("\n")
	}

	/// Its process id, while it runs.
	pub fn pid(&self) -> Option<u32> {
		self.child.lock().expect("no panics while locked").as_ref().map(|child| child.id())
	}

	/// Whether the process is still running.
	pub fn is_running(&self) -> bool {
		match self.child.lock().expect("no panics while locked").as_mut() {
			Some(child) => matches!(child.try_wait(), Ok(None)),
			None => false,
		}
	}

	/// Kills it at once (SIGKILL), as a power cut or `kill -9` would.
	pub fn kill(&mut self) {
		if let Some(mut child) = self.child.lock().expect("no panics while locked").take() {
			let _ = child.kill();
			let _ = child.wait();
		}
	}

	/// Asks it to stop (SIGTERM) and waits up to `timeout` for it to exit; returns its exit
	/// status, or `None` if it had to be killed.
	pub fn stop(&mut self, timeout: Duration) -> Option<ExitStatus> {
		let mut child = self.child.lock().expect("no panics while locked").take()?;
		let pid = libc::pid_t::try_from(child.id()).expect("pids fit pid_t");
		// SAFETY: `pid` is our own child, not yet reaped, so it names that process.
		unsafe { libc::kill(pid, libc::SIGTERM) };
		let deadline = Instant::now() + timeout;
		while Instant::now() < deadline {
			if let Ok(Some(status)) = child.try_wait() {
				return Some(status);
			}
			std::thread::sleep(Duration::from_millis(100));
		}
		let _ = child.kill();
		let _ = child.wait();
		None
	}

	/// Starts it again on the same base path and the same ports (so that peers and clients that
	/// know its address, such as a light client's chain spec, find it again).
	pub fn restart(&mut self) {
		self.kill();
		let restarted = Node::start_on(self.config.clone(), &self.base_path, self.rpc.port, self.p2p_port);
		let old = std::mem::replace(self, restarted);
		drop(old);
	}

	/// Its finalized block number (0 while the RPC server is not up yet).
	pub fn finalized_number(&self) -> u32 {
		self.rpc.finalized_number().unwrap_or(0)
	}

	/// Its best block number (0 while the RPC server is not up yet).
	pub fn best_number(&self) -> u32 {
		self.rpc.best_number().unwrap_or(0)
	}
}

impl Drop for Node {
	fn drop(&mut self) {
		self.kill();
	}
}

/// Starts the validators `names` (each with its well-known keys, `--alice` ...) on `chain`, each
/// in `dir/<name>`, the first one the others' bootnode; `configure` adds what one of them needs
/// beyond that (it gets the validator's index).
pub fn start_validators(
	names: &[&str],
	chain: &str,
	dir: &Path,
	configure: impl Fn(usize, NodeConfig) -> NodeConfig,
) -> Vec<Node> {
	let mut nodes: Vec<Node> = Vec::new();
	for (index, name) in names.iter().enumerate() {
		let mut config = NodeConfig::new(name, chain, index).args([format!("--{name}"), "--validator".into()]);
		if let Some(first) = nodes.first() {
			config = config.args(["--bootnodes".to_string(), first.multiaddr()]);
		}
		nodes.push(Node::start(configure(index, config), &dir.join(name)));
	}
	nodes
}

/// The last `lines` log lines of each of `nodes`, headed by its name: what a failing test prints.
pub fn log_tails(nodes: &[&Node], lines: usize) -> String {
	nodes
		.iter()
		.map(|node| format!("---- {} (last {lines} log lines) ----\n{}", node.config.name, node.log_tail(lines)))
		.collect::<Vec<_>>()
		.join("\n")
}

/// Polls `condition` every 250 ms until it holds or `timeout` passes; panics with `what` and
/// the log tails of `nodes` on timeout, or at once if one of `nodes` has exited.
pub fn wait_for(what: &str, timeout: Duration, nodes: &[&Node], condition: impl FnMut() -> bool) {
	wait_for_explained(what, timeout, nodes, condition, String::new)
}

/// [`wait_for`], whose failure message also carries `explain()`: the state the condition saw
/// last, so that a timeout says how far from the goal it stopped.
pub fn wait_for_explained(
	what: &str,
	timeout: Duration,
	nodes: &[&Node],
	mut condition: impl FnMut() -> bool,
	explain: impl Fn() -> String,
) {
	let deadline = Instant::now() + timeout;
	let logs = || format!("{}\n{}", explain(), log_tails(nodes, 40));
	while Instant::now() < deadline {
		if condition() {
			return;
		}
		if let Some(dead) = nodes.iter().find(|node| !node.is_running()) {
			panic!("node {} exited while waiting for {what}\n{}", dead.config.name, logs());
		}
		std::thread::sleep(Duration::from_millis(250));
	}
	panic!("timed out after {timeout:?} waiting for {what}\n{}", logs());
}

/// A blocking JSON-RPC client over HTTP/1.1 for one node on 127.0.0.1.
#[derive(Clone, Debug)]
pub struct Rpc {
	/// The node's RPC port.
	pub port: u16,
}

impl Rpc {
	/// A client for the node listening on `127.0.0.1:port`.
	pub fn new(port: u16) -> Self {
		Self { port }
	}

	/// Calls `method` with `params`; `Err` for transport errors and JSON-RPC errors alike.
	pub fn call(&self, method: &str, params: Value) -> Result<Value, String> {
		let body = json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": params }).to_string();
		let mut stream = TcpStream::connect(("127.0.0.1", self.port)).map_err(|e| e.to_string())?;
		stream.set_read_timeout(Some(Duration::from_secs(10))).map_err(|e| e.to_string())?;
		write!(
			stream,
			"POST / HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Type: application/json\r\n\
			 Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
			self.port,
			body.len()
		)
		.map_err(|e| e.to_string())?;
		let mut response = String::new();
		stream.read_to_string(&mut response).map_err(|e| e.to_string())?;
		let (_, payload) = response.split_once("\r\n\r\n").ok_or("malformed HTTP response")?;
		let reply: Value = serde_json::from_str(payload.trim()).map_err(|e| format!("{e}: {payload}"))?;
		match reply.get("error") {
			Some(error) => Err(error.to_string()),
			None => Ok(reply["result"].clone()),
		}
	}

	/// The finalized head's hash.
	pub fn finalized_hash(&self) -> Result<String, String> {
		self.call("chain_getFinalizedHead", json!([]))?
			.as_str()
			.map(str::to_owned)
			.ok_or_else(|| "no finalized head".into())
	}

	/// The number of the block with hash `hash` (the best block if `None`).
	pub fn block_number(&self, hash: Option<&str>) -> Result<u32, String> {
		let header = self.call("chain_getHeader", json!([hash]))?;
		let number = header["number"].as_str().ok_or("header without number")?;
		u32::from_str_radix(number.trim_start_matches("0x"), 16).map_err(|e| e.to_string())
	}

	/// The finalized block number.
	pub fn finalized_number(&self) -> Result<u32, String> {
		let hash = self.finalized_hash()?;
		self.block_number(Some(&hash))
	}

	/// The best block number.
	pub fn best_number(&self) -> Result<u32, String> {
		self.block_number(None)
	}

	/// The hash of block `number` on the node's best chain.
	pub fn block_hash(&self, number: u32) -> Result<String, String> {
		self.call("chain_getBlockHash", json!([number]))?
			.as_str()
			.map(str::to_owned)
			.ok_or_else(|| format!("no block {number}"))
	}

	/// How many peers the node is connected to.
	pub fn peers(&self) -> Result<u64, String> {
		self.call("system_health", json!([]))?["peers"].as_u64().ok_or_else(|| "no peer count".into())
	}
}
