/**
 * Unsupervised SimCSE (Gao, Yao & Chen, EMNLP 2021) on a corpus: each batch goes through the encoder twice with
 * different dropout masks; the two mean-pooled views of a document are positives, the other documents of the batch
 * negatives; InfoNCE on cosine similarity / temperature (0.05 in the SimCSE paper). The paper we reproduce uses an
 * "in-domain SimCSE" encoder as a baseline embedding (Table 1); we train our corpus-pretrained T5-style encoder this
 * way as its stand-in. Training goes through the project's Trainer (AdamW, schedule, seeded per-step dropout).
 */
import * as tf from '@tensorflow/tfjs';
import { LmiError } from '../errors';
import { epochBatches } from '../train/epochs';
import { type StepInfo, Trainer, type Trainable, type TrainerCallback } from '../train/trainer';
import { meanPool, padSequences, type TokenEncoder } from './encoder-pooled';

export interface SimcseOptions {
  /** Optimizer steps (each one batch, encoded twice). */
  steps: number;
  /** Documents per batch (in-batch negatives = batchSize − 1). */
  batchSize: number;
  /** InfoNCE temperature τ on cosine similarity (SimCSE: 0.05). */
  temperature: number;
  learningRate: number;
  warmupSteps: number;
  /** Seeds the data order and, through the Trainer, the dropout masks. */
  seed: number;
  /** Which parameters train (default: everything but the decoder and LM head of a T5 — the encoder and embeddings). */
  trainable: (name: string) => boolean;
  callbacks: TrainerCallback[];
}

export const DEFAULT_SIMCSE: Omit<SimcseOptions, 'steps' | 'seed'> = {
  batchSize: 64, temperature: 0.05, learningRate: 1e-4, warmupSteps: 10,
  trainable: (name) => !name.startsWith('decoder.') && name !== 'lm_head.weight', callbacks: [],
};

/**
 * InfoNCE of SimCSE: row i of `z1` should be most similar (cosine / τ) to row i of `z2` among all rows of `z2`.
 * Mean over the batch of −log softmax_j(sim(z1_i, z2_j) / τ)[i].
 */
export function simcseLoss(z1: tf.Tensor2D, z2: tf.Tensor2D, temperature: number): tf.Scalar {
  if (z1.shape[0] !== z2.shape[0] || z1.shape[1] !== z2.shape[1]) throw new LmiError(`simcseLoss: views have shapes [${z1.shape.join(', ')}] and [${z2.shape.join(', ')}]`);
  if (!(temperature > 0)) throw new LmiError(`simcseLoss: temperature must be > 0, got ${temperature}`);
  const B = z1.shape[0];
  const diag = new Float32Array(B * B);
  for (let i = 0; i < B; i++) diag[i * B + i] = 1;
  return tf.tidy(() => {
    const unit = (z: tf.Tensor2D): tf.Tensor2D => tf.div(z, tf.maximum(tf.norm(z, 'euclidean', 1, true), 1e-12));
    // Explicit transpose: matMul's transpose flags are slow on wasm (docs/tfjs-wasm-notes.md).
    const s = tf.div(tf.matMul(unit(z1), tf.transpose(unit(z2))), temperature) as tf.Tensor2D;
    const positive = tf.sum(tf.mul(s, tf.tensor2d(diag, [B, B])), 1);
    return tf.mean(tf.sub(tf.logSumExp(s, 1), positive)) as tf.Scalar;
  });
}

export interface SimcseResult {
  history: StepInfo[];
  seconds: number;
}

/**
 * Fine-tune `encoder` in place with unsupervised SimCSE on tokenised documents (each non-empty, e.g. from
 * `encoderInputs`). Needs dropout > 0 in the encoder: without it both views are identical and the task is trivial.
 */
export async function trainSimcse(
  encoder: TokenEncoder & Trainable, sequences: readonly (readonly number[])[], options: Partial<SimcseOptions> & Pick<SimcseOptions, 'steps' | 'seed'>,
): Promise<SimcseResult> {
  const o: SimcseOptions = { ...DEFAULT_SIMCSE, ...options };
  if (!Number.isInteger(o.steps) || o.steps < 1) throw new LmiError(`simcse: steps must be an integer ≥ 1, got ${o.steps}`);
  if (sequences.length < 2) throw new LmiError(`simcse: needs at least 2 documents (in-batch negatives), got ${sequences.length}`);
  const bs = Math.min(o.batchSize, sequences.length);
  if (bs < 2) throw new LmiError(`simcse: batchSize must be ≥ 2, got ${o.batchSize}`);
  const params = new Map([...encoder.params].filter(([name]) => o.trainable(name)));
  if (!params.size) throw new LmiError('simcse: the trainable filter kept no parameters');
  const batches = epochBatches(o.seed, sequences.length, bs);
  const source = (index: number): PaddedIdsBatch => padSequences(batches.indicesAt(index).map((d) => sequences[d]), encoder.options.padTokenId);
  const pad = encoder.options.padTokenId;
  const trainer = new Trainer<PaddedIdsBatch>(
    { params },
    (ids, ctx) => tf.tidy(() => {
      // Two passes, two dropout masks (ctx.rng advances between them): the only augmentation SimCSE uses.
      const z1 = meanPool(encoder.encode(ids, { training: true, rng: ctx.rng }), ids, pad);
      const z2 = meanPool(encoder.encode(ids, { training: true, rng: ctx.rng }), ids, pad);
      return simcseLoss(z1, z2, o.temperature);
    }),
    { learningRate: o.learningRate, warmupSteps: Math.min(o.warmupSteps, o.steps), totalSteps: o.steps, schedule: 'linear', seed: o.seed },
    o.callbacks,
  );
  const t0 = Date.now();
  try {
    const history = await trainer.fit(source, { steps: o.steps });
    return { history, seconds: (Date.now() - t0) / 1000 };
  } finally {
    trainer.dispose();
  }
}

type PaddedIdsBatch = ReturnType<typeof padSequences>;
