#!/usr/bin/env bash
# Issue 17, "Speed": a 10 s excerpt (a disclosure package) out of a 4-hour recording in an s3:
# store reads only the bytes of the segments it touches, not the recording. The recording is 4 h of
# a 320x240 x264 clip (1 s keyframe interval) recorded by `custody record` in 60 s segments (240
# objects) and uploaded to the Ceph S3 gateway on 127.0.0.1 (scripts/ceph-rgw.sh, memstore). Then,
# R runs each: `custody export --from --to --package` of 10 s in the middle of the recording (as
# `--open`), timed as a whole command, with the bytes it read from the store (it prints them);
# beside it, the floor (the sizes of the segments the span touches) and the whole recording, and
# as the peer, `custody verify` of the one segment the span starts in (the same JVM start, store
# client and requests to find the object, reading all of it).
#   benchmarks/run-excerpt.sh [--runs R] [--at SECONDS]
# Needs root and Ceph (scripts/install-test-tools.sh), ffmpeg for the clip.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
runs=3 at=7200
while [ $# -gt 0 ]; do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    --at) at=$2; shift 2 ;;
    *) echo "usage: benchmarks/run-excerpt.sh [--runs R] [--at SECONDS]" >&2; exit 2 ;;
  esac
done
JAVA=java
[ -n "${JAVA_HOME:-}" ] && JAVA="$JAVA_HOME/bin/java"
CLI=cli/target/custody.jar
if [ ! -f "$CLI" ] || [ -n "$(find . \( -path '*/target' -o -path ./.git -o -path ./testdata \) -prune \
    -o -type f \( -name '*.java' -o -name 'pom.xml' \) -newer "$CLI" -print -quit)" ]; then
  echo "excerpt: building the command line ..." >&2
  ./mvnw -q -B -ntp -pl cli -am package -DskipTests -Dmaven.javadoc.skip=true >&2
fi
custody() { "$JAVA" -jar "$CLI" "$@"; }

E=benchmarks/target/excerpt
mkdir -p "$E"
STORE=$E/store
if [ ! -f "$STORE.done" ]; then
  if [ ! -s "$E/clip-60s.h264" ]; then
    ffmpeg -nostdin -v error -f lavfi -i testsrc2=size=320x240:rate=25 -t 60 -c:v libx264 -preset veryfast \
        -crf 30 -g 25 -keyint_min 25 -sc_threshold 0 -threads 2 -f h264 "$E/clip-60s.h264.tmp"
    mv "$E/clip-60s.h264.tmp" "$E/clip-60s.h264"
  fi
  # 240 copies end to end: each starts with its parameter sets and an IDR picture
  for _ in $(seq 1 240); do cat "$E/clip-60s.h264"; done >"$E/clip-4h.h264"
  [ -f "$E/keys/device.key" ] || custody keys init --out "$E/keys" >&2
  rm -rf "$STORE"
  custody record --input "$E/clip-4h.h264" --segment 60 --pre-event 0 --trigger-at 0 --progress none \
      --device-key "$E/keys/device.key" --recipient "$E/keys/recipient.pub" --store "file:$STORE" >&2
  rm -f "$E/clip-4h.h264"
  touch "$STORE.done"
fi
id=$(basename "$(find "$STORE" -name 00000.sealed -printf '%h\n' | head -1)")
files=$(find "$STORE" -name '*.sealed' | wc -l)
bytes=$(find "$STORE" -name '*.sealed' -printf '%s\n' | awk '{ s += $1 } END { print s }')
echo "excerpt: recording $id: $files segments, $((bytes / 1000000)) MB" >&2

CEPH=$E/ceph
BUCKET=custody-excerpt
. benchmarks/gateway.sh
trap 'stop_gateway "$CEPH"' EXIT
gateway "$CEPH" "$BUCKET" 17491 16791
# the gateway is new (memstore): the upload journal of an earlier run would skip every segment
rm -rf "$STORE/custody-upload-journal"
custody upload --progress none "file:$STORE#$id" "s3://$BUCKET/evidence" >&2

# the floor: the segments the span [at, at + 10] touches (60 s segments from 0)
first=$((at / 60)) last=$(((at + 10) / 60))
floor=0
for s in $(seq "$first" "$last"); do
  floor=$((floor + $(stat -c %s "$STORE/$id/$(printf %05d "$s").sealed")))
done
echo "excerpt: $("$JAVA" -version 2>&1 | head -1); span $at s to $((at + 10)) s; $runs runs" >&2
for r in $(seq 1 "$runs"); do
  out=$E/run-$r.cpkg
  rm -f "$out"
  t0=$(date +%s%N)
  line=$(custody export --key "$E/keys/recipient.key" --device-pub "$E/keys/device.pub" --from "$at" \
      --to "$((at + 10))" --package "$out" --open "s3://$BUCKET/evidence#$id" | head -1)
  t1=$(date +%s%N)
  read_bytes=$(sed -n 's/.*; \([0-9]*\) bytes read from the store.*/\1/p' <<<"$line")
  awk -v r="$r" -v ns=$((t1 - t0)) -v rb="$read_bytes" -v fl="$floor" -v all="$bytes" -v pk="$(stat -c %s "$out")" \
      'BEGIN { printf "run %d: %6.2f s; read %.2f MB (floor, the segments touched: %.2f MB; the recording: %.1f MB = %.4f%%); package %.2f MB\n",
               r, ns / 1e9, rb / 1e6, fl / 1e6, all / 1e6, 100 * rb / all, pk / 1e6 }'
done
# the peer: the same JVM start and store client, verifying the one segment the span starts in
seg=$(printf %05d "$first")
for r in $(seq 1 "$runs"); do
  t0=$(date +%s%N)
  custody verify --device-pub "$E/keys/device.pub" "s3://$BUCKET/evidence#$id/$seg.sealed" >/dev/null
  t1=$(date +%s%N)
  awk -v r="$r" -v ns=$((t1 - t0)) -v fl="$floor" \
      'BEGIN { printf "peer %d: custody verify of segment %s alone (%.2f MB): %6.2f s\n", r, "'"$seg"'", fl / 1e6, ns / 1e9 }'
done
custody verify --device-pub "$E/keys/device.pub" "$E/run-1.cpkg" | sed 's/^/  /'
