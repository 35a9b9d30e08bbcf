/**
 * Building blocks of the ID-quality experiments (Table 1, Figure 3), shared by `make figures` and the notebooks:
 * embed a corpus, index it, score ID prefixes against ground-truth labels by AMI (Appendix A.4), and draw the
 * category distribution per first-position code (Figure 3a).
 */
import type { LmiConfig } from '../config';
import type { Corpus } from '../data/types';
import { embedWithGlove } from '../embeddings/glove-docs';
import { tfidfSvdEmbeddings, type DenseMatrix } from '../embeddings/index';
import { LmiError } from '../errors';
import { adjustedMutualInfo } from '../eval/ami';
import { idStats, prefixLabels } from '../eval/id-stats';
import { hcIndex } from '../quantize/hierarchical';
import type { IndexerResult } from '../quantize/types';
import { Rng } from '../rng';
import type { FigureSpec } from '../viz/figure';
import { countByCode, stackedBar } from '../viz/plots';
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
