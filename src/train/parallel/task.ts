/**
 * Data-parallel training over worker threads: what a worker needs to build its replica of the model.
 *
 * A `ReplicaTask` is serialisable (it crosses the thread boundary): the absolute path of a module and JSON-like
 * arguments. The module exports a `ReplicaSpec` (named `replica` unless `exportName` says otherwise) that
 *  - builds a replica in a worker (`create(args)` → named variables + loss function; the weights are overwritten
 *    by the main thread's before the first step, so any initialisation will do),
 *  - splits a batch into shards (`shard`), one per replica, and
 *  - weighs a shard (`weight`, e.g. its number of scored tokens): the averaged gradient is Σ wₛ·gₛ / Σ wₛ, which
 *    equals the gradient of the whole batch when the loss is a mean over those units.
 * The main thread loads the same module for `shard` and `weight`; it uses the Trainer's own model and loss.
 */
import * as os from 'node:os';
import type * as tf from '@tensorflow/tfjs';
import { LmiError } from '../../errors';
import type { LossFn } from '../trainer';

export interface ReplicaTask {
  /** Absolute path of a module (TypeScript or JavaScript) that exports a `ReplicaSpec`. */
  module: string;
  /** Export name of the spec (default `replica`). */
  exportName?: string;
  /** Passed to `spec.create` in every worker (structured-cloneable). */
  args?: unknown;
}

export interface Replica<B> {
  params: Map<string, tf.Variable>;
  lossFn: LossFn<B>;
  /**
   * Optional read-only computation on the replica's current weights, run between steps by `DataParallel.map`
   * (e.g. a diagnostics pass over part of the corpus). Input and output are structured-cloneable.
   */
  map?(input: unknown): unknown;
  dispose?(): void;
}

export interface ReplicaSpec<B, A = never> {
  create(args: A): Replica<B> | Promise<Replica<B>>;
  /** Exactly `count` shards of `batch` (structured-cloneable; `null` = empty shard), deterministic. */
  shard(batch: B, count: number): (B | null)[];
  /** Weight of a shard in the averaged gradient (> 0 for a non-empty shard that carries loss). */
  weight(shard: B): number;
}

/** Load the spec a task names (same code path in the main thread and in workers). */
export function loadReplicaSpec<B>(task: ReplicaTask): ReplicaSpec<B, unknown> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(task.module) as Record<string, unknown>;
  const spec = mod[task.exportName ?? 'replica'] as ReplicaSpec<B, unknown> | undefined;
  if (!spec || typeof spec.create !== 'function' || typeof spec.shard !== 'function' || typeof spec.weight !== 'function') {
    throw new LmiError(`parallel: ${task.module} does not export a ReplicaSpec named "${task.exportName ?? 'replica'}" (create, shard, weight)`);
  }
  return spec;
}

/**
 * Cores this process may use: `LMI_CORES` when set (a parallel `make figures` gives each experiment process its
 * share), else the machine's.
 */
export function availableCores(): number {
  const env = Number(process.env.LMI_CORES);
  if (Number.isInteger(env) && env >= 1) return env;
  return Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
}

/**
 * Replicas to use: an explicit number is taken as is (≥ 1); `'auto'` = `availableCores()` on single-threaded
 * backends (wasm, cpu), 1 on natively threaded ones (tfjs-node) or when no replica task is given.
 */
export function resolveWorkers(workers: 'auto' | number | undefined, opts: { multiThreaded: boolean; hasTask: boolean }): number {
  if (workers === undefined) return 1;
  if (workers === 'auto') {
    if (opts.multiThreaded || !opts.hasTask) return 1;
    return availableCores();
  }
  if (!(Number.isInteger(workers) && workers >= 1)) throw new LmiError(`trainer: workers must be 'auto' or an integer ≥ 1, got ${workers}`);
  if (workers > 1 && !opts.hasTask) throw new LmiError(`trainer: workers = ${workers} needs a replicaTask (how a worker builds its model replica)`);
  return workers;
}
