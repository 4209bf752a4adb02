#!/bin/bash
# pipeline_example.sh: one example middlebox end to end on the DPDK hosts.
#
#   pipeline_example.sh NAME UNPROTECTED PROTECTED TRAFFICGEN CHECKER MIN_OUT \
#                       "MB ARGS" [TRAFFICGEN ARGS...]
#
# Generates outbound traffic with ftmb-trafficgen, runs it through
# NAME-unprotected and through NAME-protected (--role single: input
# logger, master and output logger in one process, every shared access
# logged and every output released by the output-commit check), each on
# net_pcap ports, and checks that both send the same frames in the same
# order (one worker core, so the order is deterministic), at least MIN_OUT
# of them, and that the protected run made PALs.
set -u
name=$1 unprot=$2 prot=$3 gen=$4 check=$5 min_out=$6 mb_args=$7
shift 7
work=$(mktemp -d "${TMPDIR:-/tmp}/ftmb-ex-$name.XXXXXX")
prefix="ftmbex-$name-$$"
# DPDK keeps a runtime directory per --file-prefix; remove ours.
dpdk_run=/var/run/dpdk
[ "$(id -u)" -eq 0 ] || dpdk_run="${XDG_RUNTIME_DIR:-/tmp}/dpdk"
trap 'rm -rf "$work" "$dpdk_run/$prefix-u" "$dpdk_run/$prefix-p"' EXIT

fail() { echo "pipeline $name: FAIL: $*" >&2; exit 1; }

"$gen" "$@" -O -o "$work/in.pcap" || fail "trafficgen"

run() { # binary prefix-suffix out.pcap log [role args...]
	local bin=$1 sfx=$2 out=$3 log=$4
	shift 4
	timeout 120 "$bin" --no-huge -m 512 --no-pci --file-prefix "$prefix-$sfx" \
		--lcores=0,1 \
		--vdev="net_pcap0,rx_pcap=$work/in.pcap" --vdev="net_pcap1,tx_pcap=$work/$out" \
		-- "$@" --in-inside 0 --out-outside 1 --out-inside 1 \
		--mb-args "$mb_args" --stop-after-idle-ms 400 >"$work/$log" 2>&1
}

run "$unprot" u unprot.pcap unprot.log || { tail -20 "$work/unprot.log" >&2; fail "unprotected run"; }
run "$prot" p prot.pcap prot.log --role single || { tail -20 "$work/prot.log" >&2; fail "protected run"; }

pals=$(sed -n 's/^ftmb-stats: pals=//p' "$work/prot.log" | tail -1)
[ -n "$pals" ] && [ "$pals" -gt 0 ] || fail "protected run made no PALs ('$pals')"
"$check" compare "$work/unprot.pcap" "$work/prot.pcap" "$min_out" ||
	fail "outputs differ between unprotected and protected"
echo "pipeline $name: ok ($pals PALs)"
