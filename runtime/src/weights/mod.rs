//! Weights of the FRAME pallets in this runtime, measured by this runtime's own benchmarks
//! (`scripts/benchmark.sh`) on this project's build machine, with ParityDB's database weights:
//! the figures the pallets ship were measured elsewhere, against RocksDB. cinechain's own
//! pallets keep theirs in `pallets/<name>/src/weights.rs`.
//!
//! Not here: Aura (no calls), and GRANDPA, whose only calls (equivocation reports, which this
//! chain cannot make, and root's `note_stalled`) keep the pallet's own weights.

pub mod frame_system;
pub mod frame_system_extensions;
pub mod pallet_balances;
pub mod pallet_sudo;
pub mod pallet_timestamp;
pub mod pallet_transaction_payment;
