#!/usr/bin/env bash
# Fuzzes the parsers of outside bytes with Jazzer, coverage-guided (docs/FUZZING.md).
#   scripts/fuzz.sh                 every target, 600 s each
#   scripts/fuzz.sh TARGET [SECONDS]   one target (or 'all'), SECONDS each (default 600)
#   scripts/fuzz.sh list            the targets
# Each target runs in its own JVM (Jazzer fuzzes one test method per process). The working corpus
# grows in MODULE/.cifuzz-corpus/CLASS/METHOD (not committed); a finding (a crash, a hang, an
# allocation past the input's bound) is written to the target's regression directory in
# src/test/resources (CLASSInputs/METHOD/crash-SHA1), where every later 'mvn verify' replays it.
# Set CUSTODY_FUZZ_BUILD=0 to skip the build step (the test classes must then be compiled).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# name  module  class  method
TARGETS="
h264      codec-h264 io.custody.h264.AnnexBFuzzTest               scanAndAssemble
adts      codec-aac  io.custody.aac.AdtsFuzzTest                  readAdts
mp4       mp4        io.custody.mp4.Mp4DemuxerFuzzTest            demux
verify    seal       io.custody.seal.SealedSegmentFuzzTest        verify
decrypt   seal       io.custody.seal.SealedSegmentFuzzTest        decryptUnverified
recover   seal       io.custody.seal.SealedSegmentFuzzTest        recover
manifest  seal       io.custody.seal.ManifestFuzzTest             parseManifest
package   seal       io.custody.seal.PackageFuzzTest              verify
package-decrypt seal io.custody.seal.PackageFuzzTest              decrypt
json      json       io.custody.json.JsonFuzzTest                 parse
keys      crypto     io.custody.crypto.KeyPemFuzzTest             readPem
metadata  cli        io.custody.cli.MetadataFileFuzzTest          read
"

target="${1:-all}"
seconds="${2:-600}"
if [ "$target" = list ]; then
  echo "$TARGETS" | awk 'NF { print $1 " (" $3 "#" $4 ")" }'
  exit 0
fi
if [ "$target" != all ] && ! echo "$TARGETS" | awk '{ print $1 }' | grep -qx "$target"; then
  echo "unknown target '$target'; targets: $(echo "$TARGETS" | awk 'NF { printf "%s ", $1 }')all" >&2
  exit 2
fi

if [ "${CUSTODY_FUZZ_BUILD:-1}" != 0 ]; then
  # Compiles the test classes of every module with a target and writes each one's test classpath.
  ./mvnw -B -ntp -q test-compile dependency:build-classpath -Dmdep.outputFile=target/fuzz.classpath \
    -Dmdep.includeScope=test -pl codec-h264,codec-aac,mp4,json,crypto,seal,cli -am
fi

failed=0
while read -r name module class method; do
  [ -n "$name" ] || continue
  [ "$target" = all ] || [ "$target" = "$name" ] || continue
  inputs="$module/src/test/resources/$(echo "${class%.*}" | tr . /)/${class##*.}Inputs/$method"
  corpus="$module/.cifuzz-corpus/$class/$method"
  mkdir -p "$inputs" "$corpus"
  cp="$module/target/test-classes:$module/target/classes:$(cat "$module/target/fuzz.classpath")"
  log="$module/target/fuzz-$name.log"
  echo "=== fuzzing $name ($class#$method) for $seconds s; log $log ==="
  # -rss_limit_mb=0: the heap bound (-Xmx) is the memory guard, and the per-input allocation
  # check of io.custody.testing.FuzzInvariants the sharp one. -seed=0 is a random seed;
  # CUSTODY_FUZZ_SEED fixes it (CI does, so that a failing CI run can be replayed exactly).
  # The last two options silence JDK 21+'s warnings about Jazzer's agent and native library.
  if "${JAVA_HOME:+$JAVA_HOME/bin/}java" -Xmx2g -XX:-OmitStackTraceInFastThrow -XX:+IgnoreUnrecognizedVMOptions \
      -XX:+EnableDynamicAgentLoading --enable-native-access=ALL-UNNAMED -cp "$cp" com.code_intelligence.jazzer.Jazzer \
      --target_class="$class" --target_method="$method" --instrumentation_includes='io.custody.**' \
      -max_total_time="$seconds" -timeout=60 -rss_limit_mb=0 -seed="${CUSTODY_FUZZ_SEED:-0}" \
      -artifact_prefix="$inputs/" \
      "$corpus" "$inputs" >"$log" 2>&1; then
    result=ok
  else
    result="FINDING (kept in $inputs; see $log)"
    failed=1
    sed -n '/== Java Exception/,/^Done /p' "$log" | head -40 >&2
  fi
  runs=$(grep -Eo '^Done [0-9]+ runs in [0-9]+ second' "$log" | tail -1 | awk '{ print $2 " " $5 }' || true)
  if [ -n "$runs" ]; then
    set -- $runs
    echo "$name: $result, $1 runs in $2 s ($(( $1 / ($2 > 0 ? $2 : 1) )) exec/s)"
  else
    echo "$name: $result"
  fi
done <<<"$TARGETS"
exit $failed
