#!/bin/sh
# Microbenchmarks of runtime/core: PAL cost (uncontended, two threads on
# one variable), release check at 8 and 64 cores, bytes logged per PAL.
# Usage: bench/core.sh BUILD_DIR   (prints metric,value,unit rows)
set -eu
build=${1:-build}
bin=$build/bench/core/ftmb_bench_core
if [ ! -x "$bin" ]; then
  cmake --build "$build" --target ftmb_bench_core >&2
fi
"$bin"
