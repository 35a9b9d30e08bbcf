import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatCell, tableToHtml, tableToMarkdown } from '../../src/viz/table';
import type { Table } from '../../src/experiments/types';

const t: Table = {
  id: 'table1-ami',
  title: 'AMI of semantic IDs',
  columns: ['method', 'AMI', 'codes'],
  rows: [
    ['HC', 0.123456, 64],
    ['LMIndexer | ours', 0.5, null],
    ['long method name', 12.3456, 12345.678],
  ],
  notes: ['synthetic corpus, seed 1'],
};

test('formatCell: integers, metrics to 4 decimals, reals to 4 significant digits', () => {
  assert.equal(formatCell(64), '64');
  assert.equal(formatCell(0.123456), '0.1235');
  assert.equal(formatCell(0.5), '0.5000');
  assert.equal(formatCell(12.3456), '12.35');
  assert.equal(formatCell(1234.56), '1235');
  assert.equal(formatCell(12345.678), '12346');
  assert.equal(formatCell(3.21e-6), '3.210e-6');
  assert.equal(formatCell(null), '–');
  assert.equal(formatCell(NaN), 'NaN');
  assert.equal(formatCell('x'), 'x');
});

test('tableToMarkdown: aligned columns, numeric right-aligned, pipes escaped, notes under', () => {
  const md = tableToMarkdown(t);
  const lines = md.trimEnd().split('\n');
  assert.equal(lines[0], '**AMI of semantic IDs**');
  const rows = lines.filter((l) => l.startsWith('|'));
  assert.equal(rows.length, 5);
  const widths = new Set(rows.map((r) => r.length));
  assert.equal(widths.size, 1, `rows not aligned:\n${rows.join('\n')}`);
  assert.match(rows[1], /^\| -+ \| -+: \| -+: \|$/);
  assert.ok(rows[2].includes('0.1235') && rows[2].includes('| HC '));
  assert.ok(rows[3].includes('LMIndexer \\| ours'));
  assert.ok(rows[3].includes('–'));
  assert.equal(lines[lines.length - 1], '- synthetic corpus, seed 1');
  assert.ok(!tableToMarkdown(t, { title: false, notes: false }).includes('seed'));
});

test('tableToHtml: escaped cells, caption, notes', () => {
  const html = tableToHtml({ ...t, rows: [['<b>', 0.25, 1]] });
  assert.ok(html.includes('&lt;b&gt;'));
  assert.ok(html.includes('<caption'));
  assert.ok(html.includes('0.2500'));
  assert.ok(html.includes('synthetic corpus'));
});
