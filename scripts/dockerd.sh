#!/usr/bin/env bash
# Starts a Docker daemon if none answers (as root; Debian's docker.io), with no bridge network:
# on machines that may send traffic only to loopback, containers use host networking and
# listen on 127.0.0.1. Waits until it answers; its log is /var/log/cinechain-dockerd.log.
set -euo pipefail
docker info > /dev/null 2>&1 && exit 0
command -v dockerd > /dev/null || apt-get install -y --no-install-recommends docker.io
nohup dockerd --bridge=none --iptables=false --ip6tables=false > /var/log/cinechain-dockerd.log 2>&1 &
for _ in $(seq 1 60); do
  docker info > /dev/null 2>&1 && exit 0
  sleep 1
done
echo "[docker] dockerd did not answer within 60 s; see /var/log/cinechain-dockerd.log" >&2
exit 1
