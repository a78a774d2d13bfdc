#!/usr/bin/env bash
# Starts a local cinechain development chain: one validator (Alice) that produces a block every
# 3 seconds and finalizes it, with its data kept between runs.
#
#   CINECHAIN_DATA   where the chain lives (default ~/.local/share/cinechain)
#   CINECHAIN_RPC    the JSON-RPC port (default 9944)
#   --purge          start from a fresh chain
# Any other argument goes to cinechain-node.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
source scripts/env.sh

data="${CINECHAIN_DATA:-$HOME/.local/share/cinechain}/dev"
rpc_port="${CINECHAIN_RPC:-9944}"
args=()
for arg in "$@"; do
  if [ "$arg" = --purge ]; then rm -rf "$data"; else args+=("$arg"); fi
done

echo "[dev] building cinechain-node (the first build takes a while: see README.md)"
cinechain_build

cat <<MSG
[dev] chain data:  $data
[dev] JSON-RPC:    ws://127.0.0.1:$rpc_port and http://127.0.0.1:$rpc_port
[dev] Polkadot-JS: https://polkadot.js.org/apps/?rpc=ws%3A%2F%2F127.0.0.1%3A$rpc_port
[dev] stop with Ctrl-C; run again to continue the same chain, or with --purge to start afresh
MSG
exec "$CINECHAIN_NODE" --dev --base-path "$data" --rpc-port "$rpc_port" "${args[@]}"
