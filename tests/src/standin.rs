//! A stand-in archive member that claims to hold every block and holds none: the lying member
//! of THREATS.md. It answers `cinearchive_has` with `true` for everything (what an honest member
//! would once have believed), `cinearchive_prove` with made-up proofs, and nothing else. Plain
//! HTTP/1.1 over std threads, on a free loopback port.

use std::{
	io::{BufRead, BufReader, Read, Write},
	net::{TcpListener, TcpStream},
	sync::{
		atomic::{AtomicUsize, Ordering},
		Arc,
	},
};

use serde_json::{json, Value};

/// The running stand-in; its threads end with the test process.
pub struct ClaimingPeer {
	port: u16,
	challenges: Arc<AtomicUsize>,
}

impl ClaimingPeer {
	/// Starts serving on a free port of 127.0.0.1.
	pub fn start() -> Self {
		let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
		let port = listener.local_addr().expect("local address").port();
		let challenges = Arc::new(AtomicUsize::new(0));
		let counter = challenges.clone();
		std::thread::spawn(move || {
			for stream in listener.incoming().flatten() {
				let counter = counter.clone();
				std::thread::spawn(move || serve(stream, &counter));
			}
		});
		Self { port, challenges }
	}

	/// The address to register on chain.
	pub fn address(&self) -> String {
		format!("http://127.0.0.1:{}", self.port)
	}

	/// How many `cinearchive_prove` challenges it has been sent.
	pub fn challenges(&self) -> usize {
		self.challenges.load(Ordering::SeqCst)
	}
}

/// Answers requests on one connection until the peer closes it.
fn serve(stream: TcpStream, challenges: &AtomicUsize) {
	let mut writer = stream.try_clone().expect("clone the stream");
	let mut reader = BufReader::new(stream);
	loop {
		let mut length = 0usize;
		let mut line = String::new();
		loop {
			line.clear();
			if reader.read_line(&mut line).unwrap_or(0) == 0 {
				return;
			}
			if line == "\r\n" {
				break;
			}
			if let Some((name, value)) = line.split_once(':') {
				if name.eq_ignore_ascii_case("content-length") {
					length = value.trim().parse().unwrap_or(0);
				}
			}
		}
		let mut body = vec![0; length];
		if reader.read_exact(&mut body).is_err() {
			return;
		}
		let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
		let answer = json!({ "jsonrpc": "2.0", "id": request["id"], "result": claim(&request, challenges) }).to_string();
		let response = format!(
			"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{answer}",
			answer.len()
		);
		if writer.write_all(response.as_bytes()).is_err() {
			return;
		}
	}
}

/// What the liar says: it has everything, and here are its "proofs".
fn claim(request: &Value, challenges: &AtomicUsize) -> Value {
	let asked = request["params"][0].as_array().map_or(0, Vec::len);
	match request["method"].as_str() {
		Some("cinearchive_has") => json!(vec![true; asked]),
		Some("cinearchive_prove") => {
			challenges.fetch_add(1, Ordering::SeqCst);
			json!(vec![format!("0x{}", "11".repeat(32)); asked])
		},
		_ => Value::Null,
	}
}
