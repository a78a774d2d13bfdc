#!/usr/bin/env bash
# Feeless floods against a real --dev node (tests/src/bin/flood.rs): for empty batches, bad key
# rotations, heartbeats and registration requests, how many transactions reached blocks and the
# weight they used.
#
#   scripts/flood.sh [count]                         # this checkout's node
#   scripts/flood.sh [count] -- old-node new-node    # compare two node binaries
#
# count: transactions per flood (default 300). Each flood waits up to two minutes for the pool
# to empty, so a run takes a few minutes per node.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/env.sh
cinechain_build
count="${1:-300}"
shift || true
[ "${1:-}" = "--" ] && shift
nodes=("$@")
((${#nodes[@]})) || nodes=("$CINECHAIN_NODE")
for node in "${nodes[@]}"; do
  CINECHAIN_NODE="$node" "$CARGO_TARGET_DIR/$CARGO_PROFILE/flood" "$count"
done
