#!/usr/bin/env bash
# Planted label noise: how well `cnn diagnose --label-errors` (confident learning over 5-fold
# out-of-sample probabilities) finds labels flipped on purpose, against the baseline "flag the N
# lowest self-confidence images" at the same N, and what dropping the flagged images does to the
# accuracy on the clean test set.
#
#   bench/label-errors-eval.sh [--out DIR] [--threads N] [--epochs N] [--noise F] [--seed S]
#                                                   (about 15 minutes on 2 cores)
#
# For each noise kind (uniform: any other class; pairs: each shape to its look-alike) it trains on
# the 10,000 built-in shapes with a fraction F (default 0.1) of the labels flipped (the truth is in
# RUN/label_noise.csv), runs the label-error search, and retrains with --exclude label_errors.csv;
# a run on clean labels is the reference. The paper's filter (--filter-by noise-rate) is scored on
# the same folds beside the default. Prints one table.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$(mktemp -d)/label-errors-eval" threads=2 epochs=10 noise=0.1 seed=1
while (( $# )); do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --epochs) epochs="$2"; shift 2 ;;
    --noise) noise="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    *) echo "label-errors-eval.sh: unknown option $1 (expected --out DIR, --threads N, --epochs N, --noise F," \
         "--seed S)" >&2
       exit 2 ;;
  esac
done
mkdir -p "$out"
common=(--epochs "$epochs" --threads "$threads" --seed "$seed" --no-report --overwrite)   # the script owns its --out
"$ROOT/cnn" --version >/dev/null   # builds once, up front

CNN_NO_BUILD=1 "$ROOT/cnn" train "${common[@]}" --out "$out/clean" >"$out/clean.train.log" 2>&1
for kind in uniform pairs; do
  run="$out/noisy-$kind"
  CNN_NO_BUILD=1 "$ROOT/cnn" train "${common[@]}" --label-noise "$noise" --label-noise-kind "$kind" --out "$run" \
    >"$run.train.log" 2>&1
  CNN_NO_BUILD=1 "$ROOT/cnn" diagnose "$run" --label-errors --filter-by noise-rate --threads "$threads" \
    >"$run.diagnose-noise-rate.log" 2>&1
  cp "$run/label_errors.csv" "$run/label_errors.noise-rate.csv"
  CNN_NO_BUILD=1 "$ROOT/cnn" diagnose "$run" --label-errors --threads "$threads" >"$run.diagnose.log" 2>&1
  CNN_NO_BUILD=1 "$ROOT/cnn" train "${common[@]}" --label-noise "$noise" --label-noise-kind "$kind" \
    --exclude "$run/label_errors.csv" --out "$out/cleaned-$kind" >"$out/cleaned-$kind.train.log" 2>&1
done

/usr/bin/python3 - "$out" "$noise" <<'PY'
import csv, glob, json, sys
out, noise = sys.argv[1], sys.argv[2]

def accuracy(run):
    return json.load(open(f"{run}/metrics.json"))["test_accuracy"]

def scores(run):
    """precision and recall of a flagged set of dataset indices against the planted flips."""
    truth = {int(r["index"]) for r in csv.DictReader(open(f"{run}/label_noise.csv"))}
    def pr(flagged):
        tp = len(set(flagged) & truth)
        return tp / max(1, len(flagged)), tp / max(1, len(truth))
    return truth, pr

print(f"| noise ({noise}) | planted | flagged | CL precision | CL recall | baseline precision | baseline recall"
      f" | paper's filter: flagged, precision, recall (baseline precision)"
      f" | test acc: noisy | noisy minus flagged | clean labels |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
clean = accuracy(f"{out}/clean")
for kind in ("uniform", "pairs"):
    run = f"{out}/noisy-{kind}"
    truth, pr = scores(run)
    def flagged_in(name):
        return [int(r["index"]) for r in csv.DictReader(open(f"{run}/{name}"))]
    flagged = flagged_in("label_errors.csv")
    paper = flagged_in("label_errors.noise-rate.csv")
    # The baseline: the same number of images with the lowest out-of-sample probability of their given label.
    self_conf = []
    for f in glob.glob(f"{run}/label-errors/fold-*.json"):
        d = json.load(open(f))
        for idx, label, p in zip(d["dataset_indices"], d["labels"], d["probabilities"]):
            self_conf.append((p[label], idx))
    self_conf.sort()
    def baseline(count):
        return [idx for _, idx in self_conf[:count]]
    cp, cr = pr(flagged)
    bp, br = pr(baseline(len(flagged)))
    pp, prc = pr(paper)
    ppb, _ = pr(baseline(len(paper)))
    print(f"| {kind} | {len(truth)} | {len(flagged)} | {cp:.3f} | {cr:.3f} | {bp:.3f} | {br:.3f}"
          f" | {len(paper)}, {pp:.3f}, {prc:.3f} ({ppb:.3f})"
          f" | {accuracy(run):.4f} | {accuracy(f'{out}/cleaned-{kind}'):.4f} | {clean:.4f} |")
PY
echo
echo "runs, logs and reports in $out"
