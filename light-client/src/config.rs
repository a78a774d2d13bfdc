//! The agent's data directory: everything a projector keeps, in one place an installer can own
//! (default `/var/lib/cinechain-projector`, or `$CINECHAIN_PROJECTOR_DIR`).
//!
//! ```text
//! device.key        the device's secret key (mode 0600)
//! projector.json    where the projector stands: {"cinema": 11010501, "location": [39904200, 116407400]}
//! outbox.redb       the durable outbox
//! chain-spec.json   the chain spec the light client starts from (unless --chain-spec says otherwise)
//! ```

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::event::Site;

/// Where the projector stands, written by `init`.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct DeviceConfig {
	/// The cinema the device is installed in (its registered cinema).
	pub cinema: u32,
	/// Fixed location in micro-degrees `[latitude, longitude]`, if recorded.
	#[serde(default)]
	pub location: Option<(i32, i32)>,
}

impl DeviceConfig {
	pub fn site(&self) -> Site {
		Site { cinema: self.cinema, location: self.location }
	}
}

/// The files of a data directory.
#[derive(Clone, Debug)]
pub struct DataDir(pub PathBuf);

impl DataDir {
	pub fn key(&self) -> PathBuf {
		self.0.join("device.key")
	}
	pub fn config(&self) -> PathBuf {
		self.0.join("projector.json")
	}
	pub fn outbox(&self) -> PathBuf {
		self.0.join("outbox.redb")
	}
	pub fn chain_spec(&self) -> PathBuf {
		self.0.join("chain-spec.json")
	}

	/// Reads `projector.json`.
	pub fn load_config(&self) -> Result<DeviceConfig, String> {
		let path = self.config();
		let text = std::fs::read_to_string(&path)
			.map_err(|e| format!("cannot read {}: {e} (run `cinechain-projector init` first)", path.display()))?;
		let config: DeviceConfig =
			serde_json::from_str(&text).map_err(|e| format!("{} is not a valid projector config: {e}", path.display()))?;
		check_location(config.location)?;
		Ok(config)
	}

	/// Writes `projector.json`.
	pub fn save_config(&self, config: &DeviceConfig) -> Result<(), String> {
		check_location(config.location)?;
		write_atomically(&self.config(), serde_json::to_string_pretty(config).expect("plain data").as_bytes())
	}
}

/// Micro-degree coordinates within the globe.
pub fn check_location(location: Option<(i32, i32)>) -> Result<(), String> {
	match location {
		Some((lat, lon)) if lat.unsigned_abs() > 90_000_000 || lon.unsigned_abs() > 180_000_000 => {
			Err(format!("location ({lat}, {lon}) µ° is outside latitude ±90° / longitude ±180°"))
		},
		_ => Ok(()),
	}
}

/// Writes `bytes` to `path` so that a crash leaves the old file or the new one, never half.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), String> {
	use std::io::Write;
	let tmp = path.with_extension("tmp");
	let result = std::fs::File::create(&tmp)
		.and_then(|mut f| f.write_all(bytes).and_then(|()| f.sync_all()))
		.and_then(|()| std::fs::rename(&tmp, path));
	result.map_err(|e| format!("cannot write {}: {e}", path.display()))
}
