#!/usr/bin/env bash
# The runtime fuzzer's long run (runtime/tests/fuzz.rs): random calls of every pallet from every
# kind of signer, applied block by block to the real runtime, every pallet's try_state after each
# block. Prints calls per second; a failure prints the seed that reproduces it.
#
#   scripts/fuzz.sh [calls] [seed]     # defaults: 1,000,000 calls, seed from the clock
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/env.sh
export FUZZ_CALLS="${1:-1000000}"
export FUZZ_SEED="${2:-$(date +%s)}"
cargo test --locked --profile "$CARGO_PROFILE" --workspace --test fuzz -- --nocapture
