/**
 * BERT4Rec (Sun et al., CIKM 2019, "BERT4Rec: Sequential recommendation with bidirectional encoder representations
 * from transformer"): item + learned position embeddings → LayerNorm → dropout → N bidirectional post-LN transformer
 * layers; Cloze objective: a fraction `maskProb` of the items is replaced by [mask] and predicted with
 * softmax(GELU(h W_P + b_P) Eᵀ + b_O) over all items (E = the input item embeddings, shared). As in the paper, some
 * training samples mask only the last item (matching the test setting: append [mask] after the history and score it).
 */
import * as tf from '@tensorflow/tfjs';
import { embed, gatherRows } from '../../nn/embedding';
import { dropout } from '../../nn/dropout';
import { paddingBias } from '../../nn/masks';
import { linear } from '../../nn/ops';
import type { Rng } from '../../rng';
import type { StepContext } from '../../train/trainer';
import { addTransformerBlock, gelu, lastItems, layerNorm, padLeft, positionRows, transformerBlock } from './neural-layers';
import { appendOne, itemCrossEntropy, NeuralSeqRec, type NeuralTrainOptions } from './train-loop';

/** Model options of {@link BERT4Rec}. */
export interface BERT4RecOptions {
  dim: number;
  layers: number;
  heads: number;
  /** Longest input (history + [mask]). */
  maxLen: number;
  dropout: number;
  /** Cloze masking probability per item. */
  maskProb: number;
  /** Fraction of training samples that mask only their last item. */
  maskLastProb: number;
}

/** Defaults for {@link BERT4RecOptions}. */
export const BERT4REC_DEFAULTS: BERT4RecOptions = { dim: 64, layers: 2, heads: 2, maxLen: 50, dropout: 0.1, maskProb: 0.2, maskLastProb: 0.1 };

/** BERT4Rec as a {@link NeuralSeqRec}. Input vocabulary: items 0..V−1, [pad] = V, [mask] = V + 1. */
export class BERT4Rec extends NeuralSeqRec {
  readonly name = 'BERT4Rec';
  readonly options: BERT4RecOptions;

  constructor(options: Partial<BERT4RecOptions> = {}, train: Partial<NeuralTrainOptions> = {}) {
    super(train);
    this.options = { ...BERT4REC_DEFAULTS, ...options };
  }

  private get maskId(): number {
    return this.numItems + 1;
  }

  protected build(_train: readonly Int32Array[], numItems: number): void {
    const { dim: d, layers, maxLen } = this.options;
    const s = this.store;
    const std = 0.02;
    s.add('item_embedding', [numItems + 2, d], std);
    s.add('pos_embedding', [maxLen, d], std);
    s.add('embed_norm.gain', [d], 'ones');
    s.add('embed_norm.bias', [d], 'zeros');
    for (let l = 0; l < layers; l++) addTransformerBlock(s, `layer${l}`, d, 4 * d, std);
    s.add('head.w', [d, d], std); // W_P
    s.add('head.bias', [d], 'zeros'); // b_P
    s.add('output.bias', [numItems], 'zeros'); // b_O
  }

  protected samples(train: readonly Int32Array[]): Int32Array[] {
    return train.filter((t) => t.length >= 1).map((t) => lastItems(t, this.options.maxLen));
  }

  protected override sampleLength(s: Int32Array): number {
    return s.length;
  }

  /** Final hidden states [B·L, d] of a left-padded batch of input ids. */
  private encode(seqs: readonly ArrayLike<number>[], rng: Rng | undefined): { h: tf.Tensor2D; len: number } {
    const { dim: d, layers, heads, maxLen } = this.options;
    const b = seqs.length;
    const len = Math.max(...seqs.map((x) => x.length));
    const { ids, mask } = padLeft(seqs, len, this.numItems);
    const p = (n: string): tf.Tensor => this.store.get(n);
    let x: tf.Tensor3D = tf.add(embed(p('item_embedding') as tf.Tensor2D, ids, b, len), positionRows(p('pos_embedding') as tf.Tensor2D, len, maxLen));
    x = dropout(layerNorm(x, p('embed_norm.gain'), p('embed_norm.bias')), this.options.dropout, rng);
    const bias = paddingBias(mask, b, len);
    for (let l = 0; l < layers; l++) x = transformerBlock(x, this.store, `layer${l}`, heads, bias, this.options.dropout, rng);
    return { h: tf.reshape(x, [b * len, d]), len };
  }

  /** GELU(h W_P + b_P) */
  private head(h: tf.Tensor2D): tf.Tensor2D {
    return gelu(tf.add(linear(h, this.store.get('head.w') as tf.Tensor as tf.Tensor2D), this.store.get('head.bias'))) as tf.Tensor2D;
  }

  private items(): tf.Tensor2D {
    return tf.slice(this.store.get('item_embedding') as tf.Tensor as tf.Tensor2D, [0, 0], [this.numItems, this.options.dim]);
  }

  protected loss(batch: Int32Array[], ctx: StepContext): tf.Scalar {
    const { rng } = ctx;
    const len = Math.max(...batch.map((s) => s.length));
    const inputs: Int32Array[] = [];
    const rows: number[] = [];
    const targets: number[] = [];
    batch.forEach((s, i) => {
      const x = Int32Array.from(s);
      const masked: number[] = [];
      if (rng.next() < this.options.maskLastProb) masked.push(s.length - 1);
      else {
        for (let j = 0; j < s.length; j++) if (rng.next() < this.options.maskProb) masked.push(j);
        if (masked.length === 0) masked.push(rng.int(s.length));
      }
      for (const j of masked) {
        x[j] = this.maskId;
        rows.push(i * len + len - s.length + j);
        targets.push(s[j]);
      }
      inputs.push(x);
    });
    const { h } = this.encode(inputs, rng);
    return itemCrossEntropy(this.head(gatherRows(h, rows)), this.items(), this.store.get('output.bias') as tf.Tensor as tf.Tensor1D, targets);
  }

  protected userVectors(histories: readonly Int32Array[]): tf.Tensor2D {
    const seqs = histories.map((hs) => {
      const last = lastItems(hs, this.options.maxLen - 1);
      const x = new Int32Array(last.length + 1);
      x.set(last);
      x[last.length] = this.maskId; // score the appended [mask]
      return x;
    });
    const { h, len } = this.encode(seqs, undefined);
    const rows = seqs.map((_, i) => i * len + len - 1);
    return appendOne(this.head(gatherRows(h, rows)));
  }

  protected outputMatrix(): tf.Tensor2D {
    return tf.concat([this.items(), tf.reshape(this.store.get('output.bias'), [-1, 1])], 1) as tf.Tensor2D;
  }
}
