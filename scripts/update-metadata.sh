#!/usr/bin/env bash
# Regenerates artifacts/cinechain-metadata.scale from the runtime, after a change to any call,
# event, error, storage item or transaction extension. Clients in this repository generate
# their types from that file; a test fails while it is out of date.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/env.sh
CINECHAIN_UPDATE_METADATA=1 cargo test --locked --profile "$CARGO_PROFILE" --workspace --test metadata -- --nocapture
