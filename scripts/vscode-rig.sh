#!/usr/bin/env bash
# Installs the offline VS Code test rig into ~/.cache/fanout/rig (FANOUT_CACHE overrides; reused when present): code-server (a real VS Code
# with a real Node extension host) built against Node 24's headers, and Debian's chromium for playwright-core.
# Nothing here downloads a binary outside the npm registry and Debian's packages. npm 11 blocks dependency
# install scripts by default; code-server's postinstall (and the nested install it runs) must run, so this one
# install allows them.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${FANOUT_CACHE:-${HOME:+$HOME/.cache/fanout}}
CACHE=${CACHE:-$ROOT/.cache}
RIG="$CACHE/rig"
CS_VERSION=${CS_VERSION:-4.139.1}
NODE_BIN=$(bash "$ROOT/scripts/ensure-node.sh")
NODE_DIR=$(dirname "$NODE_BIN")
t() { echo "[rig $(date +%T)] $*" >&2; }
mkdir -p "$RIG"
if ! command -v chromium >/dev/null || [ ! -e /usr/include/gssapi/gssapi.h ]; then
  t "apt: chromium + libkrb5-dev (code-server's kerberos module needs the gssapi headers)"
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium libkrb5-dev >/dev/null
fi
ENTRY="$RIG/cs/node_modules/code-server/out/node/entry.js"
if [ ! -f "$ENTRY" ] || [ ! -d "$RIG/cs/node_modules/code-server/lib/vscode/node_modules/kerberos/build" ]; then
  t "code-server@$CS_VERSION (its postinstall compiles native modules against Node 24: a few minutes on 2 cores)"
  mkdir -p "$RIG/cs"
  (cd "$RIG/cs" && { [ -f package.json ] || echo '{"name":"rig","private":true}' > package.json; } \
    && PATH="$NODE_BIN:$PATH" npm_config_nodedir="$NODE_DIR" npm_config_dangerously_allow_all_scripts=true npm install --no-audit --no-fund --foreground-scripts "code-server@$CS_VERSION" > install.log 2>&1) \
    || { tail -40 "$RIG/cs/install.log" >&2; exit 1; }
fi
echo "$RIG"
