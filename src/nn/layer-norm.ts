/** T5's LayerNorm (= RMSNorm): no mean subtraction, no bias; `x / sqrt(mean(x²) + eps) * weight`. */
import * as tf from '@tensorflow/tfjs';
import { wasmKernels, type WasmKernels } from './kernels/wasm-kernels';
import { customOp } from './ops';

export function t5LayerNorm<T extends tf.Tensor>(x: T, weight: tf.Tensor1D, eps = 1e-6): T {
  const kernels = wasmKernels();
  if (kernels && x.dtype === 'float32') return fusedNorm(kernels, eps)(x, weight) as T;
  return tf.tidy(() => {
    const variance = tf.mean(tf.square(x), -1, true);
    return tf.mul(tf.mul(x, tf.rsqrt(tf.add(variance, eps))), weight) as T;
  });
}

/** On wasm: one kernel forward, one backward (kernels/rmsnorm.c). */
function fusedNorm(kernels: WasmKernels, eps: number): (x: tf.Tensor, w: tf.Tensor) => tf.Tensor {
  return customOp<tf.Tensor>((x: tf.Tensor, w: tf.Tensor1D, save: tf.GradSaveFunc) => {
    const { y, r } = kernels.rmsNormForward(x, w, eps);
    save([x, w, r]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ws, rs] = saved as [tf.Tensor, tf.Tensor1D, tf.Tensor1D];
        const { dx, dw } = kernels.rmsNormBackward(xs, ws, rs, dy);
        return [dx, dw];
      },
    };
  });
}
