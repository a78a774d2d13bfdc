//! The archive store: the blocks this node holds, one file per block in `<dir>/blocks/`, named
//! `<number>-<hash>.block` and holding the block's SCALE encoding. Plain files keep the store
//! simple to inspect, back up and repair; writes go to a temporary file that is synced and then
//! renamed, so a crash leaves either the old state or the whole block, never half of one.
//!
//! Opening the store checks every file against the hash in its name; the indexes (by number,
//! by hash, by extrinsic hash, and each block's extrinsics) live in memory. Every update costs
//! the block it touches, never the whole store: the worker plans from the numbers that changed
//! ([`ArchiveStore::take_changed`]) and the scrub reads the files a slice at a time, outside
//! the store's lock ([`Scrubber`]).

use std::{
	collections::{BTreeMap, BTreeSet, HashMap},
	fs, io,
	io::Write,
	path::{Path, PathBuf},
};

use sp_core::H256;

use crate::block::{self, BadBlock, Block};

/// A block the store holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Held {
	pub hash: H256,
	/// Size of its file.
	pub bytes: u64,
}

/// Where an extrinsic sits: block number and index in the block.
pub type Position = (u32, u32);

/// The archive store; see the module documentation.
pub struct ArchiveStore {
	dir: PathBuf,
	held: BTreeMap<u32, Held>,
	by_hash: HashMap<H256, u32>,
	extrinsics: HashMap<H256, Position>,
	/// The extrinsic hashes of each held block, so that forgetting a block costs its own
	/// extrinsics and not a sweep over every block's.
	by_block: HashMap<u32, Vec<H256>>,
	/// Bytes of all held blocks, kept as they come and go (status asks for it on every call).
	bytes: u64,
	/// Numbers of the blocks stored or forgotten since [`Self::take_changed`] last ran: the
	/// planner looks again at these alone.
	changed: BTreeSet<u32>,
}

/// A file that failed its check when the store was opened or scrubbed (and was removed).
#[derive(Debug)]
pub struct Damaged {
	pub number: u32,
	pub hash: H256,
	pub why: BadBlock,
}

fn file_name(number: u32, hash: &H256) -> String {
	format!("{number:010}-{hash:x}.block")
}

/// The number and hash a file name stands for.
fn parse_name(name: &str) -> Option<(u32, H256)> {
	let stem = name.strip_suffix(".block")?;
	let (number, hash) = stem.split_once('-')?;
	let bytes: [u8; 32] = sp_core::bytes::from_hex(hash).ok()?.try_into().ok()?;
	Some((number.parse().ok()?, H256(bytes)))
}

impl ArchiveStore {
	/// Opens (or creates) the store in `dir`, checking every block in it. Damaged files are
	/// removed and returned, so that the blocks are fetched again.
	pub fn open(dir: &Path) -> io::Result<(Self, Vec<Damaged>)> {
		let blocks = dir.join("blocks");
		fs::create_dir_all(&blocks)?;
		let mut store = Self {
			dir: dir.to_path_buf(),
			held: BTreeMap::new(),
			by_hash: HashMap::new(),
			extrinsics: HashMap::new(),
			by_block: HashMap::new(),
			bytes: 0,
			changed: BTreeSet::new(),
		};
		let mut damaged = Vec::new();
		for entry in fs::read_dir(&blocks)? {
			let entry = entry?;
			let name = entry.file_name().to_string_lossy().into_owned();
			let Some((number, hash)) = parse_name(&name) else {
				// Leftover temporary files of an interrupted write, or strangers: not ours.
				if name.ends_with(".tmp") {
					fs::remove_file(entry.path())?;
				}
				continue;
			};
			let bytes = fs::read(entry.path())?;
			match block::check(&bytes, &hash) {
				Ok(block) => store.index(number, hash, bytes.len() as u64, &block),
				Err(why) => {
					fs::remove_file(entry.path())?;
					damaged.push(Damaged { number, hash, why });
				},
			}
		}
		// The planner's first pass plans the whole chain anyway.
		store.changed.clear();
		Ok((store, damaged))
	}

	fn path(&self, number: u32, hash: &H256) -> PathBuf {
		self.dir.join("blocks").join(file_name(number, hash))
	}

	fn index(&mut self, number: u32, hash: H256, bytes: u64, block: &Block) {
		if let Some(old) = self.held.insert(number, Held { hash, bytes }) {
			self.unindex(number, &old);
		}
		self.by_hash.insert(hash, number);
		let mut hashes = Vec::with_capacity(block.extrinsics.len());
		for (index, extrinsic) in block.extrinsics.iter().enumerate() {
			let extrinsic = block::extrinsic_hash(extrinsic);
			self.extrinsics.insert(extrinsic, (number, index as u32));
			hashes.push(extrinsic);
		}
		self.by_block.insert(number, hashes);
		self.bytes += bytes;
		self.changed.insert(number);
	}

	/// Forgets the indexes of block `number`, whose entry `held` has left [`Self::held`]: its
	/// own extrinsics only (an extrinsic hash another block also has stays with that block).
	fn unindex(&mut self, number: u32, held: &Held) {
		if self.by_hash.get(&held.hash) == Some(&number) {
			self.by_hash.remove(&held.hash);
		}
		for extrinsic in self.by_block.remove(&number).unwrap_or_default() {
			if self.extrinsics.get(&extrinsic).is_some_and(|(n, _)| *n == number) {
				self.extrinsics.remove(&extrinsic);
			}
		}
		self.bytes -= held.bytes;
		self.changed.insert(number);
	}

	/// Stores block `number` with hash `hash`, after checking `bytes` are that block: its file
	/// written ([`write`]), then taken into the store ([`Self::insert`]).
	pub fn put(&mut self, number: u32, hash: H256, bytes: &[u8]) -> Result<(), PutError> {
		let written = write(&self.dir, number, hash, bytes)?;
		self.insert(written)?;
		Ok(())
	}

	/// Takes a block whose file [`write`] wrote into the store, in place of any other block held
	/// under its number.
	pub fn insert(&mut self, written: Written) -> io::Result<()> {
		let Written { number, hash, bytes, block } = written;
		if self.held.get(&number).is_some_and(|old| old.hash != hash) {
			self.remove(number)?;
		}
		self.index(number, hash, bytes, &block);
		Ok(())
	}

	/// The directory the store keeps its files in: what [`write`] is given.
	pub fn dir(&self) -> &Path {
		&self.dir
	}

	/// The bytes of block `number` as stored, unchecked (see [`Self::read_checked`]).
	fn read(&self, number: u32) -> io::Result<Option<(H256, Vec<u8>)>> {
		let Some(held) = self.held.get(&number) else { return Ok(None) };
		Ok(Some((held.hash, fs::read(self.path(number, &held.hash))?)))
	}

	/// Block `number`, checked against its hash. A copy that fails the check (damaged on disk)
	/// is removed from the store and reported as `Err`, so the caller fetches a good one.
	pub fn read_checked(&mut self, number: u32) -> Result<Option<(H256, Vec<u8>)>, Damaged> {
		let read = match self.read(number) {
			Ok(read) => read,
			Err(_) => {
				let hash = self.held[&number].hash;
				let _ = self.remove(number);
				return Err(Damaged { number, hash, why: BadBlock::Undecodable });
			},
		};
		let Some((hash, bytes)) = read else { return Ok(None) };
		match block::check(&bytes, &hash) {
			Ok(_) => Ok(Some((hash, bytes))),
			Err(why) => {
				let _ = self.remove(number);
				Err(Damaged { number, hash, why })
			},
		}
	}

	/// Forgets block `number` and deletes its file. Costs the block's own extrinsics, whatever
	/// the size of the store.
	pub fn remove(&mut self, number: u32) -> io::Result<()> {
		let Some(held) = self.held.remove(&number) else { return Ok(()) };
		self.unindex(number, &held);
		match fs::remove_file(self.path(number, &held.hash)) {
			Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
			_ => Ok(()),
		}
	}

	/// Drops the copies a scrub found `damaged` ([`check_files`], read outside the lock), each
	/// only if the store still holds that very block and its file still fails the check: in
	/// the meantime a query may have dropped it and the worker stored a good copy, or the
	/// number may hold another block. Returns the copies dropped.
	pub fn drop_damaged(&mut self, damaged: Vec<Damaged>) -> Vec<Damaged> {
		let mut dropped = Vec::new();
		for d in damaged {
			if self.held.get(&d.number).is_some_and(|held| held.hash == d.hash) {
				dropped.extend(self.read_checked(d.number).err());
			}
		}
		dropped
	}

	/// The numbers of the blocks stored or forgotten since the last call, ascending.
	pub fn take_changed(&mut self) -> Vec<u32> {
		std::mem::take(&mut self.changed).into_iter().collect()
	}

	/// The blocks held, by number. Read it under the lock; never copy it whole.
	pub fn held(&self) -> &BTreeMap<u32, Held> {
		&self.held
	}

	/// The number of the held block with hash `hash`.
	pub fn number_of(&self, hash: &H256) -> Option<u32> {
		self.by_hash.get(hash).copied()
	}

	/// Where the extrinsic with hash `hash` is, if a held block has it.
	pub fn find_extrinsic(&self, hash: &H256) -> Option<Position> {
		self.extrinsics.get(hash).copied()
	}

	/// Bytes of all held blocks.
	pub fn total_bytes(&self) -> u64 {
		self.bytes
	}
}

/// A stored block for the scrub to check: everything needed to read it without the store.
#[derive(Debug, Clone)]
pub struct ScrubItem {
	pub number: u32,
	pub hash: H256,
	pub path: PathBuf,
}

/// The scrub's place in its cycle over the store. Each slice is taken under the store's lock
/// (a range of the index, nothing read from disk), checked outside it ([`check_files`]), and
/// only the damaged copies found take the lock again ([`ArchiveStore::drop_damaged`]); so
/// queries never wait on the scrub's reads, and a cycle costs one read of each block.
#[derive(Debug, Default)]
pub struct Scrubber {
	/// The number the next slice starts at.
	next: u32,
}

impl Scrubber {
	/// The next slice of `store` to check: the held blocks from where the last slice ended,
	/// until `max_blocks` of them or `max_bytes` (always at least one block). At the end of
	/// the store the cycle starts over from the first block.
	pub fn next_slice(&mut self, store: &ArchiveStore, max_blocks: usize, max_bytes: u64) -> Vec<ScrubItem> {
		let mut slice = Vec::new();
		let mut bytes = 0;
		for (number, held) in store.held.range(self.next..) {
			if slice.len() == max_blocks || (!slice.is_empty() && bytes + held.bytes > max_bytes) {
				break;
			}
			bytes += held.bytes;
			slice.push(ScrubItem { number: *number, hash: held.hash, path: store.path(*number, &held.hash) });
		}
		match slice.last() {
			Some(last) if store.held.range(last.number + 1..).next().is_some() => self.next = last.number + 1,
			// The last block of the store: the next slice starts the next cycle.
			_ => self.next = 0,
		}
		slice
	}

	/// Whether the last slice ended a cycle (the next one starts from the first block).
	pub fn cycle_done(&self) -> bool {
		self.next == 0
	}
}

/// Reads and checks the files of `slice` (no lock needed: only the files are read). Returns
/// the copies that fail, unreadable ones included, for [`ArchiveStore::drop_damaged`].
pub fn check_files(slice: &[ScrubItem]) -> Vec<Damaged> {
	slice
		.iter()
		.filter_map(|item| {
			let why = match fs::read(&item.path) {
				Ok(bytes) => block::check(&bytes, &item.hash).err()?,
				Err(_) => BadBlock::Undecodable,
			};
			Some(Damaged { number: item.number, hash: item.hash, why })
		})
		.collect()
}

/// A block whose file is written and synced, to be taken into the store
/// ([`ArchiveStore::insert`]).
pub struct Written {
	number: u32,
	hash: H256,
	bytes: u64,
	block: Block,
}

/// Writes block `number` with hash `hash` to its file in the store at `dir`, after checking
/// `bytes` are that block: to a temporary file of its own, synced, then renamed, so a crash
/// leaves the whole block or none of it. The slow part of storing a block (the sync), done
/// without the store's lock: queries are not kept waiting behind it.
pub fn write(dir: &Path, number: u32, hash: H256, bytes: &[u8]) -> Result<Written, PutError> {
	static WRITES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
	let block = block::check(bytes, &hash).map_err(PutError::Bad)?;
	if block.header.number != number {
		return Err(PutError::Bad(BadBlock::WrongNumber { found: block.header.number }));
	}
	let path = dir.join("blocks").join(file_name(number, &hash));
	// Two writes of one block at once must not share a temporary file.
	let unique = WRITES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
	let temporary = path.with_extension(format!("{unique}.tmp"));
	let mut file = fs::File::create(&temporary)?;
	file.write_all(bytes)?;
	file.sync_all()?;
	fs::rename(&temporary, &path)?;
	Ok(Written { number, hash, bytes: bytes.len() as u64, block })
}

/// Why a block was not stored.
#[derive(Debug)]
pub enum PutError {
	/// The bytes are not the block with that hash.
	Bad(BadBlock),
	Io(io::Error),
}

impl From<io::Error> for PutError {
	fn from(e: io::Error) -> Self {
		Self::Io(e)
	}
}

impl core::fmt::Display for PutError {
	fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
		match self {
			Self::Bad(why) => write!(f, "refused: {why}"),
			Self::Io(e) => write!(f, "cannot write: {e}"),
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::block::synthetic::block_with;

	/// A whole scrub cycle, two blocks a slice, as the worker runs it.
	fn scrub_cycle(store: &mut ArchiveStore) -> Vec<Damaged> {
		let mut scrubber = Scrubber::default();
		let mut dropped = Vec::new();
		loop {
			let slice = scrubber.next_slice(store, 2, u64::MAX);
			dropped.extend(store.drop_damaged(check_files(&slice)));
			if scrubber.cycle_done() {
				return dropped;
			}
		}
	}

	/// Flips a byte near the end of the file of block `number`: its body no longer matches.
	fn damage(dir: &Path, number: u32, hash: &H256) {
		let path = dir.join("blocks").join(file_name(number, hash));
		let mut bytes = fs::read(&path).unwrap();
		let at = bytes.len() - 10;
		bytes[at] ^= 0x55;
		fs::write(&path, bytes).unwrap();
	}

	/// Stores blocks `numbers`, each with one extrinsic of its own; returns their hashes.
	fn store_blocks(store: &mut ArchiveStore, numbers: std::ops::RangeInclusive<u32>) -> Vec<H256> {
		numbers
			.map(|n| {
				let (hash, bytes) = block_with(n, vec![vec![n as u8; 100]]);
				store.put(n, hash, &bytes).unwrap();
				hash
			})
			.collect()
	}

	#[test]
	fn blocks_are_kept_found_and_survive_reopening() {
		let dir = tempfile::tempdir().unwrap();
		let (mut store, damaged) = ArchiveStore::open(dir.path()).unwrap();
		assert!(damaged.is_empty());
		let (h3, b3) = block_with(3, vec![vec![3; 50], vec![4; 60]]);
		let (h9, b9) = block_with(9, vec![vec![9; 70]]);
		store.put(3, h3, &b3).unwrap();
		store.put(9, h9, &b9).unwrap();
		assert!(matches!(store.put(4, h9, &b9), Err(PutError::Bad(BadBlock::WrongNumber { found: 9 }))));
		assert!(matches!(store.put(9, h3, &b9), Err(PutError::Bad(BadBlock::WrongHash { .. }))));
		assert_eq!(store.read_checked(3).unwrap(), Some((h3, b3.clone())));
		assert_eq!(store.number_of(&h9), Some(9));
		let block = block::check(&b3, &h3).unwrap();
		let second = block::extrinsic_hash(&block.extrinsics[1]);
		assert_eq!(store.find_extrinsic(&second), Some((3, 1)));
		assert_eq!(store.total_bytes(), (b3.len() + b9.len()) as u64);
		drop(store);
		let (mut store, damaged) = ArchiveStore::open(dir.path()).unwrap();
		assert!(damaged.is_empty());
		assert_eq!(store.held().keys().copied().collect::<Vec<_>>(), vec![3, 9]);
		assert_eq!(store.find_extrinsic(&second), Some((3, 1)));
		store.remove(3).unwrap();
		assert_eq!(store.find_extrinsic(&second), None);
		assert_eq!(store.read_checked(3).unwrap(), None);
	}

	#[test]
	fn a_damaged_file_is_found_when_read_scrubbed_or_reopened() {
		let dir = tempfile::tempdir().unwrap();
		let (mut store, _) = ArchiveStore::open(dir.path()).unwrap();
		let blocks: Vec<(u32, H256, Vec<u8>)> = (1..=3)
			.map(|n| {
				let (hash, bytes) = block_with(n, vec![vec![n as u8; 100]]);
				(n, hash, bytes)
			})
			.collect();
		for (n, hash, bytes) in &blocks {
			store.put(*n, *hash, bytes).unwrap();
		}
		damage(dir.path(), 1, &blocks[0].1);
		let err = store.read_checked(1).unwrap_err();
		assert_eq!(err.why, BadBlock::WrongBody);
		assert!(!store.held().contains_key(&1), "a damaged copy is dropped, to be fetched again");
		damage(dir.path(), 2, &blocks[1].1);
		let found: Vec<u32> = scrub_cycle(&mut store).into_iter().map(|d| d.number).collect();
		assert_eq!(found, vec![2]);
		damage(dir.path(), 3, &blocks[2].1);
		fs::write(dir.path().join("blocks").join("0000000004-ab.block.tmp"), b"half").unwrap();
		drop(store);
		let (store, damaged) = ArchiveStore::open(dir.path()).unwrap();
		assert_eq!(damaged.iter().map(|d| d.number).collect::<Vec<_>>(), vec![3]);
		assert!(store.held().is_empty());
		assert_eq!(fs::read_dir(dir.path().join("blocks")).unwrap().count(), 0, "temporary files are cleared");
	}

	#[test]
	fn the_scrub_goes_a_bounded_slice_at_a_time_and_starts_over() {
		let dir = tempfile::tempdir().unwrap();
		let (mut store, _) = ArchiveStore::open(dir.path()).unwrap();
		store_blocks(&mut store, 1..=5);
		let mut scrubber = Scrubber::default();
		let mut slices = Vec::new();
		for _ in 0..4 {
			let slice = scrubber.next_slice(&store, 2, u64::MAX);
			slices.push(slice.iter().map(|item| item.number).collect::<Vec<_>>());
		}
		assert_eq!(slices, vec![vec![1, 2], vec![3, 4], vec![5], vec![1, 2]]);
		// A byte limit below one block still checks one block a slice.
		let mut scrubber = Scrubber::default();
		assert_eq!(scrubber.next_slice(&store, 32, 1).len(), 1);
		assert!(!scrubber.cycle_done());
		// An empty store: empty slices, every one a whole cycle.
		let empty = tempfile::tempdir().unwrap();
		let (empty, _) = ArchiveStore::open(empty.path()).unwrap();
		assert!(scrubber.next_slice(&empty, 32, u64::MAX).is_empty() && scrubber.cycle_done());
	}

	#[test]
	fn the_scrub_drops_a_damaged_copy_only_while_the_store_still_holds_it() {
		let dir = tempfile::tempdir().unwrap();
		let (mut store, _) = ArchiveStore::open(dir.path()).unwrap();
		let hashes = store_blocks(&mut store, 1..=4);
		for n in 1..=3 {
			damage(dir.path(), n, &hashes[n as usize - 1]);
		}
		// Checked outside the lock: three damaged files found.
		let slice = Scrubber::default().next_slice(&store, 32, u64::MAX);
		let found = check_files(&slice);
		assert_eq!(found.iter().map(|d| d.number).collect::<Vec<_>>(), vec![1, 2, 3]);
		// Meanwhile, block 2's number came to hold another block (a fork's, say) and a good copy
		// of block 3 was stored again (a query dropped the damaged one, the worker fetched it).
		let (other, other_bytes) = block_with(2, vec![vec![7; 30]]);
		store.put(2, other, &other_bytes).unwrap();
		let (_, good) = block_with(3, vec![vec![3; 100]]);
		store.put(3, hashes[2], &good).unwrap();
		let dropped = store.drop_damaged(found);
		let dropped: Vec<(u32, BadBlock)> = dropped.into_iter().map(|d| (d.number, d.why)).collect();
		assert_eq!(dropped, vec![(1, BadBlock::WrongBody)]);
		assert_eq!(store.held().keys().copied().collect::<Vec<_>>(), vec![2, 3, 4]);
		assert_eq!(store.held()[&2].hash, other);
		assert_eq!(store.read_checked(3).unwrap(), Some((hashes[2], good)));
	}

	#[test]
	fn removing_a_block_forgets_its_own_extrinsics_only() {
		let dir = tempfile::tempdir().unwrap();
		let (mut store, _) = ArchiveStore::open(dir.path()).unwrap();
		// Block 5 repeats one of block 4's extrinsics: the index names the block stored last.
		let blocks =
			[(3, vec![vec![3; 40], vec![30; 40]]), (4, vec![vec![4; 40], vec![44; 40]]), (5, vec![vec![44; 40]])];
		let mut extrinsics = BTreeMap::new();
		for (n, bodies) in blocks {
			let (hash, bytes) = block_with(n, bodies);
			store.put(n, hash, &bytes).unwrap();
			let block = block::check(&bytes, &hash).unwrap();
			extrinsics.insert(n, block.extrinsics.iter().map(block::extrinsic_hash).collect::<Vec<_>>());
		}
		assert_eq!(store.take_changed(), vec![3, 4, 5]);
		assert!(store.take_changed().is_empty());
		let shared = extrinsics[&4][1];
		assert_eq!(extrinsics[&5], vec![shared]);
		assert_eq!(store.find_extrinsic(&shared), Some((5, 0)));
		store.remove(4).unwrap();
		assert_eq!(store.find_extrinsic(&extrinsics[&4][0]), None);
		assert_eq!(store.find_extrinsic(&shared), Some((5, 0)), "block 5's copy of it stays");
		assert_eq!(store.find_extrinsic(&extrinsics[&3][1]), Some((3, 1)));
		store.remove(5).unwrap();
		assert_eq!(store.find_extrinsic(&shared), None);
		assert_eq!(store.take_changed(), vec![4, 5]);
		assert_eq!(store.total_bytes(), store.held()[&3].bytes);
		store.remove(3).unwrap();
		assert_eq!(store.total_bytes(), 0);
		assert!(store.extrinsics.is_empty() && store.by_block.is_empty() && store.by_hash.is_empty());
	}
}
