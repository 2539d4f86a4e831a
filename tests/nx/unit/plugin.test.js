'use strict';

// Unit tests of npm/src/plugin.js (the Nx inference plugin) and of the domain generator's registration of it: one
// binary call per batch, the answer cached by a hash of its inputs, Nx's result shape, errors that name the manifest.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const plugin = require('../../../npm/src/plugin.js');
const packageEntry = require('../../../npm/plugin.js');
const shim = require('../../../npm/src/generator.js');
const { FakeTree } = require('./fake-tree.js');

const FAKE_BINARY = path.join(__dirname, 'fake-python-ddd.js');

/** A workspace folder holding the given files. */
function workspace(files) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'python-ddd-plugin-'));
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  }
  return root;
}

/** An inferrer that answers one project per manifest and counts its calls. */
function countingInferrer() {
  const calls = [];
  const infer = (manifests) => {
    calls.push(Object.keys(manifests).sort());
    return Object.fromEntries(
      Object.keys(manifests).map((file) => [file, { [path.posix.dirname(file)]: { targets: { test: { command: `from ${manifests[file]}` } } } }]),
    );
  };
  return { infer, calls };
}

test('the package entry exports createNodes and createNodesV2, the same batch shape, matching every manifest', () => {
  assert.equal(packageEntry.createNodesV2, plugin.createNodesV2);
  assert.equal(packageEntry.createNodes, plugin.createNodesV2);
  assert.equal(plugin.createNodesV2[0], '**/.python-ddd.json');
  assert.equal(typeof plugin.createNodesV2[1], 'function');
});

test('one inference per batch, Nx result shape per manifest; the same inputs come from the cache', async () => {
  const root = workspace({ 'libs/a/.python-ddd.json': 'A', 'libs/b/.python-ddd.json': 'B' });
  const cacheFile = path.join(root, '.nx/workspace-data/python-ddd-targets.json');
  const { infer, calls } = countingInferrer();
  const files = ['libs/a/.python-ddd.json', 'libs/b/.python-ddd.json'];
  const overrides = { infer, binary: FAKE_BINARY, cacheFile };
  const first = await plugin.inferNodes(files, {}, { workspaceRoot: root }, overrides);
  assert.deepEqual(first, [
    ['libs/a/.python-ddd.json', { projects: { 'libs/a': { targets: { test: { command: 'from A' } } } } }],
    ['libs/b/.python-ddd.json', { projects: { 'libs/b': { targets: { test: { command: 'from B' } } } } }],
  ]);
  assert.deepEqual(calls, [files], 'one call for the whole batch');
  assert.ok(fs.existsSync(cacheFile));

  const second = await plugin.inferNodes(files, {}, { workspaceRoot: root }, overrides);
  assert.deepEqual(second, first);
  assert.equal(calls.length, 1, 'unchanged manifests: answered from the cache');

  fs.writeFileSync(path.join(root, 'libs/b/.python-ddd.json'), 'B2');
  const third = await plugin.inferNodes(files, {}, { workspaceRoot: root }, overrides);
  assert.equal(calls.length, 2, 'a changed manifest: inferred again');
  assert.equal(third[1][1].projects['libs/b'].targets.test.command, 'from B2');
});

test('the hash covers the manifests, their paths and the binary', () => {
  const hash = (manifests, binary = FAKE_BINARY) => plugin.inputsHash(manifests, binary);
  const base = hash({ 'a/.python-ddd.json': 'x' });
  assert.equal(hash({ 'a/.python-ddd.json': 'x' }), base);
  assert.notEqual(hash({ 'a/.python-ddd.json': 'y' }), base);
  assert.notEqual(hash({ 'b/.python-ddd.json': 'x' }), base);
  assert.notEqual(hash({ 'a/.python-ddd.json': 'x' }, __filename), base);
});

test('manifests inside node_modules or a virtualenv are not contexts; no manifest, no binary run', async () => {
  const root = workspace({ 'node_modules/x/.python-ddd.json': 'X', 'libs/.venv/y/.python-ddd.json': 'Y' });
  const { infer, calls } = countingInferrer();
  const result = await plugin.inferNodes(
    ['node_modules/x/.python-ddd.json', 'libs/.venv/y/.python-ddd.json'],
    {},
    { workspaceRoot: root },
    { infer, binary: FAKE_BINARY, cacheFile: path.join(root, 'cache.json') },
  );
  assert.deepEqual(result, []);
  assert.deepEqual(calls, []);
});

test('the real request: the binary is run once with every manifest, and its problems become the error', () => {
  const root = workspace({});
  const script = path.join(root, 'fake-nx-targets.js');
  const log = path.join(root, 'requests.log');
  fs.writeFileSync(
    script,
    `#!/usr/bin/env node
const fs = require('fs');
const request = JSON.parse(fs.readFileSync(0, 'utf8'));
fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify({ argv: process.argv.slice(2), request }) + '\\n');
const files = Object.keys(request.manifests);
if (files.some((f) => request.manifests[f] === 'bad')) {
  process.stdout.write(JSON.stringify({ status: 'invalid', problems: [{ path: '/manifests/x', message: 'x/.python-ddd.json is broken' }] }));
  process.exit(2);
}
process.stdout.write(JSON.stringify({ status: 'ok', manifests: Object.fromEntries(files.map((f) => [f, { x: { targets: {} } }])) }));
`,
    { mode: 0o755 },
  );
  const infer = plugin.processInferrer(script, root);
  assert.deepEqual(infer({ 'a/.python-ddd.json': 'A', 'b/.python-ddd.json': 'B' }), {
    'a/.python-ddd.json': { x: { targets: {} } },
    'b/.python-ddd.json': { x: { targets: {} } },
  });
  const requests = fs.readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(requests, [{ argv: ['nx-targets'], request: { manifests: { 'a/.python-ddd.json': 'A', 'b/.python-ddd.json': 'B' } } }]);
  assert.throws(() => infer({ 'x/.python-ddd.json': 'bad' }), /cannot infer the targets of the Python contexts:\n {2}- x\/\.python-ddd\.json is broken/);
});

test('registerInNxJson: adds the sync generator and the plugin to nx.json once, keeping everything else', () => {
  const tree = new FakeTree({
    'nx.json': '{"analytics": false, "plugins": [{"plugin": "@nx/js"}], "sync": {"globalGenerators": ["other:gen"]}}',
  });
  shim.registerInNxJson(tree);
  shim.registerInNxJson(tree);
  assert.deepEqual(JSON.parse(tree.read('nx.json', 'utf-8')), {
    analytics: false,
    plugins: [{ plugin: '@nx/js' }, '@vibes/python-ddd/plugin'],
    sync: { globalGenerators: ['other:gen', '@vibes/python-ddd:sync'] },
  });
  assert.equal(tree.log.length, 1, 'written once');
  const configured = new FakeTree({
    'nx.json': '{"plugins": [{"plugin": "@vibes/python-ddd/plugin", "options": {}}], "sync": {"globalGenerators": ["@vibes/python-ddd:sync"]}}',
  });
  shim.registerInNxJson(configured);
  assert.deepEqual(configured.log, [], 'already registered (with options): nothing written');
  const none = new FakeTree({});
  shim.registerInNxJson(none);
  assert.deepEqual(none.log, [], 'no nx.json: nothing written');
});
