/**
 * tfjs-backend-wasm's Identity kernel copies its input. tfjs calls it for every tensor a gradient saves (each
 * `save` of a custom op, each input a built-in gradient keeps): ~280 copies of activations per small-T5 training
 * step. tfjs tensors are immutable and no wasm kernel writes into its inputs, so an identity can share the data,
 * as the cpu backend's does (one more reference, no copy).
 */
import * as tf from '@tensorflow/tfjs';

interface RefCounting {
  incRef(dataId: object): void;
}

let shared = false;

/** Replace the wasm backend's Identity by a shared-data one (once per thread; call after the backend loaded). */
export function shareIdentityOnWasm(): void {
  if (shared) return;
  tf.unregisterKernel('Identity', 'wasm');
  tf.registerKernel({
    kernelName: 'Identity',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend }) => {
      const x = inputs.x as tf.TensorInfo;
      (backend as unknown as RefCounting).incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    },
  });
  shared = true;
}
