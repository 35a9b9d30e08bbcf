/**
 * Fused language-model head + cross-entropy with a hand-written gradient.
 *
 * On the wasm backend one kernel (`kernels/lmhead.c`) computes the loss and both gradients in a single pass over
 * chunks of rows, while the forward pass runs under a gradient tape; the [N, V] logits never exist whole.
 * Elsewhere, for [N, d] hidden states and a [d, V] head the softmax is computed once; the backward pass reuses it as
 * `p − onehot(target)` (an in-place scatter, no [N, V] one-hot) and applies the 1/N scale to the small [N, d] and
 * [d, V] results instead of the logits.
 */
import * as tf from '@tensorflow/tfjs';
import { LmiError } from '../errors';
import { wasmKernels, type WasmKernels } from './kernels/wasm-kernels';
import { customOp } from './ops';

/** Probabilities below this count as this (loss ≤ 69); only affects a loss value, never the gradient. */
const TINY = 1e-30;

/** Mean over rows of −log softmax(h @ w)[target]. h [N, d], w [d, V], targets N ids in [0, V). */
export function lmHeadCrossEntropy(h: tf.Tensor2D, w: tf.Tensor2D, targets: ArrayLike<number>): tf.Scalar {
  const n = h.shape[0];
  const vocab = w.shape[1];
  if (targets.length !== n) throw new LmiError(`lmHeadCrossEntropy: ${targets.length} targets for ${n} rows`);
  if (n === 0) throw new LmiError('lmHeadCrossEntropy: no target positions (every label is ignored)');
  const ids = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const t = targets[i];
    if (!(t >= 0 && t < vocab)) throw new LmiError(`lmHeadCrossEntropy: target ${t} at row ${i} is outside [0, ${vocab})`);
    ids[i] = t;
  }
  const kernels = wasmKernels();
  if (kernels) return fusedKernel(kernels, h, w, ids);
  const flat = ids.map((t, i) => i * vocab + t);
  const pairs = new Int32Array(2 * n);
  ids.forEach((t, i) => { pairs[2 * i] = i; pairs[2 * i + 1] = t; });
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
        return [tf.mul(tf.matMul(g, tf.transpose(ww)), scale), tf.mul(tf.matMul(tf.transpose(hh), g), scale)];
      },
    };
  });
  return op(h, w);
}

/** The wasm kernel path: gradients are computed with the loss when a tape is recording (they cost 2× the loss). */
function fusedKernel(kernels: WasmKernels, h: tf.Tensor2D, w: tf.Tensor2D, targets: Int32Array): tf.Scalar {
  const n = targets.length;
  const op = customOp<tf.Scalar>((hs: tf.Tensor2D, ws: tf.Tensor2D, save: tf.GradSaveFunc) => {
    const taping = tf.engine().state.gradientDepth > 0;
    const r = kernels.lmHeadXent(hs, ws, targets, taping);
    let sum = 0;
    for (let i = 0; i < n; i++) sum += Math.log(Math.max(r.sums[i], TINY)) - r.shifted[i];
    if (r.dh && r.dw) save([r.dh, r.dw]);
    return {
      value: tf.scalar(sum / n),
      gradFunc: (dy: tf.Scalar, saved: tf.Tensor[]) => {
        if (saved.length !== 2) throw new LmiError('lmHeadCrossEntropy: gradient asked of a loss computed without a gradient tape');
        const scale = tf.div(dy, n);
        return [tf.mul(saved[0], scale), tf.mul(saved[1], scale)];
      },
    };
  });
  return op(h, w);
}
