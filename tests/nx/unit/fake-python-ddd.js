#!/usr/bin/env node
'use strict';
// A stand-in for `python-ddd nx` whose answer is chosen by the request's options.fake (or the
// env FAKE_PYTHON_DDD_MODE): "conflict-exit3" prints a conflict plan and exits 3; "garbage" prints
// no JSON and exits 1; otherwise it answers needFiles, then a plan echoing the files it received.
const input = require('node:fs').readFileSync(0, 'utf8');
const request = JSON.parse(input);
const mode = request.options.fake ?? process.env.FAKE_PYTHON_DDD_MODE;
if (process.argv[2] !== 'nx') {
  process.stderr.write('usage: fake nx\n');
  process.exit(1);
}
if (mode === 'garbage') {
  process.stdout.write('thread main panicked\n');
  process.stderr.write('boom: something broke\n');
  process.exit(1);
}
if (request.files === null) {
  process.stdout.write(JSON.stringify({ status: 'needFiles', root: 'libs/orders' }));
  process.exit(0);
}
if (mode === 'conflict-exit3') {
  process.stdout.write(JSON.stringify({
    status: 'conflict', root: 'libs/orders', messages: [],
    files: [{ path: 'libs/orders/a.py', action: 'conflict', diff: '--- a\n+++ b\n' }],
  }));
  process.exit(3);
}
process.stderr.write('a warning on stderr\n');
process.stdout.write(JSON.stringify({
  status: 'ok', root: 'libs/orders', messages: [`received ${Object.keys(request.files).join(',')}`],
  files: [{ path: 'libs/orders/new.py', action: 'create', content: 'x = 1\n' }],
}));
