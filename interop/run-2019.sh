#!/usr/bin/env bash
# Pair our node with the 2019 interop peers in the exercises and write one report.
#   usage: interop/run-2019.sh quick|full [REPORT_DIR]
# quick: exercises 2 and 4 in both roles with Lodestar, exercise 2 with Trinity, to
#        finalized epoch 3 (what CI runs).
# full:  every exercise 1-6 in both roles with Lodestar, 1-4 in both roles with Trinity,
#        the mixed nets, the bonus with each client late, and the Lodestar-only baselines,
#        at the published goals.
# Each run goes into REPORT_DIR/<peer>-ours-<role>/; REPORT_DIR/REPORT.md collects them.
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
ROOT=$(cd "$HERE/.." && pwd -P)
SET=${1:-quick}
OUT=${2:-$ROOT/interop-report}
BN="$ROOT/.venv/bin/beacon-node"
# Slot time per peer, measured on this 2-core machine (docs/interop/results.md): Trinity
# 2019 runs only its preset's 6 s. Lodestar 2019 runs any slot time through our clock patch;
# a Lodestar node with validators needs 12 s here (a block import takes it 2-10 s).
TSPS=6
LSPS=${INTEROP_LODESTAR_SECONDS_PER_SLOT:-12}

bash "$HERE/build-peers.sh" all || exit 2
mkdir -p "$OUT"
: >"$OUT/runs.txt"
status=0

RETRIES=${INTEROP_RETRIES:-1}
# Ctrl-C or a budget's SIGINT: the running runner stops its nodes; later runs are skipped
# and the report is still written.
interrupted=
trap 'interrupted=1' INT TERM
run() {  # dir, slot time, then `testnet run` arguments. A failed run is tried again RETRIES times
  # (the 2019 clients are slow to start and sensitive to load); every attempt stays in
  # the report.
  local dir=$1 sps=$2 start rc attempt; shift 2
  for attempt in $(seq 0 "$RETRIES"); do
    if [ -n "$interrupted" ]; then
      echo "$dir skipped (interrupted): $*" >>"$OUT/runs.txt"
      status=1
      return
    fi
    local where=$dir; [ "$attempt" -eq 0 ] || where=$dir-retry$attempt
    start=$SECONDS
    echo "== interop-2019: $where (${sps} s slots): $*"
    "$BN" testnet run "$@" --seconds-per-slot "$sps" --report "$OUT/$where"
    rc=$?
    echo "$where rc=$rc $((SECONDS - start))s ${sps}s-slots: $*" >>"$OUT/runs.txt"
    echo "== interop-2019: $where done in $((SECONDS - start)) s (rc $rc)"
    [ $rc -ne 0 ] || return 0
  done
  status=1
}

case "$SET" in
  quick)
    # Most telling first: CI gives this part a fixed time and it may be cut short.
    run lodestar-ours-A-ex4 "$LSPS" ex4 --with lodestar-2019 --ours A --epochs 3
    run trinity-ours-A-ex2 "$TSPS" ex2 --with trinity-2019 --ours A --epochs 3
    run lodestar-ours-B-ex4 "$LSPS" ex4 --with lodestar-2019 --ours B --epochs 3
    run lodestar-ours-A-ex2 "$LSPS" ex2 --with lodestar-2019 --ours A --epochs 3
    run lodestar-ours-B-ex2 "$LSPS" ex2 --with lodestar-2019 --ours B --epochs 3
    ;;
  full)
    run lodestar-ours-A "$LSPS" ex1 ex2 ex3 ex4 ex5 ex6 bonus --with lodestar-2019 --ours A
    run lodestar-ours-B "$LSPS" ex1 ex2 ex3 ex4 ex5 ex6 bonus --with lodestar-2019 --ours B
    run trinity-ours-A "$TSPS" ex1 ex2 ex3 ex4 --with trinity-2019 --ours A
    run trinity-ours-B "$TSPS" ex1 ex2 ex3 ex4 --with trinity-2019 --ours B
    run three-client "$TSPS" three-client
    run mixed "$LSPS" mixed5 late-behind-lodestar lodestar-late mixed6
    run baselines "$LSPS" lodestar-only-ex2 lodestar-only-ex4
    ;;
  *) echo "usage: $0 quick|full [REPORT_DIR]" >&2; exit 2 ;;
esac

{
  echo "# Interop with the 2019 clients ($SET set; slots: Lodestar ${LSPS} s, Trinity ${TSPS} s)"
  echo
  echo '```'; cat "$OUT/runs.txt"; echo '```'
  for f in "$OUT"/*/REPORT.md; do
    [ -f "$f" ] || continue
    echo; echo "## $(basename "$(dirname "$f")")"; echo
    sed 's/^#/##/' "$f"
  done
} >"$OUT/REPORT.md"
echo "interop-2019: runs (rc 0 = pass):"
sed 's/^/  /' "$OUT/runs.txt"
echo "interop-2019: report in $OUT/REPORT.md"
exit $status
