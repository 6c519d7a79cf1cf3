#!/usr/bin/env bash
# Issue 15, "Upload": `custody upload` of a spool of sealed segments to the Ceph S3 gateway on
# 127.0.0.1 (scripts/ceph-rgw.sh, memstore, as the stage-4 S3 benchmark), next to `rclone copy` of
# the same files to the same gateway, at 1 and 16 concurrent streams, alternating, several runs.
# Prints MB/s (the spool's bytes over each whole command's wall time).
#   benchmarks/run-upload.sh [--runs R] [--segment S] [--streams "1 16"] [--base JAR] [--jar]
#   benchmarks/run-upload.sh --classlist     writes cli/cds/upload.classlist instead (below)
# This build's upload runs as a user runs it, through the ./custody launcher (its class-data archive
# and JIT settings); --jar adds the line "java -jar", the same jar without them.
# --base JAR: also runs `custody upload` from another build (e.g. the branch's base) with java -jar,
# alternating with this one, as the line "base custody". Each line also gives the command's client
# CPU (user + system seconds of the command and its children).
# --classlist: the classes one 16-stream upload loads that `custody demo` does not (the S3 SDK's,
# its HTTP client's, TLS and the rest), for the launcher's archive (see ./custody); run it again
# when cli's CdsClassListTest says the list names classes the jar no longer has.
# The spool is one recording of 400 s of the 8 Mbit/s bench clip (~406 MB, the clip 40 times), recorded by `custody
# record` in S-second segments (default 10: 40 objects of ~10 MB, so 16 streams have work; 60
# gives 7 multipart objects). Custody's side reads every object back and verifies it before
# releasing the local copy (--delete-local, on a fresh copy of the spool each run), journals each
# one, and runs under a bandwidth cap set far above the link (so the cap is in the path, not the
# limit). rclone (Debian's package, installed if missing) copies with its defaults (MD5 of each
# upload checked by the server) and --transfers N; then, as the peer that does the same work as
# Custody, copies again and reads every object back (`rclone check --download`, which downloads
# each object and compares it with the local file). Objects are deleted and their space reclaimed
# after each run. Needs root and Ceph (scripts/install-test-tools.sh), ffmpeg for the clip.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
runs=3 segment=10 streams="1 16" base= jar= classlist=
while [ $# -gt 0 ]; do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    --segment) segment=$2; shift 2 ;;
    --streams) streams=$2; shift 2 ;;
    --base) base=$2; shift 2 ;;
    --jar) jar=1; shift ;;
    --classlist) classlist=1; shift ;;
    *) echo "usage: benchmarks/run-upload.sh [--runs R] [--segment S] [--streams \"1 16\"] [--base JAR] [--jar] | --classlist" >&2; exit 2 ;;
  esac
done
JAVA=java
[ -n "${JAVA_HOME:-}" ] && JAVA="$JAVA_HOME/bin/java"
CLI=cli/target/custody.jar
if [ ! -f "$CLI" ] || [ -n "$(find . \( -path '*/target' -o -path ./.git -o -path ./testdata \) -prune \
    -o -type f \( -name '*.java' -o -name 'pom.xml' \) -newer "$CLI" -print -quit)" ]; then
  echo "upload: building the command line ..." >&2
  ./mvnw -q -B -ntp -pl cli -am package -DskipTests -Dmaven.javadoc.skip=true >&2
fi
if ! command -v rclone >/dev/null; then
  echo "upload: installing rclone ..." >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q rclone >&2 \
      || { apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q rclone >&2; }
fi

U=benchmarks/target/upload
mkdir -p "$U"
SPOOL=$U/spool-${segment}s
if [ ! -f "$SPOOL.done" ]; then
  benchmarks/make-bench-clip.sh
  clip=$U/bwc-400s.h264
  # 40 times the 10 s clip, end to end (ffmpeg's -stream_loop cannot seek back in raw H.264; each
  # copy starts with its parameter sets and an IDR picture, so the Annex-B streams concatenate)
  if [ ! -s "$clip" ]; then
    for _ in $(seq 1 40); do cat benchmarks/target/clips/bwc-1080p30-8mbit.h264; done >"$clip.tmp"
    mv "$clip.tmp" "$clip"
  fi
  [ -f "$U/keys/device.key" ] || "$JAVA" -jar "$CLI" keys init --out "$U/keys" >&2
  rm -rf "$SPOOL"
  "$JAVA" -jar "$CLI" record --input "$clip" --segment "$segment" --pre-event 0 --trigger-at 0 --progress none \
      --device-key "$U/keys/device.key" --recipient "$U/keys/recipient.pub" --store "file:$SPOOL" >&2
  touch "$SPOOL.done"
fi
files=$(find "$SPOOL" -name '*.sealed' | wc -l)
bytes=$(find "$SPOOL" -name '*.sealed' -printf '%s\n' | awk '{ s += $1 } END { print s }')
echo "upload: spool $SPOOL: $files segments, $((bytes / 1000000)) MB" >&2

CEPH=$U/ceph
BUCKET=custody-upload
work=$(mktemp -d)
. benchmarks/gateway.sh
cleanup() {
  rm -rf "$work"
  stop_gateway "$CEPH"
}
trap cleanup EXIT
gateway "$CEPH" "$BUCKET" 17490 16790
# rclone's remote "s3:", from the environment (no config file). rclone 1.60 fails on AWS_CA_BUNDLE.
export RCLONE_CONFIG_S3_TYPE=s3 RCLONE_CONFIG_S3_PROVIDER=Ceph RCLONE_CONFIG_S3_ENDPOINT="$AWS_ENDPOINT_URL_S3" \
    RCLONE_CONFIG_S3_ACCESS_KEY_ID="$AWS_ACCESS_KEY_ID" RCLONE_CONFIG_S3_SECRET_ACCESS_KEY="$AWS_SECRET_ACCESS_KEY" \
    RCLONE_CONFIG_S3_REGION="$AWS_REGION"
rc() { env -u AWS_CA_BUNDLE rclone --config /dev/null "$@"; }

# The CPU seconds (user + system) of this shell's finished children so far, in $cpu (`times` run
# in this shell, not in a subshell, which has children of its own).
children_cpu() {
  times >"$work/times"
  cpu=$(awk 'NR == 2 { n = split($0, f, " "); s = 0
    for (i = 1; i <= n; i++) { split(f[i], ms, "m"); s += ms[1] * 60 + ms[2] } print s }' "$work/times")
}
# Times one command (its output in $work/out); prints MB/s for the spool's bytes and its client CPU.
timed() {
  local what=$1 t0 t1 c0 c1
  shift
  children_cpu
  c0=$cpu
  t0=$(date +%s%N)
  "$@" >"$work/out" 2>&1 || { echo "upload: $what failed:" >&2; cat "$work/out" >&2; exit 1; }
  t1=$(date +%s%N)
  children_cpu
  c1=$cpu
  awk -v w="$what" -v b="$bytes" -v ns=$((t1 - t0)) -v c0="$c0" -v c1="$c1" \
      'BEGIN { printf "%-26s %7.1f MB in %6.2f s: %7.1f MB/s, client CPU %5.2f s\n", w, b / 1e6, ns / 1e9,
        b / 1e6 / (ns / 1e9), c1 - c0 }'
}
# custody upload by the jar $1 (or "launcher": ./custody) of a fresh copy of the spool, at $2
# streams, to the prefix $3
custody_upload() {
  local cmd=("$JAVA" -jar "$1")
  [ "$1" = launcher ] && cmd=(./custody)
  rm -rf "$work/spool"
  cp -a "$SPOOL" "$work/spool"
  timed "$4, $2 streams" "${cmd[@]}" upload --concurrency "$2" --bandwidth 100000000000 --delete-local \
      --progress none "file:$work/spool" "s3://$BUCKET/$3"
  left=$(find "$work/spool" -name '*.sealed' | wc -l)
  [ "$left" = 0 ] || { echo "upload: custody left $left segments in the spool" >&2; exit 1; }
  clear_bucket "$3"
}
# rclone copy, then every object downloaded and compared with its source: what Custody's upload does
rclone_read_back() {
  rc copy --include "*.sealed" --transfers "$1" --checkers "$1" "$SPOOL" "$2" &&
      rc check --download --one-way --include "*.sealed" --checkers "$1" "$SPOOL" "$2"
}
clear_bucket() {
  rc purge "s3:$BUCKET/$1" >/dev/null 2>&1 || true
  scripts/ceph-rgw.sh gc "$CEPH" >/dev/null 2>&1 || true
}

if [ -n "$classlist" ]; then
  rm -rf "$work/spool" "$work/demo"
  cp -a "$SPOOL" "$work/spool"
  mkdir "$work/demo"
  # as the launcher runs it (in a directory of its own: the demo exports to ./evidence-export)
  (cd "$work/demo" && "$JAVA" -XX:DumpLoadedClassList="$work/demo.classes" -jar "$ROOT/$CLI" demo \
      --clip "$ROOT/testdata/clips/bwc-1080p30-high.h264" --audio "$ROOT/testdata/clips/bwc-1080p30-audio.aac" \
      --store "$work/demo/evidence" --keys "$work/demo/keys" >/dev/null)
  "$JAVA" -XX:DumpLoadedClassList="$work/upload.classes" -jar "$CLI" upload --concurrency 16 --bandwidth 100000000000 \
      --delete-local --progress none \
      "file:$work/spool" "s3://$BUCKET/classlist" >/dev/null
  clear_bucket classlist
  # Comments and the method-handle forms (@lambda-form-invoker: 0.5 MB, the demo's list has its own) left out
  grep -v -e '^#' -e '^@lambda-form-invoker' "$work/upload.classes" | grep -vxF -f "$work/demo.classes" >cli/cds/upload.classlist
  echo "upload: cli/cds/upload.classlist: $(wc -l <cli/cds/upload.classlist) lines" >&2
  exit 0
fi

echo "upload: $("$JAVA" -version 2>&1 | head -1); $(rclone version | head -1); streams $streams; $runs runs" >&2
for r in $(seq 1 "$runs"); do
  for n in $streams; do
    # (the base first on odd runs, second on even ones)
    if [ -n "$base" ] && [ $((r % 2)) = 1 ]; then custody_upload "$base" "$n" "base-$r-$n" "base custody"; fi
    custody_upload launcher "$n" "custody-$r-$n" custody
    if [ -n "$jar" ]; then custody_upload "$CLI" "$n" "jar-$r-$n" "java -jar"; fi
    if [ -n "$base" ] && [ $((r % 2)) = 0 ]; then custody_upload "$base" "$n" "base-$r-$n" "base custody"; fi
    timed "rclone, $n streams" rc copy --include "*.sealed" --transfers "$n" --checkers "$n" "$SPOOL" "s3:$BUCKET/rclone-$r-$n"
    clear_bucket "rclone-$r-$n"
    timed "rclone+read-back, $n" rclone_read_back "$n" "s3:$BUCKET/rclone-rb-$r-$n"
    clear_bucket "rclone-rb-$r-$n"
  done
done
