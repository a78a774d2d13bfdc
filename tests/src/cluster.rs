//! An archive cluster on loopback, for the archive end-to-end test and `bench-archive`: one
//! validator (Alice, on a copy of the `dev` chain with a shorter slot so that long chains build
//! quickly) and archive members, each with its archive key in its keystore, registered on chain
//! by Alice as their operator, each in a zone of its own.

use std::{
	collections::BTreeMap,
	path::{Path, PathBuf},
	str::FromStr,
	time::{Duration, Instant},
};

use codec::{Decode, Encode};
use serde_json::{json, Value};
use subxt_signer::{
	sr25519::{dev, Keypair},
	SecretUri,
};

use subxt::utils::AccountId32;

use crate::{
	chain::{
		cinechain::{self, runtime_types::sp_runtime::MultiSignature},
		connect, submit, Client, Config,
	},
	records::bounded,
	run_node_command, wait_for, wait_for_explained, Node, NodeConfig,
};

/// The `dev` chain spec, raw, with slots of `slot_ms` milliseconds (the runtime reads the slot
/// duration from genesis storage, key `twox128(":SlotDuration:")`).
pub fn chain_spec_with_slot(dir: &Path, slot_ms: u64) -> PathBuf {
	chain_spec_with(dir, &[(":SlotDuration:", slot_ms.encode())])
}

/// The `dev` chain spec, raw, written to `dir`, with the runtime parameters `params` (each a
/// storage parameter's name, such as `:ArchiveOfflineRemoval:`, and its SCALE-encoded value)
/// set in its genesis.
pub fn chain_spec_with(dir: &Path, params: &[(&str, Vec<u8>)]) -> PathBuf {
	chain_spec_of("dev", dir, params)
}

/// `chain`'s chain spec (`dev` or `local`), raw, written to `dir`, with the runtime parameters
/// `params` set in its genesis (as [`chain_spec_with`]).
pub fn chain_spec_of(chain: &str, dir: &Path, params: &[(&str, Vec<u8>)]) -> PathBuf {
	let mut spec: Value = serde_json::from_str(&run_node_command(&["build-spec", "--chain", chain, "--raw"]))
		.expect("build-spec prints JSON");
	set_genesis_params(&mut spec, params);
	let path = dir.join("chain-spec.json");
	std::fs::create_dir_all(dir).expect("create the cluster's directory");
	std::fs::write(&path, spec.to_string()).expect("write the chain spec");
	path
}

/// Sets the runtime parameters `params` (each a storage parameter's name and its SCALE-encoded
/// value) in the genesis of `spec`, a raw chain spec.
pub fn set_genesis_params(spec: &mut Value, params: &[(&str, Vec<u8>)]) {
	for (name, value) in params {
		let key = format!("0x{}", hex(&sp_crypto_hashing::twox_128(name.as_bytes())));
		spec["genesis"]["raw"]["top"][key] = Value::String(format!("0x{}", hex(value)));
	}
}

/// The proof that archive key `key`, in the keystore under `base`, is `operator`'s on the chain
/// of `spec`, as `cinechain-node archive-registration` prints it.
pub fn registration_proof(spec: &Path, base: &Path, operator: &AccountId32, key: &AccountId32) -> MultiSignature {
	let out = run_node_command(&[
		"archive-registration",
		"--chain",
		spec.to_str().expect("utf-8 path"),
		"--base-path",
		base.to_str().expect("utf-8 path"),
		"--operator",
		&operator.to_string(),
	]);
	let answer: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("archive-registration prints JSON ({e}): {out}"));
	let entry = answer["keys"]
		.as_array()
		.and_then(|keys| keys.iter().find(|k| k["key"].as_str().and_then(|k| AccountId32::from_str(k).ok()).as_ref() == Some(key)))
		.unwrap_or_else(|| panic!("archive-registration names key {key}: {out}"));
	let signature = decode_hex(entry["proof"]["Sr25519"].as_str().expect("an sr25519 proof"));
	MultiSignature::Sr25519(signature.try_into().expect("64 bytes"))
}

/// The proof that archive key `key` is `operator`'s on `client`'s chain, signed here (for keys
/// that live only in a test, like a flood's).
pub fn sign_registration(client: &Client, operator: &AccountId32, key: &Keypair) -> MultiSignature {
	let key_account: AccountId32 = key.public_key().into();
	let payload = pallet_archive::key_payload(&client.genesis_hash(), operator, &key_account);
	MultiSignature::Sr25519(key.sign(&payload).0)
}

/// `bytes` as lower-case hex, without a prefix.
pub fn hex(bytes: &[u8]) -> String {
	bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// An archive member.
pub struct Member {
	pub node: Node,
	/// Its number in the archive registry.
	pub id: u32,
	/// Whether it has been killed.
	pub dead: bool,
}

/// A running cluster; every process is killed when it is dropped.
pub struct Cluster {
	dir: PathBuf,
	spec: PathBuf,
	pub validator: Node,
	pub members: Vec<Member>,
	pub rt: tokio::runtime::Runtime,
	pub client: Client,
	/// Copies of each block the runtime keeps (`ArchiveReplication`, read from the chain).
	pub r: usize,
}

/// The archive key of member `n`.
fn archive_key(n: usize) -> Keypair {
	Keypair::from_uri(&SecretUri::from_str(&format!("//Archive{n}")).expect("a valid URI")).expect("a valid key")
}

impl Cluster {
	/// Starts the validator and `members` archive members on a chain with `slot_ms` slots.
	pub fn start(dir: &Path, members: usize, slot_ms: u64) -> Cluster {
		let spec = chain_spec_with_slot(dir, slot_ms);
		let spec_arg = spec.to_str().expect("utf-8 path").to_string();
		// The validator keeps only recent bodies, like every node but the archive's: whoever
		// needs an old block (a member fetching its share, a node syncing from genesis) gets it
		// from the cluster.
		let validator = Node::start(
			NodeConfig::new("validator", &spec_arg, 0).args([
				"--alice",
				"--validator",
				"--force-authoring",
				"--blocks-pruning",
				"64",
			]),
			&dir.join("validator"),
		);
		wait_for("the validator to finalize block 1", Duration::from_secs(120), &[&validator], || {
			validator.finalized_number() >= 1
		});
		let rt = tokio::runtime::Runtime::new().expect("tokio runtime");
		let client = rt.block_on(connect(validator.rpc.port));
		let r = replication(&validator);
		let mut cluster = Cluster { dir: dir.to_path_buf(), spec, validator, members: Vec::new(), rt, client, r };
		for _ in 0..members {
			cluster.add_member();
		}
		cluster
	}

	/// Starts one more archive member and registers it (zone = its index); returns its index.
	pub fn add_member(&mut self) -> usize {
		let n = self.members.len();
		let name = format!("archive{n}");
		let base = self.dir.join(&name);
		let spec = self.insert_archive_key(&base, n);
		let node = Node::start(
			NodeConfig::new(&name, &spec, n + 1).with_prometheus().args([
				"--archive".to_string(),
				// What the archive does, block by block: a failing test prints it.
				"-larchive=debug".into(),
				"--blocks-pruning".into(),
				"64".into(),
				"--bootnodes".into(),
				self.validator.multiaddr(),
			]),
			&base,
		);
		let id = self.register(&base, n, n + 1, &format!("http://127.0.0.1:{}", node.rpc.port));
		self.members.push(Member { node, id, dead: false });
		let member = &self.members[n];
		wait_for(&format!("{name} to see itself online in its cluster"), Duration::from_secs(120), &[&member.node], || {
			status(&member.node).is_some_and(|s| s["node"].as_u64() == Some(id as u64))
		});
		n
	}

	/// Starts a node that heartbeats as archive node `//Archive{key}` (its offchain worker sends
	/// them) but runs no archive worker and keeps nothing, and registers it with `address` as
	/// where it serves: a stand-in's, such as [`crate::standin::ClaimingPeer`]. Not one of
	/// [`Self::members`]: its copies are not counted. Returns the node and its registry number,
	/// once every member sees it online.
	pub fn start_impostor(&self, key: usize, address: &str) -> (Node, u32) {
		let name = format!("impostor{key}");
		let base = self.dir.join(&name);
		let spec = self.insert_archive_key(&base, key);
		let node = Node::start(
			NodeConfig::new(&name, &spec, key).args([
				"--offchain-worker".to_string(),
				"always".into(),
				"--bootnodes".into(),
				self.validator.multiaddr(),
			]),
			&base,
		);
		let id = self.register(&base, key, key, address);
		wait_for(&format!("the members to see {name} online"), Duration::from_secs(120), &self.nodes(), || {
			self.alive().all(|m| {
				status(&m.node).is_some_and(|s| {
					s["onlineMembers"].as_array().is_some_and(|list| list.iter().any(|n| n.as_u64() == Some(id as u64)))
				})
			})
		});
		(node, id)
	}

	/// Puts archive key `//Archive{key}` into the keystore under `base`; returns the chain spec path.
	fn insert_archive_key(&self, base: &Path, key: usize) -> String {
		let spec = self.spec.to_str().expect("utf-8 path").to_string();
		let base_arg = base.to_str().expect("utf-8 path").to_string();
		run_node_command(&[
			"key", "insert", "--base-path", &base_arg, "--chain", &spec, "--key-type", "arch", "--scheme", "sr25519",
			"--suri", &format!("//Archive{key}"),
		]);
		spec
	}

	/// Registers archive key `//Archive{key}`, kept in the keystore under `base`, with peer id
	/// `NODE_KEYS[node_key]`, serving at `address`, in zone `key` (Alice its operator, with the
	/// proof `cinechain-node archive-registration` makes from that keystore); returns its
	/// registry number.
	fn register(&self, base: &Path, key: usize, node_key: usize, address: &str) -> u32 {
		let archive_key: subxt::utils::AccountId32 = archive_key(key).public_key().into();
		let proof = registration_proof(&self.spec, base, &dev::alice().public_key().into(), &archive_key);
		let register = cinechain::transactions().archive().register_node(
			archive_key,
			bounded(crate::peer_id(crate::NODE_KEYS[node_key]).as_bytes()),
			bounded(address.as_bytes()),
			key as u16,
			proof,
		);
		let outcome = self.rt.block_on(submit(&self.client, &register, &dev::alice()));
		let events = outcome.events();
		events
			.find_first::<cinechain::archive::events::NodeRegistered>()
			.expect("decode events")
			.expect("NodeRegistered")
			.node
	}

	/// The members of cluster 0 the chain counts as suspects (`ArchiveApi_suspects`) at the
	/// validator's finalized block.
	pub fn runtime_suspects(&self) -> Vec<u32> {
		let at = self.validator.rpc.finalized_hash().expect("finalized head");
		let answer = self
			.validator
			.rpc
			.call("state_call", json!(["ArchiveApi_suspects", format!("0x{}", hex(&0u32.encode())), at]))
			.expect("ArchiveApi_suspects");
		Vec::<u32>::decode(&mut &decode_hex(answer.as_str().expect("hex"))[..]).expect("a Vec<u32>")
	}

	/// The holders of block `hash` by the runtime API (`ArchiveApi_holders`, cluster 0) at the
	/// validator's finalized block.
	pub fn runtime_holders(&self, hash: &str) -> Vec<u32> {
		let hash_bytes: [u8; 32] = decode_hex(hash).try_into().expect("a 32-byte hash");
		let args = (0u32, hash_bytes).encode();
		let at = self.validator.rpc.finalized_hash().expect("finalized head");
		let answer = self
			.validator
			.rpc
			.call("state_call", json!(["ArchiveApi_holders", format!("0x{}", hex(&args)), at]))
			.expect("ArchiveApi_holders");
		Vec::<u32>::decode(&mut &decode_hex(answer.as_str().expect("hex"))[..]).expect("a Vec<u32>")
	}

	/// Starts a full node that is no archive member, with node key `key_index` (one the members
	/// do not use) and `args` (its pruning, its peers).
	pub fn start_full_node<'a>(&self, name: &str, key_index: usize, args: impl IntoIterator<Item = &'a str>) -> Node {
		let spec = self.spec.to_str().expect("utf-8 path").to_string();
		Node::start(NodeConfig::new(name, &spec, key_index).args(args), &self.dir.join(name))
	}

	/// Starts a new full node with `--sync full` whose only peers are `peers`, waits (up to
	/// `timeout`) until it has imported — executed — the chain up to the validator's block
	/// `target`, and checks that it has the validator's chain and state there and block #5's
	/// body; returns how long that took. The node is stopped afterwards.
	pub fn sync_new_node(&self, name: &str, key_index: usize, peers: &[String], target: u32, timeout: Duration) -> Duration {
		let started = Instant::now();
		let mut args = vec!["--sync", "full", "--reserved-only", "--reserved-nodes"];
		args.extend(peers.iter().map(String::as_str));
		let node = self.start_full_node(name, key_index, args);
		let expected = self.validator.rpc.block_hash(target).expect("the target's hash");
		wait_for(&format!("{name} to import block #{target}"), timeout, &[&node], || {
			node.rpc.block_hash(target).is_ok_and(|hash| hash == expected)
		});
		let took = started.elapsed();
		// Full sync executes every block, and import checks each state root against its header:
		// the node's state at the target is the validator's.
		let header = |node: &Node| node.rpc.call("chain_getHeader", json!([expected])).expect("the target's header");
		assert_eq!(header(&node)["stateRoot"], header(&self.validator)["stateRoot"], "{name}: same state root");
		let number_key = format!("0x{}{}", hex(&sp_crypto_hashing::twox_128(b"System")), hex(&sp_crypto_hashing::twox_128(b"Number")));
		let stored = node.rpc.call("state_getStorage", json!([number_key, expected])).expect("state at the target");
		assert!(stored.is_string(), "{name} holds the state at #{target}, not only headers: {stored}");
		let old = self.validator.rpc.block_hash(5).expect("#5's hash");
		let block = node.rpc.call("chain_getBlock", json!([old])).expect("chain_getBlock");
		assert!(block["block"]["extrinsics"].as_array().is_some_and(|e| !e.is_empty()), "{name} got #5's body: {block}");
		took
	}

	/// The libp2p addresses of the validator and every running member.
	pub fn multiaddrs(&self) -> Vec<String> {
		self.nodes().iter().map(|node| node.multiaddr()).collect()
	}

	/// The members still running.
	pub fn alive(&self) -> impl Iterator<Item = &Member> {
		self.members.iter().filter(|m| !m.dead)
	}

	/// Every running node (validator first), for failure logs.
	pub fn nodes(&self) -> Vec<&Node> {
		std::iter::once(&self.validator).chain(self.alive().map(|m| &m.node)).collect()
	}

	/// Kills member `n` (SIGKILL).
	pub fn kill(&mut self, n: usize) {
		self.members[n].node.kill();
		self.members[n].dead = true;
	}

	/// Sends screening-sized extrinsics (300-byte remarks from Alice, about two a second) until
	/// the chain has finalized block `target`; returns their hashes.
	pub fn load_until(&self, target: u32) -> Vec<String> {
		let alice = dev::alice();
		let mut nonce = self
			.validator
			.rpc
			.call("system_accountNextIndex", json!([subxt::utils::AccountId32::from(alice.public_key()).to_string()]))
			.expect("Alice's nonce")
			.as_u64()
			.expect("a number");
		let mut hashes = Vec::new();
		let mut last_report = Instant::now();
		while self.validator.finalized_number() < target {
			assert!(self.validator.is_running(), "the validator died:\n{}", self.validator.log_tail(40));
			let payload: Vec<u8> = (0..300).map(|i| (nonce as usize * 31 + i) as u8).collect();
			let remark = cinechain::transactions().system().remark(payload);
			let params = subxt::config::DefaultExtrinsicParamsBuilder::<Config>::new().nonce(nonce).build();
			let sent = self.rt.block_on(async {
				let at = self.client.at_current_block().await.map_err(|e| e.to_string())?;
				at.transactions().sign_and_submit(&remark, &alice, params).await.map_err(|e| e.to_string())
			});
			match sent {
				Ok(hash) => {
					hashes.push(format!("{hash:?}"));
					nonce += 1;
				},
				Err(e) => eprintln!("remark {nonce} not sent: {e}"),
			}
			if last_report.elapsed() > Duration::from_secs(30) {
				eprintln!("load: {} extrinsics, finalized #{}", hashes.len(), self.validator.finalized_number());
				last_report = Instant::now();
			}
			std::thread::sleep(Duration::from_millis(400));
		}
		hashes
	}

	/// How many running members hold each of blocks `1..=upto`.
	pub fn copies(&self, upto: u32) -> BTreeMap<u32, usize> {
		let mut copies: BTreeMap<u32, usize> = (1..=upto).map(|n| (n, 0)).collect();
		for member in self.alive() {
			for (number, _) in held(&member.node) {
				if let Some(count) = copies.get_mut(&number) {
					*count += 1;
				}
			}
		}
		copies
	}

	/// Whether every block `1..=upto` is held by exactly `R` running members (by all of them
	/// while fewer than `R` run).
	pub fn fully_replicated(&self, upto: u32) -> bool {
		let r = self.r.min(self.alive().count());
		self.copies(upto).values().all(|c| *c == r)
	}

	/// Waits until every block `1..=upto` has exactly `R` copies among running members;
	/// returns how long that took.
	/// Every 30 s, and on timeout, it says which blocks are still off.
	pub fn wait_replicated(&self, what: &str, upto: u32, timeout: Duration) -> Duration {
		let start = Instant::now();
		let last = std::cell::RefCell::new(String::from("no count yet"));
		let mut reported = Instant::now();
		let condition = || {
			let r = self.r.min(self.alive().count());
			let copies = self.copies(upto);
			*last.borrow_mut() = replication_gaps(&copies, r);
			if reported.elapsed() > Duration::from_secs(30) {
				eprintln!("{what}: {:.0} s, {}", start.elapsed().as_secs_f64(), last.borrow());
				reported = Instant::now();
			}
			copies.values().all(|c| *c == r)
		};
		wait_for_explained(what, timeout, &self.nodes(), condition, || last.borrow().clone());
		start.elapsed()
	}

	/// Waits until every running member's view no longer counts member `n` online; returns how
	/// long that took from `since`.
	pub fn wait_offline(&self, n: usize, since: Instant, timeout: Duration) -> Duration {
		self.wait_online_is(n, false, timeout);
		since.elapsed()
	}

	/// Waits until every running member's view counts member `n` online (`online`) or not.
	pub fn wait_online_is(&self, n: usize, online: bool, timeout: Duration) {
		let id = self.members[n].id as u64;
		let what = format!("member {n} to be seen {}", if online { "online" } else { "offline" });
		wait_for(&what, timeout, &self.nodes(), || {
			self.alive().all(|watcher| {
				status(&watcher.node).is_some_and(|s| {
					s["onlineMembers"].as_array().is_some_and(|list| list.iter().any(|m| m.as_u64() == Some(id)) == online)
				})
			})
		});
	}

	/// Starts killed member `n` again on its old base path and ports (its registered address).
	pub fn restart(&mut self, n: usize) {
		self.members[n].node.restart();
		self.members[n].dead = false;
	}

	/// The file member `n` keeps block `number` in.
	pub fn block_file(&self, n: usize, number: u32) -> PathBuf {
		// <base>/chains/<chain id>/archive/blocks
		let chains = self.dir.join(format!("archive{n}")).join("chains");
		let chain = std::fs::read_dir(&chains).expect("the member's chains dir").next().expect("one chain").unwrap();
		let blocks = chain.path().join("archive/blocks");
		std::fs::read_dir(&blocks)
			.expect("the member's archive store")
			.filter_map(|e| e.ok().map(|e| e.path()))
			.find(|p| p.file_name().and_then(|f| f.to_str()).is_some_and(|f| f.starts_with(&format!("{number:010}-"))))
			.unwrap_or_else(|| panic!("member {n} holds no file for block #{number}"))
	}
}

/// How far `copies` (per block) is from `r` each: counts of blocks below and above, and the
/// first few of each.
fn replication_gaps(copies: &BTreeMap<u32, usize>, r: usize) -> String {
	let describe = |blocks: Vec<(&u32, &usize)>| {
		let first: Vec<String> = blocks.iter().take(8).map(|(n, c)| format!("#{n}:{c}")).collect();
		format!("{} ({})", blocks.len(), first.join(" "))
	};
	let below = describe(copies.iter().filter(|(_, c)| **c < r).collect());
	let above = describe(copies.iter().filter(|(_, c)| **c > r).collect());
	format!("blocks below R = {r}: {below}; above: {above}")
}

/// Copies of each block the chain keeps (`ArchiveApi_replication` at the best block).
fn replication(node: &Node) -> usize {
	let answer = node.rpc.call("state_call", json!(["ArchiveApi_replication", "0x"])).expect("ArchiveApi_replication");
	let bytes = decode_hex(answer.as_str().expect("hex"));
	u32::from_le_bytes(bytes.try_into().expect("a u32")) as usize
}

/// Bytes from `0x`-prefixed hex.
pub fn decode_hex(text: &str) -> Vec<u8> {
	let text = text.trim_start_matches("0x");
	(0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex")).collect()
}

/// A node's `cinearchive_status` (`None` while its RPC is not up).
pub fn status(node: &Node) -> Option<Value> {
	node.rpc.call("cinearchive_status", json!([])).ok()
}

/// Every `(number, hash)` a node holds.
pub fn held(node: &Node) -> Vec<(u32, String)> {
	let mut all = Vec::new();
	let mut from = 0u32;
	loop {
		let Ok(page) = node.rpc.call("cinearchive_held", json!([from, 10_000])) else { return all };
		let blocks = page["blocks"].as_array().cloned().unwrap_or_default();
		let done = blocks.len() < 10_000;
		for entry in blocks {
			let number = entry[0].as_u64().expect("a number") as u32;
			all.push((number, entry[1].as_str().expect("a hash").to_string()));
			from = number + 1;
		}
		if done {
			return all;
		}
	}
}
