#!/usr/bin/env bash
# Runs every test: installs the tools the tests need, then builds and runs the unit tests (*Test)
# and the integration tests (*IT: ffmpeg, OpenSSL, the Ceph gateway, tmpfs, kill -9) on JDK 17 (the
# default java), fuzzes each parser briefly, runs the benchmarks' smoke profile, and tests again
# (corpus replay included) on the Temurin JDK 25 when it is installed (CI has both), leaving out
# there only the integration tests tagged "slow" (see README, "Tests").
#   scripts/test.sh            both JDKs
#   CUSTODY_JDKS=17 scripts/test.sh   only the default JDK
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/install-test-tools.sh

# The README's first command as a user runs it: the ./custody launcher (its start-up archive, made
# here for this jar and JDK, and its JIT settings) running the demo, in a directory of its own.
launcher_demo() { # JAVA_HOME (empty for the default)
  local demo repo=$PWD
  demo=$(mktemp -d)
  (cd "$demo" && JAVA_HOME="$1" "$repo/custody" demo --clip "$repo/testdata/clips/bwc-1080p30-high.h264" \
      --audio "$repo/testdata/clips/bwc-1080p30-audio.aac" >demo.out 2>&1) || { cat "$demo/demo.out"; exit 1; }
  grep -q "^play it:" "$demo/demo.out" || { cat "$demo/demo.out"; echo "launcher: no export" >&2; exit 1; }
  ls -s cli/target/custody-*.jsa | grep -qv '^ *0 ' || { echo "launcher: no start-up archive made" >&2; exit 1; }
  rm -rf "$demo"
}

run_on() { # label, JAVA_HOME (empty for the default)
  echo "=== tests on $1 ==="
  # 'verify' replays every fuzz target's corpus and kept crashers (Jazzer's regression mode) on
  # each JDK; on the default JDK each target is then fuzzed, coverage-guided, for a few seconds
  # (docs/FUZZING.md), which keeps CI within its time budget.
  if [ -n "$2" ]; then
    JAVA_HOME="$2" ./mvnw -B -ntp verify -Dcustody.it.excludedGroups=slow
  else
    ./mvnw -B -ntp verify
    CUSTODY_FUZZ_SEED="${CUSTODY_FUZZ_SEED:-1}" scripts/fuzz.sh all "${CUSTODY_FUZZ_SECONDS:-6}"
  fi
  echo "=== ./custody demo on $1 ==="
  launcher_demo "$2"
}

run_on "default JDK ($(java -version 2>&1 | head -1))" ""

# The benchmarks' short profile: every JMH benchmark and the stream-scale harness run once,
# briefly, so a benchmark that no longer runs fails CI (figures come from 'benchmarks/run.sh full').
echo "=== benchmark smoke run ==="
benchmarks/run.sh smoke
java -cp benchmarks/target/benchmarks.jar io.custody.benchmarks.StreamScale --seconds 2 4
ledger_smoke=$(mktemp -d)
java -cp benchmarks/target/benchmarks.jar io.custody.benchmarks.LedgerBenchmark append "file:$ledger_smoke/a" 1 4 1
java -cp benchmarks/target/benchmarks.jar io.custody.benchmarks.LedgerBenchmark proofs "$ledger_smoke/p" 5000 1
rm -rf "$ledger_smoke"

if [ "${CUSTODY_JDKS:-17,25}" != "17" ]; then
  jdk25=$(ls -d /usr/lib/jvm/temurin-25* 2>/dev/null | head -1 || true)
  if [ -n "$jdk25" ]; then
    run_on "Temurin JDK 25 ($jdk25)" "$jdk25"
  else
    echo "=== no Temurin JDK 25 under /usr/lib/jvm: tested on the default JDK only ==="
  fi
fi
