import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { displayBundle, inTslab, show, showTable } from '../../src/viz/display';
import { bar } from '../../src/viz/plots';

test('outside tslab: show writes an HTML file and returns its path; showTable prints Markdown', async () => {
  assert.equal(inTslab(), false);
  assert.equal(displayBundle({ 'text/plain': 'x' }), false);
  const log = console.log;
  const lines: string[] = [];
  console.log = (...a: unknown[]) => void lines.push(a.join(' '));
  try {
    const file = await show(bar({ id: 'display-test', title: 'T', x: ['a'], series: [{ name: 's', y: [1] }] }));
    assert.ok(file && fs.existsSync(file));
    assert.ok(fs.readFileSync(file!, 'utf8').includes('"display-test"') || fs.readFileSync(file!, 'utf8').includes('fig-display-test'));
    showTable({ id: 't', title: 'Tab', columns: ['a'], rows: [[0.5]] });
  } finally {
    console.log = log;
  }
  assert.ok(lines.some((l) => l.includes('wrote')));
  assert.ok(lines.some((l) => l.includes('0.5000')));
});
