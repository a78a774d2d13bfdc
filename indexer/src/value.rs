//! Reading fields out of values decoded with a block's own metadata (`scale_value`), and turning
//! them into JSON for people. Every reader says which field was missing or of the wrong shape,
//! so a runtime whose types changed fails loudly at the block that changed them.

use std::fmt;

use subxt::ext::scale_value::{Composite, Primitive, Value, ValueDef};

/// A field that is missing or not of the expected shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShapeError(pub String);

impl fmt::Display for ShapeError {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		f.write_str(&self.0)
	}
}

impl std::error::Error for ShapeError {}

pub type Result<T> = std::result::Result<T, ShapeError>;

fn shape(what: &str, value: &Value) -> ShapeError {
	ShapeError(format!("{what}: unexpected value {}", to_json(value)))
}

/// The named field `name` of a composite (or of a variant's fields).
pub fn field<'a>(fields: &'a Composite<()>, name: &str) -> Result<&'a Value> {
	match fields {
		Composite::Named(named) => named
			.iter()
			.find(|(n, _)| n == name)
			.map(|(_, v)| v)
			.ok_or_else(|| ShapeError(format!("no field `{name}`"))),
		Composite::Unnamed(_) => Err(ShapeError(format!("no field `{name}`: fields are unnamed"))),
	}
}

/// The named field `name` of a composite value.
pub fn at<'a>(value: &'a Value, name: &str) -> Result<&'a Value> {
	match &value.value {
		ValueDef::Composite(c) => field(c, name),
		ValueDef::Variant(v) => field(&v.values, name),
		_ => Err(shape(name, value)),
	}
}

/// An unsigned integer that fits `u64`.
pub fn u64_of(value: &Value) -> Result<u64> {
	let inner = unwrap_newtype(value);
	inner.as_u128().and_then(|n| u64::try_from(n).ok()).ok_or_else(|| shape("an unsigned integer", value))
}

/// A signed integer that fits `i64`.
pub fn i64_of(value: &Value) -> Result<i64> {
	let inner = unwrap_newtype(value);
	match &inner.value {
		ValueDef::Primitive(Primitive::I128(n)) => i64::try_from(*n).ok(),
		ValueDef::Primitive(Primitive::U128(n)) => i64::try_from(*n).ok(),
		_ => None,
	}
	.ok_or_else(|| shape("an integer", value))
}

/// Bytes: a `Vec<u8>`, a `[u8; N]`, a `BoundedVec<u8, _>` or any newtype around one of them
/// (an `AccountId32`, say).
pub fn bytes_of(value: &Value) -> Result<Vec<u8>> {
	as_bytes(value).ok_or_else(|| shape("bytes", value))
}

fn as_bytes(value: &Value) -> Option<Vec<u8>> {
	match &value.value {
		ValueDef::Composite(c) => {
			let values: Vec<&Value> = c.values().collect();
			// A newtype around bytes (one field that is itself a sequence).
			if values.len() == 1 {
				if let ValueDef::Composite(_) = values[0].value {
					return as_bytes(values[0]);
				}
			}
			values
				.iter()
				.map(|v| v.as_u128().and_then(|n| u8::try_from(n).ok()))
				.collect::<Option<Vec<u8>>>()
		},
		_ => None,
	}
}

/// Hex with a `0x` prefix: how hashes, keys and byte fields appear in the index.
pub fn hex_of(value: &Value) -> Result<String> {
	bytes_of(value).map(|b| hex0x(&b))
}

/// `0x`-prefixed lowercase hex.
pub fn hex0x(bytes: &[u8]) -> String {
	format!("0x{}", hex::encode(bytes))
}

/// UTF-8 text stored as bytes (titles, names, region codes); invalid bytes are replaced, so a
/// bad title cannot stop the index.
pub fn text_of(value: &Value) -> Result<String> {
	bytes_of(value).map(|b| String::from_utf8_lossy(&b).into_owned())
}

/// An `Option<_>`: `None` or the value inside `Some`.
pub fn option_of(value: &Value) -> Result<Option<&Value>> {
	match &value.value {
		ValueDef::Variant(v) if v.name == "None" => Ok(None),
		ValueDef::Variant(v) if v.name == "Some" => v.values.values().next().map(Some).ok_or_else(|| shape("Some(_)", value)),
		_ => Err(shape("an Option", value)),
	}
}

/// The name of an enum value's variant (`Completed`, `Supervisor`, ...).
pub fn variant_of(value: &Value) -> Result<&str> {
	match &value.value {
		ValueDef::Variant(v) => Ok(&v.name),
		_ => Err(shape("an enum", value)),
	}
}

/// A single-field tuple struct's inner value (`struct Foo(u64)` decodes as a composite of one).
fn unwrap_newtype(value: &Value) -> &Value {
	match &value.value {
		ValueDef::Composite(c) if c.len() == 1 => unwrap_newtype(c.values().next().expect("length is one")),
		_ => value,
	}
}

/// A value as JSON for people: byte sequences become `0x` hex, enums `{"Variant": fields}` (or
/// just `"Variant"` without fields), integers numbers (strings beyond 2^53, which JSON readers
/// would round).
pub fn to_json(value: &Value) -> serde_json::Value {
	use serde_json::Value as J;
	match &value.value {
		ValueDef::Composite(c) => {
			if !c.is_empty() {
				if let Some(bytes) = as_bytes(value) {
					if c.len() > 1 || matches!(c, Composite::Unnamed(_)) {
						return J::String(hex0x(&bytes));
					}
				}
			}
			composite_json(c)
		},
		ValueDef::Variant(v) =>
			if v.values.is_empty() {
				J::String(v.name.clone())
			} else {
				let mut map = serde_json::Map::new();
				map.insert(v.name.clone(), composite_json(&v.values));
				J::Object(map)
			},
		ValueDef::Primitive(p) => match p {
			Primitive::Bool(b) => J::Bool(*b),
			Primitive::Char(c) => J::String(c.to_string()),
			Primitive::String(s) => J::String(s.clone()),
			Primitive::U128(n) =>
				if *n <= (1u128 << 53) {
					J::from(*n as u64)
				} else {
					J::String(n.to_string())
				},
			Primitive::I128(n) =>
				if n.unsigned_abs() <= (1u128 << 53) {
					J::from(*n as i64)
				} else {
					J::String(n.to_string())
				},
			other => J::String(format!("{other:?}")),
		},
		ValueDef::BitSequence(bits) => J::String(format!("{bits:?}")),
	}
}

fn composite_json(c: &Composite<()>) -> serde_json::Value {
	match c {
		Composite::Named(named) =>
			serde_json::Value::Object(named.iter().map(|(k, v)| (k.clone(), to_json(v))).collect()),
		Composite::Unnamed(values) if values.len() == 1 => to_json(&values[0]),
		Composite::Unnamed(values) => serde_json::Value::Array(values.iter().map(to_json).collect()),
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn bytes(b: &[u8]) -> Value {
		Value::unnamed_composite(b.iter().map(|x| Value::u128(*x as u128)))
	}

	#[test]
	fn reads_the_shapes_the_runtime_uses() {
		let account = Value::unnamed_composite([bytes(&[7u8; 32])]);
		let fields = Composite::named([
			("device", Value::u128(42)),
			("who", account.clone()),
			("title", bytes(b"Hugo")),
			("none", Value::unnamed_variant("None", [])),
			("some", Value::unnamed_variant("Some", [Value::i128(-5)])),
			("outcome", Value::named_variant("Aborted", [("reason", Value::u128(3))])),
		]);
		assert_eq!(u64_of(field(&fields, "device").unwrap()), Ok(42));
		assert_eq!(hex_of(field(&fields, "who").unwrap()).unwrap(), hex0x(&[7u8; 32]));
		assert_eq!(text_of(field(&fields, "title").unwrap()).unwrap(), "Hugo");
		assert_eq!(option_of(field(&fields, "none").unwrap()), Ok(None));
		let some = option_of(field(&fields, "some").unwrap()).unwrap().unwrap();
		assert_eq!(i64_of(some), Ok(-5));
		let outcome = field(&fields, "outcome").unwrap();
		assert_eq!(variant_of(outcome), Ok("Aborted"));
		assert_eq!(u64_of(at(outcome, "reason").unwrap()), Ok(3));
		assert!(field(&fields, "missing").unwrap_err().0.contains("missing"));
		assert!(u64_of(field(&fields, "title").unwrap()).is_err());
	}

	#[test]
	fn json_for_people() {
		let v = Value::named_composite([
			("key", Value::unnamed_composite([bytes(&[1, 2])])),
			("role", Value::unnamed_variant("Supervisor", [])),
			("big", Value::u128(u128::MAX)),
		]);
		assert_eq!(
			to_json(&v),
			serde_json::json!({"key": "0x0102", "role": "Supervisor", "big": u128::MAX.to_string()})
		);
	}
}
