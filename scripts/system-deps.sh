#!/usr/bin/env bash
# System packages the Python dependencies build against: fastecdsa (pinned by libp2p)
# needs gcc and GMP headers; plyvel needs a C++ compiler (it bundles no LevelDB wheel on
# every platform). Installs them with apt-get when missing and we are allowed to.
set -euo pipefail
missing=()
[ -e /usr/include/gmp.h ] || ls /usr/include/*/gmp.h >/dev/null 2>&1 || missing+=(libgmp-dev)
command -v gcc >/dev/null || missing+=(gcc)
command -v g++ >/dev/null || missing+=(g++)
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" != 0 ] && ! command -v sudo >/dev/null; then
  echo "missing system packages: ${missing[*]} (install them, then re-run)" >&2
  exit 1
fi
SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
