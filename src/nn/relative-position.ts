/**
 * T5 relative position bias: relative distances (key − query) are put into log-spaced buckets, each bucket has a
 * learned bias per head (`relative_attention_bias.weight`, [numBuckets, numHeads]), shared by all layers of a stack.
 */
import * as tf from '@tensorflow/tfjs';
import { gatherRows } from './embedding';

const f32 = Math.fround;

/**
 * Bucket of one relative position (memory − context), exactly as Hugging Face's `_relative_position_bucket`,
 * including its float32 arithmetic (so boundary cases such as distance 16 land in the same bucket).
 */
export function relativePositionBucket(relativePosition: number, bidirectional: boolean, numBuckets: number, maxDistance: number): number {
  let buckets = 0;
  let n = numBuckets;
  let rp = relativePosition;
  if (bidirectional) {
    n = Math.floor(n / 2);
    if (rp > 0) buckets += n;
    rp = Math.abs(rp);
  } else {
    rp = -Math.min(rp, 0);
  }
  const maxExact = Math.floor(n / 2);
  if (rp < maxExact) return buckets + rp;
  const scaled = f32(f32(f32(Math.log(f32(f32(rp) / maxExact)) / f32(Math.log(maxDistance / maxExact))) * (n - maxExact)));
  const large = Math.min(maxExact + Math.trunc(scaled), n - 1);
  return buckets + large;
}

/** Bucket ids for queries at positions `queryOffset .. queryOffset+qLen-1` against keys `0 .. kLen-1`, row-major. */
export function bucketGrid(qLen: number, kLen: number, bidirectional: boolean, numBuckets: number, maxDistance: number, queryOffset = 0): Int32Array {
  const out = new Int32Array(qLen * kLen);
  for (let i = 0; i < qLen; i++) {
    for (let j = 0; j < kLen; j++) out[i * kLen + j] = relativePositionBucket(j - (i + queryOffset), bidirectional, numBuckets, maxDistance);
  }
  return out;
}

/** Position bias [1, H, qLen, kLen] from the bias table [numBuckets, H]. */
export function positionBias(
  table: tf.Tensor2D, qLen: number, kLen: number, bidirectional: boolean, maxDistance: number, queryOffset = 0,
): tf.Tensor4D {
  const [numBuckets, heads] = table.shape;
  const ids = bucketGrid(qLen, kLen, bidirectional, numBuckets, maxDistance, queryOffset);
  return tf.tidy(() => {
    const rows = gatherRows(table, ids); // [q*k, H]
    return tf.reshape(tf.transpose(rows), [1, heads, qLen, kLen]);
  });
}
