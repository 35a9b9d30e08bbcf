import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend';
import { docBatch, hintBatch } from '../../src/indexer/batches';
import { Reconstructor } from '../../src/indexer/reconstructor';
import { Rng } from '../../src/rng';

before(async () => {
  await initBackend({ quiet: true });
});

const corpus = { ids: Int32Array.from([5, 6, 7, 8, 1, 0, 9, 10, 1, 0, 0, 0]), lengths: Int32Array.from([5, 3]), batchSize: 2, maxLength: 6 };

test('hint masking: ratio of real tokens visible, padding never visible nor predicted, masked ids replaced', () => {
  const b = docBatch(corpus, [0, 1]);
  assert.equal(b.ids.cols, 5); // trimmed to the longest document
  const h = hintBatch(b, 0.4, 3, new Rng(1));
  const vis0 = [...h.visible.slice(0, 5)].reduce((s, x) => s + x, 0);
  const vis1 = [...h.visible.slice(5, 10)].reduce((s, x) => s + x, 0);
  assert.equal(vis0, 2);
  assert.equal(vis1, 1);
  assert.equal(h.targets.length, 3 + 2);
  for (const r of h.targetRows) assert.equal(h.visible[r], 0);
  for (const r of h.targetRows) assert.ok(r % 5 < corpus.lengths[Math.floor(r / 5)], 'a padding position is a target');
  for (let k = 0; k < 10; k++) if (!h.visible[k]) assert.equal(h.hintIds[k], 3);
});

test('reconstructor output does not depend on masked tokens, does depend on the ID representation', () => {
  const rec = new Reconstructor({ dModel: 8, numHeads: 2, dKv: 4, dFf: 16, layers: 2, maxLength: 8 }, 1);
  const w = tf.randomNormal([12, 8], 0, 1, 'float32', 1) as tf.Tensor2D;
  const b = docBatch(corpus, [0, 1]);
  const h = hintBatch(b, 0.5, 3, new Rng(2));
  const changed = { ...h, hintIds: h.hintIds.map((id, k) => (h.visible[k] ? id : 11)) };
  const before = tf.memory().numTensors;
  const r1 = tf.randomNormal([2, 8], 0, 1, 'float32', 3) as tf.Tensor2D;
  const a = rec.forward([r1], h, w);
  const c = rec.forward([r1], changed, w);
  const r2 = tf.add(r1, 1) as tf.Tensor2D;
  const e = rec.forward([r1, r2], h, w);
  const none = rec.forward([], h, w);
  assert.deepEqual(a.shape, [2, 5, 8]);
  assert.deepEqual(e.shape, [2, 5, 8]);
  assert.deepEqual([...a.dataSync()], [...c.dataSync()]);
  assert.ok(tf.max(tf.abs(tf.sub(a, e))).dataSync()[0] > 1e-3);
  assert.deepEqual(none.shape, [2, 5, 8]);
  tf.dispose([a, c, e, none, r1, r2]);
  assert.ok(tf.memory().numTensors <= before + 4);
  rec.dispose();
  w.dispose();
});
