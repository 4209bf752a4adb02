#!/usr/bin/env bash
# The input logger's backlog path (dp_il.c send_backlog/rec_to_mbuf): in
# --role single with --link-ring 16 every link between the roles holds 15
# frames, so the IL meets a full link on most bursts and sends most records
# again from its log, in order. usage: t_backlog.sh BIN MB
#  1. The output still equals the unprotected run's, every packet reaches
#     the master, and the backlog path was taken (il_replayed > 0).
#  2. A capture with frames too long to be re-sent from the log in one mbuf
#     (2030 bytes: 46 bytes of FTMB headers no longer fit): the IL refuses
#     them at input (il_too_long) and keeps forwarding everything else.
#     Before the fix such a record sat at the head of the backlog for good,
#     rec_to_mbuf failing uncounted, and the IL stopped taking input
#     (pkts_in stayed near 50 of 3000).
BIN=$1 MB=$2
source "$(dirname "$0")/lib.sh"

run_single() { # NAME IN.pcap
	"$BIN/$MB-protected" $EAL_BASE --file-prefix "$(prefix "$1")" "${LCORES[@]}" \
		--vdev=net_pcap0,rx_pcap="$2" --vdev=net_pcap1,tx_pcap="$T/$1_out.pcap" \
		--vdev=net_pcap2,tx_pcap="$T/$1_in.pcap" -- --role single \
		--in-inside 0 --out-outside 1 --out-inside 2 --wait-protected --link-ring 16 \
		--stop-after-idle-ms 500 --run-ms 60000 --idle-sleep-max-us 100 "${MBA[@]}" \
		>"$T/$1.log" 2>&1 || fail "$1: protected run failed: $(tail -3 "$T/$1.log")"
}

"$PCAPGEN" traffic "$T/in.pcap" -n "$N" -f 32 -s 11 >/dev/null || fail pcapgen
reference "$T/in.pcap" "$T"
run_single backlog "$T/in.pcap"
compare "$T" backlog
need_stat "$T/backlog.log" pkts_in -eq "$N"
need_stat "$T/backlog.log" il_replayed -gt 0
need_stat "$T/backlog.log" mbuf_fail -eq 0
need_stat "$T/backlog.log" tx_drop -eq 0
need_stat "$T/backlog.log" released -eq "$(counter "$T/ref.log" pkts_out)"

# every 100th frame followed by a 2030-byte copy of itself (zero padded)
python3 - "$T/in.pcap" "$T/long.pcap" <<'PY' || fail "cannot write long.pcap"
import struct, sys
d = open(sys.argv[1], 'rb').read()
out = bytearray(d[:24])
out[16:20] = struct.pack('<I', 65535)  # snaplen
off, i = 24, 0
while off < len(d):
    a, b, il, _ = struct.unpack('<IIII', d[off:off + 16])
    data = d[off + 16:off + 16 + il]
    off += 16 + il
    out += struct.pack('<IIII', a, b, il, il) + data
    if i % 100 == 50:
        big = data + bytes(2030 - len(data))
        out += struct.pack('<IIII', a, b, len(big), len(big)) + big
    i += 1
open(sys.argv[2], 'wb').write(out)
PY
LONG=$(( (N + 49) / 100 ))
run_single long "$T/long.pcap"
need_stat "$T/long.log" il_too_long -eq "$LONG"
need_stat "$T/long.log" il_logged -eq "$N"
need_stat "$T/long.log" pkts_in -eq "$N"
need_stat "$T/long.log" released -eq "$(counter "$T/ref.log" pkts_out)"
need_stat "$T/long.log" il_replayed -gt 0
echo "PASS: $MB backlog path: $(counter "$T/backlog.log" il_replayed) records re-sent from the log, output equal; $LONG over-long frames refused, the rest forwarded"
