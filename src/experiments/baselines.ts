/**
 * The classic baselines of Tables 2, 3 and 5 on one data set, paper beside ours — what `lmindexer baselines` runs.
 * - rec (Table 2; beauty, sports, toys, scientific): MostPop, Markov, ItemKNN, GRU4Rec, BERT4Rec, HGN, FDSA on the
 *   leave-one-out protocol of `src/baselines/seqrec/protocol.ts` (full ranking, pessimistic ties); neural models fit
 *   on the validation split's training sequences with early stopping on validation NDCG@10 and a time budget.
 * - search (Table 3; beauty, sports, toys, scientific): BM25, Dual Encoder, SEAL on the product-search task of
 *   `table3.ts` (category-path queries), NDCG@5 / MAP@5.
 * - retrieval (Table 5; scifact): BM25, Dual Encoder, SEAL on the SciFact task of `table5.ts` (train claims +
 *   sampled-sentence pseudo-queries for training), Recall@1/10, NDCG@10, MRR@10.
 * Dual Encoder and SEAL start from the corpus-pretrained T5 the generative rows start from (`initialModel`).
 */
import { describeBackend, initBackend } from '../backend';
import { evaluateRetrievalBaselines, RETRIEVAL_BASELINES, SMOKE_DUAL_ENCODER, SMOKE_SEAL, TABLE_ROW_DUAL_ENCODER, TABLE_ROW_SEAL, type RetrievalBaselineName, type RetrievalTaskData } from '../baselines/retrieval/evaluate';
import type { DualEncoderConfig } from '../baselines/retrieval/dual-encoder';
import type { SealConfig } from '../baselines/retrieval/seal';
import { BERT4Rec } from '../baselines/seqrec/bert4rec';
import { FDSA } from '../baselines/seqrec/fdsa';
import { loadItemFeatures } from '../baselines/seqrec/features';
import { GRU4Rec } from '../baselines/seqrec/gru4rec';
import { HGN } from '../baselines/seqrec/hgn';
import { ItemKNN } from '../baselines/seqrec/itemknn';
import { Markov } from '../baselines/seqrec/markov';
import { MostPop } from '../baselines/seqrec/mostpop';
import { evaluateSeqRec, seqRecData, type SeqRecommender } from '../baselines/seqrec/protocol';
import type { NeuralSeqRec, NeuralTrainOptions } from '../baselines/seqrec/train-loop';
import { configHash, type LmiConfig } from '../config';
import { dataDir } from '../data/paths';
import type { Corpus } from '../data/types';
import { loadInteractions } from '../data/loaders';
import { LmiError } from '../errors';
import { Progress } from '../progress';
import { Rng } from '../rng';
import { DEFAULT_GENERATIVE_SETTINGS, type GenerativeInit, initialModel, pseudoQueries } from './generative-common';
import type { RunOptions } from './registry';
import { categoryQuery, PAPER_TABLE3_BEAUTY, productSearchTask } from './table3';
import { PAPER_TABLE5, scifactTask } from './table5';
import type { Cell, ExperimentResult } from './types';

export type BaselineTask = 'rec' | 'search' | 'retrieval';
export const BASELINE_TASKS: readonly BaselineTask[] = ['rec', 'search', 'retrieval'];
export type BaselineDataset = 'beauty' | 'sports' | 'toys' | 'scientific' | 'scifact';
export const REC_BASELINES = ['mostpop', 'markov', 'itemknn', 'gru4rec', 'bert4rec', 'hgn', 'fdsa'] as const;

/** Data sets each task accepts. */
export const TASK_DATASETS: Record<BaselineTask, readonly BaselineDataset[]> = {
  rec: ['beauty', 'sports', 'toys', 'scientific'],
  search: ['beauty', 'sports', 'toys', 'scientific'],
  retrieval: ['scifact'],
};

/** Baselines each task runs (in this order; `only` selects a subset). */
export const TASK_BASELINES: Record<BaselineTask, readonly string[]> = {
  rec: REC_BASELINES, search: RETRIEVAL_BASELINES, retrieval: RETRIEVAL_BASELINES,
};

/** Paper Table 2 (Recall@5, NDCG@5) per Amazon set. */
export const PAPER_TABLE2: Record<string, Record<'beauty' | 'sports' | 'toys', [number, number]>> = {
  HGN: { beauty: [0.0325, 0.0206], sports: [0.0189, 0.012], toys: [0.0321, 0.0221] },
  GRU4Rec: { beauty: [0.0164, 0.0099], sports: [0.0129, 0.0086], toys: [0.0097, 0.0059] },
  BERT4Rec: { beauty: [0.0203, 0.0124], sports: [0.0115, 0.0075], toys: [0.0116, 0.0071] },
  FDSA: { beauty: [0.0267, 0.0163], sports: [0.0182, 0.0122], toys: [0.0228, 0.014] },
};

/** Paper Table 3 (NDCG@5, MAP@5) baseline rows per Amazon set. */
export const PAPER_TABLE3: Record<'beauty' | 'sports' | 'toys', Record<string, [number, number]>> = {
  beauty: { bm25: PAPER_TABLE3_BEAUTY.bm25, 'Dual Encoder': PAPER_TABLE3_BEAUTY['Dual Encoder'], SEAL: PAPER_TABLE3_BEAUTY.SEAL },
  sports: { bm25: [0.1898, 0.1581], 'Dual Encoder': [0.2556, 0.2223], SEAL: [0.2011, 0.1739] },
  toys: { bm25: [0.2085, 0.176], 'Dual Encoder': [0.2805, 0.242], SEAL: [0.1035, 0.0843] },
};

/** Paper row name of each baseline. */
const PAPER_NAME: Record<string, string> = {
  bm25: 'bm25', 'dual-encoder': 'Dual Encoder', seal: 'SEAL', gru4rec: 'GRU4Rec', bert4rec: 'BERT4Rec', hgn: 'HGN', fdsa: 'FDSA',
};

export interface BaselinesOptions extends RunOptions {
  task: BaselineTask;
  dataset: BaselineDataset;
  /** Baselines to run (default: all of the task's). */
  only?: readonly string[];
  /** search: users (first in file order; default 2000, smoke 150). rec: test users scored (0 = all; smoke 500). */
  maxUsers?: number;
  /** Span-corruption epochs of the starting T5 (default as the generative tables; smoke 0 = random init). */
  pretrainEpochs?: number;
  /** Starting model + tokenizer instead of pretraining one (not disposed here). */
  init?: GenerativeInit;
  dualEncoder?: Partial<DualEncoderConfig>;
  seal?: Partial<SealConfig>;
  /** retrieval: sampled sentences per abstract used as pseudo-queries (as Table 5; default 2). */
  pseudoQueriesPerDoc?: number;
  /** Dual Encoder / SEAL at the sizes of their rows in Tables 3 and 5 (`make figures`) instead of the defaults. */
  tableSizes?: boolean;
  /** rec: training-time budget per neural model in seconds (default 300, smoke 5). */
  budgetSeconds?: number;
  /** Progress bars on stderr. */
  progress?: boolean;
}


function checkArgs(opts: BaselinesOptions): string[] {
  if (!BASELINE_TASKS.includes(opts.task)) throw new LmiError(`baselines: --task must be one of ${BASELINE_TASKS.join(', ')}, got "${opts.task}"`);
  const sets = TASK_DATASETS[opts.task];
  if (!sets.includes(opts.dataset)) throw new LmiError(`baselines: --dataset for task "${opts.task}" must be one of ${sets.join(', ')}, got "${opts.dataset}"`);
  const all = TASK_BASELINES[opts.task];
  const names = opts.only && opts.only.length ? [...opts.only] : [...all];
  for (const n of names) if (!all.includes(n)) throw new LmiError(`baselines: --only: "${n}" is not a ${opts.task} baseline; use some of ${all.join(', ')}`);
  return all.filter((n) => names.includes(n));
}

/** Run the selected baselines of `opts.task` on `opts.dataset`; one table, paper | ours | time. */
export async function runBaselines(base: LmiConfig, opts: BaselinesOptions): Promise<ExperimentResult> {
  const names = checkArgs(opts);
  const t0 = Date.now();
  const info = await initBackend();
  const cfg = structuredClone(base);
  cfg.data.corpus = opts.dataset;
  cfg.data.maxDocs = opts.task === 'retrieval' && opts.smoke ? 300 : 0;
  const id = `baselines-${opts.task}-${opts.dataset}`;
  const meta = (data: string, extra: unknown): ExperimentResult['meta'] => ({
    id, data, configHash: configHash({ cfg, opts: { ...opts, init: opts.init?.name } }), config: { ...cfg, baselines: extra },
    seed: cfg.seed, backend: describeBackend(info), seconds: (Date.now() - t0) / 1000,
    paper: opts.task === 'rec' ? 'Table 2' : opts.task === 'search' ? 'Table 3' : 'Table 5',
  });
  if (!dataDir()) {
    return { tables: [{ id, title: `Baselines (${opts.task}, ${opts.dataset}): no data directory`, columns: ['note'], rows: [['LMI_DATA_DIR not set and ../shared/data absent: the baselines need the real data sets.']] }], figures: [], meta: meta('none', {}) };
  }
  if (opts.task === 'rec') return runRec(cfg, opts, names, id, meta);
  return runRetrieval(cfg, opts, names as RetrievalBaselineName[], id, meta, info);
}

type MetaFn = (data: string, extra: unknown) => ExperimentResult['meta'];

async function runRec(cfg: LmiConfig, opts: BaselinesOptions, names: string[], id: string, meta: MetaFn): Promise<ExperimentResult> {
  const set = opts.dataset as 'beauty' | 'sports' | 'toys' | 'scientific';
  const inter = loadInteractions(set);
  const maxUsers = opts.maxUsers ?? (opts.smoke ? 500 : 0);
  const test = seqRecData(inter, 'test', { maxUsers });
  const val = seqRecData(inter, 'validation', { maxUsers: 2000 });
  const budget = opts.budgetSeconds ?? (opts.smoke ? 5 : 300);
  const conv = [{ candidates: 'all' as const, ties: 'pessimistic' as const }];
  const train: Partial<NeuralTrainOptions> = { timeBudgetSeconds: budget, validation: val.cases, seed: cfg.seed, ...(opts.smoke ? { epochs: 1, validationUsers: 200 } : {}) };
  const neural: Record<string, () => NeuralSeqRec<unknown>> = {
    gru4rec: () => new GRU4Rec({}, { ...train, learningRate: 3e-3, batchSize: 128 }) as NeuralSeqRec<unknown>,
    bert4rec: () => new BERT4Rec({ maskProb: 0.3 }, { ...train, learningRate: 2e-3, ...(opts.smoke ? {} : { epochs: 200, patience: 100 }) }) as NeuralSeqRec<unknown>,
    hgn: () => new HGN({}, { ...train, learningRate: 1e-3, batchSize: 1024 }) as NeuralSeqRec<unknown>,
    fdsa: () => new FDSA(loadItemFeatures(set as 'beauty' | 'sports' | 'toys', test.items), {}, { ...train, learningRate: 2e-3, batchSize: 128 }) as NeuralSeqRec<unknown>,
  };
  const simple: Record<string, () => SeqRecommender> = { mostpop: () => new MostPop(), markov: () => new Markov(), itemknn: () => new ItemKNN() };
  const rows: Cell[][] = [];
  const notes: string[] = [];
  const bar = opts.progress ? new Progress({ label: 'rec baselines', total: names.length, unit: 'model' }) : undefined;
  for (const name of names) {
    if (name === 'fdsa' && set === 'scientific') {
      notes.push('FDSA skipped: item attribute files exist only for the Amazon 2014 sets (beauty, sports, toys).');
      bar?.tick(1);
      continue;
    }
    const paper = set === 'scientific' ? undefined : PAPER_TABLE2[PAPER_NAME[name] ?? '']?.[set];
    let r;
    let fitSeconds: number;
    if (simple[name]) {
      r = evaluateSeqRec(simple[name](), test, { ks: [5, 10], conventions: conv });
      fitSeconds = r.fitSeconds;
    } else {
      const model = neural[name]();
      const f0 = performance.now();
      model.fit(val.train, test.items.length);
      fitSeconds = (performance.now() - f0) / 1000;
      model.precompute(test.cases.map((c) => c.history));
      const frozen: SeqRecommender = { name: model.name, fit: () => {}, scoreAll: (h) => model.scoreAll(h) };
      r = evaluateSeqRec(frozen, test, { ks: [5, 10], conventions: conv });
      model.dispose();
      notes.push(`${model.name}: ${model.epochs.length} epochs in ${fitSeconds.toFixed(0)} s (budget ${budget} s, early stopping on validation NDCG@10 of ${Math.min(train.validationUsers ?? 2000, val.cases.length)} users).`);
    }
    const m = r.rows[0].metrics;
    rows.push([r.model, paper?.[0] ?? null, paper?.[1] ?? null, m['recall@5'], m['ndcg@5'], m['recall@10'], m['ndcg@10'], fitSeconds, r.evalSeconds]);
    bar?.tick(1, r.model);
  }
  bar?.finish();
  const data = `${inter.name}: ${test.items.length} items, ${test.cases.length} test users${maxUsers ? ` (first ${maxUsers})` : ''} — ${inter.source}`;
  return {
    tables: [{
      id, title: `Table 2 baselines, next-item recommendation (${set}) — paper beside ours (leave-one-out, full ranking, pessimistic ties)`,
      columns: ['model', 'paper Recall@5', 'paper NDCG@5', 'ours Recall@5', 'ours NDCG@5', 'ours Recall@10', 'ours NDCG@10', 'fit s', 'eval s'],
      rows,
      notes: [`Data: ${data}.${set === 'scientific' ? ' The paper has no Scientific column.' : ''}`, ...notes],
    }],
    figures: [],
    meta: meta(data, { task: 'rec', names, maxUsers, budget }),
  };
}

async function runRetrieval(
  cfg: LmiConfig, opts: BaselinesOptions, names: RetrievalBaselineName[], id: string, meta: MetaFn, info: Awaited<ReturnType<typeof initBackend>>,
): Promise<ExperimentResult> {
  const search = opts.task === 'search';
  let task: RetrievalTaskData;
  let data: string;
  let corpus: Corpus;
  if (search) {
    const maxUsers = opts.maxUsers ?? (opts.smoke ? 150 : 2000);
    const t = productSearchTask(cfg, opts.dataset as 'beauty' | 'sports' | 'toys' | 'scientific', maxUsers);
    corpus = t.corpus;
    const q = (i: number): string => categoryQuery(t.corpus.docs[i].labels?.path ?? '');
    task = {
      docs: t.corpus.docs,
      train: t.split.train.map((s) => ({ query: q(t.idx(s.target)), doc: t.idx(s.target) })),
      test: t.cases.map((c) => ({ id: c.user, query: q(c.target) })),
      qrels: t.qrels,
    };
    data = `${t.corpus.name} product search (${t.corpus.docs.length} items; first ${t.inter.sequences.size} users: ${task.train.length} train / ${task.test.length} test purchases; query = the item's category path) — ${t.inter.source}`;
  } else {
    const t = scifactTask(cfg);
    corpus = t.corpus;
    const perDoc = opts.pseudoQueriesPerDoc ?? 2;
    const rng = new Rng(cfg.seed + 5);
    const docIndex = new Map(t.corpus.docs.map((d, i) => [d.id, i]));
    const trainPairs: { query: string; doc: number }[] = [];
    for (const q of t.train.queries) for (const d of t.train.qrels.get(q.id)!) trainPairs.push({ query: q.text, doc: docIndex.get(d)! });
    const nClaims = trainPairs.length;
    t.corpus.docs.forEach((d, i) => {
      for (const p of pseudoQueries(d.text, perDoc, rng)) trainPairs.push({ query: p, doc: i });
    });
    task = { docs: t.corpus.docs, train: trainPairs, test: t.test.queries.map((q) => ({ id: q.id, query: q.text })), qrels: t.test.qrels };
    data = `SciFact BEIR (${t.corpus.docs.length} abstracts; training pairs: ${nClaims} train-claim pairs + ${trainPairs.length - nClaims} pseudo-queries (${perDoc} sampled sentences per abstract); ${task.test.length} test claims) — ${t.corpus.source}`;
  }
  const needsModel = names.some((n) => n !== 'bm25');
  const pre0 = Date.now();
  const pretrainEpochs = opts.pretrainEpochs ?? (opts.smoke ? 0 : DEFAULT_GENERATIVE_SETTINGS.pretrainEpochs);
  const init = needsModel ? (opts.init ?? (await initialModel(cfg, corpus, { ...DEFAULT_GENERATIVE_SETTINGS, pretrainEpochs }))) : undefined;
  const preSeconds = needsModel && !opts.init ? (Date.now() - pre0) / 1000 : 0;
  const ks = search ? [5] : [1, 10];
  let results;
  try {
    results = await evaluateRetrievalBaselines(task, {
      names, ks, model: init?.model, tokenizer: init?.tokenizer, seed: cfg.seed, progress: opts.progress,
      dualEncoder: { ...(opts.smoke ? SMOKE_DUAL_ENCODER : opts.tableSizes ? TABLE_ROW_DUAL_ENCODER : {}), ...opts.dualEncoder },
      seal: { ...(opts.smoke ? SMOKE_SEAL : opts.tableSizes ? TABLE_ROW_SEAL : {}), ...opts.seal },
    });
  } finally {
    if (init && !opts.init) init.model.dispose();
  }
  const paperOf = (name: string): (number | null)[] => {
    const p = PAPER_NAME[name];
    if (!search) return PAPER_TABLE5[p] ?? [null, null, null, null, null];
    const set = opts.dataset as 'beauty' | 'sports' | 'toys' | 'scientific';
    return set === 'scientific' ? [null, null] : PAPER_TABLE3[set][p] ?? [null, null];
  };
  const ours = search ? ['ndcg@5', 'map@5'] : ['recall@1', 'recall@10', 'ndcg@10', 'mrr@10'];
  const rows: Cell[][] = results.map((r) => [`${r.label}`, ...paperOf(r.name), ...ours.map((m) => r.metrics[m]), r.trainSeconds, r.searchSeconds]);
  const paperCols = search
    ? ['paper NDCG@5', 'paper MAP@5']
    : ['paper NQ320k R@1', 'paper NQ320k R@10', 'paper TREC-DL 1M R@10', 'paper TREC-DL 1M NDCG@10', 'paper MACRO 1M MRR@10'];
  const oursCols = search ? ['ours NDCG@5', 'ours MAP@5'] : ['ours SciFact R@1', 'ours SciFact R@10', 'ours SciFact NDCG@10', 'ours SciFact MRR@10'];
  return {
    tables: [{
      id,
      title: search
        ? `Table 3 baselines, product search (${opts.dataset}) — paper (ESCI queries) beside ours (category-path queries)`
        : 'Table 5 baselines, document retrieval — paper (NQ320k / MS MARCO) beside ours (SciFact test claims)',
      columns: ['model', ...paperCols, ...oursCols, 'train s', 'search s'],
      rows,
      notes: [
        `Data: ${data}. ${search ? 'ESCI queries cannot be had; paper and ours use different queries.' : 'NQ320k / MS MARCO cannot be had offline; paper and ours are different data sets.'}${opts.dataset === 'scientific' ? ' The paper has no Scientific column.' : ''}`,
        ...(init ? [`Starting model of Dual Encoder and SEAL: ${init.name}${preSeconds ? ` (pretraining ${preSeconds.toFixed(0)} s)` : ''} — the paper starts every baseline from T5-base.`] : []),
        ...results.map((r) => r.note),
        `Time on this machine (${describeBackend(info)}): ${results.map((r) => `${r.name} ${(r.trainSeconds + r.searchSeconds).toFixed(0)} s`).join(', ')}.`,
      ],
    }],
    figures: [],
    meta: meta(data, { task: opts.task, names, dualEncoder: opts.dualEncoder, seal: opts.seal, pretrainEpochs }),
  };
}
