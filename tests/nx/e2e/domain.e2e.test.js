'use strict';

// End-to-end: the packed @vibes/python-ddd (+ its linux-x64 binary package) installed with nx into a
// real, temporary Nx workspace, driven through `nx g` with the daemon off and no TTY.
// Run through tests/nx/run.sh, which packs, installs and sets:
//   PYTHON_DDD_E2E_WS    the workspace (npm init + nx + @nx/devkit + the two tarballs, nx.json)
// The targets themselves (uv, cache, serve, migrate) are tested by targets.e2e.test.js.

const { test, before } = require('node:test');
const assert = require('node:assert/strict');
const childProcess = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const WS = process.env.PYTHON_DDD_E2E_WS;
if (!WS) throw new Error('PYTHON_DDD_E2E_WS is not set: run tests/nx/run.sh');

const NX = path.join(WS, 'node_modules/.bin/nx');
/** The binary the installed platform package carries: the CLI the Nx runs are compared with. */
const CLI = path.join(WS, 'node_modules/@vibes/python-ddd-linux-x64/bin/python-ddd');
const ROOT = 'libs/orders';

/** Environment of every nx run: daemon off, no cloud, no TUI, no inherited override of the binary. */
function nxEnv(extra = {}) {
  const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', NX_VERBOSE_LOGGING: 'false' };
  delete env.PYTHON_DDD_BINARY;
  delete env.NX_DRY_RUN;
  delete env.CI;
  return { ...env, ...extra };
}

/**
 * Runs `nx <args>` in the workspace with stdin closed (no TTY anywhere).
 * @returns {{ status: number | null, stdout: string, stderr: string, output: string }}
 */
function nx(args, extraEnv = {}) {
  const result = childProcess.spawnSync(NX, args, {
    cwd: WS,
    env: nxEnv(extraEnv),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 300_000,
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, output: `${result.stdout}\n${result.stderr}` };
}

function show(run) {
  return `exit ${run.status}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`;
}

/** `python-ddd generate domain <args> --root <fresh dir>` → the files it wrote, path → content. */
function cliTree(args) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'python-ddd-cli-'));
  try {
    const result = childProcess.spawnSync(CLI, ['generate', 'domain', ...args, '--root', dir], { encoding: 'utf8' });
    assert.equal(result.status, 0, `python-ddd generate domain ${args.join(' ')}:\n${result.stdout}${result.stderr}`);
    return readTree(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Every file under `dir` (relative, `/`-separated) with its bytes as a latin1 string, skipping tool state. */
function readTree(dir, skip = new Set(['node_modules', '.nx', '.git', '__pycache__', '.pytest_cache', '.ruff_cache', '.mypy_cache'])) {
  /** @type {Record<string, string>} */
  const files = {};
  const visit = (rel) => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      if (skip.has(entry.name)) continue;
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) visit(child);
      else files[child] = fs.readFileSync(path.join(dir, child), 'latin1');
    }
  };
  if (fs.existsSync(dir)) visit('');
  return Object.fromEntries(Object.entries(files).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** The workspace's own files (what a generator may touch), without node_modules and caches. */
function wsTree() {
  return readTree(WS);
}

/** Lines `CREATE x` / `UPDATE x` / `DELETE x` Nx printed. */
function changeLines(stdout, verb) {
  const re = new RegExp(`^${verb} (\\S+)`, 'gm');
  return [...stdout.matchAll(re)].map((m) => m[1].replace(/ \(.*\)$/, '')).sort();
}

/** Removes what a test generated, so tests stay independent of each other's leftovers. */
function clean(...rels) {
  for (const rel of rels) fs.rmSync(path.join(WS, rel), { recursive: true, force: true });
}

let baseline;
before(() => {
  assert.ok(fs.existsSync(NX), `nx is not installed in ${WS}`);
  assert.ok(fs.existsSync(CLI), `the platform package with the binary is not installed in ${WS}`);
  baseline = wsTree();
});

test('1. --dry-run prints a CREATE line for every generated file and writes none of them', () => {
  const expected = Object.keys(cliTree(['orders']));
  assert.ok(expected.length > 10, `the CLI generated ${expected.length} files`);
  const run = nx(['g', '@vibes/python-ddd:domain', 'orders', '--dry-run', '--no-interactive']);
  assert.equal(run.status, 0, show(run));
  assert.deepEqual(changeLines(run.stdout, 'CREATE'), expected, show(run));
  assert.deepEqual(changeLines(run.stdout, 'UPDATE'), ['nx.json'], 'the sync generator is registered');
  assert.match(run.stderr, /The "dryRun" flag means no changes were made/);
  assert.deepEqual(wsTree(), baseline, 'a dry run wrote files');
  assert.ok(!fs.existsSync(path.join(WS, ROOT)));
});

test('2. without --dry-run it writes exactly the files the CLI writes, byte for byte', () => {
  const run = nx(['g', '@vibes/python-ddd:domain', 'orders', '--no-interactive']);
  assert.equal(run.status, 0, show(run));
  const expected = cliTree(['orders']);
  const after = wsTree();
  const added = Object.fromEntries(Object.entries(after).filter(([p]) => !(p in baseline)));
  for (const [p, content] of Object.entries(baseline)) {
    if (p !== 'nx.json') assert.equal(after[p], content, `${p} changed`);
  }
  // nx.json gains exactly the sync generator (nx sync / nx sync:check) and the inference plugin, nothing else.
  assert.deepEqual(JSON.parse(after['nx.json']), {
    ...JSON.parse(baseline['nx.json']),
    plugins: ['@vibes/python-ddd/plugin'],
    sync: { globalGenerators: ['@vibes/python-ddd:sync'] },
  });
  assert.deepEqual(Object.keys(added), Object.keys(expected), 'the same file list');
  for (const [p, content] of Object.entries(expected)) assert.ok(added[p] === content, `${p} differs from the CLI's`);
  assert.deepEqual(changeLines(run.stdout, 'CREATE'), Object.keys(expected));
  assert.deepEqual(changeLines(run.stdout, 'UPDATE'), ['nx.json']);
  // The callback (not run on --dry-run) prints next steps and installs nothing.
  assert.match(run.output, /Next steps:/, show(run));
  // npm workspace: nx is not on PATH, so the steps say `npx nx`; uv makes the venv, nothing to activate.
  assert.match(run.output, /npx nx run-many -t lint,typecheck,test,build -p orders/, show(run));
  assert.doesNotMatch(run.output, /activate|pip install/);
  assert.ok(!fs.existsSync(path.join(WS, ROOT, '.venv')));
});

test('3. running it again reports no changes', () => {
  const before = wsTree();
  const run = nx(['g', '@vibes/python-ddd:domain', 'orders', '--no-interactive']);
  assert.equal(run.status, 0, show(run));
  for (const verb of ['CREATE', 'UPDATE', 'DELETE']) assert.deepEqual(changeLines(run.stdout, verb), [], show(run));
  assert.doesNotMatch(run.output, /Next steps:/);
  assert.deepEqual(wsTree(), before);
});

test('4. an overlapping user edit survives a run with changed options: conflict, preview with --dry-run, then --force', () => {
  const current = cliTree(['orders']);
  const kafka = cliTree(['orders', '--eventBus', 'kafka']);
  const changed = Object.keys(kafka).filter((p) => p in current && current[p] !== kafka[p] && !p.endsWith('.python-ddd.json'));
  assert.ok(changed.length > 0, '--eventBus kafka changes no existing file');
  const edited = changed.find((p) => p.endsWith('pyproject.toml')) ?? changed[0];
  const untouched = changed.filter((p) => p !== edited);

  const editedPath = path.join(WS, edited);
  // The user rewrote the file: the edit overlaps the changes, so no three-way merge can take both (an edit
  // apart from them would be merged: see the CLI tests).
  const userContent = '# my own edit\n';
  fs.writeFileSync(editedPath, userContent);
  const before = wsTree();

  const run = nx(['g', '@vibes/python-ddd:domain', 'orders', '--eventBus', 'kafka', '--no-interactive']);
  assert.notEqual(run.status, 0, show(run));
  assert.match(run.output, /would overwrite 1 file you edited/, show(run));
  assert.ok(run.output.includes(`  - ${edited}\n`), show(run));
  assert.match(run.output, /--force/);
  assert.match(run.output, /--dry-run/);
  assert.equal(fs.readFileSync(editedPath, 'utf8'), userContent, 'the edit did not survive');
  assert.deepEqual(wsTree(), before, 'a conflicting run wrote files');

  const preview = nx(['g', '@vibes/python-ddd:domain', 'orders', '--eventBus', 'kafka', '--dry-run', '--no-interactive']);
  assert.notEqual(preview.status, 0, show(preview));
  assert.ok(preview.stdout.includes(`CONFLICT ${edited}\n--- `), show(preview));
  assert.match(preview.stdout, /^\+.*kafka/im, 'the diff shows the kafka additions');
  assert.ok(preview.stdout.includes('# my own edit'), 'the conflict diff shows the user edit being replaced');
  for (const p of untouched) assert.ok(preview.stdout.includes(`UPDATE ${p}\n--- `), `no diff preview for ${p}\n${show(preview)}`);
  assert.match(preview.output, /would overwrite 1 file you edited/);
  assert.match(preview.output, /review the diff above, then re-run with --force/);
  assert.deepEqual(wsTree(), before, 'a dry run wrote files');

  const forced = nx(['g', '@vibes/python-ddd:domain', 'orders', '--eventBus', 'kafka', '--force', '--no-interactive']);
  assert.equal(forced.status, 0, show(forced));
  assert.ok(forced.stdout.includes(`UPDATE ${edited}`), show(forced));
  const after = wsTree();
  for (const [p, content] of Object.entries(kafka)) {
    if (!p.endsWith('.python-ddd.json')) assert.ok(after[p] === content, `${p} is not the kafka variant after --force`);
  }
  assert.ok(!after[edited].includes('# my own edit'));

  // Back to the defaults, so the later tests see the plain project (an option left out keeps the spec's value).
  const back = nx(['g', '@vibes/python-ddd:domain', 'orders', '--eventBus', 'memory', '--no-interactive']);
  assert.equal(back.status, 0, show(back));
  const reverted = wsTree();
  for (const [p, content] of Object.entries(current)) {
    if (!p.endsWith('.python-ddd.json')) assert.ok(reverted[p] === content, `${p} did not go back to the default variant`);
  }
});

test('5. invalid input fails with a clear message naming the option, and writes nothing', () => {
  const before = wsTree();
  const badName = nx(['g', '@vibes/python-ddd:domain', 'Bad-Name', '--no-interactive']);
  assert.notEqual(badName.status, 0, show(badName));
  assert.match(badName.stderr, /'name'.*Bad-Name|Bad-Name.*name/s, show(badName));
  // Nx quotes the schema's own pattern: read it from the installed schema rather than spelling it here.
  const schema = JSON.parse(
    fs.readFileSync(path.join(WS, 'node_modules/@vibes/python-ddd/generators/domain/schema.json'), 'utf8'),
  );
  assert.ok(badName.stderr.includes(schema.properties.name.pattern), show(badName));

  const mongo = nx(['g', '@vibes/python-ddd:domain', 'orders', '--persistence', 'mongo', '--no-interactive']);
  assert.notEqual(mongo.status, 0, show(mongo));
  assert.match(mongo.stderr, /persistence/, show(mongo));
  assert.match(mongo.stderr, /mongo/);
  assert.match(mongo.stderr, /sqlalchemy/);

  // A mistake only the binary can see (the schema cannot express field specs) reaches the user too.
  const fields = nx(['g', '@vibes/python-ddd:domain', 'billing', '--fields', 'total:float', '--no-interactive']);
  assert.notEqual(fields.status, 0, show(fields));
  assert.match(fields.stderr, /Invalid options for @vibes\/python-ddd:domain/, show(fields));
  assert.match(fields.stderr, /--fields: .*float/);

  assert.deepEqual(wsTree(), before);
});

test('6. the aliases work and nx list shows every generator', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(WS, 'node_modules/@vibes/python-ddd/generators.json'), 'utf8'));
  const list = nx(['list', '@vibes/python-ddd']);
  assert.equal(list.status, 0, show(list));
  for (const [name, entry] of Object.entries(manifest.generators)) {
    assert.ok(list.stdout.includes(`${name} : ${entry.description}`), `${name} missing from nx list\n${show(list)}`);
    const schema = JSON.parse(
      fs.readFileSync(path.join(WS, 'node_modules/@vibes/python-ddd', entry.schema), 'utf8'),
    );
    for (const alias of entry.aliases ?? []) {
      const run = nx(['g', `@vibes/python-ddd:${alias}`, 'payments', '--dry-run', '--no-interactive']);
      if ((schema.required ?? []).includes('context')) {
        // A generator that adds to an existing context (`aggregate`): the alias reaches its schema, which
        // Nx checks first, naming the option only that generator requires.
        assert.notEqual(run.status, 0, `alias ${alias}\n${show(run)}`);
        assert.match(run.stderr, /Required property 'context' is missing/, `alias ${alias}\n${show(run)}`);
        continue;
      }
      assert.equal(run.status, 0, `alias ${alias}\n${show(run)}`);
      assert.ok(changeLines(run.stdout, 'CREATE').includes('libs/payments/.python-ddd.json'), show(run));
    }
  }
  assert.ok(!fs.existsSync(path.join(WS, 'libs/payments')));
});

test('7. a missing platform package is named in the error; PYTHON_DDD_BINARY overrides the binary', () => {
  const pkgDir = path.join(WS, 'node_modules/@vibes/python-ddd-linux-x64');
  const aside = `${pkgDir}.aside`;
  fs.renameSync(pkgDir, aside);
  try {
    const run = nx(['g', '@vibes/python-ddd:domain', 'payments', '--dry-run', '--no-interactive']);
    assert.notEqual(run.status, 0, show(run));
    assert.match(run.stderr, /the optional dependency @vibes\/python-ddd-linux-x64 should have been installed/, show(run));
    assert.match(run.stderr, /PYTHON_DDD_BINARY/);

    const override = nx(['g', '@vibes/python-ddd:domain', 'payments', '--dry-run', '--no-interactive'], {
      PYTHON_DDD_BINARY: path.join(aside, 'bin/python-ddd'),
    });
    assert.equal(override.status, 0, show(override));
    assert.ok(changeLines(override.stdout, 'CREATE').includes('libs/payments/.python-ddd.json'), show(override));
  } finally {
    fs.renameSync(aside, pkgDir);
  }
});
