/**
 * The project's wasm kernels (src/nn/kernels) against tfjs' own kernels on the shapes of the `small` T5 training
 * step, in one process, timed in turns: the linear layers' products (x·W and the weight gradient xᵀ·dy) and the LM
 * head + cross-entropy with both gradients (2,048 rows × 8,000 words at batch 32).
 *
 *   npx tsx bench/kernels.ts [--reps 7]
 *
 * "tfjs" = the same call with `LMI_SIMD_BMM=0` (tfjs' matMul after an explicit transpose; the unfused LM head).
 * The wasm backend runs synchronously, so a call has finished when it returns. Best of `--reps`. Writes
 * bench/results/kernels.json.
 */
import * as os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { describeBackend, initBackend } from '../src/backend';
import { lmHeadCrossEntropy } from '../src/nn/loss';
import { linear } from '../src/nn/ops';
import { arg } from './t5-step-setup';
import { runBench, writeBenchJson } from './bench-io';

/** Best time of `reps` runs of f, alternating the project's kernels and tfjs' own (the first run of each discarded). */
function timeBoth(f: () => void, reps: number): { kernels: number; tfjs: number } {
  const best = { kernels: Infinity, tfjs: Infinity };
  for (let i = 0; i <= reps; i++) {
    for (const mode of ['kernels', 'tfjs'] as const) {
      process.env.LMI_SIMD_BMM = mode === 'kernels' ? '1' : '0';
      const t = performance.now();
      f();
      if (i > 0) best[mode] = Math.min(best[mode], performance.now() - t);
    }
  }
  delete process.env.LMI_SIMD_BMM;
  return best;
}

async function main(): Promise<void> {
  const backend = await initBackend();
  if (backend.name !== 'wasm') {
    console.log(`kernels bench: the project's kernels are wasm-only (backend ${backend.name}); nothing to time`);
    return;
  }
  const reps = Number(arg('reps', '7'));
  console.log(`backend: ${describeBackend(backend)}`);
  const rows: { what: string; shape: string; gflop: number; kernels_ms: number; tfjs_ms: number }[] = [];
  const report = (what: string, shape: string, flops: number, t: { kernels: number; tfjs: number }): void => {
    rows.push({ what, shape, gflop: flops / 1e9, kernels_ms: t.kernels, tfjs_ms: t.tfjs });
    const gf = (ms: number): string => (flops / ms / 1e6).toFixed(1);
    console.log(`${what.padEnd(28)} ${shape.padEnd(16)} kernels ${t.kernels.toFixed(2).padStart(7)} ms (${gf(t.kernels)} GFLOPS)   tfjs ${t.tfjs.toFixed(2).padStart(7)} ms (${gf(t.tfjs)})   ${(t.tfjs / t.kernels).toFixed(2)}×`);
  };

  // Linear layers of the step: [tokens, in] · [in, out] forward, and the weight gradient xᵀ·dy via autodiff.
  for (const [m, k, n] of [[2048, 128, 512], [2048, 512, 128], [2048, 128, 384], [2048, 128, 128]]) {
    const x = tf.randomNormal([m, k]) as tf.Tensor2D, w = tf.randomNormal([k, n]) as tf.Tensor2D, dy = tf.randomNormal([m, n]);
    report('x·W', `${m}×${k}×${n}`, 2 * m * k * n, timeBoth(() => tf.tidy(() => { linear(x, w); }), reps));
    const gradW = tf.grad((ww: tf.Tensor) => tf.sum(tf.mul(linear(x, ww as tf.Tensor2D), dy)));
    report('forward + both gradients', `${m}×${k}×${n}`, 3 * 2 * m * k * n, timeBoth(() => tf.tidy(() => { gradW(w); }), reps));
    tf.dispose([x, w, dy]);
  }

  // LM head + cross-entropy, loss and both gradients.
  const [N, d, V] = [2048, 128, 8000];
  const h = tf.randomNormal([N, d]) as tf.Tensor2D, w = tf.tidy(() => tf.mul(tf.randomNormal([d, V]), 0.3)) as tf.Tensor2D;
  const targets = Array.from({ length: N }, (_, i) => (i * 7919) % V);
  const grads = tf.grads((a: tf.Tensor, b: tf.Tensor) => lmHeadCrossEntropy(a as tf.Tensor2D, b as tf.Tensor2D, targets));
  report('LM head + CE, loss + grads', `${N}×${d}×${V}`, 3 * 2 * N * d * V, timeBoth(() => tf.tidy(() => { grads([h, w]); }), reps));
  tf.dispose([h, w]);

  const out = { date: new Date().toISOString(), host: { cpus: os.cpus().length, model: os.cpus()[0]?.model, load: os.loadavg() }, backend: describeBackend(backend), reps, rows };
  const file = writeBenchJson('kernels', out);
  console.log(`wrote ${file}`);
}

runBench(module, main);
