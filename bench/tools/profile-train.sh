#!/usr/bin/env bash
# Profiles a FashionNet training run (dev.cnn.bench.TrainSpeed) with Java Flight Recorder and
# prints where the time and the allocations go (bench/tools/jfr-top.py).
#
#   bench/tools/profile-train.sh [--threads 2] [--steps 300] [--out /tmp/train.jfr]
#
# Needs bench/target/benchmarks.jar (bench/train-speed.sh or `mvn -o package -DskipTests -pl
# tensor,engine,layers,optim,bench` builds it). The profile settings sample every 10 ms
# (jdk.ExecutionSample) and sample allocations (jdk.ObjectAllocationSample). Java: JAVA_HOME or
# the java on PATH.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
threads=2
steps=300
out=/tmp/train.jfr
while (( $# )); do
  case "$1" in
    --threads) threads="$2"; shift 2 ;;
    --steps) steps="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    *) echo "profile-train.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
done
BIN="${JAVA_HOME:+$JAVA_HOME/bin/}"
"${BIN}java" --add-modules jdk.incubator.vector \
  "-XX:StartFlightRecording=filename=$out,settings=profile" \
  -cp "$ROOT/bench/target/benchmarks.jar" dev.cnn.bench.TrainSpeed --threads "$threads" --steps "$steps"
python3 "$ROOT/bench/tools/jfr-top.py" --jfr "${BIN}jfr" "$out"
