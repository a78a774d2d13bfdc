//! Prepared calls: the console never holds a key, so "flag this screening" and "suspend this
//! device" hand the regulator the call's SCALE encoding, which Polkadot-JS Apps (Developer →
//! Extrinsics → Decode) or a browser wallet then signs with the regulator's own account.
//!
//! The encoding follows the metadata of the runtime the node runs now, not constants written
//! here: a runtime upgrade that moves a pallet or renames an argument changes the prepared call
//! with it, or makes preparing it fail with a reason, never produce a call the chain would read
//! differently.

use subxt::{ext::scale_encode::EncodeAsType, Metadata};

/// The calls the console prepares, with their pallets and argument names in order.
pub const PREPARED: [(&str, &str, &[&str]); 2] = [
	("flag_screening", "Screenings", &["device", "seq", "reason"]),
	("suspend_device", "Devices", &["device", "reason"]),
];

fn prepared(call: &str) -> Result<&'static (&'static str, &'static str, &'static [&'static str]), String> {
	PREPARED.iter().find(|(name, ..)| *name == call).ok_or_else(|| format!("`{call}` is not a call the console prepares"))
}

/// The argument names of `call`, if it is one the console prepares.
pub fn arguments(call: &str) -> Result<&'static [&'static str], String> {
	prepared(call).map(|(_, _, names)| *names)
}

/// A call ready to be signed.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Prepared {
	pub pallet: String,
	pub call: String,
	/// The arguments by name, as given.
	pub args: Vec<(String, u64)>,
	/// `0x` + the call's SCALE encoding (pallet index, call index, arguments).
	pub call_data: String,
}

/// Encodes `call` (one of [`PREPARED`]) with `args` (every argument it names, nothing else)
/// against `metadata`. Says why when the call is not one the console prepares, an argument is
/// missing, unknown or out of its type's range, or the runtime no longer has the call.
pub fn prepare(metadata: &Metadata, call: &str, args: &[(String, u64)]) -> Result<Prepared, String> {
	let (_, pallet_name, names) = prepared(call)?;
	if let Some((extra, _)) = args.iter().find(|(name, _)| !names.contains(&name.as_str())) {
		return Err(format!("`{call}` has no argument `{extra}`"));
	}
	let pallet = metadata.pallet_by_name(pallet_name).ok_or_else(|| format!("the runtime has no pallet {pallet_name}"))?;
	let variant = pallet.call_variant_by_name(call).ok_or_else(|| format!("the runtime's {pallet_name} has no call {call}"))?;
	let mut data = vec![pallet.call_index(), variant.index];
	for field in &variant.fields {
		let name = field.name.as_deref().unwrap_or_default();
		if !names.contains(&name) {
			return Err(format!("the runtime's {pallet_name}::{call} takes `{name}`, which the console does not know"));
		}
		let value = args.iter().find(|(n, _)| n == name).map(|(_, v)| *v).ok_or_else(|| format!("`{name}` is missing"))?;
		value.encode_as_type_to(field.ty.id, metadata.types(), &mut data).map_err(|e| format!("`{name}`: {e}"))?;
	}
	Ok(Prepared {
		pallet: pallet_name.to_string(),
		call: call.to_string(),
		args: args.to_vec(),
		call_data: crate::value::hex0x(&data),
	})
}

#[cfg(test)]
mod tests {
	use super::*;

	/// The runtime's metadata as the repository keeps it (artifacts/, regenerated with the
	/// runtime by scripts/update-metadata.sh).
	fn metadata() -> Metadata {
		let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../artifacts/cinechain-metadata.scale")).unwrap();
		Metadata::decode_from(&bytes[..]).unwrap()
	}

	fn args(list: &[(&str, u64)]) -> Vec<(String, u64)> {
		list.iter().map(|(n, v)| (n.to_string(), *v)).collect()
	}

	#[test]
	fn a_flag_is_encoded_as_the_runtime_reads_it() {
		let metadata = metadata();
		let prepared = prepare(&metadata, "flag_screening", &args(&[("device", 7), ("seq", 3), ("reason", 2)])).unwrap();
		let pallet = metadata.pallet_by_name("Screenings").unwrap();
		let variant = pallet.call_variant_by_name("flag_screening").unwrap();
		let mut expected = vec![pallet.call_index(), variant.index];
		expected.extend(codec::Encode::encode(&(7u64, 3u64, 2u16)));
		assert_eq!(prepared.call_data, crate::value::hex0x(&expected));
		let suspend = prepare(&metadata, "suspend_device", &args(&[("device", 7), ("reason", 1)])).unwrap();
		assert!(suspend.call_data.len() > 6 && suspend.call_data != prepared.call_data);
	}

	#[test]
	fn bad_requests_are_refused_with_a_reason() {
		let metadata = metadata();
		let refused = |call: &str, list: &[(&str, u64)]| prepare(&metadata, call, &args(list)).unwrap_err();
		assert!(refused("transfer", &[]).contains("not a call the console prepares"));
		assert!(refused("flag_screening", &[("device", 7), ("seq", 3)]).contains("`reason` is missing"));
		assert!(refused("flag_screening", &[("device", 7), ("seq", 3), ("reason", 1), ("tip", 9)]).contains("no argument `tip`"));
		// `reason` is a u16 on chain.
		assert!(refused("suspend_device", &[("device", 7), ("reason", 70_000)]).starts_with("`reason`"));
	}
}
