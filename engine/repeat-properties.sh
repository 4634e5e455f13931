#!/usr/bin/env bash
# Runs the engine's jqwik properties N times in a row (default 10), each run with fresh random
# seeds (jqwik draws a new seed per property per run; the failure database, which would replay an
# earlier failing seed first, is deleted before each run). Prints one line per run and the number
# of failed runs; exits non-zero if any failed. Usage: engine/repeat-properties.sh [N]
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
runs="${1:-10}"
failed=0
for ((i = 1; i <= runs; i++)); do
  rm -rf target/.jqwik-database target/surefire-reports
  mkdir -p target
  if mvn -q test -Dtest='*Properties' > "target/repeat-properties-$i.log" 2>&1; then result=ok; else result=FAILED; failed=$((failed + 1)); fi
  count=$(cat target/surefire-reports/*.txt 2>/dev/null | grep -h "Tests run" | awk '{s += $3} END {print s + 0}')
  echo "run $i: $result ($count properties; log: engine/target/repeat-properties-$i.log)"
done
echo "$failed of $runs runs failed"
(( failed == 0 ))
