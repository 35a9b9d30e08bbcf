/** Mean-pooled encoder embeddings (the BERT stand-in's pooling). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend';
import type { ModelConfig } from '../../src/config';
import { encoderInputs, meanPool, padSequences, pooledEmbeddings, type PaddedIds, type TokenEncoder } from '../../src/embeddings/encoder-pooled';
import { LmiError } from '../../src/errors';
import { T5 } from '../../src/model/t5';

const CFG: ModelConfig = {
  dModel: 16, dKv: 4, dFf: 32, numLayers: 1, numDecoderLayers: 1, numHeads: 2, relativeAttentionNumBuckets: 8,
  relativeAttentionMaxDistance: 16, dropoutRate: 0.1, feedForwardProj: 'relu', tieWordEmbeddings: true, vocabSize: 40,
};

/** Hidden state of a token = [id, id², 1] — pooling results can be checked by hand. */
const fakeEncoder: TokenEncoder = {
  options: { padTokenId: 0 },
  encode(ids: PaddedIds) {
    const out = new Float32Array(ids.rows * ids.cols * 3);
    ids.data.forEach((v, i) => out.set([v, v * v, 1], i * 3));
    return tf.tensor3d(out, [ids.rows, ids.cols, 3]);
  },
};

test('encoderInputs truncates, ends with EOS and rejects a too-small maxLength', () => {
  const enc = (t: string) => t.split(' ').map((w) => w.length + 2);
  assert.deepEqual(encoderInputs(enc, ['a bb ccc dddd', ''], 3, 1), [[3, 4, 1], [2, 1]]);
  assert.deepEqual(encoderInputs(enc, ['a'], 8, 1), [[3, 1]]);
  assert.throws(() => encoderInputs(enc, ['a'], 1, 1), LmiError);
  assert.throws(() => padSequences([[1], []], 0), /sequence 1 is empty/);
});

test('meanPool averages only the real tokens', async () => {
  await initBackend({ quiet: true });
  const ids = padSequences([[2, 3, 5], [4]], 0);
  assert.deepEqual(Array.from(ids.data), [2, 3, 5, 4, 0, 0]);
  const before = tf.memory().numTensors;
  const h = fakeEncoder.encode(ids);
  const p = meanPool(h, ids, 0);
  const v = Array.from(p.dataSync());
  tf.dispose([h, p]);
  const want = [10 / 3, 38 / 3, 1, 4, 16, 1];
  v.forEach((x, i) => assert.ok(Math.abs(x - want[i]) < 1e-5, `${i}: ${x} vs ${want[i]}`));
  assert.equal(tf.memory().numTensors, before);
  assert.throws(() => tf.tidy(() => meanPool(tf.zeros([2, 4, 3]) as tf.Tensor3D, ids, 0)), /do not match/);
});

test('pooledEmbeddings keeps document order across length-sorted batches and normalises rows', async () => {
  await initBackend({ quiet: true });
  const seqs = [[3, 3, 3, 2], [7], [2, 5], [9, 1, 4], [6, 6]];
  const before = tf.memory().numTensors;
  const raw = pooledEmbeddings(fakeEncoder, seqs, { batchSize: 2, normalize: false });
  assert.equal(raw.n, 5);
  assert.equal(raw.dim, 3);
  seqs.forEach((s, i) => {
    const m = s.reduce((a, b) => a + b, 0) / s.length;
    assert.ok(Math.abs(raw.data[i * 3] - m) < 1e-5, `doc ${i}: ${raw.data[i * 3]} vs ${m}`);
  });
  const unit = pooledEmbeddings(fakeEncoder, seqs, { batchSize: 3 });
  for (let i = 0; i < 5; i++) {
    const row = unit.data.subarray(i * 3, i * 3 + 3);
    assert.ok(Math.abs(Math.hypot(...row) - 1) < 1e-5);
  }
  assert.equal(tf.memory().numTensors, before);
});

test('T5 encoder pooling: padding does not change a document, dropout is off, batch size does not matter', async () => {
  await initBackend({ quiet: true });
  const model = T5.create(CFG, { seed: 5 });
  try {
    const before = tf.memory().numTensors;
    const seqs = [[5, 6, 7, 8, 9, 10, 1], [11, 12, 1], [13, 1]];
    const together = pooledEmbeddings(model, seqs, { batchSize: 3 });
    const alone = pooledEmbeddings(model, seqs, { batchSize: 1 });
    for (let i = 0; i < together.data.length; i++) assert.ok(Math.abs(together.data[i] - alone.data[i]) < 1e-4, `${i}: ${together.data[i]} vs ${alone.data[i]}`);
    // Different documents get different embeddings.
    const diff = together.data.subarray(0, 16).reduce((s, x, j) => s + Math.abs(x - together.data[16 + j]), 0);
    assert.ok(diff > 1e-3);
    assert.equal(tf.memory().numTensors, before);
  } finally {
    model.dispose();
  }
});
