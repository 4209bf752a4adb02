#!/usr/bin/env python3
"""The differential driver catches each kind of ftmbcc failure.

Usage: test_detects_failures.py <run_differential.py> <ftmbcc> <include> <link args>...

Wraps the real ftmbcc in a script that breaks one thing (chosen by the
environment variable MUTATE) and checks that the driver, run on one seed,
fails and names the right step. Without this, a driver that compared
nothing would pass forever.
"""
import os
import stat
import subprocess
import sys
import tempfile

driver, ftmbcc, include = sys.argv[1:4]
links = sys.argv[4:]

WRAPPER = r"""#!/usr/bin/env bash
# ftmbcc with one thing broken (MUTATE), for test_detects_failures.py
out=
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  [ "${args[i]}" = -o ] && out=${args[i+1]}
done
case $MUTATE in
  crash)  kill -SEGV $$ ;;
  reject) echo "prog.c:1:1: error: made up [-Wftmb-escape]" >&2; exit 1 ;;
  no-output) exit 0 ;;
esac
if [ "$MUTATE" = no-access ]; then
  "$REAL_FTMBCC" "$@" >/dev/null || exit
else
  "$REAL_FTMBCC" "$@" || exit
fi
case $MUTATE in
  bad-code)   echo "int broken = ;" >>"$out" ;;
  extra-line) printf '%s\n' '__attribute__((destructor)) static void extra_(void) { printf("extra\n"); }' >>"$out" ;;
esac
exit 0
"""

# (MUTATE, step the driver must report)
CASES = [
    ("crash", "ftmbcc-crash"),
    ("reject", "ftmbcc-rejects"),
    ("no-output", "ftmbcc-no-output"),
    ("no-access", "no-instrumented-access"),
    ("bad-code", "rewritten-does-not-build"),
    ("extra-line", "different-result"),
]

with tempfile.TemporaryDirectory(prefix="ftmb-diff-detect-") as tmp:
    wrapper = os.path.join(tmp, "ftmbcc")
    with open(wrapper, "w") as f:
        f.write(WRAPPER)
    os.chmod(wrapper, os.stat(wrapper).st_mode | stat.S_IXUSR)
    failures = 0
    for mutate, step in CASES:
        env = dict(os.environ, MUTATE=mutate, REAL_FTMBCC=ftmbcc)
        cmd = [sys.executable, driver, "--ftmbcc", wrapper, "--include", include,
               "--cc2", "", "--seed", "2", "--modes", "off"] + links
        p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
        want = "FAIL seed 2: " + step
        if p.returncode == 0 or want not in p.stdout or "1 failed" not in p.stdout:
            failures += 1
            print("FAIL MUTATE=%s: want %r and a non-zero exit, got exit %d:\n%s%s"
                  % (mutate, want, p.returncode, p.stdout, p.stderr))
        else:
            print("ok   MUTATE=%s -> %s" % (mutate, step))
    # And the unbroken compiler passes the same seed.
    p = subprocess.run([sys.executable, driver, "--ftmbcc", ftmbcc, "--include", include,
                        "--cc2", "", "--seed", "2"] + links,
                       capture_output=True, text=True, timeout=300)
    if p.returncode != 0 or "1 passed, 0 failed" not in p.stdout:
        failures += 1
        print("FAIL unbroken ftmbcc on seed 2:\n%s%s" % (p.stdout, p.stderr))
    else:
        print("ok   unbroken ftmbcc passes seed 2")
print("detects failures: %d of %d cases failed" % (failures, len(CASES) + 1))
sys.exit(1 if failures else 0)
