//! The archive store: the blocks this node holds, one file per block in `<dir>/blocks/`, named
//! `<number>-<hash>.block` and holding the block's SCALE encoding. Plain files keep the store
//! simple to inspect, back up and repair; writes go to a temporary file that is synced and then
//! renamed, so a crash leaves either the old state or the whole block, never half of one.
//!
//! Opening the store checks every file against the hash in its name; the indexes (by number,
//! by hash, and by extrinsic hash) live in memory.

use std::{
	collections::{BTreeMap, HashMap},
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
		let mut store =
			Self { dir: dir.to_path_buf(), held: BTreeMap::new(), by_hash: HashMap::new(), extrinsics: HashMap::new() };
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
		Ok((store, damaged))
	}

	fn path(&self, number: u32, hash: &H256) -> PathBuf {
		self.dir.join("blocks").join(file_name(number, hash))
	}

	fn index(&mut self, number: u32, hash: H256, bytes: u64, block: &Block) {
		if let Some(old) = self.held.insert(number, Held { hash, bytes }) {
			self.by_hash.remove(&old.hash);
		}
		self.by_hash.insert(hash, number);
		for (index, extrinsic) in block.extrinsics.iter().enumerate() {
			self.extrinsics.insert(block::extrinsic_hash(extrinsic), (number, index as u32));
		}
	}

	/// Stores block `number` with hash `hash`, after checking `bytes` are that block.
	pub fn put(&mut self, number: u32, hash: H256, bytes: &[u8]) -> Result<(), PutError> {
		let block = block::check(bytes, &hash).map_err(PutError::Bad)?;
		if block.header.number != number {
			return Err(PutError::Bad(BadBlock::WrongNumber { found: block.header.number }));
		}
		if let Some(old) = self.held.get(&number).copied() {
			if old.hash != hash {
				self.remove(number)?;
			}
		}
		let path = self.path(number, &hash);
		let temporary = path.with_extension("tmp");
		let mut file = fs::File::create(&temporary)?;
		file.write_all(bytes)?;
		file.sync_all()?;
		fs::rename(&temporary, &path)?;
		self.index(number, hash, bytes.len() as u64, &block);
		Ok(())
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

	/// Forgets block `number` and deletes its file.
	pub fn remove(&mut self, number: u32) -> io::Result<()> {
		let Some(held) = self.held.remove(&number) else { return Ok(()) };
		self.by_hash.remove(&held.hash);
		self.extrinsics.retain(|_, (n, _)| *n != number);
		match fs::remove_file(self.path(number, &held.hash)) {
			Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
			_ => Ok(()),
		}
	}

	/// Checks every stored block again; damaged ones are removed and returned.
	pub fn scrub(&mut self) -> Vec<Damaged> {
		let numbers: Vec<u32> = self.held.keys().copied().collect();
		numbers.into_iter().filter_map(|number| self.read_checked(number).err()).collect()
	}

	/// The blocks held, by number.
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
		self.held.values().map(|held| held.bytes).sum()
	}
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
	use crate::block::tests::block_with;

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
		let damage = |n: u32, hash: &H256| {
			let path = dir.path().join("blocks").join(file_name(n, hash));
			let mut bytes = fs::read(&path).unwrap();
			let at = bytes.len() - 10;
			bytes[at] ^= 0x55;
			fs::write(&path, bytes).unwrap();
		};
		damage(1, &blocks[0].1);
		let err = store.read_checked(1).unwrap_err();
		assert_eq!(err.why, BadBlock::WrongBody);
		assert!(!store.held().contains_key(&1), "a damaged copy is dropped, to be fetched again");
		damage(2, &blocks[1].1);
		let found: Vec<u32> = store.scrub().into_iter().map(|d| d.number).collect();
		assert_eq!(found, vec![2]);
		damage(3, &blocks[2].1);
		fs::write(dir.path().join("blocks").join("0000000004-ab.block.tmp"), b"half").unwrap();
		drop(store);
		let (store, damaged) = ArchiveStore::open(dir.path()).unwrap();
		assert_eq!(damaged.iter().map(|d| d.number).collect::<Vec<_>>(), vec![3]);
		assert!(store.held().is_empty());
		assert_eq!(fs::read_dir(dir.path().join("blocks")).unwrap().count(), 0, "temporary files are cleared");
	}
}
