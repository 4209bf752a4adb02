#!/usr/bin/env python3
"""Writes a >= 5,000-line C file full of shared-state accesses (reads,
writes, rmw, per-object members, locks, heap calls) for the ftmbcc vs
clang -fsyntax-only benchmark. Usage: gen_5k.py <out.c> [min_lines]"""
import sys

out = sys.argv[1]
min_lines = int(sys.argv[2]) if len(sys.argv) > 2 else 5000
lines = [
    "#include <ftmb.h>", "#include <stdlib.h>", "#include <string.h>", "#include <pthread.h>",
    "__ftmb_shared long counters[64];", "__ftmb_shared int state;",
    "struct __ftmb_shared flow { int pkts; long bytes; };",
    "__ftmb_shared pthread_mutex_t lk;", "int helper(int a) { return a * 3; }",
]
n = 0
while len(lines) < min_lines:
    lines += [
        f"long fn{n}(struct flow *f, int i)", "{", "\tlong acc = 0;",
        "\tpthread_mutex_lock(&lk);", "\tcounters[i & 63] += i;",
        "\tstate = state + helper(i);", "\tpthread_mutex_unlock(&lk);",
        "\tfor (int k = 0; k < 4; k++) {", "\t\tacc += counters[(i + k) & 63];",
        "\t\tf->pkts++;", "\t\tf->bytes += acc;", "\t}",
        "\tif (state > 10)", "\t\tstate = 0;", "\tchar *p = malloc(16);",
        "\tmemset(p, 0, 16);", "\tfree(p);", "\treturn acc + f->bytes;", "}",
    ]
    n += 1
with open(out, "w") as fh:
    fh.write("\n".join(lines) + "\n")
