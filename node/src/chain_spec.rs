//! The chain specifications the node knows by name. Genesis state itself comes from the
//! runtime's presets (`cinechain_runtime::genesis_config_presets`); a spec only names one.

use sc_service::{ChainType, Properties};
use sp_genesis_builder::{DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET};

/// A chain specification with no extensions.
pub type ChainSpec = sc_service::GenericChainSpec;

/// Token symbol, decimals and address format, as Polkadot-JS shows them.
fn properties() -> Properties {
	let mut properties = Properties::new();
	properties.insert("tokenSymbol".into(), "CINE".into());
	properties.insert("tokenDecimals".into(), 12.into());
	properties.insert("ss58Format".into(), 42.into());
	properties
}

fn spec(name: &str, id: &str, chain_type: ChainType, preset: &str) -> ChainSpec {
	ChainSpec::builder(cinechain_runtime::wasm_binary_unwrap(), None)
		.with_name(name)
		.with_id(id)
		.with_protocol_id("cinechain")
		.with_chain_type(chain_type)
		.with_genesis_config_preset_name(preset)
		.with_properties(properties())
		.build()
}

/// `--dev`: one validator (Alice), sudo Alice, the well-known accounts funded.
pub fn development() -> ChainSpec {
	spec("Cinechain Development", "cinechain_dev", ChainType::Development, DEV_RUNTIME_PRESET)
}

/// `--chain local`: four validators (Alice, Bob, Charlie, Dave) on one machine.
pub fn local_testnet() -> ChainSpec {
	spec("Cinechain Local Testnet", "cinechain_local", ChainType::Local, LOCAL_TESTNET_RUNTIME_PRESET)
}
