#!/usr/bin/env bash
# The console's page-load times over a large index (tests/src/bin/bench-console.rs): fills an
# SQLite index with synthetic screenings spread over a year (bench-indexer, which also prints its
# write, query and knowledge-pass figures), then opens each view of the console in a real headless
# Chromium and prints the time to a complete view (p50, slowest), and the overview's API calls
# timed alone. Screenshots of each view go to $CARGO_TARGET_DIR/console-bench/.
#
#   scripts/bench-console.sh              # 1,000,000 screenings (~10 minutes)
#   scripts/bench-console.sh 100000       # a quick look
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/env.sh
screenings="${1:-1000000}"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cargo build --locked --profile "$CARGO_PROFILE" --manifest-path indexer/Cargo.toml --bins
cargo build --locked --profile "$CARGO_PROFILE" -p cinechain-e2e --bin bench-console
"$CARGO_TARGET_DIR/$CARGO_PROFILE/bench-indexer" --screenings "$screenings" --queries 5 --dir "$dir"
"$CARGO_TARGET_DIR/$CARGO_PROFILE/bench-console" --db "$dir/queries.db" --runs 5 \
  --screenshots "$CARGO_TARGET_DIR/console-bench"
