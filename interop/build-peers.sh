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
# The shared build scripts need these; a fresh machine may lack them.
for tool in zstd patch; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    [ "$(id -u)" = 0 ] || die "missing $tool (install it, or run as root)"
    apt-get install -y -q "$tool" >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q "$tool" >/dev/null; } || die "cannot install $tool"
  fi
done

timed() {  # name, command...: print the part's time, as .ci/run's report wants
  local name=$1 start=$SECONDS; shift
  "$@"
  echo "build-peers: $name ready in $((SECONDS - start)) s"
}

patch_lodestar() {
  # The patches in force are kept inside the tree (.pybeacon-patches/), so a changed
  # patch set is first reversed, then the new one applied.
  local tree=$DEST/lodestar applied=$DEST/lodestar/.pybeacon-patches
  local want; want=$(cat "$HERE"/patches/lodestar-2019-*.patch | sha256sum | cut -c1-16)
  if [ -f "$applied/sha" ] && [ "$(cat "$applied/sha")" = "$want" ]; then
    return 0
  fi
  if [ -d "$applied" ]; then
    for p in $(ls -r "$applied"/*.patch 2>/dev/null); do
      patch -R -p1 --batch -d "$tree" <"$p" >/dev/null || die "cannot reverse $p: rm -rf $DEST/lodestar $DEST/.built and rebuild"
    done
    rm -rf "$applied"
  fi
  mkdir -p "$applied"
  for p in "$HERE"/patches/lodestar-2019-*.patch; do
    patch -p1 --forward --batch -d "$tree" <"$p" >/dev/null || die "patch $p failed"
    cp "$p" "$applied/"
    echo "build-peers: applied $(basename "$p")"
  done
  # Recompile every workspace package a patch touches (the node loads their lib/).
  : >"$DEST/lodestar-patch.log"
  for pkg in $(grep -h '^+++ b/packages/' "$HERE"/patches/lodestar-2019-*.patch | cut -d/ -f3 | sort -u); do
    (cd "$tree/packages/$pkg" && ../../node_modules/.bin/babel src -x .ts -d lib --source-maps) \
      >>"$DEST/lodestar-patch.log" 2>&1 || die "babel after patching failed for $pkg (see $DEST/lodestar-patch.log)"
  done
  echo "$want" >"$applied/sha"
}

case "$WHICH" in
  lodestar) timed lodestar bash "$SHARED/build-lodestar.sh" "$DEST"; patch_lodestar ;;
  trinity) timed trinity bash "$SHARED/build-trinity.sh" "$DEST" ;;
  all)
    # Side by side: a cold build is mostly downloads and one-core compiles (about 3 and
    # 4 min alone). Their only shared file is the DEST/.built marker list; if an update
    # of it is lost to the race, the next call rebuilds that peer (idempotent), no worse.
    ( timed lodestar bash "$SHARED/build-lodestar.sh" "$DEST" && patch_lodestar ) &
    lodestar_pid=$!
    rc=0
    timed trinity bash "$SHARED/build-trinity.sh" "$DEST" || rc=$?
    wait "$lodestar_pid" || rc=$?
    exit $rc
    ;;
  *) die "usage: $0 [lodestar|trinity|all] [DEST]" ;;
esac
