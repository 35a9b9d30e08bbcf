/**
 * Parallel inference (issue 14): parallelMap splits inputs over worker threads and returns outputs in input order;
 * LMIndexer.indexParallel and generateIdsParallel give exactly the one-thread IDs and hits, pooledEmbeddingsParallel
 * the one-thread embeddings.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend';
import type { ModelConfig } from '../../src/config';
import { pooledEmbeddings } from '../../src/embeddings/encoder-pooled';
import { pooledEmbeddingsParallel } from '../../src/embeddings/pooled-parallel';
import { generateIds } from '../../src/generative/finetune';
import { IdVocab, withIdTokens } from '../../src/generative/id-tokens';
import { generateIdsParallel } from '../../src/generative/search-mapper';
import { IdTrie } from '../../src/generative/trie';
import { LMIndexer } from '../../src/indexer/lmindexer';
import { T5 } from '../../src/model/t5';
import { Rng } from '../../src/rng';
import { claimChunks, defaultChunk, mapThreads, parallelMap } from '../../src/train/parallel/map';
import { TINY_INDEXER_STAGES, tinyIndexerConfig } from '../helpers/tiny-indexer';

const FIXTURES = path.resolve(__dirname, '../../src/train/parallel/test-fixtures.ts');

/** A one-layer T5 config for these tests. */
function tinyT5(o: Partial<ModelConfig>): ModelConfig {
  return {
    dModel: 32, dKv: 8, dFf: 64, numLayers: 1, numDecoderLayers: 1, numHeads: 4, relativeAttentionNumBuckets: 8,
    relativeAttentionMaxDistance: 16, dropoutRate: 0, feedForwardProj: 'relu', tieWordEmbeddings: true, vocabSize: 20, ...o,
  };
}

before(async () => {
  await initBackend({ quiet: true });
});

test('parallelMap: 3 threads return the one-thread outputs in input order; no main-thread tensors leak', async () => {
  const rows = Array.from({ length: 50 }, (_, i) => [i, 2 * i, 1]);
  const local = { run: (rs: number[][]) => rs.map((r) => r[0] + r[1] + r[2] + 0.5) };
  const before = tf.memory().numTensors;
  const task = { module: FIXTURES, exportName: 'rowSums', args: { offset: 0.5 } };
  const out = await parallelMap(rows, local, task, { workers: 3, minPerWorker: 10 });
  assert.deepEqual(out, rows.map((r) => 3 * r[0] + 1.5));
  // Uneven chunks (the last one partial) and a slow main thread that marks its outputs −1: every worker maps its
  // first chunk and claims more while the main thread waits; order is kept; each chunk is mapped by one thread.
  const slow = { run: async (rs: number[][]) => { await new Promise((r) => setTimeout(r, 400)); return rs.map(() => -1); } };
  const marked = await parallelMap(rows, slow, task, { workers: 3, minPerWorker: 10, chunk: 3 });
  assert.equal(marked.length, rows.length);
  marked.forEach((v, i) => assert.ok(v === -1 || v === 3 * rows[i][0] + 1.5, `row ${i}: ${v}`));
  for (let c = 0; c < 17; c++) assert.equal(new Set(marked.slice(3 * c, 3 * c + 3).map((v) => v === -1)).size, 1, `chunk ${c} by one thread`);
  assert.ok(marked.slice(3, 9).every((v) => v !== -1), 'chunks 1 and 2 are the workers\' first');
  assert.ok(marked.slice(0, 3).every((v) => v === -1), 'chunk 0 is the main thread\'s');
  assert.ok(marked.filter((v) => v !== -1).length > 9, 'the workers claimed more than their first chunks');
  assert.equal(tf.memory().numTensors, before);
  await assert.rejects(parallelMap(rows, local, task, { workers: 2, minPerWorker: 1, chunk: 0 }), /option "chunk" must be a positive integer/);
});

test('claimChunks / defaultChunk: every chunk mapped once across callers sharing a counter; default chunk sizes', async () => {
  const counter = new Int32Array(new SharedArrayBuffer(4));
  const items = Array.from({ length: 23 }, (_, i) => i);
  const seen: number[] = [];
  const take = (c: number, part: number[]) => { seen.push(...part); assert.equal(part[0], c * 5); };
  counter[0] = 2;
  await Promise.all([claimChunks(items, 5, counter, 0, take), claimChunks(items, 5, counter, 1, take)]);
  assert.deepEqual(seen.sort((a, b) => a - b), items);
  assert.equal(defaultChunk(3000, 2), 192);
  assert.equal(defaultChunk(100, 2), 32);
  assert.equal(defaultChunk(50, 3), 17, 'at most an even share, so every thread has a first chunk');
});

test('parallelMap: fewer threads for small inputs; a worker error is an LmiError naming the worker', async () => {
  const task = { module: FIXTURES, exportName: 'throwing', args: { message: 'injected mapper failure' } };
  assert.equal(mapThreads(100, { workers: 4, minPerWorker: 40 }, task), 2);
  assert.equal(mapThreads(10, { workers: 4, minPerWorker: 40 }, task), 1);
  assert.equal(mapThreads(100, { workers: 4, minPerWorker: 1 }, { module: '/not/a/file.ts' }), 1, 'a module not on disk (tslab) → one thread');
  // The main thread's chunk never finishes, so the worker maps the others and fails: the call rejects at once.
  const stuck = { run: () => new Promise<number[]>(() => undefined) };
  await assert.rejects(parallelMap([[1], [2], [3], [4]], stuck, task, { workers: 2, minPerWorker: 1, chunk: 1 }), /parallel: worker 1: .*injected mapper failure/s);
});

test('LMIndexer.indexParallel: 2 threads give index()\'s IDs', async () => {
  const topics = [['apple', 'banana', 'cherry', 'grape'], ['rocket', 'planet', 'orbit', 'comet'], ['guitar', 'piano', 'violin', 'drum']];
  const texts = Array.from({ length: 40 }, (_, i) => Array.from({ length: 8 }, (_, j) => topics[i % 3][(i * 7 + j * 3) % 4]).join(' '));
  const lmi = new LMIndexer(tinyIndexerConfig(), TINY_INDEXER_STAGES);
  try {
    await lmi.fit(texts);
    const one = lmi.index(texts);
    assert.deepEqual(await lmi.indexParallel(texts, { workers: 2, minPerWorker: 8 }), one);
    const copy = LMIndexer.fromSnapshot(lmi.snapshot());
    assert.deepEqual(copy.index(texts), one, 'a snapshot rebuilds the same indexer');
    copy.dispose();
  } finally {
    lmi.dispose();
  }
});

test('generateIdsParallel: 2 threads give generateIds()\'s hits', async () => {
  const cfg = tinyT5({ vocabSize: 20 });
  const vocab = new IdVocab(20, [4, 4]);
  const model = withIdTokens(T5.create(cfg, { seed: 3 }), vocab, { seed: 1 });
  const rng = new Rng(5);
  const ids = Array.from({ length: 12 }, (_, i) => [i % 4, Math.floor(i / 4)]);
  const trie = IdTrie.from(ids, { codebookSize: vocab.maxCodebookSize });
  const queries = Array.from({ length: 30 }, () => Array.from({ length: 6 }, () => 2 + rng.int(18)));
  const special = { padId: 0, eosId: 1 };
  try {
    const one = await generateIds(model, vocab, queries, trie, special, { beamSize: 4, queryBatch: 7 });
    const two = await generateIdsParallel(model, vocab, queries, trie, special, { beamSize: 4, queryBatch: 7, workers: 2, minPerWorker: 5 });
    assert.deepEqual(two.map((h) => h.map((x) => x.id)), one.map((h) => h.map((x) => x.id)));
    two.forEach((h, q) => h.forEach((x, i) => assert.ok(Math.abs(x.score - one[q][i].score) < 1e-5, `query ${q} hit ${i} score`)));
  } finally {
    model.dispose();
  }
});

test('pooledEmbeddingsParallel: 2 threads give pooledEmbeddings()\'s rows (float tolerance)', async () => {
  const model = T5.create(tinyT5({ vocabSize: 30, dModel: 16 }), { seed: 2 });
  const rng = new Rng(9);
  const seqs = Array.from({ length: 40 }, () => Array.from({ length: 2 + rng.int(9) }, () => 2 + rng.int(28)));
  try {
    const one = pooledEmbeddings(model, seqs, { batchSize: 8 });
    const two = await pooledEmbeddingsParallel(model, seqs, { batchSize: 8, workers: 2, minPerWorker: 10 });
    assert.deepEqual([two.n, two.dim], [one.n, one.dim]);
    let worst = 0;
    for (let i = 0; i < one.data.length; i++) worst = Math.max(worst, Math.abs(one.data[i] - two.data[i]));
    assert.ok(worst < 1e-5, `largest difference ${worst}`);
  } finally {
    model.dispose();
  }
});
