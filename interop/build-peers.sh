#!/usr/bin/env bash
# Build the 2019 interop peers from ../shared/interop/peers/ into DEST (default .peers/),
# then apply our patches to them (interop/patches/, each explained in
# docs/interop/<peer>.md). Idempotent: the shared scripts skip an up-to-date build, and a
# marker inside the built tree records which patches are in.
#   usage: interop/build-peers.sh [lodestar|trinity|all] [DEST]
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
ROOT=$(cd "$HERE/.." && pwd -P)
SHARED=${INTEROP_PEERS_DIR:-$ROOT/../shared/interop/peers}
WHICH=${1:-all}
DEST=${2:-$ROOT/.peers}

die() { echo "build-peers: $*" >&2; exit 1; }
[ -d "$SHARED" ] || die "no peer sources at $SHARED (set INTEROP_PEERS_DIR)"
mkdir -p "$DEST"

timed() {  # name, command...: print the part's time, as .ci/run's report wants
  local name=$1 start=$SECONDS; shift
  "$@"
  echo "build-peers: $name ready in $((SECONDS - start)) s"
}

patch_lodestar() {
  local tree=$DEST/lodestar marker=$DEST/lodestar/.pybeacon-patches
  local want; want=$(cat "$HERE"/patches/lodestar-2019-*.patch | sha256sum | cut -c1-16)
  if [ -f "$marker" ] && [ "$(cat "$marker")" = "$want" ]; then
    return 0
  fi
  [ ! -f "$marker" ] || die "$tree has other patches ($(cat "$marker")); remove $DEST/.built to rebuild"
  for p in "$HERE"/patches/lodestar-2019-*.patch; do
    patch -p1 --forward --batch -d "$tree" <"$p" >/dev/null || die "patch $p failed"
    echo "build-peers: applied $(basename "$p")"
  done
  (cd "$tree/packages/lodestar" && ../../node_modules/.bin/babel src -x .ts -d lib --source-maps) \
    >"$DEST/lodestar-patch.log" 2>&1 || die "babel after patching failed (see $DEST/lodestar-patch.log)"
  echo "$want" >"$marker"
}

case "$WHICH" in
  lodestar|all) timed lodestar bash "$SHARED/build-lodestar.sh" "$DEST"; patch_lodestar ;;
esac
case "$WHICH" in
  trinity|all) timed trinity bash "$SHARED/build-trinity.sh" "$DEST" ;;
esac
case "$WHICH" in
  lodestar|trinity|all) ;;
  *) die "usage: $0 [lodestar|trinity|all] [DEST]" ;;
esac
