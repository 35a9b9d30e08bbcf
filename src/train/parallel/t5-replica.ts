/**
 * The replica spec for T5 sequence-to-sequence training (span-corruption pretraining, and any `model.loss` on
 * `Seq2SeqBatch`es): a worker builds a T5 of the same config (its weights are then replaced by the main thread's),
 * batches are split by rows, and a shard weighs its number of scored labels — so the averaged gradient equals the
 * gradient of the token-mean loss over the whole batch.
 */
import type { ModelConfig } from '../../config';
import { IGNORE_INDEX, type IdInput, type IdMatrix, type Seq2SeqBatch, T5, type T5Options, toIdMatrix } from '../../model/t5';
import type { Replica, ReplicaSpec, ReplicaTask } from './task';

export interface T5ReplicaArgs {
  config: ModelConfig;
  options: T5Options;
}

function rowsOf(m: IdMatrix, lo: number, hi: number): IdMatrix {
  return { data: m.data.slice(lo * m.cols, hi * m.cols), rows: hi - lo, cols: m.cols };
}

/** Split a batch into `count` contiguous row ranges (sizes differ by at most one; `null` when empty). */
export function shardSeq2Seq(batch: Seq2SeqBatch, count: number): (Seq2SeqBatch | null)[] {
  const mats: Partial<Record<keyof Seq2SeqBatch, IdMatrix>> = {};
  for (const key of ['inputIds', 'labels', 'attentionMask', 'decoderInputIds'] as const) {
    const x = batch[key] as IdInput | undefined;
    if (x !== undefined) mats[key] = toIdMatrix(x, key);
  }
  const rows = mats.inputIds!.rows;
  return Array.from({ length: count }, (_, r) => {
    const lo = Math.floor((rows * r) / count);
    const hi = Math.floor((rows * (r + 1)) / count);
    if (hi <= lo) return null;
    const out: Partial<Seq2SeqBatch> = {};
    for (const [key, m] of Object.entries(mats)) (out as Record<string, IdMatrix>)[key] = rowsOf(m, lo, hi);
    return out as Seq2SeqBatch;
  });
}

/** Scored labels (≠ IGNORE_INDEX) in a batch. */
export function scoredLabels(batch: Seq2SeqBatch): number {
  const m = toIdMatrix(batch.labels, 'labels');
  let n = 0;
  for (let i = 0; i < m.data.length; i++) if (m.data[i] !== IGNORE_INDEX) n++;
  return n;
}

/** A T5 replica trained with `model.loss(batch, { training: true, rng })`. */
export function createT5Replica({ config, options }: T5ReplicaArgs): Replica<Seq2SeqBatch> {
  const model = T5.create(config, { ...options, seed: 0 });
  return {
    params: model.params,
    lossFn: (batch, ctx) => model.loss(batch, { training: true, rng: ctx.rng }),
    dispose: () => model.dispose(),
  };
}

export const replica: ReplicaSpec<Seq2SeqBatch, T5ReplicaArgs> = {
  create: createT5Replica,
  shard: shardSeq2Seq,
  weight: scoredLabels,
};

/** The task for a T5 trained with `model.loss(batch, { training: true, rng })` (as `pretrain` does). */
export function t5ReplicaTask(model: T5): ReplicaTask {
  return { module: __filename, exportName: 'replica', args: { config: model.config, options: model.options } satisfies T5ReplicaArgs };
}
