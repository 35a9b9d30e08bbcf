import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend';
import { wasmKernels } from '../../src/nn/kernels/wasm-kernels';
import { selfAttention } from '../../src/nn/attention';
import { dropout } from '../../src/nn/dropout';
import { t5LayerNorm } from '../../src/nn/layer-norm';
import { lmHeadCrossEntropy } from '../../src/nn/loss';
import { batchMatMul, linear } from '../../src/nn/ops';
import { Rng } from '../../src/rng';
import { AdamW } from '../../src/train/adamw';

function naive(a: Float32Array, b: Float32Array, G: number, M: number, K: number, N: number, transposeA: boolean): Float64Array {
  const c = new Float64Array(G * M * N);
  for (let g = 0; g < G; g++) for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) {
    let s = 0;
    for (let k = 0; k < K; k++) s += a[g * M * K + (transposeA ? k * M + i : i * K + k)] * b[(g * K + k) * N + j];
    c[(g * M + i) * N + j] = s;
  }
  return c;
}

const rand = (n: number, rng: Rng) => Float32Array.from({ length: n }, () => rng.normal());
const maxDiff = (x: tf.Tensor, y: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(x, y))).dataSync()[0]);
const maxAbs = (x: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(x)).dataSync()[0]);

/** Run `f` with LMI_SIMD_BMM=0 (tfjs' own kernels): the reference for the kernel paths. */
function withTfjsKernels<T>(f: () => T): T {
  const before = process.env.LMI_SIMD_BMM;
  process.env.LMI_SIMD_BMM = '0';
  try {
    return f();
  } finally {
    if (before === undefined) delete process.env.LMI_SIMD_BMM;
    else process.env.LMI_SIMD_BMM = before;
  }
}

test('wasm kernels: products (A·B and Aᵀ·B, batched or not) equal a float64 product on aligned and ragged shapes', async () => {
  await initBackend({ backend: 'wasm', quiet: true });
  const k = wasmKernels();
  assert.ok(k, 'the committed kernels load into the wasm backend in Node 20');
  const rng = new Rng(3);
  const before = tf.memory().numTensors;
  // K = 600 crosses the 256-step K blocks; N = 11, 20 exercise the column tails, M = 5, 13 the row tails.
  for (const [G, M, K, N] of [[2, 8, 16, 16], [3, 5, 7, 11], [1, 4, 1, 8], [4, 13, 32, 20], [2, 64, 32, 64], [1, 9, 600, 24]]) {
    for (const transposeA of [false, true]) {
      const a = rand(G * M * K, rng), b = rand(G * K * N, rng);
      const ta = tf.tensor3d(a, transposeA ? [G, K, M] : [G, M, K]), tb = tf.tensor3d(b, [G, K, N]);
      const got: tf.Tensor3D = k.matMul(ta, tb, transposeA);
      assert.deepEqual(got.shape, [G, M, N]);
      const c = got.dataSync(), want = naive(a, b, G, M, K, N, transposeA);
      let err = 0;
      // Error relative to the scale of a sum of K products of unit normals (√K).
      for (let i = 0; i < want.length; i++) err = Math.max(err, Math.abs(c[i] - want[i]) / Math.sqrt(K));
      assert.ok(err < 1e-5, `[${G},${M},${K}]·[${G},${K},${N}] transposeA=${transposeA}: relative error ${err}`);
      tf.dispose([ta, tb, got]);
    }
  }
  const a2 = tf.tensor2d(rand(6 * 4, rng), [6, 4]), b2 = tf.tensor2d(rand(4 * 9, rng), [4, 9]);
  assert.ok(tf.tidy(() => maxDiff(k.matMul(a2, b2), tf.matMul(a2, b2))) < 1e-5, 'rank 2');
  assert.equal(tf.tidy(() => maxAbs(k.matMul(tf.zeros([3, 0]) as tf.Tensor2D, tf.zeros([0, 2]) as tf.Tensor2D))), 0, 'K = 0 gives zeros');
  assert.throws(() => k.matMul(a2, a2), /cannot multiply/);
  tf.dispose([a2, b2]);
  assert.equal(tf.memory().numTensors, before, 'no tensors leak from the kernel calls');
  assert.equal(typeof k.fma, 'boolean');
});

test('linear and batchMatMul on the kernels give the same values and gradients as tfjs matMul', async () => {
  await initBackend({ backend: 'wasm', quiet: true });
  const rng = new Rng(5);
  const a = tf.tensor3d(rand(6 * 9 * 12, rng), [6, 9, 12]), b = tf.tensor3d(rand(6 * 12 * 10, rng), [6, 12, 10]);
  const w3 = tf.tensor3d(rand(6 * 9 * 10, rng), [6, 9, 10]);
  const loss3 = (x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(batchMatMul(x as tf.Tensor3D, y as tf.Tensor3D), w3));
  const [ga, gb] = tf.grads(loss3)([a, b]);
  const [ra, rb] = withTfjsKernels(() => tf.grads(loss3)([a, b]));
  assert.ok(maxDiff(ga, ra) < 1e-4 && maxDiff(gb, rb) < 1e-4, 'batchMatMul gradients');
  const x = tf.tensor2d(rand(37 * 24, rng), [37, 24]), w = tf.tensor2d(rand(24 * 19, rng), [24, 19]);
  const wOut = tf.tensor2d(rand(37 * 19, rng), [37, 19]);
  const lossL = (p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.mul(linear(p, q as tf.Tensor2D), wOut));
  const [gx, gw] = tf.grads(lossL)([x, w]);
  const [rx, rw] = withTfjsKernels(() => tf.grads(lossL)([x, w]));
  assert.ok(maxDiff(linear(x, w), tf.matMul(x, w)) < 1e-4, 'linear value');
  assert.ok(maxDiff(gx, rx) < 1e-4 && maxDiff(gw, rw) < 1e-4, 'linear gradients');
  tf.dispose([a, b, w3, ga, gb, ra, rb, x, w, wOut, gx, gw, rx, rw]);
});

test('the fused LM-head kernel gives the loss and gradients of the unfused ops (ragged vocabulary, chunk tails)', async () => {
  await initBackend({ backend: 'wasm', quiet: true });
  const rng = new Rng(9);
  // 150 rows = 2 chunks of 64 + a tail of 22; vocabulary 1,003 is not a multiple of 4 or 8; d 20 not of 8.
  const n = 150, d = 20, vocab = 1003;
  const h = tf.tensor2d(rand(n * d, rng), [n, d]), w = tf.tensor2d(rand(d * vocab, rng).map((v) => 0.5 * v), [d, vocab]);
  const targets = Array.from({ length: n }, (_, i) => (i * 7919 + 3) % vocab);
  targets[0] = vocab - 1;
  const f = (x: tf.Tensor, y: tf.Tensor) => lmHeadCrossEntropy(x as tf.Tensor2D, y as tf.Tensor2D, targets);
  const got = tf.valueAndGrads(f)([h, w]);
  const want = withTfjsKernels(() => tf.valueAndGrads(f)([h, w]));
  const lg = got.value.dataSync()[0], lw = want.value.dataSync()[0];
  assert.ok(Math.abs(lg - lw) < 1e-5 * Math.abs(lw), `loss ${lg} vs ${lw}`);
  for (const i of [0, 1]) {
    const rel = maxDiff(got.grads[i], want.grads[i]) / maxAbs(want.grads[i]);
    assert.ok(rel < 1e-5, `gradient ${i}: relative error ${rel}`);
  }
  // Without a tape, only the loss is computed (same value).
  const plain = f(h, w);
  assert.ok(Math.abs(plain.dataSync()[0] - lg) < 1e-6 * Math.abs(lg));
  tf.dispose([h, w, got.value, ...got.grads, want.value, ...want.grads, plain]);
});

test('the fused AdamW kernel updates parameters and moments exactly as the unfused tfjs ops', async () => {
  await initBackend({ backend: 'wasm', quiet: true });
  const run = (): Float32Array[] => {
    const rng = new Rng(11);
    // 7 and 130 elements: SIMD body plus scalar tail; weight decay on one parameter only.
    const [w, b] = tf.tidy(() => [tf.variable(tf.tensor(rand(130, rng), [10, 13])), tf.variable(tf.tensor(rand(7, rng)))]);
    const params = new Map([['w', w], ['b', b]]);
    const opt = new AdamW({ beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.01 });
    for (let step = 0; step < 3; step++) {
      const grads = new Map([...params].map(([n, p]) => [n, tf.tensor(rand(p.size, rng), p.shape)] as [string, tf.Tensor]));
      opt.apply(params, grads, 1e-2, (n) => n === 'w', step === 1 ? 0.5 : 1);
      tf.dispose([...grads.values()]);
    }
    const out = [...params.values(), ...[...opt.moments.values()].flatMap((s) => [s.m, s.v])].map((t) => t.dataSync() as Float32Array);
    tf.dispose([...params.values()]);
    opt.dispose();
    return out;
  };
  const before = tf.memory().numTensors;
  const fused = run();
  const reference = withTfjsKernels(run);
  assert.equal(tf.memory().numTensors, before, 'no tensors leak');
  fused.forEach((f, i) => {
    let err = 0;
    for (let j = 0; j < f.length; j++) err = Math.max(err, Math.abs(f[j] - reference[i][j]) / (1e-6 + Math.abs(reference[i][j])));
    assert.ok(err < 1e-6, `tensor ${i}: relative difference ${err}`);
  });
});

test('the fused layer-norm kernel gives the value and gradients of the unfused ops', async () => {
  await initBackend({ backend: 'wasm', quiet: true });
  const rng = new Rng(13);
  // d = 22: SIMD body plus scalar tail; rank 3 input.
  const x = tf.tensor3d(rand(3 * 5 * 22, rng), [3, 5, 22]), w = tf.tensor1d(rand(22, rng));
  const probe = tf.tensor3d(rand(3 * 5 * 22, rng), [3, 5, 22]);
  const f = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(t5LayerNorm(a, b as tf.Tensor1D), probe));
  const got = tf.valueAndGrads(f)([x, w]);
  const want = withTfjsKernels(() => tf.valueAndGrads(f)([x, w]));
  assert.ok(tf.tidy(() => maxDiff(t5LayerNorm(x, w), withTfjsKernels(() => t5LayerNorm(x, w)))) < 1e-5, 'value');
  for (const i of [0, 1]) {
    const rel = maxDiff(got.grads[i], want.grads[i]) / maxAbs(want.grads[i]);
    assert.ok(rel < 1e-5, `gradient ${i}: relative error ${rel}`);
  }
  tf.dispose([x, w, probe, got.value, ...got.grads, want.value, ...want.grads]);
});

test('the dropout-mask kernel draws the same mask as the JS fallback for a seed', async () => {
  await initBackend({ backend: 'wasm', quiet: true });
  const x = tf.ones([3, 7, 11]); // odd size: the last draw fills one entry
  const got = dropout(x, 0.3, new Rng(21));
  const want = withTfjsKernels(() => dropout(x, 0.3, new Rng(21)));
  const g = got.dataSync(), w = want.dataSync();
  assert.deepEqual(Array.from(g), Array.from(w));
  const dropped = g.filter((v) => v === 0).length / g.length;
  assert.ok(dropped > 0.15 && dropped < 0.45, `dropped ${dropped}`);
  assert.ok(g.every((v) => v === 0 || Math.abs(v - 1 / 0.7) < 1e-6));
  tf.dispose([x, got, want]);
});

test('the fused attention core gives the values and gradients (q, k, v, o, bias) of the unfused ops, with dropout', async () => {
  await initBackend({ backend: 'wasm', quiet: true });
  const rng = new Rng(17);
  // B 3, L 7, 2 heads × 5: ragged for the 4 × 8 tile; bias [1, H, L, L] (position-like) + [B, 1, 1, L] (padding).
  const B = 3, L = 7, H = 2, dk = 5, d = 12;
  const x = tf.tensor3d(rand(B * L * d, rng), [B, L, d]);
  const w = [0, 1, 2, 3].map(() => tf.tensor2d(rand(d * H * dk, rng).map((v) => 0.4 * v), [d, H * dk]));
  const wo = tf.tensor2d(rand(H * dk * d, rng), [H * dk, d]);
  const pos = tf.tensor4d(rand(H * L * L, rng), [1, H, L, L]);
  const pad = tf.tensor4d(Float32Array.from({ length: B * L }, (_, i) => (i % L === L - 1 && i < L ? -1e9 : 0)), [B, 1, 1, L]);
  const probe = tf.tensor3d(rand(B * L * d, rng), [B, L, d]);
  for (const rate of [0, 0.25]) {
    const f = (xx: tf.Tensor, q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, o: tf.Tensor, pb: tf.Tensor) => {
      const out = selfAttention(xx as tf.Tensor3D, { q: q as tf.Tensor2D, k: k as tf.Tensor2D, v: v as tf.Tensor2D, o: o as tf.Tensor2D }, { numHeads: H, dKv: dk }, tf.add(pb, pad), rate, new Rng(99)).out;
      return tf.sum(tf.mul(out, probe));
    };
    const inputs = [x, w[0], w[1], w[2], wo, pos];
    const got = tf.valueAndGrads(f as (...a: tf.Tensor[]) => tf.Scalar)(inputs);
    const want = withTfjsKernels(() => tf.valueAndGrads(f as (...a: tf.Tensor[]) => tf.Scalar)(inputs));
    const lg = got.value.dataSync()[0], lw = want.value.dataSync()[0];
    assert.ok(Math.abs(lg - lw) < 1e-4 * (1 + Math.abs(lw)), `rate ${rate}: value ${lg} vs ${lw}`);
    got.grads.forEach((g, i) => {
      const rel = maxDiff(g, want.grads[i]) / maxAbs(want.grads[i]);
      assert.ok(rel < 1e-4, `rate ${rate}: gradient ${i}: relative error ${rel}`);
    });
    tf.dispose([got.value, ...got.grads, want.value, ...want.grads]);
  }
  tf.dispose([x, ...w, wo, pos, pad, probe]);
});

test('the committed kernels are what scripts/build-kernels.sh builds from the C sources (where clang is installed)', (t) => {
  if (spawnSync('clang', ['--version']).status !== 0) return t.skip('clang not installed (apt-get install clang lld llvm)');
  if (spawnSync('llvm-objdump-14', ['--version']).status !== 0) return t.skip('llvm-objdump-14 not installed');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lmi-kern-'));
  const r = spawnSync('bash', [path.join(__dirname, '../../scripts/build-kernels.sh'), dir], { encoding: 'utf8' });
  if (r.status !== 0 && /wasm32|wasm-ld/.test(r.stderr)) return t.skip(`clang cannot target wasm32 here: ${r.stderr.split('\n')[0]}`);
  assert.equal(r.status, 0, r.stderr);
  const src = path.join(__dirname, '../../src/nn/kernels');
  for (const f of ['kernels.wasm', 'kernels-fma.wasm']) {
    assert.deepEqual(fs.readFileSync(path.join(dir, f)), fs.readFileSync(path.join(src, f)), `rebuild ${f} with scripts/build-kernels.sh and commit it`);
  }
});
