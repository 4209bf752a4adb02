#!/usr/bin/env bash
# A master joined to its IL and OL by net_memif survives its peers going
# away while traffic flows, round after round: each round starts an OL and
# an IL (reading a capture in a loop), waits until the master is protected
# and traffic moves, then stops both, with SIGTERM in three rounds out of
# four and SIGKILL in the fourth, the IL or the OL first.
# Why it can fail: DPDK 22.11's memif PMD unmaps the departed peer's memory
# from the EAL interrupt thread while an lcore may be inside a burst on that
# memory; the master runs on one CPU (taskset -c 0, all its lcores there) so
# that the interrupt thread preempts the lcores at any point, mid-burst
# included. Before runtime/dpdk/dp_memif_guard.c the master died of SIGSEGV
# within 1-10 rounds in most runs of 15.
# Then: the master still forwards, protected, through a last IL and OL,
# and exits cleanly. usage: t_memif_peers.sh BIN MB
# (env FTMB_MEMIF_PEER_ROUNDS, default 16)
BIN=$1 MB=$2
source "$(dirname "$0")/lib.sh"
ROUNDS=${FTMB_MEMIF_PEER_ROUNDS:-16}
command -v taskset >/dev/null || fail "taskset (util-linux) not found"

"$PCAPGEN" traffic "$T/in.pcap" -n 4000 -f 32 -s 31 >/dev/null || fail pcapgen
COMMON=(--run-ms 600000 --idle-sleep-max-us 200)
run_bg taskset -c 0 "$BIN/$MB-protected" $EAL_BASE --file-prefix "$(prefix m)" --lcores=0@0,1@0 \
	--vdev=net_memif0,role=server,socket="$T/il.sock",id=0 \
	--vdev=net_memif1,role=server,socket="$T/ol.sock",id=1 --vdev=net_null0 -- \
	--role master --il-port 0 --ol-port 1 --out-outside 2 --out-inside 2 \
	--peer-timeout-us 20000 "${COMMON[@]}" >"$T/master.log" 2>&1
MASTER=$!
wait_log "$T/master.log" "master: ports started" # memif clients connect after it

start_peers() { # start_peers K: OL and IL of round K -> $OL $IL
	run_bg "$BIN/$MB-protected" $EAL_BASE --file-prefix "$(prefix o$1)" --lcores=0@1 \
		--vdev=net_memif0,role=client,socket="$T/ol.sock",id=1 --vdev=net_null1 -- \
		--role ol --master-port 0 --out-outside 1 --out-inside 1 "${COMMON[@]}" \
		>"$T/ol$1.log" 2>&1
	OL=$!
	run_bg "$BIN/$MB-protected" $EAL_BASE --file-prefix "$(prefix i$1)" --lcores=0@1 \
		--vdev=net_memif0,role=client,socket="$T/il.sock",id=0 \
		--vdev=net_pcap1,rx_pcap="$T/in.pcap",infinite_rx=1 -- \
		--role il --master-port 0 --in-inside 1 "${COMMON[@]}" >"$T/il$1.log" 2>&1
	IL=$!
}
protections() { grep -c "master: protected" "$T/master.log"; }
master_alive() {
	kill -0 "$MASTER" 2>/dev/null && return 0
	wait "$MASTER"
	local rc=$?
	fail "the master died (exit status $rc, above 128: a signal; $1): $(tail -3 "$T/master.log")"
}
wait_protected() { # wait_protected N: the master logged its N-th protection
	for _ in $(seq 600); do
		[ "$(protections)" -ge "$1" ] && return 0
		master_alive "waiting for protection $1"
		sleep 0.05
	done
	fail "no protection $1 within 30 s: $(tail -3 "$T/master.log")"
}

for k in $(seq "$ROUNDS"); do
	start_peers "$k"
	wait_protected "$k"
	sleep 0.$((3 + k % 4))  # traffic flows through IL -> master -> OL
	sig=TERM
	[ $((k % 4)) = 0 ] && sig=KILL
	if [ $((k % 2)) = 0 ]; then first=$OL second=$IL; else first=$IL second=$OL; fi
	kill -"$sig" "$first"; sleep 0.05; kill -"$sig" "$second"
	wait "$first" "$second" 2>/dev/null
	sleep 0.05
	master_alive "round $k: IL and OL stopped with SIG$sig"
done

# the master still works: one more IL and OL, protected, outputs released
k=$((ROUNDS + 1))
start_peers "$k"
wait_protected "$k"
sleep 0.5
kill -TERM "$IL"; wait "$IL" || fail "the last IL exited with an error"
kill -TERM "$OL"; wait "$OL" || fail "the last OL exited with an error"
master_alive "after the last round"
kill -TERM "$MASTER"; wait "$MASTER" || fail "the master exited with an error: $(tail -3 "$T/master.log")"
need_stat "$T/ol$k.log" released -gt 0
need_stat "$T/master.log" pkts_in -gt 0
# round 1's OL, stopped with SIGTERM, released outputs (a clean stop prints its counters)
need_stat "$T/ol1.log" released -gt 0
echo "PASS: the master survived $ROUNDS rounds of its memif peers stopping" \
	"($(grep -c "OL gone" "$T/master.log") OL losses seen, $(protections) protections);" \
	"$(counter "$T/master.log" pkts_in) packets in, last OL released $(counter "$T/ol$k.log" released)"
