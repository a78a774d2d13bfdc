#!/usr/bin/env bash
# Runs the whole test suite: installs what is missing, builds the node, then runs every test
# (pallet unit tests and end-to-end tests that start real nodes on 127.0.0.1).
#
# Extra arguments go to `cargo test` (e.g. `scripts/test.sh --test dev_node`; keep `--workspace`, which this script passes, so features stay those of the shared build).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
source scripts/env.sh

started=$(date +%s)
echo "[test] building cinechain-node ($CARGO_PROFILE profile, target dir $CARGO_TARGET_DIR)"
cinechain_build
echo "[test] node built in $(( $(date +%s) - started )) s: $CINECHAIN_NODE"

# Nodes started by the tests compete for 2 cores: one test binary at a time, and at most two
# tests at once inside it.
cargo test --locked --profile "$CARGO_PROFILE" --workspace --no-fail-fast "$@" -- --test-threads "${CINECHAIN_TEST_THREADS:-2}"
echo "[test] done in $(( $(date +%s) - started )) s"
