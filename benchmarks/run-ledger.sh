#!/usr/bin/env bash
# Issue 16, the custody ledger's speed: appends per second with 1 and 4 writers (ledger instances
# in one JVM, each with its own store client and 16 appending threads, one entry per append, each
# acknowledged only under a signed checkpoint in the store), on file: and on the Ceph gateway on
# loopback (a plain bucket, and a bucket with Object Lock: versioned); then inclusion and
# consistency proofs made and checked per second at 10^6 entries (file:).
#   benchmarks/run-ledger.sh [--seconds S] [--entries N]
# Needs root and Ceph (scripts/install-test-tools.sh). JAVA_HOME picks the JDK.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
seconds=15 entries=1000000
while [ $# -gt 0 ]; do
  case $1 in
    --seconds) seconds=$2; shift 2 ;;
    --entries) entries=$2; shift 2 ;;
    *) echo "usage: benchmarks/run-ledger.sh [--seconds S] [--entries N]" >&2; exit 2 ;;
  esac
done
benchmarks/run.sh build
JAVA=java
[ -n "${JAVA_HOME:-}" ] && JAVA="$JAVA_HOME/bin/java"
bench() { "$JAVA" -cp benchmarks/target/benchmarks.jar io.custody.benchmarks.LedgerBenchmark "$@" 2>&1 | grep -v SLF4J; }
L=benchmarks/target/ledger
rm -rf "$L/file"
mkdir -p "$L/file"
echo "ledger: $("$JAVA" -version 2>&1 | head -1), $(nproc) cores, ${seconds} s per figure"
for w in 1 4; do
  bench append "file:$PWD/$L/file/w$w" "$w" 16 "$seconds"
done

CEPH=$L/ceph
rm -rf "$CEPH"
CEPH_RGW_PORT=${CEPH_RGW_PORT:-17690} CEPH_MON_PORT=${CEPH_MON_PORT:-16990} scripts/ceph-rgw.sh start "$CEPH" memstore >&2
trap 'scripts/ceph-rgw.sh stop "$CEPH" >&2 || true' EXIT
set -a
# shellcheck disable=SC1091
. "$CEPH/s3.env"
set +a
scripts/ceph-rgw.sh bucket "$CEPH" ledger-plain >/dev/null
scripts/ceph-rgw.sh bucket "$CEPH" ledger-locked object-lock >/dev/null
for bucket in ledger-plain ledger-locked; do
  bench ops "s3://$bucket/ops?endpoint=$AWS_ENDPOINT_URL_S3"
  for w in 1 4; do
    echo "bucket $bucket:"
    bench append "s3://$bucket/w$w?endpoint=$AWS_ENDPOINT_URL_S3" "$w" 16 "$seconds"
  done
done
bench proofs "$L/proofs-$entries" "$entries" "$seconds"
