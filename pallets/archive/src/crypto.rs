//! The archive key: the sr25519 key an archive node's offchain worker signs its heartbeats with.
//! It lives in the node's keystore under key type `arch`
//! (`cinechain-node key insert --key-type arch --scheme sr25519`).

use sp_core::crypto::KeyTypeId;
use sp_runtime::{MultiSignature, MultiSigner};

/// The keystore key type of archive keys.
pub const KEY_TYPE: KeyTypeId = KeyTypeId(*b"arch");

mod app {
	use sp_runtime::app_crypto::{app_crypto, sr25519};
	app_crypto!(sr25519, super::KEY_TYPE);
}

pub use app::{Public, Signature};

/// Signs heartbeats with the archive key from the keystore, for a runtime whose accounts are
/// `MultiSigner`-derived (as cinechain's are).
pub struct ArchiveKey;

impl frame_system::offchain::AppCrypto<MultiSigner, MultiSignature> for ArchiveKey {
	type RuntimeAppPublic = Public;
	type GenericSignature = sp_core::sr25519::Signature;
	type GenericPublic = sp_core::sr25519::Public;
}
