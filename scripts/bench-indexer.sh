#!/usr/bin/env bash
# The information server's figures (indexer/src/bin/bench-indexer.rs): the database's write rate
# as a backfill writes (blocks/s, records/s), and GET /screenings latency (p50, p99, slowest) for
# every filter on an index of 1,000,000 synthetic screenings in SQLite; with `--node`, a backfill
# of that node's finalized chain (blocks/s, records/s) and the lag behind finality at the tip.
#
#   scripts/bench-indexer.sh                                  # ~3 minutes, no node needed
#   scripts/bench-indexer.sh --screenings 100000 --queries 50 # a quick look
#   scripts/bench-indexer.sh --node ws://127.0.0.1:9944       # and a backfill from a node that
#                                                             # keeps finalized state, e.g.
#                                                             # scripts/dev.sh's
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/env.sh
cargo build --locked --profile "$CARGO_PROFILE" --manifest-path indexer/Cargo.toml --bin bench-indexer
exec "$CARGO_TARGET_DIR/$CARGO_PROFILE/bench-indexer" "$@"
