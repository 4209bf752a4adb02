#!/usr/bin/env bash
# IL, master and OL joined by net_memif all stop at the same moment, round
# after round, and every one of them exits cleanly (status 0): none dies of
# SIGSEGV while it closes its ports and its peer closes the other end.
# First, a memif client whose server never comes: an error after 5 s of
# retries, or a clean exit when it is stopped (SIGTERM) meanwhile; and one
# that its server refuses: a warning after 2 s with its link down.
# Why it can fail: DPDK 22.11's memif PMD handles a peer's departure on the
# EAL interrupt thread (memif_intr_handler -> memif_disconnect). If the
# process closes the same port from its main thread at that moment, the
# close frees the port's queues while the interrupt thread still writes to
# them; rte_eal_cleanup then unmaps DPDK's memory under it. The master of
# pipeline_memif_fwd died that way in CI (about 1 run in 25).
# dp_ports_stop closes memif ports on the interrupt thread
# (runtime/dpdk/dp_memif_guard.c, dp_memif_close_and_park).
# The roles run on one CPU (taskset -c 0), so that the interrupt thread is
# preempted at any point. usage: t_memif_stop.sh BIN MB
# (env FTMB_MEMIF_STOP_ROUNDS, default 12)
BIN=$1 MB=$2
source "$(dirname "$0")/lib.sh"
ROUNDS=${FTMB_MEMIF_STOP_ROUNDS:-12}
# the master's interrupt thread takes this much longer over a departed
# peer's unmaps (fault injection, runtime/dpdk/dp_memif_guard.c), so that
# its main thread's close meets it there
DELAY=${FTMB_MEMIF_STOP_DELAY_US:-20000}
command -v taskset >/dev/null || fail "taskset (util-linux) not found"

"$PCAPGEN" traffic "$T/in.pcap" -n 2000 -f 32 -s 37 >/dev/null || fail pcapgen
COMMON=(--run-ms 600000 --idle-sleep-max-us 200)

round() { # round K: start the three roles, let traffic flow, stop all at once
	local k=$1 m i o
	run_bg env FTMB_FAULT_MEMIF_UNMAP_DELAY_US="$DELAY" taskset -c 0 \
		"$BIN/$MB-protected" $EAL_BASE --file-prefix "$(prefix m$k)" --lcores=0@0,1@0 \
		--vdev=net_memif0,role=server,socket="$T/il$k.sock",id=0 \
		--vdev=net_memif1,role=server,socket="$T/ol$k.sock",id=1 --vdev=net_null0 -- \
		--role master --il-port 0 --ol-port 1 --out-outside 2 --out-inside 2 \
		"${COMMON[@]}" >"$T/master$k.log" 2>&1
	m=$!
	wait_log "$T/master$k.log" "master: ports started" # memif clients connect after it
	run_bg taskset -c 0 "$BIN/$MB-protected" $EAL_BASE --file-prefix "$(prefix o$k)" \
		--lcores=0@0 --vdev=net_memif0,role=client,socket="$T/ol$k.sock",id=1 \
		--vdev=net_null1 -- \
		--role ol --master-port 0 --out-outside 1 --out-inside 1 "${COMMON[@]}" \
		>"$T/ol$k.log" 2>&1
	o=$!
	wait_log "$T/master$k.log" "master: protected"
	run_bg taskset -c 0 "$BIN/$MB-protected" $EAL_BASE --file-prefix "$(prefix i$k)" \
		--lcores=0@0 --vdev=net_memif0,role=client,socket="$T/il$k.sock",id=0 \
		--vdev=net_pcap1,rx_pcap="$T/in.pcap",infinite_rx=1 -- \
		--role il --master-port 0 --in-inside 1 --wait-protected "${COMMON[@]}" \
		>"$T/il$k.log" 2>&1
	i=$!
	wait_log "$T/master$k.log" "IL is up"
	sleep 0.$((2 + k % 3)) # traffic flows IL -> master -> OL
	kill -TERM "$i" "$o" "$m"
	for p in "$m:master" "$i:il" "$o:ol"; do
		wait "${p%%:*}" ||
			fail "round $k: the ${p#*:} exited with status $? (above 128: a signal):" \
				"$(tail -2 "$T/${p#*:}$k.log")"
	done
}

# a memif client with no server: a clear error after 5 s of retries;
# stopped with SIGTERM while it retries, a clean exit
lonely_il() { # lonely_il NAME: an IL whose master never comes
	run_bg "$BIN/$MB-protected" $EAL_BASE --file-prefix "$(prefix "$1")" --lcores=0@0 \
		--vdev=net_memif0,role=client,socket="$T/nobody.sock",id=0 \
		--vdev=net_pcap1,rx_pcap="$T/in.pcap" -- \
		--role il --master-port 0 --in-inside 1 "${COMMON[@]}" >"$T/$1.log" 2>&1
}
lonely_il lonely1
wait "$!" && fail "an IL with no memif server exited with status 0"
grep -q "port 0: start" "$T/lonely1.log" || fail "no clear error: $(tail -2 "$T/lonely1.log")"
lonely_il lonely2
wait_log "$T/lonely2.log" "Failed to connect" # (after the SIGTERM handler is set)
kill -TERM "$!"
wait "$!" || fail "an IL stopped while its port started exited with status $?"
grep -q "stopped before port 0 started" "$T/lonely2.log" ||
	fail "lonely2: $(tail -2 "$T/lonely2.log")"

# a memif client that its server refuses (the ids differ: id=7 against
# id=0; as when it connects before the server's port started): its link
# stays down, and after 2 s it says why
run_bg "$BIN/$MB-protected" $EAL_BASE --file-prefix "$(prefix rm)" --lcores=0@0,1@0 \
	--vdev=net_memif0,role=server,socket="$T/r_il.sock",id=0 \
	--vdev=net_memif1,role=server,socket="$T/r_ol.sock",id=1 --vdev=net_null0 -- \
	--role master --il-port 0 --ol-port 1 --out-outside 2 --out-inside 2 \
	"${COMMON[@]}" >"$T/refusing.log" 2>&1
RM=$!
wait_log "$T/refusing.log" "master: ports started"
run_bg "$BIN/$MB-protected" $EAL_BASE --file-prefix "$(prefix ri)" --lcores=0@0 \
	--vdev=net_memif0,role=client,socket="$T/r_il.sock",id=7 \
	--vdev=net_pcap1,rx_pcap="$T/in.pcap" -- \
	--role il --master-port 0 --in-inside 1 "${COMMON[@]}" >"$T/refused.log" 2>&1
RI=$!
wait_log "$T/refused.log" "memif client link down for 2 s"
kill -TERM "$RI" "$RM"
wait "$RI" || fail "the refused IL exited with status $?"
wait "$RM" || fail "the refusing master exited with status $?"

for k in $(seq "$ROUNDS"); do round "$k"; done
need_stat "$T/master$ROUNDS.log" pkts_in -gt 0
need_stat "$T/ol$ROUNDS.log" released -gt 0
echo "PASS: $ROUNDS rounds of IL, master and OL stopping at once over memif," \
	"all exited cleanly (last round: $(counter "$T/master$ROUNDS.log" pkts_in) packets in)"
