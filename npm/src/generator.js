// @ts-check
'use strict';

/**
 * The Nx side of @vibes/python-ddd: a thin shim over the native `python-ddd` binary.
 *
 * It gathers the Nx tree's files under the target folder, asks `python-ddd nx` for a plan (one JSON
 * request on stdin, one JSON response on stdout) and applies that plan with `tree.write` /
 * `tree.delete`. It adds nothing of its own to the plan; all generation, validation and conflict
 * detection happen in the binary.
 *
 * Protocol (`python-ddd nx`; exit 0 ok/needFiles, 2 invalid, 3 conflict, 1 unexpected — the stdout
 * JSON is read first whatever the exit code):
 *   → {"generator":"domain","options":{…},"files":null}
 *   ← {"status":"needFiles","root":"libs/orders"} | {"status":"invalid","problems":[{path,message}]}
 *   → {"generator":"domain","options":{…},"files":{"libs/orders/x.py":"…",…}}
 *   ← {"status":"ok"|"conflict","root":…,"files":[{path,action,content?,diff?,markers?}],"messages":[…]}
 * A generator that adds to an existing context (`aggregate`) also sends `"contexts": {manifest path: text}`, every
 * `.python-ddd.json` in the workspace, so the binary finds the context its `context` option names (a folder or an
 * Nx project, as Nx Console's project picker gives it) and can list the contexts there are when it finds none.
 *
 * `merged` files (the user's edits three-way merged with the new output) carry their content like updates. A
 * conflict carries content only with `conflicts: markers` (the merge with its conflict markers): the shim then
 * writes every file when every conflict has it, and the run fails after writing; otherwise nothing is written.
 *
 * Dependency-free CommonJS; the types below are checked with `tsc --checkJs` (tests/nx).
 */

const childProcess = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

/** Name of the main package, for messages. */
const PACKAGE = '@vibes/python-ddd';

/** The platforms a binary package is published for: `${process.platform}-${process.arch}`. */
const PLATFORMS = ['darwin-arm64', 'darwin-x64', 'linux-arm64', 'linux-x64', 'win32-x64'];

/**
 * Folders never generated, never worth sending to the binary (virtualenvs, caches, builds).
 * Skipping them keeps a run fast when a virtualenv lives inside the context folder.
 */
const SKIPPED_DIRS = new Set([
  '.git',
  '.venv',
  'venv',
  'node_modules',
  '__pycache__',
  '.pytest_cache',
  '.mypy_cache',
  '.ruff_cache',
  '.tox',
  '.nox',
  '.hypothesis',
]);

/**
 * The subset of @nx/devkit's `Tree` this shim uses (declared here to stay dependency-free).
 * @typedef {object} Tree
 * @property {string} root absolute path of the workspace
 * @property {(filePath: string, encoding: 'utf-8') => string | null} read
 * @property {(filePath: string, content: string) => void} write
 * @property {(filePath: string) => boolean} exists
 * @property {(filePath: string) => void} delete
 * @property {(dirPath: string) => string[]} children
 * @property {(filePath: string) => boolean} isFile
 */

/**
 * @typedef {'create' | 'update' | 'unchanged' | 'kept' | 'merged' | 'delete' | 'conflict'} Action
 *
 * @typedef {object} PlannedFile
 * @property {string} path workspace-relative, `/`-separated
 * @property {Action} action
 * @property {string} [content] the new content (create, update, merged; conflict with `conflicts: markers`)
 * @property {string} [diff] unified diff (update, merged, delete, conflict)
 * @property {boolean} [markers] a conflict whose conflict markers are written
 *
 * @typedef {object} Problem
 * @property {string} path JSON pointer to the option, e.g. `/persistence`
 * @property {string} message
 *
 * @typedef {object} Response
 * @property {'needFiles' | 'ok' | 'conflict' | 'invalid' | 'error'} status
 * @property {string} [root]
 * @property {PlannedFile[]} [files]
 * @property {string[]} [messages]
 * @property {Problem[]} [problems]
 * @property {string} [message] (status `error`)
 *
 * @typedef {object} Request
 * @property {string} generator
 * @property {Record<string, unknown>} options
 * @property {Record<string, string> | null} files
 * @property {Record<string, string>} [contexts] the workspace's manifests (path → text), for a generator that adds
 *   to an existing context (`aggregate`): the binary resolves its `context` option against them
 *
 * @typedef {(request: Request) => Response} Transport
 *
 * @typedef {object} Logger
 * @property {(text: string) => void} info
 * @property {(text: string) => void} warn
 */

/** @type {Logger} */
const consoleLogger = {
  info: (text) => console.log(text),
  warn: (text) => console.warn(text),
};

/**
 * The platform package that carries the binary for this machine.
 * @param {string} [platform]
 * @param {string} [arch]
 * @returns {string}
 */
function platformPackageName(platform = process.platform, arch = process.arch) {
  return `${PACKAGE}-${platform}-${arch}`;
}

/**
 * @param {string} [platform]
 * @returns {string}
 */
function binaryFileName(platform = process.platform) {
  return platform === 'win32' ? 'python-ddd.exe' : 'python-ddd';
}

/**
 * Finds the native binary: `PYTHON_DDD_BINARY` if set, otherwise the one inside this platform's
 * optional dependency.
 * @param {{ env?: NodeJS.ProcessEnv, platform?: string, arch?: string, resolve?: (id: string) => string }} [context]
 * @returns {string} absolute path of the binary
 */
function resolveBinary(context = {}) {
  const env = context.env ?? process.env;
  const platform = context.platform ?? process.platform;
  const arch = context.arch ?? process.arch;
  const resolve = context.resolve ?? require.resolve;

  const override = env.PYTHON_DDD_BINARY;
  if (override) {
    const absolute = path.resolve(override);
    if (!fs.existsSync(absolute)) {
      throw new Error(`${PACKAGE}: PYTHON_DDD_BINARY is set to ${override}, but no file exists there.`);
    }
    return absolute;
  }

  const key = `${platform}-${arch}`;
  const pkg = platformPackageName(platform, arch);
  if (!PLATFORMS.includes(key)) {
    throw new Error(
      `${PACKAGE}: no prebuilt python-ddd binary for ${key} (published for ${PLATFORMS.join(', ')}).\n` +
        `Build it from source (cargo build --release -p python-ddd) and set PYTHON_DDD_BINARY to its path.`,
    );
  }
  try {
    return resolve(`${pkg}/bin/${binaryFileName(platform)}`);
  } catch {
    throw new Error(
      `${PACKAGE}: the python-ddd binary for ${key} is missing: the optional dependency ${pkg} should have been ` +
        `installed with ${PACKAGE}.\n` +
        `Reinstall without --omit=optional / --no-optional (a lockfile created on another platform can also drop it), ` +
        `or install it explicitly: npm install -D ${pkg}.\n` +
        `Alternatively set PYTHON_DDD_BINARY to the path of a python-ddd binary` +
        (platform === 'linux'
          ? ' (the linux packages are built for glibc; on musl systems such as Alpine, build one with cargo).'
          : '.'),
    );
  }
}

/**
 * A transport that runs `<binary> nx` once per request.
 * @param {string} binary
 * @param {{ cwd?: string, logger?: Logger }} [context]
 * @returns {Transport}
 */
function processTransport(binary, context = {}) {
  const logger = context.logger ?? consoleLogger;
  return (request) => {
    const result = childProcess.spawnSync(binary, ['nx'], {
      input: JSON.stringify(request),
      encoding: 'utf8',
      cwd: context.cwd,
      maxBuffer: 1024 * 1024 * 1024,
      windowsHide: true,
    });
    if (result.error) {
      throw new Error(`${PACKAGE}: could not run ${binary}: ${result.error.message}`);
    }
    const stderr = (result.stderr ?? '').trim();
    const exit = result.status === null ? `signal ${result.signal}` : `code ${result.status}`;
    /** @type {unknown} */
    let parsed;
    try {
      parsed = JSON.parse(result.stdout);
    } catch {
      throw new Error(
        `${PACKAGE}: python-ddd nx exited with ${exit} without a JSON response.` + (stderr ? `\n${stderr}` : ''),
      );
    }
    if (!isResponse(parsed)) {
      throw new Error(`${PACKAGE}: python-ddd nx (${exit}) answered something that is not a response:\n${result.stdout}`);
    }
    if (stderr && parsed.status !== 'error') {
      logger.warn(stderr);
    } else if (stderr && !parsed.message) {
      parsed.message = stderr;
    }
    return parsed;
  };
}

/**
 * @param {unknown} value
 * @returns {value is Response}
 */
function isResponse(value) {
  return typeof value === 'object' && value !== null && typeof (/** @type {Response} */ (value).status) === 'string';
}

/**
 * Every file the tree holds at or under `root`, with its text.
 * @param {Tree} tree
 * @param {string} root
 * @returns {Record<string, string>}
 */
function collectFiles(tree, root) {
  /** @type {Record<string, string>} */
  const files = {};
  /** @param {string} p */
  const visit = (p) => {
    if (tree.isFile(p)) {
      const content = tree.read(p, 'utf-8');
      if (content !== null) files[p] = content;
      return;
    }
    for (const child of [...tree.children(p)].sort()) {
      if (SKIPPED_DIRS.has(child)) continue;
      visit(`${p}/${child}`);
    }
  };
  if (tree.exists(root)) visit(root);
  return files;
}

/** The generators whose requests carry the workspace's manifests (see the protocol above). */
const LOCATING = new Set(['aggregate']);

/** The manifest file of a generated context. */
const MANIFEST = '.python-ddd.json';

/** How deep a search for manifests looks below the workspace root (as the binary's `contexts::MAX_DEPTH`). */
const MAX_MANIFEST_DEPTH = 8;

/**
 * Every context manifest in the tree (workspace-relative path → text), skipping the folders no context lives in.
 * @param {Tree} tree
 * @returns {Record<string, string>}
 */
function findManifests(tree) {
  /** @type {Record<string, string>} */
  const manifests = {};
  /**
   * @param {string} dir
   * @param {number} depth
   */
  const visit = (dir, depth) => {
    for (const child of [...tree.children(dir)].sort()) {
      const p = dir === '' ? child : `${dir}/${child}`;
      if (tree.isFile(p)) {
        if (child !== MANIFEST) continue;
        const text = tree.read(p, 'utf-8');
        if (text !== null) manifests[p] = text;
      } else if (depth < MAX_MANIFEST_DEPTH && !SKIPPED_DIRS.has(child) && child !== 'dist' && child !== '.nx') {
        visit(p, depth + 1);
      }
    }
  };
  visit('', 1);
  return manifests;
}

/**
 * `/persistence` → `--persistence`; an empty pointer names the options as a whole.
 * @param {string} pointer
 * @returns {string}
 */
function optionName(pointer) {
  if (!pointer || pointer === '/') return 'options';
  const parts = pointer.replace(/^\//, '').split('/');
  return parts.length === 1 ? `--${parts[0]}` : parts.join('.');
}

/**
 * @param {string} generator
 * @param {Problem[]} problems
 * @returns {Error}
 */
function invalidError(generator, problems) {
  const lines = problems.map((p) => `  - ${optionName(p.path)}: ${p.message}`);
  return new Error(
    `Invalid options for ${PACKAGE}:${generator} (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
      lines.join('\n'),
  );
}

/**
 * @param {string} generator
 * @param {PlannedFile[]} conflicts
 * @param {boolean} dryRun the diffs were just printed
 * @returns {Error}
 */
function conflictError(generator, conflicts, dryRun) {
  const lines = conflicts.map((f) => `  - ${f.path}`);
  const n = conflicts.length;
  const markable = conflicts.every((f) => typeof f.diff === 'string' && f.diff.includes('\n+<<<<<<< ours\n'));
  return new Error(
    `${PACKAGE}:${generator} would overwrite ${n} file${n === 1 ? '' : 's'} you edited since ` +
      `${n === 1 ? 'it was' : 'they were'} generated, where your edits and its changes overlap; nothing was written.\n` +
      `${lines.join('\n')}\n` +
      `To proceed: ${dryRun ? 'review the diff above' : 'preview the changes with --dry-run'}, ` +
      `then re-run with --force to overwrite ` +
      `${n === 1 ? 'it' : 'them'} (your edits are lost)` +
      (markable ? ', or with --conflicts markers to write the conflict markers and resolve them by hand' : '') +
      ', or undo your edits, or keep the previous options.',
  );
}

/**
 * A workspace-relative, normalised, `/`-separated path that stays inside the workspace.
 * @param {unknown} p
 * @returns {p is string}
 */
function isSafePath(p) {
  if (typeof p !== 'string' || p === '' || p.includes('\\') || p.includes('\0')) return false;
  if (p.startsWith('/') || /^[A-Za-z]:/.test(p)) return false;
  return p.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}

const ACTIONS = new Set(['create', 'update', 'unchanged', 'kept', 'merged', 'delete', 'conflict']);

/** The actions that write their content. */
const WRITTEN = new Set(['create', 'update', 'merged']);

/** The actions whose unified diff the dry-run preview prints (Nx itself prints only file names). */
const DIFFED = new Set(['update', 'merged', 'delete', 'conflict']);

/**
 * Checks the whole plan before anything is written, so a bad plan leaves the tree untouched.
 * @param {Response} response
 * @returns {PlannedFile[]}
 */
function checkedPlan(response) {
  const files = response.files ?? [];
  if (!Array.isArray(files)) throw new Error(`${PACKAGE}: python-ddd nx answered a plan whose files is not a list.`);
  for (const file of files) {
    if (!isSafePath(file.path)) {
      throw new Error(`${PACKAGE}: python-ddd nx planned an unsafe path ${JSON.stringify(file.path)}; nothing was written.`);
    }
    if (!ACTIONS.has(file.action)) {
      throw new Error(`${PACKAGE}: python-ddd nx planned an unknown action ${JSON.stringify(file.action)} for ${file.path}.`);
    }
    if (WRITTEN.has(file.action) && typeof file.content !== 'string') {
      throw new Error(`${PACKAGE}: python-ddd nx planned to ${file.action} ${file.path} without content.`);
    }
  }
  return files;
}

/**
 * The project names of the generated Nx projects (from the `project.json` files in the plan).
 * @param {PlannedFile[]} files
 * @param {Tree} tree
 * @returns {string[]}
 */
function projectNames(files, tree) {
  /** @type {string[]} */
  const names = [];
  for (const file of files) {
    if (file.action === 'delete' || !file.path.endsWith('/project.json')) continue;
    const text = file.content ?? tree.read(file.path, 'utf-8');
    try {
      const name = text ? JSON.parse(text).name : undefined;
      if (typeof name === 'string') names.push(name);
    } catch {
      // not JSON: nothing to suggest
    }
  }
  return names;
}

/**
 * How the user runs the workspace's own `nx`: a workspace installs it locally, so a bare `nx` is usually not on
 * PATH. The package manager that launched this run (`npm_config_user_agent`, set by npx, pnpm, yarn and bun)
 * wins; otherwise the workspace's lockfile tells.
 * @param {Tree} tree
 * @param {NodeJS.ProcessEnv} env
 * @returns {string}
 */
function nxCommand(tree, env) {
  const agent = (env.npm_config_user_agent ?? '').split('/')[0];
  const byAgent = { pnpm: 'pnpm exec nx', yarn: 'yarn nx', bun: 'bunx nx', npm: 'npx nx' };
  if (Object.hasOwn(byAgent, agent)) return byAgent[/** @type {keyof typeof byAgent} */ (agent)];
  if (tree.exists('pnpm-lock.yaml') || tree.exists('pnpm-workspace.yaml')) return 'pnpm exec nx';
  if (tree.exists('yarn.lock')) return 'yarn nx';
  if (tree.exists('bun.lock') || tree.exists('bun.lockb')) return 'bunx nx';
  return 'npx nx';
}

/** The layers of a per-layer context, inner first: the order a reader expects them in. */
const LAYER_ORDER = ['domain', 'application', 'infrastructure', 'interface'];

/**
 * The plan's files with the shallowest `project.json` (the context's own project) first, then the layers inner
 * first, then the rest by path.
 * @param {PlannedFile[]} files
 * @returns {PlannedFile[]}
 */
function layerOrdered(files) {
  /** @param {string} p */
  const rank = (p) => {
    const parts = p.split('/');
    const layer = LAYER_ORDER.indexOf(parts[parts.length - 2] ?? '');
    return [parts.length, layer === -1 ? LAYER_ORDER.length : layer];
  };
  return [...files].sort((a, b) => {
    const [da, la] = rank(a.path);
    const [db, lb] = rank(b.path);
    return da - db || la - lb || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  });
}

/**
 * The next steps printed after the files are written.
 * @param {PlannedFile[]} files
 * @param {Tree} tree
 * @param {NodeJS.ProcessEnv} env
 * @returns {string[]}
 */
function nextSteps(files, tree, env) {
  const projects = projectNames(layerOrdered(files), tree);
  if (projects.length === 0) return [];
  const nx = nxCommand(tree, env);
  // The targets run their tools through `uv run`, which creates the context's .venv on first use: uv is the
  // only thing to install, and nothing is activated.
  return [
    '# the targets run through uv (https://docs.astral.sh/uv/): install it once if `uv --version` fails',
    `${nx} run-many -t lint,typecheck,test,build -p ${projects.join(' ')}`,
  ];
}

/**
 * Runs one generator of the binary against an Nx tree.
 * @param {string} generator
 * @param {Tree} tree
 * @param {Record<string, unknown>} options exactly as Nx passed them
 * @param {{ transport?: Transport, logger?: Logger, env?: NodeJS.ProcessEnv }} [context]
 * @returns {Promise<() => void>} the callback Nx runs after writing to disk (not on --dry-run)
 */
async function runGenerator(generator, tree, options, context = {}) {
  const logger = context.logger ?? consoleLogger;
  const env = context.env ?? process.env;
  const transport = context.transport ?? processTransport(resolveBinary({ env }), { cwd: tree.root, logger });
  const dryRun = env.NX_DRY_RUN === 'true';

  /** @param {Response} response */
  const failOn = (response) => {
    if (response.status === 'invalid') throw invalidError(generator, response.problems ?? []);
    if (response.status === 'error') {
      throw new Error(`${PACKAGE}:${generator} failed: ${response.message ?? 'python-ddd nx reported an unexpected error'}`);
    }
  };

  /** @type {{ contexts?: Record<string, string> }} */
  const located = LOCATING.has(generator) ? { contexts: findManifests(tree) } : {};
  const first = transport({ generator, options, files: null, ...located });
  failOn(first);
  if (first.status !== 'needFiles' || typeof first.root !== 'string') {
    throw new Error(`${PACKAGE}: python-ddd nx answered ${JSON.stringify(first.status)} where "needFiles" was expected.`);
  }
  const root = first.root;
  if (!isSafePath(root)) {
    throw new Error(`${PACKAGE}: python-ddd nx chose an unsafe target folder ${JSON.stringify(root)}.`);
  }

  const second = transport({ generator, options, files: collectFiles(tree, root), ...located });
  failOn(second);
  if (second.status !== 'ok' && second.status !== 'conflict') {
    throw new Error(`${PACKAGE}: python-ddd nx answered ${JSON.stringify(second.status)} where a plan was expected.`);
  }
  const files = checkedPlan(second);
  const messages = second.messages ?? [];

  const conflicts = files.filter((f) => f.action === 'conflict');
  const conflicted = second.status === 'conflict' || conflicts.length > 0;
  // `conflicts: markers`: every conflict comes with its merge and markers, to be written like the rest.
  const markers = conflicts.length > 0 && conflicts.every((f) => f.markers === true && typeof f.content === 'string');
  for (const message of messages) (conflicted ? logger.warn : logger.info)(message);
  if (dryRun) printDiffs(logger, files.filter((f) => DIFFED.has(f.action)));
  if (conflicted && (dryRun || !markers)) throw conflictError(generator, conflicts, dryRun);

  for (const file of files) {
    if (WRITTEN.has(file.action) || (markers && file.action === 'conflict')) {
      tree.write(file.path, /** @type {string} */ (file.content));
    } else if (file.action === 'delete') {
      tree.delete(file.path);
    }
  }

  const changed = files.some((f) => WRITTEN.has(f.action) || f.action === 'delete' || f.action === 'conflict');
  if (generator === 'domain') registerInNxJson(tree);
  const steps = nextSteps(files, tree, env);
  return () => {
    if (markers) {
      // Written (Nx flushed the tree before calling this), but not finished: fail like the CLI does. Nx exits with
      // the code its generate command returns, so this error (exit 1) is the way to fail after writing.
      throw new Error(
        [
          `${PACKAGE}:${generator}: ${conflicts.length === 1 ? '1 file holds' : `${conflicts.length} files hold`} conflict markers where your edits and the changes overlap:`,
          ...conflicts.map((f) => `  - ${f.path}`),
          'Resolve each `<<<<<<< ours` … `>>>>>>> theirs` block; the next run keeps what you make of them.',
        ].join('\n'),
      );
    }
    if (!changed || steps.length === 0) return;
    logger.info(['', 'Next steps:', ...steps.map((s) => `  ${s}`), ''].join('\n'));
  };
}

/** The sync generator the domain generator registers, so `nx sync:check` covers every generated context. */
const SYNC_GENERATOR = `${PACKAGE}:sync`;

/** The inference plugin the domain generator registers: it gives every context's projects their targets. */
const INFERENCE_PLUGIN = `${PACKAGE}/plugin`;

/**
 * Adds the sync generator to nx.json `sync.globalGenerators` and the inference plugin to `plugins` (each once;
 * nothing else in nx.json changes). A workspace without nx.json gets neither: Nx reads its defaults then, which
 * load no plugin, so the generated projects would have no targets (Nx itself always writes an nx.json).
 * @param {Tree} tree
 */
function registerInNxJson(tree) {
  const text = tree.read('nx.json', 'utf-8');
  if (text === null) return;
  /** @type {{ sync?: { globalGenerators?: string[] }, plugins?: (string | { plugin?: string })[] }} */
  let config;
  try {
    config = JSON.parse(text);
  } catch {
    return; // not ours to repair; Nx reports a broken nx.json itself
  }
  let changed = false;
  const sync = config.sync ?? {};
  const globals = sync.globalGenerators ?? [];
  if (!globals.includes(SYNC_GENERATOR)) {
    config.sync = { ...sync, globalGenerators: [...globals, SYNC_GENERATOR] };
    changed = true;
  }
  const plugins = config.plugins ?? [];
  const named = (/** @type {string | { plugin?: string }} */ p) => (typeof p === 'string' ? p : p.plugin);
  if (!plugins.some((p) => named(p) === INFERENCE_PLUGIN)) {
    config.plugins = [...plugins, INFERENCE_PLUGIN];
    changed = true;
  }
  if (changed) tree.write('nx.json', `${JSON.stringify(config, null, 2)}\n`);
}

/**
 * The dry-run preview: the unified diff of every file that exists and would change.
 * @param {Logger} logger
 * @param {PlannedFile[]} files
 */
function printDiffs(logger, files) {
  const withDiff = files.filter((f) => typeof f.diff === 'string' && f.diff !== '');
  if (withDiff.length === 0) return;
  const out = ['Changes to existing files (dry run, nothing written):'];
  for (const file of withDiff) {
    const diff = /** @type {string} */ (file.diff);
    out.push(`${file.action.toUpperCase()} ${file.path}`, diff.endsWith('\n') ? diff.slice(0, -1) : diff);
  }
  logger.info(out.join('\n'));
}

/**
 * `nx g @vibes/python-ddd:domain`
 * @param {Tree} tree
 * @param {Record<string, unknown>} options
 */
function domain(tree, options) {
  return runGenerator('domain', tree, options);
}

/**
 * `nx g @vibes/python-ddd:aggregate`
 * @param {Tree} tree
 * @param {Record<string, unknown>} options
 */
function aggregate(tree, options) {
  return runGenerator('aggregate', tree, options);
}

module.exports = {
  domain,
  aggregate,
  default: domain,
  findManifests,
  runGenerator,
  resolveBinary,
  platformPackageName,
  processTransport,
  collectFiles,
  nxCommand,
  registerInNxJson,
  PLATFORMS,
  SKIPPED_DIRS,
};
