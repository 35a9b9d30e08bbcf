/**
 * T5 multi-head attention: no 1/sqrt(d_kv) scaling (T5 folds it into the initialisation), no biases, additive bias
 * (relative position bias + masks) on the scores. Heads are batched: one fused QKV product for self-attention,
 * one fused KV product for cross-attention, and the score/mixing products run as [B·H, L, d_kv] batches.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../rng';
import { dropout } from './dropout';
import { batchMatMul, linear, transposeLast2 } from './ops';

/** Projection weights in [in, out] layout (HF `q.weight` etc. transposed). */
export interface AttentionWeights {
  q: tf.Tensor2D;
  k: tf.Tensor2D;
  v: tf.Tensor2D;
  o: tf.Tensor2D;
}

export interface AttentionShape {
  numHeads: number;
  dKv: number;
}

/** Key/value cache of one attention layer, heads batched: [B·H, Lk, d_kv]. */
export interface KeyValue {
  k: tf.Tensor3D;
  v: tf.Tensor3D;
}

/** [B, L, H·dk] → [B·H, L, dk] */
function splitHeads(x: tf.Tensor, batch: number, len: number, s: AttentionShape): tf.Tensor3D {
  const h = tf.transpose(tf.reshape(x, [batch, len, s.numHeads, s.dKv]), [0, 2, 1, 3]);
  return tf.reshape(h, [batch * s.numHeads, len, s.dKv]);
}

/** [B·H, L, dk] → [B·L, H·dk] */
function mergeHeads(x: tf.Tensor3D, batch: number, len: number, s: AttentionShape): tf.Tensor2D {
  const h = tf.transpose(tf.reshape(x, [batch, s.numHeads, len, s.dKv]), [0, 2, 1, 3]);
  return tf.reshape(h, [batch * len, s.numHeads * s.dKv]);
}

/** Project [B, L, d] to keys and values for later queries (cross-attention memory, or a self-attention cache entry). */
export function projectKeyValue(x: tf.Tensor3D, w: AttentionWeights, s: AttentionShape): KeyValue {
  const [batch, len] = x.shape;
  const inner = s.numHeads * s.dKv;
  const kv = linear(tf.reshape(x, [batch * len, -1]), tf.concat([w.k, w.v], 1) as tf.Tensor2D);
  const [k, v] = tf.split(kv, [inner, inner], 1);
  return { k: splitHeads(k, batch, len, s), v: splitHeads(v, batch, len, s) };
}

/** softmax(q kᵀ + bias) v, then the output projection. q: [B·H, Lq, dk]; bias broadcastable to [B, H, Lq, Lk]. */
function attend(
  q: tf.Tensor3D, kv: KeyValue, bias: tf.Tensor | undefined, w: AttentionWeights, s: AttentionShape,
  batch: number, qLen: number, dropoutRate: number, rng: Rng | undefined,
): tf.Tensor3D {
  const kLen = kv.k.shape[1];
  let scores: tf.Tensor = tf.reshape(batchMatMul(q, transposeLast2(kv.k)), [batch, s.numHeads, qLen, kLen]);
  if (bias) scores = tf.add(scores, bias);
  const probs = dropout(tf.softmax(scores), dropoutRate, rng);
  const mixed = batchMatMul(tf.reshape(probs, [batch * s.numHeads, qLen, kLen]), kv.v);
  return tf.reshape(linear(mergeHeads(mixed, batch, qLen, s), w.o), [batch, qLen, -1]) as tf.Tensor3D;
}

/**
 * Self-attention over x [B, L, d]. With `cache` (incremental decoding) the new keys/values are appended to it and
 * the extended cache is returned; the caller owns (and disposes) the returned cache tensors.
 */
export function selfAttention(
  x: tf.Tensor3D, w: AttentionWeights, s: AttentionShape, bias: tf.Tensor | undefined,
  dropoutRate = 0, rng?: Rng, cache?: KeyValue,
): { out: tf.Tensor3D; cache: KeyValue } {
  const [batch, len] = x.shape;
  const inner = s.numHeads * s.dKv;
  const qkv = linear(tf.reshape(x, [batch * len, -1]), tf.concat([w.q, w.k, w.v], 1) as tf.Tensor2D);
  const [q, k, v] = tf.split(qkv, [inner, inner, inner], 1);
  let kv: KeyValue = { k: splitHeads(k, batch, len, s), v: splitHeads(v, batch, len, s) };
  if (cache) kv = { k: tf.concat([cache.k, kv.k], 1), v: tf.concat([cache.v, kv.v], 1) };
  const out = attend(splitHeads(q, batch, len, s), kv, bias, w, s, batch, len, dropoutRate, rng);
  return { out, cache: kv };
}

/** Cross-attention of x [B, Lq, d] over encoder memory (keys/values from `projectKeyValue`). */
export function crossAttention(
  x: tf.Tensor3D, memory: KeyValue, w: AttentionWeights, s: AttentionShape, bias: tf.Tensor | undefined,
  dropoutRate = 0, rng?: Rng,
): tf.Tensor3D {
  const [batch, len] = x.shape;
  const q = linear(tf.reshape(x, [batch * len, -1]), w.q);
  return attend(splitHeads(q, batch, len, s), memory, bias, w, s, batch, len, dropoutRate, rng);
}
