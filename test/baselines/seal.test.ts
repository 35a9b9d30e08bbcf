/** SEAL: n-gram weights and intersective scoring on hand cases, constrained decoding, and training that must work. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend';
import { copyT5 } from '../../src/baselines/retrieval/model-copy';
import { collateNgramExamples, ngramWeight, rankSealScores, Seal, sealExamples, sealScores } from '../../src/baselines/retrieval/seal';
import { SuffixArray } from '../../src/baselines/retrieval/suffix-array';
import type { ModelConfig } from '../../src/config';
import { LmiError } from '../../src/errors';
import { IGNORE_INDEX, T5 } from '../../src/model/t5';
import { Rng } from '../../src/rng';

const CFG: ModelConfig = {
  dModel: 32, dKv: 8, dFf: 64, numLayers: 1, numDecoderLayers: 1, numHeads: 4, relativeAttentionNumBuckets: 8,
  relativeAttentionMaxDistance: 16, dropoutRate: 0, feedForwardProj: 'relu', tieWordEmbeddings: true, vocabSize: 100,
};
const SPECIAL = { padId: 0, eosId: 1 };
const close = (a: number, b: number, eps = 1e-9): void => assert.ok(Math.abs(a - b) <= eps, `${a} vs ${b}`);

describe('SEAL scoring', () => {
  // d0 = 1 2 3, d1 = 2 3 4, d2 = 5: 7 tokens.
  const sa = SuffixArray.build([[1, 2, 3], [2, 3, 4], [5]]);

  it('weighs an n-gram by model probability against corpus frequency', () => {
    // P(n|q) = .5, F = 2 → P(n) = 2/7: w = log(.5 · 5/7 / (2/7 · .5)) = log 2.5.
    close(ngramWeight(Math.log(0.5), 2, 7), Math.log(2.5));
    close(ngramWeight(Math.log(0.4), 1, 7), Math.log(4));
    assert.equal(ngramWeight(Math.log(0.1), 2, 7), 0); // less likely under the model than in the corpus
    assert.throws(() => ngramWeight(0, 0, 7), LmiError);
  });

  it('sums distinct n-gram weights per document, damping tokens already covered (intersective scoring)', () => {
    const g = [
      { tokens: [2, 3], logProb: Math.log(0.5) }, // w = log 2.5, in d0 and d1
      { tokens: [4], logProb: Math.log(0.4) }, // w = log 4, in d1
      { tokens: [2, 3], logProb: Math.log(0.3) }, // repeat: counts once, best probability
      { tokens: [9], logProb: Math.log(0.9) }, // absent from the corpus: ignored
    ];
    const plain = sealScores(g, sa, { alpha: 1, beta: 0.8 });
    close(plain.get(1)!, Math.log(4) + Math.log(2.5));
    close(plain.get(0)!, Math.log(2.5));
    assert.equal(plain.has(2), false);
    // Add [3] with w = log(.9 · 5/7 / (2/7 · .1)) = log 22.5: it comes first, so [2, 3] then has 1 of 2 tokens new
    // → factor 1 − β + β/2 = 0.6.
    const withThree = sealScores([...g, { tokens: [3], logProb: Math.log(0.9) }], sa, { alpha: 1, beta: 0.8 });
    close(withThree.get(1)!, Math.log(22.5) + Math.log(4) + 0.6 * Math.log(2.5));
    close(withThree.get(0)!, Math.log(22.5) + 0.6 * Math.log(2.5));
    // α squares each weight; β = 0 is the plain sum.
    const sq = sealScores([...g, { tokens: [3], logProb: Math.log(0.9) }], sa, { alpha: 2, beta: 0 });
    close(sq.get(0)!, Math.log(22.5) ** 2 + Math.log(2.5) ** 2);
    assert.deepEqual(rankSealScores(withThree, 5).map((h) => h.doc), [1, 0]);
    assert.deepEqual(rankSealScores(withThree, 1).map((h) => h.doc), [1]);
    assert.throws(() => sealScores(g, sa, { alpha: 1, beta: 2 }), LmiError);
  });

  it('builds training examples from spans and titles, and collates open-ended targets', () => {
    const docs = [[5, 6, 7, 8, 9, 10], [11, 12]];
    const ex = sealExamples([{ query: [40], doc: 0 }, { query: [41], doc: 1 }], docs, { ngramLength: 3, spansPerPair: 2 }, new Rng(1), [[5, 6], []]);
    assert.equal(ex.length, 2 + 1 + 2);
    for (const e of ex.slice(0, 2)) {
      assert.equal(e.target.length, 3);
      assert.ok(SuffixArray.build(docs).count(e.target as number[]) === 1, 'a span is an n-gram of its document');
    }
    assert.deepEqual(ex[2], { input: [40], target: [5, 6] });
    assert.deepEqual(ex[3].target, [11, 12]);
    const b = collateNgramExamples([{ input: [4, 5], target: [7] }, { input: [6], target: [8, 9] }], SPECIAL, 8);
    assert.deepEqual(b.labels, [[7, IGNORE_INDEX], [8, 9]]);
  });
});

describe('Seal', () => {
  it('generates only corpus n-grams, each scored with its exact log P(n | q)', async () => {
    await initBackend({ quiet: true });
    const rng = new Rng(5);
    const docs = Array.from({ length: 12 }, () => Array.from({ length: 9 }, () => 4 + rng.int(30)));
    const seal = new Seal(T5.create(CFG, { seed: 9 }), docs, SPECIAL, { ngramLength: 4, beamSize: 5 });
    const t0 = tf.memory().numTensors;
    const out = seal.generate([[50, 51, 52], [60], [70, 71]]);
    assert.equal(tf.memory().numTensors, t0, 'no tensor leak');
    for (const ngrams of out) {
      assert.ok(ngrams.length >= 5 * 3, `${ngrams.length} n-grams`);
      for (const g of ngrams) assert.ok(seal.index.count(g.tokens) >= 1, `[${g.tokens}] must occur in the corpus`);
    }
    // Teacher-forced log-probability of the best 4-gram of query 0 equals its beam score.
    const g = out[0].filter((x) => x.tokens.length === 4).sort((a, b) => b.logProb - a.logProb)[0];
    const lp = tf.tidy(() => tf.logSoftmax(seal.model.forward({ inputIds: [[50, 51, 52, 1]], labels: [g.tokens] }).logits));
    const v = lp.dataSync();
    const sum = g.tokens.reduce((s, t, i) => s + v[i * CFG.vocabSize + t], 0);
    lp.dispose();
    close(sum, g.logProb, 1e-3);
    assert.throws(() => new Seal(T5.create({ ...CFG, vocabSize: 20 }), docs, SPECIAL), /outside the model vocabulary/);
    seal.dispose();
  });

  it('learns query → document n-grams: Recall@1 on held-out query phrasings far above the untrained model', async () => {
    await initBackend({ quiet: true });
    const rng = new Rng(21);
    const N = 16;
    // Random 8-token documents over tokens 4..43; document d is asked for with its own query words 44+2d, 45+2d.
    const docs = Array.from({ length: N }, () => Array.from({ length: 8 }, () => 4 + rng.int(40)));
    const a = (d: number): number => 44 + 2 * d;
    const pairs = docs.flatMap((_, d) => [[a(d)], [a(d) + 1], [a(d), a(d) + 1]].map((query) => ({ query, doc: d })));
    const test = docs.map((_, d) => [a(d) + 1, a(d)]); // unseen order
    const base = T5.create(CFG, { seed: 4 });
    const conf = { ngramLength: 4, beamSize: 5, epochs: 40, batchSize: 16, learningRate: 5e-3, spansPerPair: 3, seed: 2 };
    const recall1 = (s: Seal): number => s.search(test, 1).filter((h, d) => h[0]?.doc === d).length / N;
    const untrained = new Seal(copyT5(base), docs, SPECIAL, conf);
    const before = recall1(untrained);
    untrained.dispose();
    const seal = new Seal(copyT5(base), docs, SPECIAL, conf);
    const fit = await seal.fit(sealExamples(pairs, seal.docTokens, conf, new Rng(3)));
    assert.ok(fit.history[fit.history.length - 1].loss < fit.history[0].loss - 1, 'loss falls');
    const after = recall1(seal);
    assert.ok(after >= 0.75 && after >= before + 0.5, `Recall@1 untrained ${before.toFixed(3)} → trained ${after.toFixed(3)}`);
    seal.dispose();
    base.dispose();
  });
});
