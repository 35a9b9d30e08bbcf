/**
 * Parallel inference (issue 14): documents/s of LMIndexer corpus indexing (`indexParallel`) and queries/s of the
 * constrained beam search (`generateIdsParallel`, beam 20) with 1 and 2 threads, on the identical model and inputs.
 * Outputs of 1 and 2 threads are checked equal. The 2-thread times include starting the worker and rebuilding the
 * model in it (what a caller pays).
 *
 *   npx tsx bench/parallel-inference.ts [--docs 3000] [--queries 512] [--threads 1,2] [--reps 2]
 *
 * The indexer is the small preset's (d = 128) fitted for one epoch per stage on the embedded synthetic corpus (its
 * weights do not change the cost); the search model is the small T5 with ID tokens and random weights over a trie of
 * those documents' IDs. Writes bench/results/parallel-inference.json (best of `--reps`, load average before/after).
 */
import * as os from 'node:os';
import { describeBackend, initBackend } from '../src/backend';
import { preset } from '../src/config';
import { loadCorpus } from '../src/data/loaders';
import { IdVocab, withIdTokens } from '../src/generative/id-tokens';
import { generateIdsParallel } from '../src/generative/search-mapper';
import { IdTrie } from '../src/generative/trie';
import { LMIndexer } from '../src/indexer/lmindexer';
import { T5 } from '../src/model/t5';
import { Rng } from '../src/rng';
import { arg } from './t5-step-setup';
import { runBench, writeBenchJson } from './bench-io';

async function best<T>(reps: number, f: () => Promise<T>): Promise<{ seconds: number; out: T }> {
  let seconds = Infinity;
  let out!: T;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    out = await f();
    seconds = Math.min(seconds, (performance.now() - t0) / 1000);
  }
  return { seconds, out };
}

async function main(): Promise<void> {
  const docs = Number(arg('docs', '3000'));
  const queries = Number(arg('queries', '512'));
  const reps = Number(arg('reps', '2'));
  const threads = arg('threads', '1,2').split(',').map(Number);
  const info = await initBackend({ quiet: true });
  const loadBefore = os.loadavg();
  const cfg = preset('small');
  cfg.data = { ...cfg.data, corpus: 'synthetic', synthetic: { ...cfg.data.synthetic, numDocs: docs } };
  const texts = loadCorpus(cfg.data, new Rng(cfg.seed)).docs.map((d) => d.text);
  process.stderr.write(`[parallel-inference] fitting the small LMIndexer on ${texts.length} synthetic docs (1 epoch per stage) …\n`);
  const lmi = new LMIndexer(cfg, { reconWarmupEpochs: 1, encoderWarmupEpochs: 1, jointEpochs: 1, diagnosticsEvery: 0 });
  await lmi.fit(texts.slice(0, Math.min(texts.length, 1000)));
  const indexing = [];
  let ref: number[][] | undefined;
  for (const n of threads) {
    const { seconds, out } = await best(reps, () => lmi.indexParallel(texts, { workers: n, minPerWorker: 1 }));
    ref ??= out;
    if (JSON.stringify(out) !== JSON.stringify(ref)) throw new Error(`indexing with ${n} threads differs from ${threads[0]}`);
    indexing.push({ threads: n, seconds, docs_per_s: texts.length / seconds });
    process.stderr.write(`[parallel-inference] indexing ${texts.length} docs, ${n} thread(s): ${seconds.toFixed(2)} s\n`);
  }
  // Worker start-up: 2 threads on 64 docs in 32-doc chunks (start + rebuild + one chunk) minus one thread on 32 docs.
  const small = texts.slice(0, 64);
  const solo32 = (await best(reps, async () => lmi.index(small.slice(0, 32)))).seconds;
  const pair64 = (await best(reps, () => lmi.indexParallel(small, { workers: 2, minPerWorker: 1, chunk: 32 }))).seconds;
  const workerStart = { seconds_2threads_64docs: pair64, seconds_1thread_32docs: solo32, start_seconds: pair64 - solo32 };
  process.stderr.write(`[parallel-inference] worker start + indexer rebuild ≈ ${workerStart.start_seconds.toFixed(2)} s\n`);
  const ids = ref!.map((id, i) => [...id, i % 64]);
  lmi.dispose();
  const vocabSize = 8000;
  // One codebook per indexer position plus a 64-way last position (spreads the trie like a collision position).
  const vocab = new IdVocab(vocabSize, [...ref![0].map(() => cfg.indexer.codebookSize), 64]);
  const base = T5.create({ ...cfg.model, vocabSize }, { seed: 0 });
  const model = withIdTokens(base, vocab, { seed: 1 });
  base.dispose(); // withIdTokens copies it; the caller owns both
  const trie = IdTrie.from(ids, { codebookSize: vocab.maxCodebookSize });
  const rng = new Rng(7);
  const qs = Array.from({ length: queries }, () => Array.from({ length: 32 }, () => 4 + rng.int(vocabSize - 4)));
  const search = [];
  let refHits: string | undefined;
  for (const n of threads) {
    const { seconds, out } = await best(reps, () => generateIdsParallel(model, vocab, qs, trie, { padId: 0, eosId: 1 }, { beamSize: 20, queryBatch: 32, workers: n, minPerWorker: 1 }));
    const key = JSON.stringify(out.map((h) => h.map((x) => x.id)));
    refHits ??= key;
    if (key !== refHits) throw new Error(`beam search with ${n} threads differs from ${threads[0]}`);
    search.push({ threads: n, seconds, queries_per_s: queries / seconds, ms_per_query: (1000 * seconds) / queries });
    process.stderr.write(`[parallel-inference] beam 20 over ${queries} queries, ${n} thread(s): ${seconds.toFixed(2)} s\n`);
  }
  model.dispose();
  const speedup = (rows: { threads: number; seconds: number }[]): Record<string, number> =>
    Object.fromEntries(rows.map((r) => [String(r.threads), rows[0].seconds / r.seconds]));
  const out = {
    meta: { backend: describeBackend(info), cores: os.cpus().length, docs: texts.length, queries, reps, loadBefore, loadAfter: os.loadavg(), date: new Date().toISOString() },
    indexing, workerStart, search, ratios: { indexing_speedup: speedup(indexing), search_speedup: speedup(search) },
  };
  writeBenchJson('parallel-inference', out);
  console.log(JSON.stringify(out.ratios));
}

runBench(module, main);
