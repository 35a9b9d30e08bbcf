/** Custom-gradient ops against tfjs autodiff of the plain formulation and against finite differences. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend';
import { Rng } from '../../src/rng';
import { dropout } from '../../src/nn/dropout';
import { embed, gatherRows } from '../../src/nn/embedding';
import { t5LayerNorm } from '../../src/nn/layer-norm';
import { lmHeadCrossEntropy } from '../../src/nn/loss';
import { batchMatMul, linear } from '../../src/nn/ops';

function randn(shape: number[], seed: number): tf.Tensor {
  const rng = new Rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: n }, () => rng.normal()), shape);
}

function close(a: tf.Tensor, b: tf.Tensor, tol = 1e-5, what = ''): void {
  const x = a.dataSync();
  const y = b.dataSync();
  assert.equal(x.length, y.length, what);
  for (let i = 0; i < x.length; i++) assert.ok(Math.abs(x[i] - y[i]) <= tol * (1 + Math.abs(y[i])), `${what}[${i}]: ${x[i]} vs ${y[i]}`);
}

test('gatherRows: forward rows and scatter-add gradient (repeated ids) equal the one-hot formulation', async () => {
  await initBackend({ quiet: true });
  const table = randn([7, 3], 1);
  const ids = [3, 0, 3, 6, 3];
  const up = randn([5, 3], 2);
  close(gatherRows(table as tf.Tensor2D, ids), tf.matMul(tf.oneHot(ids, 7).toFloat(), table), 1e-6, 'forward');
  const g1 = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(gatherRows(t as tf.Tensor2D, ids), up)))(table);
  const g2 = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.matMul(tf.oneHot(ids, 7).toFloat(), t as tf.Tensor2D), up)))(table);
  close(g1, g2, 1e-6, 'grad');
  assert.deepEqual(embed(table as tf.Tensor2D, ids.slice(0, 4), 2, 2).shape, [2, 2, 3]);
  assert.throws(() => gatherRows(table as tf.Tensor2D, [7]), /outside \[0, 7\)/);
});

test('gatherRows: gradient matches central finite differences', async () => {
  await initBackend({ quiet: true });
  const table = randn([5, 4], 3);
  const ids = [1, 4, 1, 2];
  const w = randn([4, 4], 4);
  const f = (t: tf.Tensor): tf.Scalar => tf.sum(tf.tanh(tf.matMul(gatherRows(t as tf.Tensor2D, ids), w as tf.Tensor2D)));
  const g = tf.grad(f)(table).dataSync();
  const base = table.dataSync().slice();
  const eps = 1e-2;
  for (let i = 0; i < base.length; i++) {
    const plus = base.slice();
    plus[i] += eps;
    const minus = base.slice();
    minus[i] -= eps;
    const num = (f(tf.tensor(plus, [5, 4])).dataSync()[0] - f(tf.tensor(minus, [5, 4])).dataSync()[0]) / (2 * eps);
    assert.ok(Math.abs(num - g[i]) < 2e-3, `entry ${i}: numeric ${num} vs analytic ${g[i]}`);
  }
});

test('linear and batchMatMul gradients equal tfjs autodiff of matMul', async () => {
  await initBackend({ quiet: true });
  const x = randn([2, 3, 5], 5);
  const w = randn([5, 4], 6);
  const up = randn([2, 3, 4], 7);
  const [gx1, gw1] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(linear(a, b as tf.Tensor2D), up)))([x, w]);
  const [gx2, gw2] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.reshape(tf.matMul(tf.reshape(a, [6, 5]), b as tf.Tensor2D), [2, 3, 4]), up)))([x, w]);
  close(gx1, gx2, 1e-5, 'dx');
  close(gw1, gw2, 1e-5, 'dw');
  const a = randn([3, 4, 2], 8);
  const b = randn([3, 2, 5], 9);
  const u = randn([3, 4, 5], 10);
  const [ga1, gb1] = tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.mul(batchMatMul(p as tf.Tensor3D, q as tf.Tensor3D), u)))([a, b]);
  const [ga2, gb2] = tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.mul(tf.matMul(p as tf.Tensor3D, q as tf.Tensor3D), u)))([a, b]);
  close(ga1, ga2, 1e-5, 'da');
  close(gb1, gb2, 1e-5, 'db');
});

test('lmHeadCrossEntropy equals mean −log softmax of the plain formulation, value and gradients', async () => {
  await initBackend({ quiet: true });
  const h = randn([6, 4], 11);
  const w = randn([4, 9], 12);
  const targets = [0, 8, 3, 3, 5, 1];
  const plain = (a: tf.Tensor, b: tf.Tensor): tf.Scalar =>
    tf.neg(tf.mean(tf.sum(tf.mul(tf.oneHot(targets, 9).toFloat(), tf.logSoftmax(tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D))), -1))) as tf.Scalar;
  close(lmHeadCrossEntropy(h as tf.Tensor2D, w as tf.Tensor2D, targets), plain(h, w), 1e-5, 'loss');
  const [gh1, gw1] = tf.grads((a: tf.Tensor, b: tf.Tensor) => lmHeadCrossEntropy(a as tf.Tensor2D, b as tf.Tensor2D, targets))([h, w]);
  const [gh2, gw2] = tf.grads(plain)([h, w]);
  close(gh1, gh2, 1e-5, 'dh');
  close(gw1, gw2, 1e-5, 'dw');
});

test('t5LayerNorm is RMS normalisation times the weight', async () => {
  await initBackend({ quiet: true });
  const x = tf.tensor2d([[3, 4], [1, -1]]);
  const y = t5LayerNorm(x, tf.tensor1d([1, 2]), 0).dataSync();
  const r0 = Math.sqrt((9 + 16) / 2);
  assert.ok(Math.abs(y[0] - 3 / r0) < 1e-6 && Math.abs(y[1] - 8 / r0) < 1e-6 && Math.abs(y[3] + 2) < 1e-6);
});

test('dropout: identity without rng, seeded and reproducible, keeps about 1 − rate, rescales', async () => {
  await initBackend({ quiet: true });
  const x = tf.ones([100, 100]);
  assert.equal(dropout(x, 0.3, undefined), x);
  const a = dropout(x, 0.3, new Rng(5)).dataSync();
  const b = dropout(x, 0.3, new Rng(5)).dataSync();
  const c = dropout(x, 0.3, new Rng(6)).dataSync();
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  const kept = a.filter((v) => v !== 0);
  assert.ok(Math.abs(kept.length / a.length - 0.7) < 0.03, `kept ${kept.length}`);
  assert.ok(kept.every((v) => Math.abs(v - 1 / 0.7) < 1e-6));
});
