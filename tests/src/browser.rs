//! A real headless Chromium driven through chromedriver (W3C WebDriver over HTTP on loopback),
//! for the console's tests and its page-load benchmark. Both processes are killed when the
//! [`Browser`] is dropped.
//!
//! Chromium runs as these machines allow it (../shared/design/TESTING.md): headless, no sandbox
//! (tests run as root), no GPU, a fresh profile, and nothing that calls out to the network.

use std::{
	path::{Path, PathBuf},
	process::{Child, Command, Stdio},
	time::{Duration, Instant},
};

use serde_json::{json, Value};

use crate::{free_port, http};

/// The W3C WebDriver element key.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A Chromium session.
pub struct Browser {
	driver: Child,
	port: u16,
	session: String,
	_profile: tempfile::TempDir,
}

/// The Chromium binary: `$CINECHAIN_CHROMIUM`, else Debian's (the binary, not its wrapper
/// script), else `chromium` on the path.
fn chromium() -> PathBuf {
	if let Some(path) = std::env::var_os("CINECHAIN_CHROMIUM") {
		return path.into();
	}
	let debian = Path::new("/usr/lib/chromium/chromium");
	if debian.exists() {
		debian.into()
	} else {
		"chromium".into()
	}
}

impl Browser {
	/// Starts chromedriver and a headless Chromium with a `width`×`height` window; chromedriver
	/// logs to `log`.
	pub fn start(log: &Path, width: u32, height: u32) -> Browser {
		let port = free_port();
		let log_file = std::fs::File::create(log).expect("chromedriver log");
		let driver = Command::new(std::env::var_os("CINECHAIN_CHROMEDRIVER").unwrap_or_else(|| "chromedriver".into()))
			.arg(format!("--port={port}"))
			.stdin(Stdio::null())
			.stdout(log_file.try_clone().expect("log"))
			.stderr(log_file)
			.spawn()
			.expect("start chromedriver (Debian package chromium-driver; scripts/setup.sh installs it)");
		let profile = tempfile::tempdir().expect("a browser profile directory");
		let mut browser = Browser { driver, port, session: String::new(), _profile: profile };
		let deadline = Instant::now() + Duration::from_secs(30);
		while !http::request(port, "GET", "/status", &[], None).is_ok_and(|a| a.json()["value"]["ready"] == true) {
			assert!(Instant::now() < deadline, "chromedriver did not come up within 30 s");
			std::thread::sleep(Duration::from_millis(50));
		}
		let args = [
			"--headless=new".to_string(),
			"--no-sandbox".into(),
			"--disable-gpu".into(),
			"--no-first-run".into(),
			"--disable-background-networking".into(),
			"--disable-component-update".into(),
			"--disable-sync".into(),
			"--disable-dev-shm-usage".into(),
			"--lang=en-GB".into(),
			format!("--window-size={width},{height}"),
			format!("--user-data-dir={}", browser._profile.path().display()),
		];
		let capabilities = json!({ "capabilities": { "alwaysMatch": {
			"browserName": "chrome",
			"goog:chromeOptions": { "binary": chromium(), "args": args },
		} } });
		let answer = browser.command("POST", "/session", Some(&capabilities));
		browser.session = answer["sessionId"].as_str().unwrap_or_else(|| panic!("no session: {answer}")).to_string();
		browser
	}

	/// A WebDriver command; its `value`. Panics with the driver's error.
	fn command(&self, method: &str, path: &str, body: Option<&Value>) -> Value {
		let answer = http::request(self.port, method, path, &[], body).unwrap_or_else(|e| panic!("chromedriver {method} {path}: {e}"));
		let value = answer.json();
		assert_eq!(answer.status, 200, "chromedriver {method} {path}: {value}");
		value["value"].clone()
	}

	fn session_command(&self, method: &str, path: &str, body: Option<&Value>) -> Value {
		self.command(method, &format!("/session/{}{path}", self.session), body)
	}

	/// Opens `url`.
	pub fn goto(&self, url: &str) {
		self.session_command("POST", "/url", Some(&json!({ "url": url })));
	}

	/// Runs `script` (a function body; `arguments` holds `args`) in the page; its return value.
	pub fn execute(&self, script: &str, args: Value) -> Value {
		self.session_command("POST", "/execute/sync", Some(&json!({ "script": script, "args": args })))
	}

	/// Waits until `script` returns something other than `null`/`false`, with a deadline; that
	/// value. Panics naming `what` (and the page's text) when the deadline passes.
	pub fn wait_for(&self, what: &str, timeout: Duration, script: &str) -> Value {
		let deadline = Instant::now() + timeout;
		loop {
			let value = self.execute(script, json!([]));
			if !value.is_null() && value != false {
				return value;
			}
			if Instant::now() > deadline {
				panic!("{what}: not within {timeout:?}; the page says:\n{}", self.text("body"));
			}
			std::thread::sleep(Duration::from_millis(50));
		}
	}

	/// Opens `#route` of the console at `base` and waits for the view `view` to have loaded
	/// (the console sets `body[data-view]` when a view is complete); the time that took (ms, as
	/// the page measured it from the navigation's start).
	pub fn open_view(&self, base: &str, route: &str, view: &str) -> f64 {
		self.goto("about:blank");
		self.goto(&format!("{base}{route}"));
		self.wait_for(
			&format!("the {view} view of {route}"),
			Duration::from_secs(60),
			&format!("return document.body && document.body.dataset.view === '{view}' ? performance.now() : null"),
		)
		.as_f64()
		.expect("a time")
	}

	/// The text of the first element matching `css` ("" if none).
	pub fn text(&self, css: &str) -> String {
		self.execute("const e = document.querySelector(arguments[0]); return e ? e.innerText : '';", json!([css]))
			.as_str()
			.unwrap_or_default()
			.to_string()
	}

	/// The texts of every element matching `css`.
	pub fn texts(&self, css: &str) -> Vec<String> {
		let value = self.execute("return [...document.querySelectorAll(arguments[0])].map(e => e.innerText);", json!([css]));
		value.as_array().expect("a list").iter().map(|v| v.as_str().unwrap_or_default().to_string()).collect()
	}

	/// An attribute of every element matching `css`.
	pub fn attributes(&self, css: &str, name: &str) -> Vec<String> {
		let value = self.execute(
			"return [...document.querySelectorAll(arguments[0])].map(e => e.getAttribute(arguments[1]) || '');",
			json!([css, name]),
		);
		value.as_array().expect("a list").iter().map(|v| v.as_str().unwrap_or_default().to_string()).collect()
	}

	/// Clicks the first element matching `css` as a user would (through WebDriver).
	pub fn click(&self, css: &str) {
		let element = self.session_command("POST", "/element", Some(&json!({ "using": "css selector", "value": css })));
		let id = element[ELEMENT].as_str().unwrap_or_else(|| panic!("no element {css}: {element}")).to_string();
		self.session_command("POST", &format!("/element/{id}/click"), Some(&json!({})));
	}

	/// Types `text` into the first element matching `css`.
	pub fn type_into(&self, css: &str, text: &str) {
		let element = self.session_command("POST", "/element", Some(&json!({ "using": "css selector", "value": css })));
		let id = element[ELEMENT].as_str().unwrap_or_else(|| panic!("no element {css}: {element}")).to_string();
		self.session_command("POST", &format!("/element/{id}/value"), Some(&json!({ "text": text })));
	}

	/// A PNG of the window, written to `path`.
	pub fn screenshot(&self, path: &Path) {
		use base64::Engine as _;
		let png = self.session_command("GET", "/screenshot", None);
		let bytes = base64::engine::general_purpose::STANDARD.decode(png.as_str().expect("base64")).expect("a PNG");
		assert!(bytes.starts_with(b"\x89PNG"), "a PNG screenshot");
		std::fs::write(path, bytes).expect("write the screenshot");
	}
}

impl Drop for Browser {
	fn drop(&mut self) {
		if !self.session.is_empty() {
			let _ = http::request(self.port, "DELETE", &format!("/session/{}", self.session), &[], None);
		}
		let _ = self.driver.kill();
		let _ = self.driver.wait();
	}
}
