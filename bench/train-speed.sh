#!/usr/bin/env bash
# FashionNet training speed, this engine against PyTorch, in one run: bench/README.md explains it.
#
#   bench/train-speed.sh                       # 2 and 1 threads, 3 rounds, 200 timed steps each
#   bench/train-speed.sh --threads 2 --rounds 5 --steps 300
#   bench/train-speed.sh --epoch               # time whole epochs (938 steps) instead
#   JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 bench/train-speed.sh
#
# Options: --threads "2 1" (thread counts), --rounds N (runs of each engine per thread count, in
# alternating order; the table shows medians over the rounds), --steps N, --warmup N, --epoch,
# --no-pin (do not pin each run to the first T cores with taskset), --no-build, --out DIR (keep
# every run's JSON and /usr/bin/time output there). Extra JVM options: CNN_JAVA_OPTS.
# PyTorch: Debian's python3-torch through /usr/bin/python3 (PYTHON overrides), with
# OPENBLAS_NUM_THREADS=1, OMP_NUM_THREADS=T and torch.set_num_threads(T). --torch-malloc-tuned
# also sets MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=1073741824 for PyTorch, so
# that glibc keeps activation-sized blocks instead of mapping and unmapping them on every use
# (bench/README.md, "PyTorch and glibc malloc"): PyTorch's faster, steadier configuration.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

threads="2 1"
rounds=3
steps=200
warmup=40
epoch=""
pin=1
build=1
out=""
torch_env=()
while (( $# )); do
  case "$1" in
    --threads) threads="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --steps) steps="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --epoch) epoch="--epoch"; shift ;;
    --no-pin) pin=0; shift ;;
    --no-build) build=0; shift ;;
    --torch-malloc-tuned) torch_env=(MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=1073741824); shift ;;
    --out) out="$2"; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "train-speed.sh: unknown option '$1'; see --help" >&2; exit 2 ;;
  esac
done

die() { echo "train-speed.sh: $*" >&2; exit 1; }

JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
PYTHON="${PYTHON:-/usr/bin/python3}"
"$PYTHON" -c 'import torch' 2>/dev/null || die "$PYTHON cannot import torch; install Debian's python3-torch"
if [[ ! -x /usr/bin/time ]]; then
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null || die "could not install time"
  else
    die "/usr/bin/time is missing: apt-get install time"
  fi
fi
(( pin )) && ! command -v taskset >/dev/null && { echo "train-speed.sh: no taskset; runs are not pinned" >&2; pin=0; }

JAR="$ROOT/bench/target/benchmarks.jar"
if (( build )); then
  echo "building bench/target/benchmarks.jar ..." >&2
  mvn -q -o package -DskipTests -pl tensor,engine,layers,optim,bench >&2 || die "the build failed"
fi
[[ -f "$JAR" ]] || die "$JAR is missing; run without --no-build"

[[ -n "$out" ]] || out="$(mktemp -d)"
mkdir -p "$out"
cores=$(nproc)

# run ENGINE THREADS ROUND: one measurement; its JSON goes to $out/ENGINE-tTHREADS-rROUND.json,
# /usr/bin/time's report to the same name with .time.
# The same JVM options as ./cnn (jvm.options), then CNN_JAVA_OPTS.
mapfile -t jvm_options < <(grep -v -e '^#' -e '^[[:space:]]*$' "$ROOT/jvm.options")

run() {
  local engine=$1 t=$2 r=$3 base="$out/$1-t$2-r$3" prefix=()
  if (( pin )); then
    local last=$(( t < cores ? t - 1 : cores - 1 ))
    prefix=(taskset -c "0-$last")
  fi
  local args=(--threads "$t" --steps "$steps" --warmup "$warmup" $epoch --json)
  if [[ $engine == java ]]; then
    # shellcheck disable=SC2086
    "${prefix[@]}" /usr/bin/time -v -o "$base.time" "$JAVA" "${jvm_options[@]}" \
      ${CNN_JAVA_OPTS:-} -cp "$JAR" dev.cnn.bench.TrainSpeed "${args[@]}" > "$base.out" 2> "$base.err" \
      || die "the Java run failed: $base.err"
  else
    env OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS="$t" ${torch_env[@]+"${torch_env[@]}"} "${prefix[@]}" /usr/bin/time -v -o "$base.time" \
      "$PYTHON" "$ROOT/bench/torch_train_speed.py" "${args[@]}" > "$base.out" 2> "$base.err" \
      || die "the PyTorch run failed: $base.err"
  fi
  tail -n 1 "$base.out" > "$base.json"
  local ms
  ms=$(sed -n 's/.*"ms_per_step_median": \([0-9.]*\).*/\1/p' "$base.json")
  printf '  %-5s %d thread(s), round %d: %.1f ms/step (median)\n' "$engine" "$t" "$r" "$ms" >&2
}

echo "FashionNet training speed: $("$JAVA" -version 2>&1 | head -1) vs PyTorch $("$PYTHON" -c 'import torch; print(torch.__version__)')" >&2
(( ${#torch_env[@]} )) && echo "PyTorch with ${torch_env[*]}" >&2
echo "threads: $threads; rounds: $rounds; ${epoch:+whole epochs; }steps: $steps after $warmup warm-up; pinned: $([[ $pin == 1 ]] && echo yes || echo no); raw results: $out" >&2
for t in $threads; do
  for (( r = 1; r <= rounds; r++ )); do
    # Alternate which engine goes first, so that a drift in the machine's speed hits both alike.
    if (( r % 2 )); then run java "$t" "$r"; run torch "$t" "$r"; else run torch "$t" "$r"; run java "$t" "$r"; fi
  done
done

"$PYTHON" - "$out" "$threads" "$rounds" <<'EOF'
import json, re, statistics, sys
out, threads, rounds = sys.argv[1], sys.argv[2].split(), int(sys.argv[3])

def load(engine, t):
    runs = []
    for r in range(1, rounds + 1):
        base = "%s/%s-t%s-r%d" % (out, engine, t, r)
        j = json.load(open(base + ".json"))
        m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", open(base + ".time").read())
        j["rss_mb"] = int(m.group(1)) / 1024 if m else float("nan")
        runs.append(j)
    return runs

def med(runs, key):
    vals = [r[key] for r in runs if r.get(key) is not None]
    return statistics.median(vals) if vals else None

rows = []
for t in threads:
    java, torch = load("java", t), load("torch", t)
    jm, tm = med(java, "ms_per_step_median"), med(torch, "ms_per_step_median")
    je, te = med(java, "epoch_s_estimate"), med(torch, "epoch_s_estimate")
    ji, ti = med(java, "infer_images_per_s"), med(torch, "infer_images_per_s")
    rows.append((t, jm, tm, jm / tm, je, te, je / te, ji, ti, ji / ti,
                 med(java, "rss_mb"), med(torch, "rss_mb"), med(java, "alloc_mb_per_step"),
                 med(java, "gc_ms_per_step"),
                 " ".join("%.1f" % r["ms_per_step_median"] for r in java),
                 " ".join("%.1f" % r["ms_per_step_median"] for r in torch)))

print()
print("FashionNet, batch 64, Adam: Java %s (%s) vs PyTorch %s; medians of %d rounds" % (
    java[0]["version"], java[0]["kernels"], torch[0]["version"], rounds))
head = ("threads", "java ms/step", "torch ms/step", "ratio", "java epoch s", "torch epoch s", "ratio",
        "java infer img/s", "torch infer img/s", "ratio", "java RSS MB", "torch RSS MB")
fmt = ["%s", "%.1f", "%.1f", "%.2f", "%.1f", "%.1f", "%.2f", "%.0f", "%.0f", "%.2f", "%.0f", "%.0f"]
cells = [[f % v for f, v in zip(fmt, row[:12])] for row in rows]
widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(head)]
print("| " + " | ".join(h.rjust(w) for h, w in zip(head, widths)) + " |")
print("|" + "|".join("-" * (w + 1) + ":" for w in widths) + "|")
for c in cells:
    print("| " + " | ".join(v.rjust(w) for v, w in zip(c, widths)) + " |")
print()
print("ratio = java / torch for times (below 1: Java faster), java / torch for images/s (above 1: Java faster)")
print("epoch s = 60,000 images at the images/s of the timed steps (measured when --epoch)")
for row in rows:
    print("%s thread(s): java allocates %.1f MB/step, GC %.2f ms/step; per-round ms/step: java [%s], torch [%s]"
          % (row[0], row[12], row[13], row[14], row[15]))
EOF
