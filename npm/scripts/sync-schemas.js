#!/usr/bin/env node
// @ts-check
'use strict';

/**
 * Copies every committed `schemas/<generator>.schema.json` (generated from the Rust option types) to
 * `npm/generators/<generator>/schema.json`, the file Nx and Nx Console read, and `schemas/context-spec.json` (the
 * context spec's schema) to `npm/schemas/context-spec.json`.
 *
 *   node npm/scripts/sync-schemas.js           write the copies
 *   node npm/scripts/sync-schemas.js --check   fail (exit 1) when a copy differs, is missing, or
 *                                              generators.json does not list exactly those generators
 */

const fs = require('node:fs');
const path = require('node:path');

const NPM_DIR = path.resolve(__dirname, '..');
const REPO_DIR = path.resolve(NPM_DIR, '..');

/**
 * @param {{ repoDir?: string, npmDir?: string, check?: boolean }} [context]
 * @returns {{ problems: string[], written: string[] }}
 */
function syncSchemas(context = {}) {
  const repoDir = context.repoDir ?? REPO_DIR;
  const npmDir = context.npmDir ?? NPM_DIR;
  const check = context.check ?? false;
  const schemasDir = path.join(repoDir, 'schemas');
  const relNpm = path.relative(repoDir, npmDir) || '.';

  /** @type {string[]} */
  const problems = [];
  /** @type {string[]} */
  const written = [];

  const sources = fs.existsSync(schemasDir)
    ? fs.readdirSync(schemasDir).filter((f) => f.endsWith('.schema.json')).sort()
    : [];
  if (sources.length === 0) {
    problems.push(
      `no schemas/*.schema.json found in ${repoDir}; generate them with \`cargo run -q -p python-ddd -- schema --write schemas\``,
    );
  }

  /** @type {{ generators?: Record<string, { schema?: string }> }} */
  const manifest = JSON.parse(fs.readFileSync(path.join(npmDir, 'generators.json'), 'utf8'));
  const listed = manifest.generators ?? {};

  for (const source of sources) {
    const generator = source.slice(0, -'.schema.json'.length);
    const sourceText = fs.readFileSync(path.join(schemasDir, source));
    const target = path.join(npmDir, 'generators', generator, 'schema.json');
    const relTarget = path.join(relNpm, 'generators', generator, 'schema.json');
    const current = fs.existsSync(target) ? fs.readFileSync(target) : null;

    if (!(generator in listed)) {
      problems.push(`${relNpm}/generators.json does not list the generator "${generator}" (schemas/${source} exists)`);
    } else if (listed[generator].schema !== `./generators/${generator}/schema.json`) {
      problems.push(
        `${relNpm}/generators.json: "${generator}".schema is ${JSON.stringify(listed[generator].schema)}, ` +
          `expected "./generators/${generator}/schema.json"`,
      );
    }

    if (current !== null && current.equals(sourceText)) continue;
    if (check) {
      problems.push(
        current === null
          ? `${relTarget} is missing (it must be a copy of schemas/${source})`
          : `${relTarget} differs from schemas/${source}`,
      );
    } else {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, sourceText);
      written.push(relTarget);
    }
  }

  // The context spec's schema (`schemas/context-spec.json`): every generated `python-ddd.spec.json` points its
  // `$schema` at node_modules/@vibes/python-ddd/schemas/context-spec.json, so the package ships a copy.
  const specSource = path.join(schemasDir, 'context-spec.json');
  if (fs.existsSync(specSource)) {
    const specText = fs.readFileSync(specSource);
    const specTarget = path.join(npmDir, 'schemas', 'context-spec.json');
    const relSpecTarget = path.join(relNpm, 'schemas', 'context-spec.json');
    const specCurrent = fs.existsSync(specTarget) ? fs.readFileSync(specTarget) : null;
    if (specCurrent === null || !specCurrent.equals(specText)) {
      if (check) {
        problems.push(
          specCurrent === null
            ? `${relSpecTarget} is missing (it must be a copy of schemas/context-spec.json)`
            : `${relSpecTarget} differs from schemas/context-spec.json`,
        );
      } else {
        fs.mkdirSync(path.dirname(specTarget), { recursive: true });
        fs.writeFileSync(specTarget, specText);
        written.push(relSpecTarget);
      }
    }
  }

  for (const generator of Object.keys(listed)) {
    // Generators written in the shim itself (the `sync` generator) keep their schema beside their code in src/.
    if (!listed[generator].schema?.startsWith('./generators/')) continue;
    if (!sources.includes(`${generator}.schema.json`) && sources.length > 0) {
      problems.push(`${relNpm}/generators.json lists "${generator}", but schemas/${generator}.schema.json does not exist`);
    }
  }
  return { problems, written };
}

if (require.main === module) {
  const check = process.argv.includes('--check');
  const { problems, written } = syncSchemas({ check });
  for (const file of written) console.log(`wrote ${file}`);
  if (problems.length > 0) {
    console.error(`The npm package's schemas are out of sync:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    if (check) console.error('Run `node npm/scripts/sync-schemas.js` to copy schemas/*.schema.json into npm/generators/.');
    process.exitCode = 1;
  } else if (check) {
    console.log('npm/generators/*/schema.json match schemas/*.schema.json');
  }
}

module.exports = { syncSchemas };
