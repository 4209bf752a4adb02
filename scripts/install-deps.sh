#!/usr/bin/env bash
# Install the Debian packages ftmb needs, only those that are missing.
# Used by `make demo`, `make check` and `make bench`; safe to run again.
set -euo pipefail

PKGS=(
  build-essential cmake pkg-config python3
  clang-19 libclang-19-dev llvm-19-dev llvm-19-tools
  libdpdk-dev dpdk libpcap-dev
  csmith libcsmith-dev
  iproute2 ethtool util-linux gnuplot-nox
)

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing packages: ${missing[*]}" >&2
  echo "install-deps: run as root, or: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
