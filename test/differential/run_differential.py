#!/usr/bin/env python3
"""Differential test of ftmbcc: rewritten csmith programs behave like the originals.

Theory of operation
-------------------
For each seed in a fixed range (so every failure is reproducible by its
seed) the driver:

  1. generates a csmith program and marks its globals `__ftmb_shared`
     (csmith_program.py; even seeds without pointers, odd seeds with);
  2. builds the original with the C compiler (misaligned accesses trap:
     see ALIGNMENT) and runs it (argument "1":
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
     compiler (clang-19 when the first is gcc) as well;
  5. for every fifth seed, builds it once more with the drop-in compiler
     ftmb-cc (rewrite + compile + link the runtime in one command), which
     must print the same.

A program "passes" when all of that holds, "fails" otherwise (with the
seed, the step and the first lines of evidence printed). The run passes
when `count` programs have been compared and none failed. Seeds are taken
in order from `--first-seed` until `count` programs were compared (so the
set is deterministic); at most `3 * count + 50` seeds are tried.

Every intermediate file lives in a temporary directory removed at the end
(also on SIGTERM/SIGINT, which first kill every running child; a directory
left by a driver killed with SIGKILL is removed by the next run in the same
--workdir); the files of failing seeds are copied to `--keep-failures DIR`
if given.
"""
import argparse
import concurrent.futures
import glob
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import csmith_program  # noqa: E402

CSMITH_INCLUDE = "/usr/include/csmith"
# Problems gcc only warns about that a correct rewrite never introduces.
# (No -w: gcc's -w silences even -Werror= warnings. Other warnings, of
# which csmith programs have a few, are ignored.)
STRICT = ["-Werror=implicit-function-declaration", "-Werror=int-conversion",
          "-Werror=incompatible-pointer-types", "-Werror=return-type"]
# A misaligned load or store traps (SIGILL) in both builds: csmith's packed
# structs are read correctly by the original, and a rewrite that goes
# through a plain pointer to a packed member has undefined behaviour. Needs
# no sanitizer runtime (gcc and clang-19 alike).
ALIGNMENT = ["-fsanitize=alignment", "-fsanitize-undefined-trap-on-error"]
OPT_LEVELS = ["-O0", "-O1", "-O2"]
# --sanitize: both builds with UBSan + ASan, any report ends the program
# (so a rewrite that, say, dereferences a misaligned pointer into a packed
# struct shows as a different result, with the report in the details).
SANITIZE = ["-fsanitize=undefined,address", "-fno-sanitize-recover=all",
            "-fno-omit-frame-pointer"]
ACCESS_KINDS = ("read", "write", "rmw", "atomic", "lock")


class Outcome:
    """Result of one seed: status is pass, fail or a discard reason."""

    def __init__(self, seed, status, step="", detail="", accesses=0, compilers=()):
        self.seed, self.status, self.step = seed, status, step
        self.detail, self.accesses, self.compilers = detail, accesses, compilers


class Stopped(Exception):
    """The driver got SIGTERM/SIGINT: no new process may start."""


# Children running now (each in its own process group), so that a signal
# to the driver kills them too: a csmith program left behind may loop for
# ever, and its timeout is enforced by this driver.
_active = set()
_active_lock = threading.Lock()
_stopping = threading.Event()


def run(cmd, timeout, env=None, cwd=None):
    """Run cmd; return (returncode or 'timeout', stdout, stderr)."""
    with _active_lock:
        if _stopping.is_set():
            raise Stopped()
        try:
            p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 env=env, cwd=cwd, start_new_session=True)
        except OSError as e:
            return ("oserror", "", str(e))
        _active.add(p)
    try:
        out, err = p.communicate(timeout=timeout)
        rc = p.returncode
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out, err = p.communicate()
        rc = "timeout"
    finally:
        with _active_lock:
            _active.discard(p)
    if _stopping.is_set():
        raise Stopped()
    return (rc, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"))


def stop_on_signal(signum, _frame):
    """Kill every running child's process group; the workers then stop
    (Stopped) and main() removes the temporary directory."""
    _stopping.set()
    with _active_lock:
        for p in list(_active):
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    raise SystemExit(128 + signum)


def describe_rc(rc):
    if isinstance(rc, int) and rc < 0:
        why = " (a misaligned load or store: -fsanitize=alignment trap)" \
            if rc == -signal.SIGILL else ""
        return "killed by signal %d (%s)%s" % (-rc, signal.Signals(-rc).name, why)
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
        self.cflags = ["-std=gnu11", "-I" + CSMITH_INCLUDE, "-I" + a.include] + STRICT + ALIGNMENT
        self.env = dict(os.environ)
        self.env.update(dict(kv.split("=", 1) for kv in a.run_env))
        for k in ("FTMB_MODE", "FTMB_LOG"):
            self.env.pop(k, None)
        # the runtime keeps its arena until exit: not a leak to report
        self.env.setdefault("ASAN_OPTIONS", "detect_leaks=0")
        self.lock = threading.Lock()
        self.max_log = 0

    def note_log_size(self, n):
        with self.lock:
            self.max_log = max(self.max_log, n)

    def compilers_for(self, seed):
        cs = [self.a.cc]
        # (not with --sanitize: clang-19's sanitizer runtimes are in
        # libclang-rt-19-dev, which ftmb does not need otherwise)
        if self.a.cc2 and seed % 3 == 0 and not self.a.sanitize:
            cs.append(self.a.cc2)
        return cs

    def one(self, seed, work):
        a = self.a
        try:
            text, marked, mode = csmith_program.generate(seed, a.profile,
                                                         extra=a.csmith_args.split())
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
        flags = self.cflags + [opt] + (SANITIZE if a.sanitize else [])

        # 1. originals, with every compiler
        expected = {}
        for cc in compilers:
            exe = os.path.join(work, "orig-" + os.path.basename(cc))
            rc, _, err = run([cc] + flags + [src, "-o", exe], a.compile_timeout)
            if rc != 0:
                return Outcome(seed, "original-does-not-build", detail=head(err))
            # CPU-time limit (ulimit -t), not wall time: which programs are
            # discarded does not depend on the machine's load.
            rc, out, _ = run(["sh", "-c", 'ulimit -t %d && exec "$0" 1' % a.run_cpu_limit, exe],
                             a.run_cpu_limit * 20 + 10, env=self.env)
            if rc in ("timeout", -signal.SIGXCPU, -signal.SIGKILL):
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

        # 4. the drop-in compiler, for every fifth seed: one command
        #    rewrites, compiles and links the runtime
        if a.ftmb_cc and seed % 5 == 1:
            cc = compilers[0]
            erc, eout = expected[cc]
            exe = os.path.join(work, "dropin")
            env = dict(self.env, FTMB_REAL_CC=cc)
            rc, _, err = run([a.ftmb_cc] + flags + [src, "-o", exe],
                             a.compile_timeout, env=env)
            if rc != 0:
                return Outcome(seed, "fail", "ftmb-cc-does-not-build",
                               "ftmb-cc (FTMB_REAL_CC=%s) %s: %s\n%s"
                               % (os.path.basename(cc), opt, describe_rc(rc), head(err)),
                               logged)
            rc, out, err = run([exe, "1"], a.rewritten_timeout, env=self.env)
            if rc != erc or out != eout:
                why = ("timed out" if rc == "timeout" else
                       "%s (original exit %s)" % (describe_rc(rc), erc) if rc != erc
                       else first_difference(eout, out))
                return Outcome(seed, "fail", "ftmb-cc-different-result",
                               "ftmb-cc %s: %s\n%s" % (opt, why, head(err, 5)), logged)
        used = tuple(os.path.basename(c) for c in expected)
        if a.ftmb_cc and seed % 5 == 1:
            used += ("ftmb-cc",)
        return Outcome(seed, "pass", accesses=logged, compilers=used)

    def seed_job(self, seed):
        work = tempfile.mkdtemp(prefix="seed%d-" % seed, dir=self.a.workdir)
        try:
            o = self.one(seed, work)
        except Stopped:
            o = Outcome(seed, "stopped")
        except Exception as e:  # a driver bug must show as a failure, not vanish
            o = Outcome(seed, "fail", "driver-error", repr(e))
        if self.a.keep_failures:
            # a stale copy from an earlier run goes either way
            dst = os.path.join(self.a.keep_failures, "seed-%d" % seed)
            shutil.rmtree(dst, ignore_errors=True)
            if o.status == "fail":
                shutil.copytree(work, dst)
        shutil.rmtree(work, ignore_errors=True)
        return o


def check_tools(a):
    for name in ("ftmbcc", "cc", "ftmb_cc"):
        path = getattr(a, name)
        if path is not None and not shutil.which(path):
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
    ap.add_argument("--ftmb-cc", help="the drop-in compiler ftmb-cc: also build "
                    "every fifth seed with it (FTMB_REAL_CC = --cc)")
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
    ap.add_argument("--csmith-args", default=os.environ.get("FTMB_DIFF_CSMITH_ARGS", ""),
                    help="more csmith options, e.g. '--no-bitfields' "
                         "(env FTMB_DIFF_CSMITH_ARGS)")
    ap.add_argument("--sanitize", action="store_true",
                    default=os.environ.get("FTMB_DIFF_SANITIZE", "") not in ("", "0"),
                    help="build both ways with -fsanitize=undefined,address "
                         "(env FTMB_DIFF_SANITIZE=1; slower; first compiler only)")
    ap.add_argument("--run-cpu-limit", type=int, default=1,
                    help="CPU seconds an original may use before it is discarded")
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
    if a.count < 1 or a.jobs < 1 or a.run_cpu_limit < 1:
        ap.error("--count, --jobs and --run-cpu-limit must be at least 1")
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
    for o in outcomes:
        if o.status == "original-does-not-build":
            # csmith's output should always build: worth a look
            print("note seed %d: the original does not build:\n%s" % (o.seed, head(o.detail, 6)))
    for o in failed:
        print("FAIL seed %d: %s\n%s" % (o.seed, o.step, head(o.detail, 20)))
        print("    reproduce: %s --seed %d --keep-failures /tmp/ftmb-diff"
              % (" ".join(a.reproduce), o.seed))
    cc2 = os.path.basename(a.cc2) if a.cc2 else None
    two = sum(1 for o in passed if cc2 in o.compilers)
    dropin = sum(1 for o in passed if "ftmb-cc" in o.compilers)
    seeds = [o.seed for o in outcomes]
    rate = 100.0 * len(passed) / len(compared) if compared else 0.0
    print("differential: seeds %d..%d, profile %s%s, %d programs compared; "
          "passing ones: %d also built with %s, %d also with ftmb-cc; "
          "%d logged accesses (static)"
          % (min(seeds), max(seeds), a.profile,
             " (csmith " + a.csmith_args + ")" if a.csmith_args else "", len(compared), two,
             cc2 or "-", dropin, sum(o.accesses for o in passed)))
    print("differential: rewritten programs ran with FTMB_MODE=%s; largest record log %d KiB"
          % ("/".join(a.modes), max_log // 1024))
    print("differential: discarded %d (%s)" % (
        sum(discarded.values()),
        ", ".join("%s %d" % kv for kv in sorted(discarded.items())) or "none"))
    print("differential: %d passed, %d failed, pass rate %.1f%% in %.0f s"
          % (len(passed), len(failed), rate, elapsed))
    return failed, compared


def remove_stale_workdirs(parent):
    """Remove ftmb-diff-<pid>-* directories of drivers that are gone (killed
    with SIGKILL, e.g. by a ctest timeout, they could not clean up)."""
    for d in glob.glob(os.path.join(parent, "ftmb-diff-*-*")):
        try:
            pid = int(os.path.basename(d).split("-")[2])
        except ValueError:
            continue
        try:
            os.kill(pid, 0)
            continue  # still running
        except ProcessLookupError:
            shutil.rmtree(d, ignore_errors=True)
        except PermissionError:
            continue


def reproduce_command(a, script):
    return [script, "--ftmbcc", a.ftmbcc, "--include", a.include] + \
        (["--profile", a.profile] if a.profile != "small" else []) + \
        (["--csmith-args=" + a.csmith_args] if a.csmith_args else []) + \
        (["--sanitize"] if a.sanitize else []) + \
        (["--ftmb-cc", a.ftmb_cc] if a.ftmb_cc else []) + \
        ["--link=" + lib for lib in a.link] + \
        [x for kv in a.run_env for x in ("--run-env", kv)]


def main():
    a = parse_args()
    check_tools(a)
    a.reproduce = reproduce_command(a, os.path.abspath(sys.argv[0]))
    if a.workdir:
        remove_stale_workdirs(a.workdir)
    a.workdir = tempfile.mkdtemp(prefix="ftmb-diff-%d-" % os.getpid(), dir=a.workdir)
    if a.keep_failures:
        os.makedirs(a.keep_failures, exist_ok=True)
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, stop_on_signal)
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
