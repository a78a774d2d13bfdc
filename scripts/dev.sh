#!/usr/bin/env bash
# Starts a local cinechain development chain: one validator (Alice) that produces a block every
# 3 seconds and finalizes it, with its data kept between runs, and a simulated projector (the
# demo device //One) that records a screening every few seconds.
#
#   CINECHAIN_DATA           where the chain lives (default ~/.local/share/cinechain)
#   CINECHAIN_RPC            the JSON-RPC port (default 9944)
#   CINECHAIN_DEMO_INTERVAL  seconds between the simulated projector's screenings (default 6)
#   --purge                  start from a fresh chain
#   --no-projector           run the chain only
# Any other argument goes to cinechain-node.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
source scripts/env.sh

data="${CINECHAIN_DATA:-$HOME/.local/share/cinechain}/dev"
rpc_port="${CINECHAIN_RPC:-9944}"
args=()
projector=1
for arg in "$@"; do
  case "$arg" in
    --purge) rm -rf "$data" ;;
    --no-projector) projector=0 ;;
    *) args+=("$arg") ;;
  esac
done

echo "[dev] building cinechain-node (the first build takes a while: see README.md)"
cinechain_build

cat <<MSG
[dev] chain data:  $data
[dev] JSON-RPC:    ws://127.0.0.1:$rpc_port and http://127.0.0.1:$rpc_port
[dev] Polkadot-JS: https://polkadot.js.org/apps/?rpc=ws%3A%2F%2F127.0.0.1%3A$rpc_port
[dev] stop with Ctrl-C; run again to continue the same chain, or with --purge to start afresh
MSG
if [ "$projector" = 0 ]; then
  exec "$CINECHAIN_NODE" --dev --base-path "$data" --rpc-port "$rpc_port" "${args[@]}"
fi

"$CINECHAIN_NODE" --dev --base-path "$data" --rpc-port "$rpc_port" "${args[@]}" &
node_pid=$!
projector_pid=
stop() { kill $projector_pid $node_pid 2>/dev/null || true; wait 2>/dev/null || true; }
trap stop EXIT INT TERM
for _ in $(seq 1 120); do
  (exec 3<>"/dev/tcp/127.0.0.1/$rpc_port") 2>/dev/null && break
  kill -0 "$node_pid" 2>/dev/null || { echo "[dev] the node stopped; see its log above" >&2; exit 1; }
  sleep 1
done
echo "[dev] starting the simulated projector (device //One in the demo cinema)"
"$CARGO_TARGET_DIR/$CARGO_PROFILE/cinechain-demo-projector" "ws://127.0.0.1:$rpc_port" "${CINECHAIN_DEMO_INTERVAL:-6}" &
projector_pid=$!
wait "$node_pid"
