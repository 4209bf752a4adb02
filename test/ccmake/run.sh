#!/bin/sh
# Builds test/ccmake/project unmodified with `make CC=ftmb-cc`, checks that
# every object was instrumented, runs it and checks its output.
# Usage: run.sh <ftmb-cc> <work dir>
set -eu
ftmbcc_driver=$1
work=$2
src=$(cd "$(dirname "$0")/project" && pwd)
rm -rf "$work"
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
cp "$src"/*.c "$src"/*.h "$src"/Makefile "$work"/
make -s -C "$work" CC="$ftmbcc_driver"
for o in main.o worker.o state.o; do
	if ! nm "$work/$o" | grep -q __ftmb_register_tu; then
		echo "FAIL: $o was not rewritten by ftmbcc" >&2
		exit 1
	fi
done
nm "$work/state.o" | grep -q 'U __ftmb_lock_begin' || { echo "FAIL: lock not logged" >&2; exit 1; }
out=$("$work/counter")
expected="packets=4000 bytes=15988 flow_bytes=15988"
if [ "$out" != "$expected" ]; then
	echo "FAIL: got '$out', expected '$expected'" >&2
	exit 1
fi
echo "ok: $out"
