#!/usr/bin/env python3
"""Run the reduced reproducers of ftmbcc bugs (regressions/*.c) through the
same check as the csmith programs.

Theory of operation: each reproducer is a small C program, found by the
differential test and reduced (creduce), that marks some file-scope
variables `__ftmb_shared` and prints its result. Like a csmith program it
must build as written and as rewritten, with gcc and clang-19, at -O0 and
-O2, list an access to every shared variable in --dump-accesses, and print
the same thing both ways. The comment atop each file says what went wrong.
A reproducer that does not build or run as written is a broken test and
fails too.

Usage: run_regressions.py <run_differential.py options> <regressions dir>
"""
import glob
import os
import re
import shutil
import sys
import tempfile

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run_differential as rd  # noqa: E402

SHARED_DECL = re.compile(
    r"^(?:static\s+|extern\s+)?[^;(]*?__ftmb_shared\b[^;(=]*?\b([A-Za-z_]\w*)\s*(?:\[[^\]]*\]\s*)*(?:=|;)",
    re.M)


def shared_names(text):
    return SHARED_DECL.findall(text)


def main():
    a = rd.parse_args(__doc__.splitlines()[0],
                      lambda ap: ap.add_argument("dir", help="directory of reproducers"))
    rd.check_tools(a)
    files = sorted(glob.glob(os.path.join(a.dir, "*.c")))
    if not files:
        print("regressions: no reproducers in %s" % a.dir)
        return 0
    differ = rd.Differ(a)
    compilers = [a.cc] + ([a.cc2] if a.cc2 else [])
    failed = 0
    a.workdir = tempfile.mkdtemp(prefix="ftmb-regr-", dir=a.workdir)
    try:
        for i, path in enumerate(files):
            with open(path) as f:
                marked = shared_names(f.read())
            name = os.path.basename(path)
            for opt in ("-O0", "-O2"):
                work = tempfile.mkdtemp(dir=a.workdir)
                if not marked:
                    o = rd.Outcome(i, "fail", "no __ftmb_shared declaration found")
                else:
                    o = differ.check_source(i, path, marked, compilers, opt, work)
                shutil.rmtree(work, ignore_errors=True)
                if o.status == "pass":
                    print("ok   %s %s (%d accesses)" % (name, opt, o.accesses))
                    continue
                failed += 1
                print("FAIL %s %s: %s %s\n%s" % (name, opt, o.status, o.step,
                                                  rd.head(o.detail, 20)))
                break
    finally:
        shutil.rmtree(a.workdir, ignore_errors=True)
    print("regressions: %d passed, %d failed" % (len(files) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
