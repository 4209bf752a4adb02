#!/usr/bin/env python3
"""Differential test of ftmbcc: rewritten csmith programs behave like the originals.

Theory of operation
-------------------
For each seed in a fixed range (so every failure is reproducible by its
seed) the driver:

  1. generates a csmith program and marks its globals `__ftmb_shared`
     (csmith_program.py; even seeds without pointers, odd seeds with);
  2. builds the original with the C compiler and runs it (argument "1":
     it prints every global's hash, then the checksum line). A program
     whose original times out (csmith programs may loop for ever) or fails
     is discarded and counted separately: it says nothing about ftmbcc;
  3. rewrites it with ftmbcc (`-o`), which must exit 0, never crash, and
     write a file; asks `--dump-accesses` for the accesses, which must
     include at least one logged access and one to every marked global
     that the program uses (main reads every non-pointer global for its
     checksum; a used marked global with no access is a missed shared
     variable);
  4. builds the rewritten file with the same compiler and flags, linked
     with the runtime core, runs it in each runtime mode of `--modes`
     (standalone: the main thread is core 0 inside one implicit packet):
     off (pass-through), record (every access appends a PAL to a log
     file) and replay (the same program re-run against that log: every
     access waits for its logged turn, so a rewrite that changes the order
     or number of accesses between runs hangs or diverges); each run's
     exit status and whole stdout must equal the original's.
     For every third seed the same is done with the second
     compiler (clang-19 when the first is gcc) as well.

A program "passes" when all of that holds, "fails" otherwise (with the
seed, the step and the first lines of evidence printed). The run passes
when `count` programs have been compared and none failed. Seeds are taken
in order from `--first-seed` until `count` programs were compared (so the
set is deterministic); at most `3 * count + 50` seeds are tried.

Every intermediate file lives in a temporary directory removed at the end;
the files of failing seeds are copied to `--keep-failures DIR` if given.
"""
import argparse
import concurrent.futures
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import csmith_program  # noqa: E402

CSMITH_INCLUDE = "/usr/include/csmith"
# Problems gcc only warns about that a correct rewrite never introduces.
STRICT = ["-Werror=implicit-function-declaration", "-Werror=int-conversion",
          "-Werror=incompatible-pointer-types", "-Werror=return-type"]
OPT_LEVELS = ["-O0", "-O1", "-O2"]
ACCESS_KINDS = ("read", "write", "rmw", "atomic", "lock")


class Outcome:
    """Result of one seed: status is pass, fail or a discard reason."""

    def __init__(self, seed, status, step="", detail="", accesses=0, compilers=()):
        self.seed, self.status, self.step = seed, status, step
        self.detail, self.accesses, self.compilers = detail, accesses, compilers


def run(cmd, timeout, env=None, cwd=None):
    """Run cmd; return (returncode or 'timeout', stdout, stderr)."""
    try:
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             env=env, cwd=cwd, start_new_session=True)
    except OSError as e:
        return ("oserror", "", str(e))
    try:
        out, err = p.communicate(timeout=timeout)
        return (p.returncode, out.decode("utf-8", "replace"),
                err.decode("utf-8", "replace"))
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out, err = p.communicate()
        return ("timeout", out.decode("utf-8", "replace"),
                err.decode("utf-8", "replace"))


def describe_rc(rc):
    if isinstance(rc, int) and rc < 0:
        return "killed by signal %d (%s)" % (-rc, signal.Signals(-rc).name)
    return "exit %s" % rc


def head(text, n=12):
    lines = text.strip().splitlines()
    more = "\n    ... (%d more lines)" % (len(lines) - n) if len(lines) > n else ""
    return "\n".join("    " + line for line in lines[:n]) + more


def first_difference(a, b):
    al, bl = a.splitlines(), b.splitlines()
    for i in range(max(len(al), len(bl))):
        x = al[i] if i < len(al) else "<end of output>"
        y = bl[i] if i < len(bl) else "<end of output>"
        if x != y:
            return "line %d: original %r, rewritten %r" % (i + 1, x, y)
    return "outputs differ"


def parse_dump(text):
    """--dump-accesses lines `file:line:col: <var>: <kind>` -> (logged
    accesses, names of the variables accessed)."""
    logged, names = 0, set()
    for line in text.splitlines():
        words = line.replace(",", " ").split()
        if len(words) < 3 or words[0].count(":") < 2:
            continue
        if words[-1].lower() not in ACCESS_KINDS:
            continue
        logged += 1
        for w in words[1:-1]:
            # `file.c:g_5:` (qualified name) or `g_5.f0`, `g_7[i]`, `g_8->f`
            w = w.rstrip(":").split(":")[-1]
            names.add(re.split(r"\.|\[|->", w)[0])
    return logged, names


class Differ:
    def __init__(self, a):
        self.a = a
        self.include = a.include
        self.cflags = ["-std=gnu11", "-w", "-I" + CSMITH_INCLUDE, "-I" + a.include] + STRICT
        self.env = dict(os.environ)
        self.env.update(dict(kv.split("=", 1) for kv in a.run_env))
        for k in ("FTMB_MODE", "FTMB_LOG"):
            self.env.pop(k, None)
        self.lock = threading.Lock()
        self.max_log = 0

    def note_log_size(self, n):
        with self.lock:
            self.max_log = max(self.max_log, n)

    def compilers_for(self, seed):
        cs = [self.a.cc]
        if self.a.cc2 and seed % 3 == 0:
            cs.append(self.a.cc2)
        return cs

    def one(self, seed, work):
        a = self.a
        try:
            text, marked, mode = csmith_program.generate(seed, a.profile)
        except (OSError, RuntimeError) as e:
            return Outcome(seed, "fail", "generate", str(e))
        if not marked:
            return Outcome(seed, "no-shareable-global")
        src = os.path.join(work, "prog.c")
        with open(src, "w") as f:
            f.write(text)
        opt = OPT_LEVELS[(seed // 2) % len(OPT_LEVELS)]
        return self.check_source(seed, src, marked, self.compilers_for(seed), opt, work)

    def check_source(self, seed, src, marked, compilers, opt, work):
        """Build src as written and as rewritten with each compiler at opt;
        an Outcome for `seed` (any label: a seed or a regression's index)."""
        a = self.a
        flags = self.cflags + [opt]

        # 1. originals, with every compiler
        expected = {}
        for cc in compilers:
            exe = os.path.join(work, "orig-" + os.path.basename(cc))
            rc, _, err = run([cc] + flags + [src, "-o", exe], a.compile_timeout)
            if rc != 0:
                return Outcome(seed, "original-does-not-build", detail=head(err))
            rc, out, _ = run([exe, "1"], a.run_timeout)
            if rc == "timeout":
                return Outcome(seed, "original-timeout")
            if rc != 0:
                return Outcome(seed, "original-failed", detail=describe_rc(rc))
            expected[cc] = (rc, out)

        # 2. rewrite, listing the accesses in the same run
        rewritten = os.path.join(work, "prog.ftmb.c")
        cmd = [a.ftmbcc, "--dump-accesses", src, "-o", rewritten, "--"] + flags
        rc, dump, err = run(cmd, a.compile_timeout)
        if rc != 0:
            crash = rc == "timeout" or (isinstance(rc, int) and (rc < 0 or rc > 1))
            return Outcome(seed, "fail", "ftmbcc-crash" if crash else "ftmbcc-rejects",
                           describe_rc(rc) + "\n" + head(err))
        if not os.path.exists(rewritten) or os.path.getsize(rewritten) == 0:
            return Outcome(seed, "fail", "ftmbcc-no-output", "exit 0 but no output file")
        logged, seen = parse_dump(dump)
        if logged == 0:
            return Outcome(seed, "fail", "no-instrumented-access",
                           "%d globals marked, --dump-accesses lists no logged access"
                           % len(marked))
        missed = [g for g in csmith_program.used_globals(open(src).read(), marked)
                  if g not in seen]
        if missed:
            return Outcome(seed, "fail", "missed-shared-variable",
                           "no access listed for: " + " ".join(missed[:10]), logged)

        # 3. rewritten programs, with every compiler
        for cc, (erc, eout) in expected.items():
            exe = os.path.join(work, "ftmb-" + os.path.basename(cc))
            rc, _, err = run([cc] + flags + [rewritten, "-o", exe] + a.link,
                             a.compile_timeout)
            if rc != 0:
                return Outcome(seed, "fail", "rewritten-does-not-build",
                               "%s %s:\n%s" % (os.path.basename(cc), opt, head(err)), logged)
            log = os.path.join(work, "ftmb-%s.log" % os.path.basename(cc))
            for mode in a.modes:
                env = dict(self.env)
                if mode != "off":
                    env.update(FTMB_MODE=mode, FTMB_LOG=log)
                rc, out, err = run([exe, "1"], a.rewritten_timeout, env=env)
                where = "%s %s FTMB_MODE=%s" % (os.path.basename(cc), opt, mode)
                if rc == "timeout":
                    return Outcome(seed, "fail", "rewritten-timeout",
                                   "%s: original finished, rewritten still running after %ss"
                                   % (where, a.rewritten_timeout), logged)
                if rc != erc or out != eout:
                    why = ("%s (original exit %s)" % (describe_rc(rc), erc) if rc != erc
                           else first_difference(eout, out))
                    return Outcome(seed, "fail", "different-result",
                                   "%s: %s\n%s" % (where, why, head(err, 5)), logged)
                if mode == "record":
                    self.note_log_size(os.path.getsize(log) if os.path.exists(log) else 0)
            if os.path.exists(log):
                os.unlink(log)
        return Outcome(seed, "pass", accesses=logged,
                       compilers=tuple(os.path.basename(c) for c in expected))

    def seed_job(self, seed):
        work = tempfile.mkdtemp(prefix="seed%d-" % seed, dir=self.a.workdir)
        try:
            o = self.one(seed, work)
        except Exception as e:  # a driver bug must show as a failure, not vanish
            o = Outcome(seed, "fail", "driver-error", repr(e))
        if o.status == "fail" and self.a.keep_failures:
            dst = os.path.join(self.a.keep_failures, "seed-%d" % seed)
            shutil.rmtree(dst, ignore_errors=True)
            shutil.copytree(work, dst)
        shutil.rmtree(work, ignore_errors=True)
        return o


def check_tools(a):
    for name in ("ftmbcc", "cc"):
        path = getattr(a, name)
        if not shutil.which(path):
            sys.exit("differential: %s not found or not executable: %s" % (name, path))
    if not shutil.which("csmith"):
        sys.exit("differential: csmith not found (Debian package csmith)")
    if not os.path.isfile(os.path.join(CSMITH_INCLUDE, "csmith.h")):
        sys.exit("differential: %s/csmith.h missing (Debian package libcsmith-dev)"
                 % CSMITH_INCLUDE)
    if not os.path.isfile(os.path.join(a.include, "ftmb.h")):
        sys.exit("differential: ftmb.h not found in --include %s" % a.include)
    for lib in a.link:
        if lib.startswith("/") and not os.path.isfile(lib):
            sys.exit("differential: runtime library not found: %s" % lib)
    if a.cc2 and not shutil.which(a.cc2):
        print("differential: second compiler %s not found, using only %s"
              % (a.cc2, a.cc), file=sys.stderr)
        a.cc2 = None


def env_int(name, default):
    v = os.environ.get(name, "")
    try:
        return int(v) if v else default
    except ValueError:
        sys.exit("differential: %s must be an integer, got %r" % (name, v))


def parse_args(description=None, extra=None):
    """Options shared with run_regressions.py, which adds its own (extra)."""
    ap = argparse.ArgumentParser(description=description or __doc__.splitlines()[0])
    if extra:
        extra(ap)
    ap.add_argument("--ftmbcc", required=True, help="the ftmbcc executable")
    ap.add_argument("--include", required=True, help="directory of ftmb.h")
    ap.add_argument("--link", action="append", default=[],
                    help="link argument for rewritten programs (repeatable): "
                         "the runtime core library, -lpthread, ...")
    ap.add_argument("--cc", default="gcc")
    ap.add_argument("--cc2", default="clang-19",
                    help="second compiler for every 3rd seed ('' for none)")
    ap.add_argument("--count", type=int, default=env_int("FTMB_DIFF_COUNT", 200),
                    help="programs to compare (env FTMB_DIFF_COUNT, default 200)")
    ap.add_argument("--first-seed", type=int, default=env_int("FTMB_DIFF_SEED", 1),
                    help="first seed (env FTMB_DIFF_SEED, default 1)")
    ap.add_argument("--seed", type=int, action="append",
                    help="run only this seed (repeatable); for reproducing a failure")
    ap.add_argument("--jobs", type=int, default=env_int("FTMB_DIFF_JOBS", 2))
    ap.add_argument("--profile", choices=sorted(csmith_program.PROFILES),
                    default=os.environ.get("FTMB_DIFF_PROFILE", "small"),
                    help="csmith program size (env FTMB_DIFF_PROFILE)")
    ap.add_argument("--run-timeout", type=float, default=1.0,
                    help="seconds an original may run before it is discarded")
    ap.add_argument("--rewritten-timeout", type=float, default=60.0)
    ap.add_argument("--compile-timeout", type=float, default=120.0)
    ap.add_argument("--modes", default=os.environ.get("FTMB_DIFF_MODES", "off,record,replay"),
                    help="runtime modes the rewritten program runs in, in order "
                         "(replay reads the log record wrote; env FTMB_DIFF_MODES)")
    ap.add_argument("--run-env", action="append", default=[],
                    help="VAR=VALUE set when running rewritten programs")
    ap.add_argument("--keep-failures", metavar="DIR",
                    help="copy the files of failing seeds to DIR/seed-N")
    ap.add_argument("--workdir", help="parent of temporary directories")
    a = ap.parse_args()
    if a.count < 1 or a.jobs < 1:
        ap.error("--count and --jobs must be at least 1")
    a.modes = [m for m in a.modes.split(",") if m]
    for m in a.modes:
        if m not in ("off", "record", "replay"):
            ap.error("--modes: unknown mode %r (off, record, replay)" % m)
    if "replay" in a.modes and ("record" not in a.modes or
                                a.modes.index("record") > a.modes.index("replay")):
        ap.error("--modes: replay needs record before it")
    for kv in a.run_env:
        if "=" not in kv:
            ap.error("--run-env wants VAR=VALUE, got %r" % kv)
    a.include = os.path.abspath(a.include)
    return a


def report(outcomes, a, elapsed, max_log=0):
    compared = [o for o in outcomes if o.status in ("pass", "fail")]
    passed = [o for o in compared if o.status == "pass"]
    failed = [o for o in compared if o.status == "fail"]
    discarded = {}
    for o in outcomes:
        if o.status not in ("pass", "fail"):
            discarded[o.status] = discarded.get(o.status, 0) + 1
    for o in failed:
        print("FAIL seed %d: %s\n%s" % (o.seed, o.step, head(o.detail, 20)))
        print("    reproduce: %s --seed %d --keep-failures /tmp/ftmb-diff"
              % (" ".join(a.reproduce), o.seed))
    two = sum(1 for o in passed if len(o.compilers) > 1)
    seeds = [o.seed for o in outcomes]
    rate = 100.0 * len(passed) / len(compared) if compared else 0.0
    print("differential: seeds %d..%d, profile %s, %d programs compared "
          "(%d also with %s), %d logged accesses in passing programs"
          % (min(seeds), max(seeds), a.profile, len(compared), two,
             a.cc2 or "-", sum(o.accesses for o in passed)))
    print("differential: rewritten programs ran with FTMB_MODE=%s; largest record log %d KiB"
          % ("/".join(a.modes), max_log // 1024))
    print("differential: discarded %d (%s)" % (
        sum(discarded.values()),
        ", ".join("%s %d" % kv for kv in sorted(discarded.items())) or "none"))
    print("differential: %d passed, %d failed, pass rate %.1f%% in %.0f s"
          % (len(passed), len(failed), rate, elapsed))
    return failed, compared


def reproduce_command(a, script):
    return [script, "--ftmbcc", a.ftmbcc, "--include", a.include] + \
        ["--link=" + lib for lib in a.link] + \
        [x for kv in a.run_env for x in ("--run-env", kv)]


def main():
    a = parse_args()
    check_tools(a)
    a.reproduce = reproduce_command(a, os.path.abspath(sys.argv[0]))
    a.workdir = tempfile.mkdtemp(prefix="ftmb-diff-", dir=a.workdir)
    if a.keep_failures:
        os.makedirs(a.keep_failures, exist_ok=True)
    differ = Differ(a)
    start = time.monotonic()
    outcomes = []
    try:
        with concurrent.futures.ThreadPoolExecutor(a.jobs) as pool:
            if a.seed:
                outcomes = list(pool.map(differ.seed_job, a.seed))
            else:
                outcomes = run_until_count(pool, differ, a)
    finally:
        shutil.rmtree(a.workdir, ignore_errors=True)
    failed, compared = report(outcomes, a, time.monotonic() - start, differ.max_log)
    want = len(a.seed) if a.seed else a.count
    if len(compared) < want and not a.seed:
        print("differential: only %d programs compared, %d wanted"
              % (len(compared), want))
        return 1
    return 1 if failed else 0


def run_until_count(pool, differ, a):
    """Seeds in order from first_seed; keep the shortest prefix holding
    `count` compared programs (results beyond it are dropped, so the set
    does not depend on scheduling)."""
    limit = a.first_seed + 3 * a.count + 50
    next_seed, pending, done = a.first_seed, {}, {}

    def compared_prefix():
        n, s = 0, a.first_seed
        while s in done:
            if done[s].status in ("pass", "fail"):
                n += 1
                if n == a.count:
                    return s
            s += 1
        return None

    last = None
    while True:
        while len(pending) < 2 * a.jobs and next_seed < limit and last is None:
            pending[pool.submit(differ.seed_job, next_seed)] = next_seed
            next_seed += 1
        if not pending:
            break
        finished, _ = concurrent.futures.wait(
            pending, return_when=concurrent.futures.FIRST_COMPLETED)
        for f in finished:
            o = f.result()
            done[pending.pop(f)] = o
            if o.status == "fail":
                print("FAIL seed %d: %s" % (o.seed, o.step), file=sys.stderr, flush=True)
        if last is None:
            last = compared_prefix()
    end = last if last is not None else max(done)
    return [done[s] for s in sorted(done) if s <= end]


if __name__ == "__main__":
    sys.exit(main())
