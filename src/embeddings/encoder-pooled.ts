/**
 * Document embeddings from a Transformer encoder: the mean of its final hidden states over the real (non-padding)
 * tokens. With our corpus-pretrained T5-style encoder this is the project's stand-in for the paper's BERT
 * embeddings (no BERT weights can be had offline); after `trainSimcse` it is the SimCSE stand-in.
 *
 * The encoder is typed structurally (anything with `encode(ids) → [B, L, d]` and a pad id), so this file needs no
 * model import; `T5` fits.
 */
import * as tf from '@tensorflow/tfjs';
import { LmiError } from '../errors';
import type { Rng } from '../rng';
import type { DenseMatrix } from './types';

/** Token ids of a batch, row-major and padded: `rows` × `cols`. */
export interface PaddedIds {
  data: Int32Array;
  rows: number;
  cols: number;
}

/** What pooling needs from an encoder (T5's `encode` and `options.padTokenId`). */
export interface TokenEncoder {
  readonly options: { readonly padTokenId: number };
  encode(inputIds: PaddedIds, opts?: { training?: boolean; rng?: Rng }): tf.Tensor3D;
}

/** Settings of `pooledEmbeddings`. */
export interface PoolingOptions {
  /** Documents per forward pass. */
  batchSize: number;
  /** Scale every embedding to unit length (cosine geometry, as for k-means with spherical updates). */
  normalize: boolean;
}

export const DEFAULT_POOLING: PoolingOptions = { batchSize: 64, normalize: true };

/**
 * Tokenised documents as encoder inputs: at most `maxLength` ids, the last one EOS (as T5 inputs end), so even an
 * empty text has one real token.
 */
export function encoderInputs(encode: (text: string) => number[], texts: readonly string[], maxLength: number, eosId: number): number[][] {
  if (!Number.isInteger(maxLength) || maxLength < 2) throw new LmiError(`encoderInputs: maxLength must be an integer ≥ 2, got ${maxLength}`);
  return texts.map((t) => [...encode(t).slice(0, maxLength - 1), eosId]);
}

/** Pad sequences to the longest one with `padId`. Every sequence must be non-empty. */
export function padSequences(seqs: readonly (readonly number[])[], padId: number): PaddedIds {
  if (!seqs.length) throw new LmiError('padSequences: no sequences');
  const cols = Math.max(...seqs.map((s) => s.length));
  const data = new Int32Array(seqs.length * cols).fill(padId);
  seqs.forEach((s, i) => {
    if (!s.length) throw new LmiError(`padSequences: sequence ${i} is empty; give every document at least one token (e.g. EOS)`);
    data.set(s, i * cols);
  });
  return { data, rows: seqs.length, cols };
}

/** Masked mean over positions: hidden [B, L, d], `ids` the padded inputs; positions holding `padId` are left out. */
export function meanPool(hidden: tf.Tensor3D, ids: PaddedIds, padId: number): tf.Tensor2D {
  const [B, L] = hidden.shape;
  if (B !== ids.rows || L !== ids.cols) throw new LmiError(`meanPool: hidden states [${hidden.shape.join(', ')}] do not match ids [${ids.rows}, ${ids.cols}]`);
  const mask = new Float32Array(B * L);
  const counts = new Float32Array(B);
  for (let i = 0; i < B * L; i++) {
    if (ids.data[i] !== padId) {
      mask[i] = 1;
      counts[Math.floor(i / L)] += 1;
    }
  }
  for (let b = 0; b < B; b++) counts[b] = 1 / Math.max(1, counts[b]);
  return tf.tidy(() => {
    const summed = tf.sum(tf.mul(hidden, tf.tensor3d(mask, [B, L, 1])), 1);
    return tf.mul(summed, tf.tensor2d(counts, [B, 1])) as tf.Tensor2D;
  });
}

/**
 * Mean-pooled encoder embeddings of tokenised documents (inference: no dropout). Documents are batched by length
 * (less padding); row i of the result belongs to `sequences[i]`.
 */
export function pooledEmbeddings(encoder: TokenEncoder, sequences: readonly (readonly number[])[], options: Partial<PoolingOptions> = {}): DenseMatrix {
  const o = { ...DEFAULT_POOLING, ...options };
  if (!sequences.length) throw new LmiError('pooledEmbeddings: no documents');
  if (!Number.isInteger(o.batchSize) || o.batchSize < 1) throw new LmiError(`pooledEmbeddings: batchSize must be an integer ≥ 1, got ${o.batchSize}`);
  const pad = encoder.options.padTokenId;
  const order = sequences.map((s, i) => [s.length, i]).sort((a, b) => a[0] - b[0] || a[1] - b[1]).map((x) => x[1]);
  let out: Float32Array | undefined;
  let dim = 0;
  for (let start = 0; start < order.length; start += o.batchSize) {
    const rows = order.slice(start, start + o.batchSize);
    const ids = padSequences(rows.map((i) => sequences[i]), pad);
    const pooled = tf.tidy(() => {
      const h = encoder.encode(ids);
      const p = meanPool(h, ids, pad);
      return o.normalize ? tf.div(p, tf.maximum(tf.norm(p, 'euclidean', 1, true), 1e-12)) : p;
    });
    const values = pooled.dataSync();
    dim = pooled.shape[1] as number;
    pooled.dispose();
    out ??= new Float32Array(sequences.length * dim);
    rows.forEach((docIndex, r) => out!.set(values.subarray(r * dim, (r + 1) * dim), docIndex * dim));
  }
  return { data: out!, n: sequences.length, dim };
}
