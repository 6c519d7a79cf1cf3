#!/usr/bin/env bash
# Issue 15, "Scale": `custody verify` of a store of many small recordings (one ~65 KB sealed
# segment each, 1 s of the committed 720p clip), where listing and per-object reads dominate, on a
# file: store and on the Ceph S3 gateway (scripts/ceph-rgw.sh, bluestore, on 127.0.0.1), whole
# process, several runs alternating. Prints objects (sealed segments verified) per second.
#   benchmarks/run-scale-verify.sh [--count N] [--runs R] [--jobs J] [--only file|s3]
# Defaults: 10,000 recordings, 3 runs each, verify's own --jobs (one per core).
# Builds the benchmarks and the command line when missing or older than their sources, generates
# the stores once (benchmarks/target/scale/: the file: store, its keys, and the gateway's cluster,
# which keeps the S3 copy across restarts), starts the gateway if it is not running and stops it
# again at the end. The S3 side needs root and Ceph (scripts/install-test-tools.sh).
# JAVA_HOME picks the JDK; VERIFY_JAVA_OPTS adds JVM options to each verify (e.g. a JFR recording).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
count=10000 runs=3 jobs= only=
while [ $# -gt 0 ]; do
  case $1 in
    --count) count=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    *) echo "usage: benchmarks/run-scale-verify.sh [--count N] [--runs R] [--jobs J] [--only file|s3]" >&2; exit 2 ;;
  esac
done
JAVA=java
[ -n "${JAVA_HOME:-}" ] && JAVA="$JAVA_HOME/bin/java"
CLI=cli/target/custody.jar

stale() { # whether jar $1 is missing or older than any source or POM
  [ ! -f "$1" ] || [ -n "$(find . \( -path '*/target' -o -path ./.git -o -path ./testdata \) -prune \
    -o -type f \( -name '*.java' -o -name 'pom.xml' \) -newer "$1" -print -quit)" ]
}
if stale benchmarks/target/benchmarks.jar || stale "$CLI"; then
  echo "scale: building the benchmarks and the command line ..." >&2
  ./mvnw -q -B -ntp -pl benchmarks,cli -am package -DskipTests -Dmaven.javadoc.skip=true >&2
fi

S=benchmarks/target/scale
STORE=$S/store-$count
KEYS=$S/keys
mkdir -p "$S"
if [ ! -f "$STORE.done" ]; then
  rm -rf "$STORE"
  "$JAVA" -cp benchmarks/target/benchmarks.jar io.custody.benchmarks.SmallRecordings generate --count "$count" \
      "$KEYS" "$STORE"
  touch "$STORE.done"
fi
echo "scale: file: store $STORE: $count recordings, $(du -sm "$STORE" | cut -f1) MB" >&2

CEPH=$S/ceph
BUCKET=custody-scale
S3URI=s3://$BUCKET/r$count
started_gateway=0
stop_gateway() { [ "$started_gateway" = 1 ] && scripts/ceph-rgw.sh stop "$CEPH" >&2 || true; }
trap stop_gateway EXIT
if [ "$only" != file ]; then
  if ! scripts/ceph-rgw.sh status "$CEPH" 2>/dev/null; then
    # Ports are fixed when the cluster directory is first made; these stay clear of the tests'.
    CEPH_RGW_PORT=${CEPH_RGW_PORT:-17480} CEPH_MON_PORT=${CEPH_MON_PORT:-16789} \
        scripts/ceph-rgw.sh start "$CEPH" bluestore >&2
    started_gateway=1
  fi
  set -a
  # shellcheck disable=SC1091
  . "$CEPH/s3.env"
  set +a
  if [ ! -f "$CEPH/copied-$count" ]; then
    scripts/ceph-rgw.sh bucket "$CEPH" "$BUCKET" >&2 2>/dev/null || true # (there already after a first run)
    "$JAVA" -cp benchmarks/target/benchmarks.jar io.custody.benchmarks.SmallRecordings copy --threads 16 \
        "$STORE" "$S3URI"
    touch "$CEPH/copied-$count"
  fi
fi

jobs_arg=()
[ -n "$jobs" ] && jobs_arg=(--jobs "$jobs")
out=$(mktemp)
trap 'rm -f "$out"; stop_gateway' EXIT
# One whole `custody verify`; prints its objects/s line, fails if it did not verify all $count.
verify() {
  local what=$1 uri=$2 t0 t1 ok
  t0=$(date +%s%N)
  # shellcheck disable=SC2086 # VERIFY_JAVA_OPTS holds several words
  "$JAVA" ${VERIFY_JAVA_OPTS:-} -jar "$CLI" verify --device-pub "$KEYS/device.pub" "${jobs_arg[@]}" "$uri" >"$out"
  t1=$(date +%s%N)
  ok=$(grep -c '^  segment [0-9]*: OK' "$out" || true)
  [ "$ok" = "$count" ] || { echo "scale: $what verified $ok of $count segments" >&2; exit 1; }
  awk -v w="$what" -v n="$ok" -v ns=$((t1 - t0)) \
      'BEGIN { printf "%-4s %6d objects in %7.2f s: %8.0f objects/s\n", w, n, ns / 1e9, n / (ns / 1e9) }'
}
echo "scale: $("$JAVA" -version 2>&1 | head -1); verify ${jobs_arg[*]:-(default jobs)}; $runs runs, alternating" >&2
for r in $(seq 1 "$runs"); do
  [ "$only" = s3 ] || verify file: "file:$STORE"
  [ "$only" = file ] || verify s3: "$S3URI"
done
