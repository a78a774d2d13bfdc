//! What the index holds: one block's worth of changes, as the follower derives them and the store
//! writes them (in one database transaction). Every row keeps where on chain it came from
//! ([`Position`]): the source paper's mapping from a record to its transaction and block.

use serde::Serialize;

/// Where an event was found: block, extrinsic and event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Position {
	pub block_number: u32,
	pub block_hash: String,
	/// `None` for events of block initialisation or finalisation.
	pub extrinsic_index: Option<u32>,
	/// BLAKE2-256 of the extrinsic's encoding. Not unique on its own (the same bytes can be
	/// included twice): (block hash, extrinsic index) names an extrinsic.
	pub extrinsic_hash: Option<String>,
	pub event_index: u32,
}

/// A screening, every field decoded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Screening {
	pub device: u64,
	pub seq: u64,
	pub record_hash: String,
	pub prev_hash: String,
	/// The composition playlist id as a UUID (`8-4-4-4-12` hex).
	pub cpl_id: Option<String>,
	pub film_code: Option<String>,
	pub title: String,
	pub projectionist: String,
	/// Device clock, ms since the Unix epoch.
	pub started_at: i64,
	pub ended_at: i64,
	pub cinema: u32,
	pub hall: u32,
	/// The cinema's region when the record was indexed (empty if the cinema is unknown).
	pub region: String,
	/// Microdegrees.
	pub latitude: Option<i64>,
	pub longitude: Option<i64>,
	/// `completed` or `aborted`.
	pub outcome: String,
	pub abort_reason: Option<u32>,
	pub report_hash: Option<String>,
	/// The chain's clock (ms) at the block that recorded it.
	pub recorded_at: i64,
	#[serde(flatten)]
	pub position: Position,
}

/// A supervisor's flag on a screening, and its resolution once resolved.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FlagChange {
	pub device: u64,
	pub seq: u64,
	/// The flag's reason code, or the resolution code.
	pub code: u32,
	pub supervisor: String,
	pub resolved: bool,
	pub position: Position,
}

/// One event of cinechain's pallets, kept whole (fields as JSON) with the subjects it concerns:
/// the history of devices, cinemas, roles and archive nodes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryEvent {
	pub pallet: String,
	pub name: String,
	pub device: Option<u64>,
	pub cinema: Option<u32>,
	/// The account it concerns (a device key, a role holder, an archive operator).
	pub account: Option<String>,
	/// The archive node it concerns (its registry number).
	pub node: Option<u32>,
	pub fields: serde_json::Value,
	#[serde(flatten)]
	pub position: Position,
}

/// A registry entry whose state the follower reads from the chain after the block, because an
/// event touched it (or because it was in the genesis state).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Subject {
	Cinema(u32),
	Device(u64),
	/// An account and a role's name (`Registrar`, `Supervisor`).
	Grant { account: String, role: String },
}

/// A cinema as the registry holds it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Cinema {
	pub cinema: u32,
	pub region: String,
	pub name: String,
	pub latitude: Option<i64>,
	pub longitude: Option<i64>,
	pub updated_block: u32,
}

/// A device as the registry holds it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Device {
	pub device: u64,
	pub key: String,
	pub cinema: u32,
	pub region: String,
	/// `Requested`, `Active`, `Suspended`, `Revoked`, ...
	pub status: String,
	pub status_since: u32,
	pub manufacturer: String,
	pub model: String,
	pub serial_number: String,
	pub firmware_version: String,
	pub production_date: u32,
	pub updated_block: u32,
}

/// A role held by an account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Grant {
	pub account: String,
	pub role: String,
	/// The scope as JSON (`"National"` or `{"Limited": {...}}`).
	pub scope: serde_json::Value,
	pub expires_at: Option<u32>,
	pub granted_at: u32,
	pub updated_block: u32,
}

/// The state of a subject after a block: present, or gone from the registry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Snapshot {
	Cinema(Cinema),
	Device(Device),
	Grant(Grant),
	/// A grant that no longer exists (revoked).
	GrantGone { account: String, role: String },
	/// A device whose request was rejected (the registry drops it).
	DeviceGone(u64),
}

/// A block as indexed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BlockInfo {
	pub number: u32,
	pub hash: String,
	pub parent_hash: String,
	pub spec_version: u32,
	/// The chain's clock (ms) in this block (0 for genesis).
	pub timestamp: i64,
	pub extrinsics: u32,
	/// Whether the body came from the archive cluster because the node had pruned it.
	pub from_archive: bool,
}

/// Everything one block changes in the index.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BlockChanges {
	pub screenings: Vec<Screening>,
	pub flags: Vec<FlagChange>,
	pub history: Vec<HistoryEvent>,
	pub snapshots: Vec<Snapshot>,
	/// The block's GRANDPA justification, if the node keeps one: proofs of finality for the
	/// blocks before it are made from it (the node drops it when it prunes the body).
	pub justification: Option<Vec<u8>>,
}

/// A regulator's acknowledgement of an alert: the console's own note, not the chain's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Acknowledgement {
	/// Who acknowledged (a name they give; the console's token is what authorises them).
	pub by: String,
	/// What they concluded.
	pub note: String,
	/// When (ms since the epoch, the server's clock).
	pub at: i64,
}
