#!/usr/bin/env bash
# Builds bench/tools/hsdis-capstone.c and installs it as hsdis-amd64.so into each JDK given (or
# every JDK under /usr/lib/jvm), so that C2's output can be read:
#
#   bench/tools/hsdis.sh
#   java --add-modules jdk.incubator.vector -XX:+UnlockDiagnosticVMOptions \
#     '-XX:CompileCommand=print,dev.cnn.tensor.VectorGemm$Body::microKernel' ... > asm.txt
#   bench/tools/loop-instructions.py asm.txt
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
if [[ ! -f /usr/include/capstone/capstone.h ]]; then
  apt-get update -qq && apt-get install -y -qq libcapstone-dev >/dev/null
fi
mkdir -p build
gcc -O2 -shared -fPIC -o build/hsdis-amd64.so hsdis-capstone.c -lcapstone
jdks=("$@")
if (( ${#jdks[@]} == 0 )); then
  for d in /usr/lib/jvm/*/; do [[ -x "$d/bin/java" && ! -L "${d%/}" ]] && jdks+=("${d%/}"); done
fi
for jdk in "${jdks[@]}"; do
  rm -f "$jdk/lib/hsdis-amd64.so"
  cp build/hsdis-amd64.so "$jdk/lib/hsdis-amd64.so"
  echo "installed $jdk/lib/hsdis-amd64.so"
done
