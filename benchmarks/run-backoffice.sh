#!/usr/bin/env bash
# Issue 15's whole-process goals: what a user sees, each command timed beside the tool a force would
# use instead, alternating A B A B in one sitting, warm page cache.
#   benchmarks/run-backoffice.sh [--runs N] [verify] [export]      (default: 5 runs, both)
# verify: `custody verify` of the ~4 GB store of benchmarks/make-backoffice-store.sh (10 recordings
#   of 400 s, 70 segments) beside `openssl dgst -sha256` over the same files on every core (one
#   process per core, each a share of the files). Goal: at least 0.8x OpenSSL's rate.
# export: `custody export` of one 400 s recording (7 segments, ~406 MB) beside `ffmpeg -c copy`
#   remuxing the same 400 s of H.264 into an MP4. Goal: at least ffmpeg's rate.
# Each custody command runs twice: as a user runs it, through ./custody (the launcher, which starts
# the JVM with its class-data archive, made on the first run), and as `java -jar cli/target/custody.jar`
# (no archive). Verify also runs io.custody.benchmarks.StoreSha256: a JVM that only hashes the same
# files on every core, read the same way (the ceiling of any JVM process doing verify's hashing).
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
jar=("$JAVA" -jar cli/target/custody.jar)
cores=$(nproc)
# Outputs (export's MP4s) go to a tmpfs where there is one: on this VM's disk, a 400 MB write's
# time in the kernel varied by ~0.5 s from run to run for custody and ffmpeg alike (Stage 7).
if [ -d /dev/shm ] && [ -w /dev/shm ]; then out=$(mktemp -d /dev/shm/custody-bench.XXXXXX); else out=$(mktemp -d "$dir/run.XXXXXX"); fi
trap 'rm -rf "$out"' EXIT

now() { date +%s%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.4f", (b - a) / 1e9}'; }
div() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.4f", a / b}'; }
# median of the numbers on stdin
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

# compare MB LABEL FUNC [LABEL FUNC ...] PEER_LABEL PEER_FUNC: alternating runs (one warm-up each
# first), medians, and each command's rate over the peer's (the last pair). Each run starts with no
# output file, removed before the clock starts: replacing a 400 MB file that is still being written
# back waits for the disk (ffmpeg -y over its last MP4 took 0.80 s where a new file took 0.60 s);
# and with no dirty pages (sync before the clock): otherwise an export that follows another's 400 MB
# write spends ~0.6 s more in the kernel, so every other run was slow whichever command it was.
compare() {
  local mb=$1 labels=() funcs=() t0 t1 i k line m
  shift
  while [ $# -gt 0 ]; do labels+=("$1"); funcs+=("$2"); shift 2; done
  local n=${#labels[@]} times=()
  for ((k = 0; k < n; k++)); do rm -f "$out"/*; "${funcs[k]}" >/dev/null; times+=(""); done
  for i in $(seq "$runs"); do
    line="  run $i:"
    for ((k = 0; k < n; k++)); do
      rm -f "$out"/*
      sync
      t0=$(now); "${funcs[k]}" >/dev/null; t1=$(now)
      times[k]+=" $(secs "$t0" "$t1")"
      line+=$(printf ' %s %.3f s;' "${labels[k]}" "$(secs "$t0" "$t1")")
    done
    echo "$line"
  done
  local medians=()
  for ((k = 0; k < n; k++)); do
    # shellcheck disable=SC2086 # times[k] holds several numbers
    m=$(printf '%s\n' ${times[k]} | median)
    medians+=("$m")
    printf '  median: %-34s %.3f s  %6.0f MB/s\n' "${labels[k]}" "$m" "$(div "$mb" "$m")"
  done
  for ((k = 0; k < n - 1; k++)); do
    printf '  rate ratio %s / %s: %.2f\n' "${labels[k]}" "${labels[n - 1]}" "$(div "${medians[n - 1]}" "${medians[k]}")"
  done
}

if [[ " ${what[*]} " == *" verify "* ]]; then
  mapfile -t files < <(find "$dir/store" -name '*.sealed' | sort)
  mb=$(du -cb "${files[@]}" | tail -1 | awk '{print $1 / 1000000}')
  verify_args=(verify --device-pub "$dir/keys/device.pub" "file:$dir/store")
  custody_verify() { ./custody "${verify_args[@]}"; }
  jar_verify() { "${jar[@]}" "${verify_args[@]}"; }
  jvm_sha256() { "$JAVA" -cp benchmarks/target/benchmarks.jar io.custody.benchmarks.StoreSha256 "$dir/store"; }
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
  compare "$mb" "custody verify" custody_verify "java -jar custody.jar verify" jar_verify \
    "JVM SHA-256 only ($cores threads)" jvm_sha256 "openssl dgst ($cores procs)" openssl_all_cores
fi

if [[ " ${what[*]} " == *" export "* ]]; then
  rec=$(find "$dir/store" -mindepth 1 -maxdepth 1 -type d ! -name '.*' | sort | head -1)
  mb=$(du -cb "$rec"/*.sealed | tail -1 | awk '{print $1 / 1000000}')
  export_args=(export --key "$dir/keys/recipient.key" --device-pub "$dir/keys/device.pub"
    -o "$out/custody.mp4" "file:$dir/store#$(basename "$rec")")
  custody_export() { ./custody "${export_args[@]}"; }
  jar_export() { "${jar[@]}" "${export_args[@]}"; }
  ffmpeg_copy() {
    ffmpeg -nostdin -hide_banner -loglevel error -y -f h264 -framerate 30 -i "$dir/bwc-400s.h264" \
      -c copy "$out/ffmpeg.mp4"
  }
  echo "export: one recording, $(ls "$rec" | wc -l) segments, $mb MB sealed; ffmpeg remuxes its $(( $(stat -c %s "$dir/bwc-400s.h264") / 1000000 )) MB source"
  compare "$mb" "custody export" custody_export "java -jar custody.jar export" jar_export "ffmpeg -c copy" ffmpeg_copy
fi
