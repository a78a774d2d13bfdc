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
status=0
cargo test --locked --profile "$CARGO_PROFILE" --workspace --no-fail-fast "$@" -- --test-threads "${CINECHAIN_TEST_THREADS:-2}" || status=$?

# The information server's own unit tests (a workspace of its own, see the root Cargo.toml; its
# end-to-end test is `tests/tests/indexer.rs`, above). Skipped when arguments select tests.
if [ "$#" -eq 0 ]; then
  echo "[test] indexer unit tests"
  cargo test --locked --profile "$CARGO_PROFILE" --manifest-path indexer/Cargo.toml --no-fail-fast || status=$?
fi

# Every pallet benchmark, run as a unit test against the pallet's mock runtime
# (`impl_benchmark_test_suite!`): a benchmark whose setup or `verify` block breaks fails here,
# not only in scripts/benchmark.sh. The benchmarking code is behind the `runtime-benchmarks`
# feature, so this is a second build of the pallets (and their FRAME dependencies) with it.
# Skipped when arguments select particular tests.
if [ "$#" -eq 0 ]; then
  echo "[test] pallet benchmarks as tests (--features runtime-benchmarks)"
  cargo test --locked --profile "$CARGO_PROFILE" --no-fail-fast --features runtime-benchmarks \
    -p pallet-supervisors -p pallet-cinemas -p pallet-devices -p pallet-screenings -p pallet-archive \
    --lib -- benchmark --test-threads "${CINECHAIN_TEST_THREADS:-2}" || status=$?
fi
# The images and the compose network (scripts/test-docker.sh): last, once no test's nodes run,
# as the compose network takes fixed ports on 127.0.0.1. Skipped when arguments select tests;
# CINECHAIN_SKIP_DOCKER=1 skips it on a machine without Docker (and says so).
if [ "$#" -eq 0 ]; then
  if [ "${CINECHAIN_SKIP_DOCKER:-}" = 1 ]; then
    echo "[test] SKIPPED the docker test (CINECHAIN_SKIP_DOCKER=1)"
  else
    echo "[test] docker images and the compose network"
    docker_started=$(date +%s)
    bash scripts/test-docker.sh || status=$?
    echo "[test] docker test took $(( $(date +%s) - docker_started )) s"
  fi
fi
echo "[test] done in $(( $(date +%s) - started )) s"
exit "$status"
