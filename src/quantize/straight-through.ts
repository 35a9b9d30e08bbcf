/**
 * Straight-through code selection (Eq 6): the forward pass uses the argmax code embedding e_{c_t}, the backward pass
 * the softmax-weighted codebook Σ_j softmax(logits)_j e_j, so gradients reach h_t (the semantic encoder) and the
 * codebook. Implemented as value = hard, d value / d soft = identity (the stop-gradient trick of VQ-VAE).
 */
import * as tf from '@tensorflow/tfjs';
import { LmiError } from '../errors';
import { gatherRows } from '../nn/embedding';
import { customOp, linear } from '../nn/ops';
import { type CodebookOptions, DEFAULT_CODEBOOK_OPTIONS, argmaxCodes, codebookLogits } from './codebook';

const passThrough = customOp<tf.Tensor2D>((soft: tf.Tensor2D, hard: tf.Tensor2D) => ({
  value: tf.clone(hard),
  gradFunc: (dy: tf.Tensor2D) => [dy, tf.zerosLike(hard)],
}));

/** sg[x]: identity forward, zero gradient (VQ-VAE's stop-gradient). */
export const stopGradient = customOp<tf.Tensor>((x: tf.Tensor) => ({
  value: tf.clone(x),
  gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
}));

/**
 * `hard` in the forward pass, gradient routed to `soft` in the backward pass (same shapes): soft + sg[hard − soft].
 * LMIndexer's Eq 6 (soft = softmax-weighted codebook) and the rq-VAE's estimator (soft = encoder output z).
 */
export function straightThrough(soft: tf.Tensor2D, hard: tf.Tensor2D): tf.Tensor2D {
  if (soft.shape.join() !== hard.shape.join()) {
    throw new LmiError(`straightThrough: soft [${soft.shape}] and hard [${hard.shape}] differ in shape`);
  }
  return passThrough(soft, hard);
}

/** Result of {@link quantizeStraightThrough} (the quantizer return shape of DESIGN.md: ids, quantized, logits). */
export interface StraightThroughResult {
  /** c_t per row (Eq 2). */
  ids: Int32Array;
  /** ĉ_t [B, d]: forward = codebook[ids], backward = softmax(logits) @ codebook (Eq 6). */
  quantized: tf.Tensor2D;
  /** [B, K] code logits (used again by the ID cross-entropy losses). */
  logits: tf.Tensor2D;
}

/** Quantize h [B, d] with a codebook [K, d] (Eq 2, 6). Call inside tf.tidy / variableGrads. */
export function quantizeStraightThrough(
  h: tf.Tensor2D, codebook: tf.Tensor2D, opts: CodebookOptions = DEFAULT_CODEBOOK_OPTIONS,
): StraightThroughResult {
  const logits = codebookLogits(h, codebook, opts);
  const ids = argmaxCodes(logits);
  const soft = linear(tf.softmax(logits) as tf.Tensor2D, codebook) as tf.Tensor2D;
  const hard = gatherRows(codebook, ids);
  return { ids, quantized: straightThrough(soft, hard), logits };
}
