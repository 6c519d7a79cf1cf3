#!/usr/bin/env bash
# Runs the JMH benchmarks, building them first when missing or older than their sources, and
# making the 8 Mbit/s benchmark clip when missing (benchmarks/make-bench-clip.sh).
#   benchmarks/run.sh full  [REGEX] [JMH options...]   real figures (each class's own warm-up and
#                                                      measurement, -prof gc)
#   benchmarks/run.sh smoke [REGEX] [JMH options...]   every benchmark once, briefly: that it runs
#                                                      (scripts/test.sh does this), not its figure
#   benchmarks/run.sh build                            only build the jar and the clip
# JAVA_HOME picks the JDK (e.g. JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64). The S3 benchmark
# starts a Ceph gateway and needs root and Ceph (scripts/install-test-tools.sh).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
JAR=benchmarks/target/benchmarks.jar
profile=${1:-}
case "$profile" in
  full) opts=(-prof gc) ;;
  smoke) opts=(-wi 0 -i 1 -r 100ms -f 1 -p megabytes=8) ;;
  build) ;;
  *) echo "usage: benchmarks/run.sh full|smoke|build [REGEX] [JMH options...]" >&2; exit 2 ;;
esac
shift

benchmarks/make-bench-clip.sh
if [ ! -f "$JAR" ] || [ -n "$(find . \( -path '*/target' -o -path ./.git -o -path ./testdata \) -prune \
    -o -type f \( -name '*.java' -o -name 'pom.xml' \) -newer "$JAR" -print -quit)" ]; then
  echo "benchmarks: building $JAR ..." >&2
  ./mvnw -q -B -ntp -pl benchmarks,cli -am package -DskipTests -Dmaven.javadoc.skip=true >&2
fi
[ "$profile" = build ] && exit 0
# BackOfficeBenchmark's store: one 400 s recording for a smoke run, ten (~4 GB) for real figures.
case "${1:-BackOffice}" in
  *BackOffice*|*erify*|*ecrypt*|*penssl*|*gcm*|-*) benchmarks/make-backoffice-store.sh "$([ "$profile" = smoke ] && echo 1 || echo 10)" ;;
esac
# TokenSignerBenchmark's SoftHSM2 token: the fork writes this file and its token directory.
export SOFTHSM2_CONF="${SOFTHSM2_CONF:-$ROOT/benchmarks/target/softhsm2.conf}"
JAVA=java
[ -n "${JAVA_HOME:-}" ] && JAVA="$JAVA_HOME/bin/java"
echo "benchmarks: $("$JAVA" -version 2>&1 | head -1), profile $profile" >&2
exec "$JAVA" -jar "$JAR" -foe true "${opts[@]}" "$@"
