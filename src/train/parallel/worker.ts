/**
 * Worker-thread side of data-parallel training (see `engine.ts`). Started by `DataParallel.start` through a small
 * eval bootstrap that registers tsx, so this file and the task module may be TypeScript.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { type BackendChoice, initBackend } from '../../backend';
import { AdamW, type AdamWOptions } from '../adamw';
import { ABORT, ARRIVED, type Layout, ParallelAbort, REDUCED, ReplicaState, type SharedBuffers, type StepJob } from './replica-step';
import { type ReplicaTask, loadReplicaSpec } from './task';

export interface WorkerInit {
  task: ReplicaTask;
  backend: BackendChoice;
  rank: number;
  count: number;
  buffers: SharedBuffers;
  layout: Layout;
  optim: AdamWOptions;
  decay: string[];
}

export type ToWorker =
  | { type: 'sync'; weights: Float32Array; moments: { name: string; m: Float32Array; v: Float32Array }[]; optimizerStep: number }
  | { type: 'step'; job: StepJob<unknown> }
  | { type: 'map'; input: unknown }
  | { type: 'weights' };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'synced' }
  | { type: 'arrived'; loss: number; computeMs: number; lastUpdateMs: number }
  | { type: 'reduced' }
  | { type: 'mapped'; output: unknown }
  | { type: 'weights'; weights: Float32Array; numTensors: number }
  | { type: 'error'; message: string; stack?: string };

const port = parentPort!;
const init = workerData as WorkerInit;
const post = (m: FromWorker): void => port.postMessage(m);

function fail(e: unknown): void {
  const ctrl = new Int32Array(init.buffers.ctrl);
  Atomics.store(ctrl, ABORT, 1);
  Atomics.notify(ctrl, ARRIVED);
  Atomics.notify(ctrl, REDUCED);
  const err = e as Error;
  if (!(err instanceof ParallelAbort)) post({ type: 'error', message: err?.message ?? String(e), stack: err?.stack });
}

async function main(): Promise<void> {
  await initBackend({ backend: init.backend, quiet: true });
  const spec = loadReplicaSpec<unknown>(init.task);
  const replica = await spec.create(init.task.args);
  const optimizer = new AdamW(init.optim);
  const state = new ReplicaState(init.rank, init.count, init.buffers, init.layout, replica.params, replica.lossFn, optimizer, new Set(init.decay));
  init.layout.names.forEach((n, i) => {
    const have = replica.params.get(n)!.shape.join(',');
    if (have !== init.layout.shapes[i].join(',')) throw new Error(`parallel: replica parameter "${n}" has shape [${have}], main has [${init.layout.shapes[i].join(', ')}]`);
  });
  let lastUpdateMs = 0;
  port.on('message', (msg: ToWorker) => {
    try {
      switch (msg.type) {
        case 'sync': {
          state.vars.forEach((v, i) => tf.tidy(() => v.assign(tf.tensor(msg.weights.slice(state.offsets[i], state.offsets[i] + state.sizes[i]), init.layout.shapes[i], 'float32'))));
          optimizer.dispose();
          for (const { name, m, v } of msg.moments) {
            const shape = replica.params.get(name)!.shape;
            optimizer.moments.set(name, tf.tidy(() => ({ m: tf.variable(tf.tensor(m, shape, 'float32'), false), v: tf.variable(tf.tensor(v, shape, 'float32'), false) })));
          }
          optimizer.step = msg.optimizerStep;
          post({ type: 'synced' });
          break;
        }
        case 'step': {
          const job = msg.job;
          const t0 = performance.now();
          const loss = state.computeGradients(job.shards);
          state.arrive();
          post({ type: 'arrived', loss, computeMs: performance.now() - t0, lastUpdateMs });
          state.waitFor(ARRIVED, job.gen * init.count);
          state.reduceChunk();
          post({ type: 'reduced' });
          state.waitFor(REDUCED, job.gen * init.count);
          const t1 = performance.now();
          if (job.apply) state.applyUpdate(job.lr, job.maxGradNorm, state.gradNorm());
          lastUpdateMs = performance.now() - t1;
          break;
        }
        case 'map':
          if (!replica.map) throw new Error(`parallel: the replica spec of ${init.task.module} has no map`);
          post({ type: 'mapped', output: replica.map(msg.input) });
          break;
        case 'weights':
          post({ type: 'weights', weights: state.flatWeights(), numTensors: tf.memory().numTensors });
          break;
      }
    } catch (e) {
      fail(e);
    }
  });
  post({ type: 'ready' });
}

main().catch(fail);
