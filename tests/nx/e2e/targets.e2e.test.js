'use strict';

// The generated targets, as a user runs them in a fresh workspace with only node and uv: every check passes through
// `uv run` (nothing created or activated by hand), a second run replays from the Nx cache, an edit re-runs only the
// edited project's tasks, `migrate` and `serve` work from the workspace root. Runs after compat.e2e.test.js, which
// generated `orders` (single project) and `billing` (per-layer). See support.js for the environment.

const { test, before } = require('node:test');
const assert = require('node:assert/strict');
const childProcess = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { WS, PM, NX_VERSION, nx, nxEnv, show, projectConfig } = require('./support');

const CHECKS = 'lint,typecheck,test,build';
const PROJECTS = ['orders', 'billing', 'billing-domain', 'billing-application', 'billing-infrastructure', 'billing-api'];
/** Tasks per project: lint, typecheck, test and build on `orders`; build on `billing`; the three checks per layer. */
const TASKS = 4 + 1 + 3 * 4;
const label = `${PM} + Nx ${NX_VERSION}`;

/** `Nx read the output from the cache instead of running the command for X out of Y tasks.` → [X, Y]; [0, 0] if absent. */
function cacheCount(output) {
  const m = /Nx read the output from the cache instead of running the command for (\d+) out of (\d+) tasks?/.exec(output);
  return m ? [Number(m[1]), Number(m[2])] : [0, 0];
}

/** The tasks a run-many executed (not replayed): `> nx run p:t` lines without a cache note. */
function executedTasks(output) {
  return [...output.matchAll(/^> nx run (\S+)(.*)$/gm)]
    .filter(([, , rest]) => !/cache/.test(rest))
    .map(([, task]) => task)
    .sort();
}

const runMany = () => nx(['run-many', '-t', CHECKS, '--output-style=static']);

before(() => {
  for (const root of ['libs/orders', 'libs/billing']) {
    assert.ok(fs.existsSync(path.join(WS, root, 'project.json')), `${root} was not generated (compat.e2e.test.js runs first)`);
  }
  // No interpreter or virtualenv of ours leaks into the runs: only `uv` is on PATH for Python.
  assert.equal(childProcess.spawnSync('uv', ['--version']).status, 0, 'uv is on PATH');
});

test(`${label}: nx run-many -t ${CHECKS} passes with nothing set up (uv creates each context's .venv)`, () => {
  assert.ok(!fs.existsSync(path.join(WS, 'libs/orders/.venv')), 'a venv existed before the first run');
  const run = runMany();
  console.log(`first run-many: ${run.seconds.toFixed(1)} s`);
  assert.equal(run.status, 0, show(run));
  assert.match(run.output, new RegExp(`Successfully ran targets ${CHECKS.split(',').join(', ')} for ${PROJECTS.length} projects`), show(run));
  assert.equal(executedTasks(run.output).length, TASKS, show(run));
  for (const root of ['libs/orders', 'libs/billing']) {
    assert.ok(fs.existsSync(path.join(WS, root, '.venv/bin/python')), `uv made ${root}/.venv`);
    assert.ok(fs.readdirSync(path.join(WS, root, 'dist')).some((f) => f.endsWith('.whl')), `a wheel in ${root}/dist`);
  }
});

test(`${label}: a second run comes entirely from the Nx cache`, () => {
  const run = runMany();
  console.log(`cached run-many: ${run.seconds.toFixed(1)} s`);
  assert.equal(run.status, 0, show(run));
  assert.deepEqual(cacheCount(run.output), [TASKS, TASKS], show(run));
  assert.deepEqual(executedTasks(run.output), [], show(run));
});

test(`${label}: editing one .py file re-runs only the affected project's tasks`, () => {
  const edited = path.join(WS, 'libs/orders/domain/orders_domain/__init__.py');
  const original = fs.readFileSync(edited, 'utf8');
  fs.writeFileSync(edited, `${original}# touched by the e2e test\n`);
  try {
    const run = runMany();
    assert.equal(run.status, 0, show(run));
    assert.deepEqual(executedTasks(run.output), ['orders:build', 'orders:lint', 'orders:test', 'orders:typecheck'], show(run));
    assert.deepEqual(cacheCount(run.output), [TASKS - 4, TASKS], show(run));

    // In the per-layer context an edit of the application layer re-runs it and the layers above it, not the domain.
    const layerFile = path.join(WS, 'libs/billing/application/billing_application/__init__.py');
    const layerOriginal = fs.readFileSync(layerFile, 'utf8');
    fs.writeFileSync(layerFile, `${layerOriginal}# touched by the e2e test\n`);
    try {
      const layered = runMany();
      assert.equal(layered.status, 0, show(layered));
      const rerun = executedTasks(layered.output);
      assert.ok(rerun.length > 0 && rerun.every((t) => /^billing-(application|infrastructure|api):/.test(t)), show(layered));
      assert.ok(rerun.includes('billing-application:test'), show(layered));
    } finally {
      fs.writeFileSync(layerFile, layerOriginal);
    }
  } finally {
    fs.writeFileSync(edited, original);
  }
});

test(`${label}: the cacheable targets declare cache, inputs and outputs; serve and migrate never cache`, () => {
  const orders = projectConfig('orders');
  for (const name of ['lint', 'typecheck', 'test', 'build']) {
    const target = orders.targets[name];
    assert.equal(target.cache, true, `${name}.cache`);
    assert.ok(target.inputs?.length, `${name}.inputs`);
    assert.ok(Array.isArray(target.outputs), `${name}.outputs`);
    assert.match(target.options.command ?? target.options.commands.join(' '), /^uv (run|build)/, `${name} runs through uv`);
  }
  assert.deepEqual(orders.targets.build.outputs, ['{projectRoot}/dist']);
  for (const name of ['serve', 'migrate']) assert.equal(orders.targets[name].cache, false, `${name}.cache`);
  assert.ok(projectConfig('billing-api').targets.serve, 'the per-layer interface project serves the API');
  assert.ok(projectConfig('billing').targets.migrate, 'the per-layer context project migrates');
});

test(`${label}: nx run orders:migrate creates the SQLite file in the context folder, whatever the current directory`, () => {
  const db = path.join(WS, 'libs/orders/orders.db');
  fs.rmSync(db, { force: true });
  const run = nx(['run', 'orders:migrate', '--output-style=static'], { cwd: path.join(WS, 'libs') });
  assert.equal(run.status, 0, show(run));
  assert.ok(fs.existsSync(db), `no ${db}\n${show(run)}`);
  assert.ok(!fs.existsSync(path.join(WS, 'orders.db')) && !fs.existsSync(path.join(WS, 'libs/orders.db')));

  // The app's default URL names the same file from anywhere (here: run from the filesystem root).
  const probe = childProcess.spawnSync(
    'uv',
    ['run', '--project', path.join(WS, 'libs/orders'), 'python', '-c',
      'from orders_infrastructure.adapters.sqlalchemy.database import DEFAULT_DATABASE_URL as u; print(u)'],
    { cwd: '/', encoding: 'utf8', env: nxEnv() },
  );
  assert.equal(probe.status, 0, probe.stderr);
  assert.equal(probe.stdout.trim(), `sqlite+aiosqlite:///${fs.realpathSync(path.join(WS, 'libs/orders'))}/orders.db`);
});

test(`${label}: nx run orders:serve answers /health`, async () => {
  const port = 20000 + (process.pid % 20000);
  const [command, prefix] = PM === 'pnpm' ? ['pnpm', ['exec', 'nx']] : ['npx', ['--no-install', 'nx']];
  // The args after `--` reach uvicorn; the process group (npx/pnpm, nx, uv, uvicorn and its reloader) is killed after.
  const server = childProcess.spawn(command, [...prefix, 'run', 'orders:serve', '--output-style=stream', '--', '--port', String(port)], {
    cwd: WS,
    env: nxEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  server.stdout.on('data', (d) => { output += d; });
  server.stderr.on('data', (d) => { output += d; });
  try {
    const deadline = Date.now() + 120_000;
    let body = null;
    while (Date.now() < deadline && body === null && server.exitCode === null) {
      body = await new Promise((resolve) => {
        http.get({ host: '127.0.0.1', port, path: '/health' }, (res) => {
          let data = '';
          res.on('data', (d) => { data += d; });
          res.on('end', () => resolve(res.statusCode === 200 ? data : null));
        }).on('error', () => resolve(null));
      });
      if (body === null) await new Promise((r) => setTimeout(r, 500));
    }
    assert.ok(body !== null, `no answer on port ${port}\n${output}`);
    assert.match(body, /ok|status/i);
  } finally {
    try {
      process.kill(-server.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
});
