/**
 * A generic trainer (nanoGPT-style loop, minGPT-style callbacks) for anything that exposes its variables by name:
 * AdamW with decoupled weight decay, warm-up + decay schedule, global-norm gradient clipping, gradient accumulation,
 * seeded per-step randomness, atomic checkpoints (model + optimizer + RNG + step in one safetensors file, written to a
 * temp file and renamed) and bit-exact resume.
 *
 * Determinism: the randomness of micro-batch k of step s (dropout, masking) comes from an `Rng` derived from
 * (seed, s, k) — so a resumed run draws exactly what the uninterrupted run would have drawn. Data come from a
 * `BatchSource` indexed by micro-batch number for the same reason.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { removeStaleTemps } from '../atomic-write';
import { LmiError } from '../errors';
import { Rng } from '../rng';
import { type HostTensor, readSafetensors, writeSafetensors } from '../nn/safetensors';
import { AdamW } from './adamw';
import { type ScheduleOptions, learningRateAt } from './schedule';
import { DataParallel } from './parallel/engine';
import type { ReplicaTask } from './parallel/task';

/** Anything with named trainable variables (e.g. `T5`). */
export interface Trainable {
  readonly params: Map<string, tf.Variable>;
}

export interface TrainerOptions extends ScheduleOptions {
  weightDecay: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** Clip the global gradient norm to this (0 = no clipping). */
  maxGradNorm: number;
  /** Micro-batches per optimizer step; their gradients are averaged. */
  gradAccumSteps: number;
  seed: number;
  /** Where `fit` writes checkpoints (none if undefined). */
  checkpointDir?: string;
  /** Checkpoint every this many steps in `fit` (0 = only at the end, when `checkpointDir` is set). */
  checkpointEvery: number;
  /** Keep the newest this many checkpoints in `checkpointDir`. */
  keepCheckpoints: number;
  /** Parameters excluded from weight decay (default: names containing "bias" or "layer_norm", as in HF scripts). */
  noDecay: (name: string) => boolean;
  /**
   * Data-parallel replicas for `fit` (main thread + worker threads; src/train/parallel): a number, or 'auto' = the
   * machine's cores on wasm/cpu and 1 on tfjs-node or without `replicaTask`. Default 1 (no workers).
   */
  workers?: 'auto' | number;
  /** How a worker builds its replica of the model (needed for workers > 1), e.g. `t5ReplicaTask(model)`. */
  replicaTask?: ReplicaTask;
}

export const DEFAULT_TRAINER_OPTIONS: TrainerOptions = {
  learningRate: 1e-3, warmupSteps: 0, totalSteps: 0, schedule: 'linear', minLearningRateRatio: 0,
  weightDecay: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, maxGradNorm: 1, gradAccumSteps: 1, seed: 0,
  checkpointEvery: 0, keepCheckpoints: 2, noDecay: (name) => /bias|layer_norm/.test(name),
};

/** What the loss function gets besides its batch. */
export interface StepContext {
  step: number;
  micro: number;
  /** Seeded from (seed, step, micro): use it for dropout and any random masking. */
  rng: Rng;
  training: true;
}

export type LossFn<B> = (batch: B, ctx: StepContext) => tf.Scalar;

/** Micro-batch number → batch (micro-batch k of step s is number s · gradAccumSteps + k). */
export type BatchSource<B> = (index: number) => B;

export interface StepInfo {
  /** Optimizer steps done after this one (1 after the first). */
  step: number;
  /** Mean loss over the micro-batches. */
  loss: number;
  lr: number;
  /** Global gradient norm before clipping. */
  gradNorm: number;
  ms: number;
  /** Data-parallel steps only: where the step's wall time went (parallel/engine.ts). */
  phases?: StepPhases;
}

/** Milliseconds of one data-parallel step by phase; `worker*` are the slowest worker's own times. */
export interface StepPhases {
  /** Main thread: sharding the micro-batches and posting the workers their jobs. */
  shard: number;
  /** Main thread: forward + backward of its own shards and the copy into its shared slot. */
  compute: number;
  /** Main thread: waiting for the workers' gradients after its own were in. */
  waitArrive: number;
  /** Reduce-scatter of the main thread's chunk, then waiting for the workers' chunks. */
  reduce: number;
  /** Main thread: clipping and the AdamW update. */
  update: number;
  /** Slowest worker: forward + backward + slot copy of this step. */
  workerCompute: number;
  /** Slowest worker: its AdamW update of the previous step (0 on the first). */
  workerUpdate: number;
}

export interface TrainerCallback {
  onStepEnd?(info: StepInfo, trainer: Trainer<never>): void | Promise<void>;
  onCheckpoint?(file: string, trainer: Trainer<never>): void | Promise<void>;
  onFitEnd?(history: StepInfo[], trainer: Trainer<never>): void | Promise<void>;
}

const CHECKPOINT_RE = /^step-(\d+)\.safetensors$/;

export class Trainer<B> {
  readonly options: TrainerOptions;
  readonly optimizer: AdamW;
  /** Optimizer steps done. */
  step = 0;

  constructor(
    readonly model: Trainable,
    readonly lossFn: LossFn<B>,
    options: Partial<TrainerOptions> = {},
    readonly callbacks: TrainerCallback[] = [],
  ) {
    this.options = { ...DEFAULT_TRAINER_OPTIONS, ...options };
    const o = this.options;
    if (!(o.gradAccumSteps >= 1 && Number.isInteger(o.gradAccumSteps))) throw new LmiError(`trainer: gradAccumSteps must be an integer ≥ 1, got ${o.gradAccumSteps}`);
    if (!(o.learningRate > 0)) throw new LmiError(`trainer: learningRate must be > 0, got ${o.learningRate}`);
    this.optimizer = new AdamW({ beta1: o.beta1, beta2: o.beta2, epsilon: o.epsilon, weightDecay: o.weightDecay });
  }

  /** The Rng for micro-batch `micro` of step `step` (a pure function of the seed). */
  rngFor(step: number, micro: number): Rng {
    return new Rng((this.options.seed ^ Math.imul(step + 1, 0x9e3779b1) ^ Math.imul(micro + 1, 0x85ebca6b)) >>> 0);
  }

  /** One optimizer step over the given micro-batches (gradients averaged). */
  trainStep(microBatches: B[]): StepInfo {
    if (!microBatches.length) throw new LmiError('trainer: trainStep needs at least one micro-batch');
    const t0 = performance.now();
    const names = [...this.model.params.keys()];
    const vars = names.map((n) => this.model.params.get(n)!);
    let lossSum = 0;
    let acc: tf.Tensor[] | undefined;
    microBatches.forEach((batch, micro) => {
      const ctx: StepContext = { step: this.step, micro, rng: this.rngFor(this.step, micro), training: true };
      const { value, grads } = tf.variableGrads(() => this.lossFn(batch, ctx), vars);
      lossSum += value.dataSync()[0];
      value.dispose();
      const g = vars.map((v) => grads[v.name] ?? tf.zerosLike(v));
      if (!acc) acc = g;
      else {
        const prev = acc;
        acc = prev.map((a, i) => tf.add(a, g[i]));
        tf.dispose([...prev, ...g]);
      }
    });
    const grads = acc!;
    const k = microBatches.length;
    const lr = learningRateAt(this.step, this.options);
    let gradNorm = 0;
    tf.tidy(() => {
      const sq = tf.addN(grads.map((g) => tf.sum(tf.square(g))));
      gradNorm = Math.sqrt(sq.dataSync()[0]) / k;
      let scale = 1 / k;
      if (this.options.maxGradNorm > 0 && gradNorm > this.options.maxGradNorm) scale *= this.options.maxGradNorm / gradNorm;
      const map = new Map<string, tf.Tensor>();
      names.forEach((n, i) => map.set(n, grads[i]));
      this.optimizer.apply(this.model.params, map, lr, (n) => !this.options.noDecay(n), scale);
    });
    tf.dispose(grads);
    this.step += 1;
    return { step: this.step, loss: lossSum / k, lr, gradNorm, ms: performance.now() - t0 };
  }

  /**
   * Train until `steps` optimizer steps are done (continuing from `this.step`, e.g. after `resume`). Calls the
   * callbacks, writes checkpoints per the options, and returns this call's step infos.
   */
  async fit(source: BatchSource<B>, opts: { steps: number }): Promise<StepInfo[]> {
    const history: StepInfo[] = [];
    const acc = this.options.gradAccumSteps;
    const self = this as unknown as Trainer<never>;
    const parallel = this.step < opts.steps ? await DataParallel.forTrainer(this) : undefined;
    try {
      while (this.step < opts.steps) {
        const micro = Array.from({ length: acc }, (_, k) => source(this.step * acc + k));
        const info = parallel ? await parallel.step(micro) : this.trainStep(micro);
        if (!Number.isFinite(info.loss)) throw new LmiError(`trainer: loss is ${info.loss} at step ${info.step}; lower the learning rate or check the data`);
        history.push(info);
        for (const cb of this.callbacks) await cb.onStepEnd?.(info, self);
        const dir = this.options.checkpointDir;
        const every = this.options.checkpointEvery;
        if (dir && ((every > 0 && this.step % every === 0) || this.step === opts.steps)) {
          const file = this.saveCheckpoint(dir);
          for (const cb of this.callbacks) await cb.onCheckpoint?.(file, self);
        }
      }
    } finally {
      await parallel?.close();
    }
    for (const cb of this.callbacks) await cb.onFitEnd?.(history, self);
    return history;
  }

  // ---------------------------------------------------------------- checkpoints

  /** Write `<dir>/step-<step>.safetensors` atomically (model, optimizer moments, step, seed); prune old ones. */
  saveCheckpoint(dir: string): string {
    const tensors = new Map<string, HostTensor>();
    const host = (v: tf.Variable): HostTensor => ({ shape: [...v.shape], data: Float32Array.from(v.dataSync() as Float32Array) });
    for (const [name, v] of this.model.params) tensors.set(`model/${name}`, host(v));
    for (const [name, s] of this.optimizer.moments) {
      tensors.set(`optim/m/${name}`, host(s.m));
      tensors.set(`optim/v/${name}`, host(s.v));
    }
    const { noDecay: _n, checkpointDir: _d, replicaTask: _t, ...options } = this.options;
    const meta = { kind: 'lmindexer-trainer-checkpoint', version: 1, step: this.step, optimizerStep: this.optimizer.step, rng: { seed: this.options.seed, derivedPerStep: true }, options };
    const file = path.join(dir, `step-${String(this.step).padStart(8, '0')}.safetensors`);
    writeSafetensors(file, tensors, { lmindexer: JSON.stringify(meta) });
    const all = Trainer.listCheckpoints(dir);
    for (const old of all.slice(0, Math.max(0, all.length - this.options.keepCheckpoints))) fs.rmSync(old, { force: true });
    return file;
  }

  /** Checkpoint files in `dir`, oldest first. */
  static listCheckpoints(dir: string): string[] {
    if (!fs.existsSync(dir)) return [];
    return fs.readdirSync(dir).filter((f) => CHECKPOINT_RE.test(f)).sort().map((f) => path.join(dir, f));
  }

  /**
   * Restore model, optimizer, step and seed from a checkpoint file, or from the newest one in a directory.
   * Returns the file used, or undefined when the directory has none (a fresh start).
   */
  resume(fileOrDir: string): string | undefined {
    let file = fileOrDir;
    if (fs.existsSync(fileOrDir) && fs.statSync(fileOrDir).isDirectory()) {
      removeStaleTemps(fileOrDir); // half-written checkpoints of a killed run
      const all = Trainer.listCheckpoints(fileOrDir);
      if (!all.length) return undefined;
      file = all[all.length - 1];
    }
    const { tensors, metadata } = readSafetensors(file);
    if (!metadata.lmindexer) throw new LmiError(`${file}: not a trainer checkpoint (no "lmindexer" metadata)`);
    const meta = JSON.parse(metadata.lmindexer) as { step: number; optimizerStep: number; rng: { seed: number } };
    for (const [name, v] of this.model.params) {
      const t = tensors.get(`model/${name}`);
      if (!t) throw new LmiError(`${file}: parameter "${name}" missing; the checkpoint was written for another model config: resume with that config or start in a fresh folder`);
      if (t.shape.join(',') !== v.shape.join(',')) throw new LmiError(`${file}: parameter "${name}" has shape [${t.shape.join(', ')}], model has [${v.shape.join(', ')}]; the checkpoint was written for another model config: resume with that config or start in a fresh folder`);
      tf.tidy(() => v.assign(tf.tensor(t.data, t.shape, 'float32')));
    }
    this.optimizer.dispose();
    for (const [key, t] of tensors) {
      const m = /^optim\/m\/(.+)$/.exec(key);
      if (!m) continue;
      const vt = tensors.get(`optim/v/${m[1]}`);
      if (!vt) throw new LmiError(`${file}: optimizer tensor "optim/v/${m[1]}" missing`);
      this.optimizer.moments.set(m[1], tf.tidy(() => ({
        m: tf.variable(tf.tensor(t.data, t.shape, 'float32'), false),
        v: tf.variable(tf.tensor(vt.data, vt.shape, 'float32'), false),
      })));
    }
    this.optimizer.step = meta.optimizerStep;
    this.step = meta.step;
    (this.options as { seed: number }).seed = meta.rng.seed;
    return file;
  }

  /** Free optimizer state (the model is the caller's). */
  dispose(): void {
    this.optimizer.dispose();
  }
}
