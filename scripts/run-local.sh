#!/usr/bin/env bash
# `make run`: a single-node minimal testnet with all 16 interop validators.
# Creates ./data/genesis.ssz (quick-start, genesis a few seconds ahead) unless present;
# later runs reuse it and the node resumes its chain from ./data/node.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
DATA=${DATA:-./data}
HTTP_PORT=${HTTP_PORT:-5052}
METRICS_PORT=${METRICS_PORT:-8008}
P2P_PORT=${P2P_PORT:-9000}
mkdir -p "$DATA"
if [ ! -f "$DATA/genesis.ssz" ]; then
    genesis_time=$(( $(date +%s) + 8 ))
    "$BIN/beacon-node" genesis quickstart --validator-count 16 --genesis-time "$genesis_time" \
        --config minimal --out "$DATA/genesis.ssz.tmp"
    mv "$DATA/genesis.ssz.tmp" "$DATA/genesis.ssz"
    echo "created $DATA/genesis.ssz (genesis time $genesis_time)"
fi
echo "Beacon API: http://127.0.0.1:$HTTP_PORT/eth/v1/beacon/headers/head"
echo "            http://127.0.0.1:$HTTP_PORT/eth/v1/beacon/states/head/finality_checkpoints"
echo "Metrics:    http://127.0.0.1:$METRICS_PORT/metrics"
echo "Stop with Ctrl-C; run again to continue the same chain."
exec "$BIN/beacon-node" run --datadir "$DATA/node" --genesis-state "$DATA/genesis.ssz" \
    --config minimal --validators 0:16 --listen "/ip4/127.0.0.1/tcp/$P2P_PORT" \
    --http-port "$HTTP_PORT" --metrics-port "$METRICS_PORT" "$@"
