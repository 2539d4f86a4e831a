'use strict';

// Unit tests of npm/src/sync.js (the Nx sync generator); its registration in nx.json is tested in plugin.test.js.

const { test } = require('node:test');
const assert = require('node:assert/strict');

const { sync, contextRoots } = require('../../../npm/src/sync.js');
const { FakeTree } = require('./fake-tree.js');

const manifest = (options) => JSON.stringify({ generator: 'domain', version: '0.1.0', options, files: {} });

test('contextRoots: every folder with a .python-ddd.json, skipping node_modules and virtualenvs', () => {
  const tree = new FakeTree({
    'libs/orders/.python-ddd.json': manifest({ name: 'orders' }),
    'libs/billing/.python-ddd.json': manifest({ name: 'billing' }),
    'apps/x/deep/.python-ddd.json': manifest({ name: 'x' }),
    'node_modules/pkg/.python-ddd.json': '{}',
    'libs/orders/.venv/lib/.python-ddd.json': '{}',
    'README.md': '',
  });
  assert.deepEqual(contextRoots(tree), ['apps/x/deep', 'libs/billing', 'libs/orders']);
});

test('sync: runs each context from its spec (the recorded name and directory); in sync when nothing is written', async () => {
  const tree = new FakeTree({
    'libs/orders/.python-ddd.json': manifest({ name: 'orders', directory: 'libs', eventBus: 'kafka' }),
  });
  const calls = [];
  const runner = async (generator, _tree, options) => {
    calls.push([generator, options]);
    return () => {};
  };
  assert.deepEqual(await sync(tree, { runner }), {});
  assert.deepEqual(calls, [['domain', { name: 'orders', directory: 'libs' }]]);
});

test('sync: files the plan writes or deletes are reported as out of sync (the manifest alone is not listed)', async () => {
  const tree = new FakeTree({
    'libs/orders/.python-ddd.json': manifest({ name: 'orders' }),
    'libs/orders/old.py': 'x\n',
  });
  const runner = async (_generator, view) => {
    view.write('libs/orders/a.py', 'a\n');
    view.delete('libs/orders/old.py');
    view.write('libs/orders/.python-ddd.json', '{}');
    return () => {};
  };
  const result = await sync(tree, { runner, nxMajor: 24 });
  const details = ['libs/orders: 2 file(s) differ from the plan: libs/orders/a.py, libs/orders/old.py'];
  assert.match(result.outOfSyncMessage ?? '', /nx sync/);
  assert.ok(!(result.outOfSyncMessage ?? '').includes(details[0]), 'Nx 21+ prints the details itself');
  assert.deepEqual(result.outOfSyncDetails, details);
  assert.deepEqual(tree.log, ['write libs/orders/a.py', 'delete libs/orders/old.py', 'write libs/orders/.python-ddd.json']);

  // Nx 20 prints only the message, so it carries the details.
  const old = await sync(new FakeTree({ 'libs/orders/.python-ddd.json': manifest({ name: 'orders' }), 'libs/orders/old.py': 'x\n' }), {
    runner,
    nxMajor: 20,
  });
  assert.equal(old.outOfSyncMessage, `${result.outOfSyncMessage}\n${details[0]}`);
});

test('sync: a conflict (an edited file) fails the sync; a broken manifest is named', async () => {
  const tree = new FakeTree({ 'libs/orders/.python-ddd.json': manifest({ name: 'orders' }) });
  const runner = async () => {
    throw new Error('@vibes/python-ddd:domain would overwrite 1 file you edited');
  };
  await assert.rejects(sync(tree, { runner }), /would overwrite 1 file you edited/);
  await assert.rejects(sync(new FakeTree({ 'a/.python-ddd.json': 'nope' }), { runner }), /a\/\.python-ddd\.json is not JSON/);
  await assert.rejects(sync(new FakeTree({ 'a/.python-ddd.json': '{}' }), { runner }), /records no generator and options/);
});
