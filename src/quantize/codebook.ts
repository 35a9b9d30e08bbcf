/**
 * A per-position codebook look-up (Eq 2–3): c_t = argmax_j sim(h_t, e_t^j).
 *
 * The paper's similarity is the raw dot product h·e. Measured here (DESIGN.md, "Measured risks"): with an
 * un-normalised h and k-means centroids the dot product picks the largest-norm centroid — 1 of 64 codes used right
 * after initialisation. The default is therefore cosine similarity (both sides l2-normalised) divided by a
 * temperature; `'dot'` keeps the paper's form. The argmax of cosine does not depend on the temperature; the
 * temperature only shapes the softmax used by the straight-through backward pass (Eq 6) and the ID cross-entropy.
 */
import * as tf from '@tensorflow/tfjs';
import { LmiError } from '../errors';
import { linear } from '../nn/ops';

export type Similarity = 'cosine' | 'dot';

/** How h is compared with the code embeddings. */
export interface CodebookOptions {
  similarity: Similarity;
  /** Logits are sim / temperature (cosine in [-1, 1] needs a small one, e.g. 0.1). */
  temperature: number;
}

export const DEFAULT_CODEBOOK_OPTIONS: CodebookOptions = { similarity: 'cosine', temperature: 0.1 };

/** Rows scaled to unit l2 norm (rows of zeros stay zero). */
export function l2Normalize(x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.mul(x, tf.rsqrt(tf.add(tf.sum(tf.square(x), 1, true), 1e-12))) as tf.Tensor2D);
}

/** Code logits [B, K] = sim(h [B, d], codebook [K, d]) / temperature (Eq 2, softmax numerator of Eq 6). */
export function codebookLogits(h: tf.Tensor2D, codebook: tf.Tensor2D, opts: CodebookOptions = DEFAULT_CODEBOOK_OPTIONS): tf.Tensor2D {
  if (h.shape[1] !== codebook.shape[1]) {
    throw new LmiError(`codebookLogits: h has dim ${h.shape[1]} but the codebook has dim ${codebook.shape[1]}`);
  }
  if (!(opts.temperature > 0)) throw new LmiError(`codebookLogits: temperature must be > 0, got ${opts.temperature}`);
  return tf.tidy(() => {
    const a = opts.similarity === 'cosine' ? l2Normalize(h) : h;
    const e = opts.similarity === 'cosine' ? l2Normalize(codebook) : codebook;
    // Explicit transpose, then an untransposed product (fast path on wasm).
    return tf.div(linear(a, tf.transpose(e) as tf.Tensor2D), opts.temperature) as tf.Tensor2D;
  });
}

/** Row-wise argmax of logits [B, K] as plain ids (Eq 2). Ties → the lowest index. */
export function argmaxCodes(logits: tf.Tensor2D): Int32Array {
  const [b, k] = logits.shape;
  const v = logits.dataSync();
  const out = new Int32Array(b);
  for (let i = 0; i < b; i++) {
    let best = 0;
    let bv = v[i * k];
    for (let j = 1; j < k; j++) if (v[i * k + j] > bv) { bv = v[i * k + j]; best = j; }
    out[i] = best;
  }
  return out;
}

/** Codes of h under a codebook (no gradient): Eq 2. */
export function assignCodes(h: tf.Tensor2D, codebook: tf.Tensor2D, opts: CodebookOptions = DEFAULT_CODEBOOK_OPTIONS): Int32Array {
  const logits = codebookLogits(h, codebook, opts);
  try {
    return argmaxCodes(logits);
  } finally {
    logits.dispose();
  }
}
