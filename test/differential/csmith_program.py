#!/usr/bin/env python3
"""Generate one csmith program and mark its globals `__ftmb_shared`.

Theory of operation
-------------------
csmith (Debian package `csmith`) writes a random, UB-free C program whose
state is a set of file-scope `static` variables named `g_<n>`, one per line
between "GLOBAL VARIABLES" and the functions; main() ends by folding every
global into a CRC and printing `checksum = ...` (and, with argument "1",
one line per variable). That makes it a good differential oracle for
ftmbcc: the rewritten program must compute exactly the same values.

Marking: each global's declaration line `static <type> g_N ...;` becomes
`static __ftmb_shared <type> g_N ...;` and `#include "ftmb.h"` is prepended.
ftmbcc refuses a shared variable whose address escapes (SPEC §7), so:

  * "nopointers" programs (csmith --no-pointers) never take an address:
    every global is marked.
  * "pointers" programs take addresses all the time: a global is marked
    only if no unary `&` is ever applied to it (a token scan: `&` is unary
    when the token before it is not an operand, i.e. not an identifier,
    number, `)` or `]`; parentheses after `&` are skipped). csmith never
    lets arrays decay implicitly (it writes `&g_a[i]`), so this finds every
    escape. A global that is itself a pointer may be marked: the pointer's
    value is what is logged.

Invariant: the marked program is the csmith program plus annotations; with
the annotation macro defined as an attribute the original compiles to the
same code, so the original binary is built from the marked file too.

The csmith options are a pure function of (seed, profile): same seed, same
program, on every machine with the same csmith version.
"""
import argparse
import re
import subprocess
import sys
import tempfile

# Profiles: csmith size options. "small" keeps make check fast (programs
# of a few hundred lines); "default" is csmith's own sizes; "big" is the
# benchmark's >= 5,000-line file.
PROFILES = {
    "small": ["--max-funcs", "4", "--max-block-depth", "3"],
    "default": [],
    "big": ["--max-funcs", "25", "--max-block-depth", "4",
            "--max-block-size", "5"],
}

MODES = ("nopointers", "pointers")

GLOBAL_DECL = re.compile(r"^static\s+(?P<rest>.*?)\b(?P<name>g_\d+)\b")
KEYWORDS = {"return", "case", "sizeof", "else", "do"}
TOKEN = re.compile(r"[A-Za-z_]\w*|0[xX][0-9a-fA-F]+\w*|\d\w*|&&|&=|->|\+\+|--|.",
                   re.S)


def mode_for_seed(seed):
    """Even seeds: no pointers (all globals shared); odd: pointers."""
    return MODES[seed % 2]


def csmith_args(seed, profile, mode, extra=()):
    args = ["csmith", "--seed", str(seed)] + PROFILES[profile] + list(extra)
    if mode == "nopointers":
        args.append("--no-pointers")
    return args


def run_csmith(seed, profile, mode, extra=()):
    # csmith writes platform.info into its working directory: give it a
    # private one that disappears.
    with tempfile.TemporaryDirectory(prefix="ftmb-csmith-") as cwd:
        res = subprocess.run(csmith_args(seed, profile, mode, extra), cwd=cwd,
                             capture_output=True, text=True)
    if res.returncode != 0:
        raise RuntimeError("csmith failed for seed %d: %s"
                           % (seed, res.stderr.strip()))
    return res.stdout


def escaping_globals(text):
    """Names g_N to which a unary `&` is applied anywhere in `text`."""
    toks = [t for t in TOKEN.findall(text) if not t.isspace()]
    escaped = set()
    for i, t in enumerate(toks):
        if t != "&":
            continue
        prev = toks[i - 1] if i > 0 else ""
        if prev and prev not in KEYWORDS and \
                (prev[0].isalnum() or prev[0] == "_" or prev in (")", "]")):
            continue  # binary and
        j = i + 1
        while j < len(toks) and toks[j] == "(":
            j += 1
        if j < len(toks) and re.fullmatch(r"g_\d+", toks[j]):
            escaped.add(toks[j])
    return escaped


def strip_comments(text):
    return re.sub(r"/\*.*?\*/", " ", text, flags=re.S)


def mark_globals(text, mode):
    """Return (marked_text, marked_names). See the theory of operation."""
    escaped = escaping_globals(strip_comments(text)) if mode == "pointers" else set()
    out = ['#include "ftmb.h"\n']
    marked = []
    for line in text.splitlines(keepends=True):
        m = GLOBAL_DECL.match(line)
        if m and "(" not in line[:m.start("name")] and m.group("name") not in escaped:
            line = "static __ftmb_shared " + line[len("static "):] \
                if line.startswith("static ") else line
            marked.append(m.group("name"))
        out.append(line)
    return "".join(out), marked


def used_globals(text, names):
    """The names among `names` that occur outside their own declaration
    (csmith declares some pointer globals it never uses; main's checksum
    reads every non-pointer global, so those all count as used)."""
    counts = {}
    for t in re.findall(r"\bg_\d+\b", strip_comments(text)):
        counts[t] = counts.get(t, 0) + 1
    return [n for n in names if counts.get(n, 0) > 1]


def generate(seed, profile="small", mode=None, extra=()):
    """Return (marked_text, marked_names, mode) for one seed; `extra` are
    more csmith options (e.g. --no-bitfields to explore past a known bug)."""
    mode = mode or mode_for_seed(seed)
    return mark_globals(run_csmith(seed, profile, mode, extra), mode) + (mode,)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--profile", choices=sorted(PROFILES), default="small")
    ap.add_argument("--mode", choices=MODES)
    ap.add_argument("--csmith-args", default="", help="more csmith options")
    ap.add_argument("-o", "--output", required=True)
    a = ap.parse_args()
    try:
        text, marked, mode = generate(a.seed, a.profile, a.mode, a.csmith_args.split())
    except (OSError, RuntimeError) as e:
        sys.exit("csmith_program: %s" % e)
    with open(a.output, "w") as f:
        f.write(text)
    print("csmith_program: seed %d (%s, %s): %d shared globals -> %s"
          % (a.seed, a.profile, mode, len(marked), a.output), file=sys.stderr)


if __name__ == "__main__":
    main()
