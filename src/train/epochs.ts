/**
 * Epoch bookkeeping shared by the training loops (pretraining, fine-tuning): the data order of each epoch as a
 * pure function of (seed, epoch) — so resume is exact — and a callback timing each epoch.
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
