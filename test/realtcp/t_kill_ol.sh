#!/usr/bin/env bash
# Real TCP through the protected NAT while the output logger is killed
# with SIGKILL and a new one started (SPEC §2: the master keeps forwarding,
# unprotected, until an OL is back; docs/runtime.md "No downtime").
# $CONNS connections move $BYTES each way; the uploads stop at two hold
# points (tcp_peer.py --hold), so every connection is known to be in the
# middle of its transfer when we act, while the downloads keep flowing:
#   phase 1: IL -> master -> OL 1 (protected) up to a third of the upload;
#   kill -9 OL 1; the master must notice ("OL gone"); phase 2 up to two
#   thirds of the upload with no OL at all: outputs leave straight from
#   the master (direct_out grows);
#   start OL 2; the master must SYNC it ("protected" again); phase 3: the
#   rest, released by OL 2.
# Then: every transfer complete with equal SHA-256 at both ends,
# translated, correct checksums (as t_transfer.sh), and the counters of
# each phase show where the traffic went.
# usage: t_kill_ol.sh BIN
BIN=$1
# a slower, paced transfer with three phases: more time for everything
PEER_TIMEOUT=${FTMB_REALTCP_TIMEOUT:-150}
source "$(dirname "$0")/realtcp_lib.sh"
RATE=${FTMB_REALTCP_RATE:-1000000}   # bytes/s per direction and connection

start_sniffers
start_protected
start_server --rate "$RATE"
start_client --rate "$RATE" --hold "0.3333333333=$T/go1" --hold "0.6666666666=$T/go2"
# the hold offsets as the client computes them: int(fraction * bytes)
H1=$("$PY" -c "print(int(0.3333333333 * $BYTES))")
H2=$("$PY" -c "print(int(0.6666666666 * $BYTES))")
wait_until 100 "every upload at its first hold point ($H1 bytes)" progress_at_least "$H1"

# phase 1 went through OL 1
REL1=$(telemetry o1 released)
[ -n "$REL1" ] && [ "$REL1" -gt 0 ] || fail "OL 1 released nothing before the kill ($REL1)"

# phase 2: no OL
kill -9 "$OL1"
wait "$OL1" 2>/dev/null
LAST_OL=""
wait_until 20 "the master to notice the OL is gone" roles_up_and log_has "$T/master.log" "OL gone"
DIRECT0=$(telemetry m direct_out)
touch "$T/go1"
P2_T0=$(date +%s.%N)
wait_until 100 "every upload at its second hold point ($H2 bytes) with no OL" progress_at_least "$H2"
P2_S=$(elapsed "$P2_T0")
DIRECT1=$(telemetry m direct_out)
[ -n "$DIRECT1" ] && [ "$DIRECT1" -gt "${DIRECT0:-0}" ] ||
	fail "the master sent nothing straight out while the OL was gone (direct_out $DIRECT0 -> $DIRECT1)"

# phase 3: a new OL
NPROT=$(grep -c "master: protected" "$T/master.log")
start_ol 2
OL2=$LAST_OL
wait_until 30 "the master to be protected by OL 2" \
	roles_up_and log_has "$T/master.log" "master: protected" $((NPROT + 1))
DIRECTP=$(telemetry m direct_out)
touch "$T/go2"
finish_transfer --external-ip $EXT_IP --port-range $PORT_RANGE
check_sniffers
stop_pid "$IL"; stop_pid "$MASTER"; stop_pid "$OL2"

need_stat "$T/ol2.log" released -gt 0      # protection resumed: outputs through OL 2
grep -q "synced with master (gen [0-9]*, $MASTER_CORES cores)" "$T/ol2.log" ||
	fail "OL 2 was not synced with a $MASTER_CORES-core master: $(grep synced "$T/ol2.log")"
need_stat "$T/master.log" pals -gt 0
# (direct_out after the re-sync is reported, not required to be 0: on a
# loaded machine a slow heartbeat may drop protection again for a while)
echo "PASS: OL killed mid-transfer ($MASTER_CORES master cores): $CONNS x $BYTES bytes each way complete in ${TRANSFER_S}s;" \
	"OL 1 released $REL1 and was killed after ${H1} bytes up;" \
	"with no OL the master sent $((DIRECT1 - ${DIRECT0:-0})) frames straight out (phase of ${P2_S}s);" \
	"OL 2 released $(counter "$T/ol2.log" released);" \
	"direct_out after the re-sync: $(( $(counter "$T/master.log" direct_out) - ${DIRECTP:-0} ))"
