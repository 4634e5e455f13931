#!/usr/bin/env bash
# Planted faults: trains FashionNet on the built-in shapes with one fault per scenario, runs
# `cnn diagnose` on each run, and prints the table scenario x findings (id:severity). Every
# scenario should get its finding and no unrelated warning or critical one.
#
#   bench/diagnose-eval.sh [--out DIR] [--threads N]      (about 5 minutes on 2 cores)
#
# Scenarios: (1) clean (up to 30 epochs with early stopping); (2) the same with three classes cut
# to 5%; (3) SGD with a rate far too high; (4) a rate of 1e-6; (5) 400 training images for 40
# epochs (FashionNet keeps its dropout: it overfits all the same); (6) 2 epochs.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$(mktemp -d)/diagnose-eval" threads=2
while (( $# )); do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    *) echo "diagnose-eval.sh: unknown option $1 (expected --out DIR, --threads N)" >&2; exit 2 ;;
  esac
done
mkdir -p "$out"
common=(--threads "$threads" --seed 1 --no-report --overwrite)   # the script owns its --out
declare -a names=(clean imbalance diverging crawling overfitting short)
declare -A expect=([clean]="(none)" [imbalance]="class-imbalance" [diverging]="divergence"
  [crawling]="learning-rate-too-low|underfitting" [overfitting]="overfitting" [short]="too-little-training")
declare -A args=(
  [clean]="--limit 4000,800 --epochs 30 --early-stopping 3 --val-split 0.1"
  [imbalance]="--limit 4000,800 --epochs 30 --early-stopping 3 --val-split 0.1 --subsample circle=0.05,ring=0.05,square=0.05"
  [diverging]="--limit 4000,800 --epochs 8 --val-split 0.1 --optimizer sgd --lr 50"
  [crawling]="--limit 4000,800 --epochs 8 --val-split 0.1 --lr 0.000001"
  [overfitting]="--limit 400,800 --epochs 40 --val-split 0.2"
  [short]="--limit 4000,800 --epochs 2 --val-split 0.1")
"$ROOT/cnn" --version >/dev/null   # builds once, up front
printf '| scenario | expected | findings (id:severity) | verdict |\n|---|---|---|---|\n'
for s in "${names[@]}"; do
  # shellcheck disable=SC2086  # the arguments are a list of words
  CNN_NO_BUILD=1 "$ROOT/cnn" train ${args[$s]} "${common[@]}" --out "$out/$s" >"$out/$s.train.log" 2>&1
  CNN_NO_BUILD=1 "$ROOT/cnn" diagnose "$out/$s" --threads "$threads" >"$out/$s.diagnose.log" 2>&1
  /usr/bin/python3 - "$out/$s/diagnosis.json" "$s" "${expect[$s]}" <<'PY'
import json, re, sys
path, scenario, expected = sys.argv[1], sys.argv[2], sys.argv[3]
findings = json.load(open(path))["findings"]
got = [f"{f['id']}:{f['severity']}" for f in findings]
serious = [f["id"] for f in findings if f["severity"] != "info"]
if expected == "(none)":
    ok = not serious
else:
    wanted = re.compile(expected)
    ok = any(wanted.fullmatch(i) for i in serious) and all(wanted.fullmatch(i) for i in serious)
print(f"| {scenario} | {expected} | {', '.join(got) or '(none)'} | {'ok' if ok else 'MISSED'} |")
PY
done
echo
echo "runs, logs and reports in $out"
