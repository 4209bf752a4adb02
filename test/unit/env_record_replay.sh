#!/bin/sh
# Record then replay a single-threaded program through FTMB_MODE/FTMB_LOG;
# the lines must agree (mode aside); a bad FTMB_MODE must be refused.
set -u
prog=$1
dir=$(mktemp -d "${TMPDIR:-/tmp}/ftmb-env.XXXXXX")
trap 'rm -rf "$dir"' EXIT
fail=0
FTMB_MODE=record FTMB_LOG=$dir/log FTMB_SEED=5 FTMB_TIME_NS=1700000000000000000 "$prog" >"$dir/rec" || fail=1
FTMB_MODE=replay FTMB_LOG=$dir/log FTMB_TIME_NS=1700000000000000000 "$prog" >"$dir/rep" || fail=1
"$prog" >"$dir/off" || fail=1
cat "$dir/rec" "$dir/rep" "$dir/off" >&2
grep -q '^mode=1 core=0 .*time=1700000000 pals=300$' "$dir/rec" || { echo "record line wrong" >&2; fail=1; }
grep -q '^mode=0 core=-1 ' "$dir/off" || { echo "off line wrong" >&2; fail=1; }
[ "$(cut -d' ' -f2- "$dir/rec")" = "$(sed 's/^mode=[0-9]*/mode=1/' "$dir/rep" | cut -d' ' -f2-)" ] || { echo "replay differs" >&2; fail=1; }
if FTMB_MODE=bogus "$prog" >/dev/null 2>"$dir/err"; then
  echo "bad FTMB_MODE accepted" >&2; fail=1
fi
grep -q 'expected off, record or replay' "$dir/err" || { echo "no message for bad FTMB_MODE" >&2; fail=1; }
if FTMB_MODE=replay FTMB_LOG=$dir/missing "$prog" >/dev/null 2>"$dir/err2"; then
  echo "missing log accepted" >&2; fail=1
fi
exit $fail
