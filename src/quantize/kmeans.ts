/**
 * Seeded k-means on the tfjs backend (fast on wasm): greedy k-means++ seeding, Lloyd iterations with the
 * point-to-centroid distances as one matmul per iteration (‖x‖² − 2x·cᵀ + ‖c‖², argmin), centroid update by segment
 * sums in typed arrays, empty-cluster repair from the farthest points, `nInit` restarts keeping the lowest inertia,
 * and a spherical (cosine) variant. Used to initialise codebooks (Eq 13) and by the HC indexer.
 *
 * wasm lessons measured here: `tf.matMul` with `transposeB` was ~8× slower than with a pre-transposed operand, so Cᵀ
 * is built in JS; segment sums in a typed-array loop beat a one-hot matmul (see bench/kmeans.ts); never return typed
 * arrays from `tf.tidy` (it walks them element by element).
 */
import * as tf from '@tensorflow/tfjs';
import type { KMeansConfig } from '../config';
import type { DenseMatrix } from '../embeddings/types';
import { LmiError } from '../errors';
import type { Rng } from '../rng';

/** Options beyond `KMeansConfig`. */
export interface KMeansOptions {
  /** Candidates tried per k-means++ step, keeping the one that lowers the potential most (greedy k-means++, as
   *  sklearn). Default 2 + ⌊ln k⌋; 1 = classic k-means++. */
  initTrials?: number;
  /** Upper bound on rows × k distance entries computed in one matmul (memory bound; default 2^23). */
  maxChunkEntries?: number;
}

/** Result of {@link kmeans}. */
export interface KMeansResult {
  /** Cluster of each point, in 0..k−1. */
  assignments: Int32Array;
  /** Row-major k × dim (unit rows when spherical). */
  centroids: Float32Array;
  k: number;
  dim: number;
  /** Σ squared distance of each point to its centroid (spherical: of the l2-normalised point, = Σ 2 − 2cos). */
  inertia: number;
  /** Lloyd update steps taken by the winning restart. */
  iterations: number;
}

/**
 * Cluster the rows of `x` into `k` clusters. Deterministic for a given `rng` state. Throws when k < 1 or k > n.
 * All tensors are disposed before returning.
 */
export function kmeans(x: DenseMatrix, k: number, cfg: KMeansConfig, rng: Rng, opts: KMeansOptions = {}): KMeansResult {
  const { n, dim } = x;
  if (!Number.isInteger(k) || k < 1) throw new LmiError(`kmeans: k must be a positive integer, got ${k}`);
  if (k > n) throw new LmiError(`kmeans: k = ${k} exceeds the number of points n = ${n}; use k ≤ n`);
  if (x.data.length !== n * dim) throw new LmiError(`kmeans: data has ${x.data.length} values, expected n×dim = ${n}×${dim}`);
  if (!(cfg.nInit >= 1)) throw new LmiError(`kmeans: nInit must be ≥ 1, got ${cfg.nInit}`);
  const data = cfg.spherical ? l2NormalizeRows(x.data, n, dim) : x.data;
  const pts: Points = { data, n, dim, sqNorms: rowSqNorms(data, n, dim), tensor: tf.tensor2d(data, [n, dim]) };
  const trials = opts.initTrials ?? 2 + Math.floor(Math.log(k));
  const chunk = Math.max(1, Math.floor((opts.maxChunkEntries ?? 1 << 23) / k));
  try {
    let best: KMeansResult | undefined;
    for (let run = 0; run < cfg.nInit; run++) {
      const r = lloyd(pts, kmeansPlusPlus(pts, k, trials, rng.fork()), k, cfg, chunk);
      if (!best || r.inertia < best.inertia) best = r;
    }
    return best!;
  } finally {
    pts.tensor.dispose();
  }
}

interface Points {
  data: Float32Array;
  n: number;
  dim: number;
  sqNorms: Float32Array;
  tensor: tf.Tensor2D;
}

/** Lloyd iterations from `centroids` until fewer than tol·n points change cluster or maxIters updates. */
function lloyd(p: Points, centroids: Float32Array, k: number, cfg: KMeansConfig, chunk: number): KMeansResult {
  let { labels, minDist } = assign(p, centroids, k, chunk);
  let iterations = 0;
  while (iterations < cfg.maxIters) {
    centroids = updateCentroids(p.data, p.dim, labels, minDist, k, cfg.spherical);
    iterations++;
    const next = assign(p, centroids, k, chunk);
    let changed = 0;
    for (let i = 0; i < p.n; i++) if (next.labels[i] !== labels[i]) changed++;
    ({ labels, minDist } = next);
    if (changed === 0 || changed < cfg.tol * p.n) break;
  }
  let inertia = 0;
  for (let i = 0; i < p.n; i++) inertia += minDist[i];
  return { assignments: labels, centroids, k, dim: p.dim, inertia, iterations };
}

/** Nearest centroid of every point and its squared distance: one matmul X·Cᵀ per row chunk. */
function assign(p: Points, centroids: Float32Array, k: number, chunk: number): { labels: Int32Array; minDist: Float32Array } {
  const { n, dim } = p;
  const ct = new Float32Array(dim * k);
  const halfNorm = new Float32Array(k);
  for (let c = 0; c < k; c++) {
    let s = 0;
    for (let j = 0; j < dim; j++) {
      const v = centroids[c * dim + j];
      ct[j * k + c] = v;
      s += v * v;
    }
    halfNorm[c] = s / 2;
  }
  const labels = new Int32Array(n);
  const minDist = new Float32Array(n);
  const ctT = tf.tensor2d(ct, [dim, k]);
  const hT = tf.tensor2d(halfNorm, [1, k]);
  try {
    for (let start = 0; start < n; start += chunk) {
      const rows = Math.min(chunk, n - start);
      // argmin_c ‖x − c‖² = argmin_c (‖c‖²/2 − x·c); the minimum gives ‖x‖² + 2·min.
      const [arg, min] = tf.tidy(() => {
        const xs = rows === n ? p.tensor : tf.slice(p.tensor, [start, 0], [rows, dim]);
        const d = tf.sub(hT, tf.matMul(xs, ctT));
        return [tf.argMin(d, 1), tf.min(d, 1)];
      });
      labels.set(arg.dataSync() as Int32Array, start);
      const m = min.dataSync();
      arg.dispose();
      min.dispose();
      for (let i = 0; i < rows; i++) minDist[start + i] = Math.max(0, p.sqNorms[start + i] + 2 * m[i]);
    }
  } finally {
    ctT.dispose();
    hT.dispose();
  }
  return { labels, minDist };
}

/**
 * One Lloyd update: cluster means (k × dim) by segment sums over row-major `data` (n × dim). An empty cluster is
 * re-seeded with the point farthest from its centroid (`minDist`, among clusters that keep ≥ 1 point), which is moved
 * into it (sklearn's relocation rule); `labels` and `minDist` are updated in place. Spherical: means l2-normalised.
 */
export function updateCentroids(
  data: Float32Array,
  dim: number,
  labels: Int32Array,
  minDist: Float32Array,
  k: number,
  spherical: boolean,
): Float32Array {
  const n = labels.length;
  const sums = new Float64Array(k * dim);
  const counts = new Int32Array(k);
  for (let i = 0; i < n; i++) {
    const c = labels[i];
    counts[c]++;
    const o = c * dim;
    const r = i * dim;
    for (let j = 0; j < dim; j++) sums[o + j] += data[r + j];
  }
  const empty: number[] = [];
  for (let c = 0; c < k; c++) if (counts[c] === 0) empty.push(c);
  if (empty.length) {
    const far = Array.from({ length: n }, (_, i) => i).sort((a, b) => minDist[b] - minDist[a] || a - b);
    let f = 0;
    for (const e of empty) {
      while (f < n && counts[labels[far[f]]] <= 1) f++;
      if (f === n) break;
      const i = far[f++];
      const old = labels[i];
      counts[old]--;
      for (let j = 0; j < dim; j++) {
        sums[old * dim + j] -= data[i * dim + j];
        sums[e * dim + j] = data[i * dim + j];
      }
      counts[e] = 1;
      labels[i] = e;
      minDist[i] = 0;
    }
  }
  const out = new Float32Array(k * dim);
  for (let c = 0; c < k; c++) {
    if (counts[c] === 0) continue;
    let norm = 0;
    for (let j = 0; j < dim; j++) {
      const v = sums[c * dim + j] / counts[c];
      out[c * dim + j] = v;
      norm += v * v;
    }
    if (spherical && norm > 0) {
      const inv = 1 / Math.sqrt(norm);
      for (let j = 0; j < dim; j++) out[c * dim + j] *= inv;
    }
  }
  return out;
}

/**
 * Greedy k-means++ (Arthur & Vassilvitskii 2007; sklearn's greedy variant): each step draws `trials` candidates with
 * probability ∝ D(x)² and keeps the one that minimises the total potential. Distances to candidates are one matmul.
 */
function kmeansPlusPlus(p: Points, k: number, trials: number, rng: Rng): Float32Array {
  const { n, dim, data } = p;
  const centroids = new Float32Array(k * dim);
  const first = rng.int(n);
  centroids.set(data.subarray(first * dim, (first + 1) * dim), 0);
  const minDist = Float64Array.from(distancesTo(p, [first]));
  const cum = new Float64Array(n);
  for (let c = 1; c < k; c++) {
    let total = 0;
    for (let i = 0; i < n; i++) cum[i] = total += minDist[i];
    const cands: number[] = [];
    for (let t = 0; t < trials; t++) cands.push(total > 0 ? searchCumulative(cum, rng.next() * total) : rng.int(n));
    const d = distancesTo(p, cands);
    const t = cands.length;
    let bestT = 0;
    let bestPot = Infinity;
    for (let j = 0; j < t; j++) {
      let pot = 0;
      for (let i = 0; i < n; i++) pot += Math.min(minDist[i], d[i * t + j]);
      if (pot < bestPot) {
        bestPot = pot;
        bestT = j;
      }
    }
    const chosen = cands[bestT];
    centroids.set(data.subarray(chosen * dim, (chosen + 1) * dim), c * dim);
    for (let i = 0; i < n; i++) minDist[i] = Math.min(minDist[i], d[i * t + bestT]);
  }
  return centroids;
}

/** Squared distances (n × cands.length, row-major) from every point to the points `cands`. */
function distancesTo(p: Points, cands: number[]): Float32Array {
  const { n, dim, data, sqNorms } = p;
  const t = cands.length;
  const ct = new Float32Array(dim * t);
  cands.forEach((c, j) => {
    for (let q = 0; q < dim; q++) ct[q * t + j] = data[c * dim + q];
  });
  const prod = tf.tidy(() => tf.matMul(p.tensor, tf.tensor2d(ct, [dim, t])));
  const xc = prod.dataSync() as Float32Array;
  prod.dispose();
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < t; j++) xc[i * t + j] = Math.max(0, sqNorms[i] + sqNorms[cands[j]] - 2 * xc[i * t + j]);
  }
  return xc;
}

/** First index i with cum[i] > r (cum non-decreasing, r < cum[n−1]); skips zero-weight points. */
function searchCumulative(cum: Float64Array, r: number): number {
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cum[mid] > r) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function rowSqNorms(data: Float32Array, n: number, dim: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += data[i * dim + j] * data[i * dim + j];
    out[i] = s;
  }
  return out;
}

/** Copy of `data` with every row scaled to unit l2 norm (zero rows stay zero). */
export function l2NormalizeRows(data: Float32Array, n: number, dim: number): Float32Array {
  const out = new Float32Array(data);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += out[i * dim + j] ** 2;
    if (s > 0) {
      const inv = 1 / Math.sqrt(s);
      for (let j = 0; j < dim; j++) out[i * dim + j] *= inv;
    }
  }
  return out;
}
