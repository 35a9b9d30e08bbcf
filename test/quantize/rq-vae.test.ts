import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend';
import { residualQuantize } from '../../src/quantize/residual';
import { DEFAULT_RQVAE, rqVaeIndex, type RqVaeConfig, type RqVaeEpochLog } from '../../src/quantize/rq-vae';
import { Rng } from '../../src/rng';
import { blobs, purity } from './blobs';

const km = { maxIters: 30, tol: 0, nInit: 1, spherical: true };
const tiny: RqVaeConfig = { ...DEFAULT_RQVAE, levels: 2, codebookSize: 6, latentDim: 4, hidden: [16], epochs: 5, warmupEpochs: 2, batchSize: 64, learningRate: 3e-3 };

before(async () => {
  await initBackend({ quiet: true });
});

test('residual quantisation: codes are nearest per level, codebooks and encoder both get gradients', () => {
  const cb1 = tf.variable(tf.tensor2d([[0, 0], [10, 0]]));
  const cb2 = tf.variable(tf.tensor2d([[0, 1], [0, -1]]));
  const z = tf.variable(tf.tensor2d([[9, 1.2], [0.5, -0.8]]));
  const { grads, value } = tf.variableGrads(() => {
    const rq = residualQuantize(z as tf.Tensor2D, [cb1 as tf.Tensor2D, cb2 as tf.Tensor2D]);
    assert.deepEqual(rq.codes.arraySync(), [[1, 0], [0, 1]]);
    assert.deepEqual(rq.quantized.arraySync(), [[10, 1], [0, -1]]);
    return tf.add(rq.codebookLoss, rq.commitmentLoss) as tf.Scalar;
  }, [cb1, cb2, z]);
  for (const v of [cb1, cb2, z]) assert.ok(tf.tidy(() => tf.sum(tf.abs(grads[v.name])).dataSync()[0]) > 0, `gradient of ${v.name} is zero`);
  tf.dispose([value, ...Object.values(grads), cb1, cb2, z]);
});

test('rq-VAE on blobs: no collapse, reconstruction falls, unique IDs, level 1 finds the blobs, deterministic, no tensor leaks', () => {
  const x = blobs(600, 8, 6, 11, 8);
  const start = tf.memory().numTensors;
  const logs: RqVaeEpochLog[] = [];
  const tensorsAfter: number[] = [];
  const a = rqVaeIndex(x, tiny, km, new Rng(3), {
    onEpoch: (l) => {
      logs.push(l);
      tensorsAfter.push(tf.memory().numTensors);
    },
  });
  assert.equal(tf.memory().numTensors, start, 'all tensors disposed');
  // Flat across epochs within each phase (Adam creates the codebook moments once, at the first quantised step).
  assert.equal(new Set(tensorsAfter.slice(0, tiny.warmupEpochs)).size, 1, `warm-up tensors ${tensorsAfter}`);
  assert.equal(new Set(tensorsAfter.slice(tiny.warmupEpochs)).size, 1, `rq tensors ${tensorsAfter}`);

  assert.equal(logs.length, tiny.warmupEpochs + tiny.epochs);
  const rq = logs.filter((l) => l.phase === 'rq');
  assert.ok(rq[rq.length - 1].reconLoss < rq[0].reconLoss, `recon ${rq.map((l) => l.reconLoss)}`);
  assert.ok(logs[tiny.warmupEpochs - 1].reconLoss < logs[0].reconLoss);
  const used = a.meta.codesUsed as number[];
  used.forEach((u, t) => assert.ok(u > 1, `level ${t + 1}: ${u} codes used`));

  assert.deepEqual(a.codebookSizes.slice(0, 2), [6, 6]);
  assert.equal(a.codebookSizes.length, 3);
  for (const id of a.ids) id.forEach((c, t) => assert.ok(Number.isInteger(c) && c >= 0 && c < a.codebookSizes[t]));
  assert.equal(new Set(a.ids.map((id) => id.join(','))).size, 600);
  const p = purity(a.ids.map((id) => id[0]), x.labels);
  assert.ok(p > 0.7, `level-1 purity ${p}`);

  const b = rqVaeIndex(x, tiny, km, new Rng(3));
  assert.deepEqual(b.ids, a.ids);
  assert.equal(tf.memory().numTensors, start);
});

test('rq-VAE rejects bad settings with the field name', () => {
  const x = blobs(20, 4, 2, 1);
  assert.throws(() => rqVaeIndex(x, { ...tiny, codebookSize: 50 }, km, new Rng(1)), /codebookSize/);
  assert.throws(() => rqVaeIndex(x, { ...tiny, levels: 0 }, km, new Rng(1)), /levels/);
});
