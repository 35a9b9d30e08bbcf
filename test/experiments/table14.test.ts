import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { makeConfig } from '../../src/config';
import type { Corpus } from '../../src/data/types';
import { loadCorpus } from '../../src/data/loaders';
import { dataDir } from '../../src/data/paths';
import { LmiError } from '../../src/errors';
import { buildIndex } from '../../src/experiments/build-index';
import { hcZeroShotIds, lmindexerZeroShotIds, placeHeldOut, rqVaeZeroShotIds, runTable14, table14, zeroShotPlan, zeroShotSplit, type ZeroShotIds } from '../../src/experiments/table14';
import { productSearchTask } from '../../src/experiments/table3';
import { IdTrie } from '../../src/generative/trie';
import { MODEL_DIR } from '../../src/indexer/incremental';
import { LMIndexer } from '../../src/indexer/lmindexer';
import { hcPaths, loadHcState } from '../../src/quantize/hc-state';
import { loadIdIndex, saveIdIndex } from '../../src/quantize/id-index';
import { DEFAULT_RQVAE, type RqVaeConfig } from '../../src/quantize/rq-vae';
import { rqVaeIndexWithUnseen, scaleLike } from '../../src/quantize/rq-vae-assign';
import { Rng } from '../../src/rng';
import { TINY_INDEXER_STAGES, tinyIndexerConfig } from '../helpers/tiny-indexer';

const TINY_RQ: RqVaeConfig = { ...DEFAULT_RQVAE, levels: 2, codebookSize: 8, latentDim: 8, hidden: [32], epochs: 2, warmupEpochs: 1, batchSize: 64 };

test('zeroShotSplit: disjoint, covers all items, the requested share, deterministic by seed', () => {
  const a = zeroShotSplit(1000, 0.1, 7);
  assert.equal(a.heldOut.length, 100);
  assert.equal(a.seen.length, 900);
  const held = new Set(a.heldOut);
  assert.ok(a.seen.every((i) => !held.has(i)));
  assert.deepEqual([...a.seen, ...a.heldOut].sort((x, y) => x - y), Array.from({ length: 1000 }, (_, i) => i));
  assert.deepEqual(zeroShotSplit(1000, 0.1, 7), a);
  assert.notDeepEqual(zeroShotSplit(1000, 0.1, 8).heldOut, a.heldOut);
  assert.ok(a.heldOut.some((i) => i > 500) && a.heldOut.some((i) => i < 500), 'drawn from all items, not a block');
  assert.throws(() => zeroShotSplit(1000, 0, 7), LmiError);
  assert.throws(() => zeroShotSplit(1000, 1, 7), /heldOutShare/);
});

test('rqVaeIndexWithUnseen: rows encoded after training get the codes training gave them; memory freed', () => {
  const rng = new Rng(3);
  const n = 300;
  const dim = 12;
  const data = Float32Array.from({ length: n * dim }, (_, i) => rng.normal() + (i % dim === Math.floor(i / dim) % 4 ? 3 : 0)); // 4 clusters
  const emb = { data, n, dim };
  const before = tf.memory().numTensors;
  const r = rqVaeIndexWithUnseen(emb, emb, TINY_RQ, makeConfig().kmeans, new Rng(5));
  assert.equal(tf.memory().numTensors, before);
  assert.equal(r.unseenPaths.length, n);
  r.unseenPaths.forEach((p, i) => assert.deepEqual(p, r.result.ids[i].slice(0, TINY_RQ.levels), `row ${i}`));
  // The same rows scaled alone would get another global factor when zero rows are present: scaleLike keeps the training one.
  const withZero = { data: Float32Array.from([...data.subarray(0, dim), ...new Float32Array(dim)]), n: 2, dim };
  const scaled = scaleLike(emb, withZero, 'l2');
  const norm = Math.hypot(...scaled.subarray(0, dim));
  assert.ok(Math.abs(norm - Math.sqrt(dim)) < 1e-3, `training rows have norm √dim, got ${norm}`);
  assert.throws(() => scaleLike(emb, emb, 'standardize'), /inputNorm/);
});

/** All IDs unique, the held-out ones complete and in the trie; the fit never saw a held-out item. */
function checkPlacement(ids: ZeroShotIds, docIds: string[], heldOut: number[]): void {
  assert.equal(ids.ids.length, docIds.length);
  assert.equal(new Set(ids.ids.map((id) => id.join(','))).size, docIds.length, 'IDs unique');
  const trie = IdTrie.from(ids.ids, { codebookSize: Math.max(...ids.codebookSizes) });
  for (const i of heldOut) {
    assert.equal(ids.ids[i].length, ids.codebookSizes.length);
    assert.ok(ids.ids[i].every((c, t) => c >= 0 && c < ids.codebookSizes[t]));
    assert.ok(trie.has(ids.ids[i]), `held-out ${docIds[i]} in the trie`);
  }
  const held = new Set(heldOut.map((i) => docIds[i]));
  assert.equal(ids.fittedOn.length, docIds.length - heldOut.length);
  assert.ok(ids.fittedOn.every((d) => !held.has(d)), 'held-out items not in the fit');
}

test('HC and rq-VAE zero-shot IDs on a synthetic corpus; an index that holds the held-out items has them re-placed', () => {
  const cfg = makeConfig({ data: { synthetic: { numDocs: 400 } }, hc: { k: 6 } });
  const corpus = loadCorpus(cfg.data, new Rng(cfg.seed).fork());
  const split = zeroShotSplit(corpus.docs.length, 0.1, cfg.seed);
  const docIds = corpus.docs.map((d) => d.id);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lmi-t14-test-'));
  try {
    const hc = hcZeroShotIds(cfg, corpus, split, path.join(tmp, 'hc'));
    checkPlacement(hc, docIds, split.heldOut);
    assert.equal(hc.prefixLength, cfg.hc.depth);
    // Held-out prefixes are the saved state's nearest-centroid paths.
    const paths = hcPaths(loadHcState(path.join(tmp, 'hc')), split.heldOut.map((i) => corpus.docs[i].text));
    split.heldOut.forEach((i, j) => assert.deepEqual(hc.ids[i].slice(0, cfg.hc.depth), paths[j]));
    const rq = rqVaeZeroShotIds(cfg, corpus, split, path.join(tmp, 'hc'), TINY_RQ);
    checkPlacement(rq, docIds, split.heldOut);
    assert.equal(rq.codebookSizes.length, TINY_RQ.levels + 1);

    buildIndex(cfg, { corpus, outDir: path.join(tmp, 'all') }); // fitted on every item, held-out ones included
    const all = loadIdIndex(path.join(tmp, 'all'));
    const placed = placeHeldOut(all, corpus, split);
    const stored = new Map(all.corpus.docs.map((d, i) => [d.id, all.result.ids[i]]));
    for (const i of split.seen) assert.deepEqual(placed.ids[i], stored.get(docIds[i]), 'seen items keep their IDs');
    assert.equal(new Set(placed.ids.map((id) => id.join(','))).size, docIds.length);
    const keep = all.corpus.docs.map((d, i) => i).filter((i) => all.corpus.docs[i].id !== docIds[split.seen[0]]);
    const missing = { ...all, corpus: { ...all.corpus, docs: keep.map((i) => all.corpus.docs[i]) }, result: { ...all.result, ids: keep.map((i) => all.result.ids[i]) } };
    assert.throws(() => placeHeldOut(missing, corpus, split), /not in this index/);
    assert.throws(() => lmindexerZeroShotIds(path.join(tmp, 'all'), corpus, split), /expected "lmindexer"/);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('lmindexerZeroShotIds: seen items keep the index IDs, held-out items get the saved model\'s own codes', async () => {
  const topics = [['apple', 'banana', 'cherry', 'grape'], ['rocket', 'planet', 'orbit', 'comet'], ['guitar', 'piano', 'violin', 'drum']];
  const docs = Array.from({ length: 40 }, (_, i) => ({ id: `d${i}`, text: Array.from({ length: 8 }, (_, j) => topics[i % 3][(i * 7 + j * 3) % 4]).join(' ') }));
  const corpus: Corpus = { name: 'tiny', source: 'test', labelKeys: [], docs };
  const split = { seen: Array.from({ length: 36 }, (_, i) => i), heldOut: [36, 37, 38, 39] };
  const cfg = tinyIndexerConfig();
  const lmi = new LMIndexer(cfg, TINY_INDEXER_STAGES);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lmi-t14-lmi-'));
  try {
    const seenCorpus = { ...corpus, docs: docs.slice(0, 36) };
    const result = await lmi.fit(seenCorpus);
    saveIdIndex(tmp, { corpus: seenCorpus, result, indexer: 'lmindexer', config: cfg });
    lmi.save(path.join(tmp, MODEL_DIR));
    const ids = lmindexerZeroShotIds(tmp, corpus, split);
    checkPlacement(ids, docs.map((d) => d.id), split.heldOut);
    assert.deepEqual(ids.ids.slice(0, 36), result.ids);
    assert.deepEqual(split.heldOut.map((i) => ids.ids[i].slice(0, 2)), lmi.index(docs.slice(36).map((d) => d.text)));
  } finally {
    lmi.dispose();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

const noData = dataDir() ? false : 'no data directory';

test('zeroShotPlan on Beauty: no held-out item is trained on; zero-shot cases are exactly the held-out test targets', { skip: noData }, () => {
  const cfg = makeConfig({ data: { corpus: 'beauty', maxDocs: 0 } });
  const task = productSearchTask(cfg, 'beauty', 0);
  const split = zeroShotSplit(task.corpus.docs.length, 0.1, cfg.seed);
  const held = new Set(split.heldOut);
  const plan = zeroShotPlan(task, split, { trainUsers: 300, maxCases: 1e9, seenCases: 50, indexAllItems: false });
  assert.ok(plan.indexing.length > 0 && plan.train.length > 0);
  assert.ok(plan.indexing.every((i) => !held.has(i)) && plan.train.every((i) => !held.has(i)));
  assert.ok(plan.droppedTrain > 0, 'some training purchases had a held-out target');
  assert.equal(plan.zeroShot.length, plan.zeroShotTotal);
  assert.equal(plan.zeroShotTotal, task.cases.filter((c) => held.has(c.target)).length);
  assert.ok(plan.zeroShotTotal > 1000, `${plan.zeroShotTotal} zero-shot cases over all users`);
  assert.ok(plan.seenTargets.every((c) => !held.has(c.target)));
});

test('table14 smoke with an LMIndexer fitted on the seen items: paper rows beside ours, recall in [0, 1], no leaked tensors', { skip: noData }, async () => {
  assert.equal(table14.id, 'table14');
  assert.equal(table14.version, 2);
  const before = tf.memory().numTensors;
  const cacheRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'lmi-t14-cache-'));
  let r: Awaited<ReturnType<typeof runTable14>>;
  try {
    r = await runTable14(makeConfig(), { smoke: true, fitLmIndexer: true, cacheRoot });
    const [dir] = fs.readdirSync(cacheRoot).filter((d) => !d.startsWith('.'));
    assert.match(dir, /^lmindexer-beauty-seen-/, 'the fit is cached under the seen-items corpus');
    assert.equal(loadIdIndex(path.join(cacheRoot, dir)).manifest.corpus.numDocs, 10891);
  } finally {
    fs.rmSync(cacheRoot, { recursive: true, force: true });
  }
  assert.equal(tf.memory().numTensors, before);
  const t = r.tables.find((x) => x.id === 'table14')!;
  assert.deepEqual(t.columns, ['model', 'paper R@50', 'paper R@100', 'ours R@50', 'ours R@100']);
  assert.deepEqual(t.rows.slice(0, 3), [['paper: rq-VAE indexer', 0, 0.0105, null, null], ['paper: HC indexer', 0, 0.007, null, null], ['paper: LMIndexer', 0.0455, 0.0524, null, null]]);
  const ours = t.rows.slice(3);
  assert.equal(ours.length, 3);
  assert.match(String(ours[0][0]), /^ours: rq-VAE indexer/);
  assert.match(String(ours[1][0]), /^ours: HC indexer/);
  assert.match(String(ours[2][0]), /^ours: LMIndexer — LMIndexer \(seen items, Table 1 settings\), 32×32 codes/);
  assert.match(t.notes!.join(' '), /LMIndexer: IDs from .* \(fitted on 10891 items, none held out\)/);
  for (const row of ours) for (const v of row.slice(3)) assert.ok(typeof v === 'number' && v >= 0 && v <= 1, `${row[0]}: ${v}`);
  assert.ok(Number(ours[0][4]) >= Number(ours[0][3]) && Number(ours[1][4]) >= Number(ours[1][3]), 'R@100 ≥ R@50');
  assert.match(t.notes!.join(' '), /1210 held out/);
  const ctx = r.tables.find((x) => x.id === 'table14-context')!;
  assert.equal(ctx.rows.length, 6);
  for (const row of ctx.rows) for (const v of row.slice(3)) assert.ok(typeof v === 'number' && v >= 0 && v <= 1, `${row.join(' ')}`);
  for (const row of ctx.rows) assert.ok(Number(row[5]) >= Number(row[4]), 'a retrieved target implies its prefix was in the beam');
  assert.ok(r.meta.seconds > 0);
});
