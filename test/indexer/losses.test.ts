import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend';
import { contrastiveLoss, earlierIdCrossEntropy, reconstructionLoss } from '../../src/indexer/losses';

before(async () => {
  await initBackend({ quiet: true });
});

const close = (a: number, b: number, tol = 1e-4): void => assert.ok(Math.abs(a - b) < tol, `${a} vs ${b}`);

test('Eq 9 contrastive: only docs sharing the prefix are negatives; a doc alone in its group adds 0', () => {
  const h = tf.tensor2d([[1, 0], [0, 1], [1, 1]]);
  const tau = 1;
  // Groups: {0, 1} share a prefix, {2} alone.
  const l = contrastiveLoss(h, ['a', 'a', 'b'], tau).dataSync()[0];
  // cos(0,1) = 0 → each of doc 0 and 1: −log(e¹ / (e¹ + e⁰)); doc 2: 0.
  const one = -Math.log(Math.E / (Math.E + 1));
  close(l, (2 * one) / 3);
  // All in one group (t = 1): doc 2 sees both others at cos = 1/√2.
  const all = contrastiveLoss(h, [0, 0, 0], tau).dataSync()[0];
  const c = Math.SQRT1_2;
  const d0 = -Math.log(Math.E / (Math.E + 1 + Math.exp(c)));
  const d2 = -Math.log(Math.E / (Math.E + 2 * Math.exp(c)));
  close(all, (2 * d0 + d2) / 3);
  h.dispose();
});

test('Eq 10 (earlier-ID cross-entropy, the paper\'s "commitment loss"): summed CE over earlier positions', () => {
  const l1 = tf.tensor2d([[2, 0], [0, 0]]);
  const l2 = tf.tensor2d([[0, 1, 0], [0, 0, 3]]);
  const v = earlierIdCrossEntropy([l1, l2], [[0, 1], [1, 2]]).dataSync()[0];
  const ce = (row: number[], k: number): number => -(row[k] - Math.log(row.reduce((s, x) => s + Math.exp(x), 0)));
  close(v, (ce([2, 0], 0) + ce([0, 0], 1)) / 2 + (ce([0, 1, 0], 1) + ce([0, 0, 3], 2)) / 2);
  assert.equal(earlierIdCrossEntropy([], []).dataSync()[0], 0);
  tf.dispose([l1, l2]);
});

test('Eq 7 reconstruction: CE of the masked rows through W (scaled by d^-½)', () => {
  const z = tf.tensor3d([[[1, 0], [0, 2]]]); // B=1, L=2, d=2
  const w = tf.tensor2d([[1, 0], [0, 1], [1, 1]]); // V=3
  const v = reconstructionLoss(z, w, [1], [2]).dataSync()[0];
  const s = 2 ** -0.5;
  const logits = [0, 2 * s, 2 * s];
  close(v, -(logits[2] - Math.log(logits.reduce((a, x) => a + Math.exp(x), 0))));
  tf.dispose([z, w]);
});
