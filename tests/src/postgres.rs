//! A real PostgreSQL server for a test: a fresh cluster in a temporary directory, listening on
//! 127.0.0.1 at a free port, trust authentication, stopped (SIGKILL) when dropped. It runs as the
//! `postgres` system user when the test runs as root (the server refuses to run as root).
//! `scripts/setup.sh` installs the Debian package.

use std::{
	path::{Path, PathBuf},
	process::{Child, Command, Stdio},
	time::Duration,
};

use crate::{free_port, wait_for};

pub struct Postgres {
	child: Child,
	pub port: u16,
	dir: PathBuf,
}

/// The directory of PostgreSQL's server programs (`initdb`, `postgres`, `pg_isready`).
fn bin_dir() -> PathBuf {
	let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
		.map(|dir| dir.filter_map(|e| e.ok()).map(|e| e.path().join("bin")).filter(|p| p.join("initdb").exists()).collect())
		.unwrap_or_default();
	versions.sort();
	versions.pop().unwrap_or_else(|| panic!("no PostgreSQL server under /usr/lib/postgresql: run scripts/setup.sh"))
}

fn running_as_root() -> bool {
	// SAFETY: geteuid has no preconditions and cannot fail.
	unsafe { libc::geteuid() == 0 }
}

/// `program args...`, as the `postgres` user when we are root.
fn command(program: &Path) -> Command {
	if running_as_root() {
		let mut c = Command::new("runuser");
		c.args(["-u", "postgres", "--"]).arg(program);
		c
	} else {
		Command::new(program)
	}
}

impl Postgres {
	/// Creates a cluster in `dir` (which must not exist) and starts the server.
	pub fn start(dir: &Path) -> Postgres {
		let bin = bin_dir();
		std::fs::create_dir_all(dir).expect("PostgreSQL directory");
		if running_as_root() {
			let status = Command::new("chown").args(["-R", "postgres:postgres"]).arg(dir).status().expect("chown");
			assert!(status.success(), "chown the PostgreSQL directory to postgres");
			// The temporary directory above it must let the postgres user through.
			let mut parent = dir.parent();
			while let Some(p) = parent {
				if p == Path::new("/") {
					break;
				}
				let _ = Command::new("chmod").arg("o+x").arg(p).status();
				parent = p.parent();
			}
		}
		let data = dir.join("data");
		let output = command(&bin.join("initdb"))
			.args(["--auth=trust", "--username=postgres", "--encoding=UTF8", "--locale=C", "-D"])
			.arg(&data)
			.output()
			.expect("run initdb");
		assert!(output.status.success(), "initdb failed: {}", String::from_utf8_lossy(&output.stderr));
		let port = free_port();
		let log = std::fs::File::create(dir.join("postgres.log")).expect("PostgreSQL log");
		let child = command(&bin.join("postgres"))
			.arg("-D")
			.arg(&data)
			.args(["-p", &port.to_string(), "-c", "listen_addresses=127.0.0.1", "-k"])
			.arg(dir)
			.stdin(Stdio::null())
			.stdout(log.try_clone().expect("log"))
			.stderr(log)
			.spawn()
			.expect("start postgres");
		let server = Postgres { child, port, dir: dir.to_path_buf() };
		let ready = bin.join("pg_isready");
		wait_for("PostgreSQL to accept connections", Duration::from_secs(60), &[], || {
			Command::new(&ready)
				.args(["-h", "127.0.0.1", "-p", &port.to_string()])
				.stdout(Stdio::null())
				.status()
				.map(|s| s.success())
				.unwrap_or(false)
		});
		server
	}

	/// A URL for a new database `name` on this server (created here).
	pub fn database(&self, name: &str) -> String {
		let output = Command::new(bin_dir().join("psql"))
			.args(["-h", "127.0.0.1", "-p", &self.port.to_string(), "-U", "postgres", "-c"])
			.arg(format!("CREATE DATABASE {name}"))
			.output()
			.expect("run psql");
		assert!(output.status.success(), "CREATE DATABASE failed: {}", String::from_utf8_lossy(&output.stderr));
		format!("postgres://postgres@127.0.0.1:{}/{name}", self.port)
	}

	/// The server's log, for failure messages.
	pub fn log(&self) -> String {
		std::fs::read_to_string(self.dir.join("postgres.log")).unwrap_or_default()
	}
}

impl Drop for Postgres {
	fn drop(&mut self) {
		// As root the child is runuser; the server is its child. SIGTERM to runuser is passed on;
		// kill the server by its pid file as well, so nothing outlives the test.
		if let Ok(pid) = std::fs::read_to_string(self.dir.join("data/postmaster.pid")) {
			if let Some(pid) = pid.lines().next().and_then(|l| l.trim().parse::<libc::pid_t>().ok()) {
				// SAFETY: the pid is the server this test started (its own pid file).
				unsafe { libc::kill(pid, libc::SIGKILL) };
			}
		}
		let _ = self.child.kill();
		let _ = self.child.wait();
	}
}
