#!/usr/bin/env bash
# run_failover.sh EXAMPLE CORES kill|identical DRIVER NODE WORKDIR [MB ARGS...]
#
# One failover test of an example hosted by the recovery node:
#   kill       CORES cores, SIGKILL of the master at random moments (driver
#              --mode mix), one run per seed; the firewall also gets a
#              failure-free run per seed (its expected verdicts);
#   identical  1 core, failure + failure-free run per seed (driver
#              --reference: same state digest), and the same outputs.
# Seeds 1..$FTMB_RECOVERY_SEEDS (default 10). Traces from gen_trace.py, each
# run checked by check_failover.py. WORKDIR/<test> is removed on success
# and kept on failure (traces, outputs, the driver's log with the nodes' stderr).
set -euo pipefail
ex=$1 cores=$2 kind=$3 driver=$4 node=$5 workdir=$6
shift 6
mbargs="$*"
here=$(cd "$(dirname "$0")" && pwd)
seeds=${FTMB_RECOVERY_SEEDS:-10}
dir="$workdir/failover-$ex-$kind"
rm -rf "$dir"
mkdir -p "$dir/traces" "$dir/out"

for s in $(seq 1 "$seeds"); do
	python3 "$here/gen_trace.py" "$ex" "$s" "$dir/traces/trace-$s.txt"
done
common=(--node "$node" --seeds "1-$seeds" --cores "$cores" --mode mix
	--trace-dir "$dir/traces" --outputs-dir "$dir/out" --mb-args "$mbargs" -v)
status=0
if [ "$kind" = identical ]; then
	"$driver" "${common[@]}" --kills 1 --reference 2>>"$dir/driver.log" || status=1
else
	"$driver" "${common[@]}" --kills 1 2>>"$dir/driver.log" || status=1
	if [ "$ex" = firewall ]; then
		"$driver" "${common[@]}" --kills 0 2>>"$dir/driver.log" || status=1
	fi
fi
burst=()
[ "$ex" = ratelimit ] && burst=(--burst 20)
checked=0
for s in $(seq 1 "$seeds"); do
	args=("$ex" "$dir/traces/trace-$s.txt" "$dir/out/out-$s.txt" "${burst[@]}")
	[ -f "$dir/out/out-$s.ref.txt" ] && args+=(--ref "$dir/out/out-$s.ref.txt")
	[ "$kind" = identical ] && args+=(--identical)
	if [ ! -f "$dir/out/out-$s.txt" ]; then
		echo "seed $s: no output file" >&2
		status=1
		continue
	fi
	python3 "$here/check_failover.py" "${args[@]}" || status=1
	checked=$((checked + 1))
done
grep -E "^(FAIL|recovery_driver:)" "$dir/driver.log" >&2 || true
echo "failover $ex ($kind, $cores core(s)): $checked of $seeds seed(s) checked, status $status" >&2
[ "$status" = 0 ] && rm -rf "$dir"
exit "$status"
