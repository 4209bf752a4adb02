#!/usr/bin/env bash
# PAL batches dropped on purpose between master and OL (--drop-pals K, here 3:
# every K-th PALS frame) delay releases but never let an output out before
# the PALs it depends on: the OL's event log is checked offline
# (check_release.py), the master must have resent, the OL must have seen
# gaps, and the outputs still equal the unprotected run's. Meanwhile the
# master stops every worker at a packet boundary every 5 ms (the quiesce
# barrier a checkpoint uses) and checks that nothing moves while stopped.
# The capture is read as fast as the roles go, so the master->OL link runs
# full: a lost batch must be resent at once (the OL's gap ACK), and the
# master's send window must keep the OL's hold FIFO from overflowing: no
# output may be dropped (hold_full = 0). 20,000 packets by default (the
# old timeout-only resend lost outputs from about 10,000 on). Peers are
# judged gone only after 1 s of silence: this test is about lost PAL
# batches, and on a loaded machine a role can be descheduled for 50 ms
# (the default timeout), which would switch protection off and on.
# usage: t_drop_pals.sh BIN MB
BIN=$1 MB=$2
source "$(dirname "$0")/lib.sh"
N=${FTMB_PIPELINE_PACKETS:-20000}

"$PCAPGEN" traffic "$T/in.pcap" -n "$N" -f 32 -s 3 >/dev/null || fail pcapgen
reference "$T/in.pcap" "$T"
"$BIN/$MB-protected" $EAL_BASE --file-prefix "$(prefix drop)" "${LCORES[@]}" \
	--vdev=net_pcap0,rx_pcap="$T/in.pcap" --vdev=net_pcap1,tx_pcap="$T/drop_out.pcap" \
	--vdev=net_pcap2,tx_pcap="$T/drop_in.pcap" -- --role single \
	--in-inside 0 --out-outside 1 --out-inside 2 --wait-protected \
	--drop-pals 3 --resend-us 500 --event-log "$T/events.txt" --quiesce-every-ms 5 \
	--peer-timeout-us 1000000 \
	--stop-after-idle-ms 500 --run-ms 20000 --idle-sleep-max-us 100 "${MBA[@]}" \
	>"$T/drop.log" 2>&1 || fail "protected run failed: $(tail -3 "$T/drop.log")"
need_stat "$T/drop.log" pal_dropped -gt 0
need_stat "$T/drop.log" pal_resent -gt 0
need_stat "$T/drop.log" pal_nacks -gt 0  # gaps were acked at once, not left to the timer
need_stat "$T/drop.log" hold_full -eq 0  # no output dropped at the OL
need_stat "$T/drop.log" mbuf_fail -eq 0
# (pal_gaps: how many frames arrived after a hole before the resend; it
# depends on burst timing, so it is reported, not required)
need_stat "$T/drop.log" quiesces -gt 0   # the checkpoint barrier held, repeatedly
python3 "$HERE/check_release.py" "$T/events.txt" --min-releases "$(counter "$T/ref.log" pkts_out)" ||
	fail "release order violated (events in $T/events.txt)"
compare "$T" drop
# the checker itself must catch an early release: move the first release
# in front of every PAL and expect a failure
python3 - "$T/events.txt" "$T/events_bad.txt" <<'PY'
import sys
lines = open(sys.argv[1]).read().splitlines()
r = next(l for l in lines if l.startswith('R '))
h = next(l for l in lines if l.startswith('H ') and l.split()[1:4] == r.split()[1:4])
rest = [l for l in lines if l not in (r, h)]
open(sys.argv[2], 'w').write('\n'.join([h, r] + rest) + '\n')
PY
if python3 "$HERE/check_release.py" "$T/events_bad.txt" 2>/dev/null; then
	fail "check_release.py accepted a release before its PALs"
fi
# The master's send window: an OL that holds only 64 outputs per core
# (--hold-cap 64, announced in its ACKs) must still lose none while R
# stalls behind lost batches: the master keeps the outputs until the OL
# can hold them (without the window this run drops thousands).
"$BIN/$MB-protected" $EAL_BASE --file-prefix "$(prefix win)" "${LCORES[@]}" \
	--vdev=net_pcap0,rx_pcap="$T/in.pcap" --vdev=net_pcap1,tx_pcap="$T/win_out.pcap" \
	--vdev=net_pcap2,tx_pcap="$T/win_in.pcap" -- --role single \
	--in-inside 0 --out-outside 1 --out-inside 2 --wait-protected \
	--drop-pals 3 --resend-us 500 --hold-cap 64 --event-log "$T/win_events.txt" \
	--peer-timeout-us 1000000 \
	--stop-after-idle-ms 500 --run-ms 20000 --idle-sleep-max-us 100 "${MBA[@]}" \
	>"$T/win.log" 2>&1 || fail "protected run (--hold-cap 64) failed: $(tail -3 "$T/win.log")"
need_stat "$T/win.log" pal_dropped -gt 0
need_stat "$T/win.log" hold_full -eq 0
need_stat "$T/win.log" peer_down -eq 0
python3 "$HERE/check_release.py" "$T/win_events.txt" --min-releases "$(counter "$T/ref.log" pkts_out)" ||
	fail "release order violated with --hold-cap 64 (events in $T/win_events.txt)"
compare "$T" win
echo "PASS: $MB with every 3rd PAL batch dropped: $(counter "$T/drop.log" pal_dropped) dropped, $(counter "$T/drop.log" pal_resent) resent, no early release, none lost (also with --hold-cap 64)"
