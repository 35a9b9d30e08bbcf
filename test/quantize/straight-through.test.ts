import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend';
import { type CodebookOptions, codebookLogits } from '../../src/quantize/codebook';
import { quantizeStraightThrough } from '../../src/quantize/straight-through';
import { Rng } from '../../src/rng';

before(async () => {
  await initBackend({ quiet: true });
});

function randn(rng: Rng, n: number): Float32Array {
  return Float32Array.from({ length: n }, () => rng.normal());
}

for (const opts of [{ similarity: 'cosine', temperature: 0.5 }, { similarity: 'dot', temperature: 2 }] as CodebookOptions[]) {
  test(`Eq 6 (${opts.similarity}): forward = argmax code rows; gradient = that of the softmax-weighted codebook (numerical check)`, () => {
    const rng = new Rng(3);
    const B = 3, K = 5, d = 4;
    const h0 = randn(rng, B * d);
    const e0 = randn(rng, K * d);
    const wv = randn(rng, B * d); // loss = Σ w ⊙ ĉ
    const w = tf.tensor2d(wv, [B, d]);
    const before = tf.memory().numTensors;
    const h = tf.tensor2d(h0, [B, d]);
    const e = tf.tensor2d(e0, [K, d]);
    // Forward value.
    const q = tf.tidy(() => quantizeStraightThrough(h, e, opts).quantized);
    const ids = tf.tidy(() => Array.from(quantizeStraightThrough(h, e, opts).ids));
    const qv = q.dataSync();
    for (let b = 0; b < B; b++) for (let j = 0; j < d; j++) assert.equal(qv[b * d + j], e0[ids[b] * d + j]);
    // Analytic gradients through the straight-through op.
    const g = tf.grads((...xs: tf.Tensor[]) => tf.sum(tf.mul(quantizeStraightThrough(xs[0] as tf.Tensor2D, xs[1] as tf.Tensor2D, opts).quantized, w)));
    const [gh, ge] = g([h, e]);
    // Numerical gradients of the surrogate Σ w ⊙ softmax(logits(h, E)) E, in float64 via finite differences.
    const surrogate = (hv: Float32Array, ev: Float32Array): number => tf.tidy(() => {
      const hh = tf.tensor2d(hv, [B, d]);
      const ee = tf.tensor2d(ev, [K, d]);
      return tf.sum(tf.mul(tf.matMul(tf.softmax(codebookLogits(hh, ee, opts)), ee), w)).dataSync()[0];
    });
    const eps = 1e-2;
    const check = (base: Float32Array, other: Float32Array, analytic: Float32Array | Int32Array | Uint8Array, isH: boolean): void => {
      for (let i = 0; i < base.length; i++) {
        const p = Float32Array.from(base); p[i] += eps;
        const m = Float32Array.from(base); m[i] -= eps;
        const num = isH ? (surrogate(p, other) - surrogate(m, other)) / (2 * eps) : (surrogate(other, p) - surrogate(other, m)) / (2 * eps);
        assert.ok(Math.abs(num - analytic[i]) < 2e-2 * Math.max(1, Math.abs(num)), `${isH ? 'h' : 'E'}[${i}]: numerical ${num} vs analytic ${analytic[i]}`);
      }
    };
    check(h0, e0, gh.dataSync(), true);
    check(e0, h0, ge.dataSync(), false);
    tf.dispose([q, gh, ge, h, e]);
    assert.equal(tf.memory().numTensors, before);
    w.dispose();
  });
}
