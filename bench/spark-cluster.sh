#!/usr/bin/env bash
# A real Spark standalone cluster on loopback: one master and two workers (one core each), then
#   1. a small 'cnn tune --spark' (random search): every trial recorded once;
#   2. 'cnn train --spark' data-parallel: images/s with 1 and 2 workers, and the time spent
#      synchronising per round for K = 1 and K = 16;
#   3. with --fashion: Fashion-MNIST (a subset by default), 2 workers, K = 1 and K = 16, their test accuracy.
# Not part of the test suite (minutes of training). Spark comes from Maven (the spark module's
# 'provided' dependencies), so no Spark installation is needed; the driver runs the ordinary cnn.jar.
#
#   bench/spark-cluster.sh [--fashion] [--epochs N] [--limit TRAIN,TEST]   (defaults 2 and 12000,2000; --limit 0,0: all)
set -euo pipefail
cd "$(dirname "$0")/.."
fashion=0; epochs=2; limit=12000,2000
while (( $# )); do
  case "$1" in
    --fashion) fashion=1 ;;
    --epochs) epochs="$2"; shift ;;
    --limit) limit="$2"; shift ;;
    *) echo "usage: bench/spark-cluster.sh [--fashion] [--epochs N] [--limit TRAIN,TEST]" >&2; exit 2 ;;
  esac
  shift
done

mvn -q -o -DskipTests package >/dev/null
mvn -q -o dependency:build-classpath -pl spark -Dmdep.includeScope=provided -Dmdep.outputFile="$PWD/spark/target/spark.classpath" >/dev/null
SPARK_CP="$(cat spark/target/spark.classpath)"
OPENS="$(grep -v -e '^#' -e '^[[:space:]]*$' spark/java-options | tr '\n' ' ')"
work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
[[ -n "${KEEP:-}" ]] && trap - EXIT

# A SPARK_HOME the workers launch executors from: jars/ holds Spark and its dependencies (links).
export SPARK_HOME="$work/spark-home"
mkdir -p "$SPARK_HOME/jars"
touch "$SPARK_HOME/RELEASE"       # the launcher takes jars/ from a home with a RELEASE file
export SPARK_SCALA_VERSION=2.13   # (and looks for build directories without this)
tr ':' '\n' <<<"$SPARK_CP" | while read -r j; do ln -s "$j" "$SPARK_HOME/jars/"; done

# shellcheck disable=SC2086
java $OPENS -cp "$SPARK_CP" org.apache.spark.deploy.master.Master --host 127.0.0.1 --port 7077 --webui-port 18080 \
  >"$work/master.log" 2>&1 & pids+=($!)
for i in 1 2; do
  # shellcheck disable=SC2086
  java $OPENS -cp "$SPARK_CP" org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --cores 1 --memory 3g \
    --webui-port $((18080 + i)) --work-dir "$work/worker$i" spark://127.0.0.1:7077 >"$work/worker$i.log" 2>&1 & pids+=($!)
done
for _ in $(seq 60); do
  (( $(grep -c "Registering worker" "$work/master.log" 2>/dev/null || true) >= 2 )) && break
  sleep 1
done
echo "master and 2 workers up on spark://127.0.0.1:7077 (logs in $work)"

MASTER=spark://127.0.0.1:7077
# The driver: cnn.jar with Spark's jars; executors get the same module options, the Vector API, one engine thread.
cnn() {
  # shellcheck disable=SC2086
  java $OPENS --add-modules=jdk.incubator.vector -Xss4m \
    -Dspark.executor.extraJavaOptions="$OPENS --add-modules=jdk.incubator.vector -Xss4m" \
    -Dspark.executorEnv.CNN_THREADS=1 -Dspark.driver.host=127.0.0.1 -Dspark.ui.enabled=false \
    -cp "cli/target/cnn.jar:$SPARK_CP" dev.cnn.cli.Cnn "$@"
}

echo; echo "== 1. cnn tune --spark: 4 random trials, 2 at a time"
cnn tune --spark "$MASTER" --parallel 2 --strategy random --trials 4 --search lr=log:1e-3..1e-2 \
  --limit 800,200 --epochs 1 --out "$work/study" | tail -6
lines=$(wc -l < "$work/study/study.jsonl")
echo "study.jsonl: $lines lines (the definition and 4 trials)"
[[ "$lines" == 5 ]] || { echo "expected 5 lines"; exit 1; }

echo; echo "== 2. cnn train --spark on shapes (4,096 images, batch 32 per worker)"
for cfg in "1 1" "2 1" "2 16"; do
  set -- $cfg
  echo "-- workers $1, sync every $2"
  cnn train --spark "$MASTER" --workers "$1" --sync-every "$2" --dataset shapes --limit 4096,500 --epochs 1 \
    --batch-size 32 --optimizer adam --lr 2e-3 --out "$work/shapes-$1-$2" | grep -E "images/s|training"
  awk -F, 'NR > 1 { n++; s += $5 } END { printf "   synchronisation: %.3f s per round (mean of %d rounds)\n", s / n, n }' \
    "$work/shapes-$1-$2/rounds.csv"
done

if (( fashion )); then
  echo; echo "== 3. Fashion-MNIST (--limit $limit), 2 workers x batch 32, $epochs epoch(s)"
  for k in 1 16; do
    echo "-- sync every $k"
    cnn train --spark "$MASTER" --workers 2 --sync-every "$k" --dataset fashion-mnist --limit "$limit" --epochs "$epochs" \
      --batch-size 32 --optimizer adam --lr 1e-3 --out "$work/fashion-$k" | grep -E "images/s|training"
  done
fi
echo; echo "done"
