#!/usr/bin/env bash
# Whole-process benchmark of dg against CPython and Lua 5.4 on the seven workloads in
# fixtures/bench (docs/benchmarks.md explains the table).
#
# Usage: scripts/bench.sh [workload...]        (default: all seven)
# Environment:
#   BENCH_RUNS=N      hyperfine runs per command (default 10, startup at least 300; warm-up is 2)
#   BENCH_RSS_RUNS=N  runs per command for the peak RSS median (default 5)
#   DG=path/to/dg     use this binary instead of building the bench-release profile
#   DG_STATIC=0       build the default (dynamically linked) dg even where `cargo build-static` works
#   PYTHON=path       the CPython binary (default: the real python3 behind any pyenv shim)
#   LUA=path          the Lua 5.4 binary (default: lua5.4)
# Installs hyperfine, lua5.4 and GNU time from Debian's packages when they are missing.
# Output: hyperfine's JSON exports and the RSS samples in target/bench; the table on stdout (and in
# target/bench/table.md), everything else on stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

die() {
  echo "bench.sh: $*" >&2
  exit 1
}

runs="${BENCH_RUNS:-10}"
rss_runs="${BENCH_RSS_RUNS:-5}"
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || die "BENCH_RUNS must be a positive integer, got '$runs'"
[[ "$rss_runs" =~ ^[1-9][0-9]*$ ]] || die "BENCH_RSS_RUNS must be a positive integer, got '$rss_runs'"

all=(arith strings maps lists json_rt sync startup)
if (($# > 0)); then
  workloads=("$@")
else
  workloads=("${all[@]}")
fi
for w in "${workloads[@]}"; do
  [ -f "fixtures/bench/$w.dg" ] || die "unknown workload '$w' (known: ${all[*]})"
done

# --- tools: hyperfine, lua5.4 and /usr/bin/time from Debian's packages when missing
command -v python3 >/dev/null || die "python3 is needed (it is one of the measured runtimes)"
missing=()
command -v hyperfine >/dev/null || missing+=(hyperfine)
[ -n "${LUA:-}" ] || command -v lua5.4 >/dev/null || missing+=(lua5.4)
[ -x /usr/bin/time ] || missing+=(time)
if ((${#missing[@]} > 0)); then
  echo "bench.sh: installing ${missing[*]} from Debian's packages" >&2
  sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || die "${missing[*]} missing and not root (no sudo): apt-get install ${missing[*]}"
    sudo=(sudo -n)
  fi
  log="$(mktemp)"
  export DEBIAN_FRONTEND=noninteractive
  if ! "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >"$log" 2>&1; then
    # the package lists may be missing or stale: refresh once and try again
    if ! { "${sudo[@]}" apt-get update -qq && "${sudo[@]}" apt-get install -y -qq "${missing[@]}"; } >>"$log" 2>&1; then
      tail -n 20 "$log" >&2
      die "could not install ${missing[*]} with apt-get (log above); install them by hand and rerun"
    fi
  fi
  rm -f "$log"
  for t in "${missing[@]}"; do
    case "$t" in
      time) [ -x /usr/bin/time ] || die "apt-get installed 'time' but /usr/bin/time is not there" ;;
      *) command -v "$t" >/dev/null || die "apt-get installed '$t' but it is not on PATH" ;;
    esac
  done
fi

# --- the three runtimes, each called directly (hyperfine -N spawns no shell)
if [ -n "${DG:-}" ]; then
  dg="$(realpath "$DG")"
  [ -x "$dg" ] || die "DG=$DG is not an executable file"
else
  # The build the README recommends installing: on x86_64 Linux with glibc's static library,
  # `cargo build-static` (.cargo/config.toml; no dynamic loader at start-up), else the default.
  target_dir="$(realpath -m "${CARGO_TARGET_DIR:-target}")"
  libc_a="$(cc -print-file-name=libc.a 2>/dev/null || true)"
  if [ "${DG_STATIC:-1}" != 0 ] && [ "$(uname -sm)" = "Linux x86_64" ] && [ "${libc_a#/}" != "$libc_a" ] && [ -f "$libc_a" ]; then
    cargo build-static --profile bench-release
    dg="$target_dir/x86_64-unknown-linux-gnu/bench-release/dg"
  else
    cargo build --profile bench-release -p dg_cli
    dg="$target_dir/bench-release/dg"
  fi
  [ -x "$dg" ] || die "cargo build did not produce $dg"
fi
# python3 is often a shim (pyenv): time the interpreter itself, not a shell script in front of it
python="${PYTHON:-$(python3 -c 'import sys; print(sys.executable)')}"
lua="${LUA:-$(command -v lua5.4)}"
[ -x "$python" ] || die "PYTHON=$python is not executable"
[ -x "$lua" ] || die "LUA=$lua is not executable"

out="$root/target/bench"
rm -rf "$out" && mkdir -p "$out"
python3 scripts/gen_bench_fixtures.py "$out" 2>/dev/null
progs="$out/programs"

q() { printf '%q' "$1"; } # hyperfine -N splits its commands like a POSIX shell
cmd_dg() { echo "$(q "$dg") run --no-limits $(q "$progs/$1.dg")"; }
cmd_py() { echo "$(q "$python") -S $(q "$progs/$1.py")"; }
cmd_lua() { echo "$(q "$lua") $(q "$progs/$1.lua")"; }

# --- same checksum from all three before anything is timed
for w in "${workloads[@]}"; do
  a=$("$dg" run --no-limits "$progs/$w.dg") || die "dg failed on $w"
  b=$("$python" -S "$progs/$w.py") || die "CPython failed on $w"
  c=$("$lua" "$progs/$w.lua") || die "Lua failed on $w"
  if [ "$a" != "$b" ] || [ "$a" != "$c" ]; then
    die "checksum mismatch on $w: dg=$a cpython=$b lua=$c"
  fi
  echo "$w: $a" >&2
done

# --- peak RSS (KiB), one line per runtime: the samples of $rss_runs runs
rss() {
  local name="$1" w="$2" i samples=""
  shift 2
  for ((i = 0; i < rss_runs; i++)); do
    /usr/bin/time -f %M -o "$out/time.tmp" "$@" >/dev/null || die "$name failed on $w under /usr/bin/time"
    samples+=" $(tail -n 1 "$out/time.tmp")"
  done
  echo "$name$samples" >>"$out/$w.rss"
}

# Peak RSS counts the executable's file pages mapped at start-up, and how many a page fault maps
# depends on the page cache: a binary written a moment ago (a fresh build) sits in large folios
# and measured ~1 MB more than the same bytes read back from disk. Start every runtime from the
# same state: when we may (root), flush the page cache once before measuring.
if [ -w /proc/sys/vm/drop_caches ]; then
  sync && echo 1 >/proc/sys/vm/drop_caches
  echo "page cache dropped before measuring" >&2
fi

for w in "${workloads[@]}"; do
  # A start-up run takes milliseconds and the VM's scheduling noise is of the same size: give
  # it at least 300 runs (one second or so per runtime) so its median means something.
  n=$runs
  if [ "$w" = startup ] && [ "$n" -lt 300 ]; then n=300; fi
  hyperfine -N --warmup 2 --runs "$n" --export-json "$out/$w.json" \
    -n dg "$(cmd_dg "$w")" -n cpython "$(cmd_py "$w")" -n lua "$(cmd_lua "$w")" >&2
  rss dg "$w" "$dg" run --no-limits "$progs/$w.dg"
  rss cpython "$w" "$python" -S "$progs/$w.py"
  rss lua "$w" "$lua" "$progs/$w.lua"
done
rm -f "$out/time.tmp"

{
  linkage=dynamic
  ldd "$dg" >/dev/null 2>&1 || linkage=static # "not a dynamic executable"
  echo "dg: $("$dg" --version 2>/dev/null | head -n 1) ($dg, $linkage)"
  echo "CPython: $("$python" --version 2>&1) ($python)"
  echo "Lua: $("$lua" -v 2>&1 | awk 'NR == 1 { print $1, $2 }') ($lua)"
  echo "$(hyperfine --version), -N --warmup 2 --runs $runs (startup: at least 300); peak RSS: median of $rss_runs runs"
  echo
  python3 - "$out" "${workloads[@]}" <<'EOF'
import json, math, statistics, sys

out, workloads = sys.argv[1], sys.argv[2:]


def ms(x):
    return "%.2f" % (x * 1000) if x < 0.01 else "%.1f" % (x * 1000) if x < 0.1 else "%.0f" % (x * 1000)


rows, ratios_py, ratios_lua = [], [], []
for w in workloads:
    with open("%s/%s.json" % (out, w)) as f:
        t = {r["command"]: r["median"] for r in json.load(f)["results"]}
    rss = {}
    with open("%s/%s.rss" % (out, w)) as f:
        for line in f:
            name, *samples = line.split()
            rss[name] = statistics.median(int(s) for s in samples) / 1024
    d, p, l = t["dg"], t["cpython"], t["lua"]
    rows.append("| %s | %s | %s | %s | %.2f | %.2f | %.1f / %.1f / %.1f |" % (
        w, ms(d), ms(p), ms(l), d / p, d / l, rss["dg"], rss["cpython"], rss["lua"]))
    if w != "startup":
        ratios_py.append(d / p)
        ratios_lua.append(d / l)

print("| workload | dg ms | CPython ms | Lua ms | dg/CPython | dg/Lua | peak RSS dg / CPython / Lua MB |")
print("|---|---|---|---|---|---|---|")
print("\n".join(rows))


def geomean(xs):
    return math.exp(sum(math.log(x) for x in xs) / len(xs))


if ratios_py:
    n = len(ratios_py)
    note = "" if n == 6 else " (only %d of the 6 throughput workloads ran)" % n
    print("| **geometric mean**%s | | | | **%.2f** | **%.2f** | |" % (note, geomean(ratios_py), geomean(ratios_lua)))
EOF
} | tee "$out/table.md"
