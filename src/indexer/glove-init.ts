/**
 * GloVe initialisation of the token embeddings (issue 13): every whole-word token of the tokenizer — a token whose
 * text occurs as a standalone word of the corpus, so not a `##` continuation piece, not a word-initial piece such as
 * "st" of "stain", not a special token — that has a GloVe 100d vector gets that vector, l2-normalised and mapped to
 * d_model by a FIXED random Gaussian projection P [100, d] (entries N(0, 1); identity · √d when d = 100), so its row
 * has the scale of T5's N(0, 1) initialisation. Subword pieces and words without a vector keep their random rows.
 * Chosen over a learned linear map because a fixed projection is an approximate isometry (d ≥ 100) and adds no
 * parameters; the rows are trained further afterwards like any embedding.
 */
import * as tf from '@tensorflow/tfjs';
import { type LoadWordVectorsOptions, type WordVectors, loadWordVectors } from '../embeddings/word-vectors';
import { Rng } from '../rng';
import type { Tokenizer } from '../text/tokenizer';

/** Lower-cased words of `texts` (runs of letters and digits). */
export function corpusWords(texts: Iterable<string>): Set<string> {
  const out = new Set<string>();
  for (const t of texts) for (const w of t.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) out.add(w);
  return out;
}

/**
 * Whole-word tokens of the tokenizer: id → word, for the tokens whose text is a word of `texts`. A WordPiece
 * vocabulary also holds word-initial pieces ("st", "moist") that are English words in GloVe but not the word the
 * piece stands for; requiring the token to occur as a standalone corpus word keeps those on their random rows.
 */
export function wholeWordTokens(tok: Tokenizer, vocab: number, texts: Iterable<string>): Map<number, string> {
  const words = corpusWords(texts);
  const out = new Map<number, string>();
  for (let id = 0; id < vocab; id++) {
    const t = tok.idToToken(id);
    if (!t || t.startsWith('##') || t.startsWith('<') || t.startsWith('[')) continue;
    const w = t.toLowerCase();
    if (words.has(w)) out.set(id, w);
  }
  return out;
}

export interface GloveInitReport {
  /** Whole-word tokens that got a GloVe row. */
  covered: number;
  wholeWords: number;
  projection: 'identity' | 'fixed-random-gaussian';
}

/** Overwrite rows of `table` ([rows, d] variable) for the tokenizer's whole words of the corpus `texts`. */
export function initEmbeddingsFromGlove(
  table: tf.Variable, tok: Tokenizer, vocab: number, seed: number, texts: Iterable<string>,
  vectors?: WordVectors, loadOptions: Omit<LoadWordVectorsOptions, 'vocabulary'> = {},
): GloveInitReport {
  const words = wholeWordTokens(tok, vocab, texts);
  const wv = vectors ?? loadWordVectors({ ...loadOptions, vocabulary: new Set(words.values()) });
  const [rows, d] = table.shape as [number, number];
  const k = wv.dim;
  const identity = d === k;
  const proj = new Float32Array(k * d);
  const rng = new Rng(seed);
  if (!identity) for (let i = 0; i < proj.length; i++) proj[i] = rng.normal();
  const data = Float32Array.from(table.dataSync() as Float32Array);
  let covered = 0;
  for (const [id, w] of words) {
    const v = wv.get(w);
    if (!v || id >= rows) continue;
    let norm = 0;
    for (let i = 0; i < k; i++) norm += v[i] * v[i];
    norm = Math.sqrt(norm) || 1;
    const row = data.subarray(id * d, id * d + d);
    if (identity) for (let j = 0; j < d; j++) row[j] = (v[j] / norm) * Math.sqrt(d);
    else {
      row.fill(0);
      for (let i = 0; i < k; i++) {
        const x = v[i] / norm;
        for (let j = 0; j < d; j++) row[j] += x * proj[i * d + j];
      }
    }
    covered++;
  }
  tf.tidy(() => table.assign(tf.tensor2d(data, [rows, d])));
  return { covered, wholeWords: words.size, projection: identity ? 'identity' : 'fixed-random-gaussian' };
}
