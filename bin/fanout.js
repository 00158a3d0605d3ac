#!/usr/bin/env node
'use strict';
const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  process.stderr.write(`fanout: Node ${process.versions.node} is too old — Fanout needs Node 22 or newer\n`);
  process.exit(2);
}
// V8 keeps the compiled CLI and provider chunks on disk (os.tmpdir()/node-compile-cache): later starts skip compiling them
require('node:module').enableCompileCache?.();
require('../dist/cli.js');
