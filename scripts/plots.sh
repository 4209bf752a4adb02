#!/usr/bin/env bash
# scripts/plots.sh [summary.csv] [output dir]
#
# Draws the benchmark figures of bench/results/summary.csv (written by
# scripts/bench.sh, i.e. `make bench`) into PNG plots, next to the FTMB
# paper's figures (SPEC.md §8) and the project's targets:
#   dataplane_throughput.png  throughput_ratio_E per middlebox E; band of the
#                             paper's 5-30 % overhead, line at the 0.90 target
#   dataplane_latency.png     latency_added_median_us_E and _p99_us_E (log);
#                             lines at the paper's 30 us and the 5 us target
#   core_costs.png            PAL and release-check costs in ns (log) against
#                             the paper's ~4 us (master) / ~3.5 us (OL) per PAL
#   recovery.png              recovery time and its split (ms), checkpoint
#                             stop per 64 MiB (ms), against the paper's
#                             40-275 ms and up to 6 ms
# Any other bench/results/*.csv with metric,value,unit rows is read too (a
# metric found twice: the summary wins). A plot whose rows are all missing is
# skipped with a note on stderr. Needs gnuplot (Debian gnuplot-nox) with the
# pngcairo terminal (falls back to png).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
summary=${1:-$top/bench/results/summary.csv}
out=${2:-$top/docs/img}

command -v gnuplot >/dev/null || { echo "plots: gnuplot not found (apt-get install gnuplot-nox)" >&2; exit 1; }
[ -r "$summary" ] || { echo "plots: no $summary (run make bench first)" >&2; exit 1; }
mkdir -p "$out"

if gnuplot -e 'set terminal' 2>&1 | grep -qw pngcairo; then
  term='pngcairo size 960,560 font "DejaVu Sans,11" noenhanced'
else
  term='png size 960,560 font "DejaVu Sans,11" noenhanced'
fi

T=$(mktemp -d /tmp/ftmb-plots.XXXXXX)
trap 'rm -rf "$T"' EXIT

# All rows, summary first; later duplicates of a metric are dropped.
{
  cat "$summary"
  for f in "$(dirname "$summary")"/*.csv; do
    if [ -e "$f" ] && [ "$f" != "$summary" ]; then cat "$f"; fi
  done
} | awk -F, 'NF == 3 && $1 ~ /^[A-Za-z0-9_]+$/ && $2 ~ /^[-0-9.eE+]+$/ && !seen[$1]++' >"$T/all.csv"

val() { awk -F, -v m="$1" '$1 == m { print $2; exit }' "$T/all.csv"; }

# ---- (a) dataplane, per middlebox -------------------------------------
# examples in the order found; columns: name ratio median p99 pals
awk -F, '
  $1 ~ /^throughput_ratio_/ { n = substr($1, 18); if (!(n in r)) order[++k] = n; r[n] = $2 }
  $1 ~ /^latency_added_median_us_/ { n = substr($1, 25); if (!(n in r)) order[++k] = n; r[n] = r[n]; med[n] = $2 }
  $1 ~ /^latency_added_p99_us_/ { n = substr($1, 22); if (!(n in r)) order[++k] = n; r[n] = r[n]; p99[n] = $2 }
  $1 ~ /^pals_per_packet_/ { pp[substr($1, 17)] = $2 }
  END {
    for (i = 1; i <= k; i++) {
      n = order[i]
      printf "%s %s %s %s %s\n", n, (r[n] == "" ? "NaN" : r[n]),
        (n in med ? med[n] : "NaN"), (n in p99 ? p99[n] : "NaN"), (n in pp ? pp[n] : "NaN")
    }
  }' "$T/all.csv" >"$T/dataplane.dat"

if [ -s "$T/dataplane.dat" ]; then
  gnuplot <<EOF
set terminal $term
set output "$out/dataplane_throughput.png"
set title "Throughput, protected / unprotected (one run, same 2 lcores)"
set ylabel "packets/s protected / packets/s unprotected"
set yrange [0:1.15]
set style fill solid 0.75 border -1
set boxwidth 0.6
set grid ytics
set key top right box opaque
set object 1 rect from graph 0, first 0.70 to graph 1, first 0.95 fc rgb "#d8e4f0" fs solid 1.0 noborder behind
set label 1 "FTMB paper: 5-30 % overhead (band)" at graph 0.01, first 0.97 left textcolor rgb "#305080"
set xtics nomirror
set bmargin 4
plot "$T/dataplane.dat" using 0:2:xtic(sprintf("%s\n%.1f PAL/pkt", strcol(1), \$5)) with boxes lc rgb "#4a7ab5" title "measured ratio", \
     "" using 0:(\$2 + 0.03):(sprintf("%.2f", \$2)) with labels notitle, \
     0.90 with lines dt 2 lw 2 lc rgb "#c03030" title "target >= 0.90 (low sharing)"
EOF

  # Log scale: values <= 0 (protected faster, noise) are drawn at 0.1 us;
  # the label above each bar always shows the measured value.
  gnuplot <<EOF
set terminal $term
set output "$out/dataplane_latency.png"
set title "Latency added by protection, one packet in flight (protected - unprotected)"
set ylabel "added latency, us (log scale; <= 0 drawn at 0.1)"
set logscale y
set yrange [0.1:*]
set style fill solid 0.75 border -1
set boxwidth 0.35
set grid ytics
set key below horizontal box
set xtics nomirror
c(v) = (v > 0.1 ? v : 0.1)
plot "$T/dataplane.dat" using 0:(1/0):xtic(1) with points notitle, \
     "" using (\$0 - 0.19):(c(\$3)) with boxes lc rgb "#4a7ab5" title "median", \
     "" using (\$0 + 0.19):(c(\$4)) with boxes lc rgb "#e0a040" title "99th percentile", \
     "" using (\$0 - 0.19):(c(\$3) * 1.25):(sprintf("%.1f", \$3)) with labels font ",9" notitle, \
     "" using (\$0 + 0.19):(c(\$4) * 1.25):(sprintf("%.1f", \$4)) with labels font ",9" notitle, \
     30 with lines dt 2 lw 2 lc rgb "#305080" title "FTMB paper: 30 us median", \
     5 with lines dt 3 lw 2 lc rgb "#c03030" title "target: median <= 5 us"
EOF
  echo "plots: $out/dataplane_throughput.png $out/dataplane_latency.png" >&2
else
  echo "plots: no dataplane rows, dataplane plots skipped" >&2
fi

# ---- (b) PAL and release-check costs ---------------------------------
: >"$T/core.dat"
while IFS='|' read -r metric label colour; do
  v=$(val "$metric")
  # gnuplot reads "\n" in a quoted data string as a line break; colours
  # go in as decimal integers for `lc rgb variable`
  [ -n "$v" ] && printf '"%s" %s %d\n' "$label" "$v" "$colour" >>"$T/core.dat"
done <<'ROWS'
access_ns_unprotected|unprotected\naccess|0x999999
pal_ns_off_mode|PAL\ncode,\nlogging off|0x999999
pal_ns_uncontended|PAL\nuncontended|0x4a7ab5
pal_ns_contended2|PAL\n2 threads,\n1 variable|0x4a7ab5
release_check_ns_8cores|release\ncheck,\n8 cores|0xe0a040
release_check_ns_64cores|release\ncheck,\n64 cores|0xe0a040
release_hold_poll_ns_8cores|hold+poll\nper packet,\n8 cores|0xe0a040
release_hold_poll_ns_64cores|hold+poll\nper packet,\n64 cores|0xe0a040
ROWS
if [ -s "$T/core.dat" ]; then
  gnuplot <<EOF
set terminal $term
set output "$out/core_costs.png"
set title "Per-access PAL cost and release check (ns, log scale)"
set ylabel "ns per operation (log scale)"
set logscale y
set yrange [0.5:100000]
set style fill solid 0.75 border -1
set boxwidth 0.6
set grid ytics
set key top right box opaque
set xtics nomirror font ",9"
set bmargin 5
plot "$T/core.dat" using 0:2:3:xtic(1) with boxes lc rgb variable notitle, \
     "" using 0:(\$2 * 1.35):(sprintf("%.1f", \$2)) with labels font ",9" notitle, \
     4000 with lines dt 2 lw 2 lc rgb "#305080" title "FTMB prototype: ~4 us per PAL at master", \
     3500 with lines dt 4 lw 2 lc rgb "#30a0a0" title "FTMB prototype: ~3.5 us per PAL at output logger", \
     50 with lines dt 3 lw 2 lc rgb "#c03030" title "target: PAL <= 50 ns", \
     20 with lines dt 3 lw 2 lc rgb "#e07030" title "target: release check (8 cores) <= 20 ns"
EOF
  echo "plots: $out/core_costs.png" >&2
else
  echo "plots: no runtime-core rows, core plot skipped" >&2
fi

# ---- (c) recovery and checkpoints --------------------------------------
: >"$T/rec.dat"
while IFS='|' read -r metric label; do
  v=$(val "$metric")
  [ -n "$v" ] && printf '"%s" %s\n' "$label" "$v" >>"$T/rec.dat"
done <<'ROWS'
recovery_ms_50ms_interval|total,\nkill to first\nrelease
recovery_detect_ms_50ms_interval|detection
recovery_restore_ms_50ms_interval|restore
recovery_cut_ms_50ms_interval|cut
recovery_replay_ms_50ms_interval|replay
ROWS
: >"$T/ckpt.dat"
while IFS='|' read -r metric label; do
  v=$(val "$metric")
  [ -n "$v" ] && printf '"%s" %s\n' "$label" "$v" >>"$T/ckpt.dat"
done <<'ROWS'
ckpt_stop_ms_64MB|stop,\nfork, THP
ckpt_stop_ms_64MB_4k|stop,\nfork, 4 KiB
ckpt_stop_ms_64MB_dpdk|stop,\nin DPDK\nprocess
ckpt_memcpy_ms_64MB|memcpy of\nthe state\n(reference)
ROWS
if [ -s "$T/rec.dat" ] || [ -s "$T/ckpt.dat" ]; then
  gnuplot <<EOF
set terminal $term
set output "$out/recovery.png"
set multiplot layout 1,2 title "Recovery (checkpoint every 50 ms, heartbeat timeout 10 ms) and checkpoint stop (64 MiB of state)"
set style fill solid 0.75 border -1
set boxwidth 0.6
set grid ytics
set logscale y
set xtics nomirror font ",9"
set bmargin 5
set key top right box opaque font ",9"
set title "Recovery time, median of failures (ms, log)"
set ylabel "ms (log scale)"
set yrange [0.01:1000]
set object 1 rect from graph 0, first 40 to graph 1, first 275 fc rgb "#d8e4f0" fs solid 1.0 noborder behind
set label 1 "FTMB paper: 40-275 ms" at graph 0.02, first 200 left textcolor rgb "#305080" font ",9"
if ($( [ -s "$T/rec.dat" ] && echo 1 || echo 0 )) {
  plot "$T/rec.dat" using 0:(\$2 > 0.01 ? \$2 : 0.01):xtic(1) with boxes lc rgb "#4a7ab5" notitle, \
       "" using 0:((\$2 > 0.01 ? \$2 : 0.01) * 1.4):(sprintf("%.3g", \$2)) with labels font ",9" notitle, \
       50 with lines dt 3 lw 2 lc rgb "#c03030" title "target <= 50 ms"
} else {
  set label 2 "no recovery rows" at graph 0.5, graph 0.5 center
  plot 1/0 notitle
}
unset object 1
unset label 1
unset label 2
set title "Checkpoint stop per checkpoint (ms, log)"
set yrange [0.01:100]
if ($( [ -s "$T/ckpt.dat" ] && echo 1 || echo 0 )) {
  plot "$T/ckpt.dat" using 0:(\$2 > 0.01 ? \$2 : 0.01):xtic(1) with boxes lc rgb "#e0a040" notitle, \
       "" using 0:((\$2 > 0.01 ? \$2 : 0.01) * 1.4):(sprintf("%.3g", \$2)) with labels font ",9" notitle, \
       6 with lines dt 2 lw 2 lc rgb "#305080" title "FTMB paper: up to 6 ms (VM snapshot)", \
       1 with lines dt 3 lw 2 lc rgb "#c03030" title "target <= 1 ms"
} else {
  set label 2 "no checkpoint rows" at graph 0.5, graph 0.5 center
  plot 1/0 notitle
}
unset multiplot
EOF
  echo "plots: $out/recovery.png" >&2
else
  echo "plots: no recovery or checkpoint rows, recovery plot skipped" >&2
fi
