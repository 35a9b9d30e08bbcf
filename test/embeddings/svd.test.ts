import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend';
import { orthonormalBasis, symmetricEigen } from '../../src/embeddings/dense';
import { tfidfSvdEmbeddings } from '../../src/embeddings/index';
import { denseToCsr } from '../../src/embeddings/sparse';
import { projectSvd, randomizedSvd } from '../../src/embeddings/svd';
import { Rng } from '../../src/rng';
import fixture from '../reference/svd/fixture.json';

const a = denseToCsr(fixture.data, fixture.n, fixture.m);
before(async () => {
  await initBackend({ quiet: true });
});

const relErr = (x: number, y: number) => Math.abs(x - y) / Math.abs(y);

test('orthonormalBasis gives orthonormal columns spanning the input, also when rank-deficient', () => {
  const rng = new Rng(3);
  const n = 30;
  const l = 6;
  const y = new Float64Array(n * l);
  for (let i = 0; i < n; i++) for (let j = 0; j < l; j++) y[i * l + j] = j === 5 ? y[i * l] * 2 : rng.normal();
  const q = orthonormalBasis(y, n, l);
  for (let c = 0; c < l; c++) {
    for (let d = 0; d < l; d++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += q[i * l + c] * q[i * l + d];
      assert.ok(Math.abs(s - (c === d ? 1 : 0)) < 1e-12, `QᵀQ[${c},${d}] = ${s}`);
    }
  }
  // Y = Q (QᵀY): the projection onto span(Q) leaves Y unchanged.
  for (let j = 0; j < l; j++) {
    const coef = new Float64Array(l);
    for (let c = 0; c < l; c++) for (let i = 0; i < n; i++) coef[c] += q[i * l + c] * y[i * l + j];
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let c = 0; c < l; c++) s += q[i * l + c] * coef[c];
      assert.ok(Math.abs(s - y[i * l + j]) < 1e-10);
    }
  }
});

test('symmetricEigen: A v = λ v, eigenvalues descending', () => {
  const rng = new Rng(5);
  const l = 7;
  const m = new Float64Array(l * l);
  for (let i = 0; i < l; i++) for (let j = 0; j <= i; j++) m[i * l + j] = m[j * l + i] = rng.normal();
  const { values, vectors } = symmetricEigen(m, l);
  for (let c = 0; c < l; c++) {
    if (c > 0) assert.ok(values[c] <= values[c - 1]);
    for (let i = 0; i < l; i++) {
      let s = 0;
      for (let k = 0; k < l; k++) s += m[i * l + k] * vectors[k * l + c];
      assert.ok(Math.abs(s - values[c] * vectors[i * l + c]) < 1e-10);
    }
  }
});

test('randomised SVD singular values match numpy np.linalg.svd to 1e-3 relative', () => {
  const dim = 5;
  const r = randomizedSvd(a, dim, 5, new Rng(11));
  for (let c = 0; c < dim; c++) assert.ok(relErr(r.singularValues[c], fixture.singularValues[c]) < 1e-3, `σ${c} ${r.singularValues[c]} vs ${fixture.singularValues[c]}`);
  // With l = min(n, m) the range is captured exactly: every requested value to 1e-6.
  const full = randomizedSvd(a, 20, 1, new Rng(12));
  for (let c = 0; c < 20; c++) assert.ok(relErr(full.singularValues[c], fixture.singularValues[c]) < 1e-6, `full σ${c}`);
});

test('embeddings are U·Σ: column norms equal σ, columns orthogonal, projectSvd(train) reproduces them', () => {
  const dim = 5;
  const r = randomizedSvd(a, dim, 5, new Rng(11));
  const e = r.embeddings;
  assert.equal(e.n, fixture.n);
  assert.equal(e.dim, dim);
  for (let c = 0; c < dim; c++) {
    for (let d = 0; d < dim; d++) {
      let s = 0;
      for (let i = 0; i < e.n; i++) s += e.data[i * dim + c] * e.data[i * dim + d];
      const want = c === d ? r.singularValues[c] ** 2 : 0;
      assert.ok(Math.abs(s - want) < 1e-3 * r.singularValues[0] ** 2, `gram[${c},${d}]`);
    }
  }
  const p = projectSvd(r, a);
  for (let i = 0; i < e.data.length; i++) assert.ok(Math.abs(p.data[i] - e.data[i]) < 2e-3 * r.singularValues[0]);
  const evr = r.explainedVarianceRatio.reduce((s, v) => s + v, 0);
  assert.ok(evr > 0 && evr <= 1, `explained variance ratio sum ${evr}`);
});

test('deterministic for a seed; dim above min(n, m) is a clear error', () => {
  const x = randomizedSvd(a, 4, 3, new Rng(9)).embeddings.data;
  const y = randomizedSvd(a, 4, 3, new Rng(9)).embeddings.data;
  assert.deepEqual(x, y);
  assert.throws(() => randomizedSvd(a, 26, 3, new Rng(9)), /svdDim 26 exceeds min\(rows, columns\) = min\(40, 25\)/);
});

test('tfidfSvdEmbeddings: n × svdDim float32 rows', () => {
  const rng = new Rng(2);
  const topics = [['cell', 'gene', 'protein', 'dna'], ['stock', 'market', 'bank', 'trade'], ['goal', 'match', 'team', 'score']];
  const texts = Array.from({ length: 60 }, (_, i) => Array.from({ length: 12 }, () => topics[i % 3][rng.int(4)]).join(' '));
  const e = tfidfSvdEmbeddings(texts, { maxFeatures: 100, minDf: 1, sublinearTf: true, svdDim: 3, svdIters: 4 }, new Rng(1));
  assert.equal(e.n, 60);
  assert.equal(e.dim, 3);
  assert.ok(e.data instanceof Float32Array && e.data.length === 180);
  assert.equal(e.tfidf.vocab.length, 12);
});

test('rank-deficient input (Cholesky fallback to Householder) still gives the right spectrum; no tensors leak', () => {
  // 30 × 12 of rank 3: l = min(30, 12) = 12 > rank, so the power-iteration basis is singular.
  const rng = new Rng(8);
  const n = 30;
  const m = 12;
  const u = Array.from({ length: n * 3 }, () => rng.normal());
  const v = Array.from({ length: 3 * m }, () => rng.normal());
  const d = new Float64Array(n * m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) for (let k = 0; k < 3; k++) d[i * m + j] += u[i * 3 + k] * v[k * m + j] * (3 - k);
  const before = tf.memory().numTensors;
  const r = randomizedSvd(denseToCsr(d, n, m), 3, 2, new Rng(1));
  assert.equal(tf.memory().numTensors, before);
  const exact = randomizedSvd(denseToCsr(d, n, m), 3, 6, new Rng(2));
  for (let c = 0; c < 3; c++) assert.ok(relErr(r.singularValues[c], exact.singularValues[c]) < 1e-4);
  const more = randomizedSvd(denseToCsr(d, n, m), 5, 2, new Rng(1));
  assert.ok(more.singularValues[4] < 1e-3 * more.singularValues[0], `σ5 of a rank-3 matrix: ${more.singularValues[4]}`);
});
