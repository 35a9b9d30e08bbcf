/**
 * The training and scoring loop shared by the neural sequential recommenders (GRU4Rec, BERT4Rec, HGN, FDSA).
 *
 * A model says how to build its parameters, which training samples a sequence yields, the loss of a batch, and how
 * a history becomes a user vector u; the item scores are then u · Wᵢ over one output matrix W [numItems, k] (the
 * last column of W is usually an item bias, matched by a constant 1 in u). Training uses the project's `Trainer`
 * (AdamW, gradient clipping, per-step seeded Rng), batches of similar sample length, optional early stopping on
 * validation cases, and a wall-clock budget. After `fit`, W is copied to the host so `scoreAll` is one small
 * forward pass (or a cache hit, see {@link NeuralSeqRec.precompute}) and a dot product per item.
 */
import * as tf from '@tensorflow/tfjs';
import { LmiError } from '../../errors';
import { Rng } from '../../rng';
import { Trainer, type StepContext } from '../../train/trainer';
import { lmHeadCrossEntropy } from '../../nn/loss';
import type { SeqCase, SeqRecommender } from './protocol';
import { ParamStore } from './neural-layers';

/** Training options shared by every neural recommender. */
export interface NeuralTrainOptions {
  /** Epochs over the training samples (an upper bound with early stopping or a time budget). */
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** AdamW decoupled weight decay (not applied to biases / norms / positions). */
  weightDecay: number;
  /** Global gradient-norm clip (0 = none). */
  maxGradNorm: number;
  seed: number;
  /** Stop after this many seconds of training (checked per batch; 0 = no limit). */
  timeBudgetSeconds: number;
  /** Cases scored after every epoch for early stopping on NDCG@10 (all items, pessimistic ties); none = no stopping. */
  validation?: readonly SeqCase[];
  /** Score at most this many validation cases (the first ones). */
  validationUsers: number;
  /** Stop after this many epochs without a better validation NDCG@10; the best epoch's weights are kept. */
  patience: number;
  /** Receives one line per epoch. */
  log?: (line: string) => void;
}

/** Defaults for {@link NeuralTrainOptions}. */
export const NEURAL_TRAIN_DEFAULTS: NeuralTrainOptions = {
  epochs: 20, batchSize: 256, learningRate: 1e-3, weightDecay: 0, maxGradNorm: 5, seed: 1,
  timeBudgetSeconds: 0, validationUsers: 2000, patience: 2,
};

/** One epoch of training. */
export interface EpochInfo {
  epoch: number;
  loss: number;
  seconds: number;
  /** Validation NDCG@10 / Recall@10 when validation cases were given. */
  ndcg10?: number;
  recall10?: number;
}

/** Ranks are 1-based; pessimistic: every other item with a score ≥ the target's ranks before it. */
function pessimisticRank(scores: Float32Array, target: number): number {
  const t = scores[target];
  let rank = 1;
  for (let i = 0; i < scores.length; i++) if (i !== target && !(scores[i] < t)) rank++;
  return rank;
}

/** Hidden states [N, d] against items [V, d] (+ bias [V]) with full-softmax cross-entropy on `targets`. */
export function itemCrossEntropy(h: tf.Tensor2D, items: tf.Tensor2D, bias: tf.Tensor1D | undefined, targets: ArrayLike<number>): tf.Scalar {
  if (!bias) return lmHeadCrossEntropy(h, tf.transpose(items), targets);
  const hb = tf.concat([h, tf.ones([h.shape[0], 1])], 1) as tf.Tensor2D;
  const wb = tf.concat([tf.transpose(items), tf.reshape(bias, [1, -1])], 0) as tf.Tensor2D;
  return lmHeadCrossEntropy(hb, wb, targets);
}

/** A user-vector matrix [B, d] with a column of ones appended (pairs with an item-bias column of the output). */
export function appendOne(u: tf.Tensor2D): tf.Tensor2D {
  return tf.concat([u, tf.ones([u.shape[0], 1])], 1) as tf.Tensor2D;
}

/** Base class: see the file comment. `S` is the training sample type. */
export abstract class NeuralSeqRec<S = Int32Array> implements SeqRecommender {
  abstract readonly name: string;
  readonly train: NeuralTrainOptions;
  /** Per-epoch log of the last `fit`. */
  epochs: EpochInfo[] = [];
  protected numItems = 0;
  protected store = new ParamStore(new Rng(0));
  private output = new Float32Array(0);
  private outDim = 0;
  private cache = new Map<string, Float32Array>();

  constructor(train: Partial<NeuralTrainOptions>) {
    this.train = { ...NEURAL_TRAIN_DEFAULTS, ...train };
  }

  /** Create every parameter in `this.store`. */
  protected abstract build(train: readonly Int32Array[], numItems: number): void;
  /** The training samples of the whole training set (called once per `fit`). */
  protected abstract samples(train: readonly Int32Array[]): S[];
  /** Samples of similar length are batched together (default: no ordering). */
  protected sampleLength(_s: S): number {
    return 0;
  }
  /** Mean loss of one batch; `ctx.rng` drives dropout and masking. */
  protected abstract loss(batch: S[], ctx: StepContext): tf.Scalar;
  /** User vectors [B, k] of histories (each non-empty). */
  protected abstract userVectors(histories: readonly Int32Array[]): tf.Tensor2D;
  /** Output matrix [numItems, k]. */
  protected abstract outputMatrix(): tf.Tensor2D;
  /** Parameter names excluded from weight decay. */
  protected noDecay(name: string): boolean {
    return /bias|norm|pos/.test(name);
  }

  /** The trainable variables by name (after `fit`). */
  get params(): Map<string, tf.Variable> {
    return this.store.params;
  }

  fit(train: readonly Int32Array[], numItems: number): void {
    if (!(numItems > 0)) throw new LmiError(`${this.name}.fit: numItems must be > 0, got ${numItems}`);
    const o = this.train;
    this.dispose();
    this.numItems = numItems;
    this.store = new ParamStore(new Rng(o.seed));
    this.build(train, numItems);
    const samples = this.samples(train);
    if (samples.length === 0) throw new LmiError(`${this.name}.fit: no training samples; sequences need at least 2 items`);
    const trainer = new Trainer<S[]>({ params: this.store.params }, (b, ctx) => this.loss(b, ctx), {
      learningRate: o.learningRate, weightDecay: o.weightDecay, maxGradNorm: o.maxGradNorm, seed: o.seed,
      schedule: 'constant', noDecay: (n) => this.noDecay(n),
    });
    const rng = new Rng(o.seed ^ 0x5eed);
    const t0 = performance.now();
    let best = -1;
    let bestWeights: Map<string, Float32Array> | undefined;
    let sinceBest = 0;
    this.epochs = [];
    try {
      for (let epoch = 1; epoch <= o.epochs; epoch++) {
        const te = performance.now();
        let lossSum = 0;
        let steps = 0;
        let outOfTime = false;
        for (const idx of this.batches(samples, rng)) {
          const info = trainer.trainStep([idx.map((i) => samples[i])]);
          if (!Number.isFinite(info.loss)) throw new LmiError(`${this.name}.fit: loss is ${info.loss} at epoch ${epoch}; lower learningRate`);
          lossSum += info.loss;
          steps++;
          if (o.timeBudgetSeconds > 0 && (performance.now() - t0) / 1000 > o.timeBudgetSeconds) {
            outOfTime = true;
            break;
          }
        }
        const e: EpochInfo = { epoch, loss: lossSum / Math.max(1, steps), seconds: (performance.now() - te) / 1000 };
        if (o.validation && o.validation.length > 0) Object.assign(e, this.validate(o.validation.slice(0, o.validationUsers)));
        this.epochs.push(e);
        o.log?.(`${this.name} epoch ${epoch}${outOfTime ? ' (partial: time budget)' : ''}: loss ${e.loss.toFixed(4)}${e.ndcg10 !== undefined ? `, val NDCG@10 ${e.ndcg10.toFixed(4)} R@10 ${e.recall10!.toFixed(4)}` : ''}, ${e.seconds.toFixed(1)} s`);
        if (e.ndcg10 !== undefined) {
          if (e.ndcg10 > best) {
            best = e.ndcg10;
            sinceBest = 0;
            bestWeights = new Map([...this.store.params].map(([n, v]) => [n, Float32Array.from(v.dataSync() as Float32Array)]));
          } else if (++sinceBest >= o.patience) break;
        }
        if (outOfTime) break;
      }
    } finally {
      trainer.dispose();
    }
    if (bestWeights) for (const [n, v] of this.store.params) tf.tidy(() => v.assign(tf.tensor(bestWeights!.get(n)!, v.shape, 'float32')));
    const out = tf.tidy(() => this.outputMatrix());
    this.outDim = out.shape[1];
    this.output = out.dataSync() as Float32Array;
    out.dispose();
    this.cache.clear();
  }

  /** Batches of sample indices: shuffled, then sorted by length in chunks (similar lengths together), batch order shuffled. */
  private batches(samples: S[], rng: Rng): number[][] {
    const order = rng.permutation(samples.length);
    const len = samples.map((s) => this.sampleLength(s));
    const chunk = this.train.batchSize * 64;
    const out: number[][] = [];
    for (let c = 0; c < order.length; c += chunk) {
      const part = order.slice(c, c + chunk).sort((a, b) => len[a] - len[b]);
      for (let i = 0; i < part.length; i += this.train.batchSize) out.push(part.slice(i, i + this.train.batchSize));
    }
    return rng.shuffle(out);
  }

  /** NDCG@10 and Recall@10 over `cases` (all items, pessimistic ties). */
  private validate(cases: readonly SeqCase[]): { ndcg10: number; recall10: number } {
    let ndcg = 0;
    let recall = 0;
    const bs = 256;
    for (let i = 0; i < cases.length; i += bs) {
      const part = cases.slice(i, i + bs);
      const scores = tf.tidy(() => tf.matMul(this.userVectors(part.map((c) => c.history)), tf.transpose(this.outputMatrix())));
      const data = scores.dataSync() as Float32Array;
      scores.dispose();
      part.forEach((c, r) => {
        const rank = pessimisticRank(data.subarray(r * this.numItems, (r + 1) * this.numItems), c.target);
        if (rank <= 10) {
          recall += 1;
          ndcg += 1 / Math.log2(rank + 1);
        }
      });
    }
    return { ndcg10: ndcg / cases.length, recall10: recall / cases.length };
  }

  /** Compute and cache the user vectors of many histories in batches (makes `scoreAll` on them cheap). */
  precompute(histories: readonly Int32Array[], batchSize = 256): void {
    for (let i = 0; i < histories.length; i += batchSize) {
      const part = histories.slice(i, i + batchSize).filter((h) => h.length > 0);
      if (part.length === 0) continue;
      const u = tf.tidy(() => this.userVectors(part));
      const data = u.dataSync() as Float32Array;
      u.dispose();
      part.forEach((h, r) => this.cache.set(h.join(','), data.slice(r * this.outDim, (r + 1) * this.outDim)));
    }
  }

  scoreAll(history: Int32Array): Float32Array {
    if (this.output.length === 0) throw new LmiError(`${this.name}.scoreAll: call fit first`);
    const scores = new Float32Array(this.numItems);
    if (history.length === 0) return scores;
    let u = this.cache.get(history.join(','));
    if (!u) {
      const t = tf.tidy(() => this.userVectors([history]));
      u = t.dataSync() as Float32Array;
      t.dispose();
    }
    const k = this.outDim;
    const w = this.output;
    for (let i = 0; i < this.numItems; i++) {
      let s = 0;
      const o = i * k;
      for (let j = 0; j < k; j++) s += u[j] * w[o + j];
      scores[i] = s;
    }
    return scores;
  }

  /** Free the model's tensors. */
  dispose(): void {
    this.store.dispose();
    this.cache.clear();
  }
}
