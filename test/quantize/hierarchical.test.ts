import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend';
import { appendCollisionPosition, collisionStats } from '../../src/quantize/collisions';
import { hcIndex } from '../../src/quantize/hierarchical';
import { kmeans } from '../../src/quantize/kmeans';
import { Rng } from '../../src/rng';
import { blobs, purity } from './blobs';

const km = { maxIters: 30, tol: 0, nInit: 1, spherical: false };

before(async () => {
  await initBackend({ quiet: true });
});

test('collision position numbers documents sharing a prefix in corpus order', () => {
  const { ids, size } = appendCollisionPosition([[1, 2], [0, 0], [1, 2], [1, 3], [1, 2]]);
  assert.deepEqual(ids, [[1, 2, 0], [0, 0, 0], [1, 2, 1], [1, 3, 0], [1, 2, 2]]);
  assert.equal(size, 3);
  assert.deepEqual(collisionStats([[1, 2], [0, 0], [1, 2]]), { distinct: 2, collidingDocs: 2, maxGroup: 2 });
  assert.deepEqual(appendCollisionPosition([]), { ids: [], size: 1 });
});

test('HC IDs: every code < its codebook size (< k on cluster positions), unique with the collision position', () => {
  const x = blobs(1500, 8, 6, 1, 10);
  const r = hcIndex(x, { k: 6, depth: 2, collisionPosition: true }, { ...km, nInit: 3 }, new Rng(1));
  assert.equal(r.ids.length, 1500);
  assert.equal(r.codebookSizes.length, 3);
  assert.deepEqual(r.codebookSizes.slice(0, 2), [6, 6]);
  for (const id of r.ids) {
    assert.equal(id.length, 3);
    id.forEach((c, t) => assert.ok(Number.isInteger(c) && c >= 0 && c < r.codebookSizes[t], `code ${c} at ${t}`));
  }
  assert.equal(new Set(r.ids.map((id) => id.join(','))).size, 1500);
  assert.equal(r.meta.method, 'hc');
  // Level 1 recovers the 6 blobs.
  const p = purity(r.ids.map((id) => id[0]), x.labels);
  assert.ok(p > 0.99, `level-1 purity ${p}`);
});

test('depth 1: the first position equals a plain k-means of the whole set', () => {
  const x = blobs(600, 8, 10, 2, 2);
  const r = hcIndex(x, { k: 10, depth: 1, collisionPosition: false }, km, new Rng(7));
  const plain = kmeans(x, 10, km, new Rng(7).fork());
  assert.deepEqual(r.ids.map((id) => id[0]), [...plain.assignments]);
  assert.deepEqual(r.codebookSizes, [10]);
});

test('clusters with ≤ k documents get codes 0..m−1 directly; deterministic; no tensor leaks', () => {
  const small = blobs(5, 3, 2, 3);
  const r = hcIndex(small, { k: 8, depth: 3, collisionPosition: true }, km, new Rng(1));
  assert.deepEqual(r.ids, [[0, 0, 0, 0], [1, 0, 0, 0], [2, 0, 0, 0], [3, 0, 0, 0], [4, 0, 0, 0]]);
  const x = blobs(700, 6, 12, 4, 2);
  const before = tf.memory().numTensors;
  const a = hcIndex(x, { k: 4, depth: 3, collisionPosition: true }, km, new Rng(5));
  const b = hcIndex(x, { k: 4, depth: 3, collisionPosition: true }, km, new Rng(5));
  assert.equal(tf.memory().numTensors, before);
  assert.deepEqual(a.ids, b.ids);
  assert.throws(() => hcIndex(x, { k: 1, depth: 2, collisionPosition: true }, km, new Rng(5)), /k must be an integer ≥ 2/);
});
