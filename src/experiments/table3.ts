/**
 * Table 3, product search with semantic IDs on Amazon Beauty. The paper's ESCI queries cannot be had here, so the
 * Van Gysel et al. (2016) / Ai et al. (2017, HEM) protocol is used: a query is the category path of an item a user
 * bought (`amazon/categories/`, e.g. "makeup nails nail polish"), the target is that item; each user's purchases
 * are split by order like the rec task (last = test, second-to-last = validation, earlier = train). Input = the
 * query text (optionally followed by the user's last purchases as ID tokens — `historyItems`, a HEM-style
 * personalisation; default 0 = query only, as the paper). Fine-tuning mixes in the indexing task (item text → ID).
 * NDCG@5, MAP@5 over the test purchases of the first `maxUsers` users; BM25 (query vs item text), Dual Encoder and
 * SEAL (src/baselines/retrieval, small step budgets here; same query → item pairs) beside. `runTable3Metrics` also
 * returns the generative row's metrics and IDs typed (the ID sweeps).
 */
import { describeBackend, initBackend } from '../backend';
import { Bm25Index } from '../baselines/retrieval/bm25';
import type { DualEncoderConfig } from '../baselines/retrieval/dual-encoder';
import { evaluateRetrievalBaselines, SMOKE_DUAL_ENCODER, SMOKE_SEAL, TABLE_ROW_DUAL_ENCODER, TABLE_ROW_SEAL } from '../baselines/retrieval/evaluate';
import type { SealConfig } from '../baselines/retrieval/seal';
import { configHash, type LmiConfig } from '../config';
import { dataDir } from '../data/paths';
import { type InteractionsName, loadCorpus, loadInteractions } from '../data/loaders';
import type { Corpus, Interactions } from '../data/types';
import { leaveOneOut } from '../data/splits';
import { evaluateRanking } from '../eval/ranking';
import { type IdExample, rankedDocs } from '../generative/finetune';
import { IdVocab } from '../generative/id-tokens';
import { Rng } from '../rng';
import { type AmazonTaskOptions, firstUsers, ItemEncoder, itemIndex } from './generative-amazon';
import {
  DEFAULT_GENERATIVE_SETTINGS, finalLoss, type GenerativeInit, type GenerativeSettings, hcIds, resolveIds, type IdSource, type IdSourceLike,
  initialModel, searchAll, SMOKE_GENERATIVE_SETTINGS, trainGenerative,
} from './generative-common';
import type { Experiment } from './registry';
import type { Cell, ExperimentResult, Table } from './types';

/** Paper Table 3, Amazon-Beauty (NDCG@5, MAP@5). */
export const PAPER_TABLE3_BEAUTY: Record<string, [number, number]> = {
  bm25: [0.249, 0.2152], 'Dual Encoder': [0.2565, 0.2096], SEAL: [0.1271, 0.105],
  'rq-VAE indexer': [0.271, 0.2469], 'HC indexer': [0.2172, 0.1959], LMIndexer: [0.3187, 0.2888],
};

/** Options of {@link runTable3} (`historyItems` = the user's last purchases appended to the query as ID tokens; default 0). */
export interface Table3Options extends AmazonTaskOptions {
  /** More generative rows: each ID source fine-tuned from the same initial model, same examples and queries (e.g. rq-VAE, LMIndexer). */
  moreIds?: IdSourceLike[];
  /** Sizes of the Dual Encoder / SEAL rows (default TABLE_ROW_* of src/baselines/retrieval/evaluate.ts), or false to skip them. */
  baselines?: false | { dualEncoder?: Partial<DualEncoderConfig>; seal?: Partial<SealConfig> };
}

/** Query text of an item: its category path below the department, lower-cased, " > " removed. */
export function categoryQuery(path: string): string {
  return path === '(none)' ? '' : path.split(' > ').join(' ').toLowerCase();
}

/** Product search on an Amazon set (Van Gysel/Ai protocol, see the module doc): users, split, test cases, qrels. */
export interface ProductSearchTask {
  corpus: Corpus;
  /** The first `maxUsers` users (0 = all). */
  inter: Interactions;
  /** Corpus index of an item id. */
  idx: (id: string) => number;
  /** Leave-one-out over `inter`, every training prefix kept (train targets = earlier purchases). */
  split: ReturnType<typeof leaveOneOut>;
  /** Test purchases: user, target item index, history (item indices). */
  cases: { user: string; target: number; history: number[] }[];
  /** user → {target item id}. */
  qrels: Map<string, Set<string>>;
}

/** The product-search task of `dataset` (`cfg.data` must load that corpus); `query(i)` text = categoryQuery of item i. */
export function productSearchTask(cfg: LmiConfig, dataset: InteractionsName, maxUsers: number): ProductSearchTask {
  const corpus = loadCorpus(cfg.data, new Rng(cfg.seed).fork());
  const inter = firstUsers(loadInteractions(dataset), maxUsers);
  const idx = itemIndex(corpus);
  const split = leaveOneOut(inter, { trainPrefixes: true });
  const cases = split.test.map((s) => ({ user: s.user, target: idx(s.target), history: s.history.map(idx) }));
  const qrels = new Map(cases.map((c) => [c.user, new Set([corpus.docs[c.target].id])]));
  return { corpus, inter, idx, split, cases, qrels };
}

/** What the generative row of one Table 3 run measured, typed (absent without a data folder). */
export interface Table3Metrics {
  'ndcg@5': number;
  'map@5': number;
  /** The semantic IDs used (corpus order), with their codebook sizes. */
  ids: IdSource;
  testCases: number;
  seconds: { pretrain: number; finetune: number; search: number };
}

/** {@link runTable3}'s result plus the generative row's metrics. */
export interface Table3Run {
  result: ExperimentResult;
  metrics?: Table3Metrics;
}

export async function runTable3(base: LmiConfig, opts: Table3Options = {}): Promise<ExperimentResult> {
  return (await runTable3Metrics(base, opts)).result;
}

/** Table 3 (and Table 13), returning the generative row's metrics beside the tables. */
export async function runTable3Metrics(base: LmiConfig, opts: Table3Options = {}): Promise<Table3Run> {
  const t0 = Date.now();
  const info = await initBackend();
  const cfg = structuredClone(base);
  cfg.data.corpus = 'beauty';
  cfg.data.maxDocs = 0;
  const settings: GenerativeSettings = { ...(opts.smoke ? { ...SMOKE_GENERATIVE_SETTINGS, pretrainEpochs: 0 } : DEFAULT_GENERATIVE_SETTINGS), ...opts.settings };
  const indexAll = opts.indexAllItems ?? !opts.smoke;
  const maxUsers = opts.maxUsers ?? (opts.smoke ? 150 : 2000);
  const H = opts.historyItems ?? 0;
  const meta = (data: string, seconds: number): ExperimentResult['meta'] => ({
    id: 'table3', data, configHash: configHash({ cfg, settings, indexAll, maxUsers, H, baselines: opts.baselines ?? 'default' }), config: { ...cfg, generative: settings, maxUsers, historyItems: H },
    seed: cfg.seed, backend: describeBackend(info), seconds, paper: 'Table 3, Amazon-Beauty NDCG@5 / MAP@5: bm25 .2490/.2152, HC .2172/.1959, rq-VAE .2710/.2469, LMIndexer .3187/.2888 (ESCI queries).',
  });
  if (!dataDir()) {
    return { result: { tables: [{ id: 'table3', title: 'Table 3: no data directory', columns: ['note'], rows: [['LMI_DATA_DIR not set and ../shared/data absent: this table needs the Amazon data.']] }], figures: [], meta: meta('none', 0) } };
  }
  const { corpus, inter, idx, split, cases, qrels } = productSearchTask(cfg, 'beauty', maxUsers);
  const ids = resolveIds(cfg, corpus, opts.ids);
  const pre0 = Date.now();
  const init = opts.init ?? (await initialModel(cfg, corpus, settings));
  const preSeconds = opts.init ? 0 : (Date.now() - pre0) / 1000;
  const tok = init.tokenizer;
  const vocab = new IdVocab(tok.vocabSize, ids.codebookSizes);
  const items = new ItemEncoder(corpus, ids.ids, vocab, tok, 'ids');
  const query = (item: number, history: readonly number[]): number[] => [
    ...tok.encode(categoryQuery(corpus.docs[item].labels?.path ?? '')),
    ...(H > 0 ? items.history(history, H, 3 * H) : []),
  ];

  const seen = new Set([...inter.sequences.values()].flat().map(idx));
  const examples: IdExample[] = corpus.docs.flatMap((d, i) => (indexAll || seen.has(i) ? [{ input: tok.encode(d.text).slice(0, settings.maxInputLength), id: ids.ids[i] }] : []));
  const nIndexing = examples.length;
  for (const s of split.train) {
    const target = idx(s.target);
    examples.push({ input: query(target, s.history.map(idx)), id: ids.ids[target] });
  }

  const g = await trainGenerative(init, ids, examples, settings, cfg.seed);
  // Dual Encoder and SEAL rows: the same purchases as (category-path query → item) pairs, started from the same model.
  const qText = (i: number): string => categoryQuery(corpus.docs[i].labels?.path ?? '');
  const extra = opts.baselines === false ? [] : await evaluateRetrievalBaselines(
    { docs: corpus.docs, train: split.train.map((s) => ({ query: qText(idx(s.target)), doc: idx(s.target) })), test: cases.map((c) => ({ id: c.user, query: qText(c.target) })), qrels },
    {
      names: ['dual-encoder', 'seal'], ks: [5], model: init.model, tokenizer: tok, seed: cfg.seed,
      dualEncoder: { ...(opts.smoke ? SMOKE_DUAL_ENCODER : TABLE_ROW_DUAL_ENCODER), ...opts.baselines?.dualEncoder },
      seal: { ...(opts.smoke ? SMOKE_SEAL : TABLE_ROW_SEAL), ...opts.baselines?.seal },
    },
  );
  // More ID sources: the same run from the same initial model (no pretraining, no Dual Encoder / SEAL again).
  const more: Table3Metrics[] = [];
  for (const src of opts.moreIds ?? []) {
    const r = await runTable3Metrics(base, { ...opts, ids: src, init, baselines: false, moreIds: [] });
    if (r.metrics) more.push(r.metrics);
  }
  if (!opts.init) init.model.dispose();
  const search = await searchAll(g, cases.map((c) => query(c.target, c.history)), settings);
  g.model.dispose();
  const run = new Map(cases.map((c, i) => [c.user, rankedDocs(search.hits[i], g.byId).map((j) => corpus.docs[j].id)]));
  const ours = evaluateRanking(run, qrels, [5]);

  const bm0 = Date.now();
  const bm25 = new Bm25Index(corpus.docs);
  const bmRun = new Map(cases.map((c) => [c.user, bm25.search(categoryQuery(corpus.docs[c.target].labels?.path ?? ''), 5).map((h) => h.id)]));
  const bmSeconds = (Date.now() - bm0) / 1000;
  const bm = evaluateRanking(bmRun, qrels, [5]);

  const rows: Cell[][] = Object.entries(PAPER_TABLE3_BEAUTY).map(([name, v]) => [`paper: ${name}`, ...v, null, null]);
  rows.push(['ours: BM25 (query vs item phrase)', null, null, bm['ndcg@5'], bm['map@5']]);
  for (const r of extra) rows.push([`ours: ${r.label}`, null, null, r.metrics['ndcg@5'], r.metrics['map@5']]);
  rows.push([`ours: generative, ${ids.name}${H ? `, + last ${H} purchases as IDs` : ''}`, null, null, ours['ndcg@5'], ours['map@5']]);
  for (const m of more) rows.push([`ours: generative, ${m.ids.name}${H ? `, + last ${H} purchases as IDs` : ''}`, null, null, m['ndcg@5'], m['map@5']]);
  const data = `Amazon Beauty (${corpus.docs.length} items, first ${inter.sequences.size} users: ${split.train.length} train / ${cases.length} test purchases) — ${inter.source}; queries from ${'amazon/categories/beauty_categories.tsv'}`;
  const result: ExperimentResult = {
    tables: [{
      id: 'table3',
      title: 'Table 3: product search, Amazon-Beauty — paper (ESCI queries) beside ours (category-path queries, Van Gysel/Ai protocol)',
      columns: ['model', 'paper NDCG@5', 'paper MAP@5', 'ours NDCG@5', 'ours MAP@5'],
      rows,
      notes: [
        `Data: ${data}. ESCI query text cannot be had; the query is the bought item's category path (Van Gysel et al. 2016 / Ai et al. 2017), target = that item, split by purchase order (last = test). Many items share a path, so a query-only model can at best rank the right category's items.`,
        `Training examples (${examples.length}): indexing ${nIndexing} (item phrase → ID; IDGenRec phrases are the only item text) + ${split.train.length} train purchases (query → item ID).`,
        `Model: ${init.name}; fine-tuned ${settings.epochs} epochs (${g.finetune.steps} steps, batch ${settings.batchSize}, lr ${settings.learningRate}), final loss ${finalLoss(g.finetune).toFixed(3)}; beam ${settings.beamSize} over ${g.trie.size} item IDs (paper: T5-base, 10k steps).`,
        ...more.map((m) => `${m.ids.name}: fine-tuned from the same initial model on the same queries (indexing examples with its own IDs), ${m.seconds.finetune.toFixed(0)} s fine-tuning, ${m.seconds.search.toFixed(1)} s search.`),
        `Time on this machine (${describeBackend(info)}): pretraining ${preSeconds.toFixed(0)} s, fine-tuning ${g.seconds.toFixed(0)} s, search ${search.seconds.toFixed(1)} s (${(1000 * search.seconds / Math.max(1, cases.length)).toFixed(0)} ms/query)${extra.map((r) => `, ${r.name} ${r.trainSeconds.toFixed(0)} s training + ${r.searchSeconds.toFixed(0)} s search`).join('')}.`,
        ...extra.map((r) => `${r.note} Started from the same initial model as the generative row; query only (no purchase history).`),
      ],
    }, latencyTable(cases.length, [
      ['BM25 (index + search)', bmSeconds],
      ...extra.map((r): [string, number] => [r.name, r.searchSeconds]),
      [`generative, ${ids.name}, beam ${settings.beamSize}`, search.seconds],
      ...more.map((m): [string, number] => [`generative, ${m.ids.name}, beam ${settings.beamSize}`, m.seconds.search]),
    ], describeBackend(info))],
    figures: [],
    meta: meta(data, (Date.now() - t0) / 1000),
  };
  return {
    result,
    metrics: {
      'ndcg@5': ours['ndcg@5'], 'map@5': ours['map@5'], ids, testCases: cases.length,
      seconds: { pretrain: preSeconds, finetune: g.seconds, search: search.seconds },
    },
  };
}

/** Paper Table 13: total product-search latency on the Amazon-Beauty test set (8×A100, T5-base). */
export const PAPER_TABLE13: Record<string, string> = { 'rq-VAE indexer': '13.66 s', 'HC indexer': '12.85 s', SEAL: '21 min', LMIndexer: '12.21 s' };

/** Table 13 from the same run as Table 3: total search time over the test purchases per method. */
function latencyTable(queries: number, ours: [string, number][], backend: string): Table {
  return {
    id: 'table13',
    title: 'Table 13: latency — total product-search time over the Amazon-Beauty test set, paper beside ours (same run as Table 3)',
    columns: ['model', 'paper latency', 'ours total s', 'ours ms/query'],
    rows: [
      ...Object.entries(PAPER_TABLE13).map(([name, v]): Cell[] => [`paper: ${name}`, v, null, null]),
      ...ours.map(([name, sec]): Cell[] => [`ours: ${name}`, null, sec, (1000 * sec) / Math.max(1, queries)]),
    ],
    notes: [
      `Ours: ${queries} test purchases (the Table 3 users), ${backend}, 2 CPU cores shared with other work (upper bounds); the paper: whole Beauty test set on 8×A100 with T5-base. Model training time is excluded on both sides.`,
    ],
  };
}

export const table3: Experiment = {
  id: 'table3',
  title: 'Table 3: product search with semantic IDs (Amazon-Beauty, category-path queries), paper values beside',
  version: 4,
  run: runTable3,
};
