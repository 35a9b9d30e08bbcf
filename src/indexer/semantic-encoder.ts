/**
 * The semantic encoder (Eq 1): h_t = Dec(Enc(d), c_<t) on the project's T5. The decoder input is
 * [start, id(1, c_1), …, id(t−1, c_{t−1})]: every (position, code) pair has its own token row appended after the text
 * vocabulary in `shared.weight` (the official code also adds ID tokens to T5's vocabulary). One causal decoder pass
 * therefore yields h_1..h_t at once ([B, t, d]); the text part of `shared.weight` is the token-embedding matrix W that
 * the reconstructor predicts through (Eq 5).
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from '../config';
import { LmiError } from '../errors';
import type { IdMatrix } from '../model/t5';
import { T5 } from '../model/t5';
import type { Rng } from '../rng';

export class SemanticEncoder {
  private constructor(
    readonly t5: T5,
    /** Text vocabulary size V (rows [0, V) of `shared.weight` are W). */
    readonly textVocab: number,
    readonly idLength: number,
    readonly codebookSize: number,
  ) {}

  /** A T5 with V + T·K token rows. `model.vocabSize` is ignored (taken from `textVocab`). */
  static create(model: ModelConfig, textVocab: number, idLength: number, codebookSize: number, seed: number): SemanticEncoder {
    const t5 = T5.create({ ...model, vocabSize: textVocab + idLength * codebookSize }, { seed });
    return new SemanticEncoder(t5, textVocab, idLength, codebookSize);
  }

  /** Wrap an existing T5 whose vocabulary already holds the ID rows. */
  static wrap(t5: T5, textVocab: number, idLength: number, codebookSize: number): SemanticEncoder {
    if (t5.config.vocabSize !== textVocab + idLength * codebookSize) {
      throw new LmiError(`SemanticEncoder: T5 vocab ${t5.config.vocabSize} ≠ text vocab ${textVocab} + T·K ${idLength}·${codebookSize}`);
    }
    return new SemanticEncoder(t5, textVocab, idLength, codebookSize);
  }

  get params(): Map<string, tf.Variable> {
    return this.t5.params;
  }

  get dModel(): number {
    return this.t5.config.dModel;
  }

  /** Token row of code `code` at 0-based position `p`. */
  idToken(p: number, code: number): number {
    if (!(p >= 0 && p < this.idLength && code >= 0 && code < this.codebookSize)) {
      throw new LmiError(`SemanticEncoder.idToken: position ${p} / code ${code} outside [0, ${this.idLength}) × [0, ${this.codebookSize})`);
    }
    return this.textVocab + p * this.codebookSize + code;
  }

  /** W: the text token embeddings [V, d] (a slice of `shared.weight`, differentiable). */
  tokenEmbeddings(): tf.Tensor2D {
    const w = this.t5.params.get('shared.weight') as tf.Variable<tf.Rank.R2>;
    return tf.slice(w, [0, 0], [this.textVocab, -1]);
  }

  /** Decoder input [B, upto+1]: start then the ID tokens of `prefix[j][b]` for j < upto. */
  decoderInput(batch: number, prefix: readonly ArrayLike<number>[], upto: number): IdMatrix {
    if (prefix.length < upto) throw new LmiError(`SemanticEncoder: ${prefix.length} earlier positions given, ${upto} needed`);
    const cols = upto + 1;
    const data = new Int32Array(batch * cols);
    for (let b = 0; b < batch; b++) {
      data[b * cols] = this.t5.options.decoderStartTokenId;
      for (let j = 0; j < upto; j++) data[b * cols + j + 1] = this.idToken(j, prefix[j][b]);
    }
    return { data, rows: batch, cols };
  }

  /**
   * h_1..h_{upto+1} [B, upto+1, d] for documents `ids` (pad = padding) given earlier codes `prefix[j][b]`, j < upto.
   */
  hidden(ids: IdMatrix, prefix: readonly ArrayLike<number>[], upto: number, opts: { training?: boolean; rng?: Rng } = {}): tf.Tensor3D {
    return tf.tidy(() => {
      const mask = this.t5.paddingMask(ids);
      const enc = this.t5.encode(ids, { attentionMask: mask, ...opts });
      return this.t5.decode(this.decoderInput(ids.rows, prefix, upto), enc, { encoderMask: mask, ...opts });
    });
  }

  dispose(): void {
    this.t5.dispose();
  }
}
