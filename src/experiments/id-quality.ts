/**
 * Building blocks of the ID-quality experiments (Table 1, Figure 3), shared by `make figures` and the notebooks:
 * embed a corpus, index it, score ID prefixes against ground-truth labels by AMI (Appendix A.4), and draw the
 * category distribution per first-position code (Figure 3a).
 */
import { configHash, type LmiConfig } from '../config';
import type { Corpus } from '../data/types';
import { encoderInputs } from '../embeddings/encoder-pooled';
import { pooledEmbeddingsParallel } from '../embeddings/pooled-parallel';
import { embedWithGlove } from '../embeddings/glove-docs';
import { trainSimcse } from '../embeddings/simcse';
import { initEmbeddingsFromGlove } from '../indexer/glove-init';
import type { T5 } from '../model/t5';
import type { Tokenizer } from '../text/tokenizer';
import { tfidfSvdEmbeddings, type DenseMatrix } from '../embeddings/index';
import { LmiError } from '../errors';
import { adjustedMutualInfo } from '../eval/ami';
import { idStats, prefixLabels } from '../eval/id-stats';
import { hcIndex } from '../quantize/hierarchical';
import type { IndexerResult } from '../quantize/types';
import { Rng } from '../rng';
import type { FigureSpec } from '../viz/figure';
import { countByCode, stackedBar } from '../viz/plots';
import { epochLosses, pretrainOnCorpus } from './pretrain';
import type { Cell, Table } from './types';

/** Documents' texts → TF-IDF + truncated SVD embeddings (the classic off-the-shelf baseline embedding). */
export function embedTfidf(corpus: Corpus, cfg: LmiConfig, rng: Rng): DenseMatrix {
  const { data, n, dim } = tfidfSvdEmbeddings(corpus.docs.map((d) => d.text), cfg.embedding, rng);
  return { data, n, dim };
}

/** Off-the-shelf document embeddings: TF-IDF + SVD, or GloVe 100d idf-weighted mean (npm word vectors). */
export type EmbeddingKind = 'tfidf' | 'glove';
export const EMBEDDING_KINDS: readonly EmbeddingKind[] = ['tfidf', 'glove'];
/** Display names used in tables. */
export const EMBEDDING_NAMES: Record<EmbeddingKind, string> = { tfidf: 'TF-IDF+SVD', glove: 'GloVe idf-mean' };

/** Embed a corpus with one of the off-the-shelf embeddings. */
export function embedCorpus(corpus: Corpus, kind: EmbeddingKind, cfg: LmiConfig, rng: Rng): DenseMatrix {
  if (kind === 'tfidf') return embedTfidf(corpus, cfg, rng);
  if (kind === 'glove') {
    const { data, n, dim } = embedWithGlove(corpus.docs.map((d) => d.text), { weighting: 'idf' });
    return { data, n, dim };
  }
  throw new LmiError(`embedding "${String(kind)}" unknown; use one of ${EMBEDDING_KINDS.join(', ')}`);
}

/** HC indexer (hierarchical k-means, DSI-style) on given embeddings, with the config's k, depth and k-means settings. */
export function indexHc(emb: DenseMatrix, cfg: LmiConfig, rng: Rng): IndexerResult {
  return hcIndex(emb, cfg.hc, cfg.kmeans, rng);
}

/** Labels of one key for every document (throws if a document lacks it). */
export function labelsOf(corpus: Corpus, key: string): string[] {
  return corpus.docs.map((d) => {
    const v = d.labels?.[key];
    if (v === undefined) throw new Error(`${corpus.name}: document "${d.id}" has no label "${key}"`);
    return v;
  });
}

/** AMI between ID prefixes (length 1..maxPrefix) and each label key: `ami[key][t-1]`. */
export function amiByPrefix(corpus: Corpus, ids: number[][], keys: string[], maxPrefix: number): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  const prefixes = Array.from({ length: maxPrefix }, (_, t) => prefixLabels(ids, t + 1));
  for (const key of keys) {
    const truth = labelsOf(corpus, key);
    out[key] = prefixes.map((p) => adjustedMutualInfo(truth, p));
  }
  return out;
}

/** Table of AMI per label key (rows) × ID prefix length (columns). */
export function amiTable(id: string, title: string, ami: Record<string, number[]>, notes: string[] = []): Table {
  const maxPrefix = Math.max(...Object.values(ami).map((v) => v.length));
  return {
    id,
    title,
    columns: ['labels', ...Array.from({ length: maxPrefix }, (_, t) => (t === 0 ? 'AMI c¹' : `AMI c¹…c${'²³⁴⁵⁶⁷⁸⁹'[t - 1] ?? t + 1}`))],
    rows: Object.entries(ami).map(([key, v]) => [key, ...v] as Cell[]),
    notes,
  };
}

/** Code usage, perplexity and collisions per position (see `src/eval/id-stats.ts`). */
export function idStatsTable(id: string, title: string, ids: number[][], codebookSizes: number[]): Table {
  const s = idStats(ids);
  return {
    id,
    title,
    columns: ['position', 'codebook size', 'codes used', 'code perplexity', 'collision rate of prefix'],
    rows: s.codesUsed.map((used, t) => [t + 1, codebookSizes[t] ?? null, used, s.perplexity[t], s.collisionRate[t]]),
    notes: [`${ids.length} documents; collision rate = share of documents whose ID prefix up to that position is shared with another document.`],
  };
}

/**
 * Figure 3(a)-style: for each first-position code, the distribution of the documents' categories.
 * `codes` limits the bars to some codes (the paper shows c¹ ∈ {0,1,2,3}); default all.
 */
export function categoryDistributionFigure(corpus: Corpus, ids: number[][], labelKey: string, opts: { id: string; title: string; codes?: number[] }): FigureSpec {
  const labels = labelsOf(corpus, labelKey);
  const keep = ids.map((row) => opts.codes === undefined || opts.codes.includes(row[0]));
  const pairs = countByCode(ids.filter((_, i) => keep[i]).map((r) => r[0]), labels.filter((_, i) => keep[i]));
  return stackedBar({
    id: opts.id,
    title: opts.title,
    ...pairs,
    xTitle: 'first ID position c¹',
    caption: `Share of each "${labelKey}" category among the documents with a given first-position code (${corpus.name}).`,
  });
}

/**
 * Category distribution per code at ID `position` (0-based) among the documents whose earlier positions equal
 * `within` (Figure 3(b): `position` 1 within one c¹; Figure 3(a): position 0, `within` empty). Categories beyond the
 * `maxCategories` most frequent are pooled as "other" so the legend stays readable.
 */
export function prefixCategoryFigure(
  corpus: Corpus, ids: number[][], labelKey: string,
  opts: { id: string; title: string; position: number; within?: number[]; maxCategories?: number; xTitle?: string },
): FigureSpec {
  const within = opts.within ?? [];
  if (within.length !== opts.position) throw new LmiError(`prefixCategoryFigure "${opts.id}": within has ${within.length} codes, position ${opts.position} needs that many`);
  const labels = labelsOf(corpus, labelKey);
  const rows = ids.map((_, i) => i).filter((i) => within.every((c, t) => ids[i][t] === c));
  if (!rows.length) throw new LmiError(`prefixCategoryFigure "${opts.id}": no document has the ID prefix ${within.join('-')}`);
  const freq = new Map<string, number>();
  for (const i of rows) freq.set(labels[i], (freq.get(labels[i]) ?? 0) + 1);
  const keep = new Set([...freq.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, opts.maxCategories ?? 12).map((e) => e[0]));
  const other = keep.size < freq.size ? `other (${freq.size - keep.size} categories)` : '';
  const pairs = countByCode(rows.map((i) => ids[i][opts.position]), rows.map((i) => (keep.has(labels[i]) ? labels[i] : other)));
  const where = within.length ? `documents with c¹…=${within.join('-')}` : 'all documents';
  return stackedBar({
    id: opts.id,
    title: opts.title,
    ...pairs,
    xTitle: opts.xTitle ?? `ID position c${'¹²³⁴⁵⁶⁷⁸⁹'[opts.position] ?? opts.position + 1}`,
    caption: `Share of each "${labelKey}" category per code (${where}, ${rows.length} of ${corpus.docs.length} in ${corpus.name}).`,
  });
}

/** A few documents with their semantic IDs and labels side by side (a look at what the IDs group together). */
export function docsWithIdsTable(id: string, title: string, corpus: Corpus, ids: number[][], opts: { n?: number; labelKey?: string; rng?: Rng; maxChars?: number } = {}): Table {
  const n = Math.min(opts.n ?? 8, corpus.docs.length);
  const order = opts.rng ? opts.rng.permutation(corpus.docs.length).slice(0, n) : Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => ids[a].join('-').localeCompare(ids[b].join('-'), 'en', { numeric: true }));
  const key = opts.labelKey ?? corpus.labelKeys[0];
  const max = opts.maxChars ?? 90;
  return {
    id,
    title,
    columns: ['semantic ID', key ?? 'label', 'text'],
    rows: order.map((i) => {
      const d = corpus.docs[i];
      const text = d.text.length > max ? `${d.text.slice(0, max - 1)}…` : d.text;
      return [ids[i].join('-'), (key && d.labels?.[key]) ?? '', text];
    }),
  };
}

/**
 * Encoder-based embeddings, the stand-ins for the paper's BERT and in-domain SimCSE baselines (no such weights exist
 * offline here): our T5-style model pretrained by span corruption on the corpus (`pretrainOnCorpus`), then
 * (b) its encoder states mean-pooled ("BERT stand-in") and (c) the same encoder after unsupervised SimCSE on the
 * corpus ("SimCSE stand-in").
 */
export type EncoderEmbeddingKind = 'bert-standin' | 'simcse-standin';
export const ENCODER_EMBEDDING_KINDS: readonly EncoderEmbeddingKind[] = ['bert-standin', 'simcse-standin'];
export const ENCODER_EMBEDDING_NAMES: Record<EncoderEmbeddingKind, string> = {
  'bert-standin': 'T5-enc mean-pool (BERT stand-in)',
  'simcse-standin': 'T5-enc + unsup. SimCSE (SimCSE stand-in)',
};

/** Budget of the encoder stand-ins. */
export interface EncoderStandinSettings {
  /** Span-corruption epochs on the corpus (`cfg.data`). */
  pretrainEpochs: number;
  /** Tokens per document for pretraining, SimCSE and pooling. */
  maxLength: number;
  simcseSteps: number;
  simcseBatchSize: number;
  simcseLearningRate: number;
  /** SimCSE temperature (the SimCSE paper: 0.05). */
  simcseTemperature: number;
  /** Initialise the token embeddings from GloVe 100d before pretraining (`initEmbeddingsFromGlove`); default off. */
  gloveInit?: boolean;
  /** Data-parallel replicas for the pretraining (PretrainRunOptions.workers); default 1. */
  workers?: 'auto' | number;
}

/** `make figures` budget on 2 CPU cores (~4-5 min on Scientific: ~2.5 min pretraining, ~1 min SimCSE, 2 × 25 s pooling). */
export const DEFAULT_ENCODER_STANDIN: EncoderStandinSettings = {
  pretrainEpochs: 1, maxLength: 32, simcseSteps: 40, simcseBatchSize: 64, simcseLearningRate: 1e-4, simcseTemperature: 0.05,
};
/** Seconds-scale budget for smoke runs and tests. */
export const SMOKE_ENCODER_STANDIN: EncoderStandinSettings = {
  pretrainEpochs: 1, maxLength: 16, simcseSteps: 4, simcseBatchSize: 16, simcseLearningRate: 1e-4, simcseTemperature: 0.05,
};

export interface EncoderStandins {
  embeddings: Record<EncoderEmbeddingKind, DenseMatrix>;
  /** One line per stand-in saying what it is and its budget (for table notes). */
  notes: string[];
  seconds: { pretrain: number; pool: number; simcse: number };
  pretrainLoss: number[];
  simcseLoss: number[];
}

const standinMemo = new Map<string, Promise<EncoderStandins>>();

/**
 * Both encoder stand-ins for `corpus` (its texts, in its order). The model is pretrained on `cfg.data` — pass the
 * corpus loaded from the same `cfg.data`. Results are memoised per process by (config, settings, corpus) so Table 1
 * and the ID inspection share one pretraining inside `make figures`; the model itself is disposed.
 */
export function encoderStandinEmbeddings(corpus: Corpus, cfg: LmiConfig, settings: EncoderStandinSettings = DEFAULT_ENCODER_STANDIN): Promise<EncoderStandins> {
  const key = configHash({ data: cfg.data, tokenizer: cfg.tokenizer, model: cfg.model, indexer: cfg.indexer, seed: cfg.seed, settings, corpus: corpus.name, n: corpus.docs.length, first: corpus.docs[0]?.id });
  let p = standinMemo.get(key);
  if (!p) {
    p = computeStandins(corpus, cfg, settings);
    p.catch(() => standinMemo.delete(key));
    standinMemo.set(key, p);
  }
  return p;
}

async function computeStandins(corpus: Corpus, base: LmiConfig, s: EncoderStandinSettings): Promise<EncoderStandins> {
  if (corpus.name !== base.data.corpus) {
    throw new LmiError(`encoder stand-ins: the corpus is "${corpus.name}" but cfg.data.corpus is "${base.data.corpus}"; pretraining reads cfg.data, so pass a config whose data.corpus names this corpus`);
  }
  const cfg = structuredClone(base);
  cfg.tokenizer.maxLength = s.maxLength;
  let t = Date.now();
  let glove = '';
  const init = s.gloveInit
    ? (model: T5, tok: Tokenizer, texts: readonly string[]): void => {
      const r = initEmbeddingsFromGlove(model.params.get('shared.weight')!, tok, tok.vocabSize, cfg.seed + 3, texts);
      glove = `, token embeddings GloVe-initialised (${r.covered}/${r.wholeWords} whole words)`;
    }
    : undefined;
  const run = await pretrainOnCorpus(cfg, { epochs: s.pretrainEpochs, init, workers: s.workers });
  const pretrainSeconds = (Date.now() - t) / 1000;
  try {
    const { model, tokenizer } = run;
    const inputs = encoderInputs((x) => tokenizer.encode(x), corpus.docs.map((d) => d.text), s.maxLength, tokenizer.eosId);
    t = Date.now();
    const bert = await pooledEmbeddingsParallel(model, inputs);
    let pool = (Date.now() - t) / 1000;
    const sim = await trainSimcse(model, inputs, {
      steps: s.simcseSteps, batchSize: s.simcseBatchSize, learningRate: s.simcseLearningRate, temperature: s.simcseTemperature, seed: new Rng(cfg.seed).fork().seed(),
    });
    t = Date.now();
    const simcse = await pooledEmbeddingsParallel(model, inputs);
    pool += (Date.now() - t) / 1000;
    const pretrainLoss = epochLosses(run.result);
    const simcseLoss = sim.history.map((h) => h.loss);
    const shape = `T5-style d=${cfg.model.dModel}, ${cfg.model.numLayers} encoder layers, vocab ${tokenizer.vocabSize} (WordPiece trained on the corpus)${glove}, ${s.maxLength} tokens/doc`;
    const mean = (xs: number[]): string => (xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length)).toFixed(3);
    return {
      embeddings: { 'bert-standin': bert, 'simcse-standin': simcse },
      notes: [
        `${ENCODER_EMBEDDING_NAMES['bert-standin']}: ${shape}; span-corruption pretraining on ${corpus.name}, ${s.pretrainEpochs} epoch(s) = ${run.result.steps} steps of batch ${cfg.indexer.batchSize} (loss per epoch ${pretrainLoss.map((l) => l.toFixed(3)).join(' → ')}, ${pretrainSeconds.toFixed(0)} s); mean of the encoder's final states over real tokens, l2-normalised (pooling both stand-ins: ${pool.toFixed(0)} s). Stands in for BERT (no weights offline).`,
        `${ENCODER_EMBEDDING_NAMES['simcse-standin']}: the same encoder after unsupervised SimCSE on ${corpus.name} (dropout ${cfg.model.dropoutRate} views, in-batch negatives, InfoNCE τ = ${s.simcseTemperature}, ${s.simcseSteps} steps of batch ${s.simcseBatchSize}, lr ${s.simcseLearningRate}; loss first 5 steps ${mean(simcseLoss.slice(0, 5))} → last 5 ${mean(simcseLoss.slice(-5))}, ${sim.seconds.toFixed(0)} s). Stands in for in-domain SimCSE.`,
      ],
      seconds: { pretrain: pretrainSeconds, pool, simcse: sim.seconds },
      pretrainLoss,
      simcseLoss,
    };
  } finally {
    run.model.dispose();
  }
}
