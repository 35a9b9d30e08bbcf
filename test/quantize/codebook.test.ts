import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend';
import { argmaxCodes, assignCodes, codebookLogits } from '../../src/quantize/codebook';

before(async () => {
  await initBackend({ quiet: true });
});

test('Eq 2: cosine argmax picks the closest direction; dot product picks the largest-norm code', () => {
  const h = tf.tensor2d([[1, 0], [0, 1], [-1, 0.1]]);
  const e = tf.tensor2d([[1, 0], [0, 1], [-1, 0], [10, 10]]);
  assert.deepEqual([...assignCodes(h, e, { similarity: 'cosine', temperature: 0.1 })], [0, 1, 2]);
  assert.deepEqual([...assignCodes(h, e, { similarity: 'dot', temperature: 1 })], [3, 3, 2]);
  tf.dispose([h, e]);
});

test('logits are similarity / temperature, shape [B, K]', () => {
  const h = tf.tensor2d([[3, 4]]);
  const e = tf.tensor2d([[1, 0], [0, 2]]);
  const l = codebookLogits(h, e, { similarity: 'cosine', temperature: 0.5 });
  assert.deepEqual(l.shape, [1, 2]);
  const v = l.dataSync();
  assert.ok(Math.abs(v[0] - 0.6 / 0.5) < 1e-5 && Math.abs(v[1] - 0.8 / 0.5) < 1e-5);
  assert.deepEqual([...argmaxCodes(l)], [1]);
  tf.dispose([h, e, l]);
});

test('dimension mismatch and bad temperature throw', () => {
  const h = tf.zeros([2, 3]) as tf.Tensor2D;
  const e = tf.zeros([4, 2]) as tf.Tensor2D;
  assert.throws(() => codebookLogits(h, e), /dim/);
  assert.throws(() => codebookLogits(h, tf.zeros([4, 3]) as tf.Tensor2D, { similarity: 'dot', temperature: 0 }), /temperature/);
  tf.dispose([h, e]);
});
