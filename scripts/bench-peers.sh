#!/usr/bin/env bash
# `npm run bench:peers`: installs the peer tools the benchmark compares Fanout with (promptfoo) into
# ~/.cache/fanout/peers (FANOUT_CACHE overrides), reused when present. promptfoo needs Node >= 22.22 and compiles
# a native sqlite module: it is built against Node 24's headers, and npm 11, which blocks dependency install
# scripts by default, is told to run them for this one install.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${FANOUT_CACHE:-${HOME:+$HOME/.cache/fanout}}
CACHE=${CACHE:-$ROOT/.cache}
PEERS="$CACHE/peers"
PROMPTFOO_VERSION=${PROMPTFOO_VERSION:-latest}
NODE_BIN=$(bash "$ROOT/scripts/ensure-node.sh")
mkdir -p "$PEERS"
if [ ! -x "$PEERS/node_modules/.bin/promptfoo" ]; then
  echo "[peers] promptfoo@$PROMPTFOO_VERSION into $PEERS (a large install)" >&2
  (cd "$PEERS" && { [ -f package.json ] || echo '{"name":"fanout-peers","private":true}' > package.json; } \
    && PATH="$NODE_BIN:$PATH" npm_config_nodedir="$(dirname "$NODE_BIN")" npm_config_dangerously_allow_all_scripts=true \
       npm install --no-audit --no-fund "promptfoo@$PROMPTFOO_VERSION" > install.log 2>&1) || { tail -30 "$PEERS/install.log" >&2; exit 1; }
fi
PATH="$NODE_BIN:$PATH" "$PEERS/node_modules/.bin/promptfoo" --version >&2
echo "$PEERS"
