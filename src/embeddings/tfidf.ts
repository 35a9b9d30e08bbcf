/**
 * TF-IDF document vectors, matching sklearn's `TfidfVectorizer` defaults where it matters: smooth idf
 * `ln((1 + n) / (1 + df)) + 1`, optional sublinear tf `1 + ln(tf)`, rows l2-normalised. Vocabulary: terms in at least
 * `minDf` documents, the `maxFeatures` with the highest document frequency (ties by term), stored alphabetically.
 */
import type { EmbeddingConfig } from '../config';
import { LmiError } from '../errors';
import type { CsrMatrix } from './types';

/** Splits a text into terms. */
export type TermTokenizer = (text: string) => string[];

/** Default tokenizer: lowercase `[a-z0-9]+` words of at least 2 characters. */
export function defaultTermTokenizer(text: string): string[] {
  const words = text.toLowerCase().match(/[a-z0-9]+/g);
  if (!words) return [];
  return words.filter((w) => w.length >= 2);
}

/** A fitted TF-IDF vocabulary; `transform` maps texts to l2-normalised sparse rows. */
export class TfidfModel {
  /** Term id → index in the vocabulary. */
  readonly termIndex: Map<string, number>;

  /**
   * @param vocab terms, alphabetical; column j of `transform`'s output is `vocab[j]`
   * @param idf smooth idf per term
   */
  constructor(
    readonly vocab: string[],
    readonly idf: Float32Array,
    readonly sublinearTf: boolean,
    readonly tokenize: TermTokenizer,
  ) {
    this.termIndex = new Map(vocab.map((t, i) => [t, i]));
  }

  /** TF-IDF rows for `texts` (CSR, column ids ascending per row; a text with no known term gives an empty row). */
  transform(texts: readonly string[]): CsrMatrix {
    const nCols = this.vocab.length;
    const counts = new Int32Array(nCols);
    const indptr = new Int32Array(texts.length + 1);
    let indices = new Int32Array(Math.max(16, texts.length * 8));
    let data = new Float32Array(indices.length);
    let nnz = 0;
    const touched: number[] = [];
    for (let i = 0; i < texts.length; i++) {
      touched.length = 0;
      for (const term of this.tokenize(texts[i])) {
        const j = this.termIndex.get(term);
        if (j === undefined) continue;
        if (counts[j]++ === 0) touched.push(j);
      }
      touched.sort((x, y) => x - y);
      if (nnz + touched.length > indices.length) {
        const cap = Math.max(indices.length * 2, nnz + touched.length);
        const ni = new Int32Array(cap);
        ni.set(indices.subarray(0, nnz));
        const nd = new Float32Array(cap);
        nd.set(data.subarray(0, nnz));
        indices = ni;
        data = nd;
      }
      let norm = 0;
      const start = nnz;
      for (const j of touched) {
        const tf = this.sublinearTf ? 1 + Math.log(counts[j]) : counts[j];
        const w = tf * this.idf[j];
        counts[j] = 0;
        indices[nnz] = j;
        data[nnz++] = w;
        norm += w * w;
      }
      if (norm > 0) {
        const inv = 1 / Math.sqrt(norm);
        for (let p = start; p < nnz; p++) data[p] *= inv;
      }
      indptr[i + 1] = nnz;
    }
    return { nRows: texts.length, nCols, indptr, indices: indices.slice(0, nnz), data: data.slice(0, nnz) };
  }
}

/**
 * Fit the vocabulary and idf on `texts`. `cfg.maxFeatures <= 0` keeps every term with df ≥ `cfg.minDf`.
 * Throws when no term survives (empty texts, or `minDf` too high).
 */
export function fitTfidf(
  texts: readonly string[],
  cfg: Pick<EmbeddingConfig, 'maxFeatures' | 'minDf' | 'sublinearTf'>,
  tokenize: TermTokenizer = defaultTermTokenizer,
): TfidfModel {
  if (texts.length === 0) throw new LmiError('tfidf: no texts to fit on');
  const ids = new Map<string, number>();
  const df: number[] = [];
  const lastDoc: number[] = [];
  for (let i = 0; i < texts.length; i++) {
    for (const term of tokenize(texts[i])) {
      let j = ids.get(term);
      if (j === undefined) {
        j = df.length;
        ids.set(term, j);
        df.push(0);
        lastDoc.push(-1);
      }
      if (lastDoc[j] !== i) {
        lastDoc[j] = i;
        df[j]++;
      }
    }
  }
  let terms = [...ids.keys()].filter((t) => df[ids.get(t)!] >= cfg.minDf);
  if (cfg.maxFeatures > 0 && terms.length > cfg.maxFeatures) {
    terms.sort((x, y) => df[ids.get(y)!] - df[ids.get(x)!] || (x < y ? -1 : x > y ? 1 : 0));
    terms = terms.slice(0, cfg.maxFeatures);
  }
  if (terms.length === 0) {
    throw new LmiError(`tfidf: empty vocabulary from ${texts.length} texts (minDf=${cfg.minDf}); lower embedding.minDf or check the texts`);
  }
  terms.sort();
  const n = texts.length;
  const idf = Float32Array.from(terms, (t) => Math.log((1 + n) / (1 + df[ids.get(t)!])) + 1);
  return new TfidfModel(terms, idf, cfg.sublinearTf, tokenize);
}
