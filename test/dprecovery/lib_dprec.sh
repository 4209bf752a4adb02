# lib_dprec.sh: the four DPDK roles (IL, master, OL and backup) as separate
# processes, for the recovery tests on the dataplane. Source it with BIN and
# MB set (like test/pipeline/lib.sh, which it uses).
#
#   IL --veth--> master --veth--> OL        (links to the killed process)
#   IL --veth--> backup --veth--> OL        (the backup's links)
#   checkpoints and heartbeats: master --TCP/UDP 10.99.0.2:$CKPORT--> backup
#
# The links are net_af_packet on veth pairs between network namespaces of
# the test's own, one per role (a fifth pair carries the TCP/UDP): not net_memif,
# because DPDK 22.11's memif PMD unmaps a link's shared memory from its
# control thread when the peer dies, and a survivor polling that link at
# that moment crashes (seen about once in 20 kills); af_packet has no such
# race. Each role runs in its namespace (ip netns exec), which holds only
# its interfaces (docs/runtime.md, af_packet caveats).
#
# start_roles DIR [master args...]: start master, backup and OL; wait until
#   the master is protected and its first checkpoint is confirmed; then
#   start the IL on DIR/in.pcap. Sets MASTER BACKUP OL IL (pids).
source "$(dirname "${BASH_SOURCE[0]}")/../pipeline/lib.sh"
EAL_BASE="--no-huge -m 512 --no-pci --log-level=ftmb:info"
command -v ip >/dev/null || fail "iproute2 (ip) is needed"
# one network namespace per role (af_packet fanout group ids are per
# namespace and derived from pid ^ ifindex: processes sharing one namespace
# can clash), joined by veth pairs: IL-master, master-OL, IL-backup,
# backup-OL, and master-backup with addresses for the checkpoint sockets
NS=ftmbd$$
for r in i m o b; do
	ip netns add $NS$r || fail "cannot create a network namespace (root needed)"
	ip -n $NS$r link set lo up
	# no IPv6 on the links: the kernel's solicitations would be stray
	# frames on role links (counted, and they keep the idle timers awake)
	ip netns exec $NS$r sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1 2>/dev/null
done
trap 'cleanup; for r in i m o b; do ip netns del $NS$r 2>/dev/null; done' EXIT
veth() { # veth NAME NS_A NS_B: NAMEa in NS_A, NAMEb in NS_B
	ip link add $1a netns $NS$2 type veth peer name $1b netns $NS$3 ||
		fail "cannot create veth $1"
	for e in a:$2 b:$3; do
		ip -n $NS${e#*:} link set $1${e%:*} mtu 9000 up
		ip netns exec $NS${e#*:} ethtool -K $1${e%:*} rx off tx off tso off gso off gro off \
			>/dev/null 2>&1
	done
}
veth im i m; veth mo m o; veth ib i b; veth bo b o; veth mb m b
ip -n ${NS}m addr add 10.99.0.1/30 dev mba && ip -n ${NS}b addr add 10.99.0.2/30 dev mbb ||
	fail "cannot address the master-backup link"
port_of() { echo "--vdev=net_af_packet$1,iface=$2,qdisc_bypass=1,framecnt=4096"; }
in_ns() { echo ip netns exec $NS$1; }
RATE=${RATE:-10000}
HBTO=${HBTO:-60}
CKMS=${CKMS:-50}
[ -n "${BACKUP_ARGS+x}" ] || BACKUP_ARGS=()
# a port for the checkpoint/heartbeat sockets, different per run
ckport() { echo $((20000 + (($$ * 7 + $1 * 131) % 30000))); }
# peers (IL/OL <-> master) are declared gone after 1 s of silence, not 50 ms:
# on a loaded 2-CPU machine a falsely "gone" OL makes the master drop held
# outputs (docs/runtime.md), which no checkpoint can bring back
COMMON=(--stop-after-idle-ms 1500 --run-ms 60000 --idle-sleep-max-us 200
	--peer-timeout-us 1000000)

start_roles() {
	local d=$1; shift
	CKPORT=$(ckport "${SEED:-0}")
	# the master in a process group of its own: killing the group kills its
	# checkpoint writer too (a machine failure)
	run_bg setsid $(in_ns m) "$BIN/$MB-protected" $EAL_BASE --file-prefix "$(prefix m$SEED)" \
		"${LCORES[@]}" $(port_of 0 imb) $(port_of 1 moa) -- \
		--role master --il-port 0 --ol-port 1 --ckpt-peer 10.99.0.2:$CKPORT \
		--ckpt-interval-ms "$CKMS" "${COMMON[@]}" "${MBA[@]}" "$@" >"$d/master.log" 2>&1
	MASTER=$!
	run_bg $(in_ns b) "$BIN/$MB-protected" $EAL_BASE --file-prefix "$(prefix b$SEED)" \
		"${LCORES[@]}" $(port_of 0 ibb) $(port_of 1 boa) -- \
		--role backup --il-port 0 --ol-port 1 --ckpt-listen 10.99.0.2:$CKPORT \
		--hb-timeout-ms "$HBTO" "${COMMON[@]}" "${MBA[@]}" "${BACKUP_ARGS[@]}" \
		>"$d/backup.log" 2>&1
	BACKUP=$!
	run_bg $(in_ns o) "$BIN/$MB-protected" $EAL_BASE --file-prefix "$(prefix o$SEED)" \
		--lcores=${OL_LCORE:-0@0} $(port_of 0 mob) $(port_of 1 bob) \
		--vdev=net_pcap2,tx_pcap="$d/p_out.pcap" --vdev=net_pcap3,tx_pcap="$d/p_in.pcap" -- \
		--role ol --master-port 0 --backup-port 1 --out-outside 2 --out-inside 3 \
		"${COMMON[@]}" >"$d/ol.log" 2>&1
	OL=$!
	wait_log "$d/master.log" "master: protected"
	wait_log "$d/master.log" "checkpoint 1 confirmed"
	run_bg $(in_ns i) "$BIN/$MB-protected" $EAL_BASE --file-prefix "$(prefix i$SEED)" \
		--lcores=0@1 $(port_of 0 ima) $(port_of 1 iba) \
		--vdev=net_pcap2,rx_pcap="$d/in.pcap" -- \
		--role il --master-port 0 --backup-port 1 --in-inside 2 --wait-protected \
		--rate-pps "$RATE" "${COMMON[@]}" >"$d/il.log" 2>&1
	IL=$!
}

# kill_master: SIGKILL to the master and its checkpoint writer
kill_master() { kill -9 -- "-$MASTER" 2>/dev/null || kill -9 "$MASTER"; wait "$MASTER" 2>/dev/null; }
# wait_exit NAME PID: the role must exit 0
wait_exit() { wait "$2" || fail "$1 exited with an error (see its log)"; }
