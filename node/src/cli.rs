//! The command line: `cinechain-node [run options]` or one of the subcommands.

/// Options of `cinechain-node`; with no subcommand it runs a node.
#[derive(Debug, clap::Parser)]
pub struct Cli {
	/// What to do instead of running a node.
	#[command(subcommand)]
	pub subcommand: Option<Subcommand>,

	/// How to run the node (chain, base path, ports, validator keys, ...).
	#[clap(flatten)]
	pub run: sc_cli::RunCmd,

	/// Archive cluster options.
	#[clap(flatten)]
	pub archive: ArchiveOptions,
}

/// How this node takes part in archival (every node answers archive queries and serves
/// archived bodies to syncing peers; members also keep a share).
#[derive(Debug, Clone, Copy, clap::Args)]
pub struct ArchiveOptions {
	/// Run as an archive cluster member: keep this node's share of all finalized blocks in
	/// `<base path>/chains/<chain>/archive`, and send heartbeats (turns on the offchain worker).
	/// Needs an archive key in the keystore (`key insert --key-type arch --scheme sr25519`) and
	/// the node registered on chain (`archive.registerNode`). Usually run with
	/// `--blocks-pruning <N>`: the node's database then keeps only recent bodies.
	#[arg(long = "archive")]
	pub member: bool,

	/// Let this node send archive queries to members registered at private, loopback or
	/// link-local addresses (10.0.0.0/8, 127.0.0.0/8, 192.168.0.0/16, fc00::/7, ...). Off by
	/// default: a registered address is anyone's word, and without this flag nobody can point
	/// this node at services on its own network. Turn it on for clusters on a private network
	/// (and on loopback, as the tests do).
	#[arg(long = "archive-allow-private-peers")]
	pub allow_private_peers: bool,
}

impl ArchiveOptions {
	/// Which addresses of members this node may reach.
	pub fn peers(&self) -> cinechain_archive::peers::AddressPolicy {
		if self.allow_private_peers {
			cinechain_archive::peers::AddressPolicy::AllowPrivate
		} else {
			cinechain_archive::peers::AddressPolicy::PublicOnly
		}
	}
}

/// Maintenance and key commands.
#[derive(Debug, clap::Subcommand)]
#[allow(clippy::large_enum_variant)]
pub enum Subcommand {
	/// Generate, inspect and insert keys.
	#[command(subcommand)]
	Key(sc_cli::KeySubcommand),

	/// Write a chain specification (plain JSON, or `--raw` storage) to stdout.
	BuildSpec(sc_cli::BuildSpecCmd),

	/// Write the chain specification of `--chain` to stdout or a file.
	ExportChainSpec(sc_cli::ExportChainSpecCmd),

	/// Validate blocks.
	CheckBlock(sc_cli::CheckBlockCmd),

	/// Export blocks to a file.
	ExportBlocks(sc_cli::ExportBlocksCmd),

	/// Export the state of a block as a chain specification.
	ExportState(sc_cli::ExportStateCmd),

	/// Import blocks from a file.
	ImportBlocks(sc_cli::ImportBlocksCmd),

	/// Remove the whole chain database.
	PurgeChain(sc_cli::PurgeChainCmd),

	/// Revert the chain to a previous state.
	Revert(sc_cli::RevertCmd),

	/// Database metadata: best, finalized and genesis block.
	ChainInfo(sc_cli::ChainInfoCmd),

	/// Print the archive key's proof for `archive.registerNode` (signed in the keystore, for
	/// the `--operator` account and this chain), for each archive key in the keystore.
	ArchiveRegistration(crate::archive_registration::ArchiveRegistrationCmd),

	/// Rehearse a runtime upgrade on a copy of a running node's state: the new runtime's
	/// migrations and their try-runtime checks, their weight, and that a second run changes
	/// nothing (the runtime built with `--features try-runtime`; scripts/try-upgrade.sh).
	TryUpgrade(crate::try_upgrade::TryUpgradeCmd),

	/// Benchmark the runtime's pallets or this machine (built with
	/// `--features runtime-benchmarks`).
	#[cfg(feature = "runtime-benchmarks")]
	#[command(subcommand)]
	Benchmark(frame_benchmarking_cli::BenchmarkCmd),
}
