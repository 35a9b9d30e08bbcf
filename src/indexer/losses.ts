/**
 * The three terms of Eq 11 at position t:
 * - `reconstructionLoss` (Eq 7/8): CE of the masked tokens given the ID representations and the hints;
 * - `contrastiveLoss` (Eq 9): in-batch, documents sharing the ID prefix c_<t are pushed apart in h_t;
 * - `earlierIdCrossEntropy` (Eq 10, the paper's "commitment loss"): a cross-entropy that re-predicts the IDs already
 *   assigned at positions j < t from h_j, so learning position t does not rewrite them. It is NOT the VQ-VAE
 *   commitment term ‖h − sg(e)‖²; `commitmentLoss` is an alias under the paper's name.
 */
import * as tf from '@tensorflow/tfjs';
import { LmiError } from '../errors';
import { gatherRows } from '../nn/embedding';
import { lmHeadCrossEntropy } from '../nn/loss';
import { MASKED } from '../nn/masks';
import { l2Normalize } from '../quantize/codebook';
import { linear } from '../nn/ops';

/** Eq 7: mean over masked tokens of −log softmax(W z · d^-½)[w]. z [B, L, d], w [V, d]. */
export function reconstructionLoss(z: tf.Tensor3D, w: tf.Tensor2D, targetRows: ArrayLike<number>, targets: ArrayLike<number>): tf.Scalar {
  return tf.tidy(() => {
    const [B, L, d] = z.shape;
    const rows = gatherRows(tf.reshape(z, [B * L, d]) as tf.Tensor2D, targetRows);
    return lmHeadCrossEntropy(tf.mul(rows, d ** -0.5) as tf.Tensor2D, tf.transpose(w) as tf.Tensor2D, targets);
  });
}

/**
 * Eq 9 with cosine similarity / temperature: for each document d,
 * −log exp(s_dd) / (exp(s_dd) + Σ_{d' ≠ d, prefix(d') = prefix(d)} exp(s_dd')), averaged over the batch.
 * `prefixGroup[b]` identifies the ID prefix c_<t of row b (all equal at t = 1). Documents with no partner in the
 * batch contribute 0.
 */
export function contrastiveLoss(h: tf.Tensor2D, prefixGroup: ArrayLike<number | string>, temperature: number): tf.Scalar {
  const B = h.shape[0];
  if (prefixGroup.length !== B) throw new LmiError(`contrastiveLoss: ${prefixGroup.length} prefixes for ${B} rows`);
  const bias = new Float32Array(B * B);
  const diag = new Float32Array(B * B);
  for (let i = 0; i < B; i++) {
    diag[i * B + i] = 1;
    for (let j = 0; j < B; j++) if (prefixGroup[i] !== prefixGroup[j]) bias[i * B + j] = MASKED;
  }
  return tf.tidy(() => {
    const n = l2Normalize(h);
    const s = tf.add(tf.div(linear(n, tf.transpose(n) as tf.Tensor2D), temperature), tf.tensor2d(bias, [B, B]));
    const self = tf.sum(tf.mul(s, tf.tensor2d(diag, [B, B])), 1);
    return tf.mean(tf.sub(tf.logSumExp(s, 1), self)) as tf.Scalar;
  });
}

/** Mean CE of code logits [B, K] against codes (one row per doc). */
export function idCrossEntropy(logits: tf.Tensor2D, codes: ArrayLike<number>): tf.Scalar {
  const [B, K] = logits.shape;
  if (codes.length !== B) throw new LmiError(`idCrossEntropy: ${codes.length} codes for ${B} rows`);
  const onehot = new Float32Array(B * K);
  for (let b = 0; b < B; b++) {
    const c = codes[b];
    if (!(c >= 0 && c < K)) throw new LmiError(`idCrossEntropy: code ${c} at row ${b} outside [0, ${K})`);
    onehot[b * K + c] = 1;
  }
  return tf.tidy(() => tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(logits), tf.tensor2d(onehot, [B, K])), 1))) as tf.Scalar);
}

/**
 * Eq 10: −Σ_{j<t} log P_s(c_j | d, c_<j), averaged over documents (summed over positions j). `logits[j]` are the
 * code logits of h_j under codebook j; `codes[j]` the stored IDs.
 */
export function earlierIdCrossEntropy(logits: readonly tf.Tensor2D[], codes: readonly ArrayLike<number>[]): tf.Scalar {
  if (logits.length !== codes.length) throw new LmiError(`earlierIdCrossEntropy: ${logits.length} logit sets, ${codes.length} code sets`);
  if (!logits.length) return tf.scalar(0);
  return tf.tidy(() => tf.addN(logits.map((l, j) => idCrossEntropy(l, codes[j]))) as tf.Scalar);
}

/** The paper's name for {@link earlierIdCrossEntropy} (Eq 10). */
export const commitmentLoss = earlierIdCrossEntropy;
