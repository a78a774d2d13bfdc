#!/usr/bin/env bash
# A simulated playback system: drops a screening event into the projector agent's spool every
# few seconds, one short film after another (each plays from just after the last one ended until
# a second ago), until it is stopped (or, with a third argument, until that process ends).
# A few are anomalous, so that the regulators' console shows alerts in the first minutes: every
# 7th starts before the one before it ended (a "ghost" screening: `device_overlap`), every 11th
# lasts half a second against the few seconds the film's other screenings take
# (`short_screening`).
#
# Usage: playback.sh <spool> [seconds between screenings, default 6] [pid to outlive not]
# Used by scripts/dev.sh and by the compose network's `playback` service.
set -euo pipefail
spool="$1"
interval="${2:-6}"
watch="${3:-}"
mkdir -p "$spool"
titles=("The Projectionist" "Cinema Paradiso" "Hugo" "The Last Picture Show")
n=1
last_end=$(( $(date +%s) * 1000 - 60000 ))
while [ -z "$watch" ] || kill -0 "$watch" 2>/dev/null; do
  sleep "$interval"
  now=$(( $(date +%s) * 1000 ))
  start=$(( last_end + 1000 )) end=$(( now - 1000 ))
  if (( n % 7 == 0 )); then start=$(( last_end - 3000 )); fi
  if (( end <= start + 500 )); then end=$(( start + 1500 )); fi
  if (( n % 11 == 0 )); then start=$(( end - 500 )); fi
  name="$(date +%Y%m%dT%H%M%S)-$n"
  printf '{"film":{"title":"%s","film_code":"00110123202%d"},"projectionist":"P-0042","hall":1,"started_at":%d,"ended_at":%d,"outcome":"completed"}' \
    "${titles[$(( n % 4 ))]}" $(( n % 4 )) "$start" "$end" >"$spool/.$name.json"
  mv "$spool/.$name.json" "$spool/$name.json"
  last_end=$end
  n=$(( n + 1 ))
done
