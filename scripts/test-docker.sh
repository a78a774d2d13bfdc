#!/usr/bin/env bash
# The images and the compose network, end to end: builds the images (scripts/docker-images.sh),
# brings docker/compose.yml up, and waits, each with a deadline, for
#   1. the first finalized block,
#   2. a screening recorded by the projector container to reach the indexer container,
#   3. the three archive members, registered by their own first start, to hold blocks,
#   4. the images' health checks to pass,
#   5. finality to go on with a validator's container killed;
# then tears the network down with its volumes. Prints how long each step took and the images'
# sizes. Called by scripts/test.sh; needs a Docker daemon (it starts one as root if none runs:
# scripts/dockerd.sh) and the compose network's ports on 127.0.0.1 free (see docker/compose.yml).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

compose=(docker-compose)
docker compose version > /dev/null 2>&1 && compose=(docker compose)
compose+=(-p cinechain-test -f docker/compose.yml)

started_dockerd=
teardown() {
  status=$?
  if [ "$status" -ne 0 ]; then
    "${compose[@]}" ps || true
    "${compose[@]}" logs --tail 30 || true
  fi
  "${compose[@]}" down -v --remove-orphans > /dev/null 2>&1 || true
  if [ -n "$started_dockerd" ]; then
    pkill -f '^dockerd --bridge=none' || true
    for _ in $(seq 1 30); do pgrep -f '^dockerd --bridge=none' > /dev/null || break; sleep 1; done
  fi
  exit "$status"
}
trap teardown EXIT

# A daemon this test starts, it stops (its images stay, for the next run).
if ! docker info > /dev/null 2>&1; then
  bash scripts/dockerd.sh
  started_dockerd=1
fi

bash scripts/docker-images.sh

for port in 30333 30334 30335 30336 30343 30344 30345 9944 9945 9946 9947 9954 9955 9956 9615 9616 9617 9618 9625 9626 9627 8080; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "[docker-test] port $port on 127.0.0.1 is taken: the compose network needs it" >&2
    exit 1
  fi
done

# POST a JSON-RPC call to 127.0.0.1:<port>; prints the answer's body.
rpc() {
  local port="$1" body="$2"
  exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
  # The node's RPC server takes only Host headers naming localhost with the port.
  printf 'POST / HTTP/1.0\r\nHost: 127.0.0.1:%s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s' "$port" "${#body}" "$body" >&3
  sed '1,/^\r$/d' <&3
  exec 3<&-
}
# GET <path> from 127.0.0.1:<port>; prints the body.
get() {
  exec 3<>"/dev/tcp/127.0.0.1/$1" || return 1
  printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1:%s\r\n\r\n' "$2" "$1" >&3
  sed '1,/^\r$/d' <&3
  exec 3<&-
}
finalized() { # the finalized block number of the node with RPC port $1
  local hash number
  hash=$(rpc "$1" '{"jsonrpc":"2.0","id":1,"method":"chain_getFinalizedHead","params":[]}' 2>/dev/null | sed -n 's/.*"result":"\(0x[0-9a-f]*\)".*/\1/p')
  [ -n "$hash" ] || { echo 0; return; }
  number=$(rpc "$1" "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"chain_getHeader\",\"params\":[\"$hash\"]}" 2>/dev/null | sed -n 's/.*"number":"0x\([0-9a-f]*\)".*/\1/p')
  echo $(( 16#${number:-0} ))
}
metric() { # metric $2 of the Prometheus endpoint on port $1 (0 if absent)
  get "$1" /metrics 2>/dev/null | awk -v name="$2" '$1 ~ "^"name"({|$)" {print $2; found=1; exit} END {if (!found) print 0}'
}
# wait_for <what> <seconds> <command...>: runs the command every 2 s until it succeeds.
wait_for() {
  local what="$1" deadline=$(( $(date +%s) + $2 ))
  shift 2
  until "$@"; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      echo "[docker-test] timed out waiting for $what" >&2
      return 1
    fi
    sleep 2
  done
}

started=$(date +%s)
"${compose[@]}" up -d
since() { echo $(( $(date +%s) - started )); }

first_finalized() { [ "$(finalized 9944)" -ge 1 ]; }
wait_for "the first finalized block" 300 first_finalized
echo "[docker-test] up -> first finalized block: $(since) s"

has_screening() { get 8080 '/screenings?limit=1' 2>/dev/null | grep -q '"seq":'; }
wait_for "a screening in the indexer" 420 has_screening
echo "[docker-test] up -> first indexed screening: $(since) s"

members_hold() {
  local port
  for port in 9625 9626 9627; do
    [ "$(metric "$port" cinechain_archive_blocks_held)" -gt 0 ] 2>/dev/null || return 1
  done
}
wait_for "the archive members to hold blocks" 300 members_hold
echo "[docker-test] up -> every archive member holds blocks: $(since) s"

dave=$("${compose[@]}" ps -q dave)
healthy() {
  local service id
  for service in alice archive1 indexer projector; do
    id=$("${compose[@]}" ps -q "$service")
    [ "$(docker inspect -f '{{.State.Health.Status}}' "$id")" = healthy ] || return 1
  done
}
wait_for "the health checks of a validator, an archive member, the indexer and the projector" 180 healthy
echo "[docker-test] up -> healthy: $(since) s"

docker kill "$dave" > /dev/null
at_kill=$(finalized 9944)
finality_goes_on() { [ "$(finalized 9944)" -ge $(( at_kill + 3 )) ] && [ "$(finalized 9945)" -ge $(( at_kill + 3 )) ]; }
wait_for "finality without dave" 180 finality_goes_on
[ "$(docker inspect -f '{{.State.Running}}' "$dave")" = false ] || { echo "[docker-test] dave came back: not a test of finality without it" >&2; exit 1; }
echo "[docker-test] finality went on from #$at_kill to #$(finalized 9944) with dave's container killed ($(since) s)"
echo "[docker-test] passed"
