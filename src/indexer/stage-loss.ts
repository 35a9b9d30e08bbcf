/**
 * The per-batch loss of the LMIndexer training stages — Eq 11 (joint), Eq 13 (encoder warm-up), Eq 12 (reconstructor
 * warm-up) — and the names of the variables each stage trains. One function for the main thread (`LMIndexer`) and
 * for data-parallel replicas (replica.ts), so both compute exactly the same thing.
 *
 * Sharding (issue 14): a `StageBatch` carries the size of the whole batch it belongs to. Eq 7 is a mean over the
 * masked tokens, so a shard is weighed by its masked tokens M_s (replica.ts) and the doc-mean terms (Eq 9, Eq 10) are
 * scaled by (D_s / D) · (M / M_s): then Σ_s (M_s / M) · loss_s = recon over all M tokens + doc-means over all D docs,
 * i.e. the averaged gradient equals the whole batch's for recon + commitment. The contrastive loss (Eq 9) uses
 * in-batch negatives: in a shard they are the shard's documents only (as multi-GPU DPR without an all-gather), so
 * with > 1 replica Eq 9 sees fewer negatives per document than with one.
 */
import * as tf from '@tensorflow/tfjs';
import { gatherRows } from '../nn/embedding';
import { type CodebookOptions, codebookLogits } from '../quantize/codebook';
import { quantizeStraightThrough } from '../quantize/straight-through';
import { Rng } from '../rng';
import type { EncodedBatch } from '../text/index';
import { hintMask } from '../text/masking';
import type { StepContext } from '../train/trainer';
import { docBatch, hintBatch } from './batches';
import { contrastiveLoss, earlierIdCrossEntropy, reconstructionLoss } from './losses';
import { type LMIndexerOptions, hintRatioAt } from './options';
import type { Stage } from './progressive';
import type { Reconstructor } from './reconstructor';
import type { SemanticEncoder } from './semantic-encoder';

/** Everything the stage loss reads. */
export interface StageModel {
  encoder: SemanticEncoder;
  reconstructor: Reconstructor;
  codebooks: readonly tf.Variable[];
  /** The tokenised corpus (rows = documents). */
  corpus: EncodedBatch;
  /** Stored codes of the positions learned so far (corpus order). */
  codes: readonly Int32Array[];
  options: LMIndexerOptions;
  /** The tokenizer's mask id (hidden tokens of the reconstructor's hints). */
  maskId: number;
}

/** A training batch of a stage: documents plus the counts that keep a sharded gradient exact. */
export interface StageBatch {
  /** Corpus rows. */
  docs: number[];
  /** Masked tokens of each document scored by Eq 7 (fixed by its length and the hint ratio, not by the draw). */
  scored: number[];
  /** Documents and scored tokens of the whole batch this is a shard of (its own when unsharded). */
  batchDocs: number;
  batchScored: number;
}

/** Code look-up options (Eq 2, 6) of the indexer options. */
export function codebookOptions(o: LMIndexerOptions): CodebookOptions {
  return { similarity: o.similarity, temperature: o.temperature };
}

/** The (unsharded) batch of documents `docs` at ID position p (−1 = reconstructor warm-up). */
export function stageBatch(corpus: EncodedBatch, docs: readonly number[], o: LMIndexerOptions, p: number): StageBatch {
  const ratio = hintRatioAt(o, Math.max(0, p));
  // hintMask's count of hidden tokens depends only on (length, ratio): any Rng gives it.
  const scored = docs.map((d) => hintMask(corpus.lengths[d], ratio, new Rng(0)).filter((k) => !k).length);
  return { docs: [...docs], scored, batchDocs: docs.length, batchScored: scored.reduce((a, b) => a + b, 0) };
}

/** All variables by a stable name: `t5/…`, `reconstructor/…`, `codebook/<p>` (save/load, checkpoints, replicas). */
export function indexerParams(encoder: SemanticEncoder, reconstructor: Reconstructor, codebooks: readonly tf.Variable[]): Map<string, tf.Variable> {
  const out = new Map<string, tf.Variable>();
  for (const [n, v] of encoder.params) out.set(`t5/${n}`, v);
  for (const [n, v] of reconstructor.params) out.set(`reconstructor/${n}`, v);
  codebooks.forEach((v, p) => out.set(`codebook/${p}`, v));
  return out;
}

/** Whether a stage trains variable `name`: the reconstructor always, the T5 after the warm-up, codebook t in joint t. */
export function isStageParam(stage: Stage, name: string): boolean {
  if (name.startsWith('reconstructor/')) return true;
  if (stage.kind === 'recon-warmup') return false;
  if (name.startsWith('t5/')) return true;
  return stage.kind === 'joint' && name === `codebook/${stage.position}`;
}

/** The variables a stage trains (by `indexerParams` name). */
export function stageParams(all: Map<string, tf.Variable>, stage: Stage): Map<string, tf.Variable> {
  return new Map([...all].filter(([n]) => isStageParam(stage, n)));
}

/**
 * Eq 11 (joint), Eq 13 (encoder warm-up) or Eq 12 (reconstructor warm-up) on one batch (or shard, see the file
 * comment); `parts` are the unweighted terms of this batch (diagnostics).
 */
export function stageLoss(m: StageModel, stage: Stage, batch: StageBatch, ctx: StepContext): { loss: tf.Scalar; parts: Record<string, number> } {
  const o = m.options;
  const enc = m.encoder;
  const docs = batch.docs;
  const db = docBatch(m.corpus, docs);
  const p = stage.position;
  const w = enc.tokenEmbeddings();
  const hints = hintBatch(db, hintRatioAt(o, Math.max(0, p)), m.maskId, ctx.rng);
  if (stage.kind === 'recon-warmup') {
    const z = m.reconstructor.forward([], hints, w);
    const l = reconstructionLoss(z, w, hints.targetRows, hints.targets);
    return { loss: l, parts: { recon: l.dataSync()[0] } };
  }
  // Doc-mean terms of a shard, rescaled so that the shard weights (scored tokens) average them over the whole batch.
  const docShare = (docs.length / batch.batchDocs) * (batch.batchScored / hints.targets.length);
  const cb = codebookOptions(o);
  const prefix = m.codes.slice(0, p).map((c) => docs.map((d) => c[d]));
  const h3 = enc.hidden(db.ids, prefix, p, { training: true, rng: ctx.rng });
  const B = docs.length;
  const d = enc.dModel;
  const hAt = (j: number): tf.Tensor2D => tf.reshape(tf.slice(h3, [0, j, 0], [B, 1, d]), [B, d]);
  const reps: tf.Tensor2D[] = prefix.map((c, j) => gatherRows(m.codebooks[j] as tf.Variable<tf.Rank.R2>, c));
  const ht = hAt(p);
  let codesNow: Int32Array | undefined;
  if (stage.kind === 'encoder-warmup') reps.push(ht);
  else {
    const q = quantizeStraightThrough(ht, m.codebooks[p] as tf.Variable<tf.Rank.R2>, cb);
    reps.push(q.quantized);
    codesNow = q.ids;
  }
  const z = m.reconstructor.forward(reps, hints, w);
  const recon = reconstructionLoss(z, w, hints.targetRows, hints.targets);
  let total: tf.Scalar = recon;
  const parts: Record<string, number> = { recon: recon.dataSync()[0] };
  if (o.contrastive && o.contrastiveWeight > 0) {
    const groups = docs.map((_, b) => prefix.map((c) => c[b]).join(','));
    const c = contrastiveLoss(ht, groups, o.contrastiveTemperature);
    parts.contrastive = c.dataSync()[0];
    total = tf.add(total, tf.mul(c, o.contrastiveWeight * docShare));
  }
  if (o.commitment && o.commitmentWeight > 0 && p > 0) {
    const logits = prefix.map((_, j) => codebookLogits(hAt(j), m.codebooks[j] as tf.Variable<tf.Rank.R2>, cb));
    const c = earlierIdCrossEntropy(logits, prefix);
    parts.commitment = c.dataSync()[0];
    total = tf.add(total, tf.mul(c, o.commitmentWeight * docShare));
  }
  if (codesNow) parts.batchCodesUsed = new Set(codesNow).size;
  return { loss: total, parts };
}
