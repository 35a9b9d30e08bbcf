/**
 * Looking inside the semantic IDs (Appendix A.5-A.6, Figure 3): Table 12's human evaluation as an automatic proxy —
 * pairs of documents sharing the first two ID positions, shown side by side with their categories, and the share
 * of pairs in the same leaf / top category — per indexer (HC and rq-VAE on TF-IDF, GloVe and the encoder stand-ins
 * for BERT and in-domain SimCSE); Figure 3 (category mix per c¹, and per c² within the largest c¹) on Scientific and
 * Beauty; Figure 6 (documents per full semantic ID, before the collision position) per indexer.
 */
import { describeBackend, initBackend } from '../backend';
import { configHash, type LmiConfig } from '../config';
import { loadCorpus } from '../data/loaders';
import { dataDir } from '../data/paths';
import type { Corpus } from '../data/types';
import type { DenseMatrix } from '../embeddings/index';
import { docsPerIdHistogram, prefixLabels } from '../eval/id-stats';
import { rqVaeIndex } from '../quantize/rq-vae';
import { Rng } from '../rng';
import type { FigureSpec } from '../viz/figure';
import { line } from '../viz/plots';
import {
  amiByPrefix, DEFAULT_ENCODER_STANDIN, EMBEDDING_KINDS, EMBEDDING_NAMES, embedCorpus, ENCODER_EMBEDDING_KINDS, ENCODER_EMBEDDING_NAMES,
  encoderStandinEmbeddings, type EncoderStandinSettings, indexHc, labelsOf, prefixCategoryFigure, SMOKE_ENCODER_STANDIN,
} from './id-quality';
import type { Experiment, RunOptions } from './registry';
import { table1RqVaeConfig } from './table1';
import type { Cell, ExperimentResult, Table } from './types';

/** Paper, Table 12 (Amazon-Sports, 20 pairs sharing c¹c² per method, four annotators): share judged related. */
export const PAPER_TABLE12: Record<'rq-VAE' | 'HC' | 'LMIndexer', number> = { 'rq-VAE': 0.7375, HC: 0.5375, LMIndexer: 0.775 };

export interface IdInspectionOptions extends RunOptions {
  /** Pairs sampled per indexer for the proxy (the paper rated 20). */
  pairs?: number;
  /** Pairs shown side by side per indexer. */
  showPairs?: number;
  /** Encoder stand-in budget (`false`: TF-IDF and GloVe only). */
  encoders?: EncoderStandinSettings | false;
}

/** One indexing of the corpus. */
export interface InspectedIndex {
  indexer: 'HC' | 'rq-VAE';
  embedding: string;
  ids: number[][];
  /** AMI of c¹ vs the top category. */
  amiTop: number;
  seconds: number;
}

/** Two documents (row numbers) sharing the ID prefix `prefix`. */
export interface DocPair {
  a: number;
  b: number;
  prefix: string;
}

/**
 * Random pairs of documents sharing the first `t` ID positions: a document drawn uniformly among those whose
 * prefix is shared, its partner uniformly among the other holders of that prefix (with replacement across draws).
 * Empty when no prefix is shared.
 */
export function samplePrefixPairs(ids: readonly (readonly number[])[], t: number, count: number, rng: Rng): DocPair[] {
  const prefixes = prefixLabels(ids, t);
  const groups = new Map<string, number[]>();
  prefixes.forEach((p, i) => {
    const g = groups.get(p);
    if (g) g.push(i);
    else groups.set(p, [i]);
  });
  const eligible = prefixes.map((p, i) => (groups.get(p)!.length > 1 ? i : -1)).filter((i) => i >= 0);
  if (!eligible.length) return [];
  return Array.from({ length: count }, () => {
    const a = eligible[rng.int(eligible.length)];
    const g = groups.get(prefixes[a])!;
    let b = g[rng.int(g.length - 1)];
    if (b === a) b = g[g.length - 1];
    return { a, b, prefix: prefixes[a] };
  });
}

/** Uniformly random pairs of distinct documents (the chance level of the proxy). */
export function randomPairs(n: number, count: number, rng: Rng): DocPair[] {
  return Array.from({ length: count }, () => {
    const a = rng.int(n);
    let b = rng.int(n - 1);
    if (b >= a) b += 1;
    return { a, b, prefix: '' };
  });
}

/** Share of pairs whose documents carry the same label under `key` (NaN without pairs). */
export function sameLabelShare(labels: readonly string[], pairs: readonly DocPair[]): number {
  if (!pairs.length) return NaN;
  return pairs.filter((p) => labels[p.a] === labels[p.b]).length / pairs.length;
}

/** Share of IDs held by exactly s documents, s = 1..max (Figure 6), over the full ID before the collision position. */
export function docsPerIdDensity(ids: readonly (readonly number[])[], collisionPosition: boolean): { sizes: number[]; share: number[]; distinct: number } {
  const T = ids[0].length - (collisionPosition ? 1 : 0);
  const h = docsPerIdHistogram(ids, T);
  const total = h.reduce((a, b) => a + b, 0);
  const sizes: number[] = [];
  const share: number[] = [];
  h.forEach((c, s) => {
    if (s > 0 && c > 0) {
      sizes.push(s);
      share.push(c / total);
    }
  });
  return { sizes, share, distinct: total };
}

function shorten(text: string, max: number): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

/** Index `corpus` with HC and rq-VAE on every embedding given. */
function indexAll(corpus: Corpus, embeddings: [string, DenseMatrix][], cfg: LmiConfig, smoke: boolean, rng: Rng): InspectedIndex[] {
  const rq = table1RqVaeConfig(cfg, smoke);
  const out: InspectedIndex[] = [];
  for (const [embedding, emb] of embeddings) {
    for (const indexer of ['HC', 'rq-VAE'] as const) {
      const r = rng.fork();
      const t0 = Date.now();
      const ids = indexer === 'HC' ? indexHc(emb, cfg, r).ids : rqVaeIndex(emb, rq, cfg.kmeans, r).ids;
      const seconds = (Date.now() - t0) / 1000;
      out.push({ indexer, embedding, ids, amiTop: amiByPrefix(corpus, ids, [corpus.labelKeys[0]], 1)[corpus.labelKeys[0]][0], seconds });
    }
  }
  return out;
}

/** Off-the-shelf embeddings that work on this corpus (GloVe needs English words; the synthetic corpus has none). */
function offTheShelf(corpus: Corpus, cfg: LmiConfig, rng: Rng, notes: string[]): [string, DenseMatrix][] {
  const out: [string, DenseMatrix][] = [];
  for (const kind of EMBEDDING_KINDS) {
    const r = rng.fork();
    try {
      out.push([EMBEDDING_NAMES[kind], embedCorpus(corpus, kind, cfg, r)]);
    } catch (err) {
      notes.push(`${corpus.name} / ${EMBEDDING_NAMES[kind]}: skipped (${(err as Error).message})`);
    }
  }
  return out;
}

const name = (x: InspectedIndex): string => `${x.indexer} (${x.embedding})`;

export async function runIdInspection(base: LmiConfig, opts: IdInspectionOptions = {}): Promise<ExperimentResult> {
  const t0 = Date.now();
  const info = await initBackend();
  const cfg = structuredClone(base);
  const smoke = Boolean(opts.smoke);
  const real = !smoke && dataDir() !== undefined;
  if (real) cfg.data.corpus = 'scientific';
  else {
    cfg.data.corpus = 'synthetic';
    if (smoke) cfg.data.synthetic.numDocs = 600;
  }
  const pairCount = opts.pairs ?? 200;
  const show = opts.showPairs ?? 3;
  // Wall-clock and this process's CPU seconds per part (CPU time is what contention on a shared machine leaves intact).
  const timings: Cell[][] = [];
  let clock = { wall: Date.now(), cpu: process.cpuUsage() };
  const lap = (part: string): void => {
    const cpu = process.cpuUsage(clock.cpu);
    timings.push([part, (Date.now() - clock.wall) / 1000, (cpu.user + cpu.system) / 1e6]);
    clock = { wall: Date.now(), cpu: process.cpuUsage() };
  };
  const notes: string[] = [];
  const rng = new Rng(cfg.seed);
  const corpus = loadCorpus(cfg.data, rng.fork());
  const [topKey, leafKey] = [corpus.labelKeys[0], corpus.labelKeys[corpus.labelKeys.length - 1]];

  lap('loading the corpus');
  const embeddings = offTheShelf(corpus, cfg, rng, notes);
  let encoderNotes: string[] = [];
  if (opts.encoders !== false) {
    const standins = await encoderStandinEmbeddings(corpus, cfg, opts.encoders ?? (smoke ? SMOKE_ENCODER_STANDIN : DEFAULT_ENCODER_STANDIN));
    for (const kind of ENCODER_EMBEDDING_KINDS) embeddings.push([ENCODER_EMBEDDING_NAMES[kind], standins.embeddings[kind]]);
    encoderNotes = standins.notes;
  }
  lap('embeddings (encoder stand-ins come from the memo when Table 1 ran first in this process)');
  const indexes = indexAll(corpus, embeddings, cfg, smoke, rng.fork());
  lap(`indexing (${indexes.length} indexers)`);

  // Table 12 proxy.
  const top = labelsOf(corpus, topKey);
  const leaf = labelsOf(corpus, leafKey);
  const pairRng = rng.fork();
  const sampled = indexes.map((x) => samplePrefixPairs(x.ids, 2, pairCount, pairRng.fork()));
  const chance = randomPairs(corpus.docs.length, pairCount, pairRng.fork());
  const sharedShare = (ids: number[][]): number => {
    const p = prefixLabels(ids, 2);
    const counts = new Map<string, number>();
    for (const x of p) counts.set(x, (counts.get(x) ?? 0) + 1);
    return p.filter((x) => counts.get(x)! > 1).length / p.length;
  };
  const proxyRows: Cell[][] = [
    ...Object.entries(PAPER_TABLE12).map(([k, v]) => [`paper: ${k} indexer`.replace('LMIndexer indexer', 'LMIndexer'), v, null, null, null, null] as Cell[]),
    ...indexes.map((x, i) => [`ours: ${name(x)}`, PAPER_TABLE12[x.indexer], sampled[i].length, sameLabelShare(leaf, sampled[i]), sameLabelShare(top, sampled[i]), sharedShare(x.ids)] as Cell[]),
    ['ours: random pairs (chance level)', null, chance.length, sameLabelShare(leaf, chance), sameLabelShare(top, chance), null],
  ];
  const proxyTable: Table = {
    id: 'table12-proxy',
    title: `Table 12 proxy: pairs sharing c¹c² judged related by their categories — paper's human accuracy beside ours (${corpus.name})`,
    columns: ['indexer (embedding)', 'paper: human accuracy', 'pairs', `ours: same leaf category ("${leafKey}")`, `ours: same top category ("${topKey}")`, 'share of docs whose c¹c² is shared'],
    rows: proxyRows,
    notes: [
      `Paper: Amazon-Sports, 20 random pairs sharing c¹c² per method, four trained annotators judged "semantically related"; the paper does not say which embedding its rq-VAE / HC used. Ours: ${corpus.name} (${corpus.source}, ${corpus.docs.length} docs), ${pairCount} pairs per indexer drawn with the seeded Rng; "related" is approximated by equal categories, so it is stricter than a human judgement at leaf level and looser at top level. Paper values are put beside the indexer type they name.`,
      'LMIndexer is not in this experiment: indexing the corpus with it costs minutes here (see the lmindexer-synthetic experiment and notebook 02).',
      ...encoderNotes,
    ],
  };
  const shown = indexes.filter((x) => x.embedding === EMBEDDING_NAMES.tfidf || (x.indexer === 'HC' && x.embedding === EMBEDDING_NAMES.glove) || x.embedding === ENCODER_EMBEDDING_NAMES['simcse-standin']);
  const pairsTable: Table = {
    id: 'table12-pairs',
    title: `Table 12 inspection: documents sharing the first two ID positions, side by side (${corpus.name})`,
    columns: ['indexer (embedding)', 'shared c¹-c²', 'document A', `A: ${leafKey}`, 'document B', `B: ${leafKey}`, 'same leaf', 'same top'],
    rows: shown.flatMap((x) => sampled[indexes.indexOf(x)].slice(0, show).map((p) => [
      name(x), p.prefix, shorten(corpus.docs[p.a].text, 110), leaf[p.a], shorten(corpus.docs[p.b].text, 110), leaf[p.b], leaf[p.a] === leaf[p.b] ? 'yes' : 'no', top[p.a] === top[p.b] ? 'yes' : 'no',
    ] as Cell[])),
    notes: [`The first ${show} sampled pairs of each shown indexer (the proxy above uses all ${pairCount}). Texts cut at 110 characters.`],
  };
  lap('Table 12 pairs');

  // Figure 3 on this corpus (best indexer by c¹ AMI) and, with data, the Beauty analogue.
  const figures: FigureSpec[] = [];
  const tag = real ? 'scientific' : corpus.name;
  const best = [...indexes].sort((a, b) => b.amiTop - a.amiTop)[0];
  figures.push(...figure3(corpus, best, tag, topKey, corpus.labelKeys[1] ?? topKey));
  if (real) {
    const beautyCfg = structuredClone(cfg);
    beautyCfg.data.corpus = 'beauty';
    const brng = new Rng(cfg.seed);
    const beauty = loadCorpus(beautyCfg.data, brng.fork());
    const hcOnly = offTheShelf(beauty, beautyCfg, brng, notes).map(([e, emb]): InspectedIndex => {
      const s0 = Date.now();
      const ids = indexHc(emb, beautyCfg, brng.fork()).ids;
      return { indexer: 'HC', embedding: e, ids, amiTop: amiByPrefix(beauty, ids, ['level1'], 1).level1[0], seconds: (Date.now() - s0) / 1000 };
    });
    const bestBeauty = hcOnly.sort((a, b) => b.amiTop - a.amiTop)[0];
    if (bestBeauty) {
      figures.push(...figure3(beauty, bestBeauty, 'beauty', 'level1', 'level2'));
      notes.push(`Figure 3 on Beauty uses HC (the cheaper indexer; rq-VAE on Beauty is in Table 1) on the better of TF-IDF / GloVe by c¹ AMI: ${hcOnly.map((x) => `${x.embedding} ${x.amiTop.toFixed(3)}`).join(', ')}.`);
    }
  }
  lap(real ? 'Figure 3 (incl. loading and indexing Beauty)' : 'Figure 3');

  // Figure 6: documents per full ID before the collision position.
  const density = indexes.map((x) => ({ x, d: docsPerIdDensity(x.ids, cfg.hc.collisionPosition) }));
  figures.push(line({
    id: `fig6-docs-per-id-${tag}`,
    title: `Figure 6 analogue: documents per semantic ID (before the collision position), ${corpus.name}`,
    xTitle: 'documents sharing one ID, s (log scale)',
    yTitle: 'share of IDs held by ≤ s documents',
    logX: true,
    markers: true,
    series: density.map(({ x, d }) => {
      let acc = 0;
      return { name: name(x), x: d.sizes, y: d.share.map((v) => (acc += v)), dash: x.indexer === 'HC' ? 'solid' : 'dash' };
    }),
    caption: 'Cumulative form of the paper\'s density curve: for each indexer, the share of distinct IDs (c¹…cᵀ without the extra collision position) held by at most s documents. The paper (Figure 6) shows the density for LMIndexer on Beauty/Sports/Toys: most IDs hold fewer than 5 documents.',
    width: 1000,
    height: 560,
  }));
  const densityTable: Table = {
    id: 'fig6-docs-per-id',
    title: `Figure 6 companion: documents per semantic ID before the collision position (${corpus.name})`,
    columns: ['indexer (embedding)', 'ID positions', 'distinct IDs', 'mean docs per ID', 'largest ID (docs)', 'share of IDs with < 5 docs', 'share of docs in IDs with < 5 docs'],
    rows: density.map(({ x, d }) => {
      const small = d.sizes.reduce((a, s, i) => a + (s < 5 ? d.share[i] : 0), 0);
      const smallDocs = d.sizes.reduce((a, s, i) => a + (s < 5 ? s * d.share[i] * d.distinct : 0), 0) / corpus.docs.length;
      return [name(x), x.ids[0].length - (cfg.hc.collisionPosition ? 1 : 0), d.distinct, corpus.docs.length / d.distinct, d.sizes[d.sizes.length - 1], small, smallDocs];
    }),
    notes: ['Paper (Figure 6, LMIndexer, Amazon): "most IDs contain less than 5 documents". HC has depth 2 here (k² leaves), rq-VAE 3 positions, so rq-VAE IDs are finer by construction.'],
  };
  lap('Figure 6');

  const timingTable: Table = {
    id: 'id-inspection-timing',
    title: 'ID inspection: seconds per part (2 CPU cores, wasm; wall-clock is an upper bound when the machine is shared)',
    columns: ['part', 'wall seconds', 'CPU seconds (this process)'],
    rows: [...timings, ...indexes.map((x) => [`  ${name(x)}`, x.seconds, null] as Cell[])],
    notes,
  };
  return {
    tables: [proxyTable, pairsTable, densityTable, timingTable],
    figures,
    meta: {
      id: 'id-inspection',
      data: `${corpus.name}: ${corpus.source} (${corpus.docs.length} docs)${real ? '; Figure 3 also on Amazon-Beauty' : ''}`,
      configHash: configHash({ cfg, pairCount, show, encoders: opts.encoders ?? null }),
      config: cfg,
      seed: cfg.seed,
      backend: describeBackend(info),
      seconds: (Date.now() - t0) / 1000,
      paper: 'Table 12 (human accuracy of pairs sharing c¹c², Amazon-Sports): rq-VAE .7375, HC .5375, LMIndexer .7750. Figure 3 (category mix per c¹ and per c² within a c¹, LMIndexer on Beauty). Figure 6 (docs per ID, LMIndexer: most IDs < 5 docs).',
    },
  };
}

/** Figure 3 (a) and (b) for one indexing: category mix per c¹; per c² within the most populated c¹. */
function figure3(corpus: Corpus, x: InspectedIndex, tag: string, coarseKey: string, fineKey: string): FigureSpec[] {
  const counts = new Map<number, number>();
  for (const r of x.ids) counts.set(r[0], (counts.get(r[0]) ?? 0) + 1);
  const c1 = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0][0];
  return [
    prefixCategoryFigure(corpus, x.ids, coarseKey, {
      id: `fig3-${tag}-a`, position: 0,
      title: `Figure 3(a) analogue, ${corpus.name}: "${coarseKey}" share per c¹ — ${name(x)}, AMI ${x.amiTop.toFixed(3)}`,
    }),
    prefixCategoryFigure(corpus, x.ids, fineKey, {
      id: `fig3-${tag}-b`, position: 1, within: [c1],
      title: `Figure 3(b) analogue, ${corpus.name}: "${fineKey}" share per c² within c¹ = ${c1} (${counts.get(c1)} docs) — ${name(x)}`,
    }),
  ];
}

export const idInspection: Experiment = {
  id: 'id-inspection',
  title: 'ID inspection: Table 12 proxy (pairs sharing c¹c²), Figure 3 (a)(b) and Figure 6 (docs per ID) per indexer, paper beside',
  version: 1,
  run: runIdInspection,
};
