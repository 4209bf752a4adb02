#!/usr/bin/env bash
# Run every benchmark (bench/*.sh) against build dir $1 and collect their
# CSV rows (metric,value,unit) into bench/results/summary.csv, then draw
# docs/img/*.png from it (scripts/plots.sh).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$top/build}" && pwd)
out=$top/bench/results/summary.csv
mkdir -p "$top/bench/results"
tmp=$(mktemp)
status=0
for b in "$top"/bench/*.sh; do
  [ -e "$b" ] || continue
  echo "== $(basename "$b")" >&2
  if ! bash "$b" "$build" >>"$tmp"; then
    echo "bench: $(basename "$b") failed" >&2
    status=1
  fi
done
{ echo "metric,value,unit"; grep -E '^[A-Za-z0-9_]+,[-0-9.eE+]+,[^,]*$' "$tmp"; } >"$out"
rm -f "$tmp"
echo "bench: wrote $out" >&2
column -s, -t "$out" >&2 || cat "$out" >&2
# Plots of the figures against the paper's (docs/img/*.png, docs/performance.md);
# a plotting problem is reported but does not change the benchmarks' status.
bash "$top/scripts/plots.sh" "$out" "$top/docs/img" || echo "bench: plots failed (scripts/plots.sh)" >&2
exit $status
