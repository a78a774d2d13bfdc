//! `cinechain-node`: the cinechain full node.
//!
//! Runs Aura block production and GRANDPA finality on ParityDB, with offchain workers on for
//! validators and a GRANDPA warp-sync provider for light clients (projectors run smoldot).

#![warn(missing_docs)]

mod archive_registration;
mod chain_spec;
mod cli;
mod command;
mod rpc;
mod service;
mod try_upgrade;

fn main() -> sc_cli::Result<()> {
	command::run()
}
