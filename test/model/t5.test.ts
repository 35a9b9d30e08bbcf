/** T5 behaviour: incremental decoding equals teacher forcing, beam reordering, dropout seeding, no tensor leaks. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend';
import type { ModelConfig } from '../../src/config';
import { Rng } from '../../src/rng';
import { T5, shiftRight, toIdMatrix } from '../../src/model/t5';

const CFG: ModelConfig = {
  dModel: 16, dKv: 4, dFf: 32, numLayers: 2, numDecoderLayers: 2, numHeads: 2, relativeAttentionNumBuckets: 8,
  relativeAttentionMaxDistance: 16, dropoutRate: 0.1, feedForwardProj: 'relu', tieWordEmbeddings: true, vocabSize: 30,
};

function randomIds(rng: Rng, rows: number, cols: number, vocab: number): number[][] {
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => 2 + rng.int(vocab - 2)));
}

test('incremental decoding with the KV cache equals teacher-forced logits and hidden states', async () => {
  await initBackend({ quiet: true });
  for (const feedForwardProj of ['relu', 'gated-gelu'] as const) {
    const model = T5.create({ ...CFG, feedForwardProj, tieWordEmbeddings: feedForwardProj === 'relu' }, { seed: 3 });
    const rng = new Rng(1);
    const input = randomIds(rng, 3, 9, 30);
    input[2][6] = input[2][7] = input[2][8] = 0; // padding
    const dec = randomIds(rng, 3, 6, 30).map((r) => [0, ...r.slice(1)]);
    const mask = model.paddingMask(toIdMatrix(input));
    const enc = model.encode(input, { attentionMask: mask });
    const hidden = model.decode(dec, enc, { encoderMask: mask });
    const logits = model.logits(hidden);
    const cache = model.startDecoding(enc, mask);
    for (let t = 0; t < 6; t++) {
      const step = model.decodeStep(dec.map((r) => r[t]), cache);
      const wantL = tf.tidy(() => tf.squeeze(tf.slice(logits, [0, t, 0], [3, 1, 30]), [1]));
      const wantH = tf.tidy(() => tf.squeeze(tf.slice(hidden, [0, t, 0], [3, 1, 16]), [1]));
      const dl = tf.tidy(() => tf.max(tf.abs(tf.sub(step.logits, wantL))).dataSync()[0]);
      const dh = tf.tidy(() => tf.max(tf.abs(tf.sub(step.hidden, wantH))).dataSync()[0]);
      assert.ok(dl < 1e-4 && dh < 1e-4, `${feedForwardProj} position ${t}: logits diff ${dl}, hidden diff ${dh}`);
      tf.dispose([step.logits, step.hidden, wantL, wantH]);
    }
    assert.equal(cache.position, 6);
    cache.dispose();
    tf.dispose([enc, hidden, logits]);
    model.dispose();
  }
});

test('DecoderCache.reorder selects rows (beam search) and decoding continues consistently', async () => {
  await initBackend({ quiet: true });
  const model = T5.create(CFG, { seed: 4 });
  const input = randomIds(new Rng(2), 2, 5, 30);
  const enc = model.encode(input);
  const a = model.startDecoding(enc);
  tf.dispose(Object.values(model.decodeStep([0, 0], a)));
  a.reorder([1, 1, 0]);
  const sa = model.decodeStep([5, 5, 7], a);
  // Reference: decode row 1 twice and row 0 once from scratch.
  const enc2 = model.encode([input[1], input[1], input[0]]);
  const b = model.startDecoding(enc2);
  tf.dispose(Object.values(model.decodeStep([0, 0, 0], b)));
  const sb = model.decodeStep([5, 5, 7], b);
  assert.ok(tf.tidy(() => tf.max(tf.abs(tf.sub(sa.logits, sb.logits))).dataSync()[0]) < 1e-5);
  tf.dispose([sa.logits, sa.hidden, sb.logits, sb.hidden, enc, enc2]);
  a.dispose();
  b.dispose();
  model.dispose();
});

test('greedy generate stops at maxLength and leaks no tensors', async () => {
  await initBackend({ quiet: true });
  const model = T5.create(CFG, { seed: 5 });
  const before = tf.memory().numTensors;
  const out = model.generate(randomIds(new Rng(3), 2, 7, 30), { maxLength: 5 });
  assert.equal(out.length, 2);
  assert.ok(out.every((r) => r.length >= 1 && r.length <= 5 && r.every((y) => y >= 0 && y < 30)));
  assert.equal(tf.memory().numTensors, before);
  model.dispose();
});

test('training-mode dropout is seeded: same rng → same loss, eval mode ignores the rng', async () => {
  await initBackend({ quiet: true });
  const model = T5.create(CFG, { seed: 6 });
  const rng = new Rng(4);
  const batch = { inputIds: randomIds(rng, 2, 8, 30), labels: randomIds(rng, 2, 5, 30) };
  const loss = (o: { training?: boolean; rng?: Rng }): number => tf.tidy(() => model.loss(batch, o).dataSync()[0]);
  assert.equal(loss({ training: true, rng: new Rng(9) }), loss({ training: true, rng: new Rng(9) }));
  assert.notEqual(loss({ training: true, rng: new Rng(9) }), loss({ training: true, rng: new Rng(10) }));
  assert.equal(loss({ rng: new Rng(9) }), loss({}));
  assert.ok(Math.abs(loss({}) - Math.log(30)) < 1.5, 'initial loss near log(V)');
  model.dispose();
});

test('parameter names follow Hugging Face T5 and shapes are stored [in, out] for linears', async () => {
  await initBackend({ quiet: true });
  const model = T5.create({ ...CFG, tieWordEmbeddings: false, feedForwardProj: 'gated-gelu' }, { seed: 1 });
  assert.deepEqual(model.params.get('encoder.block.0.layer.0.SelfAttention.q.weight')!.shape, [16, 8]);
  assert.deepEqual(model.params.get('decoder.block.1.layer.2.DenseReluDense.wi_1.weight')!.shape, [16, 32]);
  assert.deepEqual(model.params.get('lm_head.weight')!.shape, [16, 30]);
  assert.deepEqual(model.toHF().get('lm_head.weight')!.shape, [30, 16]);
  assert.ok(model.params.has('decoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight'));
  assert.ok(!model.params.has('decoder.block.1.layer.0.SelfAttention.relative_attention_bias.weight'));
  model.dispose();
});

test('shiftRight starts with the decoder start id and turns ignored labels into padding', () => {
  const m = shiftRight({ data: Int32Array.from([5, 6, -100, 7, -100, -100]), rows: 2, cols: 3 }, 0, 0);
  assert.deepEqual([...m.data], [0, 5, 6, 0, 7, 0]);
});
