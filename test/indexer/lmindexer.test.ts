import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend';
import { preset } from '../../src/config';
import { LMIndexer } from '../../src/indexer/lmindexer';
import { lmIndexerOptions } from '../../src/indexer/options';
import { stagePlan } from '../../src/indexer/progressive';

before(async () => {
  await initBackend({ quiet: true });
  process.env.LMI_QUIET = '1';
});

const topics = [['apple', 'banana', 'cherry', 'grape'], ['rocket', 'planet', 'orbit', 'comet'], ['guitar', 'piano', 'violin', 'drum']];
const texts = Array.from({ length: 36 }, (_, i) => {
  const t = topics[i % 3];
  return Array.from({ length: 8 }, (_, j) => t[(i * 7 + j * 3) % 4] + (j % 3 === 0 ? ' the' : '')).join(' ');
});

function tinyCfg() {
  const cfg = preset('small');
  cfg.model = { ...cfg.model, dModel: 16, dKv: 8, numHeads: 2, dFf: 32, numLayers: 1, numDecoderLayers: 1, dropoutRate: 0 };
  cfg.tokenizer = { ...cfg.tokenizer, maxLength: 16, vocabSize: 200, minFrequency: 1 };
  cfg.indexer = { ...cfg.indexer, idLength: 2, codebookSize: 4, batchSize: 12 };
  return cfg;
}
const extras = { reconWarmupEpochs: 1, encoderWarmupEpochs: 1, jointEpochs: 1, probeDocs: 12, diagnosticsEvery: 2 };

test('stage plan: warm-ups, k-means init and joint per position; ablations drop stages', () => {
  const o = lmIndexerOptions(tinyCfg(), extras);
  assert.deepEqual(stagePlan(o).map((s) => s.kind), ['recon-warmup', 'encoder-warmup', 'codebook-init', 'joint', 'assign', 'encoder-warmup', 'codebook-init', 'joint', 'assign']);
  const ab = stagePlan({ ...o, reconWarmup: false, encoderWarmup: false });
  assert.deepEqual(ab.map((s) => s.kind), ['codebook-init', 'joint', 'assign', 'codebook-init', 'joint', 'assign']);
  assert.ok(ab.every((s) => !s.kmeans));
});

test('fit → unique IDs after the collision position; save/load gives the same index; tensors do not leak', async () => {
  const lmi = new LMIndexer(tinyCfg(), extras);
  const res = await lmi.fit(texts);
  assert.equal(res.ids.length, texts.length);
  assert.equal(res.ids[0].length, 3);
  assert.equal(new Set(res.ids.map((r) => r.join(','))).size, texts.length);
  assert.deepEqual(res.codebookSizes.slice(0, 2), [4, 4]);
  const steps = lmi.diagnostics.rows.filter((r) => r.kind === 'step');
  assert.ok(steps.length > 0 && steps.every((r) => Number.isFinite(r.loss as number)));
  // numTensors flat across the steps of each stage (the optimizer creates its moments on the first step).
  for (const stage of new Set(steps.map((r) => r.stage))) {
    const n = steps.filter((r) => r.stage === stage).map((r) => r.numTensors as number).slice(1);
    assert.ok(n.every((x) => x === n[0]), `${stage}: numTensors ${n}`);
  }
  assert.ok(lmi.diagnostics.rows.some((r) => r.kind === 'eval' && typeof r.perplexity === 'number' && typeof r.diffRatio === 'number'));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lmi-'));
  lmi.save(dir);
  const a = lmi.index(texts.slice(0, 10));
  const before = tf.memory().numTensors;
  lmi.index(texts.slice(0, 10));
  assert.equal(tf.memory().numTensors, before);
  const loaded = LMIndexer.load(dir);
  assert.deepEqual(loaded.index(texts.slice(0, 10)), a);
  assert.deepEqual(loaded.index(['a brand new unseen planet text'])[0].length, 2);
  loaded.dispose();
  lmi.dispose();
});

test('resume: stopping after some stages and resuming gives the same IDs as an uninterrupted run', async () => {
  const dir1 = fs.mkdtempSync(path.join(os.tmpdir(), 'lmi-a-'));
  const dir2 = fs.mkdtempSync(path.join(os.tmpdir(), 'lmi-b-'));
  const full = new LMIndexer(tinyCfg(), extras);
  const r1 = await full.fit(texts, { dir: dir1, checkpointEvery: 1 });
  full.dispose();
  const part = new LMIndexer(tinyCfg(), extras);
  const stopped = await part.fit(texts, { dir: dir2, stopAfterStages: 3 });
  assert.equal(stopped.ids.length, 0);
  part.dispose();
  const rest = new LMIndexer(tinyCfg(), extras);
  const r2 = await rest.fit(texts, { dir: dir2, resume: true });
  assert.deepEqual(r2.ids, r1.ids);
  rest.dispose();
});
