#!/usr/bin/env bash
# This engine's search (dev.cnn.tune.TuneBenchmark: random and bayes) against Optuna (TPE, its
# default sampler, and random) on the same test functions with the same budget: 30 evaluations,
# 20 seeds each: Branin (2-D), Hartmann-6 (6-D) and a noisy 4-D Rosenbrock. Prints the median and quartiles of the simple
# regret (best found minus the known minimum) after 10, 20 and 30 evaluations, per method.
#
#   bench/tune-vs-optuna.sh [--budget 30] [--seeds 20] [--functions "branin hartmann6"]
#
# Needs Debian's python3-optuna (installed with apt-get when missing and run as root).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
budget=30 seeds=20 functions="branin hartmann6 noisy4"
while (( $# )); do
  case "$1" in
    --budget) budget="$2"; shift 2 ;;
    --seeds) seeds="$2"; shift 2 ;;
    --functions) functions="$2"; shift 2 ;;
    *) echo "tune-vs-optuna.sh: unknown option $1 (expected --budget N, --seeds N, --functions LIST)" >&2; exit 2 ;;
  esac
done
if ! /usr/bin/python3 -c 'import optuna' 2>/dev/null; then
  if [[ $(id -u) == 0 ]]; then apt-get install -y python3-optuna >/dev/null; else
    echo "tune-vs-optuna.sh: needs python3-optuna (apt-get install python3-optuna)" >&2; exit 1; fi
fi
"$ROOT/cnn" --version >/dev/null   # builds once, up front
out="$(mktemp -d)/runs.jsonl"
for f in $functions; do
  for s in random bayes; do
    java --add-modules jdk.incubator.vector -cp "$ROOT/cli/target/cnn.jar" dev.cnn.tune.TuneBenchmark \
      --function "$f" --sampler "$s" --budget "$budget" --seeds "$seeds" 2>/dev/null >>"$out"
  done
  for s in tpe random; do
    /usr/bin/python3 "$ROOT/bench/tune_optuna.py" --function "$f" --sampler "$s" --budget "$budget" \
      --seeds "$seeds" >>"$out"
  done
done
/usr/bin/python3 - "$out" "$budget" <<'PY'
import collections, json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
budget = int(sys.argv[2])
points = [p for p in (10, 20, 30) if p <= budget]
by = collections.defaultdict(list)
for r in rows:
    by[(r["function"], r["sampler"])].append(r["regret_by_eval"])
def q(v, f):
    v = sorted(v); i = (len(v) - 1) * f; lo = int(i); hi = min(lo + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (i - lo)
print("| function | method | " + " | ".join(f"regret after {p}: median [q1, q3]" for p in points) + " |")
print("|---|---|" + "---|" * len(points))
for (f, s), runs in sorted(by.items()):
    cells = []
    for p in points:
        v = [r[p - 1] for r in runs]
        cells.append(f"{q(v, .5):.4g} [{q(v, .25):.3g}, {q(v, .75):.3g}]")
    print(f"| {f} | {s} ({len(runs)} seeds) | " + " | ".join(cells) + " |")
PY
