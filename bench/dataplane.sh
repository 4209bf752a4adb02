#!/usr/bin/env bash
# bench/dataplane.sh BUILD_DIR: the protected dataplane against the
# unprotected host, single process, 2 lcores, same built-in generator and
# sink (--gen-pkts, docs/runtime.md), in one run. Unprotected: lcore 0 runs
# the generator and RX/TX, lcore 1 the middlebox. Protected (--role single):
# lcore 0 runs the generator, the input and the output logger, lcore 1 the
# master, its I/O included (one core: "worker I/O", docs/runtime.md).
# For each middlebox E (the examples that are built, and the pipeline tests'
# forwarder `testfwd`), CSV rows on stdout:
#   throughput_ratio_E          protected / unprotected packets per second
#                               (closed loop, BENCH_WINDOW=64 packets in flight; median
#                               of ROUNDS alternating runs of each)
#   latency_added_median_us_E   median latency protected - unprotected
#   latency_added_p99_us_E      99th percentile, protected - unprotected
#                               (closed loop, one packet in flight: the
#                               latency of the path, not of queueing;
#                               medians over BENCH_LAT_ROUNDS alternating runs)
#   pals_per_packet_E           PALs the master made per input packet
# Environment: BENCH_PKTS (1000000), BENCH_LAT_PKTS (20000), BENCH_ROUNDS (5),
# BENCH_LAT_ROUNDS (3), BENCH_WINDOW (64), BENCH_ONLY ("testfwd nat": only
# these middleboxes). Busy-polling on a shared 2-CPU
# machine is noisy: the rounds alternate unprotected and protected and the
# medians are compared; stderr shows every round's figures, so the spread
# is visible next to the median.
set -uo pipefail
build=$(cd "${1:-build}" && pwd)
PKTS=${BENCH_PKTS:-1000000} # a run of 0.2-0.5 s: start-up effects stay small
LAT_PKTS=${BENCH_LAT_PKTS:-20000}
ROUNDS=${BENCH_ROUNDS:-5}
LAT_ROUNDS=${BENCH_LAT_ROUNDS:-3}
WINDOW=${BENCH_WINDOW:-64}
T=$(mktemp -d /tmp/ftmb-bench.XXXXXX)
trap 'rm -rf "$T" /var/run/dpdk/ftmbb-$$-* 2>/dev/null' EXIT
EAL="--no-huge -m 512 --no-pci --lcores=0,1"
n=0

# run PROG MODE WINDOW PKTS MBARGS -> key=value report in $T/r.txt
run() {
	local prog=$1 mode=$2 window=$3 pkts=$4 mbargs=$5 role=()
	[ "$mode" = p ] && role=(--role single)
	n=$((n + 1))
	local a=()
	[ -n "$mbargs" ] && a=(--mb-args "$mbargs")
	timeout 300 "$prog" $EAL --file-prefix "ftmbb-$$-$n" -- "${role[@]}" \
		--gen-pkts "$pkts" --gen-window "$window" --gen-flows 64 --gen-len 64 \
		--idle-sleep-max-us 0 --gen-report "$T/r.txt" "${a[@]}" >"$T/run.log" 2>&1 || {
		echo "bench: $(basename "$prog") failed: $(tail -2 "$T/run.log")" >&2
		return 1
	}
}
val() { sed -n "s/^$1=//p" "$T/r.txt"; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

bench_one() { # name protected-prog unprotected-prog mbargs
	local name=$1 pp=$2 up=$3 args=$4 pu=() pv=() i
	if [ -n "${BENCH_ONLY:-}" ] && [[ " $BENCH_ONLY " != *" $name "* ]]; then
		return 0
	fi
	[ -x "$pp" ] && [ -x "$up" ] || { echo "bench: $name not built, skipped" >&2; return 0; }
	for i in $(seq "$ROUNDS"); do
		run "$up" u "$WINDOW" "$PKTS" "$args" || return 1
		pu+=("$(val pps)")
		run "$pp" p "$WINDOW" "$PKTS" "$args" || return 1
		pv+=("$(val pps)")
		pals=$(val pals); pin=$(val pkts_in)
	done
	local mu mp
	mu=$(printf '%s\n' "${pu[@]}" | median)
	mp=$(printf '%s\n' "${pv[@]}" | median)
	echo "bench: $name rounds pps unprotected ${pu[*]}; protected ${pv[*]}" >&2
	local ulms=() ulps=() plms=() plps=()
	for i in $(seq "$LAT_ROUNDS"); do
		run "$up" u 1 "$LAT_PKTS" "$args" || return 1
		ulms+=("$(val lat_median_ns)"); ulps+=("$(val lat_p99_ns)")
		run "$pp" p 1 "$LAT_PKTS" "$args" || return 1
		plms+=("$(val lat_median_ns)"); plps+=("$(val lat_p99_ns)")
	done
	echo "bench: $name rounds latency median ns unprotected ${ulms[*]}; protected ${plms[*]}" >&2
	local ulm ulp plm plp
	ulm=$(printf '%s\n' "${ulms[@]}" | median); ulp=$(printf '%s\n' "${ulps[@]}" | median)
	plm=$(printf '%s\n' "${plms[@]}" | median); plp=$(printf '%s\n' "${plps[@]}" | median)
	echo "bench: $name unprotected ${mu} pps, protected ${mp} pps; latency median ${ulm}/${plm} ns, p99 ${ulp}/${plp} ns" >&2
	awk -v a="$mp" -v b="$mu" -v n="$name" 'BEGIN {printf "throughput_ratio_%s,%.3f,ratio\n", n, (b > 0 ? a / b : 0)}'
	awk -v a="$plm" -v b="$ulm" -v n="$name" 'BEGIN {printf "latency_added_median_us_%s,%.2f,us\n", n, (a - b) / 1000}'
	awk -v a="$plp" -v b="$ulp" -v n="$name" 'BEGIN {printf "latency_added_p99_us_%s,%.2f,us\n", n, (a - b) / 1000}'
	awk -v a="$pals" -v b="$pin" -v n="$name" 'BEGIN {printf "pals_per_packet_%s,%.3f,pals\n", n, (b > 0 ? a / b : 0)}'
}

status=0
bench_one testfwd "$build/test/pipeline/ftmb-testfwd-protected" \
	"$build/test/pipeline/ftmb-testfwd-unprotected" "" || status=1
for e in nat firewall lb monitor ratelimit ids; do
	args=""
	[ "$e" = ratelimit ] && args="--rate 0 --burst 100000000"
	[ "$e" = lb ] && args="--vip 192.168.0.1"   # the generator's destination
	bench_one "$e" "$build/examples/$e/$e-protected" "$build/examples/$e/$e-unprotected" "$args" ||
		status=1
done
exit $status
