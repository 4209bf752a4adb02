#!/usr/bin/env bash
# IL, master and OL as three processes joined by net_memif give, packet
# for packet within each flow, what the unprotected middlebox gives; the
# IL injects ticks (timer events), which the master processes in order.
# usage: t_memif.sh BIN MB
BIN=$1 MB=$2
source "$(dirname "$0")/lib.sh"

"$PCAPGEN" traffic "$T/in.pcap" -n "$N" -f 32 -s 11 >/dev/null || fail pcapgen
reference "$T/in.pcap" "$T"
COMMON=(--stop-after-idle-ms 1000 --run-ms 60000 --idle-sleep-max-us 200)
run_bg "$BIN/$MB-protected" $EAL_BASE --file-prefix "$(prefix m)" "${LCORES[@]}" \
	--vdev=net_memif0,role=server,socket="$T/il.sock",id=0 \
	--vdev=net_memif1,role=server,socket="$T/ol.sock",id=1 -- \
	--role master --il-port 0 --ol-port 1 "${COMMON[@]}" "${MBA[@]}" >"$T/master.log" 2>&1
MASTER=$!
wait_log "$T/master.log" "master: ports started" # memif clients connect after it
run_bg "$BIN/$MB-protected" $EAL_BASE --file-prefix "$(prefix o)" --lcores=0@0 \
	--vdev=net_memif0,role=client,socket="$T/ol.sock",id=1 \
	--vdev=net_pcap1,tx_pcap="$T/memif_out.pcap" --vdev=net_pcap2,tx_pcap="$T/memif_in.pcap" -- \
	--role ol --master-port 0 --out-outside 1 --out-inside 2 "${COMMON[@]}" >"$T/ol.log" 2>&1
OL=$!
wait_log "$T/master.log" "master: protected"
run_bg "$BIN/$MB-protected" $EAL_BASE --file-prefix "$(prefix i)" --lcores=0@1 \
	--vdev=net_memif0,role=client,socket="$T/il.sock",id=0 \
	--vdev=net_pcap1,rx_pcap="$T/in.pcap" -- \
	--role il --master-port 0 --in-inside 1 --wait-protected --tick-us 2000 \
	"${COMMON[@]}" >"$T/il.log" 2>&1
IL=$!
for p in $IL $MASTER $OL; do wait $p || fail "a role exited with an error (pid $p)"; done
compare "$T" memif
need_stat "$T/il.log" il_logged -eq $((N + $(counter "$T/il.log" il_ticks)))
need_stat "$T/master.log" pkts_in -eq "$N"
need_stat "$T/ol.log" released -eq "$(counter "$T/ref.log" pkts_out)"
need_stat "$T/ol.log" malformed -eq 0
# ticks are injected into the input stream and processed like packets
need_stat "$T/il.log" il_ticks -gt 0
# (the IL may inject a few more after the master stopped: at most that many)
need_stat "$T/master.log" ticks_in -gt 0
need_stat "$T/master.log" ticks_in -le "$(counter "$T/il.log" il_ticks)"
echo "PASS: $MB over memif (3 processes) equals unprotected ($(counter "$T/ol.log" released) packets)"
