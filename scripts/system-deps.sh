#!/usr/bin/env bash
# System packages the Python dependencies build against, installed with apt-get only when
# missing and we are allowed to (root, or sudo):
#   - fastecdsa (pinned by libp2p) is sdist-only everywhere: gcc and GMP headers;
#   - plyvel has no wheel on Arm (aarch64, armv7): g++ and the LevelDB headers;
#   - building any sdist needs the headers of the Python in use (python3-dev), and
#     `python3 -m venv` on Debian and Raspberry Pi OS needs python3-venv.
set -euo pipefail
PY=${PY:-python3}
missing=()
[ -e /usr/include/gmp.h ] || ls /usr/include/*/gmp.h >/dev/null 2>&1 || missing+=(libgmp-dev)
command -v gcc >/dev/null || missing+=(gcc)
command -v g++ >/dev/null || missing+=(g++)
case "$(uname -m)" in
    x86_64) ;;  # plyvel's x86_64 wheels bundle LevelDB
    *) [ -e /usr/include/leveldb/db.h ] || missing+=(libleveldb-dev) ;;
esac
if [ "$(command -v "$PY")" = /usr/bin/python3 ] || [ "$(command -v "$PY")" = /bin/python3 ]; then
    # the distribution's Python: its headers and venv support are separate packages
    inc=$("$PY" -c 'import sysconfig; print(sysconfig.get_paths()["include"])')
    [ -e "$inc/Python.h" ] || missing+=(python3-dev)
    "$PY" -c 'import ensurepip' 2>/dev/null || missing+=(python3-venv)
fi
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" != 0 ] && ! command -v sudo >/dev/null; then
  echo "missing system packages: ${missing[*]} (install them, then re-run)" >&2
  exit 1
fi
SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
echo "installing system packages: ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
