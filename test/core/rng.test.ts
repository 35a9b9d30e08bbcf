import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../src/rng';

test('same seed → same stream; different seed → different stream', () => {
  const a = new Rng(7);
  const b = new Rng(7);
  const c = new Rng(8);
  const xs = Array.from({ length: 100 }, () => a.nextUint32());
  assert.deepEqual(xs, Array.from({ length: 100 }, () => b.nextUint32()));
  assert.notDeepEqual(xs, Array.from({ length: 100 }, () => c.nextUint32()));
});

test('uniform floats have the right mean and range; ints stay in range', () => {
  const r = new Rng(1);
  let sum = 0;
  for (let i = 0; i < 20000; i++) {
    const x = r.next();
    assert.ok(x >= 0 && x < 1);
    sum += x;
  }
  assert.ok(Math.abs(sum / 20000 - 0.5) < 0.01);
  const counts = new Array(5).fill(0);
  for (let i = 0; i < 10000; i++) counts[r.int(5)]++;
  for (const c of counts) assert.ok(Math.abs(c - 2000) < 200, `bucket count ${c}`);
});

test('normal draws have mean ≈ 0 and variance ≈ 1', () => {
  const r = new Rng(3);
  const xs = Array.from({ length: 20000 }, () => r.normal());
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const v = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
  assert.ok(Math.abs(mean) < 0.03 && Math.abs(v - 1) < 0.05, `mean ${mean} var ${v}`);
});

test('permutation is a permutation; categorical follows weights; fork is independent and reproducible', () => {
  const r = new Rng(11);
  const p = r.permutation(50);
  assert.deepEqual([...p].sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => i));
  const counts = [0, 0, 0];
  for (let i = 0; i < 9000; i++) counts[r.categorical([1, 0, 2])]++;
  assert.equal(counts[1], 0);
  assert.ok(Math.abs(counts[2] / counts[0] - 2) < 0.2);
  const f1 = new Rng(5).fork();
  const f2 = new Rng(5).fork();
  assert.equal(f1.nextUint32(), f2.nextUint32());
  assert.throws(() => r.categorical([0, 0]), /positive sum/);
  assert.throws(() => new Rng(Number.NaN), /finite/);
});
