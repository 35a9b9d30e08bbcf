/**
 * Leaks: `tf.memory()` tensor count AND bytes stay flat across repeated training steps, indexing (LMIndexer.index,
 * HC) and constrained beam search (both selections). Whether a whole LMIndexer fit gives every byte back on dispose
 * is checked too, as a `todo` until the known leak named below is fixed.
 * Each workload runs once to warm up (optimizer moments, decoder heads), then N more times; every reading after
 * the warm-up must be identical.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend';
import { type ModelConfig, preset } from '../../src/config';
import { syntheticCorpus } from '../../src/data/synthetic';
import { embedTfidf, indexHc } from '../../src/experiments/id-quality';
import { constrainedBeamSearch } from '../../src/generative/beam-search';
import { inputMatrix } from '../../src/generative/finetune';
import { IdVocab, withIdTokens } from '../../src/generative/id-tokens';
import { MockMatmulDecoder } from '../../src/generative/mock-decoder';
import { T5IdDecoder } from '../../src/generative/t5-decoder';
import { IdTrie } from '../../src/generative/trie';
import { LMIndexer } from '../../src/indexer/lmindexer';
import { T5, type Seq2SeqBatch } from '../../src/model/t5';
import { Rng } from '../../src/rng';
import { Trainer } from '../../src/train/trainer';

before(async () => {
  await initBackend({ quiet: true });
  process.env.LMI_QUIET = '1';
});

type Reading = { numTensors: number; numBytes: number };
const reading = (): Reading => ({ numTensors: tf.memory().numTensors, numBytes: tf.memory().numBytes });

/** Run `work` once (warm-up) and then `n` times; every reading after the warm-up equals the first. */
async function assertFlat(what: string, n: number, work: (i: number) => unknown): Promise<void> {
  await work(0);
  const seen: Reading[] = [];
  for (let i = 1; i <= n; i++) {
    await work(i);
    seen.push(reading());
  }
  assert.ok(seen.every((r) => r.numTensors === seen[0].numTensors && r.numBytes === seen[0].numBytes), `${what} leaks: ${JSON.stringify(seen)}`);
}

const T5CFG: ModelConfig = {
  dModel: 16, dKv: 4, dFf: 32, numLayers: 1, numDecoderLayers: 1, numHeads: 2, relativeAttentionNumBuckets: 8,
  relativeAttentionMaxDistance: 16, dropoutRate: 0.1, feedForwardProj: 'relu', tieWordEmbeddings: true, vocabSize: 24,
};

function corpus(numDocs: number, seed: number) {
  const cfg = preset('small');
  return syntheticCorpus({ ...cfg.data.synthetic, numDocs, branching: [3, 2] }, new Rng(seed));
}

function tinyIndexerCfg() {
  const cfg = preset('small');
  cfg.model = { ...cfg.model, dModel: 16, dKv: 8, numHeads: 2, dFf: 32, numLayers: 1, numDecoderLayers: 1 };
  cfg.tokenizer = { ...cfg.tokenizer, maxLength: 16, vocabSize: 200, minFrequency: 1 };
  cfg.indexer = { ...cfg.indexer, idLength: 2, codebookSize: 4, batchSize: 12 };
  return cfg;
}

test('training steps: gradient accumulation + clipping + dropout keep tensors and bytes flat', async () => {
  const model = T5.create(T5CFG, { seed: 1 });
  const rng = new Rng(2);
  const batch = (): Seq2SeqBatch => {
    const ids = Array.from({ length: 3 }, () => Array.from({ length: 5 }, () => 2 + rng.int(22)));
    return { inputIds: ids, labels: ids.map((r) => [...r, 1]) };
  };
  const trainer = new Trainer(model, (b: Seq2SeqBatch, ctx) => model.loss(b, { training: true, rng: ctx.rng }), { learningRate: 1e-2, gradAccumSteps: 2, maxGradNorm: 0.01, seed: 4 });
  await assertFlat('Trainer.trainStep', 8, () => trainer.trainStep([batch(), batch()]));
  trainer.dispose();
  model.dispose();
});

test('LMIndexer: training steps and index() are flat', async () => {
  const texts = corpus(48, 3).docs.map((d) => d.text);
  const lmi = new LMIndexer(tinyIndexerCfg(), { reconWarmupEpochs: 1, encoderWarmupEpochs: 1, jointEpochs: 1, probeDocs: 12, diagnosticsEvery: 2 });
  const res = await lmi.fit(texts);
  assert.equal(res.ids.length, 48);
  // tensor count after every optimizer step, per stage (the first step of a stage creates the AdamW moments)
  const steps = lmi.diagnostics.rows.filter((r) => r.kind === 'step');
  assert.ok(steps.length >= 12, 'trained');
  for (const stage of new Set(steps.map((r) => r.stage))) {
    const n = steps.filter((r) => r.stage === stage).map((r) => r.numTensors as number).slice(1);
    assert.ok(n.every((x) => x === n[0]), `${stage}: numTensors per step ${n}`);
  }
  const unseen = ['planet orbit comet rocket', 'a text the model never saw', ...texts.slice(0, 10)];
  await assertFlat('LMIndexer.index', 4, () => lmi.index(unseen, 5));
  lmi.dispose();
});

// Regression: `tf.variable(tf.tensor(...))` outside tf.tidy kept the initial tensor alive (13 tensors at this size,
// ~35 MB at paper size) in the Reconstructor and the LMIndexer codebooks.
test('LMIndexer: fit + dispose gives back every tensor and byte', async () => {
  const texts = corpus(48, 3).docs.map((d) => d.text);
  const base = reading();
  const lmi = new LMIndexer(tinyIndexerCfg(), { reconWarmupEpochs: 1, encoderWarmupEpochs: 0, jointEpochs: 0, probeDocs: 12 });
  await lmi.fit(texts, { stopAfterStages: 1 });
  lmi.dispose();
  assert.deepEqual(reading(), base, 'fit + dispose left tensors behind');
});

test('HC indexing (TF-IDF + SVD + hierarchical k-means) is flat', async () => {
  const c = corpus(120, 5);
  const cfg = preset('small');
  cfg.embedding = { ...cfg.embedding, svdDim: 12 };
  cfg.hc = { ...cfg.hc, k: 4, depth: 2 };
  const emb = embedTfidf(c, cfg, new Rng(1));
  await assertFlat('embedTfidf', 2, (i) => embedTfidf(c, cfg, new Rng(i)));
  await assertFlat('indexHc', 3, (i) => indexHc(emb, cfg, new Rng(i)));
});

test('constrained beam search (T5 decoder, sparse and topk selection; matmul decoder) is flat', async () => {
  const v = new IdVocab(20, [3, 4, 2]);
  const model = withIdTokens(T5.create({ ...T5CFG, vocabSize: 20, dropoutRate: 0 }, { seed: 5 }), v, { seed: 2 });
  const rng = new Rng(7);
  const trie = new IdTrie({ codebookSize: v.maxCodebookSize });
  while (trie.size < 14) trie.insert([rng.int(3), rng.int(4), rng.int(2)]);
  const inputs = inputMatrix([[5, 6, 7], [8, 9], [10, 11, 12, 13]], { padId: 0, eosId: 1 }, 8);
  for (const selection of ['sparse', 'topk'] as const) {
    await assertFlat(`beam search (${selection})`, 4, async () => {
      const dec = new T5IdDecoder(model, v);
      const hits = await constrainedBeamSearch(dec, dec.start(inputs), trie, { beamSize: 5, selection });
      dec.release();
      assert.ok(hits.every((h) => h.length === 5 && h.every((x) => trie.has(x.id))));
    });
  }
  model.dispose();
  const mock = new MockMatmulDecoder(new Rng(1), { codebookSize: 8, hidden: 16 });
  const mtrie = new IdTrie({ codebookSize: 8 });
  while (mtrie.size < 60) mtrie.insert([rng.int(8), rng.int(8), rng.int(8)]);
  for (const selection of ['sparse', 'topk'] as const) {
    await assertFlat(`beam search on MockMatmulDecoder (${selection})`, 4, (i) =>
      constrainedBeamSearch(mock, { state: mock.start(4, new Rng(i)), numQueries: 4 }, mtrie, { beamSize: 10, selection }));
  }
});
