/**
 * Small building blocks shared by the neural sequential recommenders: seeded parameter creation, BERT-style
 * LayerNorm (mean and variance, gain and bias), GELU, a post-LN transformer block (Vaswani et al. 2017, as used by
 * BERT4Rec and FDSA) built on the project's wasm-fast attention, and left padding of item sequences.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../rng';
import { selfAttention } from '../../nn/attention';
import { dropout } from '../../nn/dropout';
import { linear } from '../../nn/ops';
import { geluNew } from '../../nn/feed-forward';

/** Named trainable variables with seeded initialisation. */
let storeCounter = 0;

export class ParamStore {
  /** tfjs variable names must be unique per process: each store gets its own prefix. */
  private readonly prefix = `seqrec${++storeCounter}/`;
  readonly params = new Map<string, tf.Variable>();
  constructor(private readonly rng: Rng) {}

  /** A variable of `shape`: normal(0, std) for a number, or all zeros / ones. */
  add(name: string, shape: number[], init: number | 'zeros' | 'ones'): tf.Variable {
    const n = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    if (init === 'ones') data.fill(1);
    else if (typeof init === 'number') for (let i = 0; i < n; i++) data[i] = init * this.rng.normal();
    const init0 = tf.tensor(data, shape, 'float32');
    const v = tf.variable(init0, true, this.prefix + name);
    init0.dispose(); // the variable holds its own reference to the data
    this.params.set(name, v);
    return v;
  }

  get(name: string): tf.Variable {
    const v = this.params.get(name);
    if (!v) throw new Error(`ParamStore: no parameter "${name}"`);
    return v;
  }

  dispose(): void {
    for (const v of this.params.values()) v.dispose();
    this.params.clear();
  }
}

/** LayerNorm over the last axis (Ba et al. 2016): (x − mean) / sqrt(var + eps) · gain + bias. */
export function layerNorm<T extends tf.Tensor>(x: T, gain: tf.Tensor, bias: tf.Tensor, eps = 1e-12): T {
  const mean = tf.mean(x, -1, true);
  const centred = tf.sub(x, mean);
  const variance = tf.mean(tf.square(centred), -1, true);
  return tf.add(tf.mul(tf.mul(centred, tf.rsqrt(tf.add(variance, eps))), gain), bias) as T;
}

/** GELU (tanh approximation). */
export const gelu = geluNew;

/** Create the parameters of one {@link transformerBlock} named `${prefix}.*`. */
export function addTransformerBlock(store: ParamStore, prefix: string, d: number, ff: number, std: number): void {
  for (const w of ['q', 'k', 'v', 'o']) store.add(`${prefix}.attn.${w}`, [d, d], std);
  store.add(`${prefix}.norm1.gain`, [d], 'ones');
  store.add(`${prefix}.norm1.bias`, [d], 'zeros');
  store.add(`${prefix}.ff.w1`, [d, ff], std);
  store.add(`${prefix}.ff.bias1`, [ff], 'zeros');
  store.add(`${prefix}.ff.w2`, [ff, d], std);
  store.add(`${prefix}.ff.bias2`, [d], 'zeros');
  store.add(`${prefix}.norm2.gain`, [d], 'ones');
  store.add(`${prefix}.norm2.bias`, [d], 'zeros');
}

/**
 * Post-LN transformer layer: h = LN(x + Drop(MultiHead(x))); out = LN(h + Drop(FFN(h))), FFN = W2 GELU(W1 h + b1) + b2.
 * Scaled dot-product attention (scores / sqrt(d_head)); `bias` is an additive mask broadcastable to [B, H, L, L].
 */
export function transformerBlock(
  x: tf.Tensor3D, store: ParamStore, prefix: string, heads: number, bias: tf.Tensor, rate: number, rng: Rng | undefined,
): tf.Tensor3D {
  const [b, l, d] = x.shape;
  const dKv = d / heads;
  const p = (n: string): tf.Tensor => store.get(`${prefix}.${n}`);
  const w = { q: tf.mul(p('attn.q'), 1 / Math.sqrt(dKv)) as tf.Tensor2D, k: p('attn.k') as tf.Tensor2D, v: p('attn.v') as tf.Tensor2D, o: p('attn.o') as tf.Tensor2D };
  const att = selfAttention(x, w, { numHeads: heads, dKv }, bias, rate, rng).out;
  const h = layerNorm(tf.add(x, dropout(att, rate, rng)), p('norm1.gain'), p('norm1.bias'));
  const h2 = tf.reshape(h, [b * l, d]);
  const inner = gelu(tf.add(linear(h2, p('ff.w1') as tf.Tensor2D), p('ff.bias1')));
  const ffOut = tf.add(linear(dropout(inner, rate, rng), p('ff.w2') as tf.Tensor2D), p('ff.bias2'));
  return layerNorm(tf.add(h, dropout(tf.reshape(ffOut, [b, l, d]), rate, rng)), p('norm2.gain'), p('norm2.bias')) as tf.Tensor3D;
}

/** Left-pad sequences to length `len` with `pad` (longer ones keep their last `len` items): ids and 0/1 mask, row-major [B, len]. */
export function padLeft(seqs: readonly ArrayLike<number>[], len: number, pad: number): { ids: Int32Array; mask: Uint8Array } {
  const ids = new Int32Array(seqs.length * len).fill(pad);
  const mask = new Uint8Array(seqs.length * len);
  seqs.forEach((s, b) => {
    const n = Math.min(s.length, len);
    for (let j = 0; j < n; j++) {
      ids[b * len + len - n + j] = s[s.length - n + j];
      mask[b * len + len - n + j] = 1;
    }
  });
  return { ids, mask };
}

/** The last `n` items of `s` (a view). */
export function lastItems(s: Int32Array, n: number): Int32Array {
  return s.length > n ? s.subarray(s.length - n) : s;
}

/** Learned positions of a left-padded batch of length `len` out of `maxLen`: rows maxLen−len .. maxLen−1 of `table`. */
export function positionRows(table: tf.Tensor2D, len: number, maxLen: number): tf.Tensor2D {
  return tf.slice(table, [maxLen - len, 0], [len, table.shape[1]]);
}
