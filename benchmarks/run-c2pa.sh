#!/usr/bin/env bash
# Issue 18: the time to sign and embed C2PA Content Credentials in a 1 GB fragmented MP4
# (C2paSigner: a SHA-256 pass for the BMFF hash, then a copy with the manifest inserted), beside
# the floor measured in the same run (a SHA-256 pass and a plain copy of the same file).
#   benchmarks/run-c2pa.sh [--runs R] [--megabytes N]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
runs=3 megabytes=1024
while [ $# -gt 0 ]; do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    --megabytes) megabytes=$2; shift 2 ;;
    *) echo "usage: benchmarks/run-c2pa.sh [--runs R] [--megabytes N]" >&2; exit 2 ;;
  esac
done
benchmarks/run.sh build
JAVA=java
[ -n "${JAVA_HOME:-}" ] && JAVA="$JAVA_HOME/bin/java"
"$JAVA" -cp benchmarks/target/benchmarks.jar io.custody.benchmarks.C2paBenchmark \
    benchmarks/target/clips/bwc-1080p30-8mbit.h264 benchmarks/target/c2pa "$megabytes" "$runs"
