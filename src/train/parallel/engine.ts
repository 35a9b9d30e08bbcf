/**
 * Data-parallel training over `worker_threads` (issue 14): the main thread is replica 0 (the Trainer's own model,
 * which keeps checkpoints and resume), `count − 1` workers hold the other replicas. Each step every replica takes
 * its shard of every micro-batch, gradients are averaged through SharedArrayBuffers (reduce-scatter; Atomics
 * barriers; no copies through messages on the hot path) and every replica applies the identical clipped AdamW
 * update from the same shared averaged gradient — replicas stay bit-identical.
 *
 * Randomness: shard r of micro-batch k of step s uses `new Rng(seeds[r])`, `seeds` = `count` draws of
 * `trainer.rngFor(s, k)` — deterministic for a given seed and replica count. Data: the main thread builds each
 * micro-batch (from the Trainer's BatchSource) and posts each worker its shards (small integer arrays).
 */
import type { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { type BackendChoice, backendInfo } from '../../backend';
import { LmiError } from '../../errors';
import type { StepInfo, StepPhases, Trainer } from '../trainer';
import { learningRateAt } from '../schedule';
import { ABORT, ARRIVED, CTRL_SIZE, type Layout, REDUCED, ReplicaState, type SharedBuffers, type ShardJob } from './replica-step';
import { startWorker, workerCanLoad } from './bootstrap';
import { type ReplicaSpec, type ReplicaTask, loadReplicaSpec, resolveWorkers } from './task';
import type { FromWorker, ToWorker, WorkerInit } from './worker';

interface Waiter {
  resolve: (m: FromWorker) => void;
  reject: (e: Error) => void;
}

/** The running engine of each Trainer (for `DataParallel.of`). */
const running = new WeakMap<object, DataParallel<unknown>>();

export class DataParallel<B> {
  private gen = 0;
  private failure?: Error;
  private closing = false;
  private readonly inbox: FromWorker[][];
  private readonly waiting: Waiter[][];
  private readonly ctrl: Int32Array;

  private constructor(
    readonly trainer: Trainer<B>, readonly count: number, readonly spec: ReplicaSpec<B, unknown>,
    private readonly workers: Worker[], private readonly main: ReplicaState<B>,
  ) {
    this.inbox = workers.map(() => []);
    this.waiting = workers.map(() => []);
    this.ctrl = main.ctrl;
    workers.forEach((w, i) => {
      w.on('message', (m: FromWorker) => this.onMessage(i, m));
      w.on('error', (e) => this.fail(new LmiError(`parallel: worker ${i + 1} crashed: ${e.message}`)));
      w.on('exit', (code) => {
        if (!this.closing) this.fail(new LmiError(`parallel: worker ${i + 1} exited unexpectedly (code ${code})`));
      });
    });
  }

  /** The engine `fit` uses for the trainer's options, or undefined when one replica is asked for. */
  static async forTrainer<B>(trainer: Trainer<B>): Promise<DataParallel<B> | undefined> {
    const o = trainer.options;
    const n = resolveWorkers(o.workers, { multiThreaded: backendInfo()?.multiThreaded ?? tf.getBackend() === 'tensorflow', hasTask: !!o.replicaTask });
    if (n <= 1) return undefined;
    if (!workerCanLoad(o.replicaTask!.module, `training with 1 worker instead of ${n}`)) return undefined;
    return DataParallel.start(trainer, n, o.replicaTask!);
  }

  /**
   * The engine running `trainer.fit`'s steps, if any: a callback that changes the main thread's weights between
   * steps (e.g. re-seeding codes) calls its `sync()` so the workers see them.
   */
  static of<B>(trainer: Trainer<B>): DataParallel<B> | undefined {
    return running.get(trainer) as DataParallel<B> | undefined;
  }

  /** Spawn `count − 1` workers, build their replicas and copy the trainer's weights and optimizer state into them. */
  static async start<B>(trainer: Trainer<B>, count: number, task: ReplicaTask): Promise<DataParallel<B>> {
    if (!(Number.isInteger(count) && count >= 2)) throw new LmiError(`parallel: need ≥ 2 replicas, got ${count}`);
    const spec = loadReplicaSpec<B>(task);
    const names = [...trainer.model.params.keys()];
    const layout: Layout = { names, shapes: names.map((n) => [...trainer.model.params.get(n)!.shape]) };
    const total = layout.shapes.reduce((a, s) => a + s.reduce((x, y) => x * y, 1), 0);
    const buffers: SharedBuffers = {
      slots: new SharedArrayBuffer(4 * total * count),
      sum: new SharedArrayBuffer(4 * total),
      parts: new SharedArrayBuffer(8 * count),
      ctrl: new SharedArrayBuffer(4 * CTRL_SIZE),
    };
    const o = trainer.options;
    const decay = names.filter((n) => !o.noDecay(n));
    const main = new ReplicaState<B>(0, count, buffers, layout, trainer.model.params, trainer.lossFn, trainer.optimizer, new Set(decay));
    const backend = (tf.getBackend() === 'tensorflow' ? 'tensorflow' : tf.getBackend()) as BackendChoice;
    const workers: Worker[] = [];
    for (let r = 1; r < count; r++) {
      const workerData: WorkerInit = {
        task, backend, rank: r, count, buffers, layout, decay,
        optim: { beta1: o.beta1, beta2: o.beta2, epsilon: o.epsilon, weightDecay: o.weightDecay },
      };
      workers.push(startWorker(__dirname, 'worker', workerData));
    }
    const dp = new DataParallel<B>(trainer, count, spec, workers, main);
    try {
      await Promise.all(workers.map((_, i) => dp.expect(i, 'ready')));
      await dp.sync();
    } catch (e) {
      await dp.close();
      throw e;
    }
    running.set(trainer, dp as DataParallel<unknown>);
    return dp;
  }

  private onMessage(i: number, m: FromWorker): void {
    if (m.type === 'error') {
      this.fail(new LmiError(`parallel: worker ${i + 1}: ${m.message}`));
      return;
    }
    const w = this.waiting[i].shift();
    if (w) w.resolve(m);
    else this.inbox[i].push(m);
  }

  private fail(e: Error): void {
    if (!this.failure) this.failure = e;
    Atomics.store(this.ctrl, ABORT, 1);
    Atomics.notify(this.ctrl, ARRIVED);
    Atomics.notify(this.ctrl, REDUCED);
    for (const q of this.waiting) for (const w of q.splice(0)) w.reject(this.failure);
  }

  private async expect<T extends FromWorker['type']>(i: number, type: T): Promise<Extract<FromWorker, { type: T }>> {
    if (this.failure) throw this.failure;
    const m = this.inbox[i].shift() ?? (await new Promise<FromWorker>((resolve, reject) => this.waiting[i].push({ resolve, reject })));
    if (m.type !== type) throw new LmiError(`parallel: worker ${i + 1} sent "${m.type}", expected "${type}"`);
    return m as Extract<FromWorker, { type: T }>;
  }

  private post(i: number, m: ToWorker): void {
    if (this.failure) throw this.failure;
    this.workers[i].postMessage(m);
  }

  /** Copy the main thread's weights, optimizer moments and step into every worker (start; after a resume). */
  async sync(): Promise<void> {
    const weights = this.main.flatWeights();
    const moments = [...this.trainer.optimizer.moments].map(([name, s]) => ({
      name, m: Float32Array.from(s.m.dataSync() as Float32Array), v: Float32Array.from(s.v.dataSync() as Float32Array),
    }));
    this.workers.forEach((_, i) => this.post(i, { type: 'sync', weights, moments, optimizerStep: this.trainer.optimizer.step }));
    await Promise.all(this.workers.map((_, i) => this.expect(i, 'synced')));
  }

  /** One optimizer step over the micro-batches, shared by all replicas (the data-parallel `trainStep`). */
  async step(microBatches: B[]): Promise<StepInfo> {
    const t0 = performance.now();
    const lr = learningRateAt(this.trainer.step, this.trainer.options);
    const { loss, gradNorm, phases } = await this.run(microBatches, lr, true);
    this.trainer.step += 1;
    return { step: this.trainer.step, loss, lr, gradNorm, ms: performance.now() - t0, phases };
  }

  /** The averaged (unclipped) gradient of a step over the micro-batches, flat in parameter order; no update. */
  async gradients(microBatches: B[]): Promise<{ gradient: Float32Array; loss: number; names: string[] }> {
    const { loss } = await this.run(microBatches, 0, false);
    return { gradient: this.main.sum.slice(), loss, names: this.main.layout.names };
  }

  private async run(microBatches: B[], lr: number, apply: boolean): Promise<{ loss: number; gradNorm: number; phases: StepPhases }> {
    if (!microBatches.length) throw new LmiError('trainer: trainStep needs at least one micro-batch');
    let t = performance.now();
    const lap = (): number => {
      const now = performance.now();
      const ms = now - t;
      t = now;
      return ms;
    };
    if (this.failure) throw this.failure;
    const n = this.count;
    const k = microBatches.length;
    const step = this.trainer.step;
    const perRank: ShardJob<B>[][] = Array.from({ length: n }, () => []);
    microBatches.forEach((batch, micro) => {
      const shards = this.spec.shard(batch, n);
      if (shards.length !== n) throw new LmiError(`parallel: spec.shard returned ${shards.length} shards, expected ${n}`);
      const base = this.trainer.rngFor(step, micro);
      const seeds = shards.map(() => base.seed());
      const w = shards.map((s) => (s === null ? 0 : this.spec.weight(s)));
      const W = w.reduce((a, b) => a + b, 0);
      const live = shards.filter((s) => s !== null).length;
      shards.forEach((s, r) => {
        const frac = s === null ? 0 : W > 0 ? w[r] / W / k : 1 / live / k;
        perRank[r].push({ step, micro, batch: s, frac, seed: seeds[r] });
      });
    });
    this.gen += 1;
    const common = { gen: this.gen, lr, maxGradNorm: this.trainer.options.maxGradNorm, apply };
    for (let r = 1; r < n; r++) this.post(r - 1, { type: 'step', job: { ...common, shards: perRank[r] } });
    const shard = lap();
    try {
      let loss = this.main.computeGradients(perRank[0]);
      this.main.arrive();
      const compute = lap();
      const arrived = await Promise.all(this.workers.map((_, i) => this.expect(i, 'arrived')));
      for (const a of arrived) loss += a.loss;
      const waitArrive = lap();
      Atomics.load(this.ctrl, ARRIVED);
      this.main.reduceChunk();
      await Promise.all(this.workers.map((_, i) => this.expect(i, 'reduced')));
      Atomics.load(this.ctrl, REDUCED);
      const reduce = lap();
      const gradNorm = this.main.gradNorm();
      if (apply) this.main.applyUpdate(lr, this.trainer.options.maxGradNorm, gradNorm);
      const phases: StepPhases = {
        shard, compute, waitArrive, reduce, update: lap(),
        workerCompute: Math.max(...arrived.map((a) => a.computeMs)), workerUpdate: Math.max(...arrived.map((a) => a.lastUpdateMs)),
      };
      return { loss, gradNorm, phases };
    } catch (e) {
      this.fail(e as Error);
      throw e;
    }
  }

  /**
   * A read-only computation on every replica's current weights, between steps: `inputs[0]` on this thread with
   * `local`, `inputs[r]` on worker r with its replica's `map` (the spec's `create` must give one). The replicas hold
   * identical weights, so this splits e.g. a diagnostics pass over the cores. Outputs in rank order.
   */
  async map<I, O>(inputs: I[], local: (input: I) => O): Promise<O[]> {
    if (inputs.length !== this.count) throw new LmiError(`parallel: map needs ${this.count} inputs (one per replica), got ${inputs.length}`);
    this.workers.forEach((_, i) => this.post(i, { type: 'map', input: inputs[i + 1] }));
    const mine = local(inputs[0]);
    const got = await Promise.all(this.workers.map((_, i) => this.expect(i, 'mapped')));
    return [mine, ...got.map((g) => g.output as O)];
  }

  /** Every replica's weights, flat (index 0 = main thread), and each worker's tf.memory().numTensors. */
  async replicaWeights(): Promise<{ weights: Float32Array[]; numTensors: number[] }> {
    this.workers.forEach((_, i) => this.post(i, { type: 'weights' }));
    const got = await Promise.all(this.workers.map((_, i) => this.expect(i, 'weights')));
    return { weights: [this.main.flatWeights(), ...got.map((g) => g.weights)], numTensors: got.map((g) => g.numTensors) };
  }

  /** Stop and terminate every worker (idempotent; safe after a failure). */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    if (running.get(this.trainer) === (this as DataParallel<unknown>)) running.delete(this.trainer);
    Atomics.store(this.ctrl, ABORT, 1);
    Atomics.notify(this.ctrl, ARRIVED);
    Atomics.notify(this.ctrl, REDUCED);
    for (const q of this.waiting) for (const w of q.splice(0)) w.reject(this.failure ?? new LmiError('parallel: closed'));
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
