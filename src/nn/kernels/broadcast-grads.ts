/**
 * tfjs-core's gradients of Sum and Mean multiply the incoming gradient by `ones(x.shape)`: a JavaScript array of
 * x's full size, filled, then copied into the backend — for every sum on the tape (LMIndexer's losses sum
 * [batch, K] and [batch, d] terms: ~280 MB of such arrays in a quick synthetic run). The result is just the incoming
 * gradient broadcast to x's shape (÷ count for Mean). On wasm it is written straight into the output's memory,
 * one contiguous run (a copy or a fill) per innermost row; tfjs-backend-wasm's own Tile / `broadcastTo` is no
 * substitute (46 ms for a [2048, 384] output, against 5 ms for the multiply by ones). Values are bit-identical to
 * tfjs' (1·g = g). Registered once per process by `initBackend`; other backends keep tfjs' formula.
 */
import * as tf from '@tensorflow/tfjs';
import { heapView, tensorFromFill } from './wasm-kernels';

/**
 * Write `src` (row-major, shape `expanded`: x's shape with 1 on the reduced axes) broadcast to `shape` into `out`.
 */
export function broadcastInto(out: Float32Array, src: Float32Array, shape: number[], expanded: number[]): void {
  const rank = shape.length;
  if (rank === 0) {
    out[0] = src[0];
    return;
  }
  const n = out.length;
  const run = shape[rank - 1];
  if (n === 0 || run === 0) return;
  const strides = expanded.map((_, a) => expanded.slice(a + 1).reduce((p, d) => p * d, 1));
  const fillRun = expanded[rank - 1] === 1;
  const idx = new Array<number>(rank - 1).fill(0);
  for (let o = 0; o < n; o += run) {
    let from = 0;
    for (let a = 0; a < rank - 1; a++) if (expanded[a] !== 1) from += idx[a] * strides[a];
    if (fillRun) out.fill(src[from], o, o + run);
    else out.set(src.subarray(from, from + run), o);
    for (let a = rank - 2; a >= 0; a--) {
      if (++idx[a] < shape[a]) break;
      idx[a] = 0;
    }
  }
}

/** dy (the reduction's output gradient) broadcast back to x's shape over the reduced `axes`. */
function broadcastBack(dy: tf.Tensor, x: tf.Tensor, axes: number[]): tf.Tensor {
  const expanded = x.shape.map((d, a) => (axes.includes(a) ? 1 : d));
  if (tf.getBackend() !== 'wasm' || dy.dtype !== 'float32') return tf.mul(tf.reshape(dy, expanded), tf.ones(x.shape, 'float32'));
  return tensorFromFill([...x.shape], (out) => broadcastInto(out, heapView(dy)!, [...x.shape], expanded));
}

let registered = false;

export function broadcastReductionGrads(): void {
  if (registered) return;
  const axesOf = (attrs: unknown, x: tf.Tensor): number[] => tf.util.parseAxisParam((attrs as { axis: number | number[] }).axis, x.shape);
  tf.registerGradient({
    kernelName: 'Sum',
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => ({ x: () => broadcastBack(dy as tf.Tensor, saved[0], axesOf(attrs, saved[0])) }),
  });
  tf.registerGradient({
    kernelName: 'Mean',
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => ({
      x: () => {
        const x = saved[0];
        const axes = axesOf(attrs, x);
        return tf.div(broadcastBack(dy as tf.Tensor, x, axes), axes.reduce((n, a) => n * x.shape[a], 1));
      },
    }),
  });
  registered = true;
}
