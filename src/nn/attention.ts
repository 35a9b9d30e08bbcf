/**
 * T5 multi-head attention: no 1/sqrt(d_kv) scaling (T5 folds it into the initialisation), no biases, additive bias
 * (relative position bias + masks) on the scores. Heads are batched: one fused QKV product for self-attention,
 * one fused KV product for cross-attention, and the score/mixing products run as [B·H, L, d_kv] batches.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../rng';
import { dropout, dropoutMask } from './dropout';
import { type AttentionDims, type WasmKernels, wasmKernels } from './kernels/wasm-kernels';
import { batchMatMul, customOp, linear, transposeLast2 } from './ops';

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
 * Self-attention over x [B, L, d]. `incremental` (decoding step by step): the new keys/values are appended to
 * `cache` (if any) and the extended cache is returned; the caller owns (and disposes) the returned cache tensors.
 * Otherwise, on the wasm backend, the attention core is one kernel forward and one backward (`kernels/attention.c`).
 */
export function selfAttention(
  x: tf.Tensor3D, w: AttentionWeights, s: AttentionShape, bias: tf.Tensor | undefined,
  dropoutRate = 0, rng?: Rng, cache?: KeyValue, incremental = cache !== undefined,
): { out: tf.Tensor3D; cache: KeyValue | undefined } {
  const [batch, len] = x.shape;
  const inner = s.numHeads * s.dKv;
  const qkv = linear(tf.reshape(x, [batch * len, -1]), tf.concat([w.q, w.k, w.v], 1) as tf.Tensor2D) as tf.Tensor2D;
  const kernels = incremental ? null : wasmKernels();
  if (kernels) {
    const dims = { batch, len, heads: s.numHeads, dk: s.dKv };
    const mixed = fusedAttentionCore(kernels, qkv, bias, dims, dropoutRate, rng);
    return { out: tf.reshape(linear(mixed, w.o), [batch, len, -1]) as tf.Tensor3D, cache: undefined };
  }
  const [q, k, v] = tf.split(qkv, [inner, inner, inner], 1);
  let kv: KeyValue = { k: splitHeads(k, batch, len, s), v: splitHeads(v, batch, len, s) };
  if (cache) kv = { k: tf.concat([cache.k, kv.k], 1), v: tf.concat([cache.v, kv.v], 1) };
  const out = attend(splitHeads(q, batch, len, s), kv, bias, w, s, batch, len, dropoutRate, rng);
  return { out, cache: incremental ? kv : undefined };
}

/**
 * softmax(q kᵀ + bias) v for the fused projection qkv [B·L, 3·H·dk], heads merged [B·L, H·dk]; the bias (any shape
 * broadcastable to [B, H, L, L]) is broadcast to [1 or B, H, L, L] first, so its gradient flows back through tfjs.
 */
function fusedAttentionCore(
  kernels: WasmKernels, qkv: tf.Tensor2D, bias: tf.Tensor | undefined, d: AttentionDims, dropoutRate: number, rng: Rng | undefined,
): tf.Tensor2D {
  const drop = rng !== undefined && dropoutRate > 0;
  if (drop && dropoutRate >= 1) throw new Error('selfAttention: dropout rate must be < 1');
  let b4: tf.Tensor | undefined;
  if (bias) {
    const r4 = bias.rank === 4 ? bias : tf.reshape(bias, [1, 1, ...bias.shape.slice(-2)]);
    b4 = tf.broadcastTo(r4, [r4.shape[0], d.heads, d.len, d.len]); // batch stays 1 or B
  }
  const biasBatch = b4 ? b4.shape[0] : 0;
  const op = customOp<tf.Tensor2D>((...args: unknown[]) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const [x, bb] = args as [tf.Tensor2D, tf.Tensor | undefined];
    const mask = drop ? dropoutMask([d.batch, d.heads, d.len, d.len], dropoutRate, rng!) : undefined;
    const { out, probs } = kernels.attentionForward(x, b4 ? (bb as tf.Tensor) : undefined, mask, d);
    save(mask ? [x, probs, mask] : [x, probs]);
    return {
      value: out,
      gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
        const [xs, ps, ms] = saved as [tf.Tensor2D, tf.Tensor, tf.Tensor | undefined];
        const g = kernels.attentionBackward(xs, ps, ms, dy, biasBatch, d);
        return b4 ? [g.dqkv, g.dbias!] : [g.dqkv];
      },
    };
  });
  return b4 ? op(qkv, b4) : op(qkv);
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
