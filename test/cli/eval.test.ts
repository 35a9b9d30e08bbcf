import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { test } from 'node:test';
import { EVAL_TASKS } from '../../src/cli/eval';
import { ALL_EXPERIMENTS } from '../../src/experiments/all';

const root = path.join(__dirname, '../..');

test('every eval task names experiments that make figures registers', () => {
  const ids = new Set(ALL_EXPERIMENTS.map((e) => e.id));
  for (const [task, t] of Object.entries(EVAL_TASKS)) for (const e of t.experiments) assert.ok(ids.has(e), `${task}: unknown experiment ${e}`);
});

test('eval without a known task exits with code 2 and lists the tasks', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'src/cli.ts'), 'eval', '--task', 'speed'], { encoding: 'utf8', cwd: root });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--task must be one of id-quality, rec, search, retrieval, studies, got "speed"/);
});
