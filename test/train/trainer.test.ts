/** Trainer: schedule, AdamW formula, accumulation, bit-exact resume, flat tensor count, loss goes down. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend';
import type { ModelConfig } from '../../src/config';
import { Rng } from '../../src/rng';
import { T5, type Seq2SeqBatch } from '../../src/model/t5';
import { AdamW } from '../../src/train/adamw';
import { jsonlLogger } from '../../src/train/callbacks';
import { learningRateAt } from '../../src/train/schedule';
import { Trainer } from '../../src/train/trainer';

const CFG: ModelConfig = {
  dModel: 16, dKv: 4, dFf: 32, numLayers: 1, numDecoderLayers: 1, numHeads: 2, relativeAttentionNumBuckets: 8,
  relativeAttentionMaxDistance: 16, dropoutRate: 0.1, feedForwardProj: 'relu', tieWordEmbeddings: true, vocabSize: 24,
};

/** Deterministic toy task: copy the input (batch b of 4 rows). */
function copyBatch(b: number, rows = 4): Seq2SeqBatch {
  const rng = new Rng(1000 + b);
  const ids = Array.from({ length: rows }, () => Array.from({ length: 6 }, () => 2 + rng.int(22)));
  return { inputIds: ids, labels: ids.map((r) => [...r, 1]) };
}

const lossOf = (model: T5) => (batch: Seq2SeqBatch, ctx: { rng: Rng }): tf.Scalar => model.loss(batch, { training: true, rng: ctx.rng });

function weights(model: T5): Float32Array[] {
  return [...model.params.values()].map((v) => Float32Array.from(v.dataSync()));
}

test('learning-rate schedule: warm-up, linear and cosine decay', () => {
  const o = { learningRate: 1, warmupSteps: 4, totalSteps: 14, schedule: 'linear' as const, minLearningRateRatio: 0 };
  assert.deepEqual([0, 1, 3].map((s) => learningRateAt(s, o)), [0.25, 0.5, 1]);
  assert.equal(learningRateAt(9, o), 0.5);
  assert.equal(learningRateAt(14, o), 0);
  assert.ok(Math.abs(learningRateAt(9, { ...o, schedule: 'cosine' }) - 0.5) < 1e-12);
  assert.equal(learningRateAt(100, { ...o, schedule: 'constant' }), 1);
});

test('AdamW follows the torch.optim.AdamW update (two steps, with weight decay)', async () => {
  await initBackend({ quiet: true });
  const p = tf.variable(tf.tensor1d([1, -2]));
  const opt = new AdamW({ beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.1 });
  let x = [1, -2];
  let m = [0, 0];
  let v = [0, 0];
  for (let t = 1; t <= 2; t++) {
    const g = [0.5 * t, -1];
    opt.apply(new Map([['w', p]]), new Map([['w', tf.tensor1d(g)]]), 0.01, () => true);
    x = x.map((xi, i) => {
      m[i] = 0.9 * m[i] + 0.1 * g[i];
      v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
      const denom = Math.sqrt(v[i]) / Math.sqrt(1 - 0.999 ** t) + 1e-8;
      return xi * (1 - 0.01 * 0.1) - (0.01 / (1 - 0.9 ** t)) * (m[i] / denom);
    });
  }
  const got = p.dataSync();
  x.forEach((xi, i) => assert.ok(Math.abs(got[i] - xi) < 1e-6, `${got[i]} vs ${xi}`));
  opt.dispose();
  p.dispose();
});

test('trainer lowers the loss, keeps tf.memory().numTensors flat, logs JSONL', async () => {
  await initBackend({ quiet: true });
  const model = T5.create(CFG, { seed: 1 });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trainer-'));
  const trainer = new Trainer(model, lossOf(model), { learningRate: 1e-2, warmupSteps: 2, totalSteps: 100, seed: 3 }, [jsonlLogger(path.join(dir, 'log.jsonl'))]);
  const src = (i: number): Seq2SeqBatch => copyBatch(i % 4);
  await trainer.fit(src, { steps: 1 });
  const baseline = tf.memory().numTensors;
  const baseBytes = tf.memory().numBytes;
  const hist = await trainer.fit(src, { steps: 100 });
  assert.equal(tf.memory().numTensors, baseline, 'no tensors leaked across 100 steps');
  assert.equal(tf.memory().numBytes, baseBytes, 'no tensor bytes leaked across 100 steps');
  const first = hist.slice(0, 4).reduce((a, h) => a + h.loss, 0) / 4;
  const last = hist.slice(-4).reduce((a, h) => a + h.loss, 0) / 4;
  assert.ok(last < first - 0.3, `loss ${first} → ${last}`);
  assert.equal(fs.readFileSync(path.join(dir, 'log.jsonl'), 'utf8').trim().split('\n').length, 100);
  trainer.dispose();
  model.dispose();
  fs.rmSync(dir, { recursive: true });
});

test('gradient accumulation over two half batches equals one full batch', async () => {
  await initBackend({ quiet: true });
  const full = copyBatch(7, 4);
  const half = (lo: number): Seq2SeqBatch => ({ inputIds: (full.inputIds as number[][]).slice(lo, lo + 2), labels: (full.labels as number[][]).slice(lo, lo + 2) });
  const noDrop = { ...CFG, dropoutRate: 0 };
  const a = T5.create(noDrop, { seed: 2 });
  const b = T5.create(noDrop, { seed: 2 });
  const ta = new Trainer(a, lossOf(a), { maxGradNorm: 0 });
  const tb = new Trainer(b, lossOf(b), { maxGradNorm: 0, gradAccumSteps: 2 });
  ta.trainStep([full]);
  tb.trainStep([half(0), half(2)]);
  const wa = weights(a);
  const wb = weights(b);
  wa.forEach((w, i) => w.forEach((x, j) => assert.ok(Math.abs(x - wb[i][j]) < 1e-5, `param ${i}[${j}]`)));
  [ta, tb, a, b].forEach((x) => x.dispose());
});

test('resume from an atomic checkpoint continues bit-for-bit (6 steps = 3 + kill + resume 3)', async () => {
  await initBackend({ quiet: true });
  const opts = { learningRate: 5e-3, warmupSteps: 2, totalSteps: 6, schedule: 'cosine' as const, seed: 11, gradAccumSteps: 2 };
  const src = (i: number): Seq2SeqBatch => copyBatch(i);
  const ref = T5.create(CFG, { seed: 5 });
  const tRef = new Trainer(ref, lossOf(ref), opts);
  const refHist = await tRef.fit(src, { steps: 6 });

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'resume-'));
  const first = T5.create(CFG, { seed: 5 });
  const t1 = new Trainer(first, lossOf(first), { ...opts, checkpointDir: dir, checkpointEvery: 3 });
  await t1.fit(src, { steps: 3 });
  t1.dispose();
  first.dispose(); // "killed"
  assert.deepEqual(fs.readdirSync(dir).filter((f) => f.includes('.tmp')), [], 'no temp files left');

  const second = T5.create(CFG, { seed: 999 }); // different init: everything must come from the checkpoint
  const t2 = new Trainer(second, lossOf(second), { ...opts, checkpointDir: dir, checkpointEvery: 3 });
  assert.match(t2.resume(dir)!, /step-00000003\.safetensors$/);
  assert.equal(t2.step, 3);
  const resumed = await t2.fit(src, { steps: 6 });
  assert.deepEqual(resumed.map((h) => h.loss), refHist.slice(3).map((h) => h.loss));
  const wr = weights(ref);
  weights(second).forEach((w, i) => assert.deepEqual(w, wr[i], `parameter ${i} differs`));
  for (const [name, s] of tRef.optimizer.moments) assert.deepEqual(t2.optimizer.moments.get(name)!.v.dataSync(), s.v.dataSync());
  assert.equal(Trainer.listCheckpoints(dir).length, 2, 'keeps the newest 2');
  [tRef, t2, ref, second].forEach((x) => x.dispose());
  fs.rmSync(dir, { recursive: true });
});
