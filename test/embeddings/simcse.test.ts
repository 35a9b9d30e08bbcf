/** Unsupervised SimCSE (the in-domain SimCSE stand-in). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend';
import type { ModelConfig } from '../../src/config';
import { pooledEmbeddings } from '../../src/embeddings/encoder-pooled';
import { simcseLoss, trainSimcse } from '../../src/embeddings/simcse';
import { LmiError } from '../../src/errors';
import { T5 } from '../../src/model/t5';
import { Rng } from '../../src/rng';

const CFG: ModelConfig = {
  dModel: 16, dKv: 4, dFf: 32, numLayers: 1, numDecoderLayers: 1, numHeads: 2, relativeAttentionNumBuckets: 8,
  relativeAttentionMaxDistance: 16, dropoutRate: 0.1, feedForwardProj: 'relu', tieWordEmbeddings: true, vocabSize: 40,
};

/** The InfoNCE of SimCSE in plain float64 arithmetic. */
function referenceLoss(a: number[][], b: number[][], tau: number): number {
  const unit = (v: number[]) => v.map((x) => x / Math.hypot(...v));
  const A = a.map(unit);
  const B = b.map(unit);
  let total = 0;
  A.forEach((u, i) => {
    const s = B.map((w) => u.reduce((acc, x, k) => acc + x * w[k], 0) / tau);
    const m = Math.max(...s);
    total += m + Math.log(s.reduce((acc, x) => acc + Math.exp(x - m), 0)) - s[i];
  });
  return total / A.length;
}

test('simcseLoss equals the reference InfoNCE and has the expected extremes', async () => {
  await initBackend({ quiet: true });
  const rng = new Rng(11);
  const a = Array.from({ length: 5 }, () => Array.from({ length: 4 }, () => rng.normal()));
  const b = Array.from({ length: 5 }, () => Array.from({ length: 4 }, () => rng.normal()));
  const before = tf.memory().numTensors;
  for (const tau of [0.05, 0.5]) {
    const got = tf.tidy(() => simcseLoss(tf.tensor2d(a), tf.tensor2d(b), tau).dataSync()[0]);
    const want = referenceLoss(a, b, tau);
    assert.ok(Math.abs(got - want) < 1e-3 * Math.max(1, want), `τ=${tau}: ${got} vs ${want}`);
  }
  // Orthogonal views that agree: near-zero loss; identical rows everywhere: log B (nothing tells them apart).
  const eye = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
  assert.ok(tf.tidy(() => simcseLoss(tf.tensor2d(eye), tf.tensor2d(eye), 0.05).dataSync()[0]) < 1e-6);
  const same = [[1, 2, 3], [1, 2, 3], [1, 2, 3]];
  assert.ok(Math.abs(tf.tidy(() => simcseLoss(tf.tensor2d(same), tf.tensor2d(same), 0.05).dataSync()[0]) - Math.log(3)) < 1e-5);
  assert.equal(tf.memory().numTensors, before);
  assert.throws(() => simcseLoss(tf.zeros([2, 3]) as tf.Tensor2D, tf.zeros([3, 3]) as tf.Tensor2D, 0.05), LmiError);
});

/** Documents built from topic-specific tokens, so there is something to learn. */
function corpus(n: number, rng: Rng): number[][] {
  return Array.from({ length: n }, (_, i) => {
    const topic = i % 4;
    return [...Array.from({ length: 6 }, () => 2 + topic * 9 + rng.int(9)), 1];
  });
}

test('trainSimcse lowers the contrastive loss, trains only the encoder, is deterministic and leaks nothing', async () => {
  await initBackend({ quiet: true });
  const docs = corpus(64, new Rng(3));
  const run = async () => {
    const model = T5.create(CFG, { seed: 9 });
    const dec0 = model.params.get('decoder.block.0.layer.0.SelfAttention.q.weight')!.dataSync().slice();
    const enc0 = model.params.get('encoder.block.0.layer.0.SelfAttention.q.weight')!.dataSync().slice();
    const r = await trainSimcse(model, docs, { steps: 40, batchSize: 16, learningRate: 3e-3, warmupSteps: 2, seed: 4 });
    const dec1 = model.params.get('decoder.block.0.layer.0.SelfAttention.q.weight')!.dataSync();
    const enc1 = model.params.get('encoder.block.0.layer.0.SelfAttention.q.weight')!.dataSync();
    const emb = pooledEmbeddings(model, docs);
    model.dispose();
    return { r, decChanged: dec0.some((x, i) => x !== dec1[i]), encChanged: enc0.some((x, i) => x !== enc1[i]), emb };
  };
  const before = tf.memory().numTensors;
  const a = await run();
  assert.equal(tf.memory().numTensors, before, 'no tensors left after training and disposal');
  const losses = a.r.history.map((h) => h.loss);
  assert.equal(losses.length, 40);
  const first = losses.slice(0, 5).reduce((s, x) => s + x, 0) / 5;
  const last = losses.slice(-5).reduce((s, x) => s + x, 0) / 5;
  assert.ok(last < 0.8 * first, `loss ${first.toFixed(3)} → ${last.toFixed(3)}`);
  assert.ok(a.encChanged, 'encoder weights trained');
  assert.ok(!a.decChanged, 'decoder weights untouched');
  const b = await run();
  assert.deepEqual(b.r.history.map((h) => h.loss), losses, 'same seed, same run');
  assert.deepEqual(Array.from(b.emb.data), Array.from(a.emb.data));
  await assert.rejects(trainSimcse(T5.create(CFG, { seed: 1 }), [[1]], { steps: 1, seed: 1 }), /at least 2 documents/);
});
