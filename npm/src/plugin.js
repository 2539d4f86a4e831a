// @ts-check
'use strict';

/**
 * `@vibes/python-ddd/plugin`, the Nx inference plugin the domain generator registers in nx.json `plugins`: every
 * context's projects get their targets (`test`, `lint`, `format`, `typecheck`, `build`, `migrate`, `serve`) and the
 * `python` named input from the context's `.python-ddd.json`, so the generated `project.json` files hold only names,
 * tags and dependencies, and the targets follow the installed plugin.
 *
 * Nx calls `createNodesV2` with every manifest of the workspace at once; the plugin asks the native binary once for
 * the whole batch (`python-ddd nx-targets`, one JSON request on stdin) and caches the answer in Nx's workspace data
 * folder, keyed by a hash of what the answer depends on (the manifests' paths and texts, this package's version and
 * the binary), so a graph rebuilt with the same manifests runs no process at all.
 *
 * `createNodes` is exported too, with the same batch shape: Nx 21+ reads it (its `createNodesV2` is the same), Nx 20
 * prefers `createNodesV2`.
 */

const childProcess = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const { resolveBinary, SKIPPED_DIRS } = require('./generator');

const PACKAGE = '@vibes/python-ddd';
/** This package's version (part of the cache key: another version may infer other targets). */
const VERSION = String(JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')).version);
const MANIFEST = '.python-ddd.json';
const CACHE_FILE = 'python-ddd-targets.json';

/**
 * @typedef {Record<string, unknown>} ProjectConfiguration `namedInputs` and `targets`
 * @typedef {Record<string, Record<string, ProjectConfiguration>>} Answer manifest path → project root → configuration
 * @typedef {(manifests: Record<string, string>) => Answer} Inferrer
 * @typedef {{ workspaceRoot: string }} CreateNodesContext the part of Nx's context the plugin reads
 * @typedef {[string, { projects: Record<string, ProjectConfiguration> }]} CreateNodesResultEntry
 */

/**
 * Where Nx keeps per-workspace data (the project graph, its plugins' caches): nx's own answer when it can be
 * loaded (it honours NX_WORKSPACE_DATA_DIRECTORY and NX_CACHE_PROJECT_GRAPH), else the default `.nx/workspace-data`.
 * @param {string} workspaceRoot
 * @returns {string}
 */
function workspaceDataDirectory(workspaceRoot) {
  try {
    const nx = /** @type {{ workspaceDataDirectory?: unknown }} */ (
      require(require.resolve('nx/src/utils/cache-directory', { paths: [workspaceRoot] }))
    );
    if (typeof nx.workspaceDataDirectory === 'string') return nx.workspaceDataDirectory;
  } catch {
    // an nx without that module: its default below
  }
  const configured = process.env.NX_WORKSPACE_DATA_DIRECTORY ?? process.env.NX_PROJECT_GRAPH_CACHE_DIRECTORY;
  return path.resolve(workspaceRoot, configured ?? path.join('.nx', 'workspace-data'));
}

/**
 * The hash a cached answer is valid for: the manifests (path and text), this package's version, and the binary
 * (path, size, modification time: a rebuilt or upgraded binary may infer other targets).
 * @param {Record<string, string>} manifests
 * @param {string} binary
 * @returns {string}
 */
function inputsHash(manifests, binary) {
  const hash = crypto.createHash('sha256');
  const stat = fs.statSync(binary);
  hash.update(JSON.stringify([VERSION, binary, stat.size, stat.mtimeMs]));
  for (const file of Object.keys(manifests).sort()) hash.update(JSON.stringify([file, manifests[file]]));
  return hash.digest('hex');
}

/**
 * Asks the binary for the whole batch, in one process.
 * @param {string} binary
 * @param {string} cwd
 * @returns {Inferrer}
 */
function processInferrer(binary, cwd) {
  return (manifests) => {
    const result = childProcess.spawnSync(binary, ['nx-targets'], {
      input: JSON.stringify({ manifests }),
      encoding: 'utf8',
      cwd,
      maxBuffer: 256 * 1024 * 1024,
      windowsHide: true,
    });
    if (result.error) throw new Error(`${PACKAGE}/plugin: could not run ${binary}: ${result.error.message}`);
    /** @type {{ status?: unknown, manifests?: Answer, problems?: { path: string, message: string }[], message?: string }} */
    let response;
    try {
      response = JSON.parse(result.stdout);
    } catch {
      throw new Error(`${PACKAGE}/plugin: python-ddd nx-targets exited with ${result.status ?? result.signal} without a JSON answer.\n${result.stderr}`);
    }
    if (response.status === 'ok' && response.manifests) return response.manifests;
    const problems = (response.problems ?? []).map((p) => `  - ${p.message}`);
    throw new Error(
      `${PACKAGE}/plugin: cannot infer the targets of the Python contexts:\n` +
        (problems.length > 0 ? problems.join('\n') : `  ${response.message ?? result.stderr}`),
    );
  };
}

/**
 * The answer for `manifests`: from the cache file when its hash matches, else from `infer` (then cached).
 * @param {Record<string, string>} manifests
 * @param {{ cacheFile: string, hash: string, infer: Inferrer }} how
 * @returns {{ answer: Answer, cached: boolean }}
 */
function cachedAnswer(manifests, { cacheFile, hash, infer }) {
  try {
    const cache = JSON.parse(fs.readFileSync(cacheFile, 'utf8'));
    if (cache && cache.hash === hash && typeof cache.answer === 'object') return { answer: cache.answer, cached: true };
  } catch {
    // no cache yet, or an unreadable one: infer again
  }
  const answer = infer(manifests);
  try {
    fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
    const temporary = `${cacheFile}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, JSON.stringify({ hash, answer }));
    fs.renameSync(temporary, cacheFile); // whole or not at all, for concurrent graph builds
  } catch {
    // a read-only workspace infers on every graph build; nothing else changes
  }
  return { answer, cached: false };
}

/**
 * Nx's batch callback: every matched manifest → its projects.
 * @param {readonly string[]} files workspace-relative manifest paths
 * @param {unknown} _options
 * @param {CreateNodesContext} context
 * @param {{ infer?: Inferrer, binary?: string, cacheFile?: string }} [overrides] for tests
 * @returns {Promise<CreateNodesResultEntry[]>}
 */
async function inferNodes(files, _options, context, overrides = {}) {
  const manifestFiles = files.filter((file) => !file.split('/').some((part) => SKIPPED_DIRS.has(part)));
  if (manifestFiles.length === 0) return [];
  /** @type {Record<string, string>} */
  const manifests = {};
  for (const file of manifestFiles) manifests[file] = fs.readFileSync(path.join(context.workspaceRoot, file), 'utf8');
  const binary = overrides.binary ?? resolveBinary();
  const { answer } = cachedAnswer(manifests, {
    cacheFile: overrides.cacheFile ?? path.join(workspaceDataDirectory(context.workspaceRoot), CACHE_FILE),
    hash: inputsHash(manifests, binary),
    infer: overrides.infer ?? processInferrer(binary, context.workspaceRoot),
  });
  return manifestFiles.map((file) => [file, { projects: answer[file] ?? {} }]);
}

/** @type {[string, typeof inferNodes]} */
const createNodesV2 = [`**/${MANIFEST}`, inferNodes];

module.exports = {
  createNodesV2,
  createNodes: createNodesV2,
  name: `${PACKAGE}/plugin`,
  inferNodes,
  cachedAnswer,
  inputsHash,
  workspaceDataDirectory,
  processInferrer,
};
