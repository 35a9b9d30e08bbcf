/**
 * LMIndexer cache of the experiments (issue 6): the key follows options, model and documents; a hit loads the saved
 * index folder instead of fitting; `fresh` refits (same IDs for the same seed); a killed fit resumes; a damaged entry
 * is refitted; the folder is a complete `lmindexer fit --out` index that `lmindexer add` can extend.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { quietTempDirs } from '../helpers/quiet-tmp';
import { preset } from '../../src/config';
import type { Corpus, Doc } from '../../src/data/types';
import { cachedLmIndexer, lmIndexerCacheKey } from '../../src/experiments/indexer-cache';
import { addDocuments } from '../../src/indexer/incremental';
import { loadIdIndex } from '../../src/quantize/id-index';

const tmp = quietTempDirs('lmi-ixcache-');

const topics = [['apple', 'banana', 'cherry', 'grape'], ['rocket', 'planet', 'orbit', 'comet'], ['guitar', 'piano', 'violin', 'drum']];
const docs: Doc[] = Array.from({ length: 40 }, (_, i) => {
  const t = topics[i % 3];
  return { id: `d${i}`, text: Array.from({ length: 6 }, (_, j) => t[(i * 7 + j * 3) % 4]).join(' ') };
});
const corpus: Corpus = { name: 'tiny', source: 'test', labelKeys: [], docs: docs.slice(0, 36) };

function tinyConfig() {
  const cfg = preset('small');
  cfg.model = { ...cfg.model, dModel: 16, dKv: 8, numHeads: 2, dFf: 32, numLayers: 1, numDecoderLayers: 1, dropoutRate: 0 };
  cfg.tokenizer = { ...cfg.tokenizer, maxLength: 8, vocabSize: 200, minFrequency: 1 };
  cfg.indexer = { ...cfg.indexer, idLength: 2, codebookSize: 4, batchSize: 12, gloveInit: false };
  return cfg;
}
const overrides = { reconWarmupEpochs: 1, encoderWarmupEpochs: 1, jointEpochs: 1, probeDocs: 12 };

test('cache key: changes with options, model, seed and documents; not with a copy of the same inputs', () => {
  const cfg = tinyConfig();
  const k = lmIndexerCacheKey(cfg, corpus, overrides);
  assert.match(k.name, /^lmindexer-tiny-[0-9a-f]{12}$/);
  assert.equal(lmIndexerCacheKey(structuredClone(cfg), { ...corpus, docs: corpus.docs.map((d) => ({ ...d })) }, { ...overrides }).key, k.key);
  const differs = (why: string, key: string): void => assert.notEqual(key, k.key, why);
  differs('stage length', lmIndexerCacheKey(cfg, corpus, { ...overrides, jointEpochs: 2 }).key);
  differs('hint ratios', lmIndexerCacheKey(cfg, corpus, { ...overrides, hintRatios: [0.3] }).key);
  differs('seed', lmIndexerCacheKey({ ...cfg, seed: 7 }, corpus, overrides).key);
  differs('model', lmIndexerCacheKey({ ...cfg, model: { ...cfg.model, dModel: 32 } }, corpus, overrides).key);
  differs('token length', lmIndexerCacheKey({ ...cfg, tokenizer: { ...cfg.tokenizer, maxLength: 12 } }, corpus, overrides).key);
  differs('a document text', lmIndexerCacheKey(cfg, { ...corpus, docs: corpus.docs.map((d, i) => (i === 3 ? { ...d, text: `${d.text} x` } : d)) }, overrides).key);
  differs('document order', lmIndexerCacheKey(cfg, { ...corpus, docs: [...corpus.docs].reverse() }, overrides).key);
});

test('cache: miss fits and saves an index folder with model; hit reuses it; fresh refits to the same IDs; killed fit resumes; damaged entry refits', async () => {
  const cfg = tinyConfig();
  const root = tmp('root');
  const before = tf.memory().numTensors;
  const first = await cachedLmIndexer(cfg, corpus, { cacheRoot: root, overrides });
  assert.equal(first.reused, false);
  assert.equal(first.dir, path.join(root, lmIndexerCacheKey(cfg, corpus, overrides).name));
  assert.ok(first.fitSeconds > 0);
  assert.deepEqual(fs.readdirSync(root), [path.basename(first.dir)], 'no staging folder left behind');
  for (const f of ['index.json', 'ids.tsv', 'docs.jsonl', 'model/indexer.json', 'model/params.safetensors']) assert.ok(fs.existsSync(path.join(first.dir, f)), f);
  const saved = loadIdIndex(first.dir);
  assert.equal(saved.manifest.indexer, 'lmindexer');
  assert.deepEqual(saved.result.ids, first.result.ids);
  assert.equal(first.result.ids.length, 36);
  assert.equal(new Set(first.result.ids.map((r) => r.join())).size, 36, 'collision position makes IDs unique');

  // Hit: loaded, not fitted (a marker file in the folder survives; nothing is rewritten).
  fs.writeFileSync(path.join(first.dir, 'marker'), 'x');
  const hit = await cachedLmIndexer(cfg, corpus, { cacheRoot: root, overrides });
  assert.equal(hit.reused, true);
  assert.deepEqual(hit.result.ids, first.result.ids);
  assert.deepEqual(hit.result.codebookSizes, first.result.codebookSizes);
  assert.equal(hit.fitSeconds, first.fitSeconds, 'the fit time recorded in the folder');
  assert.ok(fs.existsSync(path.join(first.dir, 'marker')));

  // Other options → another folder.
  const other = await cachedLmIndexer(cfg, corpus, { cacheRoot: root, overrides: { ...overrides, hintRatios: [0.3] } });
  assert.equal(other.reused, false);
  assert.notEqual(other.dir, first.dir);

  // fresh: refit in place; same seed → same IDs.
  const again = await cachedLmIndexer(cfg, corpus, { cacheRoot: root, overrides, fresh: true });
  assert.equal(again.reused, false);
  assert.equal(again.dir, first.dir);
  assert.deepEqual(again.result.ids, first.result.ids, 'deterministic for a seed');
  assert.ok(!fs.existsSync(path.join(first.dir, 'marker')), 'fresh replaced the folder');

  // A fit killed between stages resumes from its run folder and gives the IDs of an uninterrupted fit.
  const resumeRoot = tmp('resume');
  await assert.rejects(cachedLmIndexer(cfg, corpus, { cacheRoot: resumeRoot, overrides, fit: { stopAfterStages: 3, say: () => undefined } }), /stopped before .*run again to resume/);
  assert.ok(fs.existsSync(path.join(resumeRoot, `.${path.basename(first.dir)}.run`, 'state.json')), 'run folder kept');
  const said: string[] = [];
  const resumed = await cachedLmIndexer(cfg, corpus, { cacheRoot: resumeRoot, overrides, fit: { say: (l) => said.push(l) } });
  assert.ok(said.some((l) => /resuming at stage 3\//.test(l)), said.join('\n'));
  assert.deepEqual(resumed.result.ids, first.result.ids, 'resumed = uninterrupted');
  assert.deepEqual(fs.readdirSync(resumeRoot), [path.basename(first.dir)], 'run folder removed once the index is saved');

  // Damaged entry (model gone) → refit, not an error.
  fs.rmSync(path.join(first.dir, 'model'), { recursive: true });
  const lines: string[] = [];
  const repaired = await cachedLmIndexer(cfg, corpus, { cacheRoot: root, overrides, fit: { say: (l) => lines.push(l) } });
  assert.equal(repaired.reused, false);
  assert.ok(lines.some((l) => /not reusable \(model missing\)/.test(l)), lines.join('\n'));
  assert.ok(fs.existsSync(path.join(first.dir, 'model', 'indexer.json')));
  assert.equal(tf.memory().numTensors, before, 'no tensors leak');

  // The cached folder is a `lmindexer fit --out` index: `lmindexer add` places unseen documents with its model.
  const { report } = addDocuments(first.dir, docs.slice(36));
  assert.equal(report.added, 4);
  assert.equal(loadIdIndex(first.dir).result.ids.length, 40);
});
