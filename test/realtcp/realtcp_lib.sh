# realtcp_lib.sh: shared by the real-TCP tests. Source it with BIN (the
# directory of nat-protected / nat-unprotected) set. It skips (exit 77)
# unless root with `ip netns`, then builds this topology, all on this
# machine, with names unique to this run (pid $$):
#
#   netns $NSI (inside host)      netns $NSM (middlebox)      netns $NSO (outside host)
#   $HI 10.77.0.2  <-veth->  $RI  [IL, master, OL]  $RO  <-veth->  $HO 10.88.0.2
#
# The DPDK processes open $RI and $RO with net_af_packet. They run in a
# namespace of their own ($NSM, no addresses, loopback down), not in the
# root one, because DPDK 22.11's af_packet PMD opens its socket for
# ETH_P_ALL and sets up the RX ring before bind(): in that window the ring
# takes frames of every interface of the namespace, which the IL then
# logs and the NAT forwards (seen in the root namespace: loopback
# segments 127.0.0.1 -> 127.0.0.1 translated and sent to the outside
# host). Its PACKET_FANOUT group id, (pid ^ ifindex) & 0xffff, can also
# collide with another process's group on another interface of the same
# namespace (launch_role below retries). FTMB_REALTCP_ROOT_NS=1 runs the
# processes in the root namespace anyway.
# The NAT rewrites addresses and ports, not MAC addresses, so each host's
# static neighbour entry for the other side (the inside host's gateway
# 10.77.0.1, the outside host's view of the NAT's external address) is the
# other host's MAC: frames cross the middlebox unchanged at L2, and no ARP
# is needed (the NAT drops everything but IPv4 TCP/UDP). Offloads are off
# on all four veth ends so every frame carries its real checksums and no
# segment is larger than the MTU. The middle ends ($RI, $RO) have no
# address: the only path between the hosts is through the DPDK processes.
#
# Provides (besides test/pipeline/lib.sh: T, EAL_BASE, fail, prefix,
# counter, need_stat, run_bg and the cleanup at exit):
#   start_sniffers, start_server, start_client, finish_transfer, check_sniffers
#   start_unprotected, start_protected (master, OL 1, IL), start_ol N
#   launch_role (retries an af_packet fanout clash), host_frames
#   fail: also saves the live roles' telemetry in $T
#   stop_pid PID: SIGTERM, bounded wait, then SIGKILL
#   wait_until SECONDS DESCRIPTION COMMAND...: poll COMMAND every 0.1 s
#   telemetry PREFIX_NAME COUNTER: a live counter of a running role
set -u
RT_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
RT_ROOT=$(cd "$RT_HERE/../.." && pwd)
# the interpreter itself, not a version-manager shim (much faster to start)
PY=$(python3 -c 'import sys; print(sys.executable)') || { echo "FAIL: python3 is needed" >&2; exit 1; }

if [ "$(id -u)" != 0 ]; then
	echo "SKIP: the real-TCP tests need root (network namespaces, veths, af_packet)"
	exit 77
fi
if ! command -v ip >/dev/null || ! ip netns list >/dev/null 2>&1; then
	echo "SKIP: 'ip netns' is not available (iproute2 with network namespace support)"
	exit 77
fi
command -v ethtool >/dev/null ||
	{ echo "FAIL: ethtool is needed to turn veth offloads off (apt-get install ethtool)" >&2; exit 1; }

MB=nat
source "$RT_ROOT/test/pipeline/lib.sh"
# our own EAL options (the mbuf pool plus af_packet and memif ports need
# more memory than the pipeline tests' captures)
EAL_BASE="--no-huge -m 512 --no-pci --log-level=ftmb:info"

NSI=ftmbtcp-in-$$ NSO=ftmbtcp-out-$$ NSM=ftmbtcp-mb-$$
# in_ns NS: the command prefix that runs a program in namespace NS.
# nsenter only joins the network namespace and execs the program (so $!
# is the program's pid); `ip netns exec` also remounts /sys in a new mount
# namespace, which took minutes under load here.
in_ns() {
	if command -v nsenter >/dev/null; then echo "nsenter --net=/run/netns/$1"
	else echo "ip netns exec $1"; fi
}
IN_X=($(in_ns "$NSI")) OUT_X=($(in_ns "$NSO"))
MBX=($(in_ns "$NSM"))  # how the DPDK processes are started
[ -n "${FTMB_REALTCP_ROOT_NS:-}" ] && MBX=()
RI=tcri$$ RO=tcro$$ HI=tchi$$ HO=tcho$$
IN_IP=10.77.0.2 IN_GW=10.77.0.1 OUT_IP=10.88.0.2 EXT_IP=10.88.0.1
MAC_I=02:77:00:00:00:02 MAC_O=02:88:00:00:00:02
PORT_RANGE=20000-29999
SRV_PORT=5001
CONNS=${FTMB_REALTCP_CONNS:-4}
BYTES=${FTMB_REALTCP_BYTES:-2097152}
PEER_TIMEOUT=${PEER_TIMEOUT:-${FTMB_REALTCP_TIMEOUT:-90}}  # bound of a whole transfer, s
MB_ARGS="--external-ip $EXT_IP --port-range $PORT_RANGE"
MBA=(--mb-args "$MB_ARGS")

cleanup_net() {
	"${MBX[@]}" ip link del "$RI" 2>/dev/null
	"${MBX[@]}" ip link del "$RO" 2>/dev/null
	ip netns del "$NSI" 2>/dev/null
	ip netns del "$NSO" 2>/dev/null
	ip netns del "$NSM" 2>/dev/null
}
trap 'cleanup; cleanup_net' EXIT
trap 'exit 1' INT TERM HUP  # so that the EXIT trap runs
# namespaces left by a run that was killed with SIGKILL (e.g. a ctest
# timeout): ours by name, and only when their run's pid is gone
for ns in $(ip netns list 2>/dev/null | sed -n 's/^\(ftmbtcp-[a-z]*-[0-9]*\).*/\1/p'); do
	kill -0 "${ns##*-}" 2>/dev/null || ip netns del "$ns" 2>/dev/null
done
# the pipeline library's cleanup kills the processes started with run_bg
# (DPDK roles, peers, sniffers) by pid; then the namespaces go.

nsx() { local ns=$1; shift; $(in_ns "$ns") "$@"; }
offloads_off() { # offloads_off [netns] DEV
	local pre=()
	[ $# -eq 2 ] && { pre=($(in_ns "$1")); shift; }
	"${pre[@]}" ethtool -K "$1" rx off tx off tso off gso off gro off >/dev/null 2>&1 ||
		fail "cannot turn offloads off on $1"
}
setup_host() { # setup_host NS HOSTDEV ROOTDEV MAC ADDR/24
	local ns=$1 hd=$2 rd=$3 mac=$4 addr=$5
	ip netns add "$ns" || fail "cannot create network namespace $ns"
	ip link add "$rd" type veth peer name "$hd" netns "$ns" || fail "cannot create veth $rd"
	[ ${#MBX[@]} -gt 0 ] && { ip link set "$rd" netns "$NSM" || fail "cannot move $rd"; }
	"${MBX[@]}" sysctl -qw "net.ipv6.conf.$rd.disable_ipv6=1" 2>/dev/null
	nsx "$ns" sysctl -qw "net.ipv6.conf.$hd.disable_ipv6=1" 2>/dev/null
	nsx "$ns" ip link set "$hd" address "$mac" || fail "cannot set the MAC of $hd"
	if [ ${#MBX[@]} -gt 0 ]; then offloads_off "$NSM" "$rd"; else offloads_off "$rd"; fi
	offloads_off "$ns" "$hd"
	nsx "$ns" ip link set lo up && nsx "$ns" ip link set "$hd" up && "${MBX[@]}" ip link set "$rd" up &&
		nsx "$ns" ip addr add "$addr" dev "$hd" || fail "cannot bring $hd/$rd up"
}
[ ${#MBX[@]} -gt 0 ] && { ip netns add "$NSM" || fail "cannot create network namespace $NSM"; }
setup_host "$NSI" "$HI" "$RI" "$MAC_I" "$IN_IP/24"
setup_host "$NSO" "$HO" "$RO" "$MAC_O" "$OUT_IP/24"
# inside: the outside network is behind the gateway, whose "MAC" is the
# outside host's; outside: the NAT's external address is on-link, its
# "MAC" is the inside host's.
"${IN_X[@]}" ip route add 10.88.0.0/24 via $IN_GW dev "$HI" &&
	"${IN_X[@]}" ip neigh replace $IN_GW lladdr $MAC_O dev "$HI" nud permanent &&
	"${OUT_X[@]}" ip neigh replace $EXT_IP lladdr $MAC_I dev "$HO" nud permanent ||
	fail "cannot set routes and neighbours"

# ---- helpers ----
# On failure, first save what the live roles say (telemetry /ftmb/stats
# and /ethdev/stats of each port) next to the logs (FTMB_KEEP=1 keeps them).
fail() {
	local r p
	for r in m i o1 o2 u; do
		p=$(prefix $r)
		[ -S "/var/run/dpdk/$p/dpdk_telemetry.v2" ] || continue
		{
			"$PY" "$RT_ROOT/runtime/dpdk/ftmb_telemetry.py" "$p" 2>&1
			for port in 0 1 2 3; do
				"$PY" "$RT_ROOT/runtime/dpdk/ftmb_telemetry.py" "$p" "/ethdev/stats,$port" 2>&1
			done
		} >"$T/telemetry-$r.txt" 2>&1
	done
	echo "FAIL: $*" >&2
	exit 1
}
wait_until() { # wait_until SECONDS DESCRIPTION COMMAND...
	local secs=$1 what=$2; shift 2
	local end=$((SECONDS + secs))
	while [ $SECONDS -lt $end ]; do
		"$@" && return 0
		sleep 0.1
	done
	fail "timed out after ${secs}s waiting for: $what"
}
alive() { kill -0 "$1" 2>/dev/null; }
stop_pid() { # SIGTERM, at most 10 s, then SIGKILL; returns the exit status
	local p=$1 n=100
	kill -TERM "$p" 2>/dev/null
	while alive "$p" && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
	alive "$p" && { echo "pid $p ignored SIGTERM, killing it" >&2; kill -9 "$p" 2>/dev/null; }
	wait "$p" 2>/dev/null
	local rc=$?
	[ $rc -gt 128 ] && echo "pid $p ended by signal $((rc - 128))" >&2
	return $rc
}
wait_exit() { # wait_exit PID SECONDS NAME: the process's exit status, bounded
	local p=$1 n=$(($2 * 10))
	while alive "$p" && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
	alive "$p" && fail "$3 still running after $2 s"
	wait "$p"
}
telemetry() { # telemetry NAME COUNTER (NAME as given to prefix)
	"$PY" "$RT_ROOT/runtime/dpdk/ftmb_telemetry.py" "$(prefix "$1")" 2>/dev/null |
		"$PY" -c 'import json,sys; print(json.load(sys.stdin)["/ftmb/stats"][sys.argv[1]])' "$2" \
		2>/dev/null
}
counter_above() { # counter_above NAME COUNTER N: live counter > N
	local v; v=$(telemetry "$1" "$2"); [ -n "$v" ] && [ "$v" -gt "$3" ]
}
roles_up_and() { # roles_up_and COMMAND...: fail at once if a role exited
	local p
	for p in ${MASTER:-} ${IL:-} ${LAST_OL:-}; do
		alive "$p" || fail "a role exited early: $(grep -h -A1 'Error\|FAIL' "$T"/*.log | head -4)"
	done
	"$@"
}
log_has() { [ "$(grep -c -- "$2" "$1" 2>/dev/null)" -ge "${3:-1}" ]; }
elapsed() { "$PY" -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$1" "$(date +%s.%N)"; }

# ---- DPDK roles (ports: af_packet on the root-side veth ends) ----
# DPDK's af_packet PMD joins each socket to the fanout group
# (pid XOR ifindex) & 0xffff; when that id is already a group on another
# interface of this namespace (another of our processes, or anybody's),
# the port fails with "could not set PACKET_FANOUT ... Invalid argument"
# and the program exits. A new process has a new pid: start it again.
# launch_role LOG PREFIX VAR COMMAND...: run COMMAND (EAL --file-prefix
# $(prefix PREFIX)) in the background, its pid in VAR; at most 6 attempts.
launch_role() {
	local log=$1 sock="/var/run/dpdk/$(prefix "$2")/dpdk_telemetry.v2" var=$3 try pid; shift 3
	for try in 1 2 3 4 5 6; do
		rm -f "$sock"
		run_bg "${MBX[@]}" "$@" >"$log" 2>&1
		pid=$!
		wait_until 30 "$(basename "$log" .log) to initialise" \
			sh -c "grep -q 'TELEMETRY:' '$log' || test -S '$sock' || ! kill -0 $pid 2>/dev/null"
		if grep -q "could not set PACKET_FANOUT" "$log"; then
			echo "$(basename "$log" .log): af_packet fanout id taken, starting again" >&2
			stop_pid "$pid"
			continue
		fi
		printf -v "$var" %s "$pid"
		return 0
	done
	fail "$(basename "$log" .log): af_packet fanout id taken 6 times"
}
DPC=(--run-ms 300000 --idle-sleep-max-us 200 --hb-us 5000
	--peer-timeout-us "${FTMB_REALTCP_PEER_TIMEOUT_US:-100000}")
# qdisc_bypass: frames sent by one af_packet socket are not seen by the
# others on the interface (without it the IL would read the OL's outputs
# on the same veth as new input)
AFP="framecnt=4096,qdisc_bypass=${FTMB_REALTCP_QDISC_BYPASS:-1}"
P=$BIN/nat-protected
# one middlebox core by default; --lcores=0@0,1@1,2@0 gives the master two
# (then a connection's two directions may meet different cores)
MASTER_LCORES=${FTMB_REALTCP_MASTER_LCORES:---lcores=0,1}
MASTER_CORES=$(($(echo "${MASTER_LCORES#--lcores=}" | tr ',' '\n' | wc -l) - 1))
start_unprotected() {
	launch_role "$T/unprotected.log" u UNPROT \
		"$BIN/nat-unprotected" $EAL_BASE --file-prefix "$(prefix u)" --lcores=0,1 \
		--vdev=net_af_packet0,iface=$RI,$AFP --vdev=net_af_packet1,iface=$RO,$AFP -- \
		--in-inside 0 --in-outside 1 --out-inside 0 --out-outside 1 \
		"${DPC[@]}" "${MBA[@]}"
}
start_master() { # the master is the memif server of both links
	launch_role "$T/master.log" m MASTER \
		"$P" $EAL_BASE --file-prefix "$(prefix m)" "$MASTER_LCORES" \
		--vdev=net_memif0,role=server,socket="$T/il.sock",id=0 \
		--vdev=net_memif1,role=server,socket="$T/ol.sock",id=1 \
		--vdev=net_af_packet2,iface=$RI,$AFP --vdev=net_af_packet3,iface=$RO,$AFP -- \
		--role master --il-port 0 --ol-port 1 --out-inside 2 --out-outside 3 \
		"${DPC[@]}" "${MBA[@]}"
}
start_ol() { # start_ol N: output logger number N (pid in LAST_OL)
	launch_role "$T/ol$1.log" "o$1" LAST_OL \
		"$P" $EAL_BASE --file-prefix "$(prefix "o$1")" --lcores=0@0 \
		--vdev=net_memif0,role=client,socket="$T/ol.sock",id=1 \
		--vdev=net_af_packet1,iface=$RI,$AFP --vdev=net_af_packet2,iface=$RO,$AFP -- \
		--role ol --master-port 0 --out-inside 1 --out-outside 2 \
		"${DPC[@]}"
}
start_il() {
	launch_role "$T/il.log" i IL \
		"$P" $EAL_BASE --file-prefix "$(prefix i)" --lcores=0@1 \
		--vdev=net_memif0,role=client,socket="$T/il.sock",id=0 \
		--vdev=net_af_packet1,iface=$RI,$AFP --vdev=net_af_packet2,iface=$RO,$AFP -- \
		--role il --master-port 0 --in-inside 1 --in-outside 2 --wait-protected \
		"${DPC[@]}"
}
start_protected() { # master, OL 1, IL; returns once the master is protected
	start_master
	# memif clients connect once the master's ports started (DPDK 22.11's
	# server refuses them before that, and a client never retries)
	wait_until 30 "the master's ports" roles_up_and log_has "$T/master.log" "master: ports started"
	start_ol 1
	OL1=$LAST_OL
	start_il
	wait_until 30 "the master to be protected by OL 1" roles_up_and log_has "$T/master.log" "master: protected"
	# the IL takes input once it heard the protected master (a SYN sent
	# before that is dropped and TCP sends it again, so this only saves time)
	wait_until 30 "the IL to hear the master" roles_up_and counter_above i hb_rx 0
}

# ---- hosts ----
# sniffers: every TCP frame reaching a host must have right checksums and
# translated addresses
start_sniffers() {
	rm -f "$T/sniff.stop"
	run_bg "${IN_X[@]}" "$PY" "$RT_HERE/cksum_sniff.py" "$HI" --report "$T/sniff_in.json" \
		--stop "$T/sniff.stop" --ready "$T/sniff_in.ready" --src $OUT_IP --dst $IN_IP \
		--timeout "$PEER_TIMEOUT"
	SNIFF_I=$!
	run_bg "${OUT_X[@]}" "$PY" "$RT_HERE/cksum_sniff.py" "$HO" --report "$T/sniff_out.json" \
		--stop "$T/sniff.stop" --ready "$T/sniff_out.ready" --src $EXT_IP --dst $OUT_IP \
		--timeout "$PEER_TIMEOUT"
	SNIFF_O=$!
	wait_until 30 "the sniffers to start" test -e "$T/sniff_in.ready" -a -e "$T/sniff_out.ready"
}
start_server() { # start_server [tcp_peer options]
	run_bg "${OUT_X[@]}" "$PY" "$RT_HERE/tcp_peer.py" server --bind $OUT_IP --port $SRV_PORT \
		--conns "$CONNS" --report "$T/server.json" --progress "$T/progress.json" \
		--ready "$T/server.ready" --timeout "$PEER_TIMEOUT" "$@" 2>"$T/server.err"
	SERVER=$!
	wait_until 30 "the server to listen" test -e "$T/server.ready"
}
start_client() { # start_client [tcp_peer options]
	CLIENT_T0=$(date +%s.%N)
	run_bg "${IN_X[@]}" "$PY" "$RT_HERE/tcp_peer.py" client --connect $OUT_IP --port $SRV_PORT \
		--conns "$CONNS" --bytes "$BYTES" --report "$T/client.json" \
		--timeout "$PEER_TIMEOUT" "$@" 2>"$T/client.err"
	CLIENT=$!
}
# progress_at_least BYTES: every connection's upload reached BYTES at the
# server (fails the test at once if a peer exited)
progress_at_least() {
	alive "$CLIENT" || fail "the client exited early: $(tail -3 "$T/client.err")"
	alive "$SERVER" || fail "the server exited early: $(tail -3 "$T/server.err")"
	"$PY" - "$T/progress.json" "$CONNS" "$1" <<'PY' 2>/dev/null
import json, sys
p = json.load(open(sys.argv[1]))
n, b = int(sys.argv[2]), int(sys.argv[3])
sys.exit(0 if sum(1 for v in p.values() if v >= b) >= n else 1)
PY
}
# wait for both peers; the transfer's hashes and addresses
finish_transfer() { # finish_transfer [--external-ip X]
	wait_exit "$CLIENT" "$PEER_TIMEOUT" client ||
		fail "client failed: $(tail -3 "$T/client.err")"
	TRANSFER_S=$(elapsed "$CLIENT_T0")
	wait_exit "$SERVER" 15 server || fail "server failed: $(tail -3 "$T/server.err")"
	"$PY" "$RT_HERE/check_transfer.py" "$T/client.json" "$T/server.json" --conns "$CONNS" \
		--bytes "$BYTES" --inside-ip $IN_IP "$@" || fail "the transfer is wrong (see above)"
}
check_sniffers() {
	touch "$T/sniff.stop"
	wait_exit "$SNIFF_I" 10 "inside sniffer" || fail "inside sniffer failed"
	wait_exit "$SNIFF_O" 10 "outside sniffer" || fail "outside sniffer failed"
	"$PY" - "$T/sniff_in.json" "$T/sniff_out.json" <<'PY' || fail "bad frames reached a host"
import json, sys
ok = True
for path, host in zip(sys.argv[1:], ('inside', 'outside')):
    r = json.load(open(path))
    print(f'{host} host received {r["frames"]} TCP frames, checked {r["checked"]}: '
          f'bad IP checksum {r["bad_ip"]}, bad TCP checksum {r["bad_tcp"]}, '
          f'untranslated addresses {r["bad_addr"]}', file=sys.stderr)
    if r['checked'] == 0 or r['bad_ip'] or r['bad_tcp'] or r['bad_addr']:
        ok = False
        print(f'  first bad frame: {r["first_bad"]}', file=sys.stderr)
sys.exit(0 if ok else 1)
PY
}
# frames the two hosts sent (the root-side ends received them)
# (/proc/net/dev is the reader's namespace; /sys would need a remount)
host_frames() {
	"${MBX[@]}" cat /proc/net/dev | awk -v a="$RI:" -v b="$RO:" '$1 == a || $1 == b { n += $3 } END { print n + 0 }'
}

# ---- master and backup (t_kill_master.sh) ----
# The master and the backup each run in a namespace of their own, joined to
# the IL and the OL (in $NSM, beside $RI/$RO) by af_packet links on veth
# pairs, not memif, as separate hosts would be (DPDK 22.11's memif PMD
# could crash the survivor of a link whose peer dies; runtime/dpdk/
# dp_memif_guard.c guards that now). A fifth veth pair between the
# two carries the checkpoints (TCP) and the heartbeats (UDP):
#
#   $NSM: IL --im--> $NSA: master --mo--> $NSM: OL
#         IL --ib--> $NSB: backup --bo--> OL
#                    master --ab (10.99.7.1 -> 10.99.7.2)--> backup
NSA=ftmbtcp-ma-$$ NSB=ftmbtcp-bk-$$
HA_CKPORT=$((21000 + $$ % 20000))
# 200 ms, not the 60 ms of test/dprecovery: here the veths also carry the
# hosts' TCP, and the kernel delivers veth frames (heartbeats too) from
# softirq work that, under this load, waits for ksoftirqd; the backup saw
# heartbeat gaps of 15-90 ms on an idle machine (its log line "longest
# heartbeat gap before"), and a 60 ms timeout made false suspicions.
HA_HBTO=${FTMB_REALTCP_HB_TIMEOUT_MS:-200}
cleanup_ha() { ip netns del "$NSA" 2>/dev/null; ip netns del "$NSB" 2>/dev/null; }
trap 'cleanup; cleanup_ha; cleanup_net' EXIT
ha_veth() { # ha_veth NAME NS_A NS_B: ${NAME}a in NS_A, ${NAME}b in NS_B
	local e ns dev
	ip link add "$1a$$" netns "$2" type veth peer name "$1b$$" netns "$3" ||
		fail "cannot create veth $1"
	for e in "a:$2" "b:$3"; do
		ns=${e#*:} dev=$1${e%%:*}$$
		nsx "$ns" sysctl -qw "net.ipv6.conf.$dev.disable_ipv6=1" 2>/dev/null
		nsx "$ns" ip link set "$dev" mtu 9000 up || fail "cannot bring $dev up"
		offloads_off "$ns" "$dev"
	done
}
setup_ha() {
	[ ${#MBX[@]} -gt 0 ] || fail "the master-kill test needs the middlebox namespace (unset FTMB_REALTCP_ROOT_NS)"
	ip netns add "$NSA" && ip netns add "$NSB" || fail "cannot create the master/backup namespaces"
	nsx "$NSA" ip link set lo up; nsx "$NSB" ip link set lo up
	ha_veth im "$NSM" "$NSA"; ha_veth mo "$NSA" "$NSM"
	ha_veth ib "$NSM" "$NSB"; ha_veth bo "$NSB" "$NSM"
	ha_veth ab "$NSA" "$NSB"
	nsx "$NSA" ip addr add 10.99.7.1/30 dev ab"a$$" && nsx "$NSB" ip addr add 10.99.7.2/30 dev ab"b$$" ||
		fail "cannot address the master-backup link"
}
HA_DPC=(--run-ms 300000 --idle-sleep-max-us 200 --hb-us 5000
	--peer-timeout-us "${FTMB_REALTCP_PEER_TIMEOUT_US:-1000000}")
HA_AFP="framecnt=4096,qdisc_bypass=1"
# master and backup: in their own namespaces; the master in a process
# group of its own so that SIGKILL to the group also kills its checkpoint
# writer (a machine failure)
start_ha_master() {
	local save=("${MBX[@]}"); MBX=(setsid $(in_ns "$NSA"))
	launch_role "$T/master.log" m MASTER \
		"$P" $EAL_BASE --file-prefix "$(prefix m)" "$MASTER_LCORES" \
		--vdev=net_af_packet0,iface=imb$$,$HA_AFP --vdev=net_af_packet1,iface=moa$$,$HA_AFP -- \
		--role master --il-port 0 --ol-port 1 --ckpt-peer 10.99.7.2:$HA_CKPORT \
		--ckpt-interval-ms 50 "${HA_DPC[@]}" "${MBA[@]}"
	MBX=("${save[@]}")
}
start_ha_backup() {
	local save=("${MBX[@]}"); MBX=($(in_ns "$NSB"))
	launch_role "$T/backup.log" b BACKUP \
		"$P" $EAL_BASE --file-prefix "$(prefix b)" "$MASTER_LCORES" \
		--vdev=net_af_packet0,iface=ibb$$,$HA_AFP --vdev=net_af_packet1,iface=boa$$,$HA_AFP -- \
		--role backup --il-port 0 --ol-port 1 --ckpt-listen 10.99.7.2:$HA_CKPORT \
		--hb-timeout-ms "$HA_HBTO" "${HA_DPC[@]}" "${MBA[@]}"
	MBX=("${save[@]}")
}
start_ha_loggers() { # OL then IL, in $NSM with the hosts' links
	launch_role "$T/ol1.log" o1 LAST_OL \
		"$P" $EAL_BASE --file-prefix "$(prefix o1)" --lcores=0@0 \
		--vdev=net_af_packet0,iface=mob$$,$HA_AFP --vdev=net_af_packet1,iface=bob$$,$HA_AFP \
		--vdev=net_af_packet2,iface=$RI,$AFP --vdev=net_af_packet3,iface=$RO,$AFP -- \
		--role ol --master-port 0 --backup-port 1 --out-inside 2 --out-outside 3 "${HA_DPC[@]}"
	OL1=$LAST_OL
	launch_role "$T/il.log" i IL \
		"$P" $EAL_BASE --file-prefix "$(prefix i)" --lcores=0@1 \
		--vdev=net_af_packet0,iface=ima$$,$HA_AFP --vdev=net_af_packet1,iface=iba$$,$HA_AFP \
		--vdev=net_af_packet2,iface=$RI,$AFP --vdev=net_af_packet3,iface=$RO,$AFP -- \
		--role il --master-port 0 --backup-port 1 --in-inside 2 --in-outside 3 --wait-protected \
		"${HA_DPC[@]}"
}
# start_protected_ha: master, backup, OL and IL; returns once the master is
# protected, its first checkpoint is confirmed and the IL hears it
start_protected_ha() {
	setup_ha
	start_ha_master
	start_ha_backup
	start_ha_loggers
	wait_until 60 "the master to be protected" roles_up_and log_has "$T/master.log" "master: protected"
	wait_until 60 "the first checkpoint to be confirmed" roles_up_and log_has "$T/master.log" "master: checkpoint [1-8] confirmed"
	wait_until 30 "the IL to hear the master" roles_up_and counter_above i hb_rx 0
}
