/**
 * Residual vector quantisation (Lee et al. 2022; TIGER, Rajput et al. 2023): level t picks the codebook entry e_t
 * nearest (Euclidean) to the residual r_t left by levels < t (r_1 = z, r_{t+1} = r_t − e_t); the quantised vector is
 * Σ_t e_t. Tensor pieces for the rq-VAE indexer (rq-vae.ts) plus a k-means initialisation of the codebooks.
 *
 * wasm notes: no `gather` under autodiff (codebook lookup is a one-hot matmul) and no transpose flags (Cᵀ is an
 * explicit operand).
 */
import * as tf from '@tensorflow/tfjs';
import type { KMeansConfig } from '../config';
import type { DenseMatrix } from '../embeddings/types';
import { LmiError } from '../errors';
import type { Rng } from '../rng';
import { kmeans, type KMeansOptions } from './kmeans';
import { stopGradient } from './straight-through';

/** Index of the nearest codebook row of every row of `r` (argmin ‖r − c‖² = argmin ‖c‖² − 2 r·c); int32 [B]. */
export function nearestCodes(r: tf.Tensor2D, codebook: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => {
    const ct = tf.transpose(codebook); // [L, K] as an explicit operand (fast wasm path)
    const scores = tf.sub(tf.sum(tf.square(codebook), 1), tf.mul(tf.matMul(r, ct), 2)); // [B, K]
    return tf.argMin(scores, 1) as tf.Tensor1D;
  });
}

/** Output of {@link residualQuantize}; every tensor belongs to the caller. */
export interface ResidualQuantized {
  /** int32 [B, T]: the code chosen at each level. */
  codes: tf.Tensor2D;
  /** [B, L]: Σ_t e_t (differentiable w.r.t. the codebooks, not w.r.t. z). */
  quantized: tf.Tensor2D;
  /** Σ_t mean‖sg[r_t] − e_t‖² (codebook loss; trains the codebooks). */
  codebookLoss: tf.Scalar;
  /** Σ_t mean‖r_t − sg[e_t]‖² (commitment loss, unweighted; trains the encoder). */
  commitmentLoss: tf.Scalar;
}

/**
 * Quantise `z` [B, L] level by level with `codebooks` (each [K, L]). Means are over batch rows and latent dims.
 * The next residual subtracts sg[e_t], so a codebook is trained only by its own level's codebook loss.
 */
export function residualQuantize(z: tf.Tensor2D, codebooks: readonly tf.Tensor2D[]): ResidualQuantized {
  return tf.tidy(() => {
    let r: tf.Tensor2D = z;
    let quantized: tf.Tensor2D | undefined;
    let codebookLoss: tf.Scalar = tf.scalar(0);
    let commitmentLoss: tf.Scalar = tf.scalar(0);
    const codes: tf.Tensor1D[] = [];
    for (const cb of codebooks) {
      const k = cb.shape[0];
      const c = nearestCodes(stopGradient(r) as tf.Tensor2D, stopGradient(cb) as tf.Tensor2D);
      // Gather-free lookup. tfjs-wasm 4.22 writes int32 bits into `oneHot(…, 'float32')` (1 reads as 1.4e-45), so
      // build the int32 one-hot and cast it.
      const e = tf.matMul(tf.cast(tf.oneHot(c, k), 'float32'), cb) as tf.Tensor2D;
      const eSg = stopGradient(e) as tf.Tensor2D;
      codebookLoss = tf.add(codebookLoss, tf.mean(tf.square(tf.sub(stopGradient(r), e))));
      commitmentLoss = tf.add(commitmentLoss, tf.mean(tf.square(tf.sub(r, eSg))));
      quantized = quantized ? (tf.add(quantized, e) as tf.Tensor2D) : e;
      r = tf.sub(r, eSg) as tf.Tensor2D;
      codes.push(c);
    }
    if (!quantized) throw new LmiError('residualQuantize: needs at least one codebook');
    return { codes: tf.stack(codes, 1) as tf.Tensor2D, quantized, codebookLoss, commitmentLoss };
  });
}

/** Codes [n, T] and the residual entering every level (`residuals[t]` is n × L) for `z`, no gradients. */
export function encodeResidual(z: DenseMatrix, codebooks: readonly Float32Array[], k: number): { codes: Int32Array; residuals: Float32Array[] } {
  const { n, dim } = z;
  const T = codebooks.length;
  const codes = new Int32Array(n * T);
  const residuals: Float32Array[] = [];
  let r = Float32Array.from(z.data);
  for (let t = 0; t < T; t++) {
    residuals.push(Float32Array.from(r));
    const assign = tf.tidy(() => nearestCodes(tf.tensor2d(r, [n, dim]), tf.tensor2d(codebooks[t], [k, dim])));
    const a = assign.dataSync() as Int32Array;
    assign.dispose();
    const cb = codebooks[t];
    const next = new Float32Array(n * dim);
    for (let i = 0; i < n; i++) {
      codes[i * T + t] = a[i];
      for (let j = 0; j < dim; j++) next[i * dim + j] = r[i * dim + j] - cb[a[i] * dim + j];
    }
    r = next;
  }
  return { codes, residuals };
}

/**
 * k-means initialisation of T codebooks (TIGER): level 1 = k-means of `z`, level t = k-means of the residuals left
 * by levels < t. Always Euclidean (residuals are not on a sphere), whatever `kmeansCfg.spherical` says.
 * Returns T row-major k × dim codebooks.
 */
export function kmeansResidualInit(z: DenseMatrix, levels: number, k: number, kmeansCfg: KMeansConfig, rng: Rng, opts: KMeansOptions = {}): Float32Array[] {
  if (k > z.n) throw new LmiError(`rq-vae: codebook size ${k} exceeds the ${z.n} vectors available for k-means initialisation; lower codebookSize`);
  const cfg = { ...kmeansCfg, spherical: false };
  const out: Float32Array[] = [];
  let r = Float32Array.from(z.data);
  for (let t = 0; t < levels; t++) {
    const km = kmeans({ data: r, n: z.n, dim: z.dim }, k, cfg, rng.fork(), opts);
    out.push(km.centroids);
    const next = new Float32Array(r.length);
    for (let i = 0; i < z.n; i++) {
      const c = km.assignments[i];
      for (let j = 0; j < z.dim; j++) next[i * z.dim + j] = r[i * z.dim + j] - km.centroids[c * z.dim + j];
    }
    r = next;
  }
  return out;
}
