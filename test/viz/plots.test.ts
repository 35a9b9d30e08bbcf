import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bar, countByCode, heatmap, histogram, line, stackedBar } from '../../src/viz/plots';
import type { FigureSpec } from '../../src/viz/figure';
import { PALETTE, TITLE_LINE_CHARS, baseLayout, wrapTitle } from '../../src/viz/style';

function valid(f: FigureSpec): void {
  assert.match(f.id, /^[A-Za-z0-9._-]+$/);
  assert.ok(f.data.length > 0);
  assert.equal(typeof f.layout, 'object');
  assert.ok(f.width! > 0 && f.height! > 0);
  JSON.parse(JSON.stringify(f)); // serialisable
}

test('palette has at least 20 distinct colours', () => {
  assert.ok(new Set(PALETTE.map((c) => c.toLowerCase())).size >= 20);
});

test('countByCode + stackedBar: one trace per category, shares sum to 1 per code', () => {
  const m = countByCode([2, 1, 1, 2, 2, 10], ['b', 'a', 'b', 'b', 'c', 'a']);
  assert.deepEqual(m.codes, [1, 2, 10]);
  assert.deepEqual(m.categories, ['a', 'b', 'c']);
  assert.deepEqual(m.counts, [[1, 1, 0], [0, 2, 1], [1, 0, 0]]);
  const f = stackedBar({ id: 'fig3', title: 'Figure 3', ...m });
  valid(f);
  assert.equal(f.data.length, 3);
  assert.equal(f.layout.barmode, 'stack');
  for (let i = 0; i < 3; i++) {
    const sum = f.data.reduce((s, tr) => s + (tr.y as number[])[i], 0);
    assert.ok(Math.abs(sum - 1) < 1e-12);
  }
  const counts = stackedBar({ id: 'fig3c', title: 'counts', ...m, normalize: false });
  assert.deepEqual(counts.data[1].y, [1, 2, 0]);
  const colours = new Set(stackedBar({ id: 'x', title: 'x', codes: [0], categories: Array.from({ length: 20 }, (_, j) => `c${j}`), counts: [Array(20).fill(1)] }).data.map((d) => (d.marker as { color: string }).color));
  assert.equal(colours.size, 20);
});

test('stackedBar rejects mismatched shapes and bad ids', () => {
  assert.throws(() => stackedBar({ id: 'f', title: 't', codes: [0, 1], categories: ['a'], counts: [[1]] }), /counts has 1 rows but codes has 2/);
  assert.throws(() => stackedBar({ id: 'f', title: 't', codes: [0], categories: ['a', 'b'], counts: [[1]] }), /counts\[0\] has 1 entries/);
  assert.throws(() => bar({ id: 'bad id/', title: 't', x: ['a'], series: [{ name: 's', y: [1] }] }), /file-safe/);
});

test('bar, line, heatmap, histogram build valid specs', () => {
  const b = bar({ id: 'b', title: 'AMI', x: ['HC', 'LMI'], series: [{ name: 'Beauty', y: [0.2, 0.3], error: [0.01, 0.02] }] });
  valid(b);
  assert.equal(b.data[0].type, 'bar');
  assert.deepEqual((b.data[0].error_y as { array: number[] }).array, [0.01, 0.02]);
  const l = line({ id: 'l', title: 'loss', series: [{ name: 'a', y: [3, 2, NaN] }, { name: 'b', x: [0, 10], y: [1, 0.5] }], logY: true });
  valid(l);
  assert.deepEqual(l.data[0].x, [0, 1, 2]);
  assert.deepEqual(l.data[0].y, [3, 2, null]);
  assert.equal((l.layout.yaxis as { type: string }).type, 'log');
  const h = heatmap({ id: 'h', title: 'h', z: [[1, 2], [3, 4]], x: ['a', 'b'], y: [0, 1], showValues: true });
  valid(h);
  assert.throws(() => heatmap({ id: 'h', title: 'h', z: [[1, 2], [3]] }), /z\[1\] has 1 columns/);
  const g = histogram({ id: 'g', title: 'g', series: [{ name: 'x', values: [1, 2, 2] }, { name: 'y', values: [3] }], normalize: 'probability' });
  valid(g);
  assert.equal(g.layout.barmode, 'overlay');
  assert.equal(g.data[0].histnorm, 'probability');
});

test('long titles wrap at spaces onto lines of ≤ 95 characters; the top margin grows per extra line', () => {
  const long = 'Figure 3(a) analogue: top-category share per first-position code, Amazon-Beauty, our best indexer: HC on TF-IDF+SVD (AMI 0.215)';
  const wrapped = wrapTitle(long);
  const lines = wrapped.split('<br>');
  assert.equal(lines.length, 2);
  assert.ok(lines.every((l) => l.length <= TITLE_LINE_CHARS), lines.join(' | '));
  assert.equal(lines.join(' '), long);
  assert.equal(wrapTitle('short title'), 'short title');
  const m = (t: string): number => (baseLayout(t).margin as { t: number }).t;
  assert.equal(m(long) - m('short title'), 20);
});
