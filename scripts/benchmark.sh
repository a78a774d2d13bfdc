#!/usr/bin/env bash
# Runs the benchmarks of cinechain's own pallets and writes their weights.rs files.
#
# Builds cinechain-node with the benchmarking CLI (`--features runtime-benchmarks`, a separate
# build from the node the tests use: the first run compiles for a while), then for each pallet
# runs `cinechain-node benchmark pallet` against the development runtime and renders
# pallets/<name>/src/weights.rs from scripts/weights.hbs.
#
#   scripts/benchmark.sh                 # all of cinechain's pallets
#   scripts/benchmark.sh screenings      # one pallet
#   STEPS=50 REPEAT=20 scripts/benchmark.sh   # more samples (defaults: 20 and 10)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
source scripts/env.sh

pallets=("$@")
((${#pallets[@]})) || pallets=(supervisors cinemas devices screenings archive)

# frame-benchmarking-cli carries a test runtime for `benchmark storage`, which cinechain does not
# run; its wasm build cannot find itself in this workspace's metadata (the CLI is an optional
# dependency of the node), so skip that one wasm build.
export SKIP_FRAME_STORAGE_ACCESS_TEST_RUNTIME_WASM_BUILD=1

started=$(date +%s)
cargo build --locked --profile "$CARGO_PROFILE" -p cinechain-node --features runtime-benchmarks
echo "[benchmark] node with benchmarks built in $(( $(date +%s) - started )) s"

for pallet in "${pallets[@]}"; do
  echo "[benchmark] pallet_$pallet"
  "$CINECHAIN_NODE" benchmark pallet \
    --chain dev \
    --pallet "pallet_$pallet" \
    --extrinsic '*' \
    --steps "${STEPS:-20}" \
    --repeat "${REPEAT:-10}" \
    --wasm-execution compiled \
    --heap-pages 4096 \
    --template scripts/weights.hbs \
    --output "pallets/$pallet/src/weights.rs"
done
echo "[benchmark] done in $(( $(date +%s) - started )) s"
