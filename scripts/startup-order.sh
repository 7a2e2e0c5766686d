#!/usr/bin/env bash
# Regenerates crates/cli/startup-order.txt: the functions `dg` runs to start, check or run a
# small script, by mangled name, for the linker to place side by side (`--symbol-ordering-file`,
# applied by crates/cli/build.rs). Start-up then touches a few hundred KB of code instead of
# ~2.7 MB spread over the 14 MB binary: fewer page faults and ~2.5 MB less resident memory for
# an empty script (docs/benchmarks.md, "Start-up").
#
#   scripts/startup-order.sh BIN [BIN...]     e.g. target/release/dg target/bench-release/dg
#
# Mangled names carry a per-profile hash, so pass one binary per profile you want ordered; the
# lists are merged. Names that no longer exist are ignored by the linker, so a stale list only
# orders less well; regenerate after large changes to start-up code.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
[ $# -gt 0 ] || { echo "usage: $0 BIN [BIN...]" >&2; exit 2; }
command -v valgrind >/dev/null || { echo "valgrind is not installed (apt-get install valgrind)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf 'greeting = "Hello";\ninfo greeting + ", " + 1;\n' > "$tmp/empty.dg"
for bin in "$@"; do
  nm "$bin" | awk '{print $3}' | sort -u > "$tmp/defined"
  for args in "--version" "run $tmp/empty.dg" "check $tmp/empty.dg"; do
    # shellcheck disable=SC2086
    valgrind --tool=callgrind --demangle=no --callgrind-out-file="$tmp/cg" "$bin" $args >/dev/null 2>&1 || true
    grep -oE '^c?fn=\([0-9]+\) [^ ]+' "$tmp/cg" | awk '{print $2}' | sort -u > "$tmp/ran"
    comm -12 "$tmp/ran" "$tmp/defined" >> "$tmp/all"
  done
done
sort -u "$tmp/all" > "$root/crates/cli/startup-order.txt"
echo "$(wc -l < "$root/crates/cli/startup-order.txt") functions -> crates/cli/startup-order.txt"
