#!/usr/bin/env bash
# A fleet of projector agents on a three-validator local network (tests/src/bin/fleet.rs): every
# agent gets a screening at the same moment; prints event -> finalized receipt p50/p95/max and
# the agents' peak memory, one table row per fleet size.
#
#   scripts/fleet.sh [--rounds K] [N ...]   # default 1 round of 10; e.g. scripts/fleet.sh --rounds 5 10 50 100
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/env.sh
cinechain_build
"$CARGO_TARGET_DIR/$CARGO_PROFILE/fleet" "$@"
