//! The information server under test: a `cinechain-indexer` process following a node, and a
//! blocking HTTP client for its API.

use std::{
	path::{Path, PathBuf},
	process::{Child, Command, Stdio},
};

use serde_json::Value;

use crate::{free_port, profile_binary};

/// A running `cinechain-indexer`; killed (SIGKILL) when dropped.
pub struct Indexer {
	child: Option<Child>,
	pub port: u16,
	log: PathBuf,
	args: Vec<String>,
}

pub use crate::http::Answer;

impl Indexer {
	/// Starts an indexer following the node at `127.0.0.1:node_port` into `db`, with `extra`
	/// arguments, logging to `log`.
	pub fn start(node_port: u16, db: &str, extra: &[&str], log: &Path) -> Indexer {
		let port = free_port();
		let mut args = vec![
			"--node".to_string(),
			format!("ws://127.0.0.1:{node_port}"),
			"--db".into(),
			db.into(),
			"--listen".into(),
			format!("127.0.0.1:{port}"),
		];
		args.extend(extra.iter().map(|s| s.to_string()));
		let mut indexer = Indexer { child: None, port, log: log.to_path_buf(), args };
		indexer.spawn();
		indexer
	}

	fn spawn(&mut self) {
		let log = std::fs::File::options().create(true).append(true).open(&self.log).expect("indexer log");
		let child = Command::new(profile_binary("cinechain-indexer"))
			.args(&self.args)
			.stdin(Stdio::null())
			.stdout(log.try_clone().expect("log"))
			.stderr(log)
			.spawn()
			.expect("start cinechain-indexer");
		self.child = Some(child);
	}

	/// `kill -9`.
	pub fn kill(&mut self) {
		if let Some(mut child) = self.child.take() {
			let _ = child.kill();
			let _ = child.wait();
		}
	}

	/// Starts it again with the same arguments (same database, same port).
	pub fn restart(&mut self) {
		self.kill();
		self.spawn();
	}

	/// The log's last lines, for failure messages.
	pub fn log_tail(&self) -> String {
		let text = std::fs::read_to_string(&self.log).unwrap_or_default();
		let lines: Vec<&str> = text.lines().collect();
		lines[lines.len().saturating_sub(30)..].join("\n")
	}

	/// `GET path`; `Err` while the server is not up.
	pub fn try_get(&self, path: &str) -> Result<Answer, String> {
		crate::http::request(self.port, "GET", path, &[], None)
	}

	/// `GET path`, which must answer.
	pub fn get(&self, path: &str) -> Answer {
		self.try_get(path).unwrap_or_else(|e| panic!("GET {path}: {e}\n{}", self.log_tail()))
	}

	/// `GET path`, which must answer 200 with JSON.
	pub fn json(&self, path: &str) -> Value {
		let answer = self.get(path);
		assert_eq!(answer.status, 200, "GET {path}: {}", answer.body);
		answer.json()
	}

	/// The last block written, once the API is up and a block is indexed.
	pub fn indexed_block(&self) -> Option<u32> {
		let status = self.try_get("/status").ok()?;
		serde_json::from_str::<Value>(&status.body).ok()?["indexedBlock"].as_u64().map(|n| n as u32)
	}
}

impl Drop for Indexer {
	fn drop(&mut self) {
		self.kill();
	}
}
