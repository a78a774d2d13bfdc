#!/usr/bin/env bash
# The information server's figures (indexer/src/bin/bench-indexer.rs): the database's write rate
# as a backfill writes (blocks/s, records/s), and GET /screenings latency (p50, p99, slowest) for
# every filter on an index of 1,000,000 synthetic screenings in SQLite, the knowledge pass's rate
# and its cost to the write rate when it runs beside it (goal: under 20 %); with `--node`, a backfill
# of that node's finalized chain (blocks/s, records/s) and the lag behind finality at the tip;
# with `--fill`, all of that from a real chain full of records, and the proofs' size and times.
#
#   scripts/bench-indexer.sh                                  # ~3 minutes, no node needed
#   scripts/bench-indexer.sh --screenings 100000 --queries 50 # a quick look
#   scripts/bench-indexer.sh --node ws://127.0.0.1:9944       # and a backfill from a node that
#                                                             # keeps finalized state, e.g.
#                                                             # scripts/dev.sh's
#   scripts/bench-indexer.sh --fill [DEVICES] [BLOCKS]        # a node of its own (tests/src/bin/
#       # fill-screenings.rs): DEVICES genesis devices (default 200) record 100 screenings each
#       # on 1-second slots, the chain runs to BLOCKS finalized blocks (default 300); then the
#       # backfill, the lag and 50 proofs made and verified; no synthetic index
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/env.sh
if [ "${1:-}" = "--fill" ]; then
  shift
  devices=200 blocks=300
  if [[ "${1:-}" =~ ^[0-9]+$ ]]; then devices=$1; shift; fi
  if [[ "${1:-}" =~ ^[0-9]+$ ]]; then blocks=$1; shift; fi
  cinechain_build
  exec "$CARGO_TARGET_DIR/$CARGO_PROFILE/fill-screenings" --devices "$devices" --blocks "$blocks" -- \
    "$CARGO_TARGET_DIR/$CARGO_PROFILE/bench-indexer" --screenings 0 --node '{url}' --chain-spec '{spec}' "$@"
fi
cargo build --locked --profile "$CARGO_PROFILE" --manifest-path indexer/Cargo.toml --bin bench-indexer
exec "$CARGO_TARGET_DIR/$CARGO_PROFILE/bench-indexer" "$@"
