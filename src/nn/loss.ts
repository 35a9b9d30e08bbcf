/**
 * Fused language-model head + cross-entropy with a hand-written gradient.
 *
 * For [N, d] hidden states and a [d, V] head the softmax is computed once (the wasm Softmax kernel is ~10× faster
 * than logSoftmax there); the backward pass reuses it as `p − onehot(target)` (an in-place scatter, no [N, V] one-hot
 * and no [N, V] transpose) and applies the 1/N scale to the small [N, d] and [d, V] results instead of the logits.
 */
import * as tf from '@tensorflow/tfjs';
import { LmiError } from '../errors';
import { customOp, productFreshB } from './ops';

/** Probabilities below this count as this (loss ≤ 69); only affects a loss value, never the gradient. */
const TINY = 1e-30;

/** Mean over rows of −log softmax(h @ w)[target]. h [N, d], w [d, V], targets N ids in [0, V). */
export function lmHeadCrossEntropy(h: tf.Tensor2D, w: tf.Tensor2D, targets: ArrayLike<number>): tf.Scalar {
  const n = h.shape[0];
  const vocab = w.shape[1];
  if (targets.length !== n) throw new LmiError(`lmHeadCrossEntropy: ${targets.length} targets for ${n} rows`);
  if (n === 0) throw new LmiError('lmHeadCrossEntropy: no target positions (every label is ignored)');
  const flat = new Int32Array(n);
  const pairs = new Int32Array(2 * n);
  for (let i = 0; i < n; i++) {
    const t = targets[i];
    if (!(t >= 0 && t < vocab)) throw new LmiError(`lmHeadCrossEntropy: target ${t} at row ${i} is outside [0, ${vocab})`);
    flat[i] = i * vocab + t;
    pairs[2 * i] = i;
    pairs[2 * i + 1] = t;
  }
  const op = customOp<tf.Scalar>((hs: tf.Tensor2D, ws: tf.Tensor2D, save: tf.GradSaveFunc) => {
    const probs = tf.softmax(tf.matMul(hs, ws));
    const pTarget = tf.gather(tf.reshape(probs, [-1]), tf.tensor1d(flat, 'int32'));
    save([hs, ws, probs, pTarget]);
    const loss = tf.neg(tf.mean(tf.log(tf.maximum(pTarget, TINY)))) as tf.Scalar;
    return {
      value: loss,
      gradFunc: (dy: tf.Scalar, saved: tf.Tensor[]) => {
        const [hh, ww, p, pt] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
        const g = tf.tensorScatterUpdate(p, tf.tensor2d(pairs, [n, 2], 'int32'), tf.sub(pt, 1)) as tf.Tensor2D;
        const scale = tf.div(dy, n);
        return [tf.mul(tf.matMul(g, tf.transpose(ww)), scale), tf.mul(productFreshB(tf.transpose(hh), g), scale)];
      },
    };
  });
  return op(h, w);
}
