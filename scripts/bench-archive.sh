#!/usr/bin/env bash
# Archive cluster figures on real nodes (tests/src/bin/bench-archive.rs): bytes per member
# against the whole chain, query latency local and forwarded (median, p99), a member's memory
# under 100 concurrent cinearchive_status clients, a new node's full sync from the cluster
# against the same sync from a node keeping every body, seconds from a member's death to its
# offline mark and to R copies of every block again.
#
#   scripts/bench-archive.sh [--blocks 1000] [--slot-ms 1000] [--members 5]
#
# Defaults: 1,000 blocks on one-second slots (about 20 minutes). `--slot-ms 3000` runs the
# production slot (3 s: the heartbeat and offline thresholds are in blocks, so detection takes
# three times as long).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/env.sh
cinechain_build
exec "$CARGO_TARGET_DIR/$CARGO_PROFILE/bench-archive" "$@"
