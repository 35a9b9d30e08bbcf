import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend';
import { batchMatMulSimd, simdKernel } from '../../src/nn/kernels/bmm';
import { batchMatMul, productFreshB } from '../../src/nn/ops';
import { Rng } from '../../src/rng';

function naive(a: Float32Array, b: Float32Array, G: number, M: number, K: number, N: number): Float64Array {
  const c = new Float64Array(G * M * N);
  for (let g = 0; g < G; g++) for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) {
    let s = 0;
    for (let k = 0; k < K; k++) s += a[(g * M + i) * K + k] * b[(g * K + k) * N + j];
    c[(g * M + i) * N + j] = s;
  }
  return c;
}

const rand = (n: number, rng: Rng) => Float32Array.from({ length: n }, () => rng.normal());

test('SIMD batched product equals a naive product on tile-aligned and ragged shapes', () => {
  assert.ok(simdKernel(), 'the committed bmm.wasm loads in Node 20');
  const rng = new Rng(3);
  for (const [G, M, K, N] of [[2, 8, 16, 16], [3, 5, 7, 11], [1, 4, 1, 8], [4, 13, 32, 20], [2, 64, 32, 64]]) {
    const a = rand(G * M * K, rng), b = rand(G * K * N, rng);
    const got = batchMatMulSimd(a, b, G, M, K, N), want = naive(a, b, G, M, K, N);
    let err = 0;
    for (let i = 0; i < want.length; i++) err = Math.max(err, Math.abs(got[i] - want[i]));
    assert.ok(err < 1e-4, `[${G},${M},${K}]·[${G},${K},${N}]: max error ${err}`);
  }
  assert.throws(() => batchMatMulSimd(new Float32Array(3), new Float32Array(4), 1, 2, 2, 2), /operand sizes/);
});

test('batchMatMul (SIMD on wasm) gives the same value and gradients as tfjs matMul', async () => {
  await initBackend({ quiet: true });
  const rng = new Rng(5);
  const a = tf.tensor3d(rand(6 * 9 * 12, rng), [6, 9, 12]), b = tf.tensor3d(rand(6 * 12 * 10, rng), [6, 12, 10]);
  const w = tf.tensor3d(rand(6 * 9 * 10, rng), [6, 9, 10]);
  const loss = (f: (x: tf.Tensor3D, y: tf.Tensor3D) => tf.Tensor3D) => (x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(f(x as tf.Tensor3D, y as tf.Tensor3D), w));
  const [ga, gb] = tf.grads(loss(batchMatMul))([a, b]);
  const [ra, rb] = tf.grads(loss((x, y) => tf.matMul(x, y)))([a, b]);
  const maxDiff = (x: tf.Tensor, y: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(x, y))).dataSync()[0]);
  assert.ok(maxDiff(batchMatMul(a, b), tf.matMul(a, b)) < 1e-4);
  assert.ok(maxDiff(ga, ra) < 1e-4, 'gradient wrt a');
  assert.ok(maxDiff(gb, rb) < 1e-4, 'gradient wrt b');
  tf.dispose([a, b, w, ga, gb, ra, rb]);
});

test('productFreshB (the LM-head weight gradient product) equals tfjs matMul', async () => {
  await initBackend({ quiet: true });
  const rng = new Rng(9);
  const a = tf.tensor2d(rand(13 * 40, rng), [13, 40]), b = tf.tensor2d(rand(40 * 301, rng), [40, 301]);
  const d = tf.tidy(() => tf.max(tf.abs(tf.sub(productFreshB(a, b), tf.matMul(a, b)))).dataSync()[0]);
  assert.ok(d < 1e-4, `max difference ${d}`);
  tf.dispose([a, b]);
});

test('the committed bmm.wasm is what scripts/build-kernels.sh builds from bmm.c (where clang is installed)', (t) => {
  if (spawnSync('clang', ['--version']).status !== 0) return t.skip('clang not installed (apt-get install clang lld)');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lmi-kern-'));
  const src = path.join(__dirname, '../../src/nn/kernels');
  const out = path.join(dir, 'bmm.wasm');
  const r = spawnSync('clang', ['--target=wasm32', '-O3', '-msimd128', '-mbulk-memory', '-nostdlib', '-Wl,--no-entry', '-Wl,--export=__heap_base', '-o', out, path.join(src, 'bmm.c')], { encoding: 'utf8' });
  if (r.status !== 0) return t.skip(`clang cannot target wasm32 here: ${r.stderr.split('\n')[0]}`);
  assert.deepEqual(fs.readFileSync(out), fs.readFileSync(path.join(src, 'bmm.wasm')), 'rebuild with scripts/build-kernels.sh and commit bmm.wasm');
});
