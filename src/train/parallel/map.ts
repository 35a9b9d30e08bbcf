/**
 * Parallel inference (issue 14): split a list of inputs (documents to index, queries to beam-search) into contiguous
 * chunks; the main thread maps chunks with the model it already holds while `count − 1` worker threads each build a
 * copy from a serialisable {@link MapTask} and map chunks too. Thread r maps chunk r first, then each thread claims
 * the next chunk from a shared counter (`Atomics.add` on a SharedArrayBuffer), so the main thread keeps working while
 * a worker is still starting (≈ 0.6 s here to load tsx, tfjs and the model) and no thread idles at the end behind a
 * slower one. Outputs come back in input order and are identical to a one-thread run (each input is mapped
 * independently; chunk bounds do not depend on timing).
 *
 * Small inputs stay on one thread (`minPerWorker`). Inside tslab, where modules are not files a worker could load,
 * it runs on one thread with a notice.
 */
import type { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { type BackendChoice, backendInfo } from '../../backend';
import { LmiError } from '../../errors';
import { startWorker, workerCanLoad } from './bootstrap';
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
  /** Inputs per claimed chunk. Default: about 8 chunks per thread, rounded up to a multiple of 32 (a query batch). */
  chunk?: number;
}

export interface WorkerMapInit {
  task: MapTask;
  backend: BackendChoice;
  items: unknown[];
  chunk: number;
  /** One Int32: the next chunk index to claim, shared by every thread of the call. */
  counter: SharedArrayBuffer;
  /** This worker's first chunk (its rank). */
  first: number;
}

export type FromMapWorker = { type: 'chunk'; index: number; out: unknown[] } | { type: 'done' } | { type: 'error'; message: string };

/**
 * Map chunk `first` (if it exists), then claim chunks from the shared counter until none is left; `map` gets each
 * chunk's index and inputs. With T threads the counter starts at T and thread r passes first = r.
 */
export async function claimChunks<I>(items: readonly I[], chunk: number, counter: Int32Array, first: number, map: (index: number, part: I[]) => Promise<void> | void): Promise<void> {
  const chunks = Math.ceil(items.length / chunk);
  for (let c = first; c < chunks; c = Atomics.add(counter, 0, 1)) {
    await map(c, items.slice(c * chunk, (c + 1) * chunk));
  }
}

/** Default chunk: about 8 per thread, a multiple of 32 (a query batch), but at most one thread's even share. */
export function defaultChunk(n: number, threads: number): number {
  return Math.max(1, Math.min(Math.ceil(n / threads), Math.max(32, Math.ceil(n / (8 * threads) / 32) * 32)));
}

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

/** Map `items` with `local` on this thread and copies built from `task` on worker threads; outputs in input order. */
export async function parallelMap<I, O>(items: readonly I[], local: Mapper<I, O>, task: MapTask, o: ParallelMapOptions = {}): Promise<O[]> {
  const count = mapThreads(items.length, o, task);
  if (count <= 1) return local.run([...items]);
  const chunk = o.chunk ?? defaultChunk(items.length, count);
  if (!Number.isInteger(chunk) || chunk < 1) throw new LmiError(`parallel: option "chunk" must be a positive integer, got ${chunk}`);
  const chunks = Math.ceil(items.length / chunk);
  // Settled when every chunk's outputs are in (resolve) or at the first failure of any thread (reject).
  let settle!: { resolve: () => void; reject: (e: Error) => void };
  const allFilled = new Promise<void>((resolve, reject) => { settle = { resolve, reject }; });
  let failure: Error | undefined;
  const fail = (e: Error): void => { failure ??= e; settle.reject(failure); };
  const parts: (O[] | undefined)[] = new Array(chunks);
  let filled = 0;
  const put = (index: number, out: O[], by: string): void => {
    const want = Math.min(chunk, items.length - index * chunk);
    if (out.length !== want) throw new LmiError(`parallel: ${by} returned ${out.length} outputs for ${want} inputs (a mapper must return one per input)`);
    parts[index] = out;
    if (++filled === chunks) settle.resolve();
  };
  const counter = new SharedArrayBuffer(4);
  new Int32Array(counter)[0] = count; // chunks 0 … count−1 are the threads' first ones
  const backend = (tf.getBackend() === 'tensorflow' ? 'tensorflow' : tf.getBackend()) as BackendChoice;
  const workers = Array.from({ length: count - 1 }, (_, i) => {
    const rank = i + 1;
    const w = startWorker(__dirname, 'map-worker', { task, backend, items: items as unknown[], chunk, counter, first: rank } satisfies WorkerMapInit);
    let finished = false;
    w.on('message', (m: FromMapWorker) => {
      try {
        if (m.type === 'chunk') put(m.index, m.out as O[], `worker ${rank}`);
        else if (m.type === 'done') finished = true;
        else fail(new LmiError(`parallel: worker ${rank}: ${m.message}`));
      } catch (e) { fail(e as Error); }
    });
    w.once('error', (e) => fail(new LmiError(`parallel: worker ${rank} crashed: ${e.message}`)));
    w.once('exit', (c) => { if (!finished && filled < chunks) fail(new LmiError(`parallel: worker ${rank} exited (code ${c}) before returning its chunks`)); });
    return w;
  });
  try {
    // This thread claims chunks too. Promise.all rejects at a worker's failure at once (its chunk would never arrive),
    // even while this thread is inside a chunk; it then stops at its next one.
    const mine = claimChunks(items, chunk, new Int32Array(counter), 0, async (c, part) => {
      if (failure) throw failure;
      put(c, await local.run(part), 'the main thread');
    });
    await Promise.all([mine, allFilled]);
    return parts.flat() as O[];
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
