#!/usr/bin/env bash
# Issue 15's whole-process goals: what a user sees, each command timed beside the tool a force would
# use instead, alternating A B A B in one sitting, warm page cache.
#   benchmarks/run-backoffice.sh [--runs N] [verify] [export]      (default: 5 runs, both)
# verify: `custody verify` of the ~4 GB store of benchmarks/make-backoffice-store.sh (10 recordings
#   of 400 s, 70 segments) beside `openssl dgst -sha256` over the same files on every core (one
#   process per core, each a share of the files). Goal: at least 0.8x OpenSSL's rate.
# export: `custody export` of one 400 s recording (7 segments, ~406 MB) beside `ffmpeg -c copy`
#   remuxing the same 400 s of H.264 into an MP4. Goal: at least ffmpeg's rate.
# Prints each run and the medians: seconds, MB/s (MB of the input read), and the ratio of rates.
# JAVA_HOME picks the JDK. Builds first when needed (benchmarks/run.sh build).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
runs=5
what=()
while [ $# -gt 0 ]; do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    verify|export) what+=("$1"); shift ;;
    *) echo "usage: benchmarks/run-backoffice.sh [--runs N] [verify] [export]" >&2; exit 2 ;;
  esac
done
[ ${#what[@]} -gt 0 ] || what=(verify export)
benchmarks/run.sh build
benchmarks/make-backoffice-store.sh 10
JAVA=java
[ -n "${JAVA_HOME:-}" ] && JAVA="$JAVA_HOME/bin/java"
dir=benchmarks/target/backoffice
cli=("$JAVA" -jar cli/target/custody.jar)
cores=$(nproc)
out=$(mktemp -d "$dir/run.XXXXXX")
trap 'rm -rf "$out"' EXIT

now() { date +%s%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.4f", (b - a) / 1e9}'; }
div() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.4f", a / b}'; }
# median of the numbers on stdin
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

# compare LABEL_A LABEL_B MB FUNC_A FUNC_B: alternating runs (one warm-up each first), medians
compare() {
  local la=$1 lb=$2 mb=$3 fa=$4 fb=$5 ta=() tb=() t0 t1
  "$fa" >/dev/null && "$fb" >/dev/null
  for i in $(seq "$runs"); do
    t0=$(now); "$fa" >/dev/null; t1=$(now); ta+=("$(secs "$t0" "$t1")")
    t0=$(now); "$fb" >/dev/null; t1=$(now); tb+=("$(secs "$t0" "$t1")")
    printf '  run %d: %s %.3f s, %s %.3f s\n' "$i" "$la" "${ta[-1]}" "$lb" "${tb[-1]}"
  done
  local ma mb_
  ma=$(printf '%s\n' "${ta[@]}" | median)
  mb_=$(printf '%s\n' "${tb[@]}" | median)
  printf '  median: %-28s %.3f s  %6.0f MB/s\n' "$la" "$ma" "$(div "$mb" "$ma")"
  printf '  median: %-28s %.3f s  %6.0f MB/s\n' "$lb" "$mb_" "$(div "$mb" "$mb_")"
  printf '  rate ratio %s / %s: %.2f\n' "$la" "$lb" "$(div "$mb_" "$ma")"
}

if [[ " ${what[*]} " == *" verify "* ]]; then
  mapfile -t files < <(find "$dir/store" -name '*.sealed' | sort)
  mb=$(du -cb "${files[@]}" | tail -1 | awk '{print $1 / 1000000}')
  custody_verify() { "${cli[@]}" verify --device-pub "$dir/keys/device.pub" "file:$dir/store"; }
  openssl_all_cores() {
    local pids=() c k share
    for ((c = 0; c < cores; c++)); do
      share=()
      for ((k = c; k < ${#files[@]}; k += cores)); do share+=("${files[k]}"); done
      openssl dgst -sha256 "${share[@]}" >/dev/null &
      pids+=($!)
    done
    for p in "${pids[@]}"; do wait "$p"; done
  }
  echo "verify: ${#files[@]} segments, $mb MB, $cores cores, $("$JAVA" -version 2>&1 | head -1)"
  compare "custody verify" "openssl dgst ($cores procs)" "$mb" custody_verify openssl_all_cores
fi

if [[ " ${what[*]} " == *" export "* ]]; then
  rec=$(find "$dir/store" -mindepth 1 -maxdepth 1 -type d ! -name '.*' | sort | head -1)
  mb=$(du -cb "$rec"/*.sealed | tail -1 | awk '{print $1 / 1000000}')
  custody_export() {
    rm -f "$out"/custody.*
    "${cli[@]}" export --key "$dir/keys/recipient.key" --device-pub "$dir/keys/device.pub" \
      -o "$out/custody.mp4" "file:$dir/store#$(basename "$rec")"
  }
  ffmpeg_copy() {
    ffmpeg -nostdin -hide_banner -loglevel error -y -f h264 -framerate 30 -i "$dir/bwc-400s.h264" \
      -c copy "$out/ffmpeg.mp4"
  }
  echo "export: one recording, $(ls "$rec" | wc -l) segments, $mb MB sealed; ffmpeg remuxes its $(( $(stat -c %s "$dir/bwc-400s.h264") / 1000000 )) MB source"
  compare "custody export" "ffmpeg -c copy" "$mb" custody_export ffmpeg_copy
fi
