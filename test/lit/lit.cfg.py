# -*- Python -*- lit configuration of ftmbcc's own test suite.
import os
import lit.formats

config.name = "ftmbcc"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".c", ".test"]
config.excludes = ["Inputs", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py", "ftmb.cfg.py"]
config.test_source_root = os.path.dirname(__file__)
if not getattr(config, "test_exec_root", None):
    config.test_exec_root = config.test_source_root

# The substitutions (%ftmbcc, %ftmb-cc, %ftmb_include, %gcc_strict, ...)
# live in ftmb.cfg.py, the same file users load for their own suites.
lit_config.load_config(config, os.path.join(os.path.dirname(__file__), "ftmb.cfg.py"))

# For the test that runs a user suite through ftmb.cfg.py.
import sys
config.substitutions.append(("%python", sys.executable))
config.substitutions.append(("%lit", getattr(config, "lit_py", "/usr/lib/llvm-19/build/utils/lit/lit.py")))
config.substitutions.append(("%ftmb_bin_dir", getattr(config, "ftmb_bin_dir", "")))
