'use strict';

// Unit tests of npm/src/generator.js against a fake tree and a fake transport/binary, so the shim's
// side of the `python-ddd nx` protocol is pinned down independently of the real binary.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const shim = require('../../../npm/src/generator.js');
const { FakeTree } = require('./fake-tree.js');

const FAKE_BINARY = path.join(__dirname, 'fake-python-ddd.js');

/** A logger that remembers what it printed. */
function memoryLogger() {
  const lines = [];
  return { lines, info: (t) => lines.push(t), warn: (t) => lines.push(t), text: () => lines.join('\n') };
}

/** A transport answering with the given responses in order, remembering the requests. */
function scripted(...responses) {
  const requests = [];
  const transport = (request) => {
    requests.push(JSON.parse(JSON.stringify(request)));
    const next = responses.shift();
    if (!next) throw new Error('unexpected extra request');
    return typeof next === 'function' ? next(request) : next;
  };
  return { transport, requests };
}

const needFiles = { status: 'needFiles', root: 'libs/orders' };

test('binary: PYTHON_DDD_BINARY overrides the platform package', () => {
  const bin = path.join(os.tmpdir(), `python-ddd-override-${process.pid}`);
  fs.writeFileSync(bin, '');
  try {
    assert.equal(shim.resolveBinary({ env: { PYTHON_DDD_BINARY: bin }, resolve: () => assert.fail('resolved') }), bin);
  } finally {
    fs.rmSync(bin);
  }
  assert.throws(
    () => shim.resolveBinary({ env: { PYTHON_DDD_BINARY: '/nonexistent/python-ddd' } }),
    /PYTHON_DDD_BINARY is set to \/nonexistent\/python-ddd, but no file exists there/,
  );
});

test('binary: resolved inside the platform package', () => {
  const asked = [];
  const found = shim.resolveBinary({
    env: {},
    platform: 'linux',
    arch: 'x64',
    resolve: (id) => (asked.push(id), `/nm/${id}`),
  });
  assert.deepEqual(asked, ['@vibes/python-ddd-linux-x64/bin/python-ddd']);
  assert.equal(found, '/nm/@vibes/python-ddd-linux-x64/bin/python-ddd');
  shim.resolveBinary({ env: {}, platform: 'win32', arch: 'x64', resolve: (id) => (asked.push(id), id) });
  assert.equal(asked[1], '@vibes/python-ddd-win32-x64/bin/python-ddd.exe');
});

test('binary: a missing platform package names the package that should have been installed', () => {
  const missing = () => {
    throw Object.assign(new Error('Cannot find module'), { code: 'MODULE_NOT_FOUND' });
  };
  assert.throws(
    () => shim.resolveBinary({ env: {}, platform: 'darwin', arch: 'arm64', resolve: missing }),
    (error) => {
      assert.match(error.message, /binary for darwin-arm64 is missing/);
      assert.match(error.message, /optional dependency @vibes\/python-ddd-darwin-arm64 should have been installed/);
      assert.match(error.message, /PYTHON_DDD_BINARY/);
      return true;
    },
  );
  assert.throws(
    () => shim.resolveBinary({ env: {}, platform: 'freebsd', arch: 'x64', resolve: missing }),
    /no prebuilt python-ddd binary for freebsd-x64 \(published for darwin-arm64, darwin-x64, linux-arm64, linux-x64, win32-x64\)/,
  );
});

test('binary: every platform the shim knows is a declared optional dependency with a package folder', () => {
  const npmDir = path.join(__dirname, '../../../npm');
  const main = JSON.parse(fs.readFileSync(path.join(npmDir, 'package.json'), 'utf8'));
  assert.deepEqual(
    Object.keys(main.optionalDependencies).sort(),
    shim.PLATFORMS.map((p) => `@vibes/python-ddd-${p}`).sort(),
  );
  for (const platform of shim.PLATFORMS) {
    const pkg = JSON.parse(fs.readFileSync(path.join(npmDir, 'platforms', platform, 'package.json'), 'utf8'));
    const [osName, cpu] = platform.split('-');
    assert.equal(pkg.name, `@vibes/python-ddd-${platform}`);
    assert.equal(pkg.version, main.version, `${pkg.name} version`);
    assert.equal(main.optionalDependencies[pkg.name], main.version, `${pkg.name} pinned exactly`);
    assert.deepEqual(pkg.os, [osName]);
    assert.deepEqual(pkg.cpu, [cpu]);
    assert.deepEqual(pkg.files, [osName === 'win32' ? 'bin/python-ddd.exe' : 'bin/python-ddd']);
    assert.equal(pkg.scripts, undefined, 'no install scripts');
  }
  assert.equal(main.scripts?.postinstall, undefined, 'no postinstall');
});

test('protocol: first request has files null, second the tree files under root, options untouched', async () => {
  const tree = new FakeTree({
    'libs/orders/pyproject.toml': 'old\n',
    'libs/orders/src/a.py': 'a\n',
    'libs/orders/.venv/lib/site.py': 'never sent\n',
    'libs/orders/src/__pycache__/a.pyc': 'never sent\n',
    'libs/ordersx/other.py': 'not under root\n',
    'nx.json': '{}\n',
  });
  const options = { name: 'orders', directory: 'libs', persistence: 'memory', force: false, extra: [1] };
  const { transport, requests } = scripted(needFiles, { status: 'ok', root: 'libs/orders', files: [], messages: [] });
  await shim.runGenerator('domain', tree, options, { transport, logger: memoryLogger(), env: {} });
  assert.deepEqual(requests[0], { generator: 'domain', options, files: null });
  assert.deepEqual(requests[1], {
    generator: 'domain',
    options,
    files: { 'libs/orders/pyproject.toml': 'old\n', 'libs/orders/src/a.py': 'a\n' },
  });
});

test('ok: applies create/update/delete exactly, leaves unchanged/kept alone, prints messages', async () => {
  const tree = new FakeTree({
    'libs/orders/keep.py': 'user\n',
    'libs/orders/same.py': 'same\n',
    'libs/orders/old.py': 'old\n',
    'libs/orders/gone.py': 'gone\n',
  });
  const logger = memoryLogger();
  const { transport } = scripted(needFiles, {
    status: 'ok',
    root: 'libs/orders',
    files: [
      { path: 'libs/orders/new.py', action: 'create', content: 'new\n' },
      { path: 'libs/orders/old.py', action: 'update', content: 'newer\n', diff: '-old\n+newer\n' },
      { path: 'libs/orders/same.py', action: 'unchanged' },
      { path: 'libs/orders/keep.py', action: 'kept' },
      { path: 'libs/orders/gone.py', action: 'delete', diff: '-gone\n' },
    ],
    messages: ['kept libs/orders/keep.py (you edited it)'],
  });
  await shim.runGenerator('domain', tree, { name: 'orders' }, { transport, logger, env: {} });
  assert.deepEqual(tree.log, ['write libs/orders/new.py', 'write libs/orders/old.py', 'delete libs/orders/gone.py']);
  assert.deepEqual(tree.snapshot(), {
    'libs/orders/keep.py': 'user\n',
    'libs/orders/new.py': 'new\n',
    'libs/orders/old.py': 'newer\n',
    'libs/orders/same.py': 'same\n',
  });
  assert.match(logger.text(), /kept libs\/orders\/keep.py/);
  assert.doesNotMatch(logger.text(), /-old/, 'no diff without dry run');
});

test('dry run: prints the unified diff of every update and delete, not of creates', async () => {
  const tree = new FakeTree({ 'libs/orders/old.py': 'old\n', 'libs/orders/gone.py': 'gone\n' });
  const logger = memoryLogger();
  const { transport } = scripted(needFiles, {
    status: 'ok',
    root: 'libs/orders',
    files: [
      { path: 'libs/orders/new.py', action: 'create', content: 'new\n' },
      { path: 'libs/orders/old.py', action: 'update', content: 'newer\n', diff: '--- a\n+++ b\n-old\n+newer\n' },
      { path: 'libs/orders/gone.py', action: 'delete', diff: '--- a\n+++ /dev/null\n-gone\n' },
    ],
    messages: [],
  });
  const callback = await shim.runGenerator('domain', tree, { name: 'orders' }, {
    transport,
    logger,
    env: { NX_DRY_RUN: 'true' },
  });
  const text = logger.text();
  assert.match(text, /UPDATE libs\/orders\/old.py\n--- a\n\+\+\+ b\n-old\n\+newer/);
  assert.match(text, /DELETE libs\/orders\/gone.py\n--- a\n\+\+\+ \/dev\/null\n-gone/);
  assert.doesNotMatch(text, /new\.py/);
  assert.equal(typeof callback, 'function');
});

test('invalid: every problem is listed with the option it concerns, nothing written', async () => {
  const tree = new FakeTree({ 'libs/x.py': 'x\n' });
  const { transport, requests } = scripted({
    status: 'invalid',
    problems: [
      { path: '/name', message: "'Bad-Name' is not snake_case" },
      { path: '/persistence', message: "'mongo' is not one of sqlalchemy, memory" },
    ],
  });
  await assert.rejects(
    shim.runGenerator('domain', tree, { name: 'Bad-Name', persistence: 'mongo' }, { transport, env: {} }),
    (error) => {
      assert.match(error.message, /Invalid options for @vibes\/python-ddd:domain \(2 problems\)/);
      assert.match(error.message, /--name: 'Bad-Name' is not snake_case/);
      assert.match(error.message, /--persistence: 'mongo' is not one of sqlalchemy, memory/);
      return true;
    },
  );
  assert.equal(requests.length, 1);
  assert.deepEqual(tree.log, []);
});

test('invalid is also honoured on the second request (e.g. a field spec checked against files)', async () => {
  const { transport } = scripted(needFiles, {
    status: 'invalid',
    problems: [{ path: '/fields', message: 'unknown type "strr"' }],
  });
  await assert.rejects(
    shim.runGenerator('domain', new FakeTree(), { name: 'orders' }, { transport, env: {} }),
    /--fields: unknown type "strr"/,
  );
});

test('conflict: lists the files and how to proceed, writes nothing even if the plan has creates', async () => {
  const tree = new FakeTree({ 'libs/orders/a.py': 'edited\n' });
  const logger = memoryLogger();
  const plan = {
    status: 'conflict',
    root: 'libs/orders',
    files: [
      { path: 'libs/orders/new.py', action: 'create', content: 'new\n' },
      { path: 'libs/orders/a.py', action: 'conflict', diff: '--- a\n+++ b\n-edited\n+generated\n' },
      { path: 'libs/orders/b.py', action: 'conflict', diff: '-x\n+y\n' },
    ],
    messages: [],
  };
  for (const env of [{}, { NX_DRY_RUN: 'true' }]) {
    const { transport } = scripted(needFiles, plan);
    await assert.rejects(shim.runGenerator('domain', tree, { name: 'orders' }, { transport, logger, env }), (error) => {
      assert.match(error.message, /would overwrite 2 files you edited/);
      assert.match(error.message, /  - libs\/orders\/a.py\n  - libs\/orders\/b.py/);
      assert.match(error.message, /they were generated, where your edits and its changes overlap; nothing was written\.\n/);
      assert.match(error.message, env.NX_DRY_RUN ? /review the diff above/ : /preview the changes with --dry-run/);
      assert.match(error.message, /re-run with --force/);
      return true;
    });
  }
  assert.deepEqual(tree.log, []);
  assert.deepEqual(tree.snapshot(), { 'libs/orders/a.py': 'edited\n' });
  assert.match(logger.text(), /CONFLICT libs\/orders\/a.py\n--- a\n\+\+\+ b\n-edited\n\+generated/, 'dry run previews');
  assert.equal(logger.lines.length, 1, 'the preview is printed on the dry run only');
});

test('a plan with an unsafe path or unknown action is refused before anything is written', async () => {
  for (const bad of [
    { path: '../outside.py', action: 'create', content: 'x' },
    { path: '/etc/passwd', action: 'update', content: 'x' },
    { path: 'libs/orders/./a.py', action: 'create', content: 'x' },
    { path: 'libs/orders/a.py', action: 'chmod' },
    { path: 'libs/orders/a.py', action: 'create' },
  ]) {
    const tree = new FakeTree();
    const { transport } = scripted(needFiles, {
      status: 'ok',
      root: 'libs/orders',
      files: [{ path: 'libs/orders/first.py', action: 'create', content: 'ok\n' }, bad],
      messages: [],
    });
    await assert.rejects(shim.runGenerator('domain', tree, {}, { transport, env: {} }), /python-ddd nx planned/);
    assert.deepEqual(tree.log, [], JSON.stringify(bad));
  }
});

test('callback: prints next steps after a change, nothing when nothing changed', async () => {
  const logger = memoryLogger();
  const { transport } = scripted(needFiles, {
    status: 'ok',
    root: 'libs/orders',
    files: [
      { path: 'libs/orders/requirements-dev.txt', action: 'create', content: 'pytest\n' },
      { path: 'libs/orders/project.json', action: 'create', content: '{"name": "orders"}\n' },
    ],
    messages: [],
  });
  const callback = await shim.runGenerator('domain', new FakeTree(), { name: 'orders' }, { transport, logger, env: {} });
  assert.equal(logger.lines.length, 0, 'nothing printed before Nx writes');
  callback();
  assert.match(
    logger.text(),
    /Next steps:\n  # the targets run through uv .*\n  npx nx run-many -t lint,typecheck,test,build -p orders\n/,
  );
  assert.doesNotMatch(logger.text(), /venv|activate|pip install/, 'uv creates the venv: nothing to set up by hand');

  const quiet = memoryLogger();
  const again = scripted(needFiles, {
    status: 'ok',
    root: 'libs/orders',
    files: [{ path: 'libs/orders/project.json', action: 'unchanged' }],
    messages: [],
  });
  (await shim.runGenerator('domain', new FakeTree(), {}, { transport: again.transport, logger: quiet, env: {} }))();
  assert.deepEqual(quiet.lines, []);
});

test('next steps list a per-layer context project first, then its layers inner first', async () => {
  const logger = memoryLogger();
  const project = (dir, name) => ({ path: `libs/billing/${dir}project.json`, action: 'create', content: `{"name": "${name}"}\n` });
  // The binary plans files sorted by path: application, domain, infrastructure, interface, then the context's own.
  const { transport } = scripted(needFiles, {
    status: 'ok',
    root: 'libs/billing',
    files: [
      project('application/', 'billing-application'),
      project('domain/', 'billing-domain'),
      project('infrastructure/', 'billing-infrastructure'),
      project('interface/', 'billing-api'),
      project('', 'billing'),
    ],
    messages: [],
  });
  const env = { npm_config_user_agent: 'pnpm/12.21.0 npm/? node/v20.20.2 linux x64' };
  (await shim.runGenerator('domain', new FakeTree(), {}, { transport, logger, env }))();
  assert.ok(
    logger.text().includes('  pnpm exec nx run-many -t lint,typecheck,test,build -p billing billing-domain billing-application billing-infrastructure billing-api\n'),
    logger.text(),
  );
});

test('next steps name the nx of the package manager in use, never a bare nx', () => {
  const bare = new FakeTree();
  assert.equal(shim.nxCommand(bare, {}), 'npx nx');
  assert.equal(shim.nxCommand(bare, { npm_config_user_agent: 'pnpm/10.20.0 npm/? node/v20.20.2 linux x64' }), 'pnpm exec nx');
  assert.equal(shim.nxCommand(bare, { npm_config_user_agent: 'npm/11.6.0 node/v20.20.2 linux x64' }), 'npx nx');
  assert.equal(shim.nxCommand(bare, { npm_config_user_agent: 'yarn/4.9.0 npm/? node/v20' }), 'yarn nx');
  assert.equal(shim.nxCommand(new FakeTree({ 'pnpm-lock.yaml': 'x' }), {}), 'pnpm exec nx');
  assert.equal(shim.nxCommand(new FakeTree({ 'yarn.lock': 'x' }), {}), 'yarn nx');
  assert.equal(shim.nxCommand(new FakeTree({ 'bun.lock': 'x' }), {}), 'bunx nx');
  // The launcher wins over a lockfile (a pnpm user in a workspace that also holds a stray package-lock).
  assert.equal(shim.nxCommand(new FakeTree({ 'yarn.lock': 'x' }), { npm_config_user_agent: 'pnpm/10' }), 'pnpm exec nx');
});

test('unexpected answers fail clearly', async () => {
  const { transport } = scripted({ status: 'error', message: 'template x failed' });
  await assert.rejects(shim.runGenerator('domain', new FakeTree(), {}, { transport, env: {} }), /failed: template x failed/);
  const again = scripted({ status: 'ok', files: [] });
  await assert.rejects(
    shim.runGenerator('domain', new FakeTree(), {}, { transport: again.transport, env: {} }),
    /answered "ok" where "needFiles" was expected/,
  );
});

test('process transport: stdout JSON is read whatever the exit code; stderr is surfaced', async () => {
  const logger = memoryLogger();
  const transport = shim.processTransport(FAKE_BINARY, { logger });
  const conflict = scripted(
    (r) => transport(r),
    (r) => transport(r),
  );
  await assert.rejects(
    shim.runGenerator('domain', new FakeTree(), { fake: 'conflict-exit3' }, { transport: conflict.transport, env: {} }),
    /would overwrite 1 file you edited/,
  );

  const tree = new FakeTree({ 'libs/orders/x.py': 'x\n' });
  await shim.runGenerator('domain', tree, { fake: 'echo' }, { transport, logger, env: {} });
  assert.equal(tree.read('libs/orders/new.py', 'utf-8'), 'x = 1\n');
  assert.match(logger.text(), /received libs\/orders\/x.py/);
  assert.match(logger.text(), /a warning on stderr/);

  assert.throws(
    () => transport({ generator: 'domain', options: { fake: 'garbage' }, files: null }),
    /python-ddd nx exited with code 1 without a JSON response.\nboom: something broke/,
  );
  assert.throws(
    () => shim.processTransport('/nonexistent/python-ddd')({ generator: 'domain', options: {}, files: null }),
    /could not run \/nonexistent\/python-ddd: .*ENOENT/,
  );
});

test('generators.json: every factory exists, schemas are where it says, aliases are unique', () => {
  const npmDir = path.join(__dirname, '../../../npm');
  const manifest = JSON.parse(fs.readFileSync(path.join(npmDir, 'generators.json'), 'utf8'));
  const seen = new Set();
  for (const [name, entry] of Object.entries(manifest.generators)) {
    const [file, exportName] = entry.factory.split('#');
    assert.equal(typeof require(path.join(npmDir, file))[exportName], 'function', `${name} factory`);
    assert.ok(fs.existsSync(path.join(npmDir, entry.schema)), `${name} schema`);
    assert.ok(entry.description && entry.description.length > 20, `${name} description`);
    for (const alias of [name, ...(entry.aliases ?? [])]) {
      assert.ok(!seen.has(alias), `duplicate alias ${alias}`);
      seen.add(alias);
    }
  }
  assert.ok(seen.has('d') && seen.has('ddd'));
});

test('merged: written like an update, its diff previewed on a dry run', async () => {
  const plan = {
    status: 'ok',
    root: 'libs/orders',
    files: [
      { path: 'libs/orders/a.py', action: 'merged', content: 'mine\nnew\n', diff: '--- a\n+++ b\n mine\n+new\n' },
      { path: 'libs/orders/b.py', action: 'update', content: 'b2\n', diff: '-b1\n+b2\n' },
    ],
    messages: ['merged libs/orders/a.py: your edits with this run\'s changes'],
  };
  const tree = new FakeTree({ 'libs/orders/a.py': 'mine\n', 'libs/orders/b.py': 'b1\n' });
  const logger = memoryLogger();
  await shim.runGenerator('domain', tree, { name: 'orders' }, { transport: scripted(needFiles, plan).transport, logger, env: {} });
  assert.deepEqual(tree.snapshot(), { 'libs/orders/a.py': 'mine\nnew\n', 'libs/orders/b.py': 'b2\n' });
  assert.match(logger.text(), /merged libs\/orders\/a.py/);

  const preview = memoryLogger();
  const dry = new FakeTree({ 'libs/orders/a.py': 'mine\n' });
  await shim.runGenerator('domain', dry, {}, { transport: scripted(needFiles, plan).transport, logger: preview, env: { NX_DRY_RUN: 'true' } });
  assert.match(preview.text(), /MERGED libs\/orders\/a.py\n--- a\n\+\+\+ b\n mine\n\+new/);
});

test('conflicts: markers writes every file, the conflicts with their markers, then fails', async () => {
  const marked = 'a\n<<<<<<< ours\nmine\n||||||| original\nb\n=======\ntheirs\n>>>>>>> theirs\n';
  const plan = {
    status: 'conflict',
    root: 'libs/orders',
    files: [
      { path: 'libs/orders/a.py', action: 'conflict', markers: true, content: marked, diff: `--- a\n+++ b\n a\n+<<<<<<< ours\n mine\n` },
      { path: 'libs/orders/new.py', action: 'create', content: 'new\n' },
    ],
    messages: [],
  };
  const tree = new FakeTree({ 'libs/orders/a.py': 'a\nmine\n' });
  const logger = memoryLogger();
  const done = await shim.runGenerator('domain', tree, { conflicts: 'markers' }, { transport: scripted(needFiles, plan).transport, logger, env: {} });
  assert.deepEqual(tree.snapshot(), { 'libs/orders/a.py': marked, 'libs/orders/new.py': 'new\n' });
  // Nx runs the callback after flushing the tree: the run then fails, naming the files to resolve.
  assert.throws(done, /1 file holds conflict markers where your edits and the changes overlap:\n {2}- libs\/orders\/a.py\n/);

  // A conflict without markers (no merge base) stops the run: nothing is written.
  const stopped = new FakeTree({ 'libs/orders/a.py': 'a\nmine\n' });
  const mixed = { ...plan, files: [...plan.files, { path: 'libs/orders/c.py', action: 'conflict', diff: '-x\n+y\n' }] };
  await assert.rejects(
    shim.runGenerator('domain', stopped, { conflicts: 'markers' }, { transport: scripted(needFiles, mixed).transport, logger, env: {} }),
    /would overwrite 2 files you edited/,
  );
  assert.deepEqual(stopped.log, []);
  // A dry run writes nothing either, and names the way out.
  await assert.rejects(
    shim.runGenerator('domain', new FakeTree(), { conflicts: 'markers' }, { transport: scripted(needFiles, plan).transport, logger, env: { NX_DRY_RUN: 'true' } }),
    /or with --conflicts markers to write the conflict markers/,
  );
});

test('aggregate: both requests carry every context manifest in the workspace, none from dependency folders or too deep', async () => {
  const tree = new FakeTree({
    'libs/shop/.python-ddd.json': '{"m":1}\n',
    'libs/shop/domain/a.py': 'a\n',
    'services/python/billing/.python-ddd.json': '{"m":2}\n',
    'node_modules/pkg/.python-ddd.json': 'never sent\n',
    'libs/shop/.venv/x/.python-ddd.json': 'never sent\n',
    'a/b/c/d/e/f/g/.python-ddd.json': 'eight folders deep\n',
    'a/b/c/d/e/f/g/h/.python-ddd.json': 'too deep\n',
    'nx.json': '{}\n',
  });
  const options = { name: 'customers', context: 'shop' };
  const { transport, requests } = scripted(
    { status: 'needFiles', root: 'libs/shop' },
    { status: 'ok', root: 'libs/shop', files: [], messages: [] },
  );
  await shim.runGenerator('aggregate', tree, options, { transport, logger: memoryLogger(), env: {} });
  const contexts = {
    'a/b/c/d/e/f/g/.python-ddd.json': 'eight folders deep\n',
    'libs/shop/.python-ddd.json': '{"m":1}\n',
    'services/python/billing/.python-ddd.json': '{"m":2}\n',
  };
  assert.deepEqual(requests[0], { generator: 'aggregate', options, files: null, contexts });
  assert.deepEqual(requests[1], {
    generator: 'aggregate',
    options,
    files: { 'libs/shop/.python-ddd.json': '{"m":1}\n', 'libs/shop/domain/a.py': 'a\n' },
    contexts,
  });
});
