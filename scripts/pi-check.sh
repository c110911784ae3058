#!/usr/bin/env bash
# `make pi-check`: opt-in proof that the node installs and runs on 64-bit Arm (Raspberry Pi
# 4/5 with a 64-bit OS), under qemu-user emulation on an x86_64 machine. Needs root.
#
#   1. builds, once, a Debian bookworm arm64 root in .pi/arm64 (debootstrap --foreign, then
#      the second stage inside it through qemu-user-static and binfmt); reruns reuse it;
#   2. gives it the host's CA certificates, resolv.conf, apt sources and pip configuration,
#      so apt-get and pip inside reach the same registries as the host;
#   3. copies the project to /opt/pybeacon inside and runs `make install` there: the real Arm
#      install path, the plyvel and fastecdsa sdists included (the venv is kept for reruns);
#   4. runs, inside: the BLS and ssz_static vectors and a sample of sanity and
#      epoch_processing (PI_SAMPLE vectors per handler);
#   5. scripts/pi_check_nodes.py: an emulated node finalizes epoch 2 on its own, then
#      interop exercise 2 between an emulated follower and a host node over loopback;
#   6. with PI_SOAK_EPOCHS=N, scripts/rss_soak.py: an emulated node with 64 validators for
#      N epochs, its RSS sampled every epoch;
#   7. prints a summary (also in .pi/summary.txt). PI_SECONDS_PER_SLOT sets the slot time
#      of the emulated nodes (default 4), PI_SAMPLE the vectors per sampled handler.
#
# Everything runs at nice 19 (the machine is shared). On exit, failures and Ctrl-C included,
# every process running inside the root is killed (by pid) and every mount under it undone.
set -euo pipefail
renice -n 19 -p $$ >/dev/null
cd "$(dirname "$0")/.."
PROJ=$PWD
PI=$PROJ/.pi
ROOT=$PI/arm64
SUITE=${PI_SUITE:-bookworm}
GUEST=/opt/pybeacon
SAMPLE=${PI_SAMPLE:-4}
SLOT=${PI_SECONDS_PER_SLOT:-4}
SPEC=$(realpath "${SPEC_TESTS_DIR:-../shared/spec-tests/v0.8.4/tests}")
# qemu's default CPU model (`max`) makes some native code about 10x slower.
export QEMU_CPU=${QEMU_CPU:-cortex-a72}
SUMMARY=$PI/summary.txt
mkdir -p "$PI"
log() { printf '[pi-check %s] %s\n' "$(date +%H:%M:%S)" "$*"; }

[ "$(id -u)" = 0 ] || { echo "pi-check needs root (debootstrap, chroot, mount)" >&2; exit 1; }

cleanup() {
    local rc=$? p m
    trap - EXIT INT TERM
    for p in /proc/[0-9]*; do  # whatever still runs inside the root: nodes, pip, tests
        if [ "$(readlink "$p/root" 2>/dev/null)" = "$ROOT" ]; then kill -9 "${p#/proc/}" 2>/dev/null || true; fi
    done
    # background helpers (the node driver, the soak) stop their host nodes on SIGTERM
    for p in $(jobs -p); do kill "$p" 2>/dev/null || true; done
    for _ in $(seq 60); do [ -z "$(jobs -pr)" ] && break; sleep 1; done
    # every mount under the root, deepest first
    awk -v r="$ROOT/" 'index($2, r) == 1 { print $2 }' /proc/mounts | sort -r | while read -r m; do
        umount "$m" 2>/dev/null || umount -l "$m" || true
    done
    [ "$rc" = 0 ] || log "FAILED (exit $rc); the root is kept in $ROOT"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- host tools ---------------------------------------------------------------------------
need=()
[ -x /usr/bin/qemu-aarch64-static ] || need+=(qemu-user-static)
command -v debootstrap >/dev/null || need+=(debootstrap)
command -v update-binfmts >/dev/null || need+=(binfmt-support)
if [ ${#need[@]} -gt 0 ]; then
    log "installing ${need[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
mountpoint -q /proc/sys/fs/binfmt_misc || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
[ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] || update-binfmts --enable qemu-aarch64

# --- the arm64 root (cached) -------------------------------------------------------------
t0=$(date +%s)
if [ ! -e "$ROOT/.pi-stage2" ]; then
    if awk -v r="$ROOT/" 'index($2, r) == 1 { f = 1 } END { exit !f }' /proc/mounts; then
        echo "something is still mounted under $ROOT; unmount it first" >&2; exit 1
    fi
    if [ ! -e "$ROOT/.pi-stage1" ]; then
        rm -rf --one-file-system "$ROOT"
        log "debootstrap $SUITE arm64, first stage (a few minutes)"
        debootstrap --arch=arm64 --foreign --variant=minbase "$SUITE" "$ROOT" >"$PI/debootstrap1.log"
        touch "$ROOT/.pi-stage1"
    fi
    log "debootstrap second stage, emulated (about 10 minutes)"
    if ! chroot "$ROOT" /debootstrap/debootstrap --second-stage >"$PI/debootstrap2.log" 2>&1; then
        tail -5 "$PI/debootstrap2.log" >&2
        rm -f "$ROOT/.pi-stage1"  # start over next time
        exit 1
    fi
    touch "$ROOT/.pi-stage2"
fi

# --- registries: the host's certificates, resolver, apt and pip settings ------------------
cp -L /etc/resolv.conf "$ROOT/etc/resolv.conf"
mkdir -p "$ROOT/etc/ssl/certs" "$ROOT/usr/local/share/ca-certificates"
cp -L /etc/ssl/certs/ca-certificates.crt "$ROOT/etc/ssl/certs/ca-certificates.crt"
# local CAs too, so that update-ca-certificates inside the root keeps them in its bundle
cp -rL /usr/local/share/ca-certificates/. "$ROOT/usr/local/share/ca-certificates/" 2>/dev/null || true
# (debootstrap's own sources.list would duplicate the host's deb822 sources)
if [ -e /etc/apt/sources.list ]; then cp -L /etc/apt/sources.list "$ROOT/etc/apt/"; else : >"$ROOT/etc/apt/sources.list"; fi
for f in /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [ -e "$f" ] && cp -L "$f" "$ROOT/etc/apt/sources.list.d/"
done
for f in $(grep -lsE 'Acquire|Proxy' /etc/apt/apt.conf.d/* || true); do cp -L "$f" "$ROOT/etc/apt/apt.conf.d/"; done
for k in $(grep -hoE 'Signed-By: *\S+' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}'); do
    [ -e "$k" ] && [ ! -e "$ROOT$k" ] && install -D -m644 "$k" "$ROOT$k"
done
pipconf=(/etc/pip.conf /etc/xdg/pip "$HOME/.config/pip" "$HOME/.pip")
for f in "${pipconf[@]}"; do
    [ -e "$f" ] || continue
    dst="$ROOT${f/#$HOME//root}"
    mkdir -p "$(dirname "$dst")" && rm -rf "$dst" && cp -rL "$f" "$dst"
done
printf '#!/bin/sh\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d" && chmod +x "$ROOT/usr/sbin/policy-rc.d"
mapfile -t PIPENV < <(env | grep '^PIP_' || true)

bindro() {  # bindro SRC DST: read-only bind mount
    mkdir -p "$2" && mount --bind "$1" "$2" && mount -o remount,bind,ro "$2"
}
mount -t proc proc "$ROOT/proc"
mount -t sysfs sys "$ROOT/sys"
mount --rbind /dev "$ROOT/dev" && mount --make-rslave "$ROOT/dev"
# Local package folders that the pip settings name (find-links, file:// indexes) are
# bind-mounted read-only at the same paths; an index's `simple/` pages link to its parent.
for d in $( { find "${pipconf[@]}" -type f -exec cat {} + 2>/dev/null || true; printf '%s\n' "${PIPENV[@]}"; } |
           grep -oE '(file://)?/[^ ,"]+' | sed 's#^file://##' | sort -u); do
    [ -d "$d" ] || continue
    case "$d" in /etc/* | "$HOME"/*) continue ;; esac  # copied above
    case "$(basename "$d")" in simple) d=$(dirname "$d") ;; esac
    mountpoint -q "$ROOT$d" || bindro "$d" "$ROOT$d"
done

inroot() {  # run a command inside the root, with a clean environment
    chroot "$ROOT" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb QEMU_CPU="$QEMU_CPU" \
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "${PIPENV[@]}" "$@"
}

# What a fresh Raspberry Pi OS Lite has before `make install`: python3 and make.
if [ ! -e "$ROOT/.pi-base" ]; then
    log "apt-get install python3 make (emulated)"
    inroot apt-get update -qq
    inroot env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        python3 make ca-certificates >"$PI/apt-base.log"
    cp -L /etc/ssl/certs/ca-certificates.crt "$ROOT/etc/ssl/certs/ca-certificates.crt"
    touch "$ROOT/.pi-base"
fi
t_root=$(( $(date +%s) - t0 ))

# --- the project, installed as on a Pi -----------------------------------------------------
log "copying the project to $GUEST"
mkdir -p "$ROOT$GUEST"
tar -C "$PROJ" --exclude=./.venv --exclude=./.pi --exclude=./.git --exclude=./data \
    --exclude=./.peers --exclude=./build --exclude=./interop-js/node_modules \
    --exclude=__pycache__ --exclude='*.egg-info' -cf - . | tar -C "$ROOT$GUEST" -xf -
t1=$(date +%s)
fresh=no; [ -e "$ROOT$GUEST/.venv/.installed" ] || fresh=yes
log "make install inside the root (fresh: $fresh; 15-60 min emulated when fresh, seconds otherwise)"
inroot bash -c "cd $GUEST && make install" >"$PI/install.log" 2>&1 || { tail -20 "$PI/install.log" >&2; exit 1; }
t_install=$(( $(date +%s) - t1 ))
[ "$fresh" = yes ] && echo "$t_install" >"$PI/install-seconds"
arch=$(inroot "$GUEST/.venv/bin/python" -c 'import platform, sys; print(platform.machine(), sys.version.split()[0])')
log "inside: $arch"

# --- vectors ----------------------------------------------------------------------------
SAMPLE_DIR=/opt/spec-sample
rm -rf "$ROOT$SAMPLE_DIR"
mkdir -p "$ROOT$SAMPLE_DIR/general/phase0" "$ROOT$SAMPLE_DIR/minimal/phase0"
cp -r "$SPEC/general/phase0/bls" "$ROOT$SAMPLE_DIR/general/phase0/"
cp "$SPEC/minimal/config.yaml" "$ROOT$SAMPLE_DIR/minimal/" 2>/dev/null || true
cp -r "$SPEC/minimal/phase0/ssz_static" "$ROOT$SAMPLE_DIR/minimal/phase0/"
for h in "$SPEC"/minimal/phase0/{sanity,epoch_processing}/*/; do
    rel=${h#"$SPEC"/}
    mkdir -p "$ROOT$SAMPLE_DIR/$rel/pyspec_tests"
    for c in $(ls "$h/pyspec_tests" | sort | head -n "$SAMPLE"); do
        cp -r "$h/pyspec_tests/$c" "$ROOT$SAMPLE_DIR/$rel/pyspec_tests/"
    done
done
declare -A VEC
vec_ok=yes
for r in bls ssz_static sanity epoch_processing; do
    s=$(date +%s)
    if inroot bash -c "cd $GUEST && .venv/bin/python -m spec_tests --root $SAMPLE_DIR --runner $r" \
        >"$PI/vectors-$r.log" 2>&1; then :; else vec_ok=no; fi
    VEC[$r]="$(grep -E '^[0-9]+ passed' "$PI/vectors-$r.log" | tail -1) ($(( $(date +%s) - s )) s)"
    log "vectors $r: ${VEC[$r]}"
done

# --- nodes -------------------------------------------------------------------------------
log "nodes: single emulated node to finality, then exercise 2 with a host node (${SLOT} s slots)"
nodes_ok=yes
"$PROJ/.venv/bin/python" scripts/pi_check_nodes.py --root "$ROOT" --guest "$GUEST" \
    --seconds-per-slot "$SLOT" --report "$PI/nodes.txt" &
wait $! || nodes_ok=no

# optional: RSS of an emulated node with 64 validators over PI_SOAK_EPOCHS epochs
soak_ok=yes
if [ "${PI_SOAK_EPOCHS:-0}" -gt 0 ]; then
    log "memory soak: emulated node, 64 validators, $PI_SOAK_EPOCHS epochs at ${SLOT} s slots"
    rm -rf "$ROOT/opt/pi-soak"
    "$PROJ/.venv/bin/python" scripts/rss_soak.py --validators 64 --epochs "$PI_SOAK_EPOCHS" \
        --seconds-per-slot "$SLOT" --genesis-delay 120 --workdir "$ROOT/opt/pi-soak" \
        --guest-workdir /opt/pi-soak --bin "$GUEST/.venv/bin/beacon-node" \
        --prefix "chroot $ROOT /usr/bin/env -i HOME=/root LANG=C.UTF-8 QEMU_CPU=$QEMU_CPU PATH=/usr/bin:/bin" \
        --out "$PI/soak-emulated.csv" >"$PI/soak-emulated.log" 2>&1 &
    wait $! || soak_ok=no
    tail -1 "$PI/soak-emulated.log" >"$PI/soak-emulated.txt"
fi

{
    echo "pi-check summary ($(date -u +%FT%TZ)), emulated $arch, QEMU_CPU=$QEMU_CPU"
    echo "  root: $ROOT ($t_root s this run); make install: $t_install s this run," \
         "first install $(cat "$PI/install-seconds" 2>/dev/null || echo '?') s"
    for r in bls ssz_static sanity epoch_processing; do printf '  vectors %-17s %s\n' "$r" "${VEC[$r]}"; done
    [ -e "$PI/nodes.txt" ] && sed 's/^/  /' "$PI/nodes.txt"
    [ "${PI_SOAK_EPOCHS:-0}" -gt 0 ] && echo "  memory soak (emulated, 64 validators): $(cat "$PI/soak-emulated.txt")"
    echo "  result: vectors $vec_ok, nodes $nodes_ok"
} | tee "$SUMMARY"
[ "$vec_ok" = yes ] && [ "$nodes_ok" = yes ] && [ "$soak_ok" = yes ]
