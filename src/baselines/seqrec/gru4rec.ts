/**
 * GRU4Rec (Hidasi et al., ICLR 2016, "Session-based recommendations with recurrent neural networks"): item
 * embeddings → one GRU layer (Cho et al. 2014) → hidden state hₜ scored against an output item matrix with a bias.
 * Trained with full-softmax cross-entropy on the next item at every position (the session-parallel objective of
 * the paper, with softmax over all items instead of sampled TOP1/BPR, as in GRU4Rec's later cross-entropy variant).
 * The GRU cell is written with matmuls over a left-padded batch; padded steps keep the previous state.
 */
import * as tf from '@tensorflow/tfjs';
import { embed, gatherRows } from '../../nn/embedding';
import { dropout } from '../../nn/dropout';
import { linear } from '../../nn/ops';
import type { StepContext } from '../../train/trainer';
import type { Rng } from '../../rng';
import { lastItems, padLeft } from './neural-layers';
import { appendOne, itemCrossEntropy, NeuralSeqRec, type NeuralTrainOptions } from './train-loop';

/** Model options of {@link GRU4Rec}. */
export interface GRU4RecOptions {
  /** Embedding and hidden size. */
  dim: number;
  /** Longest history used (training windows are the last maxLen + 1 items). */
  maxLen: number;
  /** Dropout on the item embeddings (GRU4Rec's input dropout). */
  dropout: number;
}

/** Defaults for {@link GRU4RecOptions}. */
export const GRU4REC_DEFAULTS: GRU4RecOptions = { dim: 64, maxLen: 50, dropout: 0.1 };

/** GRU4Rec as a {@link NeuralSeqRec}. */
export class GRU4Rec extends NeuralSeqRec {
  readonly name = 'GRU4Rec';
  readonly options: GRU4RecOptions;

  constructor(options: Partial<GRU4RecOptions> = {}, train: Partial<NeuralTrainOptions> = {}) {
    super(train);
    this.options = { ...GRU4REC_DEFAULTS, ...options };
  }

  protected build(_train: readonly Int32Array[], numItems: number): void {
    const d = this.options.dim;
    const s = this.store;
    s.add('item_embedding', [numItems + 1, d], 0.05); // row numItems = padding
    s.add('gru.w_input', [d, 3 * d], 1 / Math.sqrt(d)); // [reset | update | candidate] gates
    s.add('gru.w_hidden', [d, 3 * d], 1 / Math.sqrt(d));
    s.add('gru.bias_input', [3 * d], 'zeros');
    s.add('gru.bias_hidden', [3 * d], 'zeros');
    s.add('output.items', [numItems, d], 0.05);
    s.add('output.bias', [numItems], 'zeros');
  }

  protected samples(train: readonly Int32Array[]): Int32Array[] {
    return train.filter((t) => t.length >= 2).map((t) => lastItems(t, this.options.maxLen + 1));
  }

  protected override sampleLength(s: Int32Array): number {
    return s.length;
  }

  /** GRU states over a left-padded batch: time-major [L·B, d] (row t·B + b). */
  private states(seqs: readonly ArrayLike<number>[], rng: Rng | undefined): { h: tf.Tensor2D; len: number } {
    const d = this.options.dim;
    const b = seqs.length;
    const len = Math.max(...seqs.map((x) => x.length));
    const { ids, mask } = padLeft(seqs, len, this.numItems);
    const tIds = new Int32Array(len * b);
    const tMask = new Float32Array(len * b);
    for (let i = 0; i < b; i++) for (let t = 0; t < len; t++) {
      tIds[t * b + i] = ids[i * len + t];
      tMask[t * b + i] = mask[i * len + t];
    }
    const p = (n: string): tf.Variable => this.store.get(n);
    const x = dropout(tf.reshape(embed(p('item_embedding') as tf.Variable as tf.Tensor2D, tIds, len, b), [len * b, d]), this.options.dropout, rng);
    const xProj = tf.split(tf.add(linear(x, p('gru.w_input') as tf.Tensor as tf.Tensor2D), p('gru.bias_input')), len, 0);
    const masks = tf.split(tf.tensor2d(tMask, [len * b, 1]), len, 0);
    let h: tf.Tensor = tf.zeros([b, d]);
    const out: tf.Tensor[] = [];
    for (let t = 0; t < len; t++) {
      const [xr, xz, xn] = tf.split(xProj[t], 3, 1);
      const [hr, hz, hn] = tf.split(tf.add(linear(h, p('gru.w_hidden') as tf.Tensor as tf.Tensor2D), p('gru.bias_hidden')), 3, 1);
      const r = tf.sigmoid(tf.add(xr, hr)); // reset gate
      const z = tf.sigmoid(tf.add(xz, hz)); // update gate
      const n = tf.tanh(tf.add(xn, tf.mul(r, hn))); // candidate state
      const next = tf.add(n, tf.mul(z, tf.sub(h, n))); // (1 − z)·n + z·h
      h = tf.add(h, tf.mul(masks[t], tf.sub(next, h))); // padded steps keep h
      out.push(h);
    }
    return { h: tf.concat(out, 0) as tf.Tensor2D, len };
  }

  protected loss(batch: Int32Array[], ctx: StepContext): tf.Scalar {
    const b = batch.length;
    const inputs = batch.map((s) => s.subarray(0, s.length - 1));
    const { h, len } = this.states(inputs, ctx.rng);
    const rows: number[] = [];
    const targets: number[] = [];
    batch.forEach((s, i) => {
      const n = s.length - 1;
      for (let j = 0; j < n; j++) {
        rows.push((len - n + j) * b + i);
        targets.push(s[j + 1]);
      }
    });
    return itemCrossEntropy(gatherRows(h, rows), this.store.get('output.items') as tf.Tensor as tf.Tensor2D, this.store.get('output.bias') as tf.Tensor as tf.Tensor1D, targets);
  }

  protected userVectors(histories: readonly Int32Array[]): tf.Tensor2D {
    const seqs = histories.map((h) => lastItems(h, this.options.maxLen));
    const { h, len } = this.states(seqs, undefined);
    const b = seqs.length;
    return appendOne(tf.slice(h, [(len - 1) * b, 0], [b, this.options.dim]));
  }

  protected outputMatrix(): tf.Tensor2D {
    return tf.concat([this.store.get('output.items'), tf.reshape(this.store.get('output.bias'), [-1, 1])], 1) as tf.Tensor2D;
  }
}
