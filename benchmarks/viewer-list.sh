#!/usr/bin/env bash
# Issue 20's list figure: custody serve over the 10,000 one-segment recordings of
# run-scale-verify.sh (made here when missing): seconds from start until the list holds every
# recording (each read from its segment's header and manifest) and until every recording is
# verified, and the list API's latency for pages, deep pages, filters and sorts.
#   benchmarks/viewer-list.sh        (needs cli/target/custody.jar and benchmarks/target/benchmarks.jar)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
JAVA=java
[ -n "${JAVA_HOME:-}" ] && JAVA="$JAVA_HOME/bin/java"
S=benchmarks/target/scale
STORE=$S/store-10000
if [ ! -f "$STORE.done" ]; then
  rm -rf "$STORE"
  "$JAVA" -cp benchmarks/target/benchmarks.jar io.custody.benchmarks.SmallRecordings generate --count 10000 \
      "$S/keys" "$STORE"
  touch "$STORE.done"
fi
OUT=$(mktemp)
PORT=${PORT:-18090}
t0=$(date +%s.%N)
"$JAVA" ${JAVA_OPTS:-} -jar cli/target/custody.jar serve --key "$S/keys/recipient.key" --device-pub "$S/keys/device.pub" \
    --port "$PORT" "file:$STORE" > "$OUT" 2>/dev/null &
PID=$!
trap 'kill $PID; rm -f "$OUT"' EXIT
until grep -q token "$OUT" 2>/dev/null; do sleep 0.05; done
H="Authorization: Bearer $(grep -o 'token=.*' "$OUT" | cut -d= -f2)"
API="http://127.0.0.1:$PORT/api/recordings"
up=$(date +%s.%N)
listed=""
while :; do
  read -r total pending < <(curl -s -H "$H" "$API?limit=1" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["total"], d["pending"])')
  now=$(date +%s.%N)
  if [ -z "$listed" ] && [ "$total" = 10000 ]; then listed=$now; fi
  if [ "$total" = 10000 ] && [ "$pending" = 0 ]; then break; fi
  sleep 0.2
done
printf 'serving after %.1f s; all 10,000 listed after %.1f s; all verified after %.1f s\n' \
    "$(echo "$up - $t0" | bc)" "$(echo "$listed - $t0" | bc)" "$(echo "$now - $t0" | bc)"
ms() { # best of 5, in ms
  local best=999
  for _ in 1 2 3 4 5; do
    best=$(python3 -c "print(min($best, $(curl -s -o /dev/null -w '%{time_total}' -H "$H" "$1")))")
  done
  python3 -c "print(round($best * 1000, 1))"
}
for q in "limit=50" "limit=50&offset=9950" "limit=50&sort=start" "limit=50&from=2026-01-01&to=2030-12-31" "limit=500"; do
  echo "GET /api/recordings?$q: $(ms "$API?$q") ms"
done
id=$(find "$STORE" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' -quit)
echo "GET /api/recordings/ID (one recording's page): $(ms "$API/$id") ms"
echo "server: $(grep VmHWM "/proc/$PID/status" | tr -s ' \t' ' ')"
