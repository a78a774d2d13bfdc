#!/usr/bin/env bash
# Runs the benchmarks of every pallet in the runtime and writes their weights.
#
# Builds cinechain-node with the benchmarking CLI (`--features runtime-benchmarks`, a separate
# build from the node the tests use: the first run compiles for a while), then runs
# `cinechain-node benchmark pallet` against the development runtime for:
# - cinechain's own pallets (calls and transaction extensions): pallets/<name>/src/weights.rs,
#   from scripts/weights.hbs;
# - the FRAME pallets the runtime uses, frame_system's transaction extensions included:
#   runtime/src/weights/<name>.rs, from scripts/runtime-weights.hbs. (Aura has no weights;
#   GRANDPA's calls cannot be made on this chain, see runtime/src/configs/mod.rs.)
#
#   scripts/benchmark.sh                 # every pallet
#   scripts/benchmark.sh screenings      # one of cinechain's pallets
#   scripts/benchmark.sh pallet_balances # one FRAME pallet
#   STEPS=50 REPEAT=20 scripts/benchmark.sh   # more samples (defaults: 20 and 10)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
source scripts/env.sh

ours=(supervisors cinemas devices screenings archive)
frame=(frame_system frame_system_extensions pallet_balances pallet_timestamp pallet_sudo pallet_transaction_payment)
pallets=("$@")
((${#pallets[@]})) || pallets=("${ours[@]}" "${frame[@]}")

# frame-benchmarking-cli carries a test runtime for `benchmark storage`, which cinechain does not
# run; its wasm build cannot find itself in this workspace's metadata (the CLI is an optional
# dependency of the node), so skip that one wasm build.
export SKIP_FRAME_STORAGE_ACCESS_TEST_RUNTIME_WASM_BUILD=1

started=$(date +%s)
cargo build --locked --profile "$CARGO_PROFILE" -p cinechain-node --features runtime-benchmarks
echo "[benchmark] node with benchmarks built in $(( $(date +%s) - started )) s"

for pallet in "${pallets[@]}"; do
  if [[ " ${frame[*]} " == *" $pallet "* ]]; then
    name="$pallet" template=scripts/runtime-weights.hbs output="runtime/src/weights/$pallet.rs"
  else
    name="pallet_$pallet" template=scripts/weights.hbs output="pallets/$pallet/src/weights.rs"
  fi
  echo "[benchmark] $name"
  "$CINECHAIN_NODE" benchmark pallet \
    --chain dev \
    --pallet "$name" \
    --extrinsic '*' \
    --steps "${STEPS:-20}" \
    --repeat "${REPEAT:-10}" \
    --wasm-execution compiled \
    --heap-pages 4096 \
    --template "$template" \
    --output "$output"
done
echo "[benchmark] done in $(( $(date +%s) - started )) s"
