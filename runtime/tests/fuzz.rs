//! The runtime fuzzer: random sequences of calls of every cinechain pallet (and balances, sudo,
//! system), with arbitrary arguments from every kind of signer, applied block by block to the
//! real runtime through `Executive` (so every transaction extension runs, exactly as when a node
//! builds a block), starting from the development genesis.
//!
//! After every block it runs every cinechain pallet's `try_state` invariants. After every
//! transaction it checks the rule of `pallets/README.md`: a feeless transaction that the
//! transaction extensions admit does not fail at dispatch, and no key gets more feeless
//! transactions into blocks per quota period than the pallets allow. Any panic, broken
//! invariant or broken rule fails the test with the seed that reproduces it.
//!
//!   cargo test --workspace --test fuzz                                # the short run
//!   FUZZ_CALLS=1000000 FUZZ_SEED=7 cargo test --workspace --test fuzz -- --nocapture
//!
//! `scripts/fuzz.sh` runs the long one and prints calls per second.

use std::{collections::BTreeMap, time::Instant};

use cinechain_primitives::{RegionCode, Role, Scope};
use cinechain_runtime::{
	configs::{ArchiveHeartbeatInterval, ScreeningQuota, ScreeningQuotaPeriod},
	AccountId, Executive, Header, Runtime, RuntimeCall, RuntimeEvent, RuntimeGenesisConfig, SignedPayload,
	System, UncheckedExtrinsic,
};
use codec::Encode;
use frame_support::{traits::Get, BoundedVec};
use pallet_devices::{DeviceInfo, Text};
use pallet_screenings::types::{Film, Location, Outcome, ScreeningRecord, Venue};
use sp_core::{sr25519, Pair};
use sp_keyring::Sr25519Keyring;
use sp_runtime::{
	generic::{Digest, DigestItem, Era},
	traits::Header as _,
	MultiAddress, MultiSignature,
};

/// SplitMix64: small, fast, and the same sequence for the same seed on every machine.
struct Rng(u64);

impl Rng {
	fn next(&mut self) -> u64 {
		self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
		let mut z = self.0;
		z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
		z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
		z ^ (z >> 31)
	}
	fn below(&mut self, n: u64) -> u64 {
		self.next() % n.max(1)
	}
	fn chance(&mut self, percent: u64) -> bool {
		self.below(100) < percent
	}
	fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
		&items[self.below(items.len() as u64) as usize]
	}
	fn bytes<const N: usize>(&mut self) -> [u8; N] {
		let mut out = [0u8; N];
		out.iter_mut().for_each(|b| *b = self.next() as u8);
		out
	}
}

/// Who signs: every kind of user the chain has.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
	/// Alice: sudo key (root calls go through `sudo.sudo`), funded.
	Root,
	/// Bob, a national registrar.
	Registrar,
	/// Charlie, a national supervisor.
	Supervisor,
	/// `One`, `Two` (genesis devices) and fresh keys that may become devices: hold nothing.
	Device,
	/// Archive keys: hold nothing; registered as nodes by operators during the run.
	ArchiveKey,
	/// Dave and Eve: funded, no role (they operate archive nodes).
	Funded,
	/// Keys nobody knows: hold nothing.
	Stranger,
}

struct Actor {
	kind: Kind,
	pair: sr25519::Pair,
	account: AccountId,
}

fn actor(kind: Kind, pair: sr25519::Pair) -> Actor {
	Actor { kind, account: pair.public().into(), pair }
}

/// The development genesis (the dev preset merged over the default configuration).
fn genesis() -> sp_io::TestExternalities {
	fn merge(base: &mut serde_json::Value, patch: serde_json::Value) {
		match (base, patch) {
			(serde_json::Value::Object(base), serde_json::Value::Object(patch)) =>
				for (key, value) in patch {
					merge(base.entry(key).or_insert(serde_json::Value::Null), value);
				},
			(base, patch) => *base = patch,
		}
	}
	let mut config = serde_json::to_value(RuntimeGenesisConfig::default()).expect("serializes");
	merge(&mut config, cinechain_runtime::genesis_config_presets::development());
	let mut ext = sp_io::TestExternalities::default();
	ext.execute_with(|| {
		frame_support::genesis_builder_helper::build_state::<RuntimeGenesisConfig>(config.to_string().into_bytes())
			.expect("the development genesis builds")
	});
	ext
}

/// What a run saw.
#[derive(Default, Debug)]
struct Stats {
	calls: u64,
	blocks: u64,
	succeeded: u64,
	failed: u64,
	refused: u64,
	feeless: u64,
}

struct Fuzzer {
	rng: Rng,
	seed: u64,
	actors: Vec<Actor>,
	parent: sp_core::H256,
	number: u32,
	stats: Stats,
	/// Feeless transactions included, per (signer, quota period).
	feeless: BTreeMap<(AccountId, u32), u32>,
}

const MS_PER_BLOCK: u64 = cinechain_runtime::SLOT_DURATION;
/// The first block's slot: late 2026, so that records timed "now" look real.
const FIRST_SLOT: u64 = 1_795_000_000_000 / MS_PER_BLOCK;

impl Fuzzer {
	fn new(seed: u64) -> Self {
		let mut actors = vec![
			actor(Kind::Root, Sr25519Keyring::Alice.pair()),
			actor(Kind::Registrar, Sr25519Keyring::Bob.pair()),
			actor(Kind::Supervisor, Sr25519Keyring::Charlie.pair()),
			actor(Kind::Device, Sr25519Keyring::One.pair()),
			actor(Kind::Device, Sr25519Keyring::Two.pair()),
			actor(Kind::Funded, Sr25519Keyring::Dave.pair()),
			actor(Kind::Funded, Sr25519Keyring::Eve.pair()),
		];
		for i in 0..6u8 {
			actors.push(actor(Kind::Device, sr25519::Pair::from_seed(&[100 + i; 32])));
		}
		for i in 0..3u8 {
			actors.push(actor(Kind::ArchiveKey, sr25519::Pair::from_seed(&[150 + i; 32])));
		}
		for i in 0..2u8 {
			actors.push(actor(Kind::Stranger, sr25519::Pair::from_seed(&[200 + i; 32])));
		}
		Fuzzer { rng: Rng(seed), seed, actors, parent: Default::default(), number: 0, stats: Stats::default(), feeless: BTreeMap::new() }
	}

	fn fail(&self, what: String) -> ! {
		panic!("{what}\n  after {:?}\n  reproduce: FUZZ_SEED={} FUZZ_CALLS={} scripts/test.sh --test fuzz", self.stats, self.seed, self.stats.calls)
	}

	fn begin_block(&mut self) {
		self.number += 1;
		let slot = sp_consensus_aura::Slot::from(FIRST_SLOT + self.number as u64);
		let digest = Digest { logs: vec![DigestItem::PreRuntime(sp_consensus_aura::AURA_ENGINE_ID, slot.encode())] };
		let header = Header::new(self.number, Default::default(), Default::default(), self.parent, digest);
		Executive::initialize_block(&header);
		let now = (FIRST_SLOT + self.number as u64) * MS_PER_BLOCK;
		let set = UncheckedExtrinsic::new_bare(RuntimeCall::Timestamp(pallet_timestamp::Call::set { now }));
		if !matches!(Executive::apply_extrinsic(set), Ok(Ok(()))) {
			self.fail("the timestamp inherent failed".into());
		}
	}

	fn end_block(&mut self) {
		let header = Executive::finalize_block();
		self.parent = header.hash();
		self.stats.blocks += 1;
		let checks = [
			("supervisors", pallet_supervisors::Pallet::<Runtime>::do_try_state()),
			("cinemas", pallet_cinemas::Pallet::<Runtime>::do_try_state()),
			("devices", pallet_devices::Pallet::<Runtime>::do_try_state()),
			("screenings", pallet_screenings::Pallet::<Runtime>::do_try_state()),
			("archive", pallet_archive::Pallet::<Runtime>::do_try_state()),
		];
		for (pallet, result) in checks {
			if let Err(e) = result {
				self.fail(format!("try_state of {pallet} failed after block {}: {e:?}", self.number));
			}
		}
	}

	fn signed(&self, who: usize, call: RuntimeCall) -> UncheckedExtrinsic {
		let signer = &self.actors[who];
		let nonce = System::account_nonce(&signer.account);
		let extension = cinechain_runtime::tx_extension(nonce, Era::Immortal);
		let payload = SignedPayload::new(call, extension).expect("the extensions' implicit data exists");
		let signature = payload.using_encoded(|bytes| signer.pair.sign(bytes));
		let (call, extension, _) = payload.deconstruct();
		UncheckedExtrinsic::new_signed(call, MultiAddress::Id(signer.account.clone()), MultiSignature::Sr25519(signature), extension)
	}

	/// Applies one random transaction and checks the feeless rule on it.
	fn step(&mut self) {
		let (who, call) = self.random_call();
		let xt = self.signed(who, call.clone());
		let events_before = System::event_count();
		self.stats.calls += 1;
		match Executive::apply_extrinsic(xt) {
			Err(_) => self.stats.refused += 1,
			Ok(result) => {
				let feeless = System::read_events_no_consensus().skip(events_before as usize).any(|record| {
					matches!(record.event, RuntimeEvent::SkipFeelessPayment(pallet_skip_feeless_payment::Event::FeeSkipped { .. }))
				});
				match (result, feeless) {
					(Err(e), true) =>
						self.fail(format!("a feeless transaction was admitted and failed at dispatch: {e:?}\n  call: {call:?}")),
					(Err(_), false) => self.stats.failed += 1,
					(Ok(()), _) => self.stats.succeeded += 1,
				}
				if feeless {
					self.stats.feeless += 1;
					self.count_feeless(who);
				}
			},
		}
	}

	/// The second half of the rule: feeless transactions per key and quota period are bounded
	/// (records by the quota, heartbeats and reports one each per interval, rotations and
	/// requests a few).
	fn count_feeless(&mut self, who: usize) {
		let period = pallet_screenings::Pallet::<Runtime>::current_period();
		let count = self.feeless.entry((self.actors[who].account.clone(), period)).or_default();
		*count += 1;
		let period_blocks = <ScreeningQuotaPeriod as Get<u32>>::get();
		let bound = <ScreeningQuota as Get<u32>>::get() + 2 * (period_blocks / <ArchiveHeartbeatInterval as Get<u32>>::get()) + 2;
		if *count > bound {
			let count = *count;
			self.fail(format!("key {who} got {count} feeless transactions into one quota period (bound {bound})"));
		}
	}

	/// One block of up to 40 random transactions; returns how many quiet blocks should follow
	/// it (now and then a stretch in which requests expire, quota periods and cooldowns pass,
	/// silent archive nodes go offline and clusters are re-formed).
	fn busy_block(&mut self) -> u64 {
		self.begin_block();
		for _ in 0..self.rng.below(40) {
			self.step();
		}
		self.end_block();
		if self.rng.chance(2) { self.rng.below(3_000) } else { 0 }
	}

	/// A block without transactions.
	fn quiet_block(&mut self) {
		self.begin_block();
		self.end_block();
	}

	// --- arbitrary arguments -------------------------------------------------------------------

	fn who_of(&mut self, kinds: &[Kind]) -> usize {
		let kind = *self.rng.pick(kinds);
		let candidates: Vec<usize> = (0..self.actors.len()).filter(|i| self.actors[*i].kind == kind).collect();
		*self.rng.pick(&candidates)
	}

	fn any_signer(&mut self) -> usize {
		self.rng.below(self.actors.len() as u64) as usize
	}

	fn account(&mut self) -> AccountId {
		let i = self.any_signer();
		self.actors[i].account.clone()
	}

	fn device_id(&mut self) -> u64 {
		self.rng.below(pallet_devices::NextDeviceId::<Runtime>::get() + 2)
	}

	fn node_id(&mut self) -> u32 {
		self.rng.below(pallet_archive::NextNodeId::<Runtime>::get() as u64 + 2) as u32
	}

	fn text(&mut self) -> Text {
		let len = *self.rng.pick(&[0usize, 1, 8, 64]);
		let byte = if self.rng.chance(5) { b'\n' } else { b'a' + self.rng.below(26) as u8 };
		Text::truncate_from(vec![byte; len])
	}

	/// A cinema code: the demo cinemas of the genesis, a few the run may register, one never.
	fn cinema(&mut self) -> u32 {
		*self.rng.pick(&[11_010_501u32, 31_010_101, 44_010_101, 1, 2, 3, u32::MAX])
	}

	fn region(&mut self) -> RegionCode {
		RegionCode::truncate_from(self.rng.pick(&[&b"CN-BJ"[..], b"CN-SH", b"CN-BJ-05", b"", b"CN BJ"]).to_vec())
	}

	fn info(&mut self) -> DeviceInfo {
		DeviceInfo {
			manufacturer: self.text(),
			model: self.text(),
			serial_number: self.text(),
			production_date: *self.rng.pick(&[2025_06_30u32, 2025_13_01, 0]),
			firmware_version: self.text(),
			cinema: self.cinema(),
		}
	}

	fn scope(&mut self) -> Scope {
		if self.rng.chance(30) {
			return Scope::National;
		}
		let regions = if self.rng.chance(70) { vec![RegionCode::truncate_from(b"CN-BJ".to_vec())] } else { vec![] };
		let cinemas = if self.rng.chance(50) { vec![11_010_501u32] } else { vec![] };
		Scope::Limited { regions: BoundedVec::truncate_from(regions), cinemas: BoundedVec::truncate_from(cinemas) }
	}

	fn expiry(&mut self) -> Option<u32> {
		match self.rng.below(3) {
			0 => None,
			1 => Some(self.number + self.rng.below(500) as u32),
			_ => Some(self.number.saturating_sub(1)),
		}
	}

	/// Records for the device signed by `who`: mostly the right next ones, sometimes damaged.
	fn records(&mut self, who: usize) -> Vec<ScreeningRecord> {
		let device = pallet_devices::DeviceByKey::<Runtime>::get(&self.actors[who].account);
		let head = device.map(pallet_screenings::Heads::<Runtime>::get).unwrap_or_default();
		let cinema = device
			.and_then(|d| pallet_devices::Devices::<Runtime>::get(d))
			.map_or(11_010_501, |d| d.info.cinema);
		let now = (FIRST_SLOT + self.number as u64) * MS_PER_BLOCK;
		let count = *self.rng.pick(&[0usize, 1, 1, 1, 3, 100, 101]);
		let (mut seq, mut prev) = (head.last_seq + 1, head.last_hash);
		let mut records = Vec::new();
		for _ in 0..count {
			let end = now - self.rng.below(3_600_000);
			let mut record = ScreeningRecord {
				seq,
				prev_hash: prev,
				film: Film {
					cpl_id: Some(self.rng.bytes()),
					film_code: Some(BoundedVec::truncate_from(b"001101232025".to_vec())),
					title: BoundedVec::truncate_from(b"Fuzz".to_vec()),
				},
				projectionist: BoundedVec::truncate_from(b"p-1".to_vec()),
				started_at: end - 7_200_000,
				ended_at: end,
				venue: Venue { cinema, hall: 1 },
				location: Some(Location { latitude: 39_904_200, longitude: 116_407_400 }),
				outcome: Outcome::Completed,
				report_hash: None,
			};
			if self.rng.chance(10) {
				match self.rng.below(7) {
					0 => record.seq = self.rng.below(seq + 3),
					1 => record.prev_hash = self.rng.bytes(),
					2 => record.ended_at = record.started_at,
					3 => record.ended_at = now + 86_400_000,
					4 => record.venue.cinema = record.venue.cinema.wrapping_add(1),
					5 => record.film = Film { cpl_id: None, film_code: None, title: BoundedVec::default() },
					_ => record.location = Some(Location { latitude: i32::MAX, longitude: 0 }),
				}
			}
			(seq, prev) = (record.seq + 1, record.hash());
			records.push(record);
		}
		records
	}

	fn random_call(&mut self) -> (usize, RuntimeCall) {
		use pallet_archive::Call as Archive;
		use pallet_devices::Call as Devices;
		use pallet_screenings::Call as Screenings;
		use pallet_supervisors::Call as Supervisors;
		match self.rng.below(100) {
			0..=29 => {
				let who = if self.rng.chance(90) { self.who_of(&[Kind::Device]) } else { self.any_signer() };
				let records = self.records(who);
				let call = if records.len() == 1 && self.rng.chance(50) {
					Screenings::record_screening { record: records.into_iter().next().expect("one") }
				} else {
					// Over-long batches do not decode; the bound keeps them out here.
					Screenings::record_screenings { records: BoundedVec::truncate_from(records) }
				};
				(who, RuntimeCall::Screenings(call))
			},
			30..=34 => {
				let who = if self.rng.chance(70) { self.who_of(&[Kind::Supervisor]) } else { self.any_signer() };
				let (device, seq, code) = (self.device_id(), self.rng.below(8), self.rng.below(5) as u16);
				let call = if self.rng.chance(60) {
					Screenings::flag_screening { device, seq, reason: code }
				} else {
					Screenings::resolve_flag { device, seq, resolution: code }
				};
				(who, RuntimeCall::Screenings(call))
			},
			35..=44 => {
				let who = self.who_of(&[Kind::Device, Kind::Stranger, Kind::Funded]);
				(who, RuntimeCall::Devices(Devices::request_registration { info: self.info() }))
			},
			45..=54 => {
				let who = if self.rng.chance(70) { self.who_of(&[Kind::Registrar]) } else { self.any_signer() };
				let device = self.device_id();
				let call = match self.rng.below(4) {
					0 | 1 => Devices::approve_registration { device },
					2 => Devices::reject_registration { device, reason: 1 },
					_ => Devices::update_device_info { device, info: self.info() },
				};
				(who, RuntimeCall::Devices(call))
			},
			55..=58 => {
				let who = if self.rng.chance(70) { self.who_of(&[Kind::Registrar]) } else { self.any_signer() };
				let device = self.who_of(&[Kind::Device, Kind::Stranger]);
				let info = self.info();
				let key = self.actors[device].account.clone();
				let payload = pallet_devices::Pallet::<Runtime>::provision_payload(&key, &info);
				let signer = if self.rng.chance(80) { device } else { self.any_signer() };
				let proof = MultiSignature::Sr25519(self.actors[signer].pair.sign(&payload));
				(who, RuntimeCall::Devices(Devices::provision_device { key, info, proof }))
			},
			59..=66 => {
				let who = if self.rng.chance(70) { self.who_of(&[Kind::Supervisor]) } else { self.any_signer() };
				let device = self.device_id();
				let call = match self.rng.below(5) {
					0 | 1 => Devices::suspend_device { device, reason: 2 },
					2 | 3 => Devices::resume_device { device },
					_ => Devices::revoke_device { device, reason: 3 },
				};
				(who, RuntimeCall::Devices(call))
			},
			67..=71 => {
				let who = self.who_of(&[Kind::Device]);
				let new = self.who_of(&[Kind::Device, Kind::Stranger]);
				let (old_key, new_key) = (self.actors[who].account.clone(), self.actors[new].account.clone());
				let device = pallet_devices::DeviceByKey::<Runtime>::get(&old_key).unwrap_or_default();
				let payload = pallet_devices::Pallet::<Runtime>::rotation_payload(device, &old_key, &new_key);
				let signer = if self.rng.chance(70) { new } else { self.any_signer() };
				let proof = MultiSignature::Sr25519(self.actors[signer].pair.sign(&payload));
				(who, RuntimeCall::Devices(Devices::rotate_key { new_key, proof }))
			},
			72..=81 => {
				let root = self.who_of(&[Kind::Root]);
				let (who, role, scope, expires_at) =
					(self.account(), *self.rng.pick(&[Role::Registrar, Role::Supervisor]), self.scope(), self.expiry());
				let inner = match self.rng.below(4) {
					0 | 1 => Supervisors::grant_role { who, role, scope, expires_at },
					2 => Supervisors::revoke_role { who, role },
					_ => Supervisors::approve_role_request { who, expires_at },
				};
				let call = RuntimeCall::Supervisors(inner);
				if self.rng.chance(90) {
					(root, RuntimeCall::Sudo(pallet_sudo::Call::sudo { call: Box::new(call) }))
				} else {
					(self.any_signer(), call)
				}
			},
			82..=85 => {
				let who = self.any_signer();
				let call = match self.rng.below(3) {
					0 => Supervisors::request_role { role: Role::Supervisor, scope: self.scope() },
					1 => Supervisors::withdraw_role_request {},
					_ => Supervisors::reject_role_request { who: self.account() },
				};
				(who, RuntimeCall::Supervisors(call))
			},
			86..=90 => {
				let heartbeat = self.rng.chance(70);
				if heartbeat {
					let who = if self.rng.chance(85) { self.who_of(&[Kind::ArchiveKey]) } else { self.any_signer() };
					let node = pallet_archive::NodeByKey::<Runtime>::get(&self.actors[who].account)
						.filter(|_| self.rng.chance(80))
						.unwrap_or_else(|| self.node_id());
					(who, RuntimeCall::Archive(Archive::heartbeat { node }))
				} else if self.rng.chance(40) {
					// A report: mostly from a node's own key about another node, for a past block.
					let who = if self.rng.chance(85) { self.who_of(&[Kind::ArchiveKey]) } else { self.any_signer() };
					let reporter = pallet_archive::NodeByKey::<Runtime>::get(&self.actors[who].account)
						.filter(|_| self.rng.chance(80))
						.unwrap_or_else(|| self.node_id());
					let node = self.node_id();
					let now = frame_system::Pallet::<Runtime>::block_number();
					let block = if self.rng.chance(90) {
						now.saturating_sub(1 + self.rng.below(5) as u32)
					} else {
						now + self.rng.below(3) as u32
					};
					(who, RuntimeCall::Archive(Archive::report_unproven { reporter, node, block }))
				} else if self.rng.chance(60) {
					let operator = self.who_of(&[Kind::Funded, Kind::Stranger]);
					let key = self.who_of(&[Kind::ArchiveKey]);
					// Mostly the key's own proof for this operator; else another key's, or one
					// made for another operator.
					let signer = if self.rng.chance(90) { key } else { self.who_of(&[Kind::ArchiveKey]) };
					let for_operator = if self.rng.chance(90) { operator } else { self.any_signer() };
					let key = self.actors[key].account.clone();
					let payload = pallet_archive::Pallet::<Runtime>::key_payload(&self.actors[for_operator].account, &key);
					let proof = MultiSignature::Sr25519(self.actors[signer].pair.sign(&payload));
					let address = BoundedVec::truncate_from(if self.rng.chance(90) { b"http://10.0.0.1:9944".to_vec() } else { vec![] });
					let call = Archive::register_node {
						key,
						peer_id: BoundedVec::truncate_from(b"12D3KooWfuzz".to_vec()),
						address,
						zone: self.rng.below(4) as u16,
						proof,
					};
					(operator, RuntimeCall::Archive(call))
				} else if self.rng.chance(80) {
					let operator = self.who_of(&[Kind::Funded, Kind::Stranger]);
					(operator, RuntimeCall::Archive(Archive::leave { node: self.node_id() }))
				} else {
					// Only the admin origin may remove a node: from a signer, a paid refusal.
					let who = self.any_signer();
					(who, RuntimeCall::Archive(Archive::remove_node { node: self.node_id() }))
				}
			},
			91..=93 => {
				use pallet_cinemas::Call as Cinemas;
				let cinema = self.cinema();
				let name = pallet_cinemas::Name::truncate_from(if self.rng.chance(90) { b"Fuzz Cinema".to_vec() } else { vec![] });
				let location = if self.rng.chance(80) { Some(Location { latitude: 39_904_200, longitude: 116_407_400 }) } else { Some(Location { latitude: i32::MIN, longitude: 0 }) };
				let call = match self.rng.below(3) {
					0 => Cinemas::register_cinema { cinema, region: self.region(), name, location },
					1 => Cinemas::update_cinema { cinema, name, location },
					_ => Cinemas::move_cinema { cinema, region: self.region() },
				};
				let call = RuntimeCall::Cinemas(call);
				if self.rng.chance(40) {
					(self.who_of(&[Kind::Root]), RuntimeCall::Sudo(pallet_sudo::Call::sudo { call: Box::new(call) }))
				} else {
					let who = if self.rng.chance(70) { self.who_of(&[Kind::Registrar]) } else { self.any_signer() };
					(who, call)
				}
			},
			94..=96 => {
				let who = self.who_of(&[Kind::Root, Kind::Funded]);
				let dest = MultiAddress::Id(self.account());
				let value = *self.rng.pick(&[1u128, 1_000_000_000_000, 10_000_000_000_000_000]);
				(who, RuntimeCall::Balances(pallet_balances::Call::transfer_keep_alive { dest, value }))
			},
			_ => (self.any_signer(), RuntimeCall::System(frame_system::Call::remark { remark: vec![0; 32] })),
		}
	}
}

/// Blocks between two purges of unreferenced trie nodes.
const PURGE_EVERY: u64 = 5_000;

fn env_u64(name: &str, default: u64) -> u64 {
	std::env::var(name).ok().map_or(default, |v| v.parse().unwrap_or_else(|_| panic!("{name}: a number")))
}

/// The short run of the test command: a few seeds, some thousands of calls each (or
/// `FUZZ_SEED` / `FUZZ_CALLS`). Prints calls per second.
#[test]
fn random_calls_never_panic_break_invariants_or_let_feeless_calls_fail() {
	let calls = env_u64("FUZZ_CALLS", 20_000);
	let seeds: Vec<u64> = match std::env::var("FUZZ_SEED") {
		Ok(seed) => vec![seed.parse().expect("FUZZ_SEED: a number")],
		Err(_) => vec![1, 2, 3],
	};
	for seed in seeds {
		// Printed first, so that a panic anywhere in the run still names its seed.
		println!("fuzz seed {seed}: {calls} calls (reproduce: FUZZ_SEED={seed} FUZZ_CALLS={calls})");
		let started = Instant::now();
		let mut fuzzer = Fuzzer::new(seed);
		let mut ext = genesis();
		// Each block's changes are committed, as a node does: a block's state root then costs
		// what the block changed, not everything since genesis. Committing leaves the replaced
		// trie nodes behind with no reference; dropping them now and then keeps memory to the
		// size of the state, not of its history.
		let mut purged_at = 0;
		while fuzzer.stats.calls < calls {
			let quiet = ext.execute_with(|| fuzzer.busy_block());
			ext.commit_all().expect("the changes commit");
			for _ in 0..quiet {
				ext.execute_with(|| fuzzer.quiet_block());
				ext.commit_all().expect("the changes commit");
			}
			if fuzzer.stats.blocks >= purged_at + PURGE_EVERY {
				ext.backend.backend_storage_mut().purge();
				purged_at = fuzzer.stats.blocks;
			}
		}
		let seconds = started.elapsed().as_secs_f64();
		let s = &fuzzer.stats;
		println!(
			"fuzz seed {seed}: {} calls in {} blocks, {seconds:.1} s = {:.0} calls/s; {} succeeded ({} feeless), {} failed (paid), {} refused before dispatch",
			s.calls,
			s.blocks,
			s.calls as f64 / seconds,
			s.succeeded,
			s.feeless,
			s.failed,
			s.refused
		);
		assert!(s.succeeded > 0 && s.feeless > 0 && s.failed > 0 && s.refused > 0, "the run must exercise every outcome: {s:?}");
	}
}
