#!/usr/bin/env bash
# Instruction counts of `dg run --no-limits` per bench workload, for one or more dg binaries,
# under valgrind's callgrind: the same binary and input give the same count whatever else the
# machine is doing, so two builds compare on a busy machine where wall times swing ±20 %.
# Counts are not time (cache misses and branch mispredictions do not show): confirm a change
# with scripts/bench.sh on a quiet machine.
#
#   scripts/icount.sh BIN [BIN...] [-- WORKLOAD...]
#   scripts/icount.sh /tmp/dg-old target/bench-release/dg -- arith maps
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bins=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do bins+=("$1"); shift; done
[ $# -gt 0 ] && shift
workloads=("$@")
[ ${#workloads[@]} -gt 0 ] || workloads=(arith strings maps lists json_rt sync)
[ ${#bins[@]} -gt 0 ] || { echo "usage: $0 BIN [BIN...] [-- WORKLOAD...]" >&2; exit 2; }
command -v valgrind >/dev/null || { echo "valgrind is not installed (apt-get install valgrind)" >&2; exit 2; }
progs="$root/target/bench/programs"
[ -d "$progs" ] || python3 "$root/scripts/gen_bench_fixtures.py" "$root/target/bench" >/dev/null
printf '| workload |'; for b in "${bins[@]}"; do printf ' %s |' "$b"; done; echo
printf '|---|'; for _ in "${bins[@]}"; do printf -- '---|'; done; echo
for w in "${workloads[@]}"; do
  printf '| %s |' "$w"
  for b in "${bins[@]}"; do
    n=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$b" run --no-limits "$progs/$w.dg" 2>&1 >/dev/null \
      | sed -n 's/.*Collected : \([0-9]*\).*/\1/p')
    printf ' %s M |' "$((n / 1000000))"
  done
  echo
done
