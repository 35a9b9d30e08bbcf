/**
 * {@link IdDecoder} for a T5 whose vocabulary holds the ID tokens ({@link IdVocab}): the encoder runs once per
 * query, the decoder advances one ID position per step with its key/value cache ({@link DecoderCache}), and the
 * beam search reorders the cache rows by parent hypothesis.
 *
 * Scores at position t: log-softmax of the head logits restricted to position t's code block (`'codes'`, default —
 * one [rows, d] × [d, K_t] matmul per step), or the full-vocabulary log-softmax sliced to the block (`'vocab'`,
 * exactly the training likelihood of Eq. 14, V/K_t times the head cost). Positions with a smaller codebook than
 * the largest are padded with −∞ up to `vocab.maxCodebookSize`, the trie's codebookSize.
 *
 * The code-block head weights are copied at construction: build the decoder after fine-tuning.
 */
import * as tf from '@tensorflow/tfjs';
import { LmiError } from '../errors';
import type { DecoderCache, IdMatrix, T5 } from '../model/t5';
import type { IdDecoder, StepInput, StepOutput } from './decoder';
import type { BeamStart } from './beam-search';
import type { IdVocab } from './id-tokens';

/** Options of {@link T5IdDecoder}. */
export interface T5IdDecoderOptions {
  /** Normalisation of the step scores, see the module doc. Default `'codes'`. */
  normalize?: 'codes' | 'vocab';
}

/** Beam-search step decoder over a T5 with ID tokens. */
export class T5IdDecoder implements IdDecoder<DecoderCache> {
  readonly normalize: 'codes' | 'vocab';
  /** Per position: head weight restricted to the code block, [d, K_t] (tied: shared rowsᵀ; untied: lm_head columns). */
  private readonly heads: tf.Tensor2D[];

  constructor(readonly model: T5, readonly vocab: IdVocab, options: T5IdDecoderOptions = {}) {
    if (model.config.vocabSize !== vocab.totalVocab) {
      throw new LmiError(`T5IdDecoder: model vocabulary ${model.config.vocabSize} ≠ IdVocab total ${vocab.totalVocab}; make the model with withIdTokens(model, vocab)`);
    }
    this.normalize = options.normalize ?? 'codes';
    const tied = model.config.tieWordEmbeddings;
    const w = model.params.get(tied ? 'shared.weight' : 'lm_head.weight')!;
    this.heads = vocab.codebookSizes.map((k, t) => tf.tidy(() => {
      const from = vocab.base + vocab.offsets[t];
      return tied
        ? (tf.transpose(tf.slice(w, [from, 0], [k, model.config.dModel])) as tf.Tensor2D)
        : (tf.slice(w, [0, from], [model.config.dModel, k]) as tf.Tensor2D);
    }));
  }

  /** Encode a padded batch of input token ids (pad = model's padTokenId) into a start state, one row per query. */
  start(inputIds: IdMatrix): BeamStart<DecoderCache> {
    const mask = this.model.paddingMask(inputIds);
    const enc = this.model.encode(inputIds, { attentionMask: mask });
    try {
      return { state: this.model.startDecoding(enc, mask), numQueries: inputIds.rows };
    } finally {
      enc.dispose();
    }
  }

  step(cache: DecoderCache, input: StepInput): StepOutput<DecoderCache> {
    const t = input.position;
    const v = this.vocab;
    if (t >= v.length) throw new LmiError(`T5IdDecoder: asked for ID position ${t}, IDs have ${v.length}`);
    const tokens = new Int32Array(input.rows);
    for (let r = 0; r < input.rows; r++) tokens[r] = t === 0 ? this.model.options.decoderStartTokenId : v.token(t - 1, input.lastCodes[r]);
    const { logits, hidden } = this.model.decodeStep(tokens, cache);
    const k = v.codebookSizes[t];
    const K = v.maxCodebookSize;
    const logProbs = tf.tidy(() => {
      let lp: tf.Tensor2D;
      if (this.normalize === 'vocab') {
        lp = tf.slice(tf.logSoftmax(logits), [0, v.base + v.offsets[t]], [input.rows, k]);
      } else {
        const h = this.model.config.tieWordEmbeddings ? tf.mul(hidden, this.model.config.dModel ** -0.5) : hidden;
        lp = tf.logSoftmax(tf.matMul(h, this.heads[t])) as tf.Tensor2D;
      }
      return k < K ? tf.concat([lp, tf.fill([input.rows, K - k], -Infinity)], 1) : lp;
    });
    logits.dispose();
    hidden.dispose();
    return { logProbs, state: cache };
  }

  reorder(cache: DecoderCache, parents: Int32Array): DecoderCache {
    cache.reorder(Array.from(parents));
    return cache;
  }

  dispose(cache: DecoderCache): void {
    cache.dispose();
  }

  /** Free the sliced head weights (the model is the caller's). */
  release(): void {
    this.heads.forEach((h) => h.dispose());
    this.heads.length = 0;
  }
}
