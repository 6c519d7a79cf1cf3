#!/usr/bin/env bash
# Makes the back-office benchmarks' input (issue 15): sealed recordings of 1080p30 8 Mbit/s
# footage in 60 s segments with 1 s fragments, the way a camera leaves them in a file: store.
#   benchmarks/make-backoffice-store.sh [RECORDINGS]      (default 10: ~4 GB)
# Each recording is the bench clip (benchmarks/make-bench-clip.sh) looped to 400 s (~400 MB in 7
# segments), recorded by the CLI (cli/target/custody.jar; benchmarks/run.sh build makes it) with
# keys from `custody keys init`. Written under benchmarks/target/backoffice/:
#   keys/                      device.pub (verify), recipient.key (export), ...
#   bwc-400s.h264              the 400 s source (what ffmpeg -c copy remuxes, for comparison)
#   store/RECORDING_ID/NNNNN.sealed
# Recordings already there are kept; more are added until there are RECORDINGS.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
want=${1:-10}
dir=target/backoffice
jar=../cli/target/custody.jar
[ -f "$jar" ] || { echo "make-backoffice-store.sh: build first (benchmarks/run.sh build)" >&2; exit 1; }
./make-bench-clip.sh
mkdir -p "$dir"
JAVA=java
[ -n "${JAVA_HOME:-}" ] && JAVA="$JAVA_HOME/bin/java"
if [ ! -s "$dir/bwc-400s.h264" ]; then
  # Annex-B streams concatenate: each copy starts with its parameter sets and an IDR frame.
  for _ in $(seq 40); do cat target/clips/bwc-1080p30-8mbit.h264; done >"$dir/bwc-400s.h264.tmp"
  mv "$dir/bwc-400s.h264.tmp" "$dir/bwc-400s.h264"
fi
[ -f "$dir/keys/device.pub" ] || "$JAVA" -jar "$jar" keys init --out "$dir/keys" >/dev/null
mkdir -p "$dir/store"
have=$(find "$dir/store" -mindepth 1 -maxdepth 1 -type d ! -name '.*' | wc -l)
while [ "$have" -lt "$want" ]; do
  "$JAVA" -jar "$jar" record --progress=none --input "$dir/bwc-400s.h264" --segment 60 --pre-event 0 \
    --device-key "$dir/keys/device.key" --recipient "$dir/keys/recipient.pub" --store "file:$dir/store" >/dev/null
  have=$((have + 1))
done
echo "$dir/store: $have recording(s), $(du -sm "$dir/store" | cut -f1) MB" >&2
