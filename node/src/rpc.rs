//! The node's own JSON-RPC methods, added to the standard ones (system, author, chain, state)
//! that `sc_service` always serves.

use std::sync::Arc;

use cinechain_runtime::{opaque::Block, AccountId, Balance, Nonce};
use jsonrpsee::RpcModule;
use sc_transaction_pool_api::TransactionPool;
use sp_api::ProvideRuntimeApi;
use sp_block_builder::BlockBuilder;
use sp_blockchain::{Error as BlockChainError, HeaderBackend, HeaderMetadata};
use sp_runtime::traits::{Block as BlockT, NumberFor};

/// What the RPC methods need from the node.
pub struct FullDeps<C, P> {
	/// The client: chain data and runtime calls.
	pub client: Arc<C>,
	/// The transaction pool.
	pub pool: Arc<P>,
	/// The archive store and cluster view behind `cinearchive_*`.
	pub archive: Arc<cinechain_archive::Archive<C>>,
	/// GRANDPA's state behind `grandpa_*`.
	pub grandpa: GrandpaDeps,
}

/// What GRANDPA's RPC methods need: the voter's state, its justifications and authority-set
/// changes.
pub struct GrandpaDeps {
	pub shared_voter_state: sc_consensus_grandpa::SharedVoterState,
	pub shared_authority_set: sc_consensus_grandpa::SharedAuthoritySet<<Block as BlockT>::Hash, NumberFor<Block>>,
	pub justification_stream: sc_consensus_grandpa::GrandpaJustificationStream<Block>,
	pub subscription_executor: sc_rpc::SubscriptionTaskExecutor,
	pub finality_provider: Arc<sc_consensus_grandpa::FinalityProofProvider<crate::service::FullBackend, Block>>,
}

/// All of the node's extra RPC methods: `system_accountNextIndex` (nonce including pool
/// transactions), `payment_queryInfo` / `payment_queryFeeDetails`, GRANDPA's `grandpa_*`
/// (`grandpa_roundState`, `grandpa_subscribeJustifications`, `grandpa_proveFinality`; the last
/// answers only once the authority set has changed), and the archive's `cinearchive_*` (see
/// `archive/README.md`).
pub fn create_full<C, P>(
	deps: FullDeps<C, P>,
) -> Result<RpcModule<()>, Box<dyn std::error::Error + Send + Sync>>
where
	C: ProvideRuntimeApi<Block>
		+ HeaderBackend<Block>
		+ HeaderMetadata<Block, Error = BlockChainError>
		+ cinechain_archive::archive::ChainClient
		+ Send
		+ Sync
		+ 'static,
	C::Api: substrate_frame_rpc_system::AccountNonceApi<Block, AccountId, Nonce>
		+ pallet_archive::runtime_api::ArchiveApi<Block, AccountId>
		+ pallet_transaction_payment_rpc::TransactionPaymentRuntimeApi<Block, Balance>
		+ BlockBuilder<Block>,
	P: TransactionPool + 'static,
{
	use pallet_transaction_payment_rpc::{TransactionPayment, TransactionPaymentApiServer};
	use substrate_frame_rpc_system::{System, SystemApiServer};

	use cinechain_archive::{protocol::ArchiveRpcServer, rpc::ArchiveRpcHandler};

	use sc_consensus_grandpa_rpc::{Grandpa, GrandpaApiServer};

	let FullDeps { client, pool, archive, grandpa } = deps;
	let mut module = RpcModule::new(());
	module.merge(System::new(client.clone(), pool).into_rpc())?;
	module.merge(TransactionPayment::new(client).into_rpc())?;
	module.merge(ArchiveRpcHandler::new(archive).into_rpc())?;
	module.merge(
		Grandpa::new(
			grandpa.subscription_executor,
			grandpa.shared_authority_set,
			grandpa.shared_voter_state,
			grandpa.justification_stream,
			grandpa.finality_provider,
		)
		.into_rpc(),
	)?;
	Ok(module)
}
