#!/usr/bin/env bash
# The per-core stream budget (io.custody.benchmarks.StreamScale): N simultaneous 8 Mbit/s
# recordings fed in real time and sealed, for N = 1 2 16 256 1000 by default, then a search for
# the largest N that keeps up. Builds the benchmarks and the clip like run.sh.
#   benchmarks/run-scale.sh [--seconds S] [--threads T] [--no-plaintext-hash] [N ...]
# JAVA_HOME picks the JDK; JAVA_OPTS adds JVM options after the heap's (the garbage collector decides
# the figure: e.g. JAVA_OPTS=-XX:+UseZGC with JDK 25, see benchmarks/README.md). The heap is sized
# and touched up front (-Xms = -Xmx, -XX:+AlwaysPreTouch: ~15 s at start), as on a server: memory
# the heap touches for the first time during a run is faulted in and zeroed by the kernel on the
# feeding threads, which is start-up cost, not the steady state measured here.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
benchmarks/run.sh build
JAVA=java
[ -n "${JAVA_HOME:-}" ] && JAVA="$JAVA_HOME/bin/java"
args=("$@")
numbers=0
for a in "$@"; do [[ "$a" =~ ^[0-9]+$ ]] && numbers=1; done
[ "$numbers" = 1 ] || args+=(1 2 16 256 1000)
# shellcheck disable=SC2086 # JAVA_OPTS holds several words
exec "$JAVA" -Xms14g -Xmx14g -XX:+AlwaysPreTouch ${JAVA_OPTS:-} -cp benchmarks/target/benchmarks.jar io.custody.benchmarks.StreamScale --search "${args[@]}"
