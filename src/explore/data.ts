/**
 * Everything the explorer page needs, precomputed in Node from a loaded ID index: documents (cut texts, full IDs,
 * labels as dictionary indices), the top words of every tree node, and the TF-IDF vocabulary + truncated term-weight
 * table that lets the page approximate the indexer's predicted ID path for a typed query without a server or model.
 */
import { fitTfidf } from '../embeddings/tfidf';
import { LmiError } from '../errors';
import type { LoadedIdIndex } from '../quantize/id-index';
import { nodeMembers, nodeTopTerms, type RankedTerm } from './node-terms';
import { EXPLORER_DEFAULTS, type ExplorerOptions } from './options';
import { encodeSearchTable, truncateRows, type SearchTable } from './search-table';

/** Format version of {@link ExplorerData} (the page script checks it). */
export const EXPLORER_DATA_VERSION = 1;

/** The JSON embedded in the page. */
export interface ExplorerData {
  v: number;
  title: string;
  corpus: { name: string; source: string };
  indexer: string;
  created: string;
  configHash: string;
  codebookSizes: number[];
  /** Tree levels shown (ID positions 1..depth). */
  depth: number;
  numDocs: number;
  docs: {
    id: string[];
    /** Texts cut to `snippetChars`. */
    text: string[];
    /** `meta.title` per document when the corpus has titles (else absent). */
    title?: string[];
    /** Flat IDs: document i's codes are `codes[i*L .. (i+1)*L)`, L = codebookSizes.length. */
    codes: number[];
  };
  /** Label keys (coarsest first), the first one to show, and per key a value dictionary + one index per document. */
  labelKeys: string[];
  labelKey: string | null;
  labels: Record<string, { values: string[]; idx: number[] }>;
  /** Page vocabulary (terms used by top words or the search table), their smooth idf, and the tf rule. */
  vocab: string[];
  idf: number[];
  sublinearTf: boolean;
  /** Node prefix key (`""`, `"4"`, `"4-2"`, …) → top words as [page term id, score 1..100]. */
  nodeTerms: Record<string, RankedTerm[]>;
  search: SearchTable & { topK: number; termsPerDoc: number };
  /** Footer text: how search works. */
  note: string;
}

/** Options with corpus-dependent defaults filled in and checked. */
export function resolveOptions(index: LoadedIdIndex, opts: Partial<ExplorerOptions> = {}): ExplorerOptions {
  const L = index.result.codebookSizes.length;
  const n = index.corpus.docs.length;
  const o: ExplorerOptions = {
    ...EXPLORER_DEFAULTS,
    title: `Semantic ID explorer — ${index.corpus.name}`,
    depth: Math.min(3, L),
    minDf: n < 200 ? 1 : 2,
    labelKey: index.corpus.labelKeys[0] ?? '',
    ...opts,
  };
  const int = (name: keyof ExplorerOptions, v: number, lo: number, hi = Infinity): void => {
    if (!Number.isInteger(v) || v < lo || v > hi) throw new LmiError(`explorer: option "${name}" must be an integer in ${lo}..${hi}, got ${v}`);
  };
  int('depth', o.depth, 1, L);
  int('snippetChars', o.snippetChars, 20);
  int('topWords', o.topWords, 1, 50);
  int('termsPerDoc', o.termsPerDoc, 1, 1000);
  int('maxTerms', o.maxTerms, 1, 0xffff);
  int('minDf', o.minDf, 1);
  int('searchTopK', o.searchTopK, 1, 1000);
  if (o.labelKey && !index.corpus.labelKeys.includes(o.labelKey)) {
    throw new LmiError(`explorer: option "labelKey" is "${o.labelKey}", but the index has labels ${JSON.stringify(index.corpus.labelKeys)}`);
  }
  return o;
}

/** Cut `s` to `n` characters at a word boundary when possible, adding `…`. */
export function snippet(s: string, n: number): string {
  const t = s.replace(/\s+/g, ' ').trim();
  if (t.length <= n) return t;
  const cut = t.slice(0, n);
  const sp = cut.lastIndexOf(' ');
  return `${sp > n * 0.6 ? cut.slice(0, sp) : cut}…`;
}

/** Label dictionaries: values ordered by frequency (most common first), one index per document (-1: missing). */
function labelColumns(index: LoadedIdIndex): Record<string, { values: string[]; idx: number[] }> {
  const out: Record<string, { values: string[]; idx: number[] }> = {};
  for (const key of index.corpus.labelKeys) {
    const count = new Map<string, number>();
    for (const d of index.corpus.docs) {
      const v = d.labels?.[key];
      if (v !== undefined) count.set(v, (count.get(v) ?? 0) + 1);
    }
    const values = [...count.keys()].sort((a, b) => count.get(b)! - count.get(a)! || (a < b ? -1 : a > b ? 1 : 0));
    const pos = new Map(values.map((v, j) => [v, j]));
    out[key] = { values, idx: index.corpus.docs.map((d) => pos.get(d.labels?.[key] ?? '\u0000') ?? -1) };
  }
  return out;
}

/** Build the page data from a loaded index. Deterministic for equal inputs. */
export function explorerData(index: LoadedIdIndex, opts: Partial<ExplorerOptions> = {}): ExplorerData {
  const o = resolveOptions(index, opts);
  const { corpus, result, manifest } = index;
  if (corpus.docs.length === 0) throw new LmiError(`explorer: index ${index.dir} has no documents`);
  const texts = corpus.docs.map((d) => d.text);
  const tfidf = fitTfidf(texts, { maxFeatures: o.maxTerms, minDf: o.minDf, sublinearTf: true });
  const x = tfidf.transform(texts);
  const members = nodeMembers(result.ids, o.depth);
  const top = nodeTopTerms(x, tfidf.vocab, members, o.topWords);
  const rows = truncateRows(x, o.termsPerDoc);

  // Page vocabulary: only the terms the page uses, in first-use order.
  const remap = new Int32Array(tfidf.vocab.length).fill(-1);
  const vocab: string[] = [];
  const idf: number[] = [];
  const use = (t: number): number => {
    if (remap[t] < 0) {
      remap[t] = vocab.length;
      vocab.push(tfidf.vocab[t]);
      idf.push(Math.round(tfidf.idf[t] * 1000) / 1000);
    }
    return remap[t];
  };
  const nodeTerms: Record<string, RankedTerm[]> = {};
  for (const [key, terms] of top) nodeTerms[key] = terms.map(([t, s]) => [use(t), s]);
  rows.terms.forEach((t) => use(t));

  const hasTitles = corpus.docs.some((d) => d.meta?.title);
  return {
    v: EXPLORER_DATA_VERSION,
    title: o.title,
    corpus: { name: corpus.name, source: corpus.source },
    indexer: manifest.indexer,
    created: manifest.created,
    configHash: manifest.configHash,
    codebookSizes: [...result.codebookSizes],
    depth: o.depth,
    numDocs: corpus.docs.length,
    docs: {
      id: corpus.docs.map((d) => d.id),
      text: corpus.docs.map((d) => snippet(d.text, o.snippetChars)),
      ...(hasTitles ? { title: corpus.docs.map((d) => snippet(d.meta?.title ?? '', 160)) } : {}),
      codes: result.ids.flat(),
    },
    labelKeys: [...corpus.labelKeys],
    labelKey: o.labelKey || null,
    labels: labelColumns(index),
    vocab,
    idf,
    sublinearTf: tfidf.sublinearTf,
    nodeTerms,
    search: { ...encodeSearchTable(rows, remap), topK: o.searchTopK, termsPerDoc: o.termsPerDoc },
    note:
      `Search is a TF-IDF approximation of the indexer: the query is matched by TF-IDF cosine against each document's ` +
      `${o.termsPerDoc} strongest terms, and the predicted path is the score-weighted majority ID path of the ` +
      `${o.searchTopK} best matches. It stands in until the LMIndexer encoder runs in-page.`,
  };
}
