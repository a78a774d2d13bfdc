//! A blocking HTTP/1.1 client for loopback servers under test (the indexer's API, chromedriver):
//! one request per connection.

use std::{
	io::{Read, Write},
	net::TcpStream,
	time::Duration,
};

use serde_json::Value;

/// An HTTP answer.
#[derive(Debug)]
pub struct Answer {
	pub status: u16,
	pub headers: String,
	pub body: String,
}

impl Answer {
	/// The body as JSON.
	pub fn json(&self) -> Value {
		serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
	}

	/// A header's value.
	pub fn header(&self, name: &str) -> Option<String> {
		self.headers.lines().find_map(|l| {
			let (k, v) = l.split_once(':')?;
			k.trim().eq_ignore_ascii_case(name).then(|| v.trim().to_string())
		})
	}
}

/// The value of metric `name` in a Prometheus text exposition (its first series, whatever its
/// labels: a node labels every metric with its chain).
pub fn metric(text: &str, name: &str) -> Option<f64> {
	text.lines().find_map(|line| {
		let rest = line.strip_prefix(name)?;
		let value = match rest.strip_prefix('{') {
			Some(labelled) => labelled.split_once("} ")?.1,
			None => rest.strip_prefix(' ')?,
		};
		value.trim().parse().ok()
	})
}

/// `method path` on `127.0.0.1:port` with extra `headers` and a JSON `body`; `Err` when the
/// server does not answer (not up yet, gone).
pub fn request(port: u16, method: &str, path: &str, headers: &[(&str, &str)], body: Option<&Value>) -> Result<Answer, String> {
	let mut stream = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
	stream.set_read_timeout(Some(Duration::from_secs(60))).map_err(|e| e.to_string())?;
	let body = body.map(|b| b.to_string()).unwrap_or_default();
	let mut head = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n");
	for (name, value) in headers {
		assert!(!format!("{name}{value}").contains(['\r', '\n']), "a header holds a line break");
		head.push_str(&format!("{name}: {value}\r\n"));
	}
	if method != "GET" {
		head.push_str(&format!("Content-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\n", body.len()));
	}
	head.push_str("\r\n");
	stream.write_all(head.as_bytes()).and_then(|_| stream.write_all(body.as_bytes())).map_err(|e| e.to_string())?;
	// Read by the answer's own framing: some servers (chromedriver) keep the connection open
	// whatever the request said.
	let mut response = Vec::new();
	let mut buf = [0u8; 16 * 1024];
	let head_end = loop {
		if let Some(at) = response.windows(4).position(|w| w == b"\r\n\r\n") {
			break at;
		}
		let n = stream.read(&mut buf).map_err(|e| e.to_string())?;
		if n == 0 {
			return Err("the connection closed before the answer's head".into());
		}
		response.extend_from_slice(&buf[..n]);
	};
	let head = String::from_utf8(response[..head_end].to_vec()).map_err(|e| format!("the answer's head is not UTF-8: {e}"))?;
	let (status_line, headers) = head.split_once("\r\n").unwrap_or((&head, ""));
	let status = status_line.split(' ').nth(1).and_then(|s| s.parse().ok()).ok_or("no status")?;
	let mut answer = Answer { status, headers: headers.to_string(), body: String::new() };
	let mut body = response[head_end + 4..].to_vec();
	let chunked = answer.header("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked"));
	match answer.header("content-length").and_then(|n| n.parse::<usize>().ok()) {
		Some(length) if !chunked => {
			while body.len() < length {
				let n = stream.read(&mut buf).map_err(|e| e.to_string())?;
				if n == 0 {
					return Err("the connection closed inside the answer's body".into());
				}
				body.extend_from_slice(&buf[..n]);
			}
			body.truncate(length);
		},
		_ if chunked => {
			while !body.ends_with(b"0\r\n\r\n") {
				let n = stream.read(&mut buf).map_err(|e| e.to_string())?;
				if n == 0 {
					break;
				}
				body.extend_from_slice(&buf[..n]);
			}
		},
		_ => {
			stream.read_to_end(&mut body).map_err(|e| e.to_string())?;
		},
	}
	if chunked {
		body = unchunk(&body)?;
	}
	answer.body = String::from_utf8(body).map_err(|e| format!("the answer is not UTF-8: {e}"))?;
	Ok(answer)
}

/// A chunked body's content (chunks may split a character: this works on bytes).
fn unchunk(mut raw: &[u8]) -> Result<Vec<u8>, String> {
	let mut out = Vec::new();
	loop {
		let line_end = raw.windows(2).position(|w| w == b"\r\n").ok_or("a chunk without its size line")?;
		let size_line = std::str::from_utf8(&raw[..line_end]).map_err(|_| "a chunk size that is not text")?;
		let size = usize::from_str_radix(size_line.split(';').next().unwrap_or_default().trim(), 16).map_err(|e| format!("chunk size: {e}"))?;
		if size == 0 {
			return Ok(out);
		}
		let rest = &raw[line_end + 2..];
		out.extend_from_slice(rest.get(..size).ok_or("a chunk shorter than its size")?);
		raw = rest.get(size + 2..).ok_or("a chunk without its end")?;
	}
}
