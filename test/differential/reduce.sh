#!/usr/bin/env bash
# Reduce a failing differential program to a small reproducer with creduce
# (Debian package `creduce`; not needed by the tests themselves).
#
#   reduce.sh <build dir> <kind> <prog.c> <out.c> [pattern]
#
# kind:
#   reject   ftmbcc exits non-zero on the program (pattern: grep -E on its stderr)
#   crash    ftmbcc dies of a signal or exits > 1
#   build    the rewritten program does not compile (pattern: on gcc's stderr)
#   differ   the rewritten program prints something else than the original
#            or traps (built with -fsanitize=alignment, as in the test)
#            (the original must stay free of undefined behaviour: it is built
#            with -fsanitize=undefined,address and must run clean, and gcc
#            -O0/-O2 and clang-19 must agree on its output)
#
# prog.c is a failing program as kept by run_differential.py --keep-failures
# (seed-N/prog.c). Its `#include "csmith.h"` stays (libcsmith-dev), like
# `#include "ftmb.h"`: reproducers are built with -I/usr/include/csmith.
#
# Theory of operation: creduce repeatedly shrinks the file and keeps each
# smaller version for which the "interestingness" script below exits 0, i.e.
# the original is still valid C that builds (and, for `differ`, runs
# without undefined behaviour) while ftmbcc still fails in the same way.
set -euo pipefail
if [ $# -lt 4 ]; then
  sed -n '2,20p' "$0" >&2
  exit 2
fi
build=$(cd "$1" && pwd); kind=$2; prog=$(realpath "$3"); out=$4; pattern=${5:-}
top=$(cd "$(dirname "$0")/../.." && pwd)
ftmbcc=$build/ftmbcc/ftmbcc
core=$build/runtime/core/libftmb_core.a
command -v creduce >/dev/null || { echo "reduce.sh: creduce not installed (apt-get install creduce)" >&2; exit 1; }
[ -x "$ftmbcc" ] || { echo "reduce.sh: no $ftmbcc" >&2; exit 1; }
case $kind in reject|crash|build|differ) ;; *) echo "reduce.sh: unknown kind $kind" >&2; exit 2;; esac

work=$(mktemp -d /tmp/ftmb-reduce.XXXXXX)
trap 'rm -rf "$work"' EXIT
cp "$prog" "$work/r.c"

cat >"$work/test.sh" <<EOF
#!/usr/bin/env bash
# creduce interestingness test: exit 0 iff r.c still shows the failure.
F=$ftmbcc; CORE=$core; KIND=$kind; PAT='$pattern'
FL="-std=gnu11 -I$top/include -I/usr/include/csmith -O0"
STRICT="-Werror=implicit-int -Werror=implicit-function-declaration -Werror=return-type -Werror=int-conversion -Werror=incompatible-pointer-types -Werror=uninitialized"
gcc \$FL \$STRICT -Wall -c r.c -o /dev/null >/dev/null 2>&1 || exit 1
if [ \$KIND = differ ]; then
  gcc \$FL -fsanitize=undefined,address -fno-sanitize-recover=all r.c -o san >/dev/null 2>&1 || exit 1
  timeout 5 ./san >san.out 2>san.err || exit 1
  [ -s san.err ] && exit 1
  gcc -std=gnu11 -I$top/include -I/usr/include/csmith -O2 r.c -o o2 >/dev/null 2>&1 || exit 1
  clang-19 -std=gnu11 -I$top/include -I/usr/include/csmith -O0 -w r.c -o cl >/dev/null 2>&1 || exit 1
  timeout 5 ./o2 >o2.out 2>/dev/null || exit 1
  timeout 5 ./cl >cl.out 2>/dev/null || exit 1
  cmp -s san.out o2.out && cmp -s san.out cl.out || exit 1
fi
timeout 20 \$F r.c -o out.c -- \$FL >/dev/null 2>err.txt; rc=\$?
case \$KIND in
  reject) [ \$rc = 1 ] && { [ -z "\$PAT" ] || grep -qE "\$PAT" err.txt; } ;;
  crash)  [ \$rc -gt 1 ] ;;
  build)  [ \$rc = 0 ] || exit 1
          ! gcc \$FL -w -c out.c -o /dev/null 2>err2.txt && { [ -z "\$PAT" ] || grep -qE "\$PAT" err2.txt; } ;;
  differ) [ \$rc = 0 ] || exit 1
          gcc \$FL -w -fsanitize=alignment -fsanitize-undefined-trap-on-error out.c -o rw \$CORE -lpthread >/dev/null 2>&1 || exit 1
          timeout 10 ./rw >rw.out 2>/dev/null; ! cmp -s san.out rw.out ;;
esac
EOF
chmod +x "$work/test.sh"
(cd "$work" && ./test.sh) || { echo "reduce.sh: the input does not show the failure" >&2; exit 1; }
(cd "$work" && TMPDIR=$work creduce --n 2 ./test.sh r.c >creduce.log 2>&1) || {
  echo "reduce.sh: creduce failed, see log:" >&2; tail -20 "$work/creduce.log" >&2; exit 1; }
cp "$work/r.c" "$out"
echo "reduce.sh: $(wc -l <"$out") lines -> $out" >&2
