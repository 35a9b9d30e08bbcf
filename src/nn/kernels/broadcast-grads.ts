/**
 * tfjs-core's gradients of Sum and Mean multiply the incoming gradient by `ones(x.shape)`: a JavaScript array of
 * x's full size, filled, then copied into the backend — for every sum on the tape (LMIndexer's losses sum
 * [batch, K] and [batch, d] terms: ~280 MB of such arrays in a quick synthetic run). The result is the incoming
 * gradient broadcast to x's shape (÷ count for Mean); `broadcastTo` computes exactly that in the backend (1·g = g,
 * so the values are bit-identical). Registered once per process by `initBackend`, on every backend.
 */
import * as tf from '@tensorflow/tfjs';

/** dy reshaped to x's rank (reduced axes of size 1) and broadcast to x's shape. */
function broadcastBack(dy: tf.Tensor, x: tf.Tensor, axis: number | number[]): tf.Tensor {
  const axes = tf.util.parseAxisParam(axis, x.shape);
  const expanded = x.shape.map((d, a) => (axes.includes(a) ? 1 : d));
  return tf.broadcastTo(tf.reshape(dy, expanded), x.shape);
}

let registered = false;

export function broadcastReductionGrads(): void {
  if (registered) return;
  tf.registerGradient({
    kernelName: 'Sum',
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => ({ x: () => broadcastBack(dy as tf.Tensor, saved[0], (attrs as unknown as { axis: number | number[] }).axis) }),
  });
  tf.registerGradient({
    kernelName: 'Mean',
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => ({
      x: () => {
        const x = saved[0];
        const axes = tf.util.parseAxisParam((attrs as unknown as { axis: number | number[] }).axis, x.shape);
        const count = axes.reduce((n, a) => n * x.shape[a], 1);
        return tf.div(broadcastBack(dy as tf.Tensor, x, axes), count);
      },
    }),
  });
  registered = true;
}
