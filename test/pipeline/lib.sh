# lib.sh: shared by the pipeline tests. Source it with BIN (the directory
# of the middlebox programs) and MB (the middlebox name) set.
#   EAL_BASE   EAL options every process gets (no hugepages, no PCI)
#   T          this test's temporary directory (removed at exit)
#   run_bg / kill_all   background processes, killed at exit by their pid
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
EAL_BASE="--no-huge -m 128 --no-pci --log-level=ftmb:info"
T=$(mktemp -d /tmp/ftmb-pipeline.XXXXXX)
PIDS=()
cleanup() {
	for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf /var/run/dpdk/ftmbt-$$-* 2>/dev/null
	if [ -n "${FTMB_KEEP:-}" ]; then echo "kept $T" >&2; else rm -rf "$T"; fi
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
prefix() { echo "ftmbt-$$-$1"; }
# counter LOG NAME: value of counter NAME printed at exit ("ftmb-stats: NAME=V")
counter() { sed -n "s/^ftmb-stats: $2=//p" "$1" | tail -1; }
need_stat() { # need_stat LOG NAME OP VALUE  (OP: -eq -gt -ge ...)
	local v; v=$(counter "$1" "$2")
	[ -n "$v" ] || fail "$1: no counter $2"
	[ "$v" "$3" "$4" ] || fail "$(basename "$1"): $2=$v, expected $3 $4"
}
run_bg() { "$@" & PIDS+=($!); }
# wait_log FILE PATTERN: until a role has logged PATTERN (60 s at most);
# e.g. start the IL only once the master is up and protected, so its memif
# server is listening (a loaded machine can take seconds to start a role)
wait_log() {
	for _ in $(seq 1200); do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	fail "$(basename "$1"): no '$2' after 60 s"
}
PCAPGEN=${PCAPGEN:-$BIN/ftmb_pcapgen}
# reference: the unprotected middlebox on a capture -> ref_out.pcap / ref_in.pcap
# usage: reference IN.pcap OUTDIR [EXTRA EAL...]
reference() {
	"$BIN/$MB-unprotected" $EAL_BASE --file-prefix "$(prefix ref)" "${LCORES[@]}" \
		--vdev=net_pcap0,rx_pcap="$1" --vdev=net_pcap1,tx_pcap="$2/ref_out.pcap" \
		--vdev=net_pcap2,tx_pcap="$2/ref_in.pcap" -- \
		--in-inside 0 --out-outside 1 --out-inside 2 --stop-after-idle-ms 500 \
		--run-ms 60000 --idle-sleep-max-us 100 "${MBA[@]}" >"$2/ref.log" 2>&1 ||
		fail "unprotected run failed: $(tail -3 "$2/ref.log")"
}
compare() { # compare DIR NAME: NAME_out/in.pcap against the reference
	[ "$(counter "$1/ref.log" pkts_out)" -gt 0 ] ||
		fail "the unprotected run produced no output: nothing to compare"
	python3 "$HERE/pcapcmp.py" "$1/ref_out.pcap" "$1/$2_out.pcap" --allow-empty ||
		fail "$2: outputs to the outside differ from the unprotected run"
	python3 "$HERE/pcapcmp.py" "$1/ref_in.pcap" "$1/$2_in.pcap" --allow-empty ||
		fail "$2: outputs to the inside differ from the unprotected run"
}
MB_ARGS=${MB_ARGS:-}
MBA=()
[ -n "$MB_ARGS" ] && MBA=(--mb-args "$MB_ARGS")
LCORES=(${LCORES:---lcores=0,1})
N=${FTMB_PIPELINE_PACKETS:-3000}
