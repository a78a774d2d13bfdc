//! The playback system's interface: a spool directory. For each screening it writes one JSON
//! event (see [`crate::event`]) into a file named `*.json` in the spool — atomically, by writing
//! `name.json.tmp` (or a dot-file) and renaming it — with names that sort in screening order
//! (e.g. `20261124T193000-hall3.json`). The agent takes files in name order, stores each in the
//! outbox, and only then deletes it; a file that is not a valid event moves to `rejected/` with
//! a `.reason` file beside it. A crash between storing and deleting is harmless: the event's id
//! is remembered and the file is not recorded twice.

use std::{
	fs,
	io::Read,
	path::{Path, PathBuf},
};

use crate::{
	event::{self, Site, MAX_EVENT_BYTES},
	store::{AcceptError, Accepted, Store, StoreError},
};

/// Where rejected events go, inside the spool.
pub const REJECTED_DIR: &str = "rejected";

/// What became of one spool file.
#[derive(Debug, PartialEq, Eq)]
pub enum Taken {
	/// Stored in the outbox as this new record.
	Recorded(u64),
	/// The outbox already had it (a file left behind by a crash, or delivered twice).
	AlreadyHad(u64),
	/// Not a valid event: moved to `rejected/`, with the reason.
	Rejected(String),
}

/// The event files waiting in `spool`, in name order, at most `max`.
pub fn waiting(spool: &Path, max: usize) -> Result<Vec<PathBuf>, String> {
	let entries = fs::read_dir(spool).map_err(|e| format!("cannot read the spool {}: {e}", spool.display()))?;
	let mut files: Vec<PathBuf> = entries
		.filter_map(Result::ok)
		.filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
		.map(|e| e.path())
		.filter(|p| {
			let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
			!name.starts_with('.') && name.ends_with(".json")
		})
		.collect();
	files.sort();
	files.truncate(max);
	Ok(files)
}

/// Takes one event file into the outbox (see the module docs).
pub fn take(store: &Store, site: &Site, file: &Path, now_ms: u64) -> Result<Taken, StoreError> {
	let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("event.json").to_string();
	let parsed = read_bounded(file).and_then(|bytes| event::parse(&bytes));
	let taken = match parsed {
		Ok(event) => {
			let id = event.id.clone().unwrap_or_else(|| name.trim_end_matches(".json").to_string());
			match store.accept(&id, now_ms, |seq, prev| event::to_record(&event, site, seq, prev)) {
				Ok(Accepted::New(seq)) => Taken::Recorded(seq),
				Ok(Accepted::Known(seq)) => Taken::AlreadyHad(seq),
				Err(AcceptError::Invalid(reason)) => Taken::Rejected(reason),
				Err(AcceptError::Store(e)) => return Err(e),
			}
		},
		Err(reason) => Taken::Rejected(reason),
	};
	let cleanup = match &taken {
		Taken::Recorded(_) | Taken::AlreadyHad(_) => fs::remove_file(file),
		Taken::Rejected(reason) => reject(file, &name, reason),
	};
	cleanup.map_err(|e| StoreError(format!("cannot clear {} from the spool: {e}", file.display())))?;
	Ok(taken)
}

fn read_bounded(file: &Path) -> Result<Vec<u8>, String> {
	let mut bytes = Vec::new();
	fs::File::open(file)
		.and_then(|f| f.take(MAX_EVENT_BYTES + 1).read_to_end(&mut bytes))
		.map_err(|e| format!("cannot read the event: {e}"))?;
	if bytes.len() as u64 > MAX_EVENT_BYTES {
		return Err(format!("the event file is larger than {MAX_EVENT_BYTES} bytes"));
	}
	Ok(bytes)
}

fn reject(file: &Path, name: &str, reason: &str) -> std::io::Result<()> {
	let dir = file.parent().unwrap_or(Path::new(".")).join(REJECTED_DIR);
	fs::create_dir_all(&dir)?;
	fs::write(dir.join(format!("{name}.reason")), format!("{reason}\n"))?;
	fs::rename(file, dir.join(name))
}
