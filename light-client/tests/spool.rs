//! A broken or hostile playback system cannot hurt the device through the spool: links, FIFOs,
//! huge files and reused names (see `spool`'s module docs). The agent's own files stand in as
//! `device.key` and `outbox.redb` beside the spool, as in its data directory.

use std::{
	fs,
	os::unix::fs::symlink,
	path::PathBuf,
	time::Duration,
};

use cinechain_projector::{
	event::Site,
	spool::{self, Taken},
	store::Store,
};

const SITE: Site = Site { cinema: 11_010_501, location: None };
const KEY: &str = "the device's secret key";

fn event_json(title: &str, ended_at: u64) -> String {
	format!(
		r#"{{"film":{{"title":"{title}","film_code":"F-1"}},"projectionist":"P-1","hall":2,
		"started_at":{},"ended_at":{ended_at},"outcome":"completed"}}"#,
		ended_at - 7_200_000
	)
}

struct Device {
	_dir: tempfile::TempDir,
	spool: PathBuf,
	key: PathBuf,
	store: Store,
}

impl Device {
	fn new() -> Device {
		let dir = tempfile::tempdir().unwrap();
		let spool = dir.path().join("spool");
		fs::create_dir_all(&spool).unwrap();
		let key = dir.path().join("device.key");
		fs::write(&key, KEY).unwrap();
		let store = Store::open(&dir.path().join("outbox.redb")).unwrap();
		Device { _dir: dir, spool, key, store }
	}

	/// One look at the spool, as the agent takes it.
	fn take_all(&self) -> Vec<(String, Taken)> {
		spool::waiting(&self.spool, 100)
			.unwrap()
			.into_iter()
			.map(|f| {
				let name = f.file_name().unwrap().to_string_lossy().into_owned();
				(name, spool::take(&self.store, &SITE, &f, 0).unwrap())
			})
			.collect()
	}

	fn key_untouched(&self) {
		assert_eq!(fs::read_to_string(&self.key).unwrap(), KEY, "the device key was written through the spool");
		assert!(fs::symlink_metadata(&self.key).unwrap().file_type().is_file());
	}

	fn recorded(&self) -> u64 {
		self.store.tail().unwrap().last_seq
	}
}

fn rejected_because(taken: &Taken, why: &str) -> bool {
	matches!(taken, Taken::Rejected(reason) if reason.contains(why))
}

#[test]
fn a_link_is_not_an_event_and_is_moved_as_a_link() {
	let device = Device::new();
	// A valid event outside the spool, linked in: not read, not recorded, not touched.
	let outside = device.spool.parent().unwrap().join("outside.json");
	fs::write(&outside, event_json("outside", 8_000_000)).unwrap();
	symlink(&outside, device.spool.join("1-link.json")).unwrap();
	symlink(&device.key, device.spool.join("2-key.json")).unwrap();
	let taken = device.take_all();
	assert!(rejected_because(&taken[0].1, "is a link"), "{taken:?}");
	assert!(rejected_because(&taken[1].1, "is a link"), "{taken:?}");
	assert_eq!(device.recorded(), 0);
	// Moved into rejected/ as links: the targets stay where they were.
	assert!(fs::symlink_metadata(device.spool.join("rejected/1-link.json")).unwrap().file_type().is_symlink());
	assert!(outside.is_file());
	device.key_untouched();
}

#[test]
fn a_planted_reason_file_link_is_replaced_not_followed() {
	let device = Device::new();
	fs::create_dir_all(device.spool.join("rejected")).unwrap();
	symlink(&device.key, device.spool.join("rejected/bad.json.reason")).unwrap();
	fs::write(device.spool.join("bad.json"), "not json").unwrap();
	let taken = device.take_all();
	assert!(rejected_because(&taken[0].1, "not a screening event"), "{taken:?}");
	device.key_untouched();
	let reason = device.spool.join("rejected/bad.json.reason");
	assert!(fs::symlink_metadata(&reason).unwrap().file_type().is_file(), "a new file where the link was");
	assert!(fs::read_to_string(&reason).unwrap().contains("not a screening event"));
}

#[test]
fn a_rejected_dir_that_is_a_link_is_not_written_through() {
	let device = Device::new();
	// rejected/ -> the agent's data directory: moving there would let a crafted name land
	// beside (or over) the key.
	let data = device.key.parent().unwrap().to_path_buf();
	symlink(&data, device.spool.join("rejected")).unwrap();
	fs::write(device.spool.join("device.key.json"), "not json").unwrap();
	let taken = device.take_all();
	assert!(rejected_because(&taken[0].1, "deleted: cannot move it to rejected/"), "{taken:?}");
	assert!(!device.spool.join("device.key.json").exists(), "the bad event is gone from the spool");
	assert!(!data.join("device.key.json").exists() && !data.join("device.key.json.reason").exists());
	device.key_untouched();
}

#[test]
fn a_fifo_or_a_directory_does_not_hang_the_agent() {
	let device = Device::new();
	let fifo = device.spool.join("1-fifo.json");
	let path = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
	assert_eq!(unsafe { libc::mkfifo(path.as_ptr(), 0o644) }, 0, "mkfifo");
	fs::create_dir_all(device.spool.join("2-dir.json")).unwrap();
	fs::write(device.spool.join("3-good.json"), event_json("good", 8_000_000)).unwrap();
	// Opening a FIFO without O_NONBLOCK waits for a writer forever: the look runs on a thread
	// of its own, and the test fails (instead of hanging) if it does not come back.
	let (done, result) = std::sync::mpsc::channel();
	let spool = device.spool.clone();
	std::thread::spawn(move || {
		let store = Store::open(&spool.parent().unwrap().join("fifo-outbox.redb")).unwrap();
		let taken: Vec<Taken> =
			spool::waiting(&spool, 100).unwrap().iter().map(|f| spool::take(&store, &SITE, f, 0).unwrap()).collect();
		let _ = done.send(taken);
	});
	let taken = result.recv_timeout(Duration::from_secs(120)).expect("the agent hung on the spool");
	assert!(rejected_because(&taken[0], "not a regular file"), "{taken:?}");
	assert!(rejected_because(&taken[1], "not a regular file"), "{taken:?}");
	assert_eq!(taken[2], Taken::Recorded(1), "{taken:?}");
	let left = device.take_all();
	assert!(left.is_empty(), "nothing left to look at every round: {left:?}");
}

#[test]
fn a_huge_file_is_refused_by_its_size_without_reading_it() {
	let device = Device::new();
	let huge = fs::File::create(device.spool.join("huge.json")).unwrap();
	huge.set_len(64 << 30).unwrap(); // 64 GiB, sparse
	drop(huge);
	let taken = device.take_all();
	assert!(rejected_because(&taken[0].1, "larger than"), "{taken:?}");
	// Refused by the open file's size (fstat), before any byte was read.
	assert!(rejected_because(&taken[0].1, &format!("({} bytes)", 64u64 << 30)), "{taken:?}");
	assert_eq!(device.recorded(), 0);
}

#[test]
fn events_without_an_id_are_known_by_their_content_not_their_name() {
	let device = Device::new();
	let write = |name: &str, body: &str| fs::write(device.spool.join(name), body).unwrap();
	// A playback system that reuses one name: each screening is recorded.
	write("current.json", &event_json("first", 8_000_000));
	assert_eq!(device.take_all()[0].1, Taken::Recorded(1));
	write("current.json", &event_json("second", 9_000_000));
	assert_eq!(device.take_all()[0].1, Taken::Recorded(2));
	// The same screening delivered twice under two names: recorded once.
	write("again-1.json", &event_json("third", 10_000_000));
	write("again-2.json", &event_json("third", 10_000_000));
	let taken = device.take_all();
	assert_eq!(taken[0].1, Taken::Recorded(3));
	assert_eq!(taken[1].1, Taken::AlreadyHad(3));
	assert_eq!(device.recorded(), 3);
	assert!(spool::content_id(b"x").starts_with("blake2:") && spool::content_id(b"x") != spool::content_id(b"y"));
}
