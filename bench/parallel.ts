/**
 * Data-parallel training throughput (issue 14): tokens/s of the `small` T5 training step (forward + backward +
 * clipped AdamW) with 1 replica (the plain Trainer step) and with 2 replicas (main thread + 1 worker thread,
 * gradients averaged through SharedArrayBuffers), on the identical model and batch; optionally the PyTorch-CPU
 * peer with 1 and 2 threads (bench/peer/torch_t5.py).
 *
 *   npx tsx bench/parallel.ts [--steps 8] [--warmup 2] [--block 5] [--rewarm 1] [--batch 32] [--src-len 64] [--tgt-len 64] [--vocab 8000]
 *                             [--workers 1,2] [--torch-threads 1,2] [--no-peer]
 *
 * The setups are timed in turns (`--block` consecutive timed steps each, after `--rewarm` untimed ones; `--block 1
 * --rewarm 0` alternates single steps) so that load from other processes hits them alike. Step
 * times: best of `--steps` (contention only adds time); medians and CPU time per step (all threads) are kept.
 * Writes bench/results/parallel.json (with the load average before and after).
 */
import * as os from 'node:os';
import { describeBackend, initBackend } from '../src/backend';
import { T5, type Seq2SeqBatch } from '../src/model/t5';
import { DataParallel } from '../src/train/parallel/engine';
import { t5ReplicaTask } from '../src/train/parallel/t5-replica';
import type { ModelConfig } from '../src/config';
import { type StepInfo, type StepPhases, Trainer } from '../src/train/trainer';
import { arg, runTorchPeers, t5StepShape } from './t5-step-setup';
import { runBench, writeBenchJson } from './bench-io';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

interface Row {
  replicas: number;
  ms_per_step: number;
  ms_median: number;
  ms_all: number[];
  tokens_per_s: number;
  /** CPU time (all threads of this process) per timed step: contention-proof; ideal wall time = cpu / replicas. */
  cpu_ms_per_step: number;
  start_ms?: number;
  /** Replicas > 1: median milliseconds per phase of the timed steps (StepPhases). */
  phases_median_ms?: Record<string, number>;
}

interface Setup {
  replicas: number;
  step: () => Promise<StepInfo>;
  times: number[];
  phases: StepPhases[];
  cpuMs: number;
  startMs?: number;
  close: () => Promise<void>;
}

async function setup(cfg: ModelConfig, data: Seq2SeqBatch, replicas: number): Promise<Setup> {
  const model = T5.create(cfg, { seed: 0 });
  const trainer = new Trainer<Seq2SeqBatch>(model, (b, ctx) => model.loss(b, { training: true, rng: ctx.rng }), { learningRate: 1e-3, weightDecay: 0.01, maxGradNorm: 1 });
  const t0 = performance.now();
  const dp = replicas > 1 ? await DataParallel.start(trainer, replicas, t5ReplicaTask(model)) : undefined;
  return {
    replicas, times: [], phases: [], cpuMs: 0, startMs: dp ? performance.now() - t0 : undefined,
    step: async () => (dp ? await dp.step([data]) : trainer.trainStep([data])),
    close: async () => {
      await dp?.close();
      trainer.dispose();
      model.dispose();
    },
  };
}

/**
 * Warm up every setup, then time them in turns of `block` consecutive steps each (after `rewarm` untimed steps), so
 * load changes hit all setups alike while every timed step follows a step of the same setup, as in training and as
 * the PyTorch peer runs. (Turns of single steps, `--block 1 --rewarm 0`, leave each worker idle for whole steps of
 * the other setups; before the copy-free kernels its steps after such a pause computed 30–75 ms longer than the
 * main thread's. Both timings give the same figures now: docs/parallel-scaling.md.)
 */
async function measure(cfg: ModelConfig, data: Seq2SeqBatch, counts: number[], warmup: number, steps: number, block: number, rewarm: number): Promise<Row[]> {
  const setups: Setup[] = [];
  try {
    for (const n of counts) setups.push(await setup(cfg, data, n));
    for (const s of setups) for (let i = 0; i < warmup; i++) await s.step();
    for (let done = 0; done < steps; done += block) {
      for (const s of setups) {
        for (let i = 0; i < rewarm; i++) await s.step();
        for (let i = done; i < Math.min(steps, done + block); i++) {
          const c0 = process.cpuUsage();
          const info = await s.step();
          s.times.push(info.ms);
          if (info.phases) s.phases.push(info.phases);
          const c = process.cpuUsage(c0);
          s.cpuMs += (c.user + c.system) / 1000;
        }
      }
    }
    const tokens = (data.inputIds as number[][]).length * ((data.inputIds as number[][])[0].length + (data.labels as number[][])[0].length);
    return setups.map((s) => {
      const ms = Math.min(...s.times);
      return {
        replicas: s.replicas, ms_per_step: ms, ms_median: median(s.times), ms_all: s.times, tokens_per_s: tokens / (ms / 1000),
        cpu_ms_per_step: s.cpuMs / steps, ...(s.startMs !== undefined ? { start_ms: s.startMs } : {}),
        ...(s.phases.length ? { phases_median_ms: Object.fromEntries(Object.keys(s.phases[0]).map((k) => [k, median(s.phases.map((p) => p[k as keyof StepPhases]))])) } : {}),
      };
    });
  } finally {
    for (const s of setups) await s.close();
  }
}

async function main(): Promise<void> {
  const backend = await initBackend();
  const steps = Number(arg('steps', '8'));
  const warmup = Number(arg('warmup', '2'));
  const block = Number(arg('block', '5'));
  const rewarm = Number(arg('rewarm', '1'));
  const shape = t5StepShape();
  const { batch, src, tgt, vocab, cfg, data, tokens } = shape;
  const counts = arg('workers', '1,2').split(',').map(Number);
  const threads = arg('torch-threads', '1,2').split(',').map(Number);
  const loadBefore = os.loadavg();
  console.log(`backend: ${describeBackend(backend)}; ${os.cpus().length} cores; load ${loadBefore.map((x) => x.toFixed(2)).join(' ')}`);

  const rows = await measure(cfg, data, counts, warmup, steps, block, rewarm);
  for (const r of rows) {
    console.log(`tfjs ${backend.name}, ${r.replicas} replica(s): ${r.ms_per_step.toFixed(0)} ms/step (median ${r.ms_median.toFixed(0)}), ${r.tokens_per_s.toFixed(0)} tokens/s, ${r.cpu_ms_per_step.toFixed(0)} CPU-ms/step` + (r.start_ms !== undefined ? `; workers started in ${r.start_ms.toFixed(0)} ms` : '') +
      (r.phases_median_ms ? `\n  phases (median ms): ${Object.entries(r.phases_median_ms).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')}` : ''));
  }
  const peers = runTorchPeers(shape, threads, steps, warmup);
  const base = rows.find((r) => r.replicas === 1);
  const best = rows.reduce((a, r) => (r.tokens_per_s > a.tokens_per_s ? r : a), rows[0]);
  const bestPeer = peers.length ? Math.max(...peers.map((p) => p.tokens_per_s)) : undefined;
  const ratios = {
    speedup_over_1: Object.fromEntries(rows.map((r) => [String(r.replicas), base ? r.tokens_per_s / base.tokens_per_s : null])),
    best_over_best_pytorch: bestPeer ? best.tokens_per_s / bestPeer : null,
  };
  console.log(`speed-up over 1 replica: ${rows.map((r) => `${r.replicas}: ${(ratios.speedup_over_1[String(r.replicas)] ?? NaN).toFixed(2)}×`).join(', ')} (target ≥ 1.7× for 2)` +
    (bestPeer ? `; best tfjs / best pytorch tokens/s ${ratios.best_over_best_pytorch!.toFixed(2)} (target ≥ 1.0)` : ''));
  const loadAfter = os.loadavg();
  const out = {
    date: new Date().toISOString(), host: { cpus: os.cpus().length, model: os.cpus()[0]?.model, load_before: loadBefore, load_after: loadAfter },
    backend: describeBackend(backend), timing: { steps, warmup, block, rewarm }, shapes: { batch, src_len: src, tgt_len: tgt, vocab }, model: cfg, tokens_per_step: tokens,
    tfjs: rows, pytorch: peers, ratios,
  };
  const file = writeBenchJson('parallel', out);
  console.log(`wrote ${file}; load after ${loadAfter.map((x) => x.toFixed(2)).join(' ')}`);
}

runBench(module, main);
