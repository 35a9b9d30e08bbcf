/** T5's LayerNorm (= RMSNorm): no mean subtraction, no bias; `x / sqrt(mean(x²) + eps) * weight`. */
import * as tf from '@tensorflow/tfjs';

export function t5LayerNorm<T extends tf.Tensor>(x: T, weight: tf.Tensor1D, eps = 1e-6): T {
  return tf.tidy(() => {
    const variance = tf.mean(tf.square(x), -1, true);
    return tf.mul(tf.mul(x, tf.rsqrt(tf.add(variance, eps))), weight) as T;
  });
}
