#!/usr/bin/env bash
# Single-process protected mode (IL -> master -> OL over net_ring) gives,
# packet for packet within each flow, what the unprotected middlebox gives
# for the same capture. usage: t_single.sh BIN MB [EXPECT_PALS_PER_PKT]
BIN=$1 MB=$2 PALS_PER_PKT=${3:-}
source "$(dirname "$0")/lib.sh"

"$PCAPGEN" traffic "$T/in.pcap" -n "$N" -f 32 -s 7 >/dev/null || fail pcapgen
reference "$T/in.pcap" "$T"
"$BIN/$MB-protected" $EAL_BASE --file-prefix "$(prefix single)" "${LCORES[@]}" \
	--vdev=net_pcap0,rx_pcap="$T/in.pcap" --vdev=net_pcap1,tx_pcap="$T/single_out.pcap" \
	--vdev=net_pcap2,tx_pcap="$T/single_in.pcap" -- --role single \
	--in-inside 0 --out-outside 1 --out-inside 2 --wait-protected \
	--stop-after-idle-ms 500 --run-ms 60000 --idle-sleep-max-us 100 "${MBA[@]}" \
	>"$T/single.log" 2>&1 || fail "protected run failed: $(tail -3 "$T/single.log")"
compare "$T" single
need_stat "$T/single.log" pkts_in -eq "$N"
need_stat "$T/single.log" malformed -eq 0
need_stat "$T/single.log" tx_drop -eq 0
need_stat "$T/single.log" released -eq "$(counter "$T/ref.log" pkts_out)"
if [ -n "$PALS_PER_PKT" ]; then
	need_stat "$T/single.log" pals -eq $((N * PALS_PER_PKT))
fi
echo "PASS: $MB single-process output equals unprotected ($(counter "$T/single.log" released) packets, $(counter "$T/single.log" pals) PALs)"
