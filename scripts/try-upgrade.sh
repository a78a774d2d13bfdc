#!/usr/bin/env bash
# Rehearses a runtime upgrade on a copy of a running chain's state (try-runtime's
# on-runtime-upgrade checks), before anyone authorizes it: `cinechain-node try-upgrade` copies the
# state of the node's finalized block over JSON-RPC, runs the new runtime's migrations on it with
# their pre/post checks and every pallet's try_state, and refuses an upgrade whose checks fail,
# whose migrations weigh more than a block or change the state again on a second run, or that
# does not raise the spec version. Nothing is written to the node.
#
#   scripts/try-upgrade.sh                                  # the next release (built beside the node
#                                                           # with the try-runtime feature) against
#                                                           # scripts/dev.sh's node
#   scripts/try-upgrade.sh ws://10.0.0.5:9944               # against another node
#   scripts/try-upgrade.sh ws://10.0.0.5:9944 --runtime my.wasm --checks pre-and-post
#                                                           # a runtime of your own (built with
#                                                           # --features try-runtime)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/env.sh
uri="${1:-ws://127.0.0.1:9944}"
[ "$#" -gt 0 ] && shift
cinechain_build >&2
runtime="$CARGO_TARGET_DIR/$CARGO_PROFILE/cinechain-runtime-next.try-runtime.compact.compressed.wasm"
if [[ " $* " == *" --runtime "* || " $* " == *" --runtime="* ]]; then
  exec "$CINECHAIN_NODE" try-upgrade --uri "$uri" "$@"
fi
exec "$CINECHAIN_NODE" try-upgrade --uri "$uri" --runtime "$runtime" "$@"
