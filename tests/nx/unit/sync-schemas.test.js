'use strict';

// npm/generators/<g>/schema.json must be byte-identical to the generated schemas/<g>.schema.json.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const childProcess = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { syncSchemas } = require('../../../npm/scripts/sync-schemas.js');

const REPO = path.join(__dirname, '../../..');
const SCRIPT = path.join(REPO, 'npm/scripts/sync-schemas.js');

test('the committed npm schemas are exact copies of schemas/*.schema.json', () => {
  const result = childProcess.spawnSync(process.execPath, [SCRIPT, '--check'], { encoding: 'utf8' });
  assert.equal(result.status, 0, `${result.stdout}${result.stderr}`);
});

test('sync writes missing or stale copies; --check reports them and fails', () => {
  const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'sync-schemas-'));
  try {
    const npmDir = path.join(repo, 'npm');
    fs.mkdirSync(path.join(repo, 'schemas'));
    fs.mkdirSync(path.join(npmDir, 'generators/domain'), { recursive: true });
    fs.writeFileSync(path.join(repo, 'schemas/domain.schema.json'), '{"v": 2}\n');
    fs.writeFileSync(path.join(repo, 'schemas/event.schema.json'), '{"e": 1}\n');
    fs.writeFileSync(path.join(npmDir, 'generators/domain/schema.json'), '{"v": 1}\n');
    fs.writeFileSync(
      path.join(npmDir, 'generators.json'),
      JSON.stringify({
        generators: {
          domain: { schema: './generators/domain/schema.json' },
          event: { schema: './generators/event/schema.json' },
          ghost: { schema: './generators/ghost/schema.json' },
        },
      }),
    );

    const checked = syncSchemas({ repoDir: repo, npmDir, check: true });
    assert.deepEqual(checked.written, []);
    assert.deepEqual(checked.problems, [
      'npm/generators/domain/schema.json differs from schemas/domain.schema.json',
      'npm/generators/event/schema.json is missing (it must be a copy of schemas/event.schema.json)',
      'npm/generators.json lists "ghost", but schemas/ghost.schema.json does not exist',
    ]);
    assert.equal(fs.readFileSync(path.join(npmDir, 'generators/domain/schema.json'), 'utf8'), '{"v": 1}\n');

    const synced = syncSchemas({ repoDir: repo, npmDir });
    assert.deepEqual(synced.written, ['npm/generators/domain/schema.json', 'npm/generators/event/schema.json']);
    assert.equal(fs.readFileSync(path.join(npmDir, 'generators/event/schema.json'), 'utf8'), '{"e": 1}\n');
    assert.deepEqual(syncSchemas({ repoDir: repo, npmDir, check: true }).problems, [
      'npm/generators.json lists "ghost", but schemas/ghost.schema.json does not exist',
    ]);
  } finally {
    fs.rmSync(repo, { recursive: true, force: true });
  }
});
