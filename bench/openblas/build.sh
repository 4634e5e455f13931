#!/usr/bin/env bash
# Builds the OpenBLAS SGEMM timing harness bench/openblas/build/sgemm_bench from sgemm_bench.c.
#
#   bash bench/openblas/build.sh          # build if missing or older than its source
#   bash bench/openblas/build.sh --force  # rebuild
#
# Needs gcc and Debian's libopenblas-dev; when either is missing and we are root with apt-get,
# installs them (apt-get update first). Everything this script prints goes to standard error,
# so that callers such as `./cnn bench gemm --json` keep standard output clean.
# Exit status: 0 when the binary is there and up to date, 1 when it cannot be built.
set -euo pipefail
exec 1>&2

DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SRC="$DIR/sgemm_bench.c"
OUT="$DIR/build/sgemm_bench"
SELF="$DIR/build.sh"

if [[ "${1:-}" != "--force" && -x "$OUT" && ! "$SRC" -nt "$OUT" && ! "$SELF" -nt "$OUT" ]]; then
  exit 0
fi

# Compiler flags for cblas.h: pkg-config first, then the usual Debian/Ubuntu/Fedora places.
openblas_cflags() {
  if command -v pkg-config >/dev/null 2>&1 && pkg-config --exists openblas 2>/dev/null; then
    pkg-config --cflags openblas
    return 0
  fi
  local d
  for d in /usr/include/*/openblas-pthread /usr/include/*/openblas-openmp \
           /usr/include/*/openblas-serial /usr/include/openblas /usr/include/*/openblas; do
    if [[ -f "$d/cblas.h" ]]; then
      echo "-I$d"
      return 0
    fi
  done
  if [[ -f /usr/include/cblas.h || -f /usr/include/x86_64-linux-gnu/cblas.h ]]; then
    echo ""
    return 0
  fi
  return 1
}

openblas_libs() {
  if command -v pkg-config >/dev/null 2>&1 && pkg-config --exists openblas 2>/dev/null; then
    pkg-config --libs openblas
  else
    echo "-lopenblas"
  fi
}

try_build() {
  command -v gcc >/dev/null 2>&1 || { echo "build.sh: gcc not found"; return 1; }
  local cflags libs tmp
  cflags="$(openblas_cflags)" || { echo "build.sh: cblas.h (OpenBLAS) not found"; return 1; }
  libs="$(openblas_libs)"
  mkdir -p "$DIR/build"
  tmp="$(mktemp "$DIR/build/sgemm_bench.XXXXXX")"
  # shellcheck disable=SC2086  # the flags are lists of words
  if gcc -O2 -std=c11 -D_POSIX_C_SOURCE=199309L -o "$tmp" "$SRC" $cflags $libs; then
    chmod 755 "$tmp"
    mv -f "$tmp" "$OUT"   # atomic: a concurrent caller sees the old binary or the new one
    return 0
  fi
  rm -f "$tmp"
  return 1
}

if try_build; then
  echo "build.sh: built $OUT"
  exit 0
fi

if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
  echo "build.sh: installing gcc and libopenblas-dev with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  if apt-get update -qq && apt-get install -y -qq gcc libopenblas-dev pkg-config >/dev/null; then
    if try_build; then
      echo "build.sh: built $OUT"
      exit 0
    fi
  fi
fi

echo "build.sh: could not build the OpenBLAS harness. Install a C compiler and OpenBLAS"
echo "  (Debian/Ubuntu: apt-get install gcc libopenblas-dev) and run bash $SELF again."
exit 1
