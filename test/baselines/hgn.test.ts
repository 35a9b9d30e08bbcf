/**
 * HGN's training objective against a hand computation: the default loss is the official code's BPR
 * (−log σ(pos − neg)) plus the L2 term λ/(2N)·‖Θ‖² (instance gates exempt); with `negativePool: 'unseen'` (the
 * official code) negatives come only from items the user has not interacted with. A catalogue where the user has seen every item but one makes the sampled
 * negative deterministic, so the loss can be recomputed from `scoreAll`.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend';
import { HGN, type HGNOptions, type HGNSample } from '../../src/baselines/seqrec/hgn';
import { Rng } from '../../src/rng';
import type { StepContext } from '../../src/train/trainer';

/** Exposes the protected loss of one batch. */
class ProbeHGN extends HGN {
  lossOf(batch: HGNSample[], seed: number): number {
    return tf.tidy(() => this.loss(batch, { rng: new Rng(seed) } as StepContext).dataSync()[0]);
  }
}

const softplus = (x: number): number => Math.log1p(Math.exp(x));

/** 5 items; user 0 has seen 0..3 (so item 4 is its only possible negative), user 1 has seen 1..4. */
function fitted(options: Partial<HGNOptions>): ProbeHGN {
  const model = new ProbeHGN({ dim: 8, targets: 1, negatives: 2, ...options }, { epochs: 0, seed: 5 });
  model.fit([Int32Array.from([0, 1, 2, 3]), Int32Array.from([1, 2, 3, 4])], 5);
  return model;
}

/** A window "user 0: items 0..3 → target 3"; `scoreAll([0, 1, 2, 3])` scores it (the history is user 0's sequence). */
const sample: HGNSample = { user: 0, items: Int32Array.from([0, 1, 2, 3]), targets: Int32Array.from([3]) };

describe('HGN loss', () => {
  before(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it('BPR: mean of softplus(neg − pos) over (target, negative) pairs, negatives never seen by the user', () => {
    const model = fitted({ loss: 'bpr', l2: 0, negativePool: 'unseen' });
    const s = model.scoreAll(sample.items);
    assert.notEqual(s[4], s[3]);
    const expected = softplus(s[4] - s[3]); // both negatives must be item 4
    for (const seed of [1, 2, 3]) assert.ok(Math.abs(model.lossOf([sample], seed) - expected) < 1e-5, `seed ${seed}: ${model.lossOf([sample], seed)} vs ${expected}`);
    model.dispose();
  });

  it('BCE keeps the same negatives: softplus(−pos) + Σ softplus(neg) per target', () => {
    const model = fitted({ loss: 'bce', l2: 0, negativePool: 'unseen' });
    const s = model.scoreAll(sample.items);
    const expected = softplus(-s[3]) + 2 * softplus(s[4]);
    assert.ok(Math.abs(model.lossOf([sample], 1) - expected) < 1e-5);
    model.dispose();
  });

  it('L2 adds λ/(2N)·‖Θ‖² over every parameter but the instance gates', () => {
    const plain = fitted({ l2: 0, negativePool: 'unseen' });
    const reg = fitted({ l2: 0.5, negativePool: 'unseen' });
    let sq = 0;
    for (const [name, v] of reg.params) if (!name.startsWith('instance_gate')) for (const x of v.dataSync()) sq += x * x;
    const expected = plain.lossOf([sample], 1) + (0.5 / (2 * 2)) * sq; // N = 1 target × 2 negatives
    assert.ok(Math.abs(reg.lossOf([sample], 1) - expected) < 1e-4 * Math.max(1, expected), `${reg.lossOf([sample], 1)} vs ${expected}`);
    plain.dispose();
    reg.dispose();
  });

  it('names a bad option', () => {
    assert.throws(() => new HGN({ negatives: 0 }), /HGN: options\.negatives must be an integer >= 1, got 0/);
    assert.throws(() => new HGN({ l2: -1 }), /HGN: options\.l2 must be >= 0, got -1/);
  });

  it('negatives are uniform over the pool: unseen items, or every item but the target', () => {
    const n = 7000;
    for (const pool of ['unseen', 'all'] as const) {
      const model = new ProbeHGN({ dim: 4, targets: 1, negativePool: pool }, { epochs: 0 });
      model.fit([Int32Array.from([2, 5, 7, 5])], 10);
      const draw = (model as unknown as { negative(u: number, t: number, r: Rng): number }).negative.bind(model);
      const rng = new Rng(9);
      const counts = new Array<number>(10).fill(0);
      for (let i = 0; i < n; i++) counts[draw(0, 5, rng)]++;
      const excluded = pool === 'unseen' ? [2, 5, 7] : [5];
      const share = n / (10 - excluded.length);
      for (const [i, c] of counts.entries()) {
        if (excluded.includes(i)) assert.equal(c, 0, `${pool}: item ${i} is not a negative`);
        else assert.ok(Math.abs(c - share) < 5 * Math.sqrt(share), `${pool}: item ${i}: ${c} of ${n}`);
      }
      model.dispose();
    }
  });
});
