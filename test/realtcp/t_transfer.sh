#!/usr/bin/env bash
# Real TCP through the NAT: $CONNS connections at once (default 4), each
# moving $BYTES (default 2 MiB) each way between a client in the inside
# namespace and a server in the outside namespace (realtcp_lib.sh draws the
# topology). MODE protected: IL -> master -> OL, three processes over
# net_memif; MODE unprotected: the plain NAT program.
# Checks: the SHA-256 of every direction matches at both ends; the server
# saw every connection from the NAT's external address and a pool port,
# one port per connection; every TCP frame reaching a host has correct
# IPv4 and TCP checksums and translated addresses; the IL never took the
# NAT's own output as input; protected: outputs were released by the OL.
# usage: t_transfer.sh BIN protected|unprotected
BIN=$1 MODE=$2
source "$(dirname "$0")/realtcp_lib.sh"

[ "$MODE" = protected ] || [ "$MODE" = unprotected ] || fail "mode must be protected or unprotected"
start_sniffers  # first: they must see anything the NAT sends
if [ "$MODE" = protected ]; then start_protected; else start_unprotected; fi
start_server
start_client
finish_transfer --external-ip $EXT_IP --port-range $PORT_RANGE
check_sniffers
SENT=$(host_frames)

if [ "$MODE" = protected ]; then
	stop_pid "$IL"; stop_pid "$MASTER"; stop_pid "$OL1"
	need_stat "$T/il.log" il_logged -gt 0
	need_stat "$T/master.log" pkts_in -gt 0
	need_stat "$T/ol1.log" released -gt 0
	# the master's cores, as the OL learned them in the SYNC
	grep -q "synced with master (gen [0-9]*, $MASTER_CORES cores)" "$T/ol1.log" ||
		fail "the OL was not synced with a $MASTER_CORES-core master: $(grep synced "$T/ol1.log")"
	# the IL reads the same veths the OL writes: it must not see those frames
	need_stat "$T/il.log" il_logged -le "$SENT"
	echo "PASS: protected NAT ($MASTER_CORES master cores), $CONNS x $BYTES bytes each way in ${TRANSFER_S}s;" \
		"IL logged $(counter "$T/il.log" il_logged) of $SENT host frames," \
		"OL released $(counter "$T/ol1.log" released)," \
		"master sent $(counter "$T/master.log" direct_out) directly"
else
	stop_pid "$UNPROT"
	need_stat "$T/unprotected.log" pkts_out -gt 0
	need_stat "$T/unprotected.log" pkts_in -le "$SENT"
	echo "PASS: unprotected NAT, $CONNS x $BYTES bytes each way in ${TRANSFER_S}s"
fi
