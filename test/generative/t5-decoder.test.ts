import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend';
import type { ModelConfig } from '../../src/config';
import { constrainedBeamSearch } from '../../src/generative/beam-search';
import { docsById, finetuneIds, generateIds, inputMatrix, rankedDocs } from '../../src/generative/finetune';
import { IdVocab, withIdTokens } from '../../src/generative/id-tokens';
import { T5IdDecoder } from '../../src/generative/t5-decoder';
import { IdTrie } from '../../src/generative/trie';
import { T5 } from '../../src/model/t5';
import { Rng } from '../../src/rng';

const CFG: ModelConfig = {
  dModel: 32, dKv: 8, dFf: 64, numLayers: 1, numDecoderLayers: 1, numHeads: 4, relativeAttentionNumBuckets: 8,
  relativeAttentionMaxDistance: 16, dropoutRate: 0, feedForwardProj: 'relu', tieWordEmbeddings: true, vocabSize: 20,
};
const SPECIAL = { padId: 0, eosId: 1 };

describe('IdVocab', () => {
  it('maps (position, code) to tokens after the text vocabulary and back', () => {
    const v = new IdVocab(20, [4, 3, 5]);
    assert.equal(v.totalVocab, 32);
    assert.deepEqual(v.tokens([3, 0, 4]), [23, 24, 31]);
    assert.deepEqual(v.decode(25), { t: 1, code: 1 });
    assert.equal(v.decode(19), undefined);
    assert.equal(v.name(2, 4), '<c3_4>');
    assert.throws(() => v.token(1, 3), /out of range/);
  });
});

describe('T5 with ID tokens', () => {
  before(async () => {
    await initBackend({ quiet: true });
  });

  it('withIdTokens keeps every old parameter and the text-token embeddings', () => {
    const base = T5.create(CFG, { seed: 3 });
    const v = new IdVocab(20, [4, 4]);
    const m = withIdTokens(base, v, { seed: 1 });
    assert.equal(m.config.vocabSize, 28);
    for (const [name, p] of base.params) {
      const q = m.params.get(name)!;
      if (name === 'shared.weight') {
        assert.deepEqual(Array.from(q.dataSync().slice(0, p.size)), Array.from(p.dataSync()));
      } else assert.deepEqual(Array.from(q.dataSync()), Array.from(p.dataSync()));
    }
    base.dispose();
    m.dispose();
  });

  it('beam scores equal teacher-forced log-probs (KV cache path = full forward), all hits in the trie', async () => {
    const v = new IdVocab(20, [3, 4, 2]);
    const model = withIdTokens(T5.create(CFG, { seed: 5 }), v, { seed: 2 });
    const rng = new Rng(7);
    const trie = new IdTrie({ codebookSize: v.maxCodebookSize });
    while (trie.size < 12) trie.insert([rng.int(3), rng.int(4), rng.int(2)]);
    const inputs = [[5, 6, 7], [8, 9], [10, 11, 12, 13]];
    const before = tf.memory().numTensors;
    const dec = new T5IdDecoder(model, v, { normalize: 'vocab' });
    const hits = await constrainedBeamSearch(dec, dec.start(inputMatrix(inputs, SPECIAL, 8)), trie, { beamSize: 5 });
    dec.release();
    assert.equal(tf.memory().numTensors, before);
    for (let q = 0; q < inputs.length; q++) {
      assert.equal(hits[q].length, 5);
      for (const h of hits[q]) assert.ok(trie.has(h.id));
      // Teacher-forced score of the best hit.
      const enc = inputMatrix([inputs[q]], SPECIAL, 8);
      const out = model.forward({ inputIds: enc, labels: [v.tokens(hits[q][0].id)] });
      const lp = tf.tidy(() => tf.logSoftmax(out.logits.squeeze([0])));
      const rows = lp.arraySync() as number[][];
      const want = v.tokens(hits[q][0].id).reduce((s, tok, t) => s + rows[t][tok], 0);
      tf.dispose([out.logits, out.decoderHidden, out.encoderHidden, lp]);
      assert.ok(Math.abs(want - hits[q][0].score) < 1e-3, `query ${q}: forward ${want} vs beam ${hits[q][0].score}`);
    }
    model.dispose();
  });

  it('fine-tuning (Eq 14) memorises 8 inputs → IDs; generateIds recovers them; tensors stay flat', async () => {
    const v = new IdVocab(20, [4, 4]);
    const model = withIdTokens(T5.create(CFG, { seed: 11 }), v, { seed: 4 });
    const ids = [[0, 1], [0, 2], [1, 0], [1, 3], [2, 2], [2, 0], [3, 1], [3, 3]];
    const examples = ids.map((id, i) => ({ input: [2 + i, 12 + (i % 3), 2 + i], id }));
    const before = tf.memory().numTensors;
    const r = await finetuneIds(model, v, examples, SPECIAL, { epochs: 80, batchSize: 8, learningRate: 1e-2, seed: 1, maxInputLength: 8, weightDecay: 0 });
    assert.ok(r.history[r.history.length - 1].loss < r.history[0].loss / 4, `loss ${r.history[0].loss} → ${r.history[r.history.length - 1].loss}`);
    const trie = IdTrie.from(ids, { codebookSize: 4 });
    const hits = await generateIds(model, v, examples.map((e) => e.input), trie, SPECIAL, { beamSize: 4, queryBatch: 3 });
    assert.equal(tf.memory().numTensors, before);
    const byId = docsById(ids);
    hits.forEach((h, i) => assert.equal(rankedDocs(h, byId)[0], i));
    model.dispose();
  });
});
