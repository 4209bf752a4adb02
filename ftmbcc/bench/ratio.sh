#!/bin/sh
# ftmbcc's CPU time on a 5,000-line file against clang-19 -fsyntax-only on
# the same file, measured in one run (median of N alternating runs of
# user+sys CPU time from getrusage). Prints the CSV row
# `ftmbcc_vs_syntax_only_ratio,<ratio>,x` on stdout, details on stderr.
# Usage: ratio.sh <ftmbcc> [runs]   (FTMB_INCLUDE_DIR: directory of ftmb.h)
set -eu
ftmbcc=$1
runs=${2:-9}
here=$(cd "$(dirname "$0")" && pwd)
inc=${FTMB_INCLUDE_DIR:-$here/../../include}
clang=${CLANG19:-clang-19}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 "$here/gen_5k.py" "$tmp/big.c"
python3 - "$ftmbcc" "$clang" "$inc" "$tmp" "$runs" <<'PY'
import os, resource, statistics, subprocess, sys
ftmbcc, clang, inc, tmp, runs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
src = os.path.join(tmp, "big.c")
def cpu(cmd):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
c, f = [], []
for _ in range(runs):
    c.append(cpu([clang, "-fsyntax-only", "-I" + inc, src]))
    f.append(cpu([ftmbcc, src, "-o", os.path.join(tmp, "out.c")]))
mc, mf = statistics.median(c), statistics.median(f)
lines = sum(1 for _ in open(src))
print(f"lines={lines} clang-19 -fsyntax-only={mc:.4f}s ftmbcc={mf:.4f}s (median CPU of {runs})", file=sys.stderr)
print(f"ftmbcc_vs_syntax_only_ratio,{mf / mc:.2f},x")
PY
