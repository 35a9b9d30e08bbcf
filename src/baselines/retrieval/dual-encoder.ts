/**
 * Dual encoder (DPR, Karpukhin et al. 2020), the dense-retrieval baseline of Tables 3 and 5: queries and documents
 * are embedded by the same T5-style encoder (one shared tower — DPR uses two BERTs; sharing halves the parameters
 * at our size), pooled (mean over non-padding tokens, or the first token), and scored by inner product.
 *
 * Training (DPR's in-batch negatives): a batch of B (query, positive document) pairs, plus optionally one BM25 hard
 * negative per pair, gives the score matrix S = Q · Dᵀ / τ over the batch's distinct documents; the loss is the
 * mean over queries of −log softmax(S_i)[positive(i)]. Retrieval is exact inner-product search over all documents.
 * Defaults: L2-normalised embeddings with τ = 0.05 (cosine scores, the usual contrastive variant); DPR's exact
 * scoring is `normalize: false, temperature: 1`.
 * Only the encoder (embeddings + encoder blocks) is trained; the model is copied, so the caller's T5 is untouched.
 */
import * as tf from '@tensorflow/tfjs';
import { LmiError } from '../../errors';
import { inputMatrix, type SpecialTokens } from '../../generative/finetune';
import type { IdMatrix, T5 } from '../../model/t5';
import { lmHeadCrossEntropy } from '../../nn/loss';
import { Rng } from '../../rng';
import { epochBatches } from '../../train/epochs';
import { type StepInfo, Trainer, type TrainerCallback } from '../../train/trainer';
import { topK } from '../seqrec/top-k';
import type { Bm25Index } from './bm25';

/** Settings of a {@link DualEncoder}. */
export interface DualEncoderConfig {
  /** `mean` over non-padding encoder states, or the `first` token's state. */
  pooling: 'mean' | 'first';
  /** Softmax temperature τ of the in-batch loss (DPR: 1, raw inner product). */
  temperature: number;
  /** L2-normalise embeddings (cosine instead of inner product). DPR: false. */
  normalize: boolean;
  epochs: number;
  /** Stop after this many optimizer steps even if the epochs are not done (0 = no cap). */
  maxSteps: number;
  batchSize: number;
  learningRate: number;
  /** Tokens kept per query / per document (EOS added after). */
  maxQueryLength: number;
  maxDocLength: number;
  /** Texts embedded together at search time. */
  encodeBatch: number;
  seed: number;
}

export const DEFAULT_DUAL_ENCODER_CONFIG: DualEncoderConfig = {
  pooling: 'mean', temperature: 0.05, normalize: true, epochs: 2, maxSteps: 0, batchSize: 32, learningRate: 5e-4,
  maxQueryLength: 32, maxDocLength: 64, encodeBatch: 64, seed: 0,
};

/** One training pair: query tokens → index of a relevant document, optionally a hard negative document index. */
export interface RetrievalPair {
  query: readonly number[];
  doc: number;
  hardNegative?: number;
}

/** A training batch: queries, the batch's distinct documents, and each query's positive column. */
export interface DualBatch {
  queries: IdMatrix;
  docs: IdMatrix;
  targets: Int32Array;
}

/**
 * In-batch softmax loss: mean over rows i of −log softmax(q_i · Dᵀ / τ)[targets[i]]. q [B, d], d [M, d].
 * The score matrix is built with an explicit transpose (wasm: no matMul transpose flags).
 */
export function inBatchLoss(q: tf.Tensor2D, d: tf.Tensor2D, targets: ArrayLike<number>, temperature = 1): tf.Scalar {
  if (!(temperature > 0)) throw new LmiError(`inBatchLoss: temperature must be > 0, got ${temperature}`);
  return tf.tidy(() => lmHeadCrossEntropy(tf.mul(q, 1 / temperature) as tf.Tensor2D, tf.transpose(d) as tf.Tensor2D, targets));
}

/** The highest-ranked BM25 document of `query` that is not relevant (index into the BM25 ids), or undefined. */
export function bm25HardNegative(bm25: Bm25Index, query: string, relevant: ReadonlySet<number>, depth = 20): number | undefined {
  const scores = bm25.scoreAll(query);
  for (const i of topK(scores, depth)) if (scores[i] > 0 && !relevant.has(i)) return i;
  return undefined;
}

/** A dense retriever over a T5 encoder. Call `dispose()` when done. */
export class DualEncoder {
  readonly config: DualEncoderConfig;
  /** The trainable parameters: the token embeddings and the encoder (what the Trainer updates). */
  readonly params: Map<string, tf.Variable>;
  private readonly model: T5;
  private docEmbeddings?: { data: Float32Array; rows: number; dim: number };

  /** Takes ownership of `model` (pass a copy, e.g. `copyT5` from ./model-copy). */
  constructor(model: T5, readonly special: SpecialTokens, config: Partial<DualEncoderConfig> = {}) {
    this.config = { ...DEFAULT_DUAL_ENCODER_CONFIG, ...config };
    const c = this.config;
    if (!(c.batchSize >= 2)) throw new LmiError(`DualEncoder: batchSize must be ≥ 2 for in-batch negatives, got ${c.batchSize}`);
    if (c.pooling !== 'mean' && c.pooling !== 'first') throw new LmiError(`DualEncoder: pooling must be "mean" or "first", got ${JSON.stringify(c.pooling)}`);
    this.model = model;
    this.params = new Map([...model.params].filter(([n]) => n === 'shared.weight' || n.startsWith('encoder.')));
  }

  /** Pooled embeddings [B, d] of a padded batch. */
  embed(ids: IdMatrix, opts: { training?: boolean; rng?: Rng } = {}): tf.Tensor2D {
    const mask = this.model.paddingMask(ids);
    return tf.tidy(() => {
      const h = this.model.encode(ids, { attentionMask: mask, training: opts.training, rng: opts.rng });
      let e: tf.Tensor2D;
      if (this.config.pooling === 'first') {
        e = tf.reshape(tf.slice(h, [0, 0, 0], [ids.rows, 1, h.shape[2]]), [ids.rows, h.shape[2]]);
      } else {
        const m = tf.tensor3d(Float32Array.from(mask.data), [ids.rows, ids.cols, 1]);
        e = tf.div(tf.sum(tf.mul(h, m), 1), tf.maximum(tf.sum(m, 1), 1)) as tf.Tensor2D;
      }
      return this.config.normalize ? (tf.div(e, tf.maximum(tf.norm(e, 2, 1, true), 1e-6)) as tf.Tensor2D) : e;
    });
  }

  /** The in-batch loss of one batch. */
  loss(batch: DualBatch, opts: { training?: boolean; rng?: Rng } = {}): tf.Scalar {
    return tf.tidy(() => inBatchLoss(this.embed(batch.queries, opts), this.embed(batch.docs, opts), batch.targets, this.config.temperature));
  }

  /** Collate pairs into a batch; repeated documents share one column, a hard negative equal to a positive is dropped. */
  collate(pairs: readonly RetrievalPair[], docTokens: readonly (readonly number[])[]): DualBatch {
    const cols = new Map<number, number>();
    const docs: number[] = [];
    const col = (d: number): number => {
      let c = cols.get(d);
      if (c === undefined) {
        cols.set(d, (c = docs.length));
        docs.push(d);
      }
      return c;
    };
    const targets = Int32Array.from(pairs, (p) => col(p.doc));
    for (const p of pairs) if (p.hardNegative !== undefined && !cols.has(p.hardNegative)) col(p.hardNegative);
    const c = this.config;
    return {
      queries: inputMatrix(pairs.map((p) => p.query), this.special, c.maxQueryLength),
      docs: inputMatrix(docs.map((d) => docTokens[d]), this.special, c.maxDocLength),
      targets,
    };
  }

  /** Train on `pairs` over the corpus `docTokens` with the project Trainer (AdamW, linear decay, clipping). */
  async fit(pairs: readonly RetrievalPair[], docTokens: readonly (readonly number[])[], callbacks: TrainerCallback[] = []): Promise<{ history: StepInfo[]; steps: number }> {
    if (pairs.length < 2) throw new LmiError(`DualEncoder.fit: need at least 2 training pairs, got ${pairs.length}`);
    for (const p of pairs) {
      if (!(p.doc >= 0 && p.doc < docTokens.length) || (p.hardNegative !== undefined && !(p.hardNegative >= 0 && p.hardNegative < docTokens.length))) {
        throw new LmiError(`DualEncoder.fit: a pair names document ${p.doc}/${p.hardNegative}, the corpus has ${docTokens.length}`);
      }
    }
    const c = this.config;
    const batches = epochBatches(c.seed, pairs.length, c.batchSize);
    const stepsPerEpoch = batches.stepsPerEpoch;
    const totalSteps = c.maxSteps > 0 ? Math.min(c.maxSteps, stepsPerEpoch * c.epochs) : stepsPerEpoch * c.epochs;
    const source = (index: number): DualBatch => this.collate(batches.indicesAt(index).map((i) => pairs[i]), docTokens);
    const trainer = new Trainer<DualBatch>(this, (b, ctx) => this.loss(b, { training: true, rng: ctx.rng }), {
      learningRate: c.learningRate, totalSteps, warmupSteps: Math.min(50, stepsPerEpoch), schedule: 'linear', seed: c.seed,
    }, callbacks);
    try {
      const history = await trainer.fit(source, { steps: totalSteps });
      this.docEmbeddings = undefined;
      return { history, steps: trainer.step };
    } finally {
      trainer.dispose();
    }
  }

  /** Embeddings of token sequences, row-major [n, d], computed `encodeBatch` at a time. */
  encodeAll(texts: readonly (readonly number[])[], maxLength: number): { data: Float32Array; rows: number; dim: number } {
    const dim = this.model.config.dModel;
    const data = new Float32Array(texts.length * dim);
    for (let s = 0; s < texts.length; s += this.config.encodeBatch) {
      const chunk = texts.slice(s, s + this.config.encodeBatch);
      const e = this.embed(inputMatrix(chunk, this.special, maxLength));
      data.set(e.dataSync() as Float32Array, s * dim);
      e.dispose();
    }
    return { data, rows: texts.length, dim };
  }

  /** Embed the corpus once (call again after training). */
  indexDocuments(docTokens: readonly (readonly number[])[]): void {
    this.docEmbeddings = this.encodeAll(docTokens, this.config.maxDocLength);
  }

  /** Exact inner-product search: the `k` best document indices per query, best first. */
  search(queries: readonly (readonly number[])[], k: number): number[][] {
    const D = this.docEmbeddings;
    if (!D) throw new LmiError('DualEncoder.search: call indexDocuments(docTokens) first');
    const Q = this.encodeAll(queries, this.config.maxQueryLength);
    const dT = tf.tidy(() => tf.transpose(tf.tensor2d(D.data, [D.rows, D.dim])));
    const out: number[][] = [];
    try {
      for (let s = 0; s < Q.rows; s += 256) {
        const n = Math.min(256, Q.rows - s);
        const scores = tf.tidy(() => tf.matMul(tf.tensor2d(Q.data.subarray(s * Q.dim, (s + n) * Q.dim), [n, Q.dim]), dT));
        const flat = scores.dataSync() as Float32Array;
        scores.dispose();
        for (let i = 0; i < n; i++) out.push(Array.from(topK(flat.subarray(i * D.rows, (i + 1) * D.rows), k)));
      }
    } finally {
      dT.dispose();
    }
    return out;
  }

  /** Free the model. */
  dispose(): void {
    this.model.dispose();
    this.docEmbeddings = undefined;
  }
}
