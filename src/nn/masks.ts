/** Additive attention masks: 0 where attention is allowed, a large negative number where it is not. */
import * as tf from '@tensorflow/tfjs';

/** Added to masked scores; exp() of it underflows to exactly 0 after the softmax max-shift. */
export const MASKED = -1e9;

/** Key padding mask [B, 1, 1, L] from a 0/1 attention mask (row-major [B, L]). */
export function paddingBias(mask: ArrayLike<number>, batch: number, length: number): tf.Tensor4D {
  const out = new Float32Array(batch * length);
  for (let i = 0; i < out.length; i++) out[i] = mask[i] ? 0 : MASKED;
  return tf.tensor4d(out, [batch, 1, 1, length]);
}

/** Causal mask [1, 1, T, T]: query i may attend keys j ≤ i. */
export function causalBias(length: number): tf.Tensor4D {
  const out = new Float32Array(length * length);
  for (let i = 0; i < length; i++) for (let j = i + 1; j < length; j++) out[i * length + j] = MASKED;
  return tf.tensor4d(out, [1, 1, length, length]);
}
