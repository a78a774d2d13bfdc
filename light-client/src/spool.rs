//! The playback system's interface: a spool directory. For each screening it writes one JSON
//! event (see [`crate::event`]) into a file named `*.json` in the spool — atomically, by writing
//! `name.json.tmp` (or a dot-file) and renaming it — with names that sort in screening order
//! (e.g. `20261124T193000-hall3.json`). The agent takes files in name order, stores each in the
//! outbox, and only then deletes it; a file that is not a valid event moves to `rejected/` with
//! a `.reason` file beside it. A crash between storing and deleting is harmless: the event's id
//! is remembered and the file is not recorded twice.
//!
//! Whoever writes the spool is not trusted with anything else on the device (a broken or hostile
//! playback system must not hurt it):
//! - An event is read only from a regular file, opened without following a link and without
//!   blocking (a FIFO would hang the agent), and checked by its open handle (`fstat`), so a file
//!   swapped after the listing is judged as what was opened. Anything else named `*.json` — a
//!   link, a FIFO, a directory — is rejected. At most [`MAX_EVENT_BYTES`] are read.
//! - Everything the agent writes or moves in the spool goes through directory handles opened
//!   without following links (`openat`, `renameat`, `unlinkat`), and a `.reason` file is created
//!   afresh (`O_EXCL`): a link planted as `rejected/` or as a reason file's name cannot send a
//!   write to the agent's key or outbox. If `rejected/` is not a real directory, a rejected
//!   event is deleted instead, its reason in the agent's log.
//! - An event without an `id` is known by its content (a hash of its bytes), not by its file
//!   name: a playback system that reuses names loses no screening, and a file delivered twice is
//!   still recorded once.

use std::{
	ffi::CString,
	fs,
	io::{Read, Write},
	os::{
		fd::{AsRawFd, FromRawFd, OwnedFd},
		unix::ffi::OsStrExt,
	},
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
	/// Not a valid event: moved to `rejected/` (or deleted, see the module docs), with the
	/// reason.
	Rejected(String),
}

/// The event files waiting in `spool`, in name order, at most `max`: every entry named `*.json`
/// that is not a dot-file, whatever its type ([`take`] rejects what is not a regular file).
pub fn waiting(spool: &Path, max: usize) -> Result<Vec<PathBuf>, String> {
	let entries = fs::read_dir(spool).map_err(|e| format!("cannot read the spool {}: {e}", spool.display()))?;
	let mut files: Vec<PathBuf> = entries
		.filter_map(Result::ok)
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
	let cannot = |e: std::io::Error| StoreError(format!("cannot clear {} from the spool: {e}", file.display()));
	let (Some(parent), Some(name)) = (file.parent(), file.file_name()) else {
		return Err(StoreError(format!("{} is not a file in the spool", file.display())));
	};
	let spool = Dir::open(parent).map_err(|e| StoreError(format!("cannot open the spool {}: {e}", parent.display())))?;
	let name = name.as_bytes();
	let parsed = spool.read_event(name).and_then(|bytes| {
		let event = event::parse(&bytes)?;
		Ok((event, bytes))
	});
	let taken = match parsed {
		Ok((event, bytes)) => {
			let id = event.id.clone().unwrap_or_else(|| content_id(&bytes));
			match store.accept(&id, now_ms, |seq, prev| event::to_record(&event, site, seq, prev)) {
				Ok(Accepted::New(seq)) => Taken::Recorded(seq),
				Ok(Accepted::Known(seq)) => Taken::AlreadyHad(seq),
				Err(AcceptError::SetAside) => Taken::Rejected(
					"this event's record was set aside by a technician (see `status`); it is not recorded again".into(),
				),
				Err(AcceptError::Invalid(reason)) => Taken::Rejected(reason),
				Err(AcceptError::Store(e)) => return Err(e),
			}
		},
		Err(reason) => Taken::Rejected(reason),
	};
	match &taken {
		Taken::Recorded(_) | Taken::AlreadyHad(_) => spool.remove(name).map_err(cannot)?,
		Taken::Rejected(reason) => {
			if let Err(e) = reject(&spool, name, reason) {
				// `rejected/` is not a directory the agent may write in (or the entry is gone): the
				// event goes, its reason stays in the agent's log.
				return Ok(Taken::Rejected(match spool.remove(name) {
					Ok(()) => format!("{reason} (deleted: cannot move it to {REJECTED_DIR}/: {e})"),
					Err(gone) if gone.kind() == std::io::ErrorKind::NotFound => format!("{reason} (gone from the spool)"),
					Err(left) => format!(
						"{reason} (left in the spool: cannot move it to {REJECTED_DIR}/: {e}, nor delete it: {left})"
					),
				}));
			}
		},
	}
	Ok(taken)
}

/// The id of an event that names none: `blake2:` and the hex of its bytes' BLAKE2-256 (71
/// characters, within [`event::MAX_EVENT_ID_LEN`]).
pub fn content_id(bytes: &[u8]) -> String {
	format!("blake2:{}", hex::encode(sp_crypto_hashing::blake2_256(bytes)))
}

/// Moves event `name` into `rejected/` with its reason beside it, both through directory
/// handles.
fn reject(spool: &Dir, name: &[u8], reason: &str) -> std::io::Result<()> {
	let rejected = spool.child_dir(REJECTED_DIR.as_bytes())?;
	rejected.write_new(&[name, b".reason"].concat(), format!("{reason}\n").as_bytes())?;
	spool.rename_into(name, &rejected)
}

/// A directory held open, so that what is done in it cannot be redirected by a link.
struct Dir(OwnedFd);

/// `name` as a C string; a name with a NUL byte is refused.
fn c_name(name: &[u8]) -> std::io::Result<CString> {
	CString::new(name).map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidInput, "a NUL byte in a file name"))
}

/// The result of a libc call that returns -1 on failure.
fn check(result: libc::c_int) -> std::io::Result<libc::c_int> {
	if result == -1 {
		Err(std::io::Error::last_os_error())
	} else {
		Ok(result)
	}
}

impl Dir {
	/// Opens directory `path`, which may itself be a link (the spool's path is the operator's
	/// setting; nothing inside it is followed).
	fn open(path: &Path) -> std::io::Result<Dir> {
		let path = c_name(path.as_os_str().as_bytes())?;
		let flags = libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC;
		// SAFETY: `path` is a valid C string; the returned descriptor is owned by `Dir` alone.
		let fd = check(unsafe { libc::open(path.as_ptr(), flags) })?;
		Ok(Dir(unsafe { OwnedFd::from_raw_fd(fd) }))
	}

	/// Opens `name` in this directory, relative to it.
	fn open_at(&self, name: &[u8], flags: libc::c_int, mode: libc::mode_t) -> std::io::Result<OwnedFd> {
		let name = c_name(name)?;
		// SAFETY: as in `open`; `self.0` is an open directory descriptor.
		let fd = check(unsafe { libc::openat(self.0.as_raw_fd(), name.as_ptr(), flags | libc::O_CLOEXEC, mode as libc::c_uint) })?;
		Ok(unsafe { OwnedFd::from_raw_fd(fd) })
	}

	/// Subdirectory `name`, made if missing; refused if it is a link or not a directory.
	fn child_dir(&self, name: &[u8]) -> std::io::Result<Dir> {
		let c = c_name(name)?;
		// SAFETY: as in `open_at`.
		if let Err(e) = check(unsafe { libc::mkdirat(self.0.as_raw_fd(), c.as_ptr(), 0o755) }) {
			if e.kind() != std::io::ErrorKind::AlreadyExists {
				return Err(e);
			}
		}
		Ok(Dir(self.open_at(name, libc::O_RDONLY | libc::O_DIRECTORY | libc::O_NOFOLLOW, 0)?))
	}

	/// Event `name`'s bytes, if it is a regular file of at most [`MAX_EVENT_BYTES`] (see the
	/// module docs).
	fn read_event(&self, name: &[u8]) -> Result<Vec<u8>, String> {
		let fd = self
			.open_at(name, libc::O_RDONLY | libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_NOCTTY, 0)
			.map_err(|e| match e.raw_os_error() {
				Some(libc::ELOOP) => "the event is a link, not a regular file".to_string(),
				_ => format!("cannot read the event: {e}"),
			})?;
		let mut file = fs::File::from(fd);
		let metadata = file.metadata().map_err(|e| format!("cannot read the event: {e}"))?;
		if !metadata.file_type().is_file() {
			return Err("the event is not a regular file".into());
		}
		if metadata.len() > MAX_EVENT_BYTES {
			return Err(format!("the event file is larger than {MAX_EVENT_BYTES} bytes ({} bytes)", metadata.len()));
		}
		// Bounded again while reading: the writer may still be appending to it.
		let mut bytes = Vec::new();
		(&mut file).take(MAX_EVENT_BYTES + 1).read_to_end(&mut bytes).map_err(|e| format!("cannot read the event: {e}"))?;
		if bytes.len() as u64 > MAX_EVENT_BYTES {
			return Err(format!("the event file is larger than {MAX_EVENT_BYTES} bytes (it grew while read)"));
		}
		Ok(bytes)
	}

	/// Writes `bytes` into a new file `name`, replacing whatever entry had that name (a link is
	/// removed, never followed).
	fn write_new(&self, name: &[u8], bytes: &[u8]) -> std::io::Result<()> {
		match self.remove(name) {
			Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
			_ => {},
		}
		let fd = self.open_at(name, libc::O_WRONLY | libc::O_CREAT | libc::O_EXCL | libc::O_NOFOLLOW, 0o644)?;
		fs::File::from(fd).write_all(bytes)
	}

	/// Moves entry `name` (whatever it is; a link moves as a link) into `to`, same name.
	fn rename_into(&self, name: &[u8], to: &Dir) -> std::io::Result<()> {
		let c = c_name(name)?;
		// SAFETY: as in `open_at`.
		check(unsafe { libc::renameat(self.0.as_raw_fd(), c.as_ptr(), to.0.as_raw_fd(), c.as_ptr()) }).map(drop)
	}

	/// Removes entry `name` (a link is removed, not its target).
	fn remove(&self, name: &[u8]) -> std::io::Result<()> {
		let c = c_name(name)?;
		// SAFETY: as in `open_at`.
		check(unsafe { libc::unlinkat(self.0.as_raw_fd(), c.as_ptr(), 0) }).map(drop)
	}
}
