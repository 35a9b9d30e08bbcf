/**
 * Table 5, document retrieval with semantic IDs on SciFact (the NQ320k / MS MARCO substitute available offline):
 * claims → abstract IDs. Fine-tuning (Eq. 14) mixes three example kinds, all mapped to the document's ID:
 * the indexing task (abstract text → ID), pseudo-queries (sampled sentences of the abstract — the paper used
 * docT5query, which cannot be had here) and the 809 SciFact train claims (→ each relevant abstract). Test: the 300
 * test claims, constrained beam search (beam 20) over the trie of all abstract IDs; Recall@1/10, NDCG@10, MRR@10.
 * BM25, Dual Encoder and SEAL (src/baselines/retrieval, small step budgets here) on the same split are the reference rows.
 * `moreIds` adds a generative row per further ID source (rq-VAE; LMIndexer from `table5LmIndexerIndex`: issue 7),
 * each fine-tuned from the same initial model on the same examples; every generative row has the paper's values of
 * its indexer beside it.
 */
import { describeBackend, initBackend } from '../backend';
import { Bm25Index } from '../baselines/retrieval/bm25';
import type { DualEncoderConfig } from '../baselines/retrieval/dual-encoder';
import { evaluateRetrievalBaselines, SMOKE_DUAL_ENCODER, SMOKE_SEAL, TABLE_ROW_DUAL_ENCODER, TABLE_ROW_SEAL } from '../baselines/retrieval/evaluate';
import type { SealConfig } from '../baselines/retrieval/seal';
import { configHash, type LmiConfig } from '../config';
import { dataDir } from '../data/paths';
import { loadCorpus, loadQueries } from '../data/loaders';
import type { Corpus, QuerySet } from '../data/types';
import { evaluateRanking } from '../eval/ranking';
import { type IdExample, rankedDocs } from '../generative/finetune';
import { Rng } from '../rng';
import {
  DEFAULT_GENERATIVE_SETTINGS, finalLoss, type GenerativeInit, type GenerativeSettings, resolveIds, type IdSource, type IdSourceLike,
  initialModel, pseudoQueries, searchAll, SMOKE_GENERATIVE_SETTINGS, trainGenerative,
} from './generative-common';
import { cachedLmIndexer, type CachedIndex } from './indexer-cache';
import type { Experiment, RunOptions } from './registry';
import { SMOKE_TABLE1_LMINDEXER, TABLE1_LMINDEXER, table1LmIndexerConfig } from './table1';
import { idSourcesKey, paperIndexerRow } from './id-source';
import type { Cell, ExperimentResult } from './types';

/** Paper Table 5: NQ320k R@1, R@10; TREC-DL 1M R@10, NDCG@10; MACRO 1M MRR@10. */
export const PAPER_TABLE5: Record<string, [number | null, number | null, number | null, number | null, number | null]> = {
  bm25: [0.297, 0.603, 0.2756, 0.2995, 0.3144],
  'Dual Encoder': [0.536, 0.83, 0.3612, 0.3941, 0.5561],
  SEAL: [0.599, 0.812, null, null, null],
  'rq-VAE indexer': [0.648, 0.8322, 0.4199, 0.4579, 0.5159],
  'HC indexer': [0.6439, 0.8213, 0.4265, 0.4571, 0.5126],
  LMIndexer: [0.6631, 0.8589, 0.4519, 0.4695, 0.5485],
};

/** Options of {@link runTable5}. */
export interface Table5Options extends RunOptions {
  settings?: Partial<GenerativeSettings>;
  /** IDs to fine-tune on (corpus order of `cfg.data` with corpus = scifact); default HC on TF-IDF. */
  ids?: IdSourceLike;
  /** Initial model + tokenizer; default corpus span-corruption pretraining. Not disposed here. */
  init?: GenerativeInit;
  /** Sampled sentences per abstract used as pseudo-queries. Default 2. */
  pseudoQueriesPerDoc?: number;
  /** Sizes of the Dual Encoder / SEAL rows (default TABLE_ROW_* of src/baselines/retrieval/evaluate.ts), or false to skip them. */
  baselines?: false | { dualEncoder?: Partial<DualEncoderConfig>; seal?: Partial<SealConfig> };
  /** More generative rows: each ID source fine-tuned from the same initial model on the same examples (e.g. rq-VAE, LMIndexer). */
  moreIds?: IdSourceLike[];
}

/** What one generative row of Table 5 measured, typed (absent without a data folder). */
export interface Table5Metrics {
  'recall@1': number;
  'recall@10': number;
  'ndcg@10': number;
  'mrr@10': number;
  /** The semantic IDs used (corpus order), with their codebook sizes. */
  ids: IdSource;
  testCases: number;
  seconds: { pretrain: number; finetune: number; search: number };
}

/** {@link runTable5}'s result plus the generative rows' metrics. */
export interface Table5Run {
  result: ExperimentResult;
  /** The main row (`opts.ids`, default HC). */
  metrics?: Table5Metrics;
  /** One per `opts.moreIds` source, in order. */
  more?: Table5Metrics[];
}

/** The config Table 5 runs under: corpus SciFact, all abstracts (`cfg.data.maxDocs`) or 300 in smoke runs. */
export function table5Config(base: LmiConfig, smoke = false): LmiConfig {
  const cfg = structuredClone(base);
  cfg.data.corpus = 'scifact';
  cfg.data.maxDocs = smoke ? 300 : cfg.data.maxDocs;
  return cfg;
}

/**
 * The LMIndexer index for Table 5's LMIndexer row (pass `idsFromIndex(result.dir)` in `moreIds`): Table 1's
 * LMIndexer settings (smoke: its smoke settings) on the SciFact abstracts Table 5 loads (same subsample), abstracts
 * cut at Table 1's Scientific length (`maxLengthScientific` tokens); loaded from the cache (`indexer-cache.ts`) or
 * fitted and cached on a miss (`opts.fresh`: fitted again).
 */
export async function table5LmIndexerIndex(base: LmiConfig, opts: RunOptions = {}): Promise<CachedIndex> {
  const cfg = table5Config(base, opts.smoke);
  const { corpus } = scifactTask(cfg);
  const s = opts.smoke ? SMOKE_TABLE1_LMINDEXER : TABLE1_LMINDEXER;
  const lmiCfg = table1LmIndexerConfig(cfg, 'scientific', s);
  lmiCfg.data = structuredClone(cfg.data); // SciFact, not Scientific: only the sizes are Table 1's
  return cachedLmIndexer(lmiCfg, corpus, { cacheRoot: opts.cacheRoot, fresh: opts.fresh, overrides: s.overrides });
}

/** Keep only judgements on documents of the corpus; drop queries left with none. */
function restrict(q: QuerySet, docs: Set<string>): QuerySet {
  const qrels = new Map<string, Set<string>>();
  for (const [id, rel] of q.qrels) {
    const r = new Set([...rel].filter((d) => docs.has(d)));
    if (r.size) qrels.set(id, r);
  }
  return { ...q, queries: q.queries.filter((x) => qrels.has(x.id)), qrels };
}

const METRICS = ['recall@1', 'recall@10', 'ndcg@10', 'mrr@10'] as const;

/** The SciFact task of `cfg.data` (corpus = scifact, possibly subsampled): corpus, train and test claims restricted to it. */
export function scifactTask(cfg: LmiConfig): { corpus: Corpus; train: QuerySet; test: QuerySet } {
  const corpus = loadCorpus(cfg.data, new Rng(cfg.seed).fork());
  const docSet = new Set(corpus.docs.map((d) => d.id));
  return { corpus, train: restrict(loadQueries('train'), docSet), test: restrict(loadQueries('test'), docSet) };
}

export async function runTable5(base: LmiConfig, opts: Table5Options = {}): Promise<ExperimentResult> {
  return (await runTable5Metrics(base, opts)).result;
}

/** Table 5, returning the generative rows' metrics beside the tables. */
export async function runTable5Metrics(base: LmiConfig, opts: Table5Options = {}): Promise<Table5Run> {
  const t0 = Date.now();
  const info = await initBackend();
  const cfg = table5Config(base, opts.smoke);
  const moreIds = opts.moreIds ?? [];
  const settings: GenerativeSettings = { ...(opts.smoke ? SMOKE_GENERATIVE_SETTINGS : DEFAULT_GENERATIVE_SETTINGS), ...opts.settings };
  const perDoc = opts.pseudoQueriesPerDoc ?? 2;
  const meta = (data: string, seconds: number): ExperimentResult['meta'] => ({
    id: 'table5', data, configHash: configHash({ cfg, settings, perDoc, baselines: opts.baselines ?? 'default', moreIds: idSourcesKey(moreIds) }), config: { ...cfg, generative: settings, pseudoQueriesPerDoc: perDoc },
    seed: cfg.seed, backend: describeBackend(info), seconds, paper: 'Table 5 (NQ320k R@1/R@10, TREC-DL 1M R@10/NDCG@10, MACRO 1M MRR@10): HC .6439/.8213/.4265/.4571/.5126, rq-VAE .6480/.8322/.4199/.4579/.5159, LMIndexer .6631/.8589/.4519/.4695/.5485, bm25 .2970/.6030/.2756/.2995/.3144.',
  });
  if (!dataDir()) {
    return { result: { tables: [{ id: 'table5', title: 'Table 5: no data directory', columns: ['note'], rows: [['LMI_DATA_DIR not set and ../shared/data absent: this table needs SciFact.']] }], figures: [], meta: meta('none', 0) } };
  }

  const { corpus, train, test } = scifactTask(cfg);
  const ids = resolveIds(cfg, corpus, opts.ids);
  const pre0 = Date.now();
  const init = opts.init ?? (await initialModel(cfg, corpus, settings));
  const preSeconds = opts.init ? 0 : (Date.now() - pre0) / 1000;
  const tok = init.tokenizer;
  const enc = (s: string): number[] => tok.encode(s).slice(0, settings.maxInputLength);

  const rng = new Rng(cfg.seed + 5);
  const docIndex = new Map(corpus.docs.map((d, i) => [d.id, i]));
  const examples: IdExample[] = [];
  const pairs: { query: string; doc: number }[] = []; // the same training signal as text → document, for the baselines
  let nPseudo = 0;
  corpus.docs.forEach((d, i) => {
    examples.push({ input: enc(d.text), id: ids.ids[i] });
    for (const p of pseudoQueries(d.text, perDoc, rng)) {
      examples.push({ input: enc(p), id: ids.ids[i] });
      pairs.push({ query: p, doc: i });
      nPseudo++;
    }
  });
  let nTrain = 0;
  for (const q of train.queries) {
    for (const d of train.qrels.get(q.id)!) {
      examples.push({ input: enc(q.text), id: ids.ids[docIndex.get(d)!] });
      pairs.push({ query: q.text, doc: docIndex.get(d)! });
      nTrain++;
    }
  }

  const g = await trainGenerative(init, ids, examples, settings, cfg.seed);
  // Dual Encoder and SEAL rows: same pairs, test claims and metrics, started from the same initial model.
  const extra = opts.baselines === false ? [] : await evaluateRetrievalBaselines(
    { docs: corpus.docs, train: pairs, test: test.queries.map((q) => ({ id: q.id, query: q.text })), qrels: test.qrels },
    {
      names: ['dual-encoder', 'seal'], ks: [1, 10], model: init.model, tokenizer: tok, seed: cfg.seed,
      dualEncoder: { ...(opts.smoke ? SMOKE_DUAL_ENCODER : TABLE_ROW_DUAL_ENCODER), ...opts.baselines?.dualEncoder },
      seal: { ...(opts.smoke ? SMOKE_SEAL : TABLE_ROW_SEAL), ...opts.baselines?.seal },
    },
  );
  const search = await searchAll(g, test.queries.map((q) => enc(q.text)), settings);
  g.model.dispose();
  const run = new Map(test.queries.map((q, i) => [q.id, rankedDocs(search.hits[i], g.byId).map((j) => corpus.docs[j].id)]));
  const ours = evaluateRanking(run, test.qrels, [1, 10]);
  const metrics: Table5Metrics = {
    'recall@1': ours['recall@1'], 'recall@10': ours['recall@10'], 'ndcg@10': ours['ndcg@10'], 'mrr@10': ours['mrr@10'], ids, testCases: test.queries.length,
    seconds: { pretrain: preSeconds, finetune: g.seconds, search: search.seconds },
  };
  // More ID sources: the same run from the same initial model (no pretraining, no Dual Encoder / SEAL again).
  const more: Table5Metrics[] = [];
  try {
    for (const src of moreIds) {
      const r = await runTable5Metrics(base, { ...opts, ids: src, init, baselines: false, moreIds: [] });
      if (r.metrics) more.push(r.metrics);
    }
  } finally {
    if (!opts.init) init.model.dispose();
  }

  const b0 = Date.now();
  const bm25 = new Bm25Index(corpus.docs);
  const bmRun = new Map(test.queries.map((q) => [q.id, bm25.search(q.text, 10).map((h) => h.id)]));
  const bm = evaluateRanking(bmRun, test.qrels, [1, 10]);
  const bmSeconds = (Date.now() - b0) / 1000;

  const n = (x: number | null): Cell => x;
  const rows: Cell[][] = Object.entries(PAPER_TABLE5).map(([name, v]) => [`paper: ${name}`, ...v.map(n), null, null, null, null]);
  rows.push(['ours: BM25 (k1 .9, b .4)', null, null, null, null, null, ...METRICS.map((m) => bm[m])]);
  for (const r of extra) rows.push([`ours: ${r.label}`, null, null, null, null, null, ...METRICS.map((m) => r.metrics[m])]);
  // Each generative row carries the paper's values of the same indexer (if it is one of the paper's three).
  for (const m of [metrics, ...more]) {
    const p = paperIndexerRow(m.ids);
    rows.push([`ours: generative, ${m.ids.name}`, ...(p ? PAPER_TABLE5[p].map(n) : [null, null, null, null, null]), ...METRICS.map((k) => m[k])]);
  }
  const data = `SciFact BEIR (${corpus.docs.length} abstracts; ${train.queries.length} train claims; ${test.queries.length} test claims) — ${corpus.source}`;
  const ft = g.finetune;
  const result: ExperimentResult = {
    tables: [
      {
        id: 'table5',
        title: 'Table 5: document retrieval — paper (NQ320k / TREC-DL 1M / MACRO 1M) beside ours (SciFact test claims)',
        columns: ['model', 'paper NQ320k R@1', 'paper NQ320k R@10', 'paper TREC-DL 1M R@10', 'paper TREC-DL 1M NDCG@10', 'paper MACRO 1M MRR@10', 'ours SciFact R@1', 'ours SciFact R@10', 'ours SciFact NDCG@10', 'ours SciFact MRR@10'],
        rows,
        notes: [
          `Data: ${data}. NQ320k / MS MARCO cannot be had offline; SciFact is the substitute, so paper and ours are different data sets.`,
          `Training examples (${examples.length}): indexing ${corpus.docs.length} (abstract → ID), pseudo-queries ${nPseudo} (${perDoc} sampled sentences per abstract — the paper used docT5query with 15/20 queries per document; no such model exists here), train claims ${nTrain} (claim → each relevant abstract).`,
          `Model: ${init.name}, ID tokens appended to its vocabulary; fine-tuned ${settings.epochs} epochs (${ft.steps} steps, batch ${settings.batchSize}, lr ${settings.learningRate}, linear decay), final loss ${finalLoss(ft).toFixed(3)}; constrained beam search, beam ${settings.beamSize}, over the ${g.trie.size} abstract IDs (paper: T5-base, 250k steps, batch 256).`,
          `Time on this machine (${describeBackend(info)}): pretraining ${preSeconds.toFixed(0)} s, fine-tuning ${g.seconds.toFixed(0)} s, search ${search.seconds.toFixed(1)} s (${(1000 * search.seconds / Math.max(1, test.queries.length)).toFixed(0)} ms/query), BM25 ${bmSeconds.toFixed(1)} s${extra.map((r) => `, ${r.name} ${r.trainSeconds.toFixed(0)} s training + ${r.searchSeconds.toFixed(0)} s search`).join('')}.`,
          ...extra.map((r) => `${r.note} Started from the same initial model as the generative row.`),
          ...more.map((m) => `${m.ids.name}: fine-tuned from the same initial model on the same examples (its own IDs as targets), ${m.seconds.finetune.toFixed(0)} s fine-tuning, ${m.seconds.search.toFixed(1)} s search.`),
          'Paper columns of the "ours: generative" rows: the paper\'s row of the same indexer (HC / rq-VAE / LMIndexer), on other data sets.',
        ],
      },
    ],
    figures: [],
    meta: meta(data, (Date.now() - t0) / 1000),
  };
  return { result, metrics, more };
}

export const table5: Experiment = {
  id: 'table5',
  title: 'Table 5: document retrieval with semantic IDs (SciFact), BM25 / Dual Encoder / SEAL beside, paper values beside',
  version: 3,
  run: runTable5,
};
