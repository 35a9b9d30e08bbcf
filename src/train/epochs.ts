/**
 * Epoch bookkeeping shared by the training loops (pretraining, fine-tuning, SimCSE, the retrieval baselines): the
 * data order of each epoch as a pure function of (seed, epoch) — so resume is exact —, the batches it yields, and a
 * callback timing each epoch.
 */
import { Rng } from '../rng';
import type { TrainerCallback } from './trainer';

/** `epochOrder(epoch)`: a permutation of 0..n-1 fixed by (seed, epoch); the latest epoch's order is cached. */
export function epochOrderOf(seed: number, n: number): (epoch: number) => number[] {
  let cached: { epoch: number; perm: number[] } | undefined;
  return (epoch) => {
    if (!cached || cached.epoch !== epoch) cached = { epoch, perm: new Rng((seed + 0x5bd1e995 * (epoch + 1)) >>> 0).permutation(n) };
    return cached.perm;
  };
}

/** The batches of an epoch-ordered data set of `n` items; the last partial batch of each epoch is dropped. */
export interface EpochBatches {
  /** min(batch size, n). */
  batchSize: number;
  /** Optimizer steps per epoch (≥ 1), each `gradAccumSteps` micro-batches. */
  stepsPerEpoch: number;
  /** Item indices of micro-batch `index` (counted over all epochs: step × accumulation + micro-step). */
  indicesAt(index: number): number[];
}

export function epochBatches(seed: number, n: number, batchSize: number, gradAccumSteps = 1): EpochBatches {
  const bs = Math.min(batchSize, n);
  const stepsPerEpoch = Math.max(1, Math.floor(Math.floor(n / bs) / gradAccumSteps));
  const perEpoch = stepsPerEpoch * gradAccumSteps;
  const order = epochOrderOf(seed, n);
  return {
    batchSize: bs,
    stepsPerEpoch,
    indicesAt(index) {
      const j = index % perEpoch;
      return order(Math.floor(index / perEpoch)).slice(j * bs, j * bs + bs);
    },
  };
}

/** A callback recording wall-clock ms per epoch; call `restart()` right before `fit`. */
export interface EpochTimer extends TrainerCallback {
  readonly msPerEpoch: number[];
  restart(): void;
}

export function epochTimer(stepsPerEpoch: number): EpochTimer {
  const msPerEpoch: number[] = [];
  let start = performance.now();
  return {
    msPerEpoch,
    restart() {
      start = performance.now();
    },
    onStepEnd(info) {
      if (info.step % stepsPerEpoch === 0) {
        msPerEpoch.push(performance.now() - start);
        start = performance.now();
      }
    },
  };
}
