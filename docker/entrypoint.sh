#!/bin/bash
# The images' entrypoint: `cinechain-entrypoint <binary> [args]` prepares what the binary needs
# on its first start, then runs it; `cinechain-entrypoint healthcheck` is the images' health check.
#
# cinechain-node (any subcommand but `key`, `build-spec` and `--help`): run with --chain
# $CINECHAIN_CHAIN and --base-path /data, after, on first start only:
# - CINECHAIN_AURA_SURI / CINECHAIN_GRANDPA_SURI / CINECHAIN_ARCHIVE_SURI: keys inserted into
#   the keystore, each with its own scheme (aura and arch sr25519, gran ed25519: a GRANDPA key
#   inserted as sr25519 means no finality).
# - The network key: CINECHAIN_NODE_KEY (hex) if given, so that peer ids are known in advance
#   (bootnodes); else generated once in the base path, so a validator never stops on
#   `NetworkKeyNotFound`, after a purge too.
# - An archive member with CINECHAIN_ARCHIVE_REGISTER_AT (a node's JSON-RPC URL) is registered
#   there (`archive-registration --submit`) by the operator CINECHAIN_ARCHIVE_OPERATOR_SURI, as
#   serving at CINECHAIN_ARCHIVE_ADDRESS in zone CINECHAIN_ARCHIVE_ZONE; tried until that node
#   takes it.
#
# cinechain-projector `run`: on first start, copies the chain spec CINECHAIN_CHAIN_SPEC into the
# data directory and runs `init` for cinema CINECHAIN_CINEMA (on development chains with the
# key CINECHAIN_DEV_KEY, e.g. //One).
set -euo pipefail

base=/data

# GET <path> on 127.0.0.1:<port>; succeeds on a 200 answer. Bash only: the images have no curl.
http_ok() {
  local port="$1" path="$2" status
  exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
  printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1:%s\r\n\r\n' "$path" "$port" >&3
  IFS= read -r -t 5 status <&3 || return 1
  exec 3<&-
  [[ "$status" == HTTP/1.?" 200"* ]]
}

if [ "${1:-}" = healthcheck ]; then
  case "${CINECHAIN_ROLE:-}" in
    node) http_ok "${CINECHAIN_RPC_PORT:-9944}" /health ;;
    indexer) http_ok "${CINECHAIN_API_PORT:-8080}" /status ;;
    projector) cinechain-projector status --offline > /dev/null ;;
    *) echo "unknown CINECHAIN_ROLE '${CINECHAIN_ROLE:-}'" >&2; exit 1 ;;
  esac
  exit
fi

node_first_start() {
  local chain="$1"
  insert() { # key type, scheme, secret URI
    local marker="$base/.inserted-$1"
    [ -e "$marker" ] && return 0
    cinechain-node key insert --base-path "$base" --chain "$chain" --key-type "$1" --scheme "$2" --suri "$3"
    touch "$marker"
    echo "cinechain-entrypoint: inserted the $1 key ($2)"
  }
  if [ -n "${CINECHAIN_AURA_SURI:-}" ]; then insert aura sr25519 "$CINECHAIN_AURA_SURI"; fi
  if [ -n "${CINECHAIN_GRANDPA_SURI:-}" ]; then insert gran ed25519 "$CINECHAIN_GRANDPA_SURI"; fi
  if [ -n "${CINECHAIN_ARCHIVE_SURI:-}" ]; then insert arch sr25519 "$CINECHAIN_ARCHIVE_SURI"; fi
  if [ -n "${CINECHAIN_NODE_KEY:-}" ]; then
    (umask 077; printf '%s' "$CINECHAIN_NODE_KEY" > "$base/node-key")
  elif [ ! -s "$base/node-key" ]; then
    cinechain-node key generate-node-key --file "$base/node-key" 2> /dev/null
    echo "cinechain-entrypoint: generated this node's network key"
  fi
  if [ -n "${CINECHAIN_ARCHIVE_REGISTER_AT:-}" ] && [ ! -e "$base/.registered" ]; then
    local operator peer
    operator=$(cinechain-node key inspect --output-type json "$CINECHAIN_ARCHIVE_OPERATOR_SURI" |
      sed -n 's/.*"ss58Address": *"\([^"]*\)".*/\1/p' | head -1)
    peer=$(cinechain-node key inspect-node-key --file "$base/node-key")
    until cinechain-node archive-registration --base-path "$base" --chain "$chain" --operator "$operator" \
        --submit "$CINECHAIN_ARCHIVE_REGISTER_AT" --operator-suri "$CINECHAIN_ARCHIVE_OPERATOR_SURI" \
        --peer-id "$peer" --address "$CINECHAIN_ARCHIVE_ADDRESS" --zone "${CINECHAIN_ARCHIVE_ZONE:-0}"; do
      echo "cinechain-entrypoint: registration not taken yet; trying again in 5 s"
      sleep 5
    done
    touch "$base/.registered"
  fi
}

binary="$1"
shift
case "$binary:${1:-}" in
  cinechain-node:key | cinechain-node:build-spec | cinechain-node:--help | cinechain-node:)
    exec cinechain-node "$@" ;;
  cinechain-node:*)
    chain="${CINECHAIN_CHAIN:?set CINECHAIN_CHAIN (dev, local or a chain spec path); it is passed as --chain}"
    node_first_start "$chain"
    exec cinechain-node --chain "$chain" --base-path "$base" --node-key-file "$base/node-key" "$@" ;;
  cinechain-projector:run)
    if [ ! -s "$base/device.key" ]; then
      cp "${CINECHAIN_CHAIN_SPEC:?set CINECHAIN_CHAIN_SPEC (the raw chain spec with bootnodes)}" "$base/chain-spec.json"
      init=(init --cinema "${CINECHAIN_CINEMA:?set CINECHAIN_CINEMA (the cinema registry id)}")
      if [ -n "${CINECHAIN_DEV_KEY:-}" ]; then init+=(--dev-key "$CINECHAIN_DEV_KEY"); fi
      cinechain-projector "${init[@]}"
    fi
    exec cinechain-projector "$@" ;;
  *)
    exec "$binary" "$@" ;;
esac
