'use strict';

// Generation, the project graph and the migrations wiring, on every tested (package manager, Nx version):
// what a plugin breaks first when Nx moves a major. Run through tests/nx/run.sh (see support.js for the environment).

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { WS, PM, NX_VERSION, NX_COMMAND, nx, show, filesUnder } = require('./support');

const LAYERS = ['billing-domain', 'billing-application', 'billing-infrastructure', 'billing-api'];

test(`${PM} + Nx ${NX_VERSION}: \`${NX_COMMAND} g @vibes/python-ddd:domain\` generates both layouts and prints runnable next steps`, () => {
  const single = nx(['g', '@vibes/python-ddd:domain', 'orders', '--no-interactive']);
  assert.equal(single.status, 0, show(single));
  assert.ok(fs.existsSync(path.join(WS, 'libs/orders/project.json')), show(single));
  if (/CREATE /.test(single.stdout)) {
    // The steps name this package manager's nx (a bare `nx` is not on PATH in an npm or pnpm workspace).
    assert.ok(single.output.includes(`${NX_COMMAND} run-many -t lint,typecheck,test,build -p orders\n`), show(single));
  }

  const perLayer = nx(['g', '@vibes/python-ddd:domain', 'billing', '--projectLayout', 'per-layer', '--no-interactive']);
  assert.equal(perLayer.status, 0, show(perLayer));
  assert.ok(perLayer.output.includes(`${NX_COMMAND} run-many -t lint,typecheck,test,build -p billing ${LAYERS.join(' ')}\n`), show(perLayer));

  const projects = nx(['show', 'projects', '--json']);
  assert.equal(projects.status, 0, show(projects));
  assert.deepEqual(JSON.parse(projects.stdout).sort(), ['billing', ...LAYERS, 'orders'].sort());
});

test(`${PM} + Nx ${NX_VERSION}: nx graph shows domain <- application <- infrastructure <- interface, and every file has a project`, () => {
  const file = path.join(WS, 'graph.json');
  const run = nx(['graph', `--file=${file}`]);
  assert.equal(run.status, 0, show(run));
  const { graph } = JSON.parse(fs.readFileSync(file, 'utf8'));
  fs.rmSync(file);

  /** @param {string} source */
  const targets = (source) => (graph.dependencies[source] ?? []).map((d) => d.target).sort();
  assert.deepEqual(targets('billing-domain'), ['billing']);
  assert.deepEqual(targets('billing-application'), ['billing', 'billing-domain']);
  assert.deepEqual(targets('billing-infrastructure'), ['billing', 'billing-application', 'billing-domain']);
  assert.deepEqual(targets('billing-api'), ['billing', 'billing-application', 'billing-infrastructure']);
  assert.deepEqual(targets('billing'), [], 'the context project depends on no layer (no cycle)');

  // Nx gives a file to the project with the deepest root above it: with a project at the context root, the
  // context's pyproject.toml, requirements, alembic.ini and docs belong to `billing`, so `nx affected` sees them.
  const roots = Object.values(graph.nodes).map((node) => node.data.root);
  const orphans = filesUnder('libs/billing').filter((f) => !roots.some((root) => f.startsWith(`${root}/`)));
  assert.deepEqual(orphans, [], 'files that belong to no project');
  const owner = (f) => roots.filter((root) => f.startsWith(`${root}/`)).sort((a, b) => b.length - a.length)[0];
  assert.equal(owner('libs/billing/pyproject.toml'), 'libs/billing');
  assert.equal(owner('libs/billing/domain/billing_domain/__init__.py'), 'libs/billing/domain');
});

test(`${PM} + Nx ${NX_VERSION}: Nx reads the plugin's migrations.json through package.json "nx-migrations"`, () => {
  // What `nx migrate` does to find a package's migrations: readNxMigrateConfig on its package.json, then
  // require.resolve from the package folder (Nx 23+ exports it whole as readPackageMigrationConfig; Nx 22 does not).
  const req = (id) => require(require.resolve(id, { paths: [WS] }));
  const packageDir = path.join(WS, 'node_modules/@vibes/python-ddd');
  const installed = fs.realpathSync(path.join(packageDir, 'migrations.json'));
  const config = req('nx/src/utils/package-json').readNxMigrateConfig(JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8')));
  assert.equal(fs.realpathSync(require.resolve(config.migrations, { paths: [packageDir] })), installed, JSON.stringify(config));
  const migrate = req('nx/src/command-line/migrate/migrate');
  if (typeof migrate.readPackageMigrationConfig === 'function') {
    const whole = migrate.readPackageMigrationConfig('@vibes/python-ddd', WS);
    assert.equal(whole.migrations && fs.realpathSync(whole.migrations), installed, JSON.stringify(whole));
  }
  const migrations = JSON.parse(fs.readFileSync(installed, 'utf8'));
  assert.equal(typeof migrations.generators, 'object', 'migrations.json has a generators map');
  for (const [name, entry] of Object.entries(migrations.generators)) {
    assert.match(entry.version, /^\d+\.\d+\.\d+/, `${name}: version`);
    assert.ok(entry.description, `${name}: description`);
    assert.ok(fs.existsSync(path.join(path.dirname(installed), entry.implementation ?? entry.factory)), `${name}: implementation`);
  }
});

test(`${PM} + Nx ${NX_VERSION}: nx sync:check fails on drift from the context spec; nx sync repairs it and never overwrites an edit`, () => {
  const inSync = nx(['sync:check']);
  assert.equal(inSync.status, 0, show(inSync));

  // A generated file went missing: the plan is not empty.
  const doc = path.join(WS, 'libs/orders/docs/traceability.md');
  const docText = fs.readFileSync(doc, 'utf8');
  fs.rmSync(doc);
  const drift = nx(['sync:check']);
  assert.notEqual(drift.status, 0, show(drift));
  assert.ok(drift.output.includes('libs/orders: 1 file(s) differ from the plan: libs/orders/docs/traceability.md'), show(drift));
  const repair = nx(['sync']);
  assert.equal(repair.status, 0, show(repair));
  assert.equal(fs.readFileSync(doc, 'utf8'), docText);
  assert.equal(nx(['sync:check']).status, 0);

  // The context spec was edited without regeneration, and the user edited a file the new plan would change:
  // sync:check reports it, nx sync refuses to overwrite the edit and writes nothing.
  const specPath = path.join(WS, 'libs/orders/python-ddd.spec.json');
  const specText = fs.readFileSync(specPath, 'utf8');
  fs.writeFileSync(specPath, JSON.stringify({ ...JSON.parse(specText), eventBus: 'kafka' }, null, 2));
  const pyproject = path.join(WS, 'libs/orders/pyproject.toml');
  const pyprojectText = fs.readFileSync(pyproject, 'utf8');
  // A rewrite, which overlaps the plan's changes (an edit apart from them would be merged).
  fs.writeFileSync(pyproject, '# my own edit\n');
  try {
    const spec = nx(['sync:check']);
    assert.notEqual(spec.status, 0, show(spec));
    const refused = nx(['sync']);
    assert.notEqual(refused.status, 0, show(refused));
    assert.match(refused.output, /would overwrite 1 file you edited/, show(refused));
    assert.ok(fs.readFileSync(pyproject, 'utf8').endsWith('# my own edit\n'), 'the edit survived');
    assert.ok(!fs.existsSync(path.join(WS, 'libs/orders/infrastructure/orders_infrastructure/adapters/kafka')), 'nothing written');
  } finally {
    fs.writeFileSync(specPath, specText);
    fs.writeFileSync(pyproject, pyprojectText);
  }
  assert.equal(nx(['sync:check']).status, 0, 'back in sync');
});

test(`${PM} + Nx ${NX_VERSION}: the plugin infers every project's targets; project.json holds none`, () => {
  const nxJson = JSON.parse(fs.readFileSync(path.join(WS, 'nx.json'), 'utf8'));
  assert.ok(nxJson.plugins.includes('@vibes/python-ddd/plugin'), JSON.stringify(nxJson));
  for (const name of ['orders', 'billing', ...LAYERS]) {
    const run = nx(['show', 'project', name, '--json']);
    assert.equal(run.status, 0, show(run));
    const config = JSON.parse(run.stdout);
    const file = path.join(WS, config.root, 'project.json');
    assert.equal(JSON.parse(fs.readFileSync(file, 'utf8')).targets, undefined, `${file} declares targets`);
    const expected = {
      orders: ['build', 'format', 'lint', 'migrate', 'serve', 'test', 'typecheck'],
      billing: ['build', 'migrate'],
      'billing-api': ['format', 'lint', 'serve', 'test', 'typecheck'],
    }[name] ?? ['format', 'lint', 'test', 'typecheck'];
    // Nx may add targets of its own (e.g. nx-release-publish); ours must all be there.
    for (const target of expected) assert.ok(config.targets[target], `${name}: no inferred ${target} in ${Object.keys(config.targets)}`);
    assert.ok(config.namedInputs?.python, `${name}: no inferred python input`);
  }
  // One binary run for the whole batch, then the cache: a second graph with the same manifests reads it.
  const cache = path.join(WS, '.nx/workspace-data/python-ddd-targets.json');
  assert.ok(fs.existsSync(cache), 'the inferred targets are cached in .nx/workspace-data');
  assert.equal(Object.keys(JSON.parse(fs.readFileSync(cache, 'utf8')).answer).length, 2, 'both contexts in one answer');
});
