/**
 * Neural sequential recommenders (GRU4Rec, BERT4Rec, HGN, FDSA) on a tiny synthetic catalogue with a deterministic
 * successor pattern (item i is always followed by item i + 1 mod V): every model must learn it (high Recall@1 in
 * the shared full-ranking protocol), and fit + dispose must leave the tfjs tensor count where it was.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend';
import type { Interactions } from '../../src/data/types';
import { evaluateSeqRec, seqRecData } from '../../src/baselines/seqrec/protocol';
import { GRU4Rec } from '../../src/baselines/seqrec/gru4rec';
import { BERT4Rec } from '../../src/baselines/seqrec/bert4rec';
import { HGN } from '../../src/baselines/seqrec/hgn';
import { FDSA } from '../../src/baselines/seqrec/fdsa';
import { encodeItemFeatures, loadItemFeatures } from '../../src/baselines/seqrec/features';
import { dataDir } from '../../src/data/paths';
import { loadInteractions } from '../../src/data/loaders';
import type { NeuralSeqRec } from '../../src/baselines/seqrec/train-loop';

const V = 24;
/** 240 users; user u starts at item (7u mod V) and follows the successor chain for 4 + (⌊u / V⌋ mod 6) items (start and length independent). */
function successorData(): Interactions {
  const sequences = new Map<string, string[]>();
  for (let u = 0; u < 240; u++) {
    const start = (u * 7) % V;
    sequences.set(`u${u}`, Array.from({ length: 4 + (Math.floor(u / V) % 6) }, (_, j) => String(1 + ((start + j) % V))));
  }
  return { name: 'successor', source: 'test', sequences };
}

/** Recall@1 of `model` on the successor test split; checks the tensor count is flat across fit + dispose. */
function recallAt1(model: NeuralSeqRec<unknown>): number {
  const data = seqRecData(successorData(), 'test');
  const start = tf.memory().numTensors;
  const r = evaluateSeqRec(model, data, { ks: [1, 5], conventions: [{ candidates: 'all', ties: 'pessimistic' }] });
  assert.equal(tf.memory().numTensors, start + model.params.size, 'after fit only the parameters stay allocated');
  model.dispose();
  assert.equal(tf.memory().numTensors, start, 'dispose frees every tensor');
  return r.rows[0].metrics['recall@1'];
}

describe('neural sequential recommenders learn a successor pattern', () => {
  before(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });
  const fast = { batchSize: 32, learningRate: 0.01, seed: 3 };
  it('GRU4Rec', () => {
    const r = recallAt1(new GRU4Rec({ dim: 16, maxLen: 10, dropout: 0 }, { ...fast, epochs: 25 }) as NeuralSeqRec<unknown>);
    assert.ok(r >= 0.95, `recall@1 ${r}`);
  });
  it('FDSA (features: item id mod 3)', () => {
    const attrs = new Map(Array.from({ length: V }, (_, i) => [String(i + 1), [i % 3]]));
    const feats = encodeItemFeatures(attrs, Array.from({ length: V }, (_, i) => String(i + 1)));
    const r = recallAt1(new FDSA(feats, { dim: 16, maxLen: 10, dropout: 0 }, { ...fast, epochs: 25 }) as NeuralSeqRec<unknown>);
    assert.ok(r >= 0.9, `recall@1 ${r}`);
  });
  it('HGN (BPR with sampled negatives + L2, as the official code)', () => {
    const r = recallAt1(new HGN({ dim: 16 }, { ...fast, epochs: 60 }) as NeuralSeqRec<unknown>);
    assert.ok(r >= 0.9, `recall@1 ${r}`);
  });
  it('HGN (full-softmax cross-entropy)', () => {
    const r = recallAt1(new HGN({ dim: 16, loss: 'ce' }, { ...fast, epochs: 30 }) as NeuralSeqRec<unknown>);
    assert.ok(r >= 0.9, `recall@1 ${r}`);
  });
  it('BERT4Rec (cloze, score an appended [mask])', () => {
    const r = recallAt1(new BERT4Rec({ dim: 32, maxLen: 10, dropout: 0, layers: 2, maskLastProb: 0.3 }, { ...fast, learningRate: 5e-3, epochs: 60 }) as NeuralSeqRec<unknown>);
    assert.ok(r >= 0.8, `recall@1 ${r}`);
  });
});

describe('item features', () => {
  it('encodes attribute lists densely per catalogue index, dropping duplicates', () => {
    const f = encodeItemFeatures(new Map([['1', [10, 12]], ['2', [12, 12]], ['3', []]]), ['2', '1', '3']);
    assert.equal(f.numFeatures, 2);
    assert.deepEqual(Array.from(f.offsets), [0, 1, 3, 3]);
    assert.deepEqual(Array.from(f.ids), [0, 1, 0]);
  });
  it('names a catalogue item without attributes', () => {
    assert.throws(() => encodeItemFeatures(new Map([['1', [1]]]), ['1', '9'], { source: 'x.json' }), /x\.json: item "9" \(index 1\) has no attribute entry/);
    assert.equal(encodeItemFeatures(new Map([['1', [1]]]), ['1', '9'], { missing: 'empty' }).offsets[2], 1);
  });
});

describe('real item attributes', () => {
  const dir = dataDir();
  it('Beauty: every catalogue item has brand/category attributes (637 ids)', { skip: dir === undefined ? 'no data directory' : false }, () => {
    const items = seqRecData(loadInteractions('beauty'), 'test').items;
    const f = loadItemFeatures('beauty', items);
    assert.equal(f.offsets.length, items.length + 1);
    assert.equal(f.numFeatures, 637);
    for (let i = 0; i < items.length; i++) assert.ok(f.offsets[i + 1] > f.offsets[i], `item ${items[i]} has attributes`);
  });
});
