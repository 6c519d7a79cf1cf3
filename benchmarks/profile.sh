#!/usr/bin/env bash
# Where a JMH benchmark's time goes, by symbol, with the JDK's intrinsic stubs named (SHA-256,
# AES-GCM, array copies), so the crypto passes can be told from Custody's own code.
#   benchmarks/profile.sh REGEX [JMH options...]     e.g. benchmarks/profile.sh custodyNoPlaintextHash
#   benchmarks/profile.sh --java JAVA_ARGS...        a whole java process instead, e.g. a CLI command:
#     benchmarks/profile.sh --java -jar cli/target/custody.jar verify --device-pub K.pub file:STORE
# Samples the benchmark's fork with `perf record -e cpu-clock` (a software clock: this machine's
# perf has no hardware counters), maps JIT-compiled code with -XX:+DumpPerfMapAtExit and names the
# stubs from -XX:+PrintStubCode. Needs perf (Debian's linux-perf) and python3. Counts the fork's
# whole life, warm-up included. JAVA_HOME picks the JDK, as for run.sh.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
[ $# -ge 1 ] || { echo "usage: benchmarks/profile.sh REGEX [JMH options...] | --java JAVA_ARGS..." >&2; exit 2; }
command -v perf >/dev/null || { echo "profile.sh: needs perf (apt-get install linux-perf)" >&2; exit 1; }
[ "$1" = --java ] || benchmarks/run.sh build
JAVA=java
[ -n "${JAVA_HOME:-}" ] && JAVA="$JAVA_HOME/bin/java"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
vmopts="-XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit -XX:+PrintStubCode -XX:+LogVMOutput \
    -XX:-DisplayVMOutput -XX:LogFile=$out/vm-pid%p.log"
if [ "$1" = --java ]; then
  # shellcheck disable=SC2086 # vmopts holds several options
  perf record -q -o "$out/perf.data" -e cpu-clock -F 1999 -- "$JAVA" $vmopts "${@:2}" >/dev/null
else
  perf record -q -o "$out/perf.data" -e cpu-clock -F 1999 -- "$JAVA" -jar benchmarks/target/benchmarks.jar "$1" \
      -f 1 -jvm "$JAVA" -jvmArgsAppend "$vmopts" "${@:2}" | grep -E "^Benchmark|^[A-Za-z].*(thrpt|ss) "
fi
perf script -i "$out/perf.data" -F pid,ip,sym 2>/dev/null >"$out/samples"
python3 - "$out" <<'EOF'
import collections, glob, re, sys
out = sys.argv[1]
log = glob.glob(out + "/vm-pid*.log")[0]
pid = re.search(r"pid(\d+)\.log", log).group(1)
stubs = [(int(a, 16), int(b, 16), n) for n, a, b in
         re.findall(r"StubRoutines::(\w+) \[0x([0-9a-f]+), 0x([0-9a-f]+)\]", open(log, errors="ignore").read())]
counts, total = collections.Counter(), 0
for line in open(out + "/samples", errors="ignore"):
    f = line.split(None, 2)
    if len(f) < 3 or f[0] != pid:
        continue
    total += 1
    sym = f[2].strip()
    if sym.startswith("StubRoutines"):
        ip = int(f[1], 16)
        sym = next(("stub " + n for a, b, n in stubs if a <= ip <= b), "stub (unnamed)")
    counts[sym[:110]] += 1
print(f"{total} samples in the profiled JVM")
for sym, n in counts.most_common(int(__import__("os").environ.get("TOP", "25"))):
    print(f"{100 * n / total:6.2f} %  {sym}")
EOF
