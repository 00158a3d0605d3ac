#!/usr/bin/env bash
# Runs a command with a Node >= 22 first on PATH (the machine's, or Node 24 installed by ensure-node.sh).
# npm scripts go through this so `npm test` and `npm run demo` work on a machine whose own Node is older.
set -euo pipefail
BIN=$(bash "$(dirname "$0")/ensure-node.sh")
export PATH="$BIN:$PATH"
exec "$@"
