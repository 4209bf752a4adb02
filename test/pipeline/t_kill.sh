#!/usr/bin/env bash
# Killing the output logger or the input logger with SIGKILL leaves traffic
# flowing through the master (SPEC §2: no downtime, unprotected meanwhile):
#   phase 1: IL -> master -> OL1, protected;
#   kill -9 OL1: the master sends outputs straight out of its own ports;
#   start OL2: protection resumes (SYNC), outputs leave through OL2;
#   kill -9 IL: the master takes outside traffic from its own input port
#   (direct.pcap here) and it still leaves, protected, through OL2.
# The master <-> OL link is net_af_packet on a veth pair whose OL end is
# in a network namespace (a new OL simply opens the same interface); the
# IL <-> master link is net_memif.
# Every output must be, flow by flow, a subsequence of the unprotected
# run's (nothing invented or reordered; packets in flight may be lost), and
# each phase must have carried traffic. usage: t_kill.sh BIN MB
BIN=$1 MB=$2
source "$(dirname "$0")/lib.sh"
NK=${FTMB_PIPELINE_KILL_PACKETS:-60000} ND=500 RATE=3000

"$PCAPGEN" traffic "$T/in.pcap" -n "$NK" -f 16 -s 21 >/dev/null || fail pcapgen
"$PCAPGEN" traffic "$T/direct.pcap" -n "$ND" -f 8 -b 1000 -s 22 >/dev/null || fail pcapgen
mkdir -p "$T/r1" "$T/r2"
reference "$T/in.pcap" "$T/r1"
reference "$T/direct.pcap" "$T/r2"
NS=ftmbt$$ VM=fm$$ VO=fo$$
command -v ip >/dev/null || fail "iproute2 (ip) is needed"
ip netns add $NS || fail "cannot create a network namespace (root needed)"
cleanup_net() { ip link del $VM 2>/dev/null; ip netns del $NS 2>/dev/null; }
trap 'cleanup; cleanup_net' EXIT
ip link add $VM type veth peer name $VO || fail "cannot create veth"
ip link set $VM mtu 9000 && ip link set $VO mtu 9000 && ip link set $VO netns $NS &&
	ip link set $VM up && ip netns exec $NS ip link set $VO up ||
	fail "cannot set up veth"
COMMON=(--stop-after-idle-ms 1500 --run-ms 60000 --idle-sleep-max-us 200
	--peer-timeout-us 100000 --hb-us 5000)
run_bg "$BIN/$MB-protected" $EAL_BASE --file-prefix "$(prefix m)" "${LCORES[@]}" \
	--vdev=net_memif0,role=server,socket="$T/il.sock",id=0 \
	--vdev=net_af_packet1,iface=$VM,framecnt=4096 \
	--vdev=net_pcap2,rx_pcap="$T/direct.pcap" \
	--vdev=net_pcap3,tx_pcap="$T/m_out.pcap" --vdev=net_pcap4,tx_pcap="$T/m_in.pcap" -- \
	--role master --il-port 0 --ol-port 1 --in-inside 2 --out-outside 3 --out-inside 4 \
	--direct-after-il-loss \
	"${COMMON[@]}" "${MBA[@]}" >"$T/master.log" 2>&1
MASTER=$!
sleep 0.3
start_ol() {
	run_bg ip netns exec $NS "$BIN/$MB-protected" $EAL_BASE --file-prefix "$(prefix o$1)" \
		--lcores=0@0 --vdev=net_af_packet0,iface=$VO,framecnt=4096 \
		--vdev=net_pcap1,tx_pcap="$T/ol$1_out.pcap" --vdev=net_pcap2,tx_pcap="$T/ol$1_in.pcap" -- \
		--role ol --master-port 0 --out-outside 1 --out-inside 2 "${COMMON[@]}" \
		>"$T/ol$1.log" 2>&1
}
start_ol 1
OL1=$!
wait_log "$T/master.log" "master: protected"
run_bg "$BIN/$MB-protected" $EAL_BASE --file-prefix "$(prefix i)" --lcores=0@1 \
	--vdev=net_memif0,role=client,socket="$T/il.sock",id=0 \
	--vdev=net_pcap1,rx_pcap="$T/in.pcap" -- \
	--role il --master-port 0 --in-inside 1 --wait-protected --rate-pps $RATE \
	"${COMMON[@]}" >"$T/il.log" 2>&1
IL=$!
# wait_grow FILE: until the capture holds some packets (net_pcap flushes per burst)
wait_grow() {
	for _ in $(seq 1200); do
		[ -f "$1" ] && [ "$(stat -c %s "$1")" -gt 2000 ] && return 0
		sleep 0.05
	done
	fail "no traffic in $(basename "$1") after 60 s"
}
wait_grow "$T/ol1_out.pcap"
kill -9 $OL1
wait_grow "$T/m_out.pcap"
start_ol 2
OL2=$!
[ -n "${FTMB_DEBUG:-}" ] && { sleep 1; ss -xlp > "$T/ss.txt" 2>&1; }
wait_grow "$T/ol2_out.pcap"
kill -9 $IL
wait $MASTER || fail "master exited with an error: $(tail -3 "$T/master.log")"
wait $OL2 || fail "OL2 exited with an error"

need_stat "$T/master.log" peer_down -ge 2     # OL1 and the IL were seen to go
need_stat "$T/master.log" direct_out -gt 0    # outputs flowed while no OL
need_stat "$T/master.log" direct_in -eq $ND   # outside traffic reached the master
need_stat "$T/ol2.log" released -gt 0         # protection resumed with OL2
# outputs of the traffic taken directly (flows from 1000 on) left through
# OL2 (af_packet may drop some frames of that burst: like a network)
python3 - "$T/ol2_out.pcap" "$HERE" <<'PY' || fail "no output of the direct traffic left through OL2"
import sys
sys.path.insert(0, sys.argv[2])
from pcapcmp import read_pcap
n = sum(1 for f in read_pcap(sys.argv[1]) if len(f) > 30 and f[28] * 256 + f[29] >= 1000)
print(f'direct-traffic outputs through OL2: {n}', file=sys.stderr)
sys.exit(0 if n > 0 else 1)
PY
# (OL1 died by SIGKILL: a capture it had not flushed yet is 0 bytes, which
# --subset reads as no frames)
python3 "$HERE/pcapcmp.py" "$T/r1/ref_out.pcap,$T/r2/ref_out.pcap" \
	"$T/ol1_out.pcap,$T/m_out.pcap,$T/ol2_out.pcap" --subset || fail "outputs (outside) differ"
python3 "$HERE/pcapcmp.py" "$T/r1/ref_in.pcap,$T/r2/ref_in.pcap" \
	"$T/ol1_in.pcap,$T/m_in.pcap,$T/ol2_in.pcap" --subset || fail "outputs (inside) differ"
echo "PASS: OL and IL killed, traffic kept flowing: $(counter "$T/master.log" direct_out) sent straight out, $(counter "$T/ol2.log" released) through the new OL, $(counter "$T/master.log" direct_in) taken directly"
