/** Replica specs for the tests of data-parallel training: a T5 replica whose loss throws at a given step. */
import * as tf from '@tensorflow/tfjs';
import type { Seq2SeqBatch } from '../../model/t5';
import { type T5ReplicaArgs, createT5Replica, shardSeq2Seq, scoredLabels } from './t5-replica';
import type { MapSpec } from './map';
import type { ReplicaSpec } from './task';

export const failing: ReplicaSpec<Seq2SeqBatch, T5ReplicaArgs & { failAtStep: number }> = {
  create(args) {
    const r = createT5Replica(args);
    return {
      ...r,
      lossFn: (batch, ctx) => {
        if (ctx.step === args.failAtStep) throw new Error(`injected failure at step ${ctx.step}`);
        return r.lossFn(batch, ctx);
      },
    };
  },
  shard: shardSeq2Seq,
  weight: scoredLabels,
};

/** Map specs for the tests of parallel inference: a tfjs row-sum (with an offset from the args), and one that throws. */
export const rowSums: MapSpec<number[], number, { offset: number }> = {
  create({ offset }) {
    return { run: (rows) => rows.map((r) => tf.tidy(() => tf.sum(tf.tensor1d(r)).dataSync()[0] + offset)) };
  },
};

export const throwing: MapSpec<number[], number, { message: string }> = {
  create({ message }) {
    return { run: () => { throw new Error(message); } };
  },
};
