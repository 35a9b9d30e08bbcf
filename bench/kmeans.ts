/**
 * k-means benchmark: ours (tfjs, active backend) vs ml-kmeans v7 on the same seeded Gaussian blobs
 * (default 10,000 × 64, k = 256, 20 Lloyd iterations, one init), plus the centroid-update choice (typed-array
 * segment sums vs a one-hot matmul) and the HC indexer on 4,000 × 64, k = 32, depth 2.
 * Run: `npx tsx bench/kmeans.ts [--quick]`; writes bench/results/kmeans.json.
 */
import * as tf from '@tensorflow/tfjs';
import { describeBackend, initBackend } from '../src/backend';
import type { DenseMatrix } from '../src/embeddings/types';
import { hcIndex } from '../src/quantize/hierarchical';
import { kmeans } from '../src/quantize/kmeans';
import { Rng } from '../src/rng';
import { runBench, writeBenchJson } from './bench-io';

/** Seeded Gaussian blobs: `centers` random centres (spread `scale`), unit-variance points around them. */
function blobs(n: number, dim: number, centers: number, seed: number, scale = 4): DenseMatrix {
  const rng = new Rng(seed);
  const mu = Float32Array.from({ length: centers * dim }, () => scale * rng.normal());
  const data = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const c = rng.int(centers);
    for (let j = 0; j < dim; j++) data[i * dim + j] = mu[c * dim + j] + rng.normal();
  }
  return { data, n, dim };
}

function time<T>(f: () => T): [T, number] {
  const t0 = performance.now();
  const r = f();
  return [r, (performance.now() - t0) / 1000];
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const info = await initBackend({ quiet: true });
  const n = quick ? 2000 : 10000;
  const dim = 64;
  const k = quick ? 64 : 256;
  const iters = 20;
  // Heavily overlapping blobs so Lloyd does not converge before the 20 iterations (both implementations run 20).
  const x = blobs(n, dim, k, 1, 0.25);
  const cfg = { maxIters: iters, tol: 0, nInit: 1, spherical: false };
  kmeans(blobs(500, dim, 8, 2), 8, cfg, new Rng(0)); // warm-up (wasm kernels, allocator)

  const [ours, oursS] = time(() => kmeans(x, k, cfg, new Rng(7)));
  const [, initS] = time(() => kmeans(x, k, { ...cfg, maxIters: 0 }, new Rng(7)));
  const [, classicS] = time(() => kmeans(x, k, cfg, new Rng(7), { initTrials: 1 }));
  console.log(`ours: ${oursS.toFixed(2)} s (k-means++ init ${initS.toFixed(2)} s, ${ours.iterations} iterations, inertia ${ours.inertia.toFixed(0)}); classic k-means++ init: ${classicS.toFixed(2)} s total`);

  // Centroid update: typed-array segment sums vs one-hot matmul, same assignments.
  const labels = ours.assignments;
  const [, segS] = time(() => {
    for (let r = 0; r < 5; r++) {
      const sums = new Float64Array(k * dim);
      for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) sums[labels[i] * dim + j] += x.data[i * dim + j];
    }
  });
  const xt = tf.tensor2d(x.data, [n, dim]);
  const [, ohS] = time(() => {
    for (let r = 0; r < 5; r++) {
      const s = tf.tidy(() => tf.matMul(tf.transpose(tf.oneHot(tf.tensor1d(labels, 'int32'), k)), xt));
      s.dataSync();
      s.dispose();
    }
  });
  xt.dispose();
  console.log(`centroid update per iteration: segment sums ${(segS / 5 * 1000).toFixed(1)} ms, one-hot matmul ${(ohS / 5 * 1000).toFixed(1)} ms`);

  // ml-kmeans is ESM-only; its types do not resolve under this project's CommonJS settings.
  type MlKmeans = (d: number[][], k: number, o: object) => { clusters: number[]; centroids: number[][]; iterations: number };
  const { kmeans: mlKmeans } = (await import('ml-kmeans' as string)) as { kmeans: MlKmeans };
  const rows = Array.from({ length: n }, (_, i) => Array.from(x.data.subarray(i * dim, (i + 1) * dim)));
  const [ml, mlS] = time(() => mlKmeans(rows, k, { maxIterations: iters, tolerance: 0, seed: 7, initialization: 'kmeans++' }));
  let mlInertia = 0;
  ml.clusters.forEach((c: number, i: number) => {
    for (let j = 0; j < dim; j++) mlInertia += (rows[i][j] - ml.centroids[c][j]) ** 2;
  });
  console.log(`ml-kmeans 7: ${mlS.toFixed(2)} s (${ml.iterations} iterations, inertia ${mlInertia.toFixed(0)})`);

  const hx = blobs(4000, 64, 64, 3);
  const [hc, hcS] = time(() => hcIndex(hx, { k: 32, depth: 2, collisionPosition: true }, { maxIters: 20, tol: 1e-3, nInit: 1, spherical: false }, new Rng(5)));
  console.log(`HC 4000×64, k=32, depth 2 (+collision): ${hcS.toFixed(2)} s, codebook sizes ${hc.codebookSizes.join('/')}`);

  const out = {
    backend: describeBackend(info),
    data: { n, dim, k, iters, blobs: k, blobSpread: 0.25 },
    ours: { seconds: oursS, initSeconds: initS, classicInitSeconds: classicS, iterations: ours.iterations, inertia: ours.inertia },
    mlKmeans: { version: '7.0.1', seconds: mlS, iterations: ml.iterations, inertia: mlInertia },
    speedup: mlS / oursS,
    centroidUpdateMs: { segmentSums: (segS / 5) * 1000, oneHotMatmul: (ohS / 5) * 1000 },
    hc: { n: 4000, dim: 64, k: 32, depth: 2, seconds: hcS, codebookSizes: hc.codebookSizes },
    date: new Date().toISOString(),
  };
  const file = writeBenchJson('kmeans', out);
  console.log(`wrote ${file}`);
}

runBench(module, main);
