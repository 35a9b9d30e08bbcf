import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LmiError } from '../../src/errors';
import { Rng } from '../../src/rng';
import { applyHintMask, hintMask, randomSpansNoiseMask, spanCorruption } from '../../src/text/masking';

test('hintMask: exactly round(ratio·length) visible, at least one masked, deterministic per seed', () => {
  const rng = new Rng(3);
  for (const length of [1, 2, 3, 7, 10, 64, 511]) {
    for (const ratio of [0, 0.3, 0.5, 0.99, 1]) {
      const keep = hintMask(length, ratio, rng);
      assert.equal(keep.length, length);
      const visible = keep.filter(Boolean).length;
      assert.equal(visible, Math.min(Math.round(ratio * length), length - 1), `L=${length} r=${ratio}`);
      assert.ok(keep.some((k) => !k), 'at least one masked');
    }
  }
  assert.deepEqual(hintMask(50, 0.5, new Rng(9)), hintMask(50, 0.5, new Rng(9)));
  assert.notDeepEqual(hintMask(50, 0.5, new Rng(9)), hintMask(50, 0.5, new Rng(10)));
  assert.deepEqual(hintMask(0, 0.5, new Rng(1)), []);
});

test('hintMask: positions are spread uniformly (each position visible ≈ ratio of the time)', () => {
  const rng = new Rng(11);
  const hits = new Array<number>(20).fill(0);
  const trials = 4000;
  for (let t = 0; t < trials; t++) hintMask(20, 0.3, rng).forEach((k, i) => (hits[i] += k ? 1 : 0));
  for (const h of hits) assert.ok(Math.abs(h / trials - 0.3) < 0.04, `frequency ${h / trials}`);
});

test('applyHintMask replaces hidden positions with the mask id', () => {
  assert.deepEqual(applyHintMask([5, 6, 7], [true, false, true], 3), [5, 3, 7]);
  assert.throws(() => applyHintMask([1, 2], [true], 3), LmiError);
});

test('randomSpansNoiseMask: T5 counts of noise tokens and spans, starts with non-noise', () => {
  const rng = new Rng(5);
  for (const length of [2, 5, 20, 64, 100, 512]) {
    const m = randomSpansNoiseMask(length, 0.15, 3, rng);
    assert.equal(m.length, length);
    const noise = m.filter(Boolean).length;
    assert.equal(noise, Math.min(Math.max(Math.round(length * 0.15), 1), length - 1));
    const spans = m.filter((x, i) => x && (i === 0 || !m[i - 1])).length;
    assert.equal(spans, Math.min(Math.max(Math.round(noise / 3), 1), noise, length - noise));
    assert.equal(m[0], false);
  }
});

const tok = { eosId: 1, sentinelIds: Array.from({ length: 99 }, (_, i) => 399 - i) };

/** Rebuilds the original from inputs + targets (T5 format), checking the format on the way. */
function reconstruct(inputs: number[], targets: number[]): number[] {
  assert.equal(inputs[inputs.length - 1], 1);
  assert.equal(targets[targets.length - 1], 1);
  const spans = new Map<number, number[]>();
  let cur: number[] | undefined;
  for (const t of targets.slice(0, -1)) {
    if (t >= 301) spans.set(t, (cur = []));
    else cur!.push(t);
  }
  const out: number[] = [];
  for (const t of inputs.slice(0, -1)) {
    if (t >= 301) out.push(...spans.get(t)!);
    else out.push(t);
  }
  return out;
}

test('spanCorruption: inputs + targets reconstruct the original; sentinels in order; ratio near 0.15', () => {
  const rng = new Rng(8);
  let noise = 0;
  let total = 0;
  for (let trial = 0; trial < 300; trial++) {
    const n = 1 + rng.int(200);
    const ids = Array.from({ length: n }, () => 4 + rng.int(290));
    const ex = spanCorruption(ids, tok, rng);
    assert.deepEqual(reconstruct(ex.inputs, ex.targets), ids);
    const used = ex.inputs.filter((t) => t >= 301);
    assert.deepEqual(used, tok.sentinelIds.slice(0, used.length), 'sentinels in order <extra_id_0>, <extra_id_1>, …');
    assert.equal(ex.targets[0], tok.sentinelIds[0], 'targets start with the first sentinel');
    assert.equal(ex.inputs.length + ex.targets.length, n + 2 * used.length + 2);
    noise += ex.noiseMask.filter(Boolean).length;
    total += n;
  }
  assert.ok(Math.abs(noise / total - 0.15) < 0.01, `noise fraction ${noise / total}`);
  const a = spanCorruption([10, 11, 12, 13, 14, 15, 16, 17, 18, 19], tok, new Rng(1));
  assert.deepEqual(a, spanCorruption([10, 11, 12, 13, 14, 15, 16, 17, 18, 19], tok, new Rng(1)));
  assert.deepEqual(spanCorruption([], tok, new Rng(1)), { inputs: [1], targets: [1], noiseMask: [] });
  assert.deepEqual(spanCorruption([42], tok, new Rng(1), { addEos: false }).targets, [399, 42]);
});

test('bad input: ratios out of range and too few sentinels are LmiErrors', () => {
  const rng = new Rng(1);
  assert.throws(() => hintMask(10, 1.5, rng), /hintRatio must be in \[0, 1\]/);
  assert.throws(() => hintMask(-1, 0.5, rng), LmiError);
  assert.throws(() => spanCorruption([1, 2, 3], tok, rng, { noiseDensity: 0 }), /noiseDensity/);
  assert.throws(() => spanCorruption([1, 2, 3], tok, rng, { meanSpanLength: 0.5 }), /meanSpanLength/);
  const few = { eosId: 1, sentinelIds: [9] };
  assert.throws(() => spanCorruption(Array.from({ length: 100 }, (_, i) => 10 + i), few, rng), /raise numSentinels/);
});
