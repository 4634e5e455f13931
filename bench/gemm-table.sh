#!/usr/bin/env bash
# The GEMM targets of issue 2, measured side by side with OpenBLAS: for each JDK and each case,
# LAUNCHES separate JVM launches of `./cnn bench gemm --json` (each one the median of 5
# measurements against OpenBLAS in the same run), then the median over launches. One-thread
# cases are pinned to one CPU (both engines on the same one), alternating CPUs between launches.
#
#   bench/gemm-table.sh [LAUNCHES]          (default 5)
#   JDKS="/usr/lib/jvm/java-17-openjdk-amd64 /usr/lib/jvm/temurin-25-jdk-amd64" bench/gemm-table.sh
#
# Prints one line per launch and a summary table: engine GFLOP/s, OpenBLAS GFLOP/s, ratio.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
launches="${1:-5}"
jdks="${JDKS:-}"
if [[ -z "$jdks" ]]; then
  for d in /usr/lib/jvm/java-17-openjdk-* /usr/lib/jvm/temurin-25*; do
    [[ -x "$d/bin/java" ]] && jdks="$jdks $d"
  done
fi
cases=("--size 1024 --threads 1" "--size 1024 --threads 2" "--size 128 --threads 1")
cores="$(nproc)"
results="$(mktemp)"
trap 'rm -f "$results"' EXIT
./cnn --version >/dev/null   # build once, up front
for jdk in $jdks; do
  for c in "${cases[@]}"; do
    for ((i = 1; i <= launches; i++)); do
      # One-thread cases run pinned to one CPU, the engine and its OpenBLAS subprocess (which
      # inherits the mask) on the same one, launch after launch on each CPU in turn. Unpinned, the
      # two could land on different vCPUs, and on a shared VM one vCPU can be slower than the
      # other for minutes: the engine measured 106-110 GFLOP/s against OpenBLAS's 180 on one
      # placement and 144 against 155 on the other.
      pin=()
      if [[ $c == *"--threads 1"* ]] && command -v taskset > /dev/null; then
        pin=(taskset -c $(( (i - 1) % cores )))
      fi
      json="$(JAVA_HOME="$jdk" "${pin[@]}" ./cnn bench gemm $c --json 2>/dev/null)"
      line="$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(d["jdk"], d["m"], d["threads"], d["gflops"], d["openblas_gflops"], d["ratio"])' "$json")"
      echo "launch $i: $line"
      echo "$line" >> "$results"
    done
  done
done
python3 - "$results" <<'PY'
import sys, statistics
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
groups = {}
for jdk, size, threads, g, o, r in rows:
    groups.setdefault((jdk, int(size), int(threads)), []).append((float(g), float(o), float(r)))
print()
print(f"{'jdk':10} {'size':>5} {'threads':>7} {'engine GFLOP/s':>15} {'OpenBLAS GFLOP/s':>17} {'ratio':>6}  (median of {len(next(iter(groups.values())))} launches; ratios per launch)")
for (jdk, size, threads), v in groups.items():
    g = statistics.median(x[0] for x in v)
    o = statistics.median(x[1] for x in v)
    r = statistics.median(x[2] for x in v)
    print(f"{jdk:10} {size:5d} {threads:7d} {g:15.1f} {o:17.1f} {r:6.2f}  {' '.join(f'{x[2]:.2f}' for x in v)}")
PY
