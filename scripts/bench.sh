#!/usr/bin/env bash
# Whole-process benchmark of dg against CPython on the seven workloads in fixtures/bench.
# Needs hyperfine (apt-get install hyperfine). Usage: scripts/bench.sh [workload...]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --profile bench-release -p dg_cli
out=target/bench
rm -rf "$out" && mkdir -p "$out"
python3 scripts/gen_bench_fixtures.py "$out" >/dev/null
dg="$PWD/target/bench-release/dg"
workloads=("${@:-arith strings maps lists json_rt sync startup}")
for w in ${workloads[@]}; do
  a=$("$dg" run --no-limits "$out/programs/$w.dg")
  b=$(python3 -S "$out/programs/$w.py")
  [ "$a" = "$b" ] || { echo "checksum mismatch on $w: dg=$a python=$b" >&2; exit 1; }
  hyperfine -N --warmup 2 --runs 10 --export-json "$out/$w.json" \
    "$dg run --no-limits $out/programs/$w.dg" "python3 -S $out/programs/$w.py"
done
