#!/usr/bin/env bash
# Prints the node's figures: binary size, compressed wasm runtime size, and seconds from
# starting `cinechain-node --dev` to its first finalized block (median of N runs, default 3).
#
#   scripts/measure-node.sh [runs]
# Needs a built node (scripts/dev.sh or scripts/test.sh build it) and curl.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/env.sh
runs="${1:-3}"

[ -x "$CINECHAIN_NODE" ] || { echo "no node at $CINECHAIN_NODE: run scripts/test.sh first" >&2; exit 1; }
wasm="$(ls "$CARGO_TARGET_DIR/$CARGO_PROFILE/wbuild/cinechain-runtime/"cinechain_runtime.compact.compressed.wasm)"

size_of() { stat -c %s "$1"; }
printf 'node binary:            %s bytes (%s)\n' "$(size_of "$CINECHAIN_NODE")" "$CINECHAIN_NODE"
stripped="$(mktemp)"; strip -o "$stripped" "$CINECHAIN_NODE"
printf 'node binary, stripped:  %s bytes\n' "$(size_of "$stripped")"; rm -f "$stripped"
printf 'wasm runtime (compact, compressed): %s bytes\n' "$(size_of "$wasm")"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
rpc() { curl -s -H 'Content-Type: application/json' -d "{\"id\":1,\"jsonrpc\":\"2.0\",\"method\":\"$2\",\"params\":$3}" "http://127.0.0.1:$1"; }
finalized_number() {
  local hash; hash="$(rpc "$1" chain_getFinalizedHead '[]' | python3 -c 'import sys,json; print(json.load(sys.stdin)["result"])' 2>/dev/null)" || { echo 0; return; }
  rpc "$1" chain_getHeader "[\"$hash\"]" | python3 -c 'import sys,json; print(int(json.load(sys.stdin)["result"]["number"],16))' 2>/dev/null || echo 0
}

times=()
for run in $(seq 1 "$runs"); do
  dir="$(mktemp -d)"; port="$(free_port)"; p2p="$(free_port)"
  start="$(date +%s%N)"
  "$CINECHAIN_NODE" --dev --base-path "$dir" --rpc-port "$port" --port "$p2p" --no-telemetry --no-prometheus \
    --no-mdns >"$dir/node.log" 2>&1 &
  pid=$!
  trap 'kill -9 $pid 2>/dev/null || true' EXIT
  until [ "$(finalized_number "$port")" -ge 1 ]; do
    sleep 0.1
    if (( $(date +%s%N) - start > 120000000000 )); then echo "no finality after 120 s" >&2; tail -20 "$dir/node.log" >&2; exit 1; fi
  done
  t="$(( ($(date +%s%N) - start) / 1000000 ))"  # milliseconds
  times+=("$t")
  kill -TERM "$pid"; wait "$pid" || true
  rm -rf "$dir"
  printf 'run %s: first finalized block %s ms after start\n' "$run" "$t"
done
median="$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')"
printf 'start to first finalized block (--dev): median %s ms over %s runs\n' "$median" "$runs"
