/**
 * The reconstructor (Eq 4–5, 7): a shallow transformer (1 layer by default; Table 4 tries 2 and 3) that recovers the
 * masked tokens of a document from its ID representations and the hint tokens.
 *
 * Query channel: one query per token position i, q_i = r + p_i (ID representation r plus a learned position
 * embedding, as in the RetroMAE enhanced decoder the paper follows). Key/value channel: the hint tokens only
 * (W[d_h] + p_j; masked positions and padding are excluded by the attention mask). Eq 5's sum over ID positions,
 * z = Σ_t Trans(q = c_t, k = d_h, v = d_h), is one batched pass with S·L queries (S representations), summed per
 * token and RMS-normalised; P(w) = softmax(W z · d^-½) with the token-embedding matrix W (tied, T5 scaling).
 * With no representation (reconstructor warm-up, Eq 12) the queries are the position embeddings alone.
 */
import * as tf from '@tensorflow/tfjs';
import { LmiError } from '../errors';
import { type AttentionShape, type AttentionWeights, crossAttention, projectKeyValue } from '../nn/attention';
import { embed } from '../nn/embedding';
import { feedForward } from '../nn/feed-forward';
import { t5LayerNorm } from '../nn/layer-norm';
import { paddingBias } from '../nn/masks';
import { Rng } from '../rng';

export interface ReconstructorShape {
  dModel: number;
  numHeads: number;
  dKv: number;
  dFf: number;
  layers: number;
  maxLength: number;
}

/** Documents with their hints: row-major [B, L]. */
export interface HintBatch {
  rows: number;
  cols: number;
  /** Token ids with masked positions replaced (their embeddings are never attended to). */
  hintIds: Int32Array;
  /** 1 = hint token visible to the reconstructor, 0 = masked or padding. */
  visible: Int32Array;
  /** Flat row indices (b·L + i) of the masked, non-padding tokens to predict, and their true ids (Eq 7's d \ d_h). */
  targetRows: Int32Array;
  targets: Int32Array;
}

export class Reconstructor {
  readonly params = new Map<string, tf.Variable>();

  constructor(readonly shape: ReconstructorShape, seed: number) {
    const { dModel: d, numHeads: h, dKv, dFf, layers, maxLength } = shape;
    if (!(layers >= 1)) throw new LmiError(`Reconstructor: layers must be ≥ 1, got ${layers}`);
    const rng = new Rng(seed);
    const inner = h * dKv;
    const init = (name: string, shp: number[], std: number): void => {
      const n = shp.reduce((a, b) => a * b, 1);
      const data = new Float32Array(n);
      for (let i = 0; i < n; i++) data[i] = std === 0 ? 1 : std * rng.normal();
      this.params.set(name, tf.tidy(() => tf.variable(tf.tensor(data, shp), true))); // tidy frees the initial tensor
    };
    init('position.weight', [maxLength, d], 1);
    for (let l = 0; l < layers; l++) {
      const p = `layer.${l}`;
      init(`${p}.attention.q.weight`, [d, inner], (d * dKv) ** -0.5);
      init(`${p}.attention.k.weight`, [d, inner], d ** -0.5);
      init(`${p}.attention.v.weight`, [d, inner], d ** -0.5);
      init(`${p}.attention.o.weight`, [inner, d], inner ** -0.5);
      init(`${p}.query.layer_norm.weight`, [d], 0);
      init(`${p}.memory.layer_norm.weight`, [d], 0);
      init(`${p}.ffn.wi.weight`, [d, dFf], d ** -0.5);
      init(`${p}.ffn.wo.weight`, [dFf, d], dFf ** -0.5);
      init(`${p}.ffn.layer_norm.weight`, [d], 0);
    }
    init('final.layer_norm.weight', [d], 0);
  }

  private p(name: string): tf.Tensor {
    const v = this.params.get(name);
    if (!v) throw new LmiError(`Reconstructor: parameter "${name}" missing`);
    return v;
  }

  /**
   * z [B, L, d] (Eq 5): `reps` are S ID representations [B, d] each (ĉ_t, or h_t in the encoder warm-up), possibly
   * none; `w` the token embeddings [V, d].
   */
  forward(reps: readonly tf.Tensor2D[], hints: HintBatch, w: tf.Tensor2D): tf.Tensor3D {
    const { rows: B, cols: L } = hints;
    const { dModel: d, numHeads, dKv, maxLength } = this.shape;
    if (L > maxLength) throw new LmiError(`Reconstructor: documents of ${L} tokens exceed maxLength ${maxLength}`);
    const s: AttentionShape = { numHeads, dKv };
    return tf.tidy(() => {
      const pos = tf.slice(this.p('position.weight'), [0, 0], [L, d]);
      const S = Math.max(1, reps.length);
      // [B, S, 1, d] + [L, d] → [B, S·L, d]
      const r = reps.length ? tf.stack(reps as tf.Tensor2D[], 1) : tf.zeros([B, 1, d]);
      let x = tf.reshape(tf.add(tf.expandDims(r, 2), pos), [B, S * L, d]) as tf.Tensor3D;
      const memory = tf.add(embed(w, hints.hintIds, B, L), pos) as tf.Tensor3D;
      const bias = paddingBias(hints.visible, B, L);
      for (let l = 0; l < this.shape.layers; l++) {
        const p = `layer.${l}`;
        const aw: AttentionWeights = {
          q: this.p(`${p}.attention.q.weight`) as tf.Tensor2D, k: this.p(`${p}.attention.k.weight`) as tf.Tensor2D,
          v: this.p(`${p}.attention.v.weight`) as tf.Tensor2D, o: this.p(`${p}.attention.o.weight`) as tf.Tensor2D,
        };
        const kv = projectKeyValue(t5LayerNorm(memory, this.p(`${p}.memory.layer_norm.weight`) as tf.Tensor1D), aw, s);
        x = tf.add(x, crossAttention(t5LayerNorm(x, this.p(`${p}.query.layer_norm.weight`) as tf.Tensor1D), kv, aw, s, bias)) as tf.Tensor3D;
        const f = feedForward(t5LayerNorm(x, this.p(`${p}.ffn.layer_norm.weight`) as tf.Tensor1D),
          { wi: this.p(`${p}.ffn.wi.weight`) as tf.Tensor2D, wo: this.p(`${p}.ffn.wo.weight`) as tf.Tensor2D }, 'relu');
        x = tf.add(x, f) as tf.Tensor3D;
      }
      const z = S === 1 ? x : tf.sum(tf.reshape(x, [B, S, L, d]), 1);
      return t5LayerNorm(z, this.p('final.layer_norm.weight') as tf.Tensor1D) as tf.Tensor3D;
    });
  }

  dispose(): void {
    for (const v of this.params.values()) v.dispose();
  }
}
