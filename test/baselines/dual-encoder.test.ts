/** Dual encoder (DPR): the in-batch loss on a hand case, batch collation, and training that must beat no training. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend';
import { Bm25Index } from '../../src/baselines/retrieval/bm25';
import { bm25HardNegative, DualEncoder, inBatchLoss, type RetrievalPair } from '../../src/baselines/retrieval/dual-encoder';
import { copyT5 } from '../../src/baselines/retrieval/model-copy';
import type { ModelConfig } from '../../src/config';
import { LmiError } from '../../src/errors';
import { T5 } from '../../src/model/t5';
import { Rng } from '../../src/rng';

const CFG: ModelConfig = {
  dModel: 32, dKv: 8, dFf: 64, numLayers: 1, numDecoderLayers: 1, numHeads: 4, relativeAttentionNumBuckets: 8,
  relativeAttentionMaxDistance: 16, dropoutRate: 0, feedForwardProj: 'relu', tieWordEmbeddings: true, vocabSize: 90,
};
const SPECIAL = { padId: 0, eosId: 1 };

describe('inBatchLoss', () => {
  it('equals the hand-computed softmax cross-entropy, with and without an extra (hard negative) column', async () => {
    await initBackend({ quiet: true });
    const q = tf.tensor2d([[1, 0], [0, 2]]);
    const d = tf.tensor2d([[1, 0], [0, 1], [1, 1]]);
    // Two columns: row 0 scores [1, 0] → −log(e/(e+1)); row 1 scores [0, 2] → −log(e²/(1+e²)).
    const two = inBatchLoss(q, tf.slice(d, [0, 0], [2, 2]), [0, 1]);
    const want2 = (Math.log(1 + Math.exp(-1)) + Math.log(1 + Math.exp(-2))) / 2;
    assert.ok(Math.abs(two.dataSync()[0] - want2) < 1e-5, `${two.dataSync()[0]} vs ${want2}`);
    // Third column [1, 1]: row 0 scores [1, 0, 1] → log(2 + e^-1); row 1 scores [0, 2, 2] → log(2 + e^-2).
    const three = inBatchLoss(q, d, [0, 1]);
    const want3 = (Math.log(2 + Math.exp(-1)) + Math.log(2 + Math.exp(-2))) / 2;
    assert.ok(Math.abs(three.dataSync()[0] - want3) < 1e-5);
    // Temperature divides the scores.
    const hot = inBatchLoss(q, d, [0, 1], 0.5);
    const want = (Math.log(1 + Math.exp(-2) + 1) + Math.log(Math.exp(-4) + 2)) / 2;
    assert.ok(Math.abs(hot.dataSync()[0] - want) < 1e-5);
    // Gradient w.r.t. q row 0 = (softmax − onehot) · D / B.
    const g = tf.grad((x: tf.Tensor) => inBatchLoss(x as tf.Tensor2D, d, [0, 1]))(q);
    const p = [Math.E, 1, Math.E].map((x) => x / (2 * Math.E + 1));
    const g0 = [(p[0] - 1) * 1 + p[2] * 1, p[1] * 1 + p[2] * 1].map((x) => x / 2);
    const got = g.dataSync();
    assert.ok(Math.abs(got[0] - g0[0]) < 1e-5 && Math.abs(got[1] - g0[1]) < 1e-5, `${got[0]},${got[1]} vs ${g0}`);
    assert.throws(() => inBatchLoss(q, d, [0, 1], 0), LmiError);
    tf.dispose([q, d, two, three, hot, g]);
  });
});

describe('DualEncoder', () => {
  it('collates distinct document columns and picks BM25 hard negatives that are not relevant', async () => {
    await initBackend({ quiet: true });
    const de = new DualEncoder(T5.create(CFG, { seed: 1 }), SPECIAL, { batchSize: 4 });
    const docs = [[5, 6], [7], [8, 9, 10]];
    const b = de.collate([{ query: [5], doc: 2, hardNegative: 0 }, { query: [6, 7], doc: 2, hardNegative: 1 }, { query: [9], doc: 0 }], docs);
    assert.deepEqual([...b.targets], [0, 0, 1]); // doc 2 → column 0 (shared), doc 0 → column 1, hard negative 1 → column 2
    assert.equal(b.docs.rows, 3);
    assert.deepEqual([...b.docs.data.subarray(2 * b.docs.cols, 2 * b.docs.cols + 2)], [7, 1]);
    const bm = new Bm25Index([{ id: 'a', text: 'red apple pie' }, { id: 'b', text: 'green apple' }, { id: 'c', text: 'blue sky' }]);
    assert.equal(bm25HardNegative(bm, 'red apple', new Set([0])), 1);
    assert.equal(bm25HardNegative(bm, 'red apple', new Set([0, 1])), undefined);
    assert.throws(() => new DualEncoder(T5.create(CFG), SPECIAL, { batchSize: 1 }), LmiError);
    de.dispose();
  });

  it('in-batch training lifts Recall@1 on held-out queries far above the untrained encoder, without leaking tensors', async () => {
    await initBackend({ quiet: true });
    const rng = new Rng(11);
    const N = 48;
    // Documents speak their topic's words (8 topics × 6 words, 4..51); queries use a disjoint query vocabulary of
    // the topic (4 words each, 52..83), so an untrained encoder cannot match them and training must learn the map.
    const docs = Array.from({ length: N }, (_, i) => Array.from({ length: 10 }, () => (rng.next() < 0.8 ? 4 + (i % 8) * 6 + rng.int(6) : 2 + rng.int(2))));
    const query = (d: number): number[] => Array.from({ length: 3 }, () => 52 + (d % 8) * 4 + rng.int(4));
    const train: RetrievalPair[] = [];
    for (let r = 0; r < 6; r++) for (let d = 0; d < N; d++) train.push({ query: query(d), doc: d });
    const test = Array.from({ length: N }, (_, d) => ({ q: query(d), d }));
    const recall1 = (de: DualEncoder): number => {
      de.indexDocuments(docs);
      const hits = de.search(test.map((t) => t.q), 5);
      // Topic level (8 topics): the query words name a topic, not one document.
      return test.filter((t, i) => hits[i][0] % 8 === t.d % 8).length / test.length;
    };
    const base = T5.create(CFG, { seed: 2 });
    const untrained = new DualEncoder(copyT5(base), SPECIAL, { batchSize: 16, maxDocLength: 12, maxQueryLength: 4 });
    const before = recall1(untrained);
    untrained.dispose();
    const de = new DualEncoder(copyT5(base), SPECIAL, { batchSize: 16, epochs: 6, learningRate: 3e-3, maxDocLength: 12, maxQueryLength: 4, seed: 3 });
    const t0 = tf.memory().numTensors;
    const fit = await de.fit(train, docs);
    assert.ok(tf.memory().numTensors - t0 <= 2, `tensors leaked: ${tf.memory().numTensors - t0}`);
    const first = fit.history.slice(0, 5).reduce((s, h) => s + h.loss, 0) / 5;
    const last = fit.history.slice(-5).reduce((s, h) => s + h.loss, 0) / 5;
    assert.ok(last < first - 0.3, `loss ${first.toFixed(3)} → ${last.toFixed(3)}`);
    const after = recall1(de);
    assert.ok(after >= before + 0.4 && after >= 0.8, `topic Recall@1 untrained ${before.toFixed(3)} → trained ${after.toFixed(3)}`);
    // The caller's model is untouched by training.
    assert.equal(base.params.get('shared.weight')!.dataSync()[0], T5.create(CFG, { seed: 2 }).params.get('shared.weight')!.dataSync()[0]);
    de.dispose();
    base.dispose();
  });
});
