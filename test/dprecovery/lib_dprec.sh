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
# so that each role has a host of its own, as in a deployment (DPDK
# 22.11's memif PMD also unmapped a link's shared memory from its control
# thread when the peer died, crashing a survivor polling that link at that
# moment, about once in 20 kills; runtime/dpdk/dp_memif_guard.c guards that
# now). Each role runs in its namespace (ip netns exec), which holds only
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

# wait_ckpt LOG N: until the master has logged the confirmation of a
# checkpoint numbered N or more (60 s at most). Not "checkpoint N
# confirmed" literally: a checkpoint that fails (its writer ended badly,
# counted ckpt_failed) is never confirmed and the next one gets the next
# number. (The master logs checkpoints 1-8 and every 100th.)
# A backup that took over meanwhile (a false suspicion: a heartbeat gap
# longer than the timeout on a loaded machine) ends the wait at once: it
# fails the test, or returns 2 when FALSE_SUSPICION_OK=1 (t_dpkill.sh then
# runs the seed again: the kill it is about can no longer happen).
wait_ckpt() {
	local n b
	b="$(dirname "$1")/backup.log"
	for _ in $(seq 1200); do
		n=$(sed -n 's/.*master: checkpoint \([0-9]*\) confirmed.*/\1/p' "$1" 2>/dev/null | tail -1)
		[ -n "$n" ] && [ "$n" -ge "$2" ] && return 0
		if grep -q "backup: now the master" "$b" 2>/dev/null; then
			[ "${FALSE_SUSPICION_OK:-}" = 1 ] && return 2
			fail "the backup took over while we waited for checkpoint $2 (a false suspicion: $(grep -m1 'declared dead' "$b"))"
		fi
		sleep 0.05
	done
	echo "checkpoint lines of the roles:" >&2
	grep -h "checkpoint\|ckpt" "$(dirname "$1")"/*.log 2>/dev/null | grep -v "^EAL" | tail -20 >&2
	fail "$(basename "$1"): no checkpoint $2 or later confirmed after 60 s"
}

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
	wait_ckpt "$d/master.log" 1 || return
	run_bg $(in_ns i) "$BIN/$MB-protected" $EAL_BASE --file-prefix "$(prefix i$SEED)" \
		--lcores=0@1 $(port_of 0 ima) $(port_of 1 iba) \
		--vdev=net_pcap2,rx_pcap="$d/in.pcap" -- \
		--role il --master-port 0 --backup-port 1 --in-inside 2 --wait-protected \
		--rate-pps "$RATE" "${COMMON[@]}" >"$d/il.log" 2>&1
	IL=$!
}

# kill_master: SIGKILL to the master and its checkpoint writer
kill_master() { kill -9 -- "-$MASTER" 2>/dev/null || kill -9 "$MASTER"; wait "$MASTER" 2>/dev/null; }
# kill_roles: SIGKILL to every role of start_roles (a run given up)
kill_roles() {
	kill_master
	for p in "$BACKUP" "$OL" ${IL:+"$IL"}; do kill -9 "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
}
# wait_exit NAME PID: the role must exit 0
wait_exit() { wait "$2" || fail "$1 exited with an error (see its log)"; }

# reference_run START CHECK: the failure-free run (nobody killed) in
# D=$T/s0 (SEED=0), started with "START DIR" and checked with "CHECK DIR 0";
# sets REF_DIGEST to its master's final state digest. A 2 s heartbeat
# timeout, so that a loaded machine cannot make the backup suspect the
# master falsely: after such a takeover the old master gets no more input
# and its final state is no reference (seen once in CI: outputs exact, the
# digest short of packets); a takeover fails the test.
reference_run() {
	local start=$1 check=$2 hbto=$HBTO
	SEED=0 D=$T/s0
	mkdir -p "$D"; cp "$T/in.pcap" "$D/in.pcap"
	HBTO=2000
	"$start" "$D"
	HBTO=$hbto
	wait_exit IL "$IL"; wait_exit OL "$OL"; wait_exit master "$MASTER"
	kill -TERM "$BACKUP"; wait "$BACKUP"
	grep -q "now the master" "$D/backup.log" && fail "the failure-free run had a takeover"
	"$check" "$D" 0
	REF_DIGEST=$(counter "$D/master.log" state_digest)
	[ -n "$REF_DIGEST" ] || fail "no state digest from the failure-free master"
	rm -f "$D"/*.pcap
}

# ---- ftmbctl against the roles (t_dpctl.sh) ----
# start_roles_ctl DIR [master args...]: start_roles with a control socket on
#   every role: DIR/il.sock, DIR/master.sock, DIR/ol.sock, DIR/backup.sock
#   (--ctl expands %r to the role's name)
start_roles_ctl() {
	local saved=("${COMMON[@]}")
	COMMON+=(--ctl "$1/%r.sock")
	start_roles "$@"
	COMMON=("${saved[@]}")
}
# ctl_get FILE KEY: the first KEY=value of an ftmbctl reply saved in FILE
ctl_get() { sed -n "s/^$2=//p" "$1" | head -1; }

# ---- a fresh backup after a takeover (t_dpfresh.sh) ----
# fresh_setup: a fifth namespace (c) for a second backup B2, with veth
#   pairs IL-B2 (ic), B2-OL (co) and B1-B2 (bc: 10.99.0.5 in b, .6 in c,
#   for B1's checkpoints and heartbeats once it is the master), and a
#   third backup link of the IL (xi) and of the OL (xo) that no backup
#   uses (its other end in c: stray frames are sent there). The IL and OL
#   get all three backup links from the start.
fresh_setup() {
	ip netns add ${NS}c || fail "cannot create a network namespace (root needed)"
	trap 'cleanup; for r in i m o b c; do ip netns del $NS$r 2>/dev/null; done' EXIT
	ip -n ${NS}c link set lo up
	ip netns exec ${NS}c sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1 2>/dev/null
	veth ic i c; veth co c o; veth bc b c; veth xi i c; veth xo c o
	ip -n ${NS}b addr add 10.99.0.5/30 dev bca && ip -n ${NS}c addr add 10.99.0.6/30 dev bcb ||
		fail "cannot address the B1-B2 link"
}
# start_roles_fresh DIR [master args...]: start_roles with the second and
#   third backup links on the IL (ports 2 and 3: --backup-port 1,2,3) and
#   the OL (--backup-port 1 --backup-port 2,3), and B1 in a process group of its own
#   (killing it kills its checkpoint writer too) that checkpoints to B2's
#   address once it has taken over. Sets MASTER BACKUP OL IL, CKPORT2.
start_roles_fresh() {
	local d=$1; shift
	CKPORT=$(ckport "${SEED:-0}")
	CKPORT2=$(ckport $((${SEED:-0} + 500)))
	run_bg setsid $(in_ns m) "$BIN/$MB-protected" $EAL_BASE --file-prefix "$(prefix m$SEED)" \
		"${LCORES[@]}" $(port_of 0 imb) $(port_of 1 moa) -- \
		--role master --il-port 0 --ol-port 1 --ckpt-peer 10.99.0.2:$CKPORT \
		--ckpt-interval-ms "$CKMS" "${COMMON[@]}" "${MBA[@]}" "$@" >"$d/master.log" 2>&1
	MASTER=$!
	run_bg setsid $(in_ns b) "$BIN/$MB-protected" $EAL_BASE --file-prefix "$(prefix b$SEED)" \
		"${LCORES[@]}" $(port_of 0 ibb) $(port_of 1 boa) -- \
		--role backup --il-port 0 --ol-port 1 --ckpt-listen 10.99.0.2:$CKPORT \
		--ckpt-peer 10.99.0.6:$CKPORT2 --ckpt-interval-ms "$CKMS" \
		--hb-timeout-ms "$HBTO" "${COMMON[@]}" "${MBA[@]}" >"$d/backup.log" 2>&1
	BACKUP=$!
	run_bg $(in_ns o) "$BIN/$MB-protected" $EAL_BASE --file-prefix "$(prefix o$SEED)" \
		--lcores=${OL_LCORE:-0@0} $(port_of 0 mob) $(port_of 1 bob) $(port_of 2 cob) \
		$(port_of 3 xob) --vdev=net_pcap4,tx_pcap="$d/p_out.pcap" \
		--vdev=net_pcap5,tx_pcap="$d/p_in.pcap" -- \
		--role ol --master-port 0 --backup-port 1 --backup-port 2,3 --out-outside 4 \
		--out-inside 5 "${COMMON[@]}" >"$d/ol.log" 2>&1
	OL=$!
	wait_log "$d/master.log" "master: protected"
	wait_ckpt "$d/master.log" 1
	run_bg $(in_ns i) "$BIN/$MB-protected" $EAL_BASE --file-prefix "$(prefix i$SEED)" \
		--lcores=0@1 $(port_of 0 ima) $(port_of 1 iba) $(port_of 2 ica) $(port_of 3 xia) \
		--vdev=net_pcap4,rx_pcap="$d/in.pcap" -- \
		--role il --master-port 0 --backup-port 1,2,3 --in-inside 4 --wait-protected \
		--rate-pps "$RATE" "${COMMON[@]}" >"$d/il.log" 2>&1
	IL=$!
}
# start_backup2 DIR: the fresh backup B2 (namespace c) on the IL's and OL's
#   second backup links, listening for B1's checkpoints. Sets BACKUP2.
start_backup2() {
	run_bg $(in_ns c) "$BIN/$MB-protected" $EAL_BASE --file-prefix "$(prefix c$SEED)" \
		"${LCORES[@]}" $(port_of 0 icb) $(port_of 1 coa) -- \
		--role backup --il-port 0 --ol-port 1 --ckpt-listen 10.99.0.6:$CKPORT2 \
		--hb-timeout-ms "$HBTO" "${COMMON[@]}" "${MBA[@]}" >"$1/backup2.log" 2>&1
	BACKUP2=$!
}
# kill_backup1: SIGKILL to B1 (the master since its takeover) and its writer
kill_backup1() { kill -9 -- "-$BACKUP" 2>/dev/null || kill -9 "$BACKUP"; wait "$BACKUP" 2>/dev/null; }
