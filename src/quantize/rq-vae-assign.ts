/**
 * rq-VAE codes for documents the indexer was not trained on (paper App. A.10, zero-shot): train `rqVaeIndex` on the
 * seen rows, then map the unseen rows through the same trained encoder and codebooks. Unseen rows are scaled with
 * the training rows' statistics, so a new document lands where a training document with the same embedding would.
 * Full IDs (collision position) are left to the caller: `resolveCollisions` of src/indexer/incremental.ts.
 */
import type { KMeansConfig } from '../config';
import type { DenseMatrix } from '../embeddings/types';
import { LmiError } from '../errors';
import type { Rng } from '../rng';
import { type RqVaeConfig, rqVaeIndex, type RqVaeOptions, scaleInput } from './rq-vae';
import type { IndexerResult } from './types';

/** The seen rows' index and the T codes (no collision position) of every unseen row. */
export interface RqVaeWithUnseen {
  result: IndexerResult;
  unseenPaths: number[][];
}

/** Norm of the first non-zero row (the global factor `scaleInput` 'l2' gives every non-zero row); 1 if none. */
function rowScale(scaled: Float32Array, n: number, dim: number): number {
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += scaled[i * dim + j] ** 2;
    if (s > 0) return Math.sqrt(s);
  }
  return 1;
}

/** `rows` scaled as `scaleInput(train, mode)` scaled the training rows ('l2' and 'none'; 'standardize' would need the training column means). */
export function scaleLike(train: DenseMatrix, rows: DenseMatrix, mode: RqVaeConfig['inputNorm']): Float32Array {
  if (mode === 'none') return scaleInput(rows, 'none');
  if (mode !== 'l2') throw new LmiError(`rq-vae-assign: field "inputNorm" "${mode}" cannot scale unseen rows; use "l2" or "none"`);
  const out = scaleInput(rows, 'l2');
  const f = rowScale(scaleInput(train, 'l2'), train.n, train.dim) / rowScale(out, rows.n, rows.dim);
  for (let i = 0; i < out.length; i++) out[i] *= f;
  return out;
}

/** Train on `seen`, then encode `unseen` (same dim) with the trained model. Deterministic for a given `rng` state. */
export function rqVaeIndexWithUnseen(seen: DenseMatrix, unseen: DenseMatrix, cfg: RqVaeConfig, kmeansCfg: KMeansConfig, rng: Rng, opts: RqVaeOptions = {}): RqVaeWithUnseen {
  if (unseen.dim !== seen.dim) throw new LmiError(`rq-vae-assign: unseen rows have dim ${unseen.dim}, the training rows ${seen.dim}`);
  const x = scaleLike(seen, unseen, cfg.inputNorm);
  let codes = new Int32Array(0);
  const result = rqVaeIndex(seen, cfg, kmeansCfg, rng, {
    ...opts,
    onTrained: (encode) => {
      opts.onTrained?.(encode);
      if (unseen.n > 0) codes = encode(x, unseen.n);
    },
  });
  const T = cfg.levels;
  return { result, unseenPaths: Array.from({ length: unseen.n }, (_, i) => Array.from(codes.subarray(i * T, (i + 1) * T))) };
}
