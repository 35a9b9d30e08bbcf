import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { adjustedMutualInfo } from '../../src/eval/ami';
import {
  codesUsedPerPosition,
  collisionRateByPrefix,
  diffRatio,
  docsPerIdHistogram,
  idStats,
  perplexityPerPosition,
  prefixLabels,
} from '../../src/eval/id-stats';
import { LmiError } from '../../src/errors';

// 6 docs, T = 3. Full IDs: 0-1-0 twice, 0-1-1, 0-2-0, 1-0-0 twice.
const ids = [
  [0, 1, 0],
  [0, 1, 0],
  [0, 1, 1],
  [0, 2, 0],
  [1, 0, 0],
  [1, 0, 0],
];

describe('id-stats', () => {
  it('prefix labels', () => {
    assert.deepEqual(prefixLabels(ids, 1), ['0', '0', '0', '0', '1', '1']);
    assert.deepEqual(prefixLabels(ids, 2), ['0-1', '0-1', '0-1', '0-2', '1-0', '1-0']);
    assert.ok(Math.abs(adjustedMutualInfo(prefixLabels(ids, 1), ['a', 'a', 'a', 'a', 'b', 'b']) - 1) < 1e-12);
  });

  it('codes used and perplexity per position', () => {
    assert.deepEqual(codesUsedPerPosition(ids), [2, 3, 2]);
    const h = (ps: number[]): number => Math.exp(-ps.reduce((s, p) => s + p * Math.log(p), 0));
    const got = perplexityPerPosition(ids);
    const want = [h([4 / 6, 2 / 6]), h([3 / 6, 1 / 6, 2 / 6]), h([5 / 6, 1 / 6])];
    got.forEach((g, i) => assert.ok(Math.abs(g - want[i]) < 1e-12, `position ${i}: ${g} vs ${want[i]}`));
    assert.deepEqual(perplexityPerPosition([[3], [3]]), [1]);
  });

  it('collision rate per prefix length and docs-per-ID histogram', () => {
    assert.deepEqual(collisionRateByPrefix(ids), [1, 5 / 6, 4 / 6]);
    assert.deepEqual(docsPerIdHistogram(ids), [0, 2, 2]); // two IDs with 1 doc, two with 2
    assert.deepEqual(docsPerIdHistogram(ids, 1), [0, 0, 1, 0, 1]);
  });

  it('diff ratio', () => {
    // position 0: 15 pairs, same first code: C(4,2)+C(2,2) = 7 → 8/15 differ
    assert.equal(diffRatio(ids, 0), 8 / 15);
    // position 1: 7 pairs share prefix; same 2-prefix: C(3,2)+C(2,2) = 4 → 3/7
    assert.equal(diffRatio(ids, 1), 3 / 7);
    // position 2: 4 pairs share 2-prefix; same full ID: 2 → 2/4
    assert.equal(diffRatio(ids, 2), 2 / 4);
    assert.ok(Number.isNaN(diffRatio([[0, 1], [1, 1]], 1)));
  });

  it('idStats bundles everything', () => {
    const s = idStats(ids);
    assert.equal(s.docs, 6);
    assert.equal(s.length, 3);
    assert.deepEqual(s.distinctPrefixes, [2, 3, 4]);
    assert.deepEqual(s.codesUsed, [2, 3, 2]);
    assert.deepEqual(s.docsPerId, [0, 2, 2]);
  });

  it('bad input throws LmiError', () => {
    assert.throws(() => idStats([]), LmiError);
    assert.throws(() => idStats([[0, 1], [0]]), LmiError);
    assert.throws(() => idStats([[0, -1]]), LmiError);
    assert.throws(() => idStats([[0.5]]), LmiError);
    assert.throws(() => prefixLabels(ids, 0), LmiError);
    assert.throws(() => prefixLabels(ids, 4), LmiError);
    assert.throws(() => diffRatio(ids, 3), LmiError);
  });
});
