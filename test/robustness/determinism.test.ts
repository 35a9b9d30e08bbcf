/**
 * Determinism: the same seed on the same backend gives identical IDs, metrics and weights — twice in one process
 * (no hidden global state) and across two `lmindexer index` processes; a different seed gives different results
 * (so the comparison can fail). The kill-and-resume test compares two `lmindexer fit` processes as well.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend';
import { preset } from '../../src/config';
import { loadCorpus } from '../../src/data/loaders';
import { amiByPrefix, embedTfidf, indexHc } from '../../src/experiments/id-quality';
import { LMIndexer } from '../../src/indexer/lmindexer';
import { Rng } from '../../src/rng';
import { cliAsync, removeTempDirs, tempDir } from './cli-child';

before(async () => {
  await initBackend({ quiet: true });
  process.env.LMI_QUIET = '1';
});
after(removeTempDirs);

function cfgWithSeed(seed: number) {
  const cfg = preset('small');
  cfg.seed = seed;
  cfg.data = { ...cfg.data, maxDocs: 0, synthetic: { ...cfg.data.synthetic, numDocs: 48, branching: [3, 2] } };
  cfg.model = { ...cfg.model, dModel: 16, dKv: 8, numHeads: 2, dFf: 32, numLayers: 1, numDecoderLayers: 1 };
  cfg.tokenizer = { ...cfg.tokenizer, maxLength: 16, vocabSize: 200, minFrequency: 1 };
  cfg.indexer = { ...cfg.indexer, idLength: 2, codebookSize: 4, batchSize: 12 };
  cfg.embedding = { ...cfg.embedding, svdDim: 12 };
  cfg.hc = { ...cfg.hc, k: 4, depth: 2 };
  return cfg;
}

/** One LMIndexer run: IDs, diagnostics without wall-clock and memory fields (leaks.test.ts), final weights, backend. */
async function lmindexerRun(seed: number) {
  const cfg = cfgWithSeed(seed);
  const corpus = loadCorpus(cfg.data, new Rng(cfg.seed).fork());
  const lmi = new LMIndexer(cfg, { reconWarmupEpochs: 1, encoderWarmupEpochs: 2, jointEpochs: 1, probeDocs: 12, diagnosticsEvery: 2 });
  const res = await lmi.fit(corpus);
  // Wall-clock fields (step ms, data-parallel phases, eval ms) and tensor counts are not part of the result.
  const diagnostics = lmi.diagnostics.rows.map(({ ms: _ms, evalMs: _e, phases: _p, numTensors: _n, ...rest }) => rest);
  const weights = [...lmi.allParams()].map(([n, v]) => [n, Array.from(v.dataSync())] as const);
  lmi.dispose();
  return { ids: res.ids, codebookSizes: res.codebookSizes, diagnostics, weights, backend: tf.getBackend() };
}

test('LMIndexer: same seed → identical IDs, diagnostics (losses, grad norms, code usage, perplexity, probe accuracy) and weights; other seed differs', async () => {
  const a = await lmindexerRun(11);
  const b = await lmindexerRun(11);
  assert.equal(a.backend, b.backend);
  assert.ok(a.diagnostics.some((r) => r.kind === 'step') && a.diagnostics.some((r) => r.kind === 'eval'));
  assert.deepEqual(b.ids, a.ids);
  assert.deepEqual(b.codebookSizes, a.codebookSizes);
  assert.deepEqual(b.diagnostics, a.diagnostics);
  assert.deepEqual(b.weights, a.weights);
  const c = await lmindexerRun(12);
  assert.notDeepEqual(c.diagnostics, a.diagnostics, 'a different seed must change the run');
  assert.notDeepEqual(c.weights, a.weights);
});

function hcRun(seed: number) {
  const cfg = cfgWithSeed(seed);
  cfg.data.synthetic.numDocs = 150;
  const rng = new Rng(cfg.seed);
  const corpus = loadCorpus(cfg.data, rng.fork());
  const res = indexHc(embedTfidf(corpus, cfg, rng.fork()), cfg, rng.fork());
  return { ids: res.ids, ami: amiByPrefix(corpus, res.ids, corpus.labelKeys, 2) };
}

test('HC on TF-IDF + SVD: same seed → identical IDs and AMI; other seed differs', () => {
  const a = hcRun(5);
  assert.deepEqual(hcRun(5), a);
  assert.ok(a.ami.level1[0] > 0.2, `AMI ${a.ami.level1[0]}: the IDs carry the topics`);
  assert.notDeepEqual(hcRun(6).ids, a.ids);
});

test('two `lmindexer index` processes with the same config write identical IDs and print identical metrics', async () => {
  const dir = tempDir();
  const cfg = path.join(dir, 'hc.json');
  fs.writeFileSync(cfg, JSON.stringify({ seed: 3, data: { synthetic: { numDocs: 150, branching: [3, 2] } }, embedding: { svdDim: 12 }, hc: { k: 4, depth: 2 } }));
  const run = (out: string) => cliAsync(['index', '--corpus', 'synthetic', '--config', cfg, '--out', path.join(dir, out)]);
  const [r1, r2] = [await run('a'), await run('b')];
  assert.equal(r1.status, 0, r1.stderr);
  assert.equal(r2.status, 0, r2.stderr);
  const metrics = (s: string) => s.split('\n').filter((l) => /AMI|codebooks/.test(l)).join('\n');
  assert.match(metrics(r1.stdout), /AMI\(c¹, level1\) = 0\.\d{4}/);
  assert.equal(metrics(r2.stdout), metrics(r1.stdout));
  const ids = (o: string) => fs.readFileSync(path.join(dir, o, 'ids.tsv'), 'utf8');
  assert.equal(ids('b'), ids('a'));
});
