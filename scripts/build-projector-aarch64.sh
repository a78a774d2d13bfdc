#!/usr/bin/env bash
# Cross-builds the projector agent for a Raspberry Pi (aarch64-unknown-linux-gnu) and checks it.
#
#   scripts/build-projector-aarch64.sh          # build; prints the stripped binary's path and size
#   scripts/build-projector-aarch64.sh --check  # also run it under qemu-aarch64 against a local
#                                               # --dev node: sync through the light client and
#                                               # record one screening to a finalized receipt
#
# Not part of scripts/test.sh (the cold cross build compiles std and every dependency for
# aarch64: ~15 minutes on 2 cores). Uses the Debian cross linker (gcc-aarch64-linux-gnu); with
# the Debian Rust toolchain (no prebuilt aarch64 std) it builds std from source with
# -Zbuild-std. The `projector` cargo profile (release, panic=abort, stripped) is the shipping one.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
source scripts/env.sh

target=aarch64-unknown-linux-gnu
for p in gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user-static; do
  dpkg -s "$p" >/dev/null 2>&1 || missing="${missing:-} $p"
done
if [ -n "${missing:-}" ]; then
  echo "[aarch64] installing${missing}" >&2
  sudo_() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
  sudo_ apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive sudo_ apt-get install -y -q $missing >/dev/null
fi

export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc
export CC_aarch64_unknown_linux_gnu=aarch64-linux-gnu-gcc
build_std=()
if ! rustup target list --installed 2>/dev/null | grep -qx "$target"; then
  if [ -n "${RUSTUP_TOOLCHAIN:-}" ] && [ "$RUSTUP_TOOLCHAIN" = cinechain-debian ]; then
    export RUSTC_BOOTSTRAP=1
    build_std=(-Zbuild-std=std,panic_abort)
  else
    rustup target add "$target"
  fi
fi

started=$(date +%s)
cargo build --locked --profile projector -p cinechain-projector --target "$target" "${build_std[@]}"
bin="$CARGO_TARGET_DIR/$target/projector/cinechain-projector"
echo "[aarch64] built in $(( $(date +%s) - started )) s: $bin ($(stat -c %s "$bin") bytes, stripped)"
file "$bin" 2>/dev/null || true

[ "${1:-}" = "--check" ] || exit 0

# --check: a local --dev node (native) and the aarch64 agent under qemu.
work="$(mktemp -d)"
node_pid=
cleanup() { [ -n "$node_pid" ] && kill "$node_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
p2p=$(free_port); rpc=$(free_port)
node_key=0000000000000000000000000000000000000000000000000000000000000001
printf '%s' "$node_key" > "$work/node-key"
peer=$("$CINECHAIN_NODE" key inspect-node-key --file "$work/node-key")
"$CINECHAIN_NODE" --dev --base-path "$work/node" --node-key "$node_key" \
  --listen-addr "/ip4/127.0.0.1/tcp/$p2p" --rpc-port "$rpc" --no-mdns --no-telemetry --no-prometheus \
  >"$work/node.log" 2>&1 &
node_pid=$!
"$CINECHAIN_NODE" build-spec --chain dev --raw 2>/dev/null >"$work/spec.json"
for _ in $(seq 60); do
  curl -sf -H 'Content-Type: application/json' -d '{"id":1,"jsonrpc":"2.0","method":"chain_getFinalizedHead"}' \
    "http://127.0.0.1:$rpc" >/dev/null && break
  sleep 1
done
run_arm() { qemu-aarch64-static -L /usr/aarch64-linux-gnu "$bin" --data-dir "$work/agent" --chain-spec "$work/spec.json" \
  --bootnode "/ip4/127.0.0.1/tcp/$p2p/p2p/$peer" "$@"; }
run_arm init --cinema 11010501 --dev-key //One
now=$(( $(date +%s) * 1000 ))
started=$(date +%s)
receipt=$(run_arm record --title "Raspberry Pi check" --film-code RPI-1 --projectionist P-1 --hall 1 \
  --start $(( now - 7200000 )) --end $(( now - 60000 )))
echo "[aarch64] under qemu: synced and recorded in $(( $(date +%s) - started )) s: $receipt"
echo "$receipt" | grep -q '"block_hash"'
