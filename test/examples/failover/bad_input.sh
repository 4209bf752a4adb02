#!/usr/bin/env bash
# bad_input.sh DRIVER WORKDIR: bad input to the failover tools gives a clear
# error and a non-zero exit, never a crash (exit >= 128) or a hang.
set -uo pipefail
driver=$1 work=$2/failover-bad-input
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work"
mkdir -p "$work"
fails=0

# expect WANT_RC PATTERN CMD...: CMD exits WANT_RC and says PATTERN on stderr.
expect() {
	local want=$1 pat=$2
	shift 2
	local err rc
	err=$(timeout 60 "$@" 2>&1 >/dev/null)
	rc=$?
	if [ "$rc" != "$want" ] || ! grep -q -- "$pat" <<<"$err"; then
		echo "FAIL: '$*' exited $rc (want $want), said: $err" >&2
		fails=$((fails + 1))
	fi
}

expect 2 usage python3 "$here/gen_trace.py" router 1 "$work/x.txt"
expect 2 usage python3 "$here/gen_trace.py"
# A missing trace file, a malformed line, a bad port, odd hex, too few packets.
expect 1 "cannot open trace" "$driver" --node /bin/true --trace-dir "$work/none" --seed 1
printf '0 0011\n' >"$work/trace-1.txt"
expect 1 "bad line 1" "$driver" --node /bin/true --trace-dir "$work" --seed 1
printf '7 %s\n' "$(printf '00%.0s' $(seq 60))" >"$work/trace-1.txt"
expect 1 "bad line 1" "$driver" --node /bin/true --trace-dir "$work" --seed 1
printf '0 %s0\n' "$(printf '00%.0s' $(seq 60))" >"$work/trace-1.txt"
expect 1 "bad line 1" "$driver" --node /bin/true --trace-dir "$work" --seed 1
printf '# only a comment\n0 %s\n' "$(printf '00%.0s' $(seq 60))" >"$work/trace-1.txt"
expect 1 "want at least 10" "$driver" --node /bin/true --trace-dir "$work" --seed 1
expect 2 usage "$driver" --trace-dir
# The checker: an incomplete run file, a missing one, an unknown example.
python3 "$here/gen_trace.py" lb 1 "$work/trace-1.txt"
printf 'out 1 0 1 00\n' >"$work/run.txt"
expect 1 "no dump line" python3 "$here/check_failover.py" lb "$work/trace-1.txt" "$work/run.txt"
expect 1 "No such file" python3 "$here/check_failover.py" lb "$work/trace-1.txt" "$work/none.txt"
expect 2 "invalid choice" python3 "$here/check_failover.py" nat "$work/trace-1.txt" "$work/run.txt"
# A run that lost a packet's output must fail the check (the checker can fail).
printf 'dump live=0\ndigest 0\n' >"$work/run.txt"
expect 1 "flow table unsound" python3 "$here/check_failover.py" lb "$work/trace-1.txt" "$work/run.txt"

[ "$fails" = 0 ] && rm -rf "$work"
echo "bad_input: $fails failure(s)" >&2
exit $((fails > 0))
