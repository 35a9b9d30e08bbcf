/**
 * Okapi BM25 over an inverted index (Table 3/5 baseline). For query term t (counted with its multiplicity in the
 * query, as Anserini's bag-of-words queries do) and document d:
 *   idf(t)    = ln(1 + (N − df + 0.5) / (df + 0.5))                       (Lucene, never negative)
 *   w(t, d)   = idf(t) · tf · (k1 + 1) / (tf + k1 · (1 − b + b · |d| / avgdl))
 * |d| = number of tokens after stop word removal. Defaults k1 = 0.9, b = 0.4 (Anserini / BEIR). Unlike Lucene,
 * document lengths are exact (Lucene stores them in one lossy byte), and the (k1 + 1) factor is kept (Lucene ≥ 8
 * drops it; rankings are identical).
 */
import { LmiError } from '../../errors';
import { topK } from '../seqrec/top-k';
import { tokenize, type TokenizeOptions } from './tokenize';

/** Options for {@link Bm25Index}. */
export interface Bm25Options {
  k1: number;
  b: number;
  /** Tokeniser options (stop words, stemming) applied to documents and queries alike. */
  tokenize: Partial<TokenizeOptions>;
}

/** Defaults for {@link Bm25Options}. */
export const BM25_DEFAULTS: Bm25Options = { k1: 0.9, b: 0.4, tokenize: {} };

/** One search hit. */
export interface Bm25Hit {
  id: string;
  score: number;
}

interface Posting {
  docs: Int32Array;
  tfs: Int32Array;
}

/** An inverted index with BM25 scoring. */
export class Bm25Index {
  readonly options: Bm25Options;
  readonly ids: string[];
  readonly docLengths: Int32Array;
  readonly avgdl: number;
  private readonly postings = new Map<string, Posting>();

  constructor(docs: readonly { id: string; text: string }[], options: Partial<Bm25Options> = {}) {
    this.options = { ...BM25_DEFAULTS, ...options };
    const { k1, b } = this.options;
    if (!(k1 >= 0) || !Number.isFinite(k1)) throw new LmiError(`Bm25Index: option "k1" must be a finite number ≥ 0, got ${k1}`);
    if (!(b >= 0 && b <= 1)) throw new LmiError(`Bm25Index: option "b" must be in [0, 1], got ${b}`);
    if (docs.length === 0) throw new LmiError('Bm25Index: no documents to index');
    this.ids = docs.map((d) => d.id);
    this.docLengths = new Int32Array(docs.length);
    const build = new Map<string, { docs: number[]; tfs: number[] }>();
    docs.forEach((doc, di) => {
      const toks = tokenize(doc.text, this.options.tokenize);
      this.docLengths[di] = toks.length;
      const tf = new Map<string, number>();
      for (const t of toks) tf.set(t, (tf.get(t) ?? 0) + 1);
      for (const [t, c] of tf) {
        let p = build.get(t);
        if (!p) build.set(t, (p = { docs: [], tfs: [] }));
        p.docs.push(di);
        p.tfs.push(c);
      }
    });
    let total = 0;
    for (const l of this.docLengths) total += l;
    this.avgdl = total / docs.length;
    for (const [t, p] of build) this.postings.set(t, { docs: Int32Array.from(p.docs), tfs: Int32Array.from(p.tfs) });
  }

  /** Number of indexed documents. */
  get size(): number {
    return this.ids.length;
  }

  /** Document frequency of an (already tokenised) term. */
  df(term: string): number {
    return this.postings.get(term)?.docs.length ?? 0;
  }

  /** Lucene idf of an (already tokenised) term. */
  idf(term: string): number {
    const df = this.df(term);
    return Math.log(1 + (this.size - df + 0.5) / (df + 0.5));
  }

  /** BM25 score of every document for `query` (raw text), aligned with `ids`. */
  scoreAll(query: string): Float64Array {
    const { k1, b } = this.options;
    const scores = new Float64Array(this.size);
    const qtf = new Map<string, number>();
    for (const t of tokenize(query, this.options.tokenize)) qtf.set(t, (qtf.get(t) ?? 0) + 1);
    for (const [t, count] of qtf) {
      const p = this.postings.get(t);
      if (!p) continue;
      const w = count * this.idf(t);
      for (let j = 0; j < p.docs.length; j++) {
        const d = p.docs[j];
        const tf = p.tfs[j];
        scores[d] += (w * tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * this.docLengths[d]) / this.avgdl));
      }
    }
    return scores;
  }

  /** The `k` best documents with a positive score, best first (ties: index order). */
  search(query: string, k = 10): Bm25Hit[] {
    const scores = this.scoreAll(query);
    const hits: Bm25Hit[] = [];
    for (const i of topK(scores, k)) if (scores[i] > 0) hits.push({ id: this.ids[i], score: scores[i] });
    return hits;
  }
}
