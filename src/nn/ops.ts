/**
 * Matrix products with hand-written gradients that are fast on the wasm backend.
 *
 * Why not plain `tf.matMul` under autodiff: tfjs' BatchMatMul gradient calls `matMul(dy, b, false, true)`, and the
 * wasm backend only takes its XNNPACK path for unbatched, untransposed operands — with a transpose flag it falls
 * back to a naive loop (~15× slower, measured). Here every product is `transpose()` then an untransposed `matMul`.
 */
import * as tf from '@tensorflow/tfjs';
import { batchMatMulSimd, simdKernel } from './kernels/bmm';

type Saver = tf.GradSaveFunc;

/** A forward function for `customOp`: inputs (then a `save` function) → value and gradient function. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ForwardFn<T extends tf.Tensor> = (...args: any[]) => { value: T; gradFunc: (dy: T, saved: tf.Tensor[]) => tf.Tensor | tf.Tensor[] };

/** Typed wrapper of `tf.customGrad`: an op whose gradient is `gradFunc` (one gradient per tensor input). */
export function customOp<T extends tf.Tensor>(f: ForwardFn<T>): (...inputs: tf.Tensor[]) => T {
  return tf.customGrad(f as never) as unknown as (...inputs: tf.Tensor[]) => T;
}

const linearOp = customOp<tf.Tensor2D>((x: tf.Tensor2D, w: tf.Tensor2D, save: Saver) => {
  save([x, w]);
  return {
    value: tf.matMul(x, w),
    gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
      const [xs, ws] = saved as [tf.Tensor2D, tf.Tensor2D];
      return [tf.matMul(dy, tf.transpose(ws)), tf.matMul(tf.transpose(xs), dy)];
    },
  };
});

/**
 * `x @ w` for a weight stored as [in, out] (the transpose of the HF/PyTorch `[out, in]` layout).
 * `x` may have any leading shape: [..., in] → [..., out].
 */
export function linear(x: tf.Tensor, w: tf.Tensor2D): tf.Tensor {
  const inDim = w.shape[0];
  if (x.shape[x.shape.length - 1] !== inDim) {
    throw new Error(`linear: last dim of x ${JSON.stringify(x.shape)} must equal rows of w ${JSON.stringify(w.shape)}`);
  }
  if (x.rank === 2) return linearOp(x, w);
  const lead = x.shape.slice(0, -1);
  return tf.reshape(linearOp(tf.reshape(x, [-1, inDim]), w), [...lead, w.shape[1]]);
}

/** Swap the last two axes of a rank-3 tensor. */
export function transposeLast2(x: tf.Tensor3D): tf.Tensor3D {
  return tf.transpose(x, [0, 2, 1]);
}

/** Use the SIMD kernel for batched products: on the wasm backend, unless `LMI_SIMD_BMM=0`. */
function simdProducts(): boolean {
  return tf.getBackend() === 'wasm' && process.env.LMI_SIMD_BMM !== '0' && simdKernel() !== null;
}

/** [G, M, K] @ [G, K, N] without autodiff: tfjs' matMul, or on wasm the SIMD kernel (tfjs-wasm loops per scalar). */
function product3(a: tf.Tensor3D, b: tf.Tensor3D): tf.Tensor3D {
  if (a.shape[0] === 1 || a.shape[0] !== b.shape[0] || !simdProducts()) return tf.matMul(a, b);
  const [G, M, K] = a.shape;
  const N = b.shape[2];
  return tf.tensor3d(batchMatMulSimd(a.dataSync() as Float32Array, b.dataSync() as Float32Array, G, M, K, N), [G, M, N]);
}

/**
 * [M, K] @ [K, N] without autodiff for a B that is new on every call and wide (the LM head's weight gradient
 * hᵀ·g, B = g [tokens, vocab]): XNNPACK re-packs (transposes) such a B on each call, the SIMD kernel reads it in place.
 */
export function productFreshB(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  if (!simdProducts()) return tf.matMul(a, b);
  const [M, K] = a.shape;
  const N = b.shape[1];
  return tf.tensor2d(batchMatMulSimd(a.dataSync() as Float32Array, b.dataSync() as Float32Array, 1, M, K, N), [M, N]);
}

const bmmOp = customOp<tf.Tensor3D>((a: tf.Tensor3D, b: tf.Tensor3D, save: Saver) => {
  save([a, b]);
  return {
    value: product3(a, b),
    gradFunc: (dy: tf.Tensor3D, saved: tf.Tensor[]) => {
      const [as, bs] = saved as [tf.Tensor3D, tf.Tensor3D];
      return [product3(dy, transposeLast2(bs)), product3(transposeLast2(as), dy)];
    },
  };
});

/** Batched product [G, M, K] @ [G, K, N] → [G, M, N] (attention scores and mixing). */
export function batchMatMul(a: tf.Tensor3D, b: tf.Tensor3D): tf.Tensor3D {
  return bmmOp(a, b);
}
