//! How offchain workers build signed transactions (the archive node's heartbeats): the same
//! extensions a wallet adds, signed with a key from the node's keystore.

use codec::Encode;
use sp_runtime::{generic::Era, traits::Verify, SaturatedConversion};

use super::BlockHashCount;
use crate::{Runtime, RuntimeCall, Signature, SignedPayload, System, UncheckedExtrinsic};

impl frame_system::offchain::SigningTypes for Runtime {
	type Public = <Signature as Verify>::Signer;
	type Signature = Signature;
}

impl<C> frame_system::offchain::CreateTransactionBase<C> for Runtime
where
	RuntimeCall: From<C>,
{
	type Extrinsic = UncheckedExtrinsic;
	type RuntimeCall = RuntimeCall;
}

impl<C> frame_system::offchain::CreateSignedTransaction<C> for Runtime
where
	RuntimeCall: From<C>,
{
	fn create_signed_transaction<A: frame_system::offchain::AppCrypto<Self::Public, Self::Signature>>(
		call: RuntimeCall,
		public: Self::Public,
		account: crate::AccountId,
		nonce: crate::Nonce,
	) -> Option<UncheckedExtrinsic> {
		// Valid for the largest power of two within the remembered block hashes.
		let period = BlockHashCount::get().checked_next_power_of_two().map(|p| p / 2).unwrap_or(2) as u64;
		let current = System::block_number().saturated_into::<u64>().saturating_sub(1);
		let extension = crate::tx_extension(nonce, Era::mortal(period, current));
		let payload = SignedPayload::new(call, extension).ok()?;
		let signature = payload.using_encoded(|bytes| A::sign(bytes, public))?;
		let (call, extension, _) = payload.deconstruct();
		Some(UncheckedExtrinsic::new_signed(call, sp_runtime::MultiAddress::Id(account), signature, extension))
	}
}
