/**
 * Inverted dropout with masks drawn on the CPU from the project's seeded `Rng` (tf.randomUniform costs ~19 ms per
 * million draws in JS; this xorshift fill is several times faster and reproducible across backends).
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../rng';
import { tensorFromFill, wasmKernels } from './kernels/wasm-kernels';
import { customOp } from './ops';

/** Keep each element with probability 1 - rate and scale kept ones by 1 / (1 - rate). Identity without `rng`. */
export function dropout<T extends tf.Tensor>(x: T, rate: number, rng: Rng | undefined): T {
  if (!rng || rate <= 0) return x;
  if (rate >= 1) return tf.zerosLike(x);
  const keep = 1 / (1 - rate);
  // Compare 16-bit halves of each 32-bit draw against the threshold: two mask entries per draw.
  const threshold = Math.round(rate * 65536);
  const seed = rng.nextUint32() | 1;
  let s = seed;
  const fillMask = (mask: Float32Array): void => {
    const n = mask.length;
    for (let i = 0; i < n; i += 2) {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      mask[i] = (s & 0xffff) < threshold ? 0 : keep;
      if (i + 1 < n) mask[i + 1] = (s >>> 16) < threshold ? 0 : keep;
    }
  };
  // A custom gradient (dy · mask): tfjs' Multiply gradient would also copy the mask (a float32→float32 cast) and
  // reshape, for every dropout of every step.
  const op = customOp<T>((xs: T, save: tf.GradSaveFunc) => {
    // On wasm the kernel draws the same mask ~5× faster (dropout.c); elsewhere JS fills it.
    const kernels = wasmKernels();
    const m = kernels ? kernels.dropoutMask(xs.shape, seed, threshold, keep) : tensorFromFill(xs.shape, fillMask);
    save([m]);
    return { value: tf.mul(xs, m) as T, gradFunc: (dy: T, saved: tf.Tensor[]) => tf.mul(dy, saved[0]) as T };
  });
  return op(x);
}
