/** ID sweeps (Figures 5, 7, 8): the point plan, the pure output builder, and a smoke run on Amazon-Beauty. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { makeConfig } from '../../src/config';
import { dataDir } from '../../src/data/paths';
import {
  hitRateStdErr, idSweeps, nonDecreasing, type PointResult, pointKey, resolveSweep, runIdSweeps, sweepOutputs, sweepPoints, trendText,
} from '../../src/experiments/id-sweeps';

test('sweepPoints: each distinct point once, Beauty first, shared points not repeated', () => {
  const s = resolveSweep();
  const pts = sweepPoints(s);
  // Beauty rec: lengths 1,2,3 at k=32 + sizes 16,64 at length 2 (k=32 shared); Beauty search 3 sizes; Sports, Toys 3 lengths.
  assert.equal(pts.length, 5 + 3 + 6);
  assert.equal(new Set(pts.map(pointKey)).size, pts.length);
  assert.deepEqual([...new Set(pts.map((p) => p.dataset))], ['beauty', 'sports', 'toys']);
  assert.ok(pts.filter((p) => p.task === 'search').every((p) => p.dataset === 'beauty' && p.depth === 2));
  const smoke = sweepPoints(resolveSweep({ smoke: true }));
  assert.deepEqual(smoke.map(pointKey), ['beauty/rec/depth1/k16', 'beauty/rec/depth2/k16', 'beauty/rec/depth2/k8']);
  assert.equal(sweepPoints(resolveSweep({ lengths: [1], sizes: [4, 8], lengthK: 5, sizeDepth: 3, datasets: ['toys'], search: false })).length, 1 + 2 + 1);
  assert.throws(() => resolveSweep({ sizes: [1] }), /option "sizes" must be a non-empty list of integers ≥ 2/);
  assert.throws(() => resolveSweep({ lengths: [] }), /option "lengths"/);
  assert.throws(() => resolveSweep({ datasets: ['books' as never] }), /option "datasets"/);
});

test('hitRateStdErr, trendText, nonDecreasing', () => {
  assert.ok(Math.abs(hitRateStdErr(0.1, 100) - 0.03) < 1e-12);
  assert.equal(hitRateStdErr(0, 50), 0);
  assert.ok(Number.isNaN(hitRateStdErr(0.1, 0)));
  assert.equal(trendText([0.01, 0.02, 0.02, 0.015]), '0.0100 → 0.0200 (up) → 0.0200 (flat) → 0.0150 (down)');
  assert.ok(nonDecreasing([0.1, 0.1, 0.2]));
  assert.ok(!nonDecreasing([0.1, 0.3, 0.2]));
});

test('sweepOutputs: one table per figure plus the points, line charts with both metrics, missing point is an error', () => {
  const s = resolveSweep();
  const results = new Map<string, PointResult>();
  for (const p of sweepPoints(s)) {
    const v = p.depth / 10 + p.k / 1000;
    const metrics: Record<string, number> = p.task === 'rec' ? { 'recall@5': v, 'ndcg@5': v / 2 } : { 'ndcg@5': v, 'map@5': v / 3 };
    results.set(pointKey(p), { ...p, metrics, idLength: p.depth + 1, codebookSizes: [...Array(p.depth).fill(p.k), 7], testCases: 100, seconds: 1, cpuSeconds: 1, finetuneSeconds: 1, searchSeconds: 0 });
  }
  const out = sweepOutputs(s, results, 'Data: test.');
  assert.deepEqual(out.tables.map((t) => t.id), ['fig5-id-length-codebook-beauty', 'fig7-id-length-datasets', 'fig8-codebook-size-beauty', 'id-sweeps-points']);
  assert.deepEqual(out.figures.map((f) => f.id), ['fig5a-id-length-beauty', 'fig5b-codebook-size-beauty', 'fig7-id-length-datasets', 'fig8a-codebook-size-rec-beauty', 'fig8b-codebook-size-search-beauty']);
  const [fig5, fig7, fig8, points] = out.tables;
  assert.equal(fig5.rows.length, 6);
  assert.equal(fig7.rows.length, 9);
  assert.equal(fig8.rows.length, 6);
  assert.equal(points.rows.length, 14);
  for (const t of out.tables) for (const r of t.rows) assert.equal(r.length, t.columns.length, `${t.id}: row width`);
  // Length 3 at k=32 on Beauty: Recall@5 = 0.332, s.e. over 100 users.
  const l3 = fig5.rows.find((r) => r[0] === 'length 3 (k = 32)')!;
  assert.ok(Math.abs((l3[4] as number) - 0.332) < 1e-12);
  assert.ok(Math.abs((l3[5] as number) - Math.sqrt((0.332 * 0.668) / 100)) < 1e-12);
  assert.ok(fig5.notes!.some((n) => n.includes('non-decreasing, as the paper')));
  const f7 = out.figures[2];
  assert.equal(f7.data.length, 6);
  assert.deepEqual((f7.data[0] as { x: number[] }).x, [1, 2, 3]);
  assert.deepEqual((out.figures[1].data[0] as { x: number[] }).x, [16, 32, 64]);
  assert.ok(out.figures.every((f) => (f.layout.xaxis as { title?: { text: string } }).title?.text));
  results.delete('toys/rec/depth2/k32');
  assert.throws(() => sweepOutputs(s, results, ''), /no result for point toys\/rec\/depth2\/k32/);
});

test('id-sweeps smoke (Amazon-Beauty rec): shapes, metrics in [0,1], ID lengths and codebook sizes, no leaks', { skip: dataDir() ? false : 'no data directory' }, async () => {
  assert.equal(idSweeps.id, 'id-sweeps');
  assert.equal(idSweeps.version, 1);
  const before = tf.memory().numTensors;
  const r = await runIdSweeps(makeConfig({}), { smoke: true });
  assert.equal(tf.memory().numTensors, before);
  assert.deepEqual(r.tables.map((t) => t.id), ['fig5-id-length-codebook-beauty', 'fig7-id-length-datasets', 'fig8-codebook-size-beauty', 'id-sweeps-points']);
  assert.deepEqual(r.figures.map((f) => f.id), ['fig5a-id-length-beauty', 'fig5b-codebook-size-beauty', 'fig7-id-length-datasets', 'fig8a-codebook-size-rec-beauty']);
  const points = r.tables[3];
  assert.equal(points.rows.length, 3);
  for (const [set, task, depth, k, positions, sizes, m1, m2, cases] of points.rows) {
    assert.equal(set, 'Beauty');
    assert.equal(task, 'rec');
    assert.equal(positions, (depth as number) + 1, 'semantic positions + the collision position');
    const cb = String(sizes).split('/').map(Number);
    assert.equal(cb.length, positions);
    assert.deepEqual(cb.slice(0, -1), Array(depth as number).fill(k));
    assert.ok(cb[cb.length - 1] >= 1);
    for (const m of [m1, m2]) assert.ok(typeof m === 'number' && m >= 0 && m <= 1, `metric ${m}`);
    assert.equal(cases, 60);
  }
  for (const t of r.tables) for (const row of t.rows) assert.equal(row.length, t.columns.length, `${t.id}: row width`);
  assert.equal(r.tables[0].rows.length, 4);
  for (const f of r.figures) {
    assert.equal(f.data.length, 2);
    for (const d of f.data as { y: (number | null)[] }[]) assert.ok(d.y.every((v) => v !== null && v >= 0 && v <= 1));
  }
  assert.ok(r.meta.seconds > 0 && r.tables[0].notes!.some((n) => n.includes('first 60 users')));
});
