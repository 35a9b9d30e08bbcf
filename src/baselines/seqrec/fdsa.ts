/**
 * FDSA (Zhang et al., IJCAI 2019, "Feature-level deeper self-attention network for sequential recommendation"):
 * two causal self-attention streams over a history, one over item embeddings (item-based), one over each item's
 * feature vector (feature-based: the mean of its attribute embeddings — brand + categories; the paper's vanilla
 * attention over features is replaced by mean pooling, RecBole's FDSA option), each with learned positions and
 * post-LN transformer blocks. The two outputs are concatenated and projected, O = [O_item; O_feat] W + b, and scored
 * against the item embeddings (shared with the input). Trained with full-softmax cross-entropy on the next item at
 * every position (causal masking makes each position a prefix of the history).
 */
import * as tf from '@tensorflow/tfjs';
import { LmiError } from '../../errors';
import { embed, gatherRows } from '../../nn/embedding';
import { dropout } from '../../nn/dropout';
import { causalBias, paddingBias } from '../../nn/masks';
import { linear } from '../../nn/ops';
import type { Rng } from '../../rng';
import type { StepContext } from '../../train/trainer';
import type { ItemFeatures } from './features';
import { addTransformerBlock, lastItems, layerNorm, padLeft, positionRows, transformerBlock } from './neural-layers';
import { itemCrossEntropy, NeuralSeqRec, type NeuralTrainOptions } from './train-loop';

/** Model options of {@link FDSA}. */
export interface FDSAOptions {
  dim: number;
  /** Transformer blocks per stream. */
  layers: number;
  heads: number;
  maxLen: number;
  dropout: number;
}

/** Defaults for {@link FDSAOptions}. */
export const FDSA_DEFAULTS: FDSAOptions = { dim: 64, layers: 1, heads: 2, maxLen: 50, dropout: 0.2 };

/** FDSA as a {@link NeuralSeqRec}; `features` must cover the catalogue passed to `fit`. */
export class FDSA extends NeuralSeqRec {
  readonly name = 'FDSA';
  readonly options: FDSAOptions;

  constructor(readonly features: ItemFeatures, options: Partial<FDSAOptions> = {}, train: Partial<NeuralTrainOptions> = {}) {
    super(train);
    this.options = { ...FDSA_DEFAULTS, ...options };
  }

  protected build(_train: readonly Int32Array[], numItems: number): void {
    if (this.features.offsets.length !== numItems + 1) throw new LmiError(`FDSA.fit: features cover ${this.features.offsets.length - 1} items, the catalogue has ${numItems}; load them for the same items (loadItemFeatures(set, data.items))`);
    const { dim: d, layers, maxLen } = this.options;
    const s = this.store;
    const std = 0.02;
    s.add('item_embedding', [numItems + 1, d], std); // row numItems = padding
    s.add('feature_embedding', [this.features.numFeatures + 1, d], std); // last row = padding (weight 0)
    for (const stream of ['item', 'feature']) {
      s.add(`${stream}.pos_embedding`, [maxLen, d], std);
      s.add(`${stream}.norm.gain`, [d], 'ones');
      s.add(`${stream}.norm.bias`, [d], 'zeros');
      for (let l = 0; l < layers; l++) addTransformerBlock(s, `${stream}.layer${l}`, d, 4 * d, std);
    }
    s.add('fuse.w', [2 * d, d], std);
    s.add('fuse.bias', [d], 'zeros');
  }

  protected samples(train: readonly Int32Array[]): Int32Array[] {
    return train.filter((t) => t.length >= 2).map((t) => lastItems(t, this.options.maxLen + 1));
  }

  protected override sampleLength(s: Int32Array): number {
    return s.length;
  }

  /** Mean feature embedding of every position of a padded batch: [B·L, d] (padding → 0). */
  private featureVectors(ids: Int32Array): tf.Tensor2D {
    const { offsets, ids: feats, numFeatures } = this.features;
    const uniq = new Map<number, number>();
    const pos = new Int32Array(ids.length);
    ids.forEach((it, i) => {
      let u = uniq.get(it);
      if (u === undefined) uniq.set(it, (u = uniq.size));
      pos[i] = u;
    });
    let k = 1;
    for (const it of uniq.keys()) if (it < this.numItems) k = Math.max(k, offsets[it + 1] - offsets[it]);
    const flat = new Int32Array(uniq.size * k).fill(numFeatures);
    const weight = new Float32Array(uniq.size * k);
    for (const [it, u] of uniq) {
      if (it >= this.numItems) continue;
      const n = offsets[it + 1] - offsets[it];
      for (let j = 0; j < n; j++) {
        flat[u * k + j] = feats[offsets[it] + j];
        weight[u * k + j] = 1 / n;
      }
    }
    const d = this.options.dim;
    const g = tf.reshape(gatherRows(this.store.get('feature_embedding') as tf.Tensor as tf.Tensor2D, flat), [uniq.size, k, d]);
    const pooled = tf.sum(tf.mul(g, tf.tensor3d(weight, [uniq.size, k, 1])), 1) as tf.Tensor2D;
    return gatherRows(pooled, pos);
  }

  /** One stream: input [B, L, d] + positions → LN → dropout → causal blocks. */
  private stream(name: string, x: tf.Tensor3D, bias: tf.Tensor, rng: Rng | undefined): tf.Tensor3D {
    const { layers, heads, maxLen } = this.options;
    const p = (n: string): tf.Tensor => this.store.get(`${name}.${n}`);
    let h: tf.Tensor3D = tf.add(x, positionRows(p('pos_embedding') as tf.Tensor2D, x.shape[1], maxLen));
    h = dropout(layerNorm(h, p('norm.gain'), p('norm.bias')), this.options.dropout, rng);
    for (let l = 0; l < layers; l++) h = transformerBlock(h, this.store, `${name}.layer${l}`, heads, bias, this.options.dropout, rng);
    return h;
  }

  /** Fused outputs [B·L, d] of a left-padded batch. */
  private encode(seqs: readonly ArrayLike<number>[], rng: Rng | undefined): { h: tf.Tensor2D; len: number } {
    const d = this.options.dim;
    const b = seqs.length;
    const len = Math.max(...seqs.map((x) => x.length));
    const { ids, mask } = padLeft(seqs, len, this.numItems);
    const bias = tf.add(paddingBias(mask, b, len), causalBias(len));
    const items = this.stream('item', embed(this.store.get('item_embedding') as tf.Tensor as tf.Tensor2D, ids, b, len), bias, rng);
    const feats = this.stream('feature', tf.reshape(this.featureVectors(ids), [b, len, d]), bias, rng);
    const both = tf.reshape(tf.concat([items, feats], 2), [b * len, 2 * d]);
    return { h: tf.add(linear(both, this.store.get('fuse.w') as tf.Tensor as tf.Tensor2D), this.store.get('fuse.bias')) as tf.Tensor2D, len };
  }

  private items(): tf.Tensor2D {
    return tf.slice(this.store.get('item_embedding') as tf.Tensor as tf.Tensor2D, [0, 0], [this.numItems, this.options.dim]);
  }

  protected loss(batch: Int32Array[], ctx: StepContext): tf.Scalar {
    const inputs = batch.map((s) => s.subarray(0, s.length - 1));
    const { h, len } = this.encode(inputs, ctx.rng);
    const rows: number[] = [];
    const targets: number[] = [];
    batch.forEach((s, i) => {
      const n = s.length - 1;
      for (let j = 0; j < n; j++) {
        rows.push(i * len + len - n + j);
        targets.push(s[j + 1]);
      }
    });
    return itemCrossEntropy(gatherRows(h, rows), this.items(), undefined, targets);
  }

  protected userVectors(histories: readonly Int32Array[]): tf.Tensor2D {
    const seqs = histories.map((h) => lastItems(h, this.options.maxLen));
    const { h, len } = this.encode(seqs, undefined);
    return gatherRows(h, seqs.map((_, i) => i * len + len - 1));
  }

  protected outputMatrix(): tf.Tensor2D {
    return this.items();
  }
}
