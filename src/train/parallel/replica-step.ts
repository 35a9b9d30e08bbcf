/**
 * The per-replica half of a data-parallel step, shared verbatim by the main thread (rank 0) and the workers so that
 * every replica computes the same thing:
 *
 *  1. gradients of its shards, weighted (Σ frac·g), written into its slot of the shared gradient buffer;
 *  2. barrier; reduce-scatter: rank r sums all slots over its chunk of elements (fixed order 0..n-1) into `sum`
 *     and writes the chunk's squared norm into `parts[r]`;
 *  3. barrier; every replica reads the same `sum` and `parts`, clips and applies the identical AdamW update.
 *
 * Shared memory layout (one SharedArrayBuffer each): `slots` Float32Array(n·P), `sum` Float32Array(P),
 * `parts` Float64Array(n), `ctrl` Int32Array(CTRL_SIZE). Barrier counters only grow; phase `gen` is complete when a
 * counter reaches gen·n. ABORT ≠ 0 makes every waiting replica throw (clean shutdown on error).
 */
import * as tf from '@tensorflow/tfjs';
import { copyTensorInto, tensorFromFill } from '../../nn/kernels/wasm-kernels';
import { Rng } from '../../rng';
import type { AdamW } from '../adamw';
import type { LossFn } from '../trainer';

export const ARRIVED = 0;
export const REDUCED = 1;
export const ABORT = 2;
export const CTRL_SIZE = 4;

export interface SharedBuffers {
  slots: SharedArrayBuffer;
  sum: SharedArrayBuffer;
  parts: SharedArrayBuffer;
  ctrl: SharedArrayBuffer;
}

export interface Layout {
  names: string[];
  shapes: number[][];
}

/** One shard of one micro-batch, as sent to a replica. */
export interface ShardJob<B> {
  step: number;
  micro: number;
  /** Null: this replica has no rows in this micro-batch. */
  batch: B | null;
  /** Its gradient's factor in the step's mean gradient: wₛ / W_micro / gradAccumSteps. */
  frac: number;
  /** Seed of the shard's Rng (derived from `rngFor(step, micro)`). */
  seed: number;
}

export interface StepJob<B> {
  gen: number;
  lr: number;
  maxGradNorm: number;
  /** False: stop after the reduction (the averaged gradient is left in `sum`; used by tests). */
  apply: boolean;
  shards: ShardJob<B>[];
}

export class ParallelAbort extends Error {}

export class ReplicaState<B> {
  readonly slots: Float32Array;
  readonly sum: Float32Array;
  readonly parts: Float64Array;
  readonly ctrl: Int32Array;
  readonly offsets: number[];
  readonly sizes: number[];
  readonly total: number;
  readonly vars: tf.Variable[];

  constructor(
    readonly rank: number, readonly count: number, buffers: SharedBuffers, readonly layout: Layout,
    readonly params: Map<string, tf.Variable>, readonly lossFn: LossFn<B>, readonly optimizer: AdamW,
    readonly decay: Set<string>,
  ) {
    this.sizes = layout.shapes.map((s) => s.reduce((a, b) => a * b, 1));
    this.offsets = [];
    let off = 0;
    for (const n of this.sizes) {
      this.offsets.push(off);
      off += n;
    }
    this.total = off;
    this.slots = new Float32Array(buffers.slots);
    this.sum = new Float32Array(buffers.sum);
    this.parts = new Float64Array(buffers.parts);
    this.ctrl = new Int32Array(buffers.ctrl);
    this.vars = layout.names.map((n) => {
      const v = params.get(n);
      if (!v) throw new Error(`parallel: replica ${rank} has no parameter "${n}"`);
      return v;
    });
  }

  /** Phase 1: weighted gradients of this replica's shards into its slot; returns Σ frac·loss. */
  computeGradients(shards: ShardJob<B>[]): number {
    const slot = this.slots.subarray(this.rank * this.total, (this.rank + 1) * this.total);
    let loss = 0;
    let acc: tf.Tensor[] | undefined;
    for (const job of shards) {
      if (job.batch === null || job.frac === 0) continue;
      const ctx = { step: job.step, micro: job.micro, rng: new Rng(job.seed), training: true as const };
      const { value, grads } = tf.variableGrads(() => this.lossFn(job.batch as B, ctx), this.vars);
      loss += job.frac * value.dataSync()[0];
      value.dispose();
      const g = this.vars.map((v) => {
        const gi = grads[v.name];
        if (!gi) return tf.zerosLike(v);
        const scaled = tf.mul(gi, job.frac);
        gi.dispose();
        return scaled;
      });
      if (!acc) acc = g;
      else {
        const prev = acc;
        acc = prev.map((a, i) => tf.add(a, g[i]));
        tf.dispose([...prev, ...g]);
      }
    }
    if (!acc) slot.fill(0);
    else {
      acc.forEach((a, i) => copyTensorInto(a, slot, this.offsets[i]));
      tf.dispose(acc);
    }
    return loss;
  }

  arrive(): void {
    Atomics.add(this.ctrl, ARRIVED, 1);
    Atomics.notify(this.ctrl, ARRIVED);
  }

  /** Block (workers only) until counter `idx` reaches `target`, or throw on abort. */
  waitFor(idx: number, target: number): void {
    for (;;) {
      const v = Atomics.load(this.ctrl, idx);
      if (v >= target) return;
      if (Atomics.load(this.ctrl, ABORT)) throw new ParallelAbort('parallel: aborted by another replica');
      Atomics.wait(this.ctrl, idx, v, 500);
    }
  }

  /** Phase 2: sum all slots over this rank's chunk, in slot order; squared norm of the chunk into parts[rank]. */
  reduceChunk(): void {
    const P = this.total;
    const lo = Math.floor((P * this.rank) / this.count);
    const hi = Math.floor((P * (this.rank + 1)) / this.count);
    const { slots, sum, count } = this;
    let sq = 0;
    for (let j = lo; j < hi; j++) {
      let s = slots[j];
      for (let q = 1; q < count; q++) s += slots[q * P + j];
      sum[j] = s;
      const f = sum[j];
      sq += f * f;
    }
    this.parts[this.rank] = sq;
    Atomics.add(this.ctrl, REDUCED, 1);
    Atomics.notify(this.ctrl, REDUCED);
  }

  /** Global norm of the averaged gradient (same summation order on every replica). */
  gradNorm(): number {
    let sq = 0;
    for (let q = 0; q < this.count; q++) sq += this.parts[q];
    return Math.sqrt(sq);
  }

  /** Phase 3: clip and apply AdamW from the shared averaged gradient (identical on every replica). */
  applyUpdate(lr: number, maxGradNorm: number, gradNorm: number): void {
    const scale = maxGradNorm > 0 && gradNorm > maxGradNorm ? maxGradNorm / gradNorm : 1;
    tf.tidy(() => {
      const map = new Map<string, tf.Tensor>();
      this.layout.names.forEach((n, i) => {
        // A copy: backends may keep a reference to the array (cpu) and `sum` is rewritten next step.
        const g = tensorFromFill(this.layout.shapes[i], (values) => values.set(this.sum.subarray(this.offsets[i], this.offsets[i] + this.sizes[i])));
        map.set(n, g);
      });
      this.optimizer.apply(this.params, map, lr, (n) => this.decay.has(n), scale);
    });
  }

  /** All parameters, flat in layout order (tests: replicas must be bit-identical). */
  flatWeights(): Float32Array {
    const out = new Float32Array(this.total);
    this.vars.forEach((v, i) => copyTensorInto(v, out, this.offsets[i]));
    return out;
  }
}
