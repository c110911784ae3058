#!/usr/bin/env bash
# make interop-js: a js-libp2p 3.x node (npm registry) dials our Python host over
# Noise + mplex, performs a status request, decodes our answer, and receives one gossip
# message we publish. Optional; not part of `make test`. Needs node >= 20 and npm.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
command -v npm >/dev/null || { echo "interop-js needs node and npm" >&2; exit 1; }
(cd interop-js && npm install --no-audit --no-fund --silent)

work=$(mktemp -d)
host_pid=""
cleanup() { [ -n "$host_pid" ] && kill "$host_pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

PYTHONPATH=. "$PY" interop-js/host.py "$work/addr" >"$work/host.log" 2>&1 &
host_pid=$!
for _ in $(seq 1 100); do [ -s "$work/addr" ] && break; sleep 0.2; done
[ -s "$work/addr" ] || { cat "$work/host.log"; echo "host did not start" >&2; exit 1; }
addr=$(cat "$work/addr")
echo "python host: $addr"
if (cd interop-js && timeout 90 node client.mjs "$addr"); then
  echo "interop-js: OK"
else
  echo "--- python host log"; tail -n 30 "$work/host.log"
  echo "interop-js: FAILED" >&2; exit 1
fi
