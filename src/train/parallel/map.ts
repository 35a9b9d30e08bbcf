/**
 * Parallel inference (issue 14): split a list of inputs (documents to index, queries to beam-search) into contiguous
 * shards, one per core; the main thread maps its shard with the model it already holds while `count − 1` worker
 * threads each build a copy from a serialisable {@link MapTask} and map theirs. Outputs come back in input order and
 * are identical to a one-thread run (each input is mapped independently).
 *
 * Workers are started per call (≈ 1–2 s to load tsx, tfjs and the model), so small inputs stay on one thread
 * (`minPerWorker`). Inside tslab, where modules are not files a worker could load, it runs on one thread with a notice.
 */
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { type BackendChoice, backendInfo } from '../../backend';
import { LmiError } from '../../errors';
import { workerBootstrap, workerCanLoad } from './bootstrap';
import { resolveWorkers } from './task';

/** Maps a shard of inputs to outputs, one per input, in order. */
export interface Mapper<I, O> {
  run(items: I[]): O[] | Promise<O[]>;
  dispose?(): void;
}

/** What a module exports for {@link parallelMap}: builds a mapper from the task's arguments (in a worker). */
export interface MapSpec<I, O, A = never> {
  create(args: A): Mapper<I, O> | Promise<Mapper<I, O>>;
}

/** A serialisable recipe for a worker's mapper: the absolute path of a module exporting a {@link MapSpec}, and its arguments. */
export interface MapTask {
  module: string;
  /** Export name of the spec (default `mapper`). */
  exportName?: string;
  /** Passed to `spec.create` (structured-cloneable; typed arrays are copied once per worker). */
  args?: unknown;
}

export interface ParallelMapOptions {
  /** Threads: a number or 'auto' (the cores on wasm/cpu, 1 on tfjs-node). Default 'auto'. */
  workers?: 'auto' | number;
  /** Fewest inputs per thread; below it fewer threads are used. Default 64. */
  minPerWorker?: number;
}

export interface WorkerMapInit {
  task: MapTask;
  backend: BackendChoice;
  items: unknown[];
}

export type FromMapWorker = { type: 'done'; out: unknown[] } | { type: 'error'; message: string };

/** Load the spec a task names (same code path in workers and in tests). */
export function loadMapSpec<I, O>(task: MapTask): MapSpec<I, O, unknown> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(task.module) as Record<string, unknown>;
  const spec = mod[task.exportName ?? 'mapper'] as MapSpec<I, O, unknown> | undefined;
  if (!spec || typeof spec.create !== 'function') throw new LmiError(`parallel: ${task.module} does not export a MapSpec named "${task.exportName ?? 'mapper'}" (create)`);
  return spec;
}

/** Threads a call will use for `n` inputs. */
export function mapThreads(n: number, o: ParallelMapOptions, task: MapTask): number {
  const want = resolveWorkers(o.workers ?? 'auto', { multiThreaded: backendInfo()?.multiThreaded ?? tf.getBackend() === 'tensorflow', hasTask: true });
  const count = Math.max(1, Math.min(want, Math.floor(n / (o.minPerWorker ?? 64))));
  if (count > 1 && !workerCanLoad(task.module, `1 thread instead of ${count}`)) return 1;
  return count;
}

function runWorker(code: string, init: WorkerMapInit, rank: number): { worker: Worker; done: Promise<unknown[]> } {
  const worker = new Worker(code, { eval: true, workerData: init, execArgv: [], stdout: false, stderr: false });
  const done = new Promise<unknown[]>((resolve, reject) => {
    worker.once('message', (m: FromMapWorker) => {
      if (m.type === 'done') resolve(m.out);
      else reject(new LmiError(`parallel: worker ${rank}: ${m.message}`));
    });
    worker.once('error', (e) => reject(new LmiError(`parallel: worker ${rank} crashed: ${e.message}`)));
    worker.once('exit', (c) => reject(new LmiError(`parallel: worker ${rank} exited (code ${c}) before returning its shard`)));
  });
  done.catch(() => undefined); // handled by the caller's Promise.all; after an early failure it only reports the exit
  return { worker, done };
}

/** Map `items` with `local` on this thread and copies built from `task` on worker threads; outputs in input order. */
export async function parallelMap<I, O>(items: readonly I[], local: Mapper<I, O>, task: MapTask, o: ParallelMapOptions = {}): Promise<O[]> {
  const count = mapThreads(items.length, o, task);
  if (count <= 1) return local.run([...items]);
  const bounds = Array.from({ length: count + 1 }, (_, r) => Math.floor((items.length * r) / count));
  const backend = (tf.getBackend() === 'tensorflow' ? 'tensorflow' : tf.getBackend()) as BackendChoice;
  const code = workerBootstrap(__dirname, 'map-worker');
  const started = Array.from({ length: count - 1 }, (_, i) =>
    runWorker(code, { task, backend, items: items.slice(bounds[i + 1], bounds[i + 2]) as unknown[] }, i + 1));
  try {
    const mine = await local.run(items.slice(bounds[0], bounds[1]));
    const theirs = await Promise.all(started.map((s) => s.done));
    const out = [...mine, ...(theirs.flat() as O[])];
    if (out.length !== items.length) throw new LmiError(`parallel: ${out.length} outputs for ${items.length} inputs (a mapper must return one per input)`);
    return out;
  } finally {
    await Promise.all(started.map((s) => s.worker.terminate()));
  }
}
