#!/usr/bin/env bash
# Times shell commands side by side, alternating (A B C, A B C, ...) after one untimed round: each
# run's wall time and CPU time (user + sys of the command and its children, GNU time), and the
# medians. What benchmarks/README.md's A/B figures without a script of their own were taken with.
#   benchmarks/alternate.sh RUNS 'LABEL|COMMAND' ['LABEL|COMMAND' ...]
# e.g. benchmarks/alternate.sh 5 'archive|./custody --version' 'none|java -jar cli/target/custody.jar --version'
# COMMAND runs under bash -c from the repository root, its output discarded; a failure is reported.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
[ $# -ge 2 ] || { echo "usage: benchmarks/alternate.sh RUNS 'LABEL|COMMAND' ..." >&2; exit 2; }
runs=$1
shift
[ -x /usr/bin/time ] || { echo "alternate.sh: needs GNU time (apt-get install time)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
for ((i = 0; i <= runs; i++)); do
  for ((k = 1; k <= $#; k++)); do
    spec=${!k}
    if ! /usr/bin/time -o "$tmp/time" -f '%e %U %S' bash -c "${spec#*|}" >/dev/null 2>"$tmp/err"; then
      echo "alternate.sh: '${spec%%|*}' failed:" >&2
      cat "$tmp/err" >&2
      exit 1
    fi
    if [ "$i" -gt 0 ]; then
      read -r wall user sys <"$tmp/time"
      echo "$wall" >>"$tmp/wall.$k"
      awk -v u="$user" -v s="$sys" 'BEGIN {printf "%.2f\n", u + s}' >>"$tmp/cpu.$k"
    fi
  done
done
for ((k = 1; k <= $#; k++)); do
  spec=${!k}
  printf '%s: wall %s s (median %s), CPU %s s (median %s)\n' "${spec%%|*}" \
    "$(paste -sd' ' "$tmp/wall.$k")" "$(median <"$tmp/wall.$k")" "$(paste -sd' ' "$tmp/cpu.$k")" "$(median <"$tmp/cpu.$k")"
done
