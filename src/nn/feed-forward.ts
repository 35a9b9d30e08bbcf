/** T5 feed-forward: `wo(dropout(relu(wi x)))` or, gated-GELU (T5 v1.1), `wo(dropout(gelu(wi_0 x) * wi_1 x))`. */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../rng';
import { dropout } from './dropout';
import { linear } from './ops';

/** Weights in [in, out] layout; `wi` for relu, `wi0` + `wi1` for gated-gelu. */
export interface FeedForwardWeights {
  wi?: tf.Tensor2D;
  wi0?: tf.Tensor2D;
  wi1?: tf.Tensor2D;
  wo: tf.Tensor2D;
}

/** GELU, tanh approximation (HF `gelu_new`, used by T5 v1.1). */
export function geluNew(x: tf.Tensor): tf.Tensor {
  const c = Math.sqrt(2 / Math.PI);
  const inner = tf.mul(tf.add(x, tf.mul(tf.mul(x, tf.mul(x, x)), 0.044715)), c);
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
}

export function feedForward(
  x: tf.Tensor3D, w: FeedForwardWeights, kind: 'relu' | 'gated-gelu', dropoutRate = 0, rng?: Rng,
): tf.Tensor3D {
  const [batch, len, d] = x.shape;
  const x2 = tf.reshape(x, [batch * len, d]);
  let hidden: tf.Tensor;
  if (kind === 'relu') {
    hidden = tf.relu(linear(x2, w.wi!));
  } else {
    const dFf = w.wi0!.shape[1];
    const both = linear(x2, tf.concat([w.wi0!, w.wi1!], 1) as tf.Tensor2D);
    const [gate, lin] = tf.split(both, [dFf, dFf], 1);
    hidden = tf.mul(geluNew(gate), lin);
  }
  hidden = dropout(hidden, dropoutRate, rng);
  return tf.reshape(linear(hidden, w.wo), [batch, len, d]);
}
