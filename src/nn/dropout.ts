/**
 * Inverted dropout with masks drawn on the CPU from the project's seeded `Rng` (tf.randomUniform costs ~19 ms per
 * million draws in JS; this xorshift fill is several times faster and reproducible across backends).
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../rng';
import { tensorFromFill, wasmKernels } from './kernels/wasm-kernels';
import { customOp } from './ops';

/**
 * The inverted-dropout mask for `shape`: each entry 0 with probability `rate`, else 1 / (1 − rate). Draws one
 * number from `rng` (the seed of the mask's own xorshift stream). Callers make sure 0 < rate < 1.
 */
export function dropoutMask(shape: number[], rate: number, rng: Rng): tf.Tensor {
  const keep = 1 / (1 - rate);
  // Compare 16-bit halves of each 32-bit draw against the threshold: two mask entries per draw.
  const threshold = Math.round(rate * 65536);
  const seed = rng.nextUint32() | 1;
  // On wasm the kernel draws the same mask ~5× faster (dropout.c); elsewhere JS fills it.
  const kernels = wasmKernels();
  if (kernels) return kernels.dropoutMask(shape, seed, threshold, keep);
  let s = seed;
  return tensorFromFill(shape, (mask) => {
    const n = mask.length;
    for (let i = 0; i < n; i += 2) {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      mask[i] = (s & 0xffff) < threshold ? 0 : keep;
      if (i + 1 < n) mask[i + 1] = (s >>> 16) < threshold ? 0 : keep;
    }
  });
}

/** Keep each element with probability 1 - rate and scale kept ones by 1 / (1 - rate). Identity without `rng`. */
export function dropout<T extends tf.Tensor>(x: T, rate: number, rng: Rng | undefined): T {
  if (!rng || rate <= 0) return x;
  if (rate >= 1) return tf.zerosLike(x);
  // A custom gradient (dy · mask): tfjs' Multiply gradient would also copy the mask (a float32→float32 cast) and
  // reshape, for every dropout of every step.
  const op = customOp<T>((xs: T, save: tf.GradSaveFunc) => {
    const m = dropoutMask(xs.shape, rate, rng);
    save([m]);
    return { value: tf.mul(xs, m) as T, gradFunc: (dy: T, saved: tf.Tensor[]) => tf.mul(dy, saved[0]) as T };
  });
  return op(x);
}
