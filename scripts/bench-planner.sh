#!/usr/bin/env bash
# An archive member's bookkeeping on a long chain, without nodes (archive/src/bin/bench-planner.rs):
# the worker's planner on 1,000,000 synthetic finalized blocks for clusters of 8 and 64 members
# (first plan, each new block, the whole chain again after a member dies, memory), and a real
# archive store in a temporary directory (put, open, scrub at full speed and at the configured
# rate, remove).
#
#   scripts/bench-planner.sh [--blocks 1000000] [--steady 1000] [--store-blocks 20000] [--block-bytes 2048] [--dir PATH]
#
# About a minute on two cores.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/env.sh
cinechain_build
exec "$CARGO_TARGET_DIR/$CARGO_PROFILE/bench-planner" "$@"
