/**
 * Training throughput of the `small` T5 on this machine's tfjs backend vs the same model in PyTorch-CPU.
 *
 *   npx tsx bench/train-throughput.ts [--steps 5] [--warmup 2] [--batch 32] [--src-len 64] [--tgt-len 64]
 *                                    [--vocab 8000] [--torch-threads 1,2] [--no-peer] [--no-ab]
 *
 * Step times are the best of `--steps` timed steps on both sides (shared cores: contention only adds time).
 * Prints, from one run: the matmul peak (1024³, GFLOPS), the training step (forward + backward + AdamW) in ms,
 * tokens/s (batch × (source + target length)), effective GFLOPS (matmul FLOPs of the step / time), the
 * PyTorch-CPU tokens/s for the identical model and shapes (bench/peer/torch_t5.py), and both ratios. Writes
 * bench/results/train-throughput.json.
 */
import * as os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { describeBackend, initBackend } from '../src/backend';
import { T5, type Seq2SeqBatch } from '../src/model/t5';
import { Trainer } from '../src/train/trainer';
import type { ModelConfig } from '../src/config';
import { arg, runTorchPeers, t5StepShape } from './t5-step-setup';
import { runBench, writeBenchJson } from './bench-io';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Matmul FLOPs of one forward pass (2·m·n·k per product); a training step is 3× this. */
export function forwardFlops(c: ModelConfig, batch: number, src: number, tgt: number): number {
  const inner = c.numHeads * c.dKv;
  const ffIn = c.feedForwardProj === 'relu' ? 1 : 2;
  const attnProj = (tokens: number, kvTokens: number): number => 2 * tokens * c.dModel * inner * 2 + 2 * kvTokens * c.dModel * inner * 2;
  const attnCore = (q: number, k: number): number => 2 * 2 * batch * c.numHeads * q * k * c.dKv;
  const ff = (tokens: number): number => 2 * tokens * c.dModel * c.dFf * (ffIn + 1);
  const enc = c.numLayers * (attnProj(batch * src, batch * src) + attnCore(src, src) + ff(batch * src));
  const dec = c.numDecoderLayers * (attnProj(batch * tgt, batch * tgt) + attnCore(tgt, tgt) + attnProj(batch * tgt, batch * src) + attnCore(tgt, src) + ff(batch * tgt));
  const head = 2 * batch * tgt * c.dModel * c.vocabSize;
  return enc + dec + head;
}

function matmulPeak(n = 1024, reps = 5): number {
  const a = tf.randomNormal([n, n]);
  const b = tf.randomNormal([n, n]);
  // Keep the typed array out of tf.tidy's return value: tidy would walk all n² elements looking for tensors.
  const once = (): void => {
    const c = tf.matMul(a, b);
    c.dataSync();
    c.dispose();
  };
  once();
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    once();
    times.push(performance.now() - t);
  }
  tf.dispose([a, b]);
  return (2 * n ** 3) / (Math.min(...times) / 1000) / 1e9;
}

async function main(): Promise<void> {
  const backend = await initBackend();
  const steps = Number(arg('steps', '5'));
  const warmup = Number(arg('warmup', '2'));
  const shape = t5StepShape();
  const { batch, src, tgt, vocab, cfg, data, tokens } = shape;
  const threads = arg('torch-threads', '1,2').split(',').map(Number);

  const peak = matmulPeak();
  console.log(`backend: ${describeBackend(backend)}`);
  console.log(`matmul peak (1024³): ${peak.toFixed(1)} GFLOPS`);

  const model = T5.create(cfg, { seed: 0 });
  const trainer = new Trainer<Seq2SeqBatch>(model, (b, ctx) => model.loss(b, { training: true, rng: ctx.rng }), { learningRate: 1e-3, weightDecay: 0.01, maxGradNorm: 1 });
  // On wasm, steps alternate between the project's kernels (default: products, LM head, layer norm, AdamW in
  // src/nn/kernels) and tfjs' own kernels (LMI_SIMD_BMM=0), so the A/B comparison sees the same load.
  const ab = backend.name === 'wasm' && !process.argv.includes('--no-ab');
  const setSimd = (on: boolean): void => { process.env.LMI_SIMD_BMM = on ? '1' : '0'; };
  for (let i = 0; i < warmup; i++) trainer.trainStep([data]);
  const times: number[] = [];
  const timesNoSimd: number[] = [];
  for (let i = 0; i < steps; i++) {
    setSimd(true);
    times.push(trainer.trainStep([data]).ms);
    if (!ab) continue;
    setSimd(false);
    timesNoSimd.push(trainer.trainStep([data]).ms);
    setSimd(true);
  }
  if (ab) console.log(`tfjs ${backend.name} with tfjs' own kernels (LMI_SIMD_BMM=0): ${Math.min(...timesNoSimd).toFixed(0)} ms/step`);
  // Best step: other processes share these 2 cores, and contention only ever adds time (the median is kept too).
  const ms = Math.min(...times);
  const flops = 3 * forwardFlops(cfg, batch, src, tgt);
  const tfjs = { ms_per_step: ms, ms_median: median(times), ms_all: times, tokens_per_s: tokens / (ms / 1000), effective_gflops: flops / (ms / 1000) / 1e9, ...(ab ? { ms_per_step_without_simd_kernel: Math.min(...timesNoSimd), simd_kernel_speedup: Math.min(...timesNoSimd) / ms } : {}) };
  console.log(`tfjs ${backend.name}: ${ms.toFixed(0)} ms/step, ${tfjs.tokens_per_s.toFixed(0)} tokens/s, ${tfjs.effective_gflops.toFixed(1)} GFLOPS effective (${((100 * tfjs.effective_gflops) / peak).toFixed(0)}% of peak)`);
  trainer.dispose();
  model.dispose();

  const peers = runTorchPeers(shape, threads, steps, warmup).map((p) => ({ ...p, effective_gflops: flops / (p.ms_per_step / 1000) / 1e9 }));
  const best = peers.length ? Math.max(...peers.map((p) => p.tokens_per_s)) : undefined;
  const ratios = {
    effective_over_peak: tfjs.effective_gflops / peak,
    tokens_per_s_over_best_pytorch: best ? tfjs.tokens_per_s / best : null,
  };
  console.log(`ratios: effective/peak ${(ratios.effective_over_peak * 100).toFixed(0)}% (target ≥ 50%)` + (best ? `, tfjs/pytorch tokens/s ${ratios.tokens_per_s_over_best_pytorch!.toFixed(2)} (target ≥ 0.25)` : ''));
  const out = {
    date: new Date().toISOString(), host: { cpus: os.cpus().length, model: os.cpus()[0]?.model, load: os.loadavg() },
    backend: describeBackend(backend), shapes: { batch, src_len: src, tgt_len: tgt, vocab }, model: cfg,
    flops_per_step: flops, tokens_per_step: tokens, matmul_peak_gflops: peak, tfjs, pytorch: peers, ratios,
  };
  const file = writeBenchJson('train-throughput', out);
  console.log(`wrote ${file}`);
}

runBench(module, main);
