#!/usr/bin/env python3
"""Bad input to the differential driver gets a clear error, never a
traceback. Usage: test_bad_usage.py <run_differential.py> <include dir>"""
import os
import subprocess
import sys

driver, include = sys.argv[1], sys.argv[2]
ok_tool = "/bin/true"

CASES = [
    # (extra args, environment, expected message)
    (["--ftmbcc", "/nonexistent/ftmbcc", "--include", include], {},
     "ftmbcc not found or not executable: /nonexistent/ftmbcc"),
    (["--ftmbcc", ok_tool, "--include", "/nonexistent"], {},
     "ftmb.h not found in --include /nonexistent"),
    (["--ftmbcc", ok_tool, "--include", include, "--link=/nonexistent/libftmb_core.a"], {},
     "runtime library not found: /nonexistent/libftmb_core.a"),
    (["--ftmbcc", ok_tool, "--include", include], {"FTMB_DIFF_COUNT": "many"},
     "FTMB_DIFF_COUNT must be an integer, got 'many'"),
    (["--ftmbcc", ok_tool, "--include", include, "--count", "0"], {},
     "--count, --jobs and --run-cpu-limit must be at least 1"),
    (["--ftmbcc", ok_tool, "--include", include, "--run-env", "NOEQUALS"], {},
     "--run-env wants VAR=VALUE"),
    (["--ftmbcc", ok_tool, "--include", include, "--cc", "/nonexistent/cc"], {},
     "cc not found or not executable: /nonexistent/cc"),
]

failures = 0
for args, env, want in CASES:
    e = dict(os.environ)
    e.pop("FTMB_DIFF_COUNT", None)
    e.update(env)
    p = subprocess.run([sys.executable, driver] + args, env=e,
                       capture_output=True, text=True, timeout=60)
    err = p.stderr
    if p.returncode == 0 or want not in err or "Traceback" in err:
        failures += 1
        print("FAIL %s %s: exit %d, stderr:\n%s" % (args, env, p.returncode, err))
    else:
        print("ok   %s" % want)
print("bad usage: %d of %d cases failed" % (failures, len(CASES)))
sys.exit(1 if failures else 0)
