import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { test } from 'node:test';
import { EVAL_TASKS } from '../../src/cli/eval';
import { ALL_EXPERIMENTS, MORE_ID_EXPERIMENTS } from '../../src/experiments/all';

const root = path.join(__dirname, '../..');

test('every eval task names experiments that make figures registers (default or optional); ids are unique', () => {
  const all = [...ALL_EXPERIMENTS, ...MORE_ID_EXPERIMENTS];
  const ids = new Set(all.map((e) => e.id));
  assert.equal(ids.size, all.length);
  for (const [task, t] of Object.entries(EVAL_TASKS)) for (const e of t.experiments) assert.ok(ids.has(e), `${task}: unknown experiment ${e}`);
});

test('eval without a known task exits with code 2 and lists the tasks', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'src/cli.ts'), 'eval', '--task', 'speed'], { encoding: 'utf8', cwd: root });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--task must be one of id-quality, rec, search, retrieval, all-ids, studies, got "speed"/);
});
