/**
 * Matrix products with hand-written gradients that are fast on the wasm backend.
 *
 * Why not plain `tf.matMul` under autodiff: tfjs' BatchMatMul gradient calls `matMul(dy, b, false, true)`, and the
 * wasm backend only takes its XNNPACK path for unbatched, untransposed operands — with a transpose flag it falls
 * back to a naive loop (~15× slower, measured). On wasm every product here runs on the project's own kernels
 * (`kernels/wasm-kernels.ts`: in place in the backend's memory, fused multiply-add where the runtime has relaxed
 * SIMD), the weight gradients xᵀ·dy without materialising xᵀ; elsewhere each product is `transpose()` then an
 * untransposed `tf.matMul`.
 */
import * as tf from '@tensorflow/tfjs';
import { wasmKernels } from './kernels/wasm-kernels';

type Saver = tf.GradSaveFunc;

/** A forward function for `customOp`: inputs (then a `save` function) → value and gradient function. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ForwardFn<T extends tf.Tensor> = (...args: any[]) => { value: T; gradFunc: (dy: T, saved: tf.Tensor[]) => tf.Tensor | tf.Tensor[] };

/** Typed wrapper of `tf.customGrad`: an op whose gradient is `gradFunc` (one gradient per tensor input). */
export function customOp<T extends tf.Tensor>(f: ForwardFn<T>): (...inputs: tf.Tensor[]) => T {
  return tf.customGrad(f as never) as unknown as (...inputs: tf.Tensor[]) => T;
}

/** A · B, or Aᵀ · B (A stored transposed) for rank-2 or rank-3 operands, without autodiff. */
function product<T extends tf.Tensor2D | tf.Tensor3D>(a: T, b: T, transposeA = false): T {
  const k = wasmKernels();
  if (k) return k.matMul(a, b, transposeA);
  if (!transposeA) return tf.matMul(a, b) as T;
  return tf.matMul(a.rank === 3 ? transposeLast2(a as tf.Tensor3D) : tf.transpose(a), b) as T;
}

const linearOp = customOp<tf.Tensor2D>((x: tf.Tensor2D, w: tf.Tensor2D, save: Saver) => {
  save([x, w]);
  return {
    value: product(x, w),
    gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
      const [xs, ws] = saved as [tf.Tensor2D, tf.Tensor2D];
      return [product(dy, tf.transpose(ws)), product(xs, dy, true)];
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

const bmmOp = customOp<tf.Tensor3D>((a: tf.Tensor3D, b: tf.Tensor3D, save: Saver) => {
  save([a, b]);
  return {
    value: product(a, b),
    gradFunc: (dy: tf.Tensor3D, saved: tf.Tensor[]) => {
      const [as, bs] = saved as [tf.Tensor3D, tf.Tensor3D];
      return [product(dy, transposeLast2(bs)), product(as, dy, true)];
    },
  };
});

/** Batched product [G, M, K] @ [G, K, N] → [G, M, N] (attention scores and mixing). */
export function batchMatMul(a: tf.Tensor3D, b: tf.Tensor3D): tf.Tensor3D {
  return bmmOp(a, b);
}
