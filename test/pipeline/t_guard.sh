#!/usr/bin/env bash
# The wire is guarded: (1) frames of the FTMB ethertype from the outside
# network are dropped and counted by the IL and the rest passes unchanged;
# (2) truncated / malformed FTMB frames on the IL->master link are counted
# and dropped by the master, which keeps processing the valid ones (sent
# straight out: no OL in this test); (3) the same frames sent to an OL.
# usage: t_guard.sh BIN MB
BIN=$1 MB=$2
source "$(dirname "$0")/lib.sh"
SPOOF=50 BAD=35

"$PCAPGEN" traffic "$T/clean.pcap" -n "$N" -f 16 -s 5 >/dev/null || fail pcapgen
"$PCAPGEN" traffic "$T/spoof.pcap" -n "$N" -f 16 -s 5 --spoof $SPOOF >/dev/null || fail pcapgen
"$PCAPGEN" il-frames "$T/ilframes.pcap" -n "$N" -f 16 -s 5 --bad $BAD >/dev/null || fail pcapgen
reference "$T/clean.pcap" "$T"

# (1) spoofed frames at the IL (single process)
"$BIN/$MB-protected" $EAL_BASE --file-prefix "$(prefix spoof)" "${LCORES[@]}" \
	--vdev=net_pcap0,rx_pcap="$T/spoof.pcap" --vdev=net_pcap1,tx_pcap="$T/spoof_out.pcap" \
	--vdev=net_pcap2,tx_pcap="$T/spoof_in.pcap" -- --role single \
	--in-inside 0 --out-outside 1 --out-inside 2 --wait-protected \
	--stop-after-idle-ms 500 --run-ms 60000 "${MBA[@]}" >"$T/spoof.log" 2>&1 ||
	fail "spoof run failed: $(tail -3 "$T/spoof.log")"
need_stat "$T/spoof.log" spoofed -eq $SPOOF
need_stat "$T/spoof.log" il_logged -eq "$N"
compare "$T" spoof

# (2) malformed frames on the IL->master link, master alone
"$BIN/$MB-protected" $EAL_BASE --file-prefix "$(prefix bad)" "${LCORES[@]}" \
	--vdev=net_pcap0,rx_pcap="$T/ilframes.pcap" --vdev=net_pcap1,tx_pcap="$T/bad_out.pcap" \
	--vdev=net_pcap2,tx_pcap="$T/bad_in.pcap" -- --role master \
	--il-port 0 --out-outside 1 --out-inside 2 \
	--stop-after-idle-ms 500 --run-ms 60000 "${MBA[@]}" >"$T/bad.log" 2>&1 ||
	fail "master run failed: $(tail -3 "$T/bad.log")"
need_stat "$T/bad.log" malformed -eq $BAD
need_stat "$T/bad.log" pkts_in -eq "$N"
grep -q "malformed FTMB frame" "$T/bad.log" || fail "no log line for malformed frames"
compare "$T" bad

# (3) the same frames arriving at an OL: counted, nothing sent out
"$BIN/$MB-protected" $EAL_BASE --file-prefix "$(prefix olbad)" --lcores=0 \
	--vdev=net_pcap0,rx_pcap="$T/ilframes.pcap" --vdev=net_pcap1,tx_pcap="$T/olbad_out.pcap" -- \
	--role ol --master-port 0 --out-outside 1 --stop-after-idle-ms 500 --run-ms 60000 \
	>"$T/olbad.log" 2>&1 || fail "OL run failed: $(tail -3 "$T/olbad.log")"
need_stat "$T/olbad.log" malformed -eq $BAD
need_stat "$T/olbad.log" unexpected -eq "$N"
need_stat "$T/olbad.log" pkts_out -eq 0
# (4) the IL's memory bound: a 64 KiB log cannot hold the capture. With
# --log-full drop the IL refuses input once full (counted, logged); with
# evict it keeps forwarding and evicts the oldest records (counted).
for mode in drop evict; do
	"$BIN/$MB-protected" $EAL_BASE --file-prefix "$(prefix full$mode)" "${LCORES[@]}" \
		--vdev=net_pcap0,rx_pcap="$T/clean.pcap" --vdev=net_null1 -- --role single \
		--in-inside 0 --out-outside 1 --out-inside 1 --wait-protected \
		--log-bytes 65536 --log-full $mode \
		--stop-after-idle-ms 500 --run-ms 60000 "${MBA[@]}" >"$T/full$mode.log" 2>&1 ||
		fail "log-full $mode run failed: $(tail -3 "$T/full$mode.log")"
	need_stat "$T/full$mode.log" il_log_full -gt 0
	grep -q "IL log full" "$T/full$mode.log" || fail "no error line for a full IL log ($mode)"
done
need_stat "$T/fulldrop.log" il_forwarded -lt "$N"
need_stat "$T/fullevict.log" il_forwarded -eq "$N"
echo "PASS: $SPOOF spoofed frames dropped at the IL, $BAD malformed frames rejected by master and OL"
