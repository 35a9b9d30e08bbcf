/**
 * HGN (Ma, Kang & Liu, KDD 2019, "Hierarchical gating networks for sequential recommendation"), after the authors'
 * code: for user u and the last L items E [L, d],
 *   feature gating  G = E ⊙ σ(E W_g1 + u W_g2 + b_g),
 *   instance gating s = σ(G w_g3 + u W_g4) ∈ R^L,  union = Σₗ sₗ Gₗ / Σₗ sₗ,
 *   score(j)        = u·qⱼ + union·qⱼ + Σₗ Eₗ·qⱼ + bⱼ   (user, union-level and item-item product terms),
 * with a separate output item table q and bias b. Training samples slide over each sequence: L previous items
 * → the next T items. Loss: `'bpr'` (default, the paper's BPR objective as in the official run.py: −log σ(pos − neg),
 * each target against `negatives` uniformly sampled items), `'bce'` (−log σ(pos) − log(1 − σ(neg)), same negatives)
 * or `'ce'` (full-softmax cross-entropy per target). Negatives come from `negativePool`: `'all'` (default: any item
 * but the target — our protocol ranks the history items too) or `'unseen'` (the official code: items the user never
 * interacted with, which pairs with its evaluation that zeroes the scores of the user's training items). `l2` is the
 * official code's L2 term (torch Adam `weight_decay=1e-3`, i.e. λ/2·‖Θ‖² on the summed loss), added here (`'bpr'`,
 * `'bce'`) as λ/(2N)·‖Θ‖² to the mean over the N (target, negative) pairs of a batch; the instance-gate weights are exempt
 * (the official code never registers them as parameters).
 *
 * HGN has user embeddings, but `scoreAll` only sees a history: `fit` remembers each training sequence's user, and
 * a history is matched to the user whose training sequence equals it or equals it minus its last item (the test
 * history after fitting on validation-split sequences); unmatched histories get a zero user vector.
 */
import * as tf from '@tensorflow/tfjs';
import { embed, gatherRows } from '../../nn/embedding';
import { LmiError } from '../../errors';
import { linear } from '../../nn/ops';
import type { StepContext } from '../../train/trainer';
import { padLeft } from './neural-layers';
import { appendOne, itemCrossEntropy, NeuralSeqRec, type NeuralTrainOptions } from './train-loop';

/** Model options of {@link HGN}. */
export interface HGNOptions {
  dim: number;
  /** L: previous items per window. */
  window: number;
  /** T: target items per window. */
  targets: number;
  loss: 'bpr' | 'bce' | 'ce';
  /** Sampled negatives per target (`'bpr'`, `'bce'`). */
  negatives: number;
  /** Where negatives come from: every item but the target, or only items absent from the user's sequence. */
  negativePool: 'all' | 'unseen';
  /** λ of the L2 penalty (0 = none). */
  l2: number;
}

/** Defaults for {@link HGNOptions} (the official code's setting: L = 5, T = 3, 3 negatives, BPR, λ = 1e-3). */
export const HGN_DEFAULTS: HGNOptions = { dim: 64, window: 5, targets: 3, loss: 'bpr', negatives: 3, negativePool: 'all', l2: 1e-3 };

/** One training window. */
export interface HGNSample {
  user: number;
  items: Int32Array;
  targets: Int32Array;
}

/** HGN as a {@link NeuralSeqRec}. */
export class HGN extends NeuralSeqRec<HGNSample> {
  readonly name: string;
  readonly options: HGNOptions;
  private users = new Map<string, number>();
  private numUsers = 0;
  /** Per user: the sorted distinct items of its training sequence (never negatives with `negativePool: 'unseen'`). */
  private seen: Int32Array[] = [];

  constructor(options: Partial<HGNOptions> = {}, train: Partial<NeuralTrainOptions> = {}) {
    super(train);
    this.options = { ...HGN_DEFAULTS, ...options };
    const { negatives, l2 } = this.options;
    if (!(Number.isInteger(negatives) && negatives >= 1)) throw new LmiError(`HGN: options.negatives must be an integer >= 1, got ${negatives}`);
    if (!(l2 >= 0)) throw new LmiError(`HGN: options.l2 must be >= 0, got ${l2}`);
    this.name = this.options.loss === 'bpr' ? 'HGN' : `HGN (${this.options.loss.toUpperCase()})`;
  }

  protected build(train: readonly Int32Array[], numItems: number): void {
    const { dim: d, window: l } = this.options;
    this.users = new Map(train.map((s, u) => [s.join(','), u]));
    this.numUsers = train.length;
    this.seen = train.map((x) => Int32Array.from(new Set(x)).sort());
    const s = this.store;
    const std = 1 / d;
    s.add('item_embedding', [numItems + 1, d], std); // row numItems = padding (masked out)
    s.add('user_embedding', [train.length + 1, d], std);
    s.add('feature_gate.item', [d, d], 1 / Math.sqrt(d));
    s.add('feature_gate.user', [d, d], 1 / Math.sqrt(d));
    s.add('feature_gate.bias', [d], 'zeros');
    s.add('instance_gate.item', [d], 1 / Math.sqrt(d)); // w_g3 as a vector (a [d, 1] matmul crashes the wasm backend's gradient)
    s.add('instance_gate.user', [d, l], 1 / Math.sqrt(d));
    s.add('output.items', [numItems, d], std);
    s.add('output.bias', [numItems], 'zeros');
    // The unknown-user row (index train.length) is never trained: make it zero.
    const ue = s.get('user_embedding');
    tf.tidy(() => ue.assign(tf.concat([tf.slice(ue, [0, 0], [train.length, d]), tf.zeros([1, d])], 0)));
  }

  protected samples(train: readonly Int32Array[]): HGNSample[] {
    const { window: l, targets: t } = this.options;
    const out: HGNSample[] = [];
    train.forEach((s, user) => {
      // windows with all T targets; a sequence too short for one still gives its first item → the rest
      for (let i = 1; i + t <= s.length; i++) out.push({ user, items: s.subarray(Math.max(0, i - l), i), targets: s.subarray(i, i + t) });
      if (s.length >= 2 && s.length < t + 1) out.push({ user, items: s.subarray(0, 1), targets: s.subarray(1) });
    });
    return out;
  }

  /** u + union + Σ E [B, d] for users and item windows. */
  private represent(users: ArrayLike<number>, windows: readonly ArrayLike<number>[]): tf.Tensor2D {
    const { dim: d, window: l } = this.options;
    const b = windows.length;
    const p = (n: string): tf.Tensor2D => this.store.get(n) as tf.Tensor as tf.Tensor2D;
    const { ids, mask } = padLeft(windows, l, this.numItems);
    const m = tf.tensor3d(Float32Array.from(mask), [b, l, 1]);
    const e = tf.mul(embed(p('item_embedding'), ids, b, l), m); // [B, L, d], padding zeroed
    const u = gatherRows(p('user_embedding'), users); // [B, d]
    const gate = tf.sigmoid(tf.add(tf.add(tf.reshape(linear(e, p('feature_gate.item')), [b, l, d]), tf.reshape(linear(u, p('feature_gate.user')), [b, 1, d])), p('feature_gate.bias')));
    const g = tf.mul(e, gate); // feature gating
    const inst = tf.mul(tf.sigmoid(tf.add(tf.sum(tf.mul(g, p('instance_gate.item')), 2), linear(u, p('instance_gate.user')))), tf.reshape(m, [b, l])); // instance gating
    const union = tf.div(tf.sum(tf.mul(g, tf.reshape(inst, [b, l, 1])), 1), tf.add(tf.sum(inst, 1, true), 1e-8));
    return tf.add(tf.add(u, union), tf.sum(e, 1)) as tf.Tensor2D;
  }

  protected loss(batch: HGNSample[], ctx: StepContext): tf.Scalar {
    const r = this.represent(batch.map((x) => x.user), batch.map((x) => x.items));
    const outItems = this.store.get('output.items') as tf.Tensor as tf.Tensor2D;
    const outBias = this.store.get('output.bias') as tf.Tensor as tf.Tensor1D;
    const rows: number[] = [];
    const pos: number[] = [];
    batch.forEach((x, i) => x.targets.forEach((t) => { rows.push(i); pos.push(t); }));
    const h = gatherRows(r, rows); // one row per (sample, target)
    if (this.options.loss === 'ce') return itemCrossEntropy(h, outItems, outBias, pos);
    const k = this.options.negatives;
    const neg: number[] = [];
    const negRows: number[] = [];
    pos.forEach((t, i) => {
      for (let j = 0; j < k; j++) {
        neg.push(this.negative(batch[rows[i]].user, t, ctx.rng));
        negRows.push(i);
      }
    });
    const score = (hs: tf.Tensor2D, items: number[]): tf.Tensor1D => {
      const bias = tf.reshape(gatherRows(tf.reshape(outBias, [-1, 1]), items), [-1]);
      return tf.add(tf.sum(tf.mul(hs, gatherRows(outItems, items)), 1), bias) as tf.Tensor1D;
    };
    const sPos = score(h, pos);
    const sNeg = score(gatherRows(h, negRows), neg);
    let data: tf.Scalar;
    if (this.options.loss === 'bpr') {
      // −log σ(pos − neg) = softplus(neg − pos), averaged over the (target, negative) pairs
      data = tf.mean(tf.softplus(tf.sub(sNeg, tf.reshape(gatherRows(tf.reshape(sPos, [-1, 1]), negRows), [-1])))) as tf.Scalar;
    } else {
      // −log σ(pos) − log(1 − σ(neg)) = softplus(−pos) + softplus(neg); summed per target, averaged over targets
      data = tf.div(tf.add(tf.sum(tf.softplus(tf.neg(sPos))), tf.sum(tf.softplus(sNeg))), pos.length) as tf.Scalar;
    }
    return this.options.l2 > 0 ? tf.add(data, tf.mul(this.l2Norm(), this.options.l2 / (2 * neg.length))) as tf.Scalar : data;
  }

  /** A uniform item ≠ `target` from the negative pool (any item ≠ `target` if the user has seen them all). */
  private negative(user: number, target: number, rng: StepContext['rng']): number {
    const seen = this.seen[user];
    if (this.options.negativePool === 'all' || seen.length >= this.numItems) {
      const n = rng.int(this.numItems - 1);
      return n >= target ? n + 1 : n;
    }
    let n = rng.int(this.numItems - seen.length); // the n-th unseen item: skip the seen ones at or below it
    for (const x of seen) {
      if (x > n) break;
      n++;
    }
    return n;
  }

  /** ‖Θ‖² over every parameter except the instance gates. */
  private l2Norm(): tf.Scalar {
    const terms = [...this.store.params].filter(([n]) => !n.startsWith('instance_gate')).map(([, v]) => tf.sum(tf.square(v)));
    return tf.addN(terms) as tf.Scalar;
  }

  protected userVectors(histories: readonly Int32Array[]): tf.Tensor2D {
    const users = histories.map((h) => this.users.get(h.join(',')) ?? this.users.get(h.subarray(0, h.length - 1).join(',')) ?? this.numUsers);
    return appendOne(this.represent(users, histories.map((h) => h.subarray(Math.max(0, h.length - this.options.window)))));
  }

  protected outputMatrix(): tf.Tensor2D {
    return tf.concat([this.store.get('output.items'), tf.reshape(this.store.get('output.bias'), [-1, 1])], 1) as tf.Tensor2D;
  }
}
