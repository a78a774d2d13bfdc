//! The device key: generated on the device, kept in one file only its owner can read, never
//! printed or sent anywhere. Only the public key (the device's identity on chain) leaves it.

use std::{
	fs::{self, OpenOptions},
	io::Write,
	os::unix::fs::{OpenOptionsExt, PermissionsExt},
	path::Path,
	str::FromStr,
};

use subxt_signer::{sr25519::Keypair, SecretUri};

/// Creates a new sr25519 device key in `path` (mode 0600; refuses to overwrite a key), from
/// the operating system's random source, or from the secret URI `dev_uri` (development chains
/// only, e.g. `//One`, the demo device).
pub fn create(path: &Path, dev_uri: Option<&str>) -> Result<Keypair, String> {
	let secret = match dev_uri {
		Some(uri) => uri.to_string(),
		None => {
			let mut seed = [0u8; 32];
			getrandom::fill(&mut seed).map_err(|e| format!("no random source for the key: {e}"))?;
			format!("0x{}", hex::encode(seed))
		},
	};
	let keypair = parse(&secret)?;
	if let Some(dir) = path.parent() {
		fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
	}
	let mut file = OpenOptions::new()
		.write(true)
		.create_new(true)
		.mode(0o600)
		.open(path)
		.map_err(|e| match e.kind() {
			std::io::ErrorKind::AlreadyExists => format!(
				"{} already holds a device key; a device keeps its key for life (rotate it with the \
				 registry's key rotation, never by overwriting the file)",
				path.display()
			),
			_ => format!("cannot create the key file {}: {e}", path.display()),
		})?;
	file.write_all(secret.as_bytes())
		.and_then(|()| file.write_all(b"\n"))
		.and_then(|()| file.sync_all())
		.map_err(|e| format!("cannot write the key file {}: {e}", path.display()))?;
	Ok(keypair)
}

/// The device key as loaded.
pub struct DeviceKey {
	pub pair: Keypair,
	/// Made with `init --dev-key` from a secret URI (such as `//One`, whose secret is public),
	/// not generated on the device: usable on development chains only.
	pub development: bool,
}

/// Shows the public key only: a secret never reaches a log.
impl core::fmt::Debug for DeviceKey {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		f.debug_struct("DeviceKey")
			.field("public", &hex::encode(self.pair.public_key().0))
			.field("development", &self.development)
			.finish()
	}
}

/// Whether `secret` (a key file's text) came from `--dev-key` rather than from [`create`]'s
/// random seed, which it writes as `0x` and 64 hex digits.
fn is_development_secret(secret: &str) -> bool {
	let generated = secret.len() == 66 && secret.starts_with("0x") && secret[2..].bytes().all(|b| b.is_ascii_hexdigit());
	!generated
}

/// Refuses a development key on a chain that is not a development chain: its chain spec's
/// `chainType` (or the node's `system_chainType`) must be `Development` or `Local`, chains whose
/// keys are public anyway. On a live chain a key anybody can derive would let anybody record
/// screenings as this projector.
pub fn check_chain_type(development: bool, chain_type: &str) -> Result<(), String> {
	if development && !matches!(chain_type, "Development" | "Local") {
		return Err(format!(
			"this device's key was made with --dev-key, whose secret is public, and the chain is a {chain_type} chain, \
			 not a development one: refused. A device on a live chain needs a key generated on it \
			 (`cinechain-projector init` without --dev-key, in a fresh data directory)"
		));
	}
	Ok(())
}

/// The `chainType` of a chain spec's JSON (`"Live"` when absent, as Substrate defaults).
pub fn chain_type_of(spec: &serde_json::Value) -> String {
	match spec.get("chainType") {
		Some(serde_json::Value::String(kind)) => kind.clone(),
		Some(other) => other.to_string(),
		None => "Live".into(),
	}
}

/// Loads the device key from `path`; refuses a key file that others may read.
pub fn load(path: &Path) -> Result<DeviceKey, String> {
	let meta = fs::metadata(path).map_err(|e| match e.kind() {
		std::io::ErrorKind::NotFound => {
			format!("no device key at {}: run `cinechain-projector init` first", path.display())
		},
		_ => format!("cannot read the key file {}: {e}", path.display()),
	})?;
	if meta.permissions().mode() & 0o077 != 0 {
		return Err(format!(
			"the key file {} may be read by other users (mode {:o}); run `chmod 600` on it",
			path.display(),
			meta.permissions().mode() & 0o777
		));
	}
	let text = fs::read_to_string(path).map_err(|e| format!("cannot read the key file {}: {e}", path.display()))?;
	let secret = text.trim();
	Ok(DeviceKey { pair: parse(secret)?, development: is_development_secret(secret) })
}

fn parse(secret: &str) -> Result<Keypair, String> {
	let uri = SecretUri::from_str(secret).map_err(|_| "the device key is not a valid secret".to_string())?;
	Keypair::from_uri(&uri).map_err(|_| "the device key is not a valid secret".to_string())
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn a_key_is_created_private_loaded_back_and_never_overwritten() {
		let dir = tempfile::tempdir().unwrap();
		let path = dir.path().join("keys/device.key");
		let created = create(&path, None).unwrap();
		assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
		let loaded = load(&path).unwrap();
		assert_eq!(loaded.pair.public_key().0, created.public_key().0);
		assert!(!loaded.development, "a generated key is a device's own");
		assert!(create(&path, None).unwrap_err().contains("already holds a device key"));
		fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
		assert!(load(&path).unwrap_err().contains("chmod 600"));
		assert!(load(&dir.path().join("none")).unwrap_err().contains("init"));
		// Two devices never share a key.
		let other = create(&dir.path().join("other.key"), None).unwrap();
		assert_ne!(other.public_key().0, created.public_key().0);
	}

	#[test]
	fn a_development_key_comes_from_its_uri() {
		let dir = tempfile::tempdir().unwrap();
		let key = create(&dir.path().join("one.key"), Some("//One")).unwrap();
		assert_eq!(key.public_key().0, subxt_signer::sr25519::dev::one().public_key().0);
		assert!(load(&dir.path().join("one.key")).unwrap().development);
	}

	#[test]
	fn a_development_key_is_refused_on_a_chain_that_is_not_a_development_chain() {
		for kind in ["Development", "Local"] {
			assert_eq!(check_chain_type(true, kind), Ok(()));
		}
		for kind in ["Live", "{\"Custom\":\"staging\"}"] {
			assert!(check_chain_type(true, kind).unwrap_err().contains("--dev-key"), "{kind}");
			assert_eq!(check_chain_type(false, kind), Ok(()), "a device's own key signs anywhere");
		}
		let spec = |text: &str| chain_type_of(&serde_json::from_str(text).unwrap());
		assert_eq!(spec(r#"{"chainType":"Local"}"#), "Local");
		assert_eq!(spec(r#"{"chainType":{"Custom":"staging"}}"#), r#"{"Custom":"staging"}"#);
		assert_eq!(spec("{}"), "Live");
		assert!(!is_development_secret(&format!("0x{}", "ab".repeat(32))));
		assert!(is_development_secret("//One") && is_development_secret("0x12//derived"));
	}
}
