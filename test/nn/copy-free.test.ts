/** The wasm backend's copy-free Identity / Slice / SplitV (src/nn/kernels/copy-free.ts) and the embedding's heap path. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend';
import { gatherRows } from '../../src/nn/embedding';
import { broadcastInto } from '../../src/nn/kernels/broadcast-grads';
import { Rng } from '../../src/rng';

/** Reference slice of a row-major array (any rank) computed index by index. */
function refSlice(vals: ArrayLike<number>, shape: number[], begin: number[], size: number[]): number[] {
  const strides = shape.map((_, a) => shape.slice(a + 1).reduce((x, y) => x * y, 1));
  const out: number[] = [];
  const n = size.reduce((x, y) => x * y, 1);
  for (let f = 0; f < n; f++) {
    let rem = f;
    let src = 0;
    for (let a = shape.length - 1; a >= 0; a--) {
      src += (begin[a] + (rem % size[a])) * strides[a];
      rem = Math.floor(rem / size[a]);
    }
    out.push(vals[src]);
  }
  return out;
}

/** Count the backend's readSync calls (copies of a tensor out of the wasm heap) while `f` runs. */
function readsDuring(f: () => void): number {
  const be = tf.backend() as unknown as { readSync: (...a: unknown[]) => unknown };
  const orig = be.readSync;
  let n = 0;
  be.readSync = (...a: unknown[]) => {
    n++;
    return orig.apply(be, a);
  };
  try {
    f();
  } finally {
    be.readSync = orig;
  }
  return n;
}

test('wasm Slice / SplitV: any rank, contiguous or strided, float32 / int32 / bool, equal an index-by-index slice, without copying the input out of the heap', async (t) => {
  await initBackend({ quiet: true });
  if (tf.getBackend() !== 'wasm') return t.skip('wasm backend only');
  const rng = new Rng(7);
  for (let trial = 0; trial < 60; trial++) {
    const rank = 1 + (trial % 5);
    const shape = Array.from({ length: rank }, () => 1 + rng.int(5));
    const begin = shape.map((s) => rng.int(s));
    const size = shape.map((s, a) => (rng.next() < 0.2 ? -1 : 1 + rng.int(s - begin[a])));
    const full = size.map((s, a) => (s === -1 ? shape[a] - begin[a] : s));
    const dtype = (['float32', 'int32', 'bool'] as const)[trial % 3];
    const n = shape.reduce((x, y) => x * y, 1);
    const vals = Array.from({ length: n }, () => (dtype === 'bool' ? rng.int(2) : dtype === 'int32' ? rng.int(1000) - 500 : rng.normal()));
    const x = tf.tensor(dtype === 'float32' ? Float32Array.from(vals) : dtype === 'int32' ? Int32Array.from(vals) : Uint8Array.from(vals), shape, dtype);
    let y: tf.Tensor | undefined;
    const reads = readsDuring(() => {
      y = tf.slice(x, begin, size);
    });
    assert.equal(reads, 0, 'Slice read its input out of the heap');
    assert.deepEqual(y!.shape, full);
    const want = refSlice(dtype === 'float32' ? Float32Array.from(vals) : vals, shape, begin, full);
    assert.deepEqual(Array.from(y!.dataSync()), want, `slice ${dtype} [${shape}] begin [${begin}] size [${size}]`);
    // SplitV along a random axis into 1–3 parts.
    const axis = rng.int(rank);
    const parts: number[] = [];
    for (let left = shape[axis]; left > 0;) {
      const p = parts.length === 2 ? left : 1 + rng.int(left);
      parts.push(p);
      left -= p;
    }
    let outs: tf.Tensor[] = [];
    assert.equal(readsDuring(() => {
      outs = tf.split(x, parts, axis);
    }), 0, 'SplitV read its input out of the heap');
    let at = 0;
    outs.forEach((o, i) => {
      const b = shape.map((_, a) => (a === axis ? at : 0));
      const s = shape.map((d, a) => (a === axis ? parts[i] : d));
      assert.deepEqual(Array.from(o.dataSync()), refSlice(dtype === 'float32' ? Float32Array.from(vals) : vals, shape, b, s), `split part ${i}`);
      at += parts[i];
    });
    tf.dispose([x, y!, ...outs]);
  }
});

test('wasm Identity shares the data (a gradient saving a tensor copies nothing) and slices of a gradient are right', async (t) => {
  await initBackend({ quiet: true });
  if (tf.getBackend() !== 'wasm') return t.skip('wasm backend only');
  const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
  const c = tf.clone(x);
  assert.equal(c.dataId, x.dataId, 'clone copied the data');
  x.dispose();
  assert.deepEqual(Array.from(c.dataSync()), [1, 2, 3, 4, 5, 6], 'the shared data outlives the first tensor');
  // Gradient through split: the pieces' gradients land in the right columns.
  const g = tf.grad((v: tf.Tensor) => {
    const [a, b] = tf.split(v, [1, 2], 1);
    return tf.add(tf.sum(tf.mul(a, 2)), tf.sum(tf.mul(b, 3)));
  })(c);
  assert.deepEqual(Array.from(g.dataSync()), [2, 3, 3, 2, 3, 3]);
  tf.dispose([c, g]);
});

test('gatherRows on wasm: forward and gradient run in the heap (no copy of the table out of it)', async (t) => {
  await initBackend({ quiet: true });
  if (tf.getBackend() !== 'wasm') return t.skip('wasm backend only');
  const table = tf.variable(tf.randomNormal([50, 8], 0, 1, 'float32', 3));
  const ids = [3, 7, 3, 49, 0];
  let loss: tf.Scalar | undefined;
  let grads: tf.NamedTensorMap = {};
  const reads = readsDuring(() => {
    const r = tf.variableGrads(() => tf.sum(tf.square(gatherRows(table as unknown as tf.Tensor2D, ids))), [table]);
    loss = r.value;
    grads = r.grads;
  });
  assert.equal(reads, 0, 'gatherRows read a tensor out of the heap');
  const tv = table.dataSync();
  let want = 0;
  for (const id of ids) for (let j = 0; j < 8; j++) want += tv[id * 8 + j] ** 2;
  assert.ok(Math.abs(loss!.dataSync()[0] - want) < 1e-4 * want);
  const g = grads[table.name].dataSync();
  for (let r = 0; r < 50; r++) {
    const k = ids.filter((id) => id === r).length;
    for (let j = 0; j < 8; j++) assert.ok(Math.abs(g[r * 8 + j] - 2 * k * tv[r * 8 + j]) < 1e-5, `grad row ${r}`);
  }
  tf.dispose([loss!, table, ...Object.values(grads)]);
});

test('wasm Unpack (tf.unstack) along every axis equals index-by-index slices, without copying the input out of the heap', async (t) => {
  await initBackend({ quiet: true });
  if (tf.getBackend() !== 'wasm') return t.skip('wasm backend only');
  const shape = [3, 4, 2];
  const vals = Array.from({ length: 24 }, (_, i) => i * 1.5 - 7);
  const x = tf.tensor(vals, shape);
  for (let axis = -1; axis < 3; axis++) {
    const a = (axis + 3) % 3;
    let parts: tf.Tensor[] = [];
    assert.equal(readsDuring(() => {
      parts = tf.unstack(x, axis);
    }), 0);
    assert.equal(parts.length, shape[a]);
    parts.forEach((p, i) => {
      assert.deepEqual(p.shape, shape.filter((_, k) => k !== a));
      const begin = shape.map((_, k) => (k === a ? i : 0));
      const size = shape.map((d, k) => (k === a ? 1 : d));
      assert.deepEqual(Array.from(p.dataSync()), refSlice(vals, shape, begin, size));
    });
    tf.dispose(parts);
  }
  x.dispose();
});

test('Sum and Mean gradients (broadcast, no ones array) equal dy broadcast over the reduced axes, bit for bit', async () => {
  await initBackend({ quiet: true });
  const rng = new Rng(3);
  const x = tf.tensor(Array.from({ length: 2 * 3 * 4 }, () => rng.normal()), [2, 3, 4]);
  for (const axis of [0, 1, 2, -1, [0, 2], [1, 2], [0, 1, 2]] as (number | number[])[]) {
    for (const keepDims of [false, true]) {
      const axes = tf.util.parseAxisParam(axis, x.shape);
      const count = axes.reduce((n, a) => n * x.shape[a], 1);
      const up = tf.tidy(() => tf.randomNormal(tf.sum(x, axis, keepDims).shape, 0, 1, 'float32', 11));
      const gs = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.sum(v, axis, keepDims), up)))(x);
      const gm = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.mean(v, axis, keepDims), up)))(x);
      const u = up.dataSync();
      const upShape = x.shape.map((d, a) => (axes.includes(a) ? 1 : d));
      const s = gs.dataSync();
      const m = gm.dataSync();
      for (let f = 0; f < x.size; f++) {
        const idx = [Math.floor(f / 12), Math.floor(f / 4) % 3, f % 4];
        const j = idx.reduce((acc, v, a) => acc * upShape[a] + (axes.includes(a) ? 0 : v), 0);
        assert.equal(s[f], u[j], `sum axis ${axis} keepDims ${keepDims} at ${f}`);
        assert.equal(m[f], Math.fround(u[j] / count), `mean axis ${axis} keepDims ${keepDims} at ${f}`);
      }
      tf.dispose([up, gs, gm]);
    }
  }
  x.dispose();
});

test('broadcastInto: fills and copies runs like an index-by-index broadcast (rank 0–4, reduced axes anywhere, empty shapes)', () => {
  const rng = new Rng(21);
  for (let trial = 0; trial < 40; trial++) {
    const rank = trial % 5;
    const shape = Array.from({ length: rank }, () => (rng.next() < 0.05 ? 0 : 1 + rng.int(4)));
    const expanded = shape.map((d) => (rng.next() < 0.5 ? 1 : d));
    const src = Float32Array.from({ length: expanded.reduce((a, b) => a * b, 1) }, () => rng.normal());
    const n = shape.reduce((a, b) => a * b, 1);
    const out = new Float32Array(n);
    broadcastInto(out, src, shape, expanded);
    const want = Array.from({ length: n }, (_, f) => {
      let rem = f;
      let from = 0;
      let stride = 1;
      for (let a = rank - 1; a >= 0; a--) {
        const i = rem % shape[a];
        rem = Math.floor(rem / shape[a]);
        if (expanded[a] !== 1) from += i * stride;
        stride *= expanded[a];
      }
      return src[from];
    });
    assert.deepEqual(Array.from(out), want, `shape [${shape}] expanded [${expanded}]`);
  }
});
