# -*- Python -*- ftmb's lit configuration, for ftmbcc's suite and for users.
#
# Load it from your own lit.cfg.py (or lit.site.cfg.py) after setting
# config.name / test_format / suffixes:
#
#   lit_config.load_config(config, "/usr/local/share/ftmb/lit/ftmb.cfg.py")
#
# Optional settings read from `config` (defaults: derived from where this
# file is installed, <prefix>/share/ftmb/lit):
#   ftmb_bin_dir      directory of ftmbcc and ftmb-cc    (<prefix>/bin)
#   ftmb_include_dir  directory of ftmb.h                (<prefix>/include)
#   ftmb_runtime_dir  directory of libftmb_core          (<prefix>/lib)
#   llvm_bin_dir      FileCheck, not, count              (/usr/lib/llvm-19/bin)
#   clang19, gcc      compilers                          (clang-19, gcc)
#
# Substitutions (longest names first: lit applies them in order):
#   %ftmb-cc        the drop-in compiler       %ftmbcc       the rewriter
#   %ftmb_include   directory of ftmb.h        %ftmb_rtlib   -L<dir> -lftmb_core -lpthread
#   %gcc_strict     gcc -fsyntax-only -Wall -Wextra -Werror -I%ftmb_include
#   %clang_strict   clang-19 -fsyntax-only -Wall -Wextra -Werror -I%ftmb_include
#   %gcc, %clang19  the plain compilers
#   %FileCheck, %not  LLVM 19's FileCheck and not (also plain names on PATH)
# FileCheck, not and count are put on PATH. Feature `ftmb-runtime` is set
# when libftmb_core is found (REQUIRES: ftmb-runtime for tests that link).
import os
import shutil

_here = os.path.dirname(os.path.abspath(__file__))
_prefix = os.path.normpath(os.path.join(_here, "..", "..", ".."))


def _get(name, default):
    v = getattr(config, name, None)
    return v if v else default


bin_dir = _get("ftmb_bin_dir", os.path.join(_prefix, "bin"))
inc_dir = _get("ftmb_include_dir", os.path.join(_prefix, "include"))
rt_dir = _get("ftmb_runtime_dir", os.path.join(_prefix, "lib"))
llvm_bin = _get("llvm_bin_dir", "/usr/lib/llvm-19/bin")
clang19 = _get("clang19", shutil.which("clang-19") or "clang-19")
gcc = _get("gcc", shutil.which("gcc") or "gcc")

strict = "-fsyntax-only -Wall -Wextra -Werror -I" + inc_dir
config.substitutions.append(("%ftmb-cc", os.path.join(bin_dir, "ftmb-cc")))
config.substitutions.append(("%ftmbcc", os.path.join(bin_dir, "ftmbcc")))
config.substitutions.append(("%ftmb_include", inc_dir))
config.substitutions.append(("%ftmb_rtlib", "-L%s -lftmb_core -lpthread" % rt_dir))
config.substitutions.append(("%gcc_strict", "%s %s" % (gcc, strict)))
config.substitutions.append(("%clang_strict", "%s %s" % (clang19, strict)))
config.substitutions.append(("%gcc", gcc))
config.substitutions.append(("%FileCheck", os.path.join(llvm_bin, "FileCheck")))
config.substitutions.append(("%not", os.path.join(llvm_bin, "not")))
config.substitutions.append(("%clang19", clang19))

path = [llvm_bin, bin_dir, config.environment.get("PATH", os.environ.get("PATH", ""))]
config.environment["PATH"] = os.pathsep.join(path)
config.environment["FTMB_INCLUDE_DIR"] = inc_dir
for lib in ("libftmb_core.a", "libftmb_core.so"):
    if rt_dir and os.path.exists(os.path.join(rt_dir, lib)):
        config.available_features.add("ftmb-runtime")

# DPDK's compile flags, for tests that include rte_*.h.
try:
    import subprocess
    _dpdk = subprocess.run(["pkg-config", "--cflags", "libdpdk"], capture_output=True,
                           text=True, check=True).stdout.strip()
    config.available_features.add("dpdk")
except Exception:
    _dpdk = ""
config.substitutions.append(("%dpdk_cflags", _dpdk))
