/**
 * The replica spec for LMIndexer's training stages (issue 14; see src/train/parallel/task.ts): a worker rebuilds the
 * semantic encoder, reconstructor and codebooks from the task's arguments and trains them with the shared
 * `stageLoss`. The engine copies the stage's trained variables in by name (`indexerParams` names, filtered by
 * `isStageParam`); the variables the stage reads but does not train (earlier codebooks, and in the reconstructor
 * warm-up the T5 whose embeddings W the reconstructor predicts through) travel in the arguments as `frozen`.
 *
 * Shard = a contiguous split of the batch's documents; weight = its masked tokens scored by Eq 7 (a token mean), and
 * stage-loss.ts rescales the doc-mean terms, so the averaged gradient equals the whole batch's for recon + commitment.
 * The contrastive loss (Eq 9) then uses per-shard in-batch negatives (stage-loss.ts).
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from '../config';
import { T5, type T5Options } from '../model/t5';
import type { EncodedBatch } from '../text/index';
import { type FrozenTensor, assignHostTensors, hostTensors } from '../train/parallel/host-tensors';
import type { Replica, ReplicaSpec, ReplicaTask } from '../train/parallel/task';
import { type HiddenRange, rangeHidden } from './diagnostics';
import type { LMIndexerOptions } from './options';
import type { Stage } from './progressive';
import { Reconstructor, type ReconstructorShape } from './reconstructor';
import { SemanticEncoder } from './semantic-encoder';
import { type StageBatch, type StageModel, indexerParams, isStageParam, stageLoss, stageParams } from './stage-loss';

export interface IndexerReplicaArgs {
  options: LMIndexerOptions;
  /** The encoder's T5 config (vocabulary = text vocabulary + T·K ID rows) and options. */
  t5: { config: ModelConfig; options: T5Options };
  textVocab: number;
  reconstructor: ReconstructorShape;
  corpus: EncodedBatch;
  codes: Int32Array[];
  maskId: number;
  stage: Stage;
  /** Values of the variables the stage reads but does not train. */
  frozen: FrozenTensor[];
}

/** Split a batch into `count` contiguous runs of documents (sizes differ by at most one; `null` when empty). */
export function shardStageBatch(batch: StageBatch, count: number): (StageBatch | null)[] {
  const n = batch.docs.length;
  return Array.from({ length: count }, (_, r) => {
    const lo = Math.floor((n * r) / count);
    const hi = Math.floor((n * (r + 1)) / count);
    if (hi <= lo) return null;
    return { docs: batch.docs.slice(lo, hi), scored: batch.scored.slice(lo, hi), batchDocs: batch.batchDocs, batchScored: batch.batchScored };
  });
}

/** Masked tokens a shard scores in Eq 7. */
export function stageBatchWeight(batch: StageBatch): number {
  return batch.scored.reduce((a, b) => a + b, 0);
}

/** A worker's replica: fresh variables (the engine overwrites the trained ones), frozen ones from the arguments. */
export function createIndexerReplica(a: IndexerReplicaArgs): Replica<StageBatch> {
  const o = a.options;
  const encoder = SemanticEncoder.wrap(T5.create(a.t5.config, { ...a.t5.options, seed: 0 }), a.textVocab, o.idLength, o.codebookSize);
  const reconstructor = new Reconstructor(a.reconstructor, 0);
  const codebooks = Array.from({ length: o.idLength }, () => tf.tidy(() => tf.variable(tf.zeros([o.codebookSize, a.t5.config.dModel]), true)));
  const all = indexerParams(encoder, reconstructor, codebooks);
  assignHostTensors(all, a.frozen, 'indexer replica');
  const model: StageModel = { encoder, reconstructor, codebooks, corpus: a.corpus, codes: a.codes, options: o, maskId: a.maskId };
  return {
    params: stageParams(all, a.stage),
    lossFn: (batch, ctx) => stageLoss(model, a.stage, batch, ctx).loss,
    // A share of the per-epoch diagnostics pass (LMIndexer.allHidden).
    map: (input) => rangeHidden(encoder, a.corpus, a.codes, input as HiddenRange),
    dispose: () => {
      encoder.dispose();
      reconstructor.dispose();
      for (const v of codebooks) v.dispose();
    },
  };
}

export const replica: ReplicaSpec<StageBatch, IndexerReplicaArgs> = {
  create: createIndexerReplica,
  shard: shardStageBatch,
  weight: stageBatchWeight,
};

/** The task that trains `stage` of the indexer state `m` in workers (copies the corpus and the frozen variables). */
export function indexerReplicaTask(m: StageModel, stage: Stage): ReplicaTask {
  const frozen = hostTensors(indexerParams(m.encoder, m.reconstructor, m.codebooks), (name) => !isStageParam(stage, name));
  const args: IndexerReplicaArgs = {
    options: m.options, t5: { config: m.encoder.t5.config, options: m.encoder.t5.options }, textVocab: m.encoder.textVocab,
    reconstructor: m.reconstructor.shape, corpus: m.corpus, codes: [...m.codes], maskId: m.maskId, stage, frozen,
  };
  return { module: __filename, exportName: 'replica', args };
}
