//! Genesis presets: the starting state of each kind of chain, chosen by name in a chain spec
//! (`--dev` takes `development`, `--chain local` takes `local_testnet`).

use alloc::{vec, vec::Vec};
use frame_support::build_struct_json_patch;
use serde_json::Value;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_consensus_grandpa::AuthorityId as GrandpaId;
use sp_genesis_builder::{PresetId, DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET};
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};

use cinechain_primitives::{CinemaId, Location, RegionCode, Role, Scope};
use pallet_devices::DeviceInfo;

use crate::{
	AccountId, AuraConfig, BalancesConfig, CinemasConfig, DevicesConfig, GrandpaConfig, RuntimeGenesisConfig,
	SudoConfig, SupervisorsConfig, UNIT,
};

/// What each well-known development account starts with.
const DEV_ENDOWMENT: crate::Balance = 1_000_000 * UNIT;

/// A validator's keys from its well-known seed (`//Alice`, ...): Aura (sr25519) for blocks,
/// GRANDPA (ed25519) for finality, as `cinechain-node --alice` puts them into the keystore.
type DevValidator = (Sr25519Keyring, Ed25519Keyring);

const ALICE: DevValidator = (Sr25519Keyring::Alice, Ed25519Keyring::Alice);
const BOB: DevValidator = (Sr25519Keyring::Bob, Ed25519Keyring::Bob);
const CHARLIE: DevValidator = (Sr25519Keyring::Charlie, Ed25519Keyring::Charlie);
const DAVE: DevValidator = (Sr25519Keyring::Dave, Ed25519Keyring::Dave);

/// The demo cinema of the development chains, in Beijing: the demo projectors' cinema.
const DEMO_CINEMA: CinemaId = 11_010_501;

/// The cinemas of the development chains: `(code, region, name, latitude, longitude)`. The
/// first is the demo projectors'; the others give regional registrars and supervisors
/// somewhere to act.
const DEMO_CINEMAS: [(CinemaId, &str, &str, i32, i32); 3] = [
	(DEMO_CINEMA, "CN-BJ", "Cinechain Demo Cinema, Beijing", 39_904_200, 116_407_400),
	(31_010_101, "CN-SH", "Cinechain Demo Cinema, Shanghai", 31_230_400, 121_473_700),
	(44_010_101, "CN-GD", "Cinechain Demo Cinema, Guangzhou", 23_129_100, 113_264_400),
];

/// The demo cinemas as the cinemas pallet's genesis takes them.
fn demo_cinemas() -> Vec<(CinemaId, RegionCode, pallet_cinemas::Name, Option<Location>)> {
	DEMO_CINEMAS
		.iter()
		.map(|(code, region, name, latitude, longitude)| {
			(
				*code,
				RegionCode::try_from(region.as_bytes().to_vec()).expect("short codes; qed"),
				pallet_cinemas::Name::try_from(name.as_bytes().to_vec()).expect("short names; qed"),
				Some(Location { latitude: *latitude, longitude: *longitude }),
			)
		})
		.collect()
}

/// A demo projector's registration data.
fn demo_projector(serial: &[u8]) -> DeviceInfo {
	let text = |bytes: &[u8]| bytes.to_vec().try_into().expect("demo texts are short; qed");
	DeviceInfo {
		manufacturer: text(b"Cinechain Demo"),
		model: text(b"Simulated Projector"),
		serial_number: text(serial),
		production_date: 2026_01_15,
		firmware_version: text(b"0.1.0"),
		cinema: DEMO_CINEMA,
	}
}

/// A chain with the given validators, root key and funded accounts, and the demo cast of the
/// development chains: Bob is a registrar and Charlie a supervisor, both nationwide; the
/// keyring accounts `One` and `Two` are active projectors in the demo cinema.
fn genesis(validators: &[DevValidator], root: AccountId, endowed: Vec<AccountId>) -> Value {
	let aura: Vec<AuraId> = validators.iter().map(|(aura, _)| aura.public().into()).collect();
	let grandpa: Vec<GrandpaId> =
		validators.iter().map(|(_, grandpa)| grandpa.public().into()).collect();
	build_struct_json_patch!(RuntimeGenesisConfig {
		balances: BalancesConfig {
			balances: endowed.into_iter().map(|who| (who, DEV_ENDOWMENT)).collect::<Vec<_>>(),
		},
		aura: AuraConfig { authorities: aura },
		grandpa: GrandpaConfig {
			authorities: grandpa.into_iter().map(|key| (key, 1)).collect::<Vec<_>>()
		},
		sudo: SudoConfig { key: Some(root) },
		supervisors: SupervisorsConfig {
			grants: vec![
				(Sr25519Keyring::Bob.to_account_id(), Role::Registrar, Scope::National, None),
				(Sr25519Keyring::Charlie.to_account_id(), Role::Supervisor, Scope::National, None),
			],
		},
		cinemas: CinemasConfig { cinemas: demo_cinemas() },
		devices: DevicesConfig {
			devices: vec![
				(Sr25519Keyring::One.to_account_id(), demo_projector(b"DEMO-0001")),
				(Sr25519Keyring::Two.to_account_id(), demo_projector(b"DEMO-0002")),
			],
		},
	})
}

/// The well-known development accounts (Alice ... Ferdie and their `//stash` twins).
fn dev_accounts() -> Vec<AccountId> {
	Sr25519Keyring::well_known().map(|k| k.to_account_id()).collect()
}

/// `development`: one validator (Alice), who also holds the sudo key.
pub fn development() -> Value {
	genesis(&[ALICE], Sr25519Keyring::Alice.to_account_id(), dev_accounts())
}

/// `local_testnet`: four validators (Alice, Bob, Charlie, Dave), so GRANDPA keeps finalizing
/// with one of them down (it needs more than two thirds).
pub fn local_testnet() -> Value {
	genesis(&[ALICE, BOB, CHARLIE, DAVE], Sr25519Keyring::Alice.to_account_id(), dev_accounts())
}

/// The preset named `id`, as JSON, or `None` for an unknown name.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let patch = match id.as_ref() {
		DEV_RUNTIME_PRESET => development(),
		LOCAL_TESTNET_RUNTIME_PRESET => local_testnet(),
		_ => return None,
	};
	Some(
		serde_json::to_string(&patch)
			.expect("serializing a serde_json::Value cannot fail; qed")
			.into_bytes(),
	)
}

/// The names of all presets.
pub fn preset_names() -> Vec<PresetId> {
	vec![PresetId::from(DEV_RUNTIME_PRESET), PresetId::from(LOCAL_TESTNET_RUNTIME_PRESET)]
}
