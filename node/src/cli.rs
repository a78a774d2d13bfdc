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

	/// Run as an archive cluster member: keep this node's share of all finalized blocks in
	/// `<base path>/chains/<chain>/archive`, and send heartbeats (turns on the offchain worker).
	/// Needs an archive key in the keystore (`key insert --key-type arch --scheme sr25519`) and
	/// the node registered on chain (`archive.registerNode`). Usually run with
	/// `--blocks-pruning <N>`: the node's database then keeps only recent bodies.
	#[arg(long)]
	pub archive: bool,
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

	/// Benchmark the runtime's pallets or this machine (built with
	/// `--features runtime-benchmarks`).
	#[cfg(feature = "runtime-benchmarks")]
	#[command(subcommand)]
	Benchmark(frame_benchmarking_cli::BenchmarkCmd),
}
