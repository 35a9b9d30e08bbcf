/**
 * Table 2, generative next-item recommendation with semantic IDs on Amazon Beauty: input = the user's last
 * `historyItems` items (as ID tokens, item phrases, or both), target = the next item's ID; leave-one-out (last item
 * test), training on every prefix of `seq[:-2]` of the first `maxUsers` users plus the indexing task (item phrase →
 * ID). Constrained beam search (beam 20) over all item IDs; Recall@5, NDCG@5 on the same users' test items, with
 * Markov and MostPop (fitted on all users' training sequences, full ranking) beside. `moreIds` adds a generative row
 * per further ID source (rq-VAE, LMIndexer: issue 7), each fine-tuned from the same initial model on the same users;
 * every generative row has the paper's value of its indexer beside it. `dataset` runs the same task on Sports or Toys
 * (Figure 7); `runTable2Metrics` returns the generative rows' metrics and IDs typed (the ID sweeps).
 */
import { describeBackend, initBackend } from '../backend';
import { Markov } from '../baselines/seqrec/markov';
import { MostPop } from '../baselines/seqrec/mostpop';
import { evaluateSeqRec, seqRecData } from '../baselines/seqrec/protocol';
import { configHash, type LmiConfig } from '../config';
import { dataDir } from '../data/paths';
import type { AmazonSet } from '../data/amazon';
import { loadCorpus, loadInteractions } from '../data/loaders';
import { leaveOneOut } from '../data/splits';
import { evaluateRanking } from '../eval/ranking';
import { type IdExample, rankedDocs } from '../generative/finetune';
import { LmiError } from '../errors';
import { IdVocab } from '../generative/id-tokens';
import { Rng } from '../rng';
import { type AmazonTaskOptions, firstUsers, ItemEncoder, type ItemInput, itemIndex } from './generative-amazon';
import {
  DEFAULT_GENERATIVE_SETTINGS, finalLoss, type GenerativeSettings, resolveIds, type IdSource, type IdSourceLike,
  initialModel, searchAll, SMOKE_GENERATIVE_SETTINGS, trainGenerative,
} from './generative-common';
import { idSourcesKey, paperIndexerRow } from './id-source';
import type { Experiment } from './registry';
import type { Cell, ExperimentResult } from './types';

/** Paper Table 2, Amazon-Beauty (Recall@5, NDCG@5). */
export const PAPER_TABLE2_BEAUTY: Record<string, [number, number]> = {
  HGN: [0.0325, 0.0206], GRU4Rec: [0.0164, 0.0099], BERT4Rec: [0.0203, 0.0124], FDSA: [0.0267, 0.0163],
  'rq-VAE indexer': [0.0136, 0.0086], 'HC indexer': [0.0129, 0.0078], LMIndexer: [0.0415, 0.0262],
};

/** Paper Table 2 per Amazon set (Recall@5, NDCG@5). */
export const PAPER_TABLE2: Record<AmazonSet, Record<string, [number, number]>> = {
  beauty: PAPER_TABLE2_BEAUTY,
  sports: {
    HGN: [0.0189, 0.012], GRU4Rec: [0.0129, 0.0086], BERT4Rec: [0.0115, 0.0075], FDSA: [0.0182, 0.0122],
    'rq-VAE indexer': [0.0067, 0.004], 'HC indexer': [0.0076, 0.005], LMIndexer: [0.0222, 0.0142],
  },
  toys: {
    HGN: [0.0321, 0.0221], GRU4Rec: [0.0097, 0.0059], BERT4Rec: [0.0116, 0.0071], FDSA: [0.0228, 0.014],
    'rq-VAE indexer': [0.0084, 0.0055], 'HC indexer': [0.0082, 0.0054], LMIndexer: [0.0404, 0.0268],
  },
};

const SET_NAMES: Record<AmazonSet, string> = { beauty: 'Beauty', sports: 'Sports', toys: 'Toys' };

/** Options of {@link runTable2}: the Amazon task options (history default 10) plus how history items are shown. */
export interface Table2Options extends AmazonTaskOptions {
  /** How history items are shown. Default `'ids+text'`. */
  itemInput?: ItemInput;
  /** Amazon set (corpus + user sequences). Default `'beauty'`. */
  dataset?: AmazonSet;
  /** More generative rows: each ID source fine-tuned from the same initial model on the same users (e.g. rq-VAE, LMIndexer). */
  moreIds?: IdSourceLike[];
  /** Markov / MostPop rows (they do not depend on the IDs); false skips them. Default true. */
  baselines?: boolean;
}

/** What the generative row of one Table 2 run measured, typed (absent without a data folder). */
export interface Table2Metrics {
  'recall@5': number;
  'ndcg@5': number;
  'recall@10': number;
  /** The semantic IDs used (corpus order), with their codebook sizes. */
  ids: IdSource;
  testCases: number;
  seconds: { pretrain: number; finetune: number; search: number };
}

/** {@link runTable2}'s result plus the generative rows' metrics. */
export interface Table2Run {
  result: ExperimentResult;
  /** The main row (`opts.ids`, default HC). */
  metrics?: Table2Metrics;
  /** One per `opts.moreIds` source, in order. */
  more?: Table2Metrics[];
}

export async function runTable2(base: LmiConfig, opts: Table2Options = {}): Promise<ExperimentResult> {
  return (await runTable2Metrics(base, opts)).result;
}

/** Table 2 (or the same task on `opts.dataset`), returning the generative rows' metrics beside the tables. */
export async function runTable2Metrics(base: LmiConfig, opts: Table2Options = {}): Promise<Table2Run> {
  const t0 = Date.now();
  const info = await initBackend();
  const dataset = opts.dataset ?? 'beauty';
  if (!(dataset in PAPER_TABLE2)) throw new LmiError(`table2: option "dataset" must be one of ${Object.keys(PAPER_TABLE2).join(', ')}, got "${String(dataset)}"`);
  const tableId = dataset === 'beauty' ? 'table2' : `table2-${dataset}`;
  const setName = SET_NAMES[dataset];
  const cfg = structuredClone(base);
  cfg.data.corpus = dataset;
  cfg.data.maxDocs = 0;
  const settings: GenerativeSettings = { ...(opts.smoke ? { ...SMOKE_GENERATIVE_SETTINGS, pretrainEpochs: 0 } : DEFAULT_GENERATIVE_SETTINGS), ...opts.settings };
  const indexAll = opts.indexAllItems ?? !opts.smoke;
  const maxUsers = opts.maxUsers ?? (opts.smoke ? 150 : 3000);
  const H = opts.historyItems ?? 10;
  const mode = opts.itemInput ?? 'ids+text';
  const textTokens = 6;
  const paper = PAPER_TABLE2[dataset];
  const moreIds = opts.moreIds ?? [];
  const pv = (name: string): string => paper[name].map((v) => v.toFixed(4).slice(1)).join('/');
  const meta = (data: string, seconds: number): ExperimentResult['meta'] => ({
    id: tableId, data, configHash: configHash({ cfg, settings, indexAll, maxUsers, H, mode, moreIds: idSourcesKey(moreIds), baselines: opts.baselines ?? true }), config: { ...cfg, generative: settings, maxUsers, historyItems: H, itemInput: mode },
    seed: cfg.seed, backend: describeBackend(info), seconds, paper: `Table 2, Amazon-${setName} Recall@5 / NDCG@5: HC ${pv('HC indexer')}, rq-VAE ${pv('rq-VAE indexer')}, LMIndexer ${pv('LMIndexer')}, HGN ${pv('HGN')}.`,
  });
  if (!dataDir()) {
    return { result: { tables: [{ id: tableId, title: `Table 2${dataset === 'beauty' ? '' : ` (${setName})`}: no data directory`, columns: ['note'], rows: [['LMI_DATA_DIR not set and ../shared/data absent: this table needs the Amazon data.']] }], figures: [], meta: meta('none', 0) } };
  }
  const corpus = loadCorpus(cfg.data, new Rng(cfg.seed).fork());
  const all = loadInteractions(dataset);
  const inter = firstUsers(all, maxUsers);
  const idx = itemIndex(corpus);
  const ids = resolveIds(cfg, corpus, opts.ids);
  // Input budget: H items of (text tokens +) one token per ID position (3 with the default HC: depth 2 + collision).
  const idLength = ids.codebookSizes.length;
  const maxTokens = H * (mode === 'ids' ? idLength : mode === 'text' ? textTokens : textTokens + idLength);
  settings.maxInputLength = Math.max(settings.maxInputLength, maxTokens);
  const pre0 = Date.now();
  const init = opts.init ?? (await initialModel(cfg, corpus, settings));
  const preSeconds = opts.init ? 0 : (Date.now() - pre0) / 1000;
  const tok = init.tokenizer;
  const vocab = new IdVocab(tok.vocabSize, ids.codebookSizes);
  const items = new ItemEncoder(corpus, ids.ids, vocab, tok, mode, textTokens);
  const input = (history: readonly string[]): number[] => items.history(history.map(idx), H, maxTokens);

  const split = leaveOneOut(inter, { trainPrefixes: true });
  const seen = new Set([...inter.sequences.values()].flat().map(idx));
  const examples: IdExample[] = corpus.docs.flatMap((d, i) => (indexAll || seen.has(i) ? [{ input: tok.encode(d.text).slice(0, settings.maxInputLength), id: ids.ids[i] }] : []));
  const nIndexing = examples.length;
  for (const s of split.train) examples.push({ input: input(s.history), id: ids.ids[idx(s.target)] });
  const cases = split.test;
  const qrels = new Map(cases.map((c) => [c.user, new Set([c.target])]));

  const g = await trainGenerative(init, ids, examples, settings, cfg.seed);
  const search = await searchAll(g, cases.map((c) => input(c.history)), settings);
  g.model.dispose();
  const run = new Map(cases.map((c, i) => [c.user, rankedDocs(search.hits[i], g.byId).map((j) => corpus.docs[j].id)]));
  const ours = evaluateRanking(run, qrels, [5, 10]);
  const metrics: Table2Metrics = {
    'recall@5': ours['recall@5'], 'ndcg@5': ours['ndcg@5'], 'recall@10': ours['recall@10'], ids, testCases: cases.length,
    seconds: { pretrain: preSeconds, finetune: g.seconds, search: search.seconds },
  };
  // More ID sources: the same run from the same initial model (no pretraining, no Markov / MostPop again).
  const more: Table2Metrics[] = [];
  try {
    for (const src of moreIds) {
      const r = await runTable2Metrics(base, { ...opts, ids: src, init, moreIds: [], baselines: false });
      if (r.metrics) more.push(r.metrics);
    }
  } finally {
    if (!opts.init) init.model.dispose();
  }

  // Baselines on the same test users (full ranking, pessimistic ties), fitted twice: on every user's training
  // sequence, and on the subsampled users' only (the generative model's data).
  const conv = [{ candidates: 'all' as const, ties: 'pessimistic' as const }];
  const fitBaselines = (from: typeof all) => {
    const data = seqRecData(from, 'test', { items: corpus.docs.map((d) => d.id), maxUsers });
    return [new Markov(), new MostPop()].map((m) => evaluateSeqRec(m, data, { ks: [5], conventions: conv }));
  };
  const base2 = opts.baselines === false ? [] : [
    ...fitBaselines(all).map((b) => ({ b, fitted: "all users' training sequences" })),
    ...(inter === all ? [] : fitBaselines(inter).map((b) => ({ b, fitted: `the same ${inter.sequences.size} users' training sequences` }))),
  ];

  const rows: Cell[][] = Object.entries(paper).map(([name, v]) => [`paper: ${name}`, ...v, null, null]);
  for (const { b, fitted } of base2) rows.push([`ours: ${b.model} (${fitted})`, null, null, b.rows[0].metrics['recall@5'], b.rows[0].metrics['ndcg@5']]);
  // Each generative row carries the paper's value of the same indexer (if it is one of the paper's three).
  for (const m of [metrics, ...more]) {
    const p = paperIndexerRow(m.ids);
    rows.push([`ours: generative, ${m.ids.name}, history = last ${H} items as ${mode}`, ...(p ? paper[p] : [null, null]), m['recall@5'], m['ndcg@5']]);
  }
  const dataText = `Amazon ${setName} (${corpus.docs.length} items; first ${inter.sequences.size} of ${all.sequences.size} users: ${split.train.length} train prefixes, ${cases.length} test cases) — ${all.source}`;
  const result: ExperimentResult = {
    tables: [{
      id: tableId,
      title: `Table 2: next-item recommendation, Amazon-${setName} — paper beside ours (leave-one-out, same test users for every "ours" row)`,
      columns: ['model', 'paper Recall@5', 'paper NDCG@5', 'ours Recall@5', 'ours NDCG@5'],
      rows,
      notes: [
        `Data: ${dataText}. Item text = IDGenRec phrases (not full titles). Generative model trained on the subsampled users only; Markov/MostPop fitted once on all users' training sequences and once on the subsampled users' only (the generative model's training data), both scored on the same test users.`,
        `Training examples (${examples.length}): indexing ${nIndexing} (item phrase → ID) + ${split.train.length} (history → next item ID).`,
        `Model: ${init.name}; fine-tuned ${settings.epochs} epochs (${g.finetune.steps} steps, batch ${settings.batchSize}, lr ${settings.learningRate}), final loss ${finalLoss(g.finetune).toFixed(3)}; beam ${settings.beamSize} over ${g.trie.size} item IDs. Recall@10 ${ours['recall@10'].toFixed(4)}.`,
        `Time on this machine (${describeBackend(info)}): pretraining ${preSeconds.toFixed(0)} s, fine-tuning ${g.seconds.toFixed(0)} s, search ${search.seconds.toFixed(1)} s (${(1000 * search.seconds / Math.max(1, cases.length)).toFixed(0)} ms/query).`,
        ...more.map((m) => `${m.ids.name}: fine-tuned from the same initial model on the same users (indexing and history inputs with its own IDs), ${m.seconds.finetune.toFixed(0)} s fine-tuning, ${m.seconds.search.toFixed(1)} s search; Recall@10 ${m['recall@10'].toFixed(4)}.`),
        `Paper columns of the "ours: generative" rows: the paper's row of the same indexer (HC / rq-VAE / LMIndexer); the paper used T5-base and all users.`,
      ],
    }],
    figures: [],
    meta: meta(dataText, (Date.now() - t0) / 1000),
  };
  return { result, metrics, more };
}

export const table2: Experiment = {
  id: 'table2',
  title: 'Table 2: generative next-item recommendation with semantic IDs (Amazon-Beauty), Markov/MostPop and paper values beside',
  version: 3,
  run: runTable2,
};
