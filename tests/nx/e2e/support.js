'use strict';

// Shared by the e2e tests: the workspace tests/nx/run.sh made, and `nx` run the way its package manager runs it.
//   PYTHON_DDD_E2E_WS     the workspace (nx + the two tarballs installed, nx.json)
//   PYTHON_DDD_E2E_PM     npm | pnpm: `npx nx …` or `pnpm exec nx …`, as the README tells users
//   PYTHON_DDD_E2E_NX     the Nx version installed there

const childProcess = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const WS = process.env.PYTHON_DDD_E2E_WS;
if (!WS) throw new Error('PYTHON_DDD_E2E_WS is not set: run tests/nx/run.sh');
const PM = process.env.PYTHON_DDD_E2E_PM ?? 'npm';
const NX_VERSION = process.env.PYTHON_DDD_E2E_NX ?? '';

/** How the user starts the workspace's nx with this package manager (nx itself is not on PATH). */
const NX_LAUNCHER = PM === 'pnpm' ? ['pnpm', ['exec', 'nx']] : ['npx', ['--no-install', 'nx']];
/** The same, as printed in the generator's next steps. */
const NX_COMMAND = PM === 'pnpm' ? 'pnpm exec nx' : 'npx nx';

/** Environment of every nx run: daemon off, no cloud, no TUI, no inherited override of the binary. */
function nxEnv(extra = {}) {
  const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', NX_VERBOSE_LOGGING: 'false', NO_COLOR: '1' };
  for (const name of ['PYTHON_DDD_BINARY', 'NX_DRY_RUN', 'CI', 'npm_config_user_agent', 'VIRTUAL_ENV']) delete env[name];
  return { ...env, ...extra };
}

/**
 * Runs `<pm> nx <args>` in the workspace (or `cwd`) with stdin closed (no TTY anywhere).
 * @returns {{ status: number | null, stdout: string, stderr: string, output: string, seconds: number }}
 */
function nx(args, { env = {}, cwd = WS, timeout = 900_000 } = {}) {
  const started = process.hrtime.bigint();
  const [command, prefix] = NX_LAUNCHER;
  const result = childProcess.spawnSync(command, [...prefix, ...args], {
    cwd,
    env: nxEnv(env),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout,
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, output: `${result.stdout}\n${result.stderr}`, seconds };
}

function show(run) {
  return `exit ${run.status}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`;
}

/** `nx show project <name> --json` */
function projectConfig(name) {
  const run = nx(['show', 'project', name, '--json']);
  if (run.status !== 0) throw new Error(`nx show project ${name}\n${show(run)}`);
  return JSON.parse(run.stdout);
}

/** Every file under `dir` of the workspace, workspace-relative, skipping tool state and virtualenvs. */
function filesUnder(dir, skip = new Set(['node_modules', '.nx', '.git', '.venv', '__pycache__', '.pytest_cache', '.ruff_cache', '.mypy_cache', 'dist'])) {
  /** @type {string[]} */
  const files = [];
  const visit = (rel) => {
    for (const entry of fs.readdirSync(path.join(WS, rel), { withFileTypes: true })) {
      if (skip.has(entry.name)) continue;
      const child = `${rel}/${entry.name}`;
      if (entry.isDirectory()) visit(child);
      else files.push(child);
    }
  };
  visit(dir);
  return files.sort();
}

module.exports = { WS, PM, NX_VERSION, NX_COMMAND, nx, nxEnv, show, projectConfig, filesUnder };
