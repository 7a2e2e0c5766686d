#!/usr/bin/env bash
# Long fuzzing runs of tests/fuzz.rs (token soups, mutated fixtures, arbitrary bytes through
# parse, check and a sandboxed run), on the stable toolchain with proptest.
#   scripts/fuzz.sh [MINUTES] [JOBS]      default: 10 minutes on 2 parallel jobs
# Each round runs every property with DG_FUZZ_CASES cases and a fresh seed; the script stops
# at the first failure (proptest prints the minimal failing input) and prints a summary line.
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-10}
jobs=${2:-2}
cases=${DG_FUZZ_CASES:-20000}
cargo test --release -p dg-tests --test fuzz --no-run >/dev/null 2>&1
bin=$(cargo test --release -p dg-tests --test fuzz --no-run --message-format=json 2>/dev/null \
  | python3 -c 'import json,sys
for l in sys.stdin:
    m=json.loads(l)
    if m.get("reason")=="compiler-artifact" and m.get("executable") and m["target"]["name"]=="fuzz": print(m["executable"])' | tail -1)
[ -x "$bin" ] || { echo "could not build the fuzz tests" >&2; exit 1; }
end=$(( $(date +%s) + minutes * 60 ))
log=target/fuzz
mkdir -p "$log"
worker() {
  local id=$1 round=0
  while [ "$(date +%s)" -lt "$end" ]; do
    round=$((round + 1))
    seed=$(( (id * 1000003 + round * 7919 + $(date +%s%N) ) % 4294967295 ))
    if ! DG_FUZZ_CASES=$cases PROPTEST_RNG_SEED=$seed "$bin" --test-threads 1 >"$log/job$id.log" 2>&1; then
      echo "FAILED in job $id round $round (seed $seed); see $log/job$id.log" >&2
      return 1
    fi
    echo "$round" >"$log/job$id.rounds"
  done
}
pids=()
for j in $(seq 1 "$jobs"); do worker "$j" & pids+=($!); done
status=0
for p in "${pids[@]}"; do wait "$p" || status=1; done
total=0
for j in $(seq 1 "$jobs"); do r=$(cat "$log/job$j.rounds" 2>/dev/null || echo 0); total=$((total + r)); done
echo "fuzz: $jobs job(s), $minutes minute(s), $total round(s) x 3 properties x $cases cases = $((total * 3 * cases)) inputs, status $status"
exit $status
