import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend';
import { kmeans, updateCentroids } from '../../src/quantize/kmeans';
import { Rng } from '../../src/rng';
import { blobs, purity } from './blobs';

const cfg = { maxIters: 50, tol: 0, nInit: 1, spherical: false };

before(async () => {
  await initBackend({ quiet: true });
});

test('recovers well-separated Gaussian blobs (purity both ways = 1)', () => {
  const x = blobs(800, 16, 8, 1);
  const r = kmeans(x, 8, { ...cfg, nInit: 3 }, new Rng(2));
  assert.equal(r.assignments.length, 800);
  assert.equal(r.centroids.length, 8 * 16);
  assert.equal(purity(r.assignments, x.labels), 1);
  assert.equal(purity(x.labels, r.assignments), 1);
  assert.ok(r.iterations >= 1 && r.iterations <= cfg.maxIters);
  // Inertia ≈ n·dim for unit-variance noise.
  assert.ok(r.inertia > 0.8 * 800 * 16 && r.inertia < 1.2 * 800 * 16, `inertia ${r.inertia}`);
});

test('deterministic for a seed; different seeds may differ but stay valid', () => {
  const x = blobs(500, 8, 20, 3, 2);
  const a = kmeans(x, 20, cfg, new Rng(9));
  const b = kmeans(x, 20, cfg, new Rng(9));
  assert.deepEqual(a.assignments, b.assignments);
  assert.deepEqual(a.centroids, b.centroids);
  assert.equal(a.inertia, b.inertia);
  const c = kmeans(x, 20, cfg, new Rng(10));
  for (const v of c.assignments) assert.ok(v >= 0 && v < 20);
});

test('k > n is an error; k == n puts every point in its own cluster', () => {
  const x = blobs(12, 4, 3, 4);
  assert.throws(() => kmeans(x, 13, cfg, new Rng(1)), /k = 13 exceeds the number of points n = 12/);
  assert.throws(() => kmeans(x, 0, cfg, new Rng(1)), /k must be a positive integer/);
  const r = kmeans(x, 12, cfg, new Rng(1));
  assert.equal(new Set(r.assignments).size, 12);
  assert.ok(r.inertia < 1e-3, `inertia ${r.inertia}`);
});

test('empty cluster repair: the farthest point of a cluster with ≥ 2 points moves into the empty cluster', () => {
  const data = Float32Array.from([0, 0, 1, 0, 9, 0, 10, 0]);
  const labels = Int32Array.from([0, 0, 2, 2]);
  const minDist = Float32Array.from([0.25, 0.25, 16, 0.3]);
  const c = updateCentroids(data, 2, labels, minDist, 3, false);
  assert.deepEqual([...labels], [0, 0, 1, 2]);
  assert.deepEqual([...c], [0.5, 0, 9, 0, 10, 0]);
});

test('duplicate points: k == n gives one cluster per distinct point and zero inertia', () => {
  const data = Float32Array.from([0, 0, 0, 0, 0, 0, 5, 5, 9, 1]);
  const r = kmeans({ data, n: 5, dim: 2 }, 5, cfg, new Rng(3));
  assert.equal(new Set(r.assignments).size, 3);
  assert.ok(r.inertia < 1e-4);
  const r3 = kmeans({ data, n: 5, dim: 2 }, 3, cfg, new Rng(3));
  assert.equal(new Set(r3.assignments).size, 3);
  assert.ok(r3.inertia < 1e-4);
});

test('nInit keeps the lowest inertia (restart 0 equals the single run)', () => {
  const x = blobs(600, 8, 30, 5, 1.5);
  const one = kmeans(x, 30, cfg, new Rng(4));
  const five = kmeans(x, 30, { ...cfg, nInit: 5 }, new Rng(4));
  assert.ok(five.inertia <= one.inertia);
});

test('row chunking gives the same result as one matmul', () => {
  const x = blobs(300, 6, 5, 6, 3);
  const a = kmeans(x, 5, cfg, new Rng(8));
  const b = kmeans(x, 5, cfg, new Rng(8), { maxChunkEntries: 5 * 37 });
  assert.deepEqual(a.assignments, b.assignments);
});

test('spherical: unit centroids, recovers directional clusters regardless of scale', () => {
  const x = blobs(400, 10, 4, 7);
  const rng = new Rng(1);
  for (let i = 0; i < x.n; i++) {
    const s = 0.1 + 10 * rng.next();
    for (let j = 0; j < x.dim; j++) x.data[i * x.dim + j] *= s;
  }
  const r = kmeans(x, 4, { ...cfg, spherical: true, nInit: 2 }, new Rng(2));
  for (let c = 0; c < 4; c++) {
    let s = 0;
    for (let j = 0; j < 10; j++) s += r.centroids[c * 10 + j] ** 2;
    assert.ok(Math.abs(s - 1) < 1e-5);
  }
  assert.ok(purity(r.assignments, x.labels) > 0.98);
});

test('no tensor leaks', () => {
  const x = blobs(200, 8, 4, 8);
  const before = tf.memory().numTensors;
  kmeans(x, 4, { ...cfg, nInit: 2, spherical: true }, new Rng(1));
  kmeans(x, 200, cfg, new Rng(1), { maxChunkEntries: 1000 });
  assert.throws(() => kmeans(x, 201, cfg, new Rng(1)));
  assert.equal(tf.memory().numTensors, before);
});

test('10,000 × 64, k = 256, 20 iterations runs in seconds', () => {
  const x = blobs(10000, 64, 256, 9, 0.25);
  const t0 = performance.now();
  const r = kmeans(x, 256, { ...cfg, maxIters: 20 }, new Rng(1));
  const s = (performance.now() - t0) / 1000;
  console.log(`kmeans 10000x64 k=256: ${s.toFixed(2)} s, ${r.iterations} iterations`);
  assert.ok(s < 15, `took ${s} s (target 2–3 s; loose bound for shared CPUs)`);
});
