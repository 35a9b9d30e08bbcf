import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { makeFigures } from '../../src/experiments/figures';
import { quickstart } from '../../src/experiments/quickstart';

test('make figures: writes tables, figures, REPORT.md and index.html, then reuses the cache', { timeout: 180_000 }, async () => {
  process.env.LMI_QUIET = '1';
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'lmi-figs-'));
  const first = await makeFigures({ outDir: out, smoke: true, experiments: [quickstart] });
  assert.equal(first.length, 1);
  assert.equal(first[0].cached, false);
  for (const f of ['REPORT.md', 'index.html', 'tables/quickstart-ami.md', 'tables/quickstart-ami.json', 'quickstart-fig3-categories.html']) {
    assert.ok(fs.existsSync(path.join(out, f)), `missing ${f}`);
  }
  const report = fs.readFileSync(path.join(out, 'REPORT.md'), 'utf8');
  assert.match(report, /\| labels \| AMI c¹/);
  assert.match(report, /config [0-9a-f]{12}/);
  const table = JSON.parse(fs.readFileSync(path.join(out, 'tables/quickstart-ami.json'), 'utf8'));
  const level1 = table.rows.find((r: unknown[]) => r[0] === 'level1');
  assert.ok(level1[1] > 0.5, `HC first-position AMI vs top-level topics ${level1[1]} (smoke corpus)`);
  const png = path.join(out, 'quickstart-fig3-categories.png');
  if (first[0].files.figures[0].png) assert.deepEqual([...fs.readFileSync(png).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
  const second = await makeFigures({ outDir: out, smoke: true, experiments: [quickstart] });
  assert.equal(second[0].cached, true);
  assert.deepEqual(second[0].result.tables, first[0].result.tables);
});

test('make figures: unknown experiment ids are a clear error', async () => {
  await assert.rejects(makeFigures({ outDir: os.tmpdir(), only: ['table99'], experiments: [quickstart] }), /unknown experiment id\(s\) table99; known: quickstart/);
});

test('make figures with jobs = 2: experiments computed in child processes, written from their caches', { timeout: 300_000 }, async () => {
  process.env.LMI_QUIET = '1';
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'lmi-figs-jobs-'));
  const entries = await makeFigures({ outDir: out, smoke: true, only: ['quickstart', 'id-inspection'], jobs: 2 });
  assert.deepEqual(entries.map((e) => [e.result.meta.id, e.cached]), [['quickstart', false], ['id-inspection', false]]);
  for (const id of ['quickstart', 'id-inspection']) assert.ok(fs.existsSync(path.join(out, 'logs', `${id}.log`)), `log of ${id}`);
  assert.ok(fs.existsSync(path.join(out, 'REPORT.md')));
  const again = await makeFigures({ outDir: out, smoke: true, only: ['quickstart', 'id-inspection'], jobs: 2 });
  assert.deepEqual(again.map((e) => e.cached), [true, true]);
  assert.deepEqual(again[1].result.tables, entries[1].result.tables);
});
