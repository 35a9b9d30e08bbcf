/** Test helper: seeded Gaussian blobs with known labels, and a purity check (no dependency on src/eval). */
import type { DenseMatrix } from '../../src/embeddings/types';
import { Rng } from '../../src/rng';

/** `n` points around `centers` random centres (spread `scale`, unit noise); labels = generating centre. */
export function blobs(n: number, dim: number, centers: number, seed: number, scale = 10): DenseMatrix & { labels: Int32Array } {
  const rng = new Rng(seed);
  const mu = Float32Array.from({ length: centers * dim }, () => scale * rng.normal());
  const data = new Float32Array(n * dim);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % centers;
    labels[i] = c;
    for (let j = 0; j < dim; j++) data[i * dim + j] = mu[c * dim + j] + rng.normal();
  }
  return { data, n, dim, labels };
}

/** Fraction of points whose cluster's majority label equals their own label (contingency-table purity). */
export function purity(pred: ArrayLike<number>, truth: ArrayLike<number>): number {
  const table = new Map<number, Map<number, number>>();
  for (let i = 0; i < pred.length; i++) {
    const row = table.get(pred[i]) ?? new Map<number, number>();
    row.set(truth[i], (row.get(truth[i]) ?? 0) + 1);
    table.set(pred[i], row);
  }
  let hit = 0;
  for (const row of table.values()) hit += Math.max(...row.values());
  return hit / pred.length;
}
