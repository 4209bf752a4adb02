#!/bin/sh
# Configures and builds test/ccmake/cmake_project, whose sources go through
# ftmb_rewrite() (cmake/FtmbRewrite.cmake), checks the rewritten files, then
# touches a header and checks that ftmbcc re-runs (DEPFILE from --depfile).
# Usage: run_cmake_project.sh <ftmbcc> <ftmb include dir> <module> <work dir>
set -eu
ftmbcc=$1 inc=$2 module=$3 work=$4
src=$(cd "$(dirname "$0")/cmake_project" && pwd)
rm -rf "$work"
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
cp -r "$src" "$work/src"
cmake -S "$work/src" -B "$work/build" -DFTMBCC_EXECUTABLE="$ftmbcc" \
	-DFTMB_INCLUDE="$inc" -DFTMB_REWRITE_MODULE="$module" > "$work/configure.log"
cmake --build "$work/build" > "$work/build1.log"
for f in main counter; do
	grep -q '__ftmb_begin(&__ftmb_var_counter)' "$work/build/ftmb/$f.c" ||
		{ echo "FAIL: ftmb/$f.c not rewritten" >&2; exit 1; }
done
sleep 1
touch "$work/src/include/counter.h"
cmake --build "$work/build" > "$work/build2.log"
grep -q "ftmbcc main.c" "$work/build2.log" ||
	{ echo "FAIL: header change did not re-run ftmbcc" >&2; cat "$work/build2.log" >&2; exit 1; }
echo "ok: ftmb_rewrite builds and tracks headers"
