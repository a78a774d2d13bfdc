#!/usr/bin/env bash
# Starts a local cinechain development chain: one validator (Alice) that produces a block every
# 3 seconds and finalizes it, with its data kept between runs, and a projector: the real agent
# (`cinechain-projector run`, through its embedded light client) signing as the demo device
# //One, fed by a simulated playback system that drops a screening event into its spool every
# few seconds; and the information server (`cinechain-indexer`), indexing the chain into an SQLite
# file and serving its HTTP API and the regulators' web console.
#
#   CINECHAIN_DATA           where the chain lives (default ~/.local/share/cinechain)
#   CINECHAIN_RPC            the JSON-RPC port (default 9944)
#   CINECHAIN_P2P            the libp2p port the light client connects to (default 30333)
#   CINECHAIN_DEMO_INTERVAL  seconds between the simulated screenings (default 6)
#   CINECHAIN_API            where the indexer's API and console listen (default 127.0.0.1:8080)
#   --purge                  start from a fresh chain
#   --no-projector           run the chain only
# Any other argument goes to cinechain-node.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
source scripts/env.sh

data="${CINECHAIN_DATA:-$HOME/.local/share/cinechain}/dev"
rpc_port="${CINECHAIN_RPC:-9944}"
api="${CINECHAIN_API:-127.0.0.1:8080}"
p2p_port="${CINECHAIN_P2P:-30333}"
# A fixed network key, so the projector's chain spec can name this node as its bootnode.
node_key=0000000000000000000000000000000000000000000000000000000000000001
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
[dev] console:     http://$api/console/ (token for acknowledging alerts: $data/console-token)
[dev] indexer API: http://$api/screenings (contract at http://$api/openapi.json)
[dev] stop with Ctrl-C; run again to continue the same chain, or with --purge to start afresh
MSG
if [ "$projector" = 0 ]; then
  exec "$CINECHAIN_NODE" --dev --base-path "$data" --rpc-port "$rpc_port" --state-pruning archive-canonical "${args[@]}"
fi

# The indexer reads each finalized block's events in its state: keep the state of finalized blocks.
"$CINECHAIN_NODE" --dev --base-path "$data" --rpc-port "$rpc_port" --node-key "$node_key" \
  --state-pruning archive-canonical --listen-addr "/ip4/127.0.0.1/tcp/$p2p_port" "${args[@]}" &
node_pid=$!
agent_pid=
indexer_pid=
stop() { kill $agent_pid $indexer_pid $node_pid 2>/dev/null || true; wait 2>/dev/null || true; }
trap stop EXIT INT TERM
for _ in $(seq 1 120); do
  (exec 3<>"/dev/tcp/127.0.0.1/$rpc_port") 2>/dev/null && break
  kill -0 "$node_pid" 2>/dev/null || { echo "[dev] the node stopped; see its log above" >&2; exit 1; }
  sleep 1
done

# The projector: its own data directory (key //One, the demo cinema), the raw dev chain spec, and
# this node as its bootnode.
agent_dir="$data/projector"
spool="$agent_dir/spool"
agent=("$CARGO_TARGET_DIR/$CARGO_PROFILE/cinechain-projector" --data-dir "$agent_dir")
mkdir -p "$spool"
[ -f "$agent_dir/device.key" ] || "${agent[@]}" init --cinema 11010501 --dev-key //One >/dev/null
printf '%s' "$node_key" > "$agent_dir/node-key"
peer=$("$CINECHAIN_NODE" key inspect-node-key --file "$agent_dir/node-key")
"$CINECHAIN_NODE" build-spec --chain dev --raw 2>/dev/null >"$agent_dir/chain-spec.json"
echo "[dev] starting the projector agent (device //One in the demo cinema; spool $spool)"
"${agent[@]}" --bootnode "/ip4/127.0.0.1/tcp/$p2p_port/p2p/$peer" run --spool "$spool" &
agent_pid=$!

echo "[dev] starting the indexer (database $data/index.db, API on http://$api)"
# Its anomaly rules at their defaults, but for the permitted hours: the demo plays round the clock.
echo '{"permittedStart": 0, "permittedEnd": 1440}' >"$data/thresholds.json"
# The console's token (who holds it may acknowledge alerts): made once, readable by this user only.
if [ ! -s "$data/console-token" ]; then
  (umask 077; od -An -N24 -tx1 /dev/urandom | tr -d ' \n' >"$data/console-token")
fi
"$CARGO_TARGET_DIR/$CARGO_PROFILE/cinechain-indexer" --node "ws://127.0.0.1:$rpc_port" \
  --db "$data/index.db" --listen "$api" --thresholds "$data/thresholds.json" \
  --console-token-file "$data/console-token" --chain-spec "$agent_dir/chain-spec.json" &
indexer_pid=$!
echo "[dev] the regulators' console: http://$api/console/"

# The simulated playback system (scripts/playback.sh), until the node stops.
bash scripts/playback.sh "$spool" "${CINECHAIN_DEMO_INTERVAL:-6}" "$node_pid"
