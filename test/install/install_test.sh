#!/usr/bin/env bash
# Install ftmb into a temporary prefix, then build a user's project against
# it three ways: find_package(ftmb) + ftmb_rewrite, pkg-config, and
# ftmb-cc as CC. Each build must log the shared accesses (ftmbcc ran) and
# print the same result as the plain program.
set -euo pipefail
build=$1 src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
export PATH="$tmp/prefix/bin:$PATH"
want=$(cc -I "$tmp/prefix/include" "$src/consumer/counter.c" -o "$tmp/plain" && "$tmp/plain")

# 1. CMake package
cmake -S "$src/consumer" -B "$tmp/b1" -DCMAKE_PREFIX_PATH="$tmp/prefix" >/dev/null
cmake --build "$tmp/b1" >/dev/null
grep -q "__ftmb_begin" "$tmp"/b1/ftmb/counter*.c
got=$(FTMB_MODE=record FTMB_LOG="$tmp/log1" "$tmp/b1/counter")
[ "$got" = "$want" ] || { echo "cmake package: got '$got', want '$want'"; exit 1; }

# 2. pkg-config
export PKG_CONFIG_PATH="$tmp/prefix/lib/pkgconfig"
ftmbcc "$src/consumer/counter.c" -o "$tmp/counter.ftmb.c" -- -I "$src/consumer"
cc $(pkg-config --cflags ftmb) -I "$src/consumer" "$tmp/counter.ftmb.c" \
   $(pkg-config --libs ftmb) -o "$tmp/pc"
got=$("$tmp/pc")
[ "$got" = "$want" ] || { echo "pkg-config: got '$got', want '$want'"; exit 1; }

# 3. the drop-in compiler
ftmb-cc -I "$src/consumer" "$src/consumer/counter.c" -o "$tmp/dropin"
nm "$tmp/dropin" >"$tmp/syms"; grep -q "__ftmb_end" "$tmp/syms" || { echo "ftmb-cc: runtime not linked"; exit 1; }
got=$("$tmp/dropin")
[ "$got" = "$want" ] || { echo "ftmb-cc: got '$got', want '$want'"; exit 1; }
echo "install: 3 passed, 0 failed"
