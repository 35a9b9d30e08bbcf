import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  evaluateRanking,
  hitAtK,
  mapAtK,
  mrrAtK,
  ndcgAtK,
  precisionAtK,
  recallAtK,
  RANKING_METRICS,
  type RankingMetric,
} from '../../src/eval/ranking';
import { LmiError } from '../../src/errors';
import { loadFixtures } from './fixtures';

const FNS: Record<RankingMetric, typeof recallAtK> = {
  recall: recallAtK,
  precision: precisionAtK,
  hit: hitAtK,
  mrr: mrrAtK,
  ndcg: ndcgAtK,
  map: mapAtK,
};
const fx = loadFixtures().ranking;
const close = (got: number, want: number, what: string): void =>
  assert.ok(Math.abs(got - want) <= 1e-9, `${what}: got ${got}, reference ${want}`);

describe('ranking metrics vs the numpy reference (NDCG also checked against sklearn.ndcg_score)', () => {
  it(`per query: ${fx.queries.length} queries × ks ${fx.ks.join(',')} × ${RANKING_METRICS.length} metrics`, () => {
    for (const q of fx.queries) {
      const rel = new Set(q.relevant);
      for (const k of fx.ks) {
        for (const m of RANKING_METRICS) close(FNS[m](q.ranked, rel, k), q.metrics[String(k)][m], `${q.id} ${m}@${k}`);
      }
    }
  });

  it('evaluateRanking: means over qrels, missing runs score 0, unjudged runs ignored', () => {
    const qrels = new Map(fx.queries.map((q) => [q.id, new Set(q.relevant)] as const));
    const runs = new Map<string, string[]>(
      fx.queries.filter((q) => !fx.runsMissing.includes(q.id)).map((q) => [q.id, q.ranked]),
    );
    runs.set(fx.unjudgedRun.id, fx.unjudgedRun.ranked);
    const got = evaluateRanking(runs, qrels, fx.ks);
    assert.deepEqual(Object.keys(got).sort(), Object.keys(fx.mean).sort());
    for (const [key, want] of Object.entries(fx.mean)) close(got[key], want, key);
  });
});

describe('ranking conventions', () => {
  const rel = new Set(['a', 'b', 'c']);
  it('hand-worked example', () => {
    const ranked = ['x', 'a', 'y', 'b'];
    close(recallAtK(ranked, rel, 4), 2 / 3, 'recall');
    close(precisionAtK(ranked, rel, 10), 2 / 10, 'precision divides by k');
    close(mrrAtK(ranked, rel, 4), 1 / 2, 'mrr');
    close(mrrAtK(ranked, rel, 1), 0, 'mrr beyond k');
    close(hitAtK(ranked, rel, 1), 0, 'hit@1');
    close(ndcgAtK(ranked, rel, 4), (1 / Math.log2(3) + 1 / Math.log2(5)) / (1 + 1 / Math.log2(3) + 1 / Math.log2(4)), 'ndcg');
    close(mapAtK(ranked, rel, 2), (1 / 2) / 2, 'map@2 normalised by min(|rel|, k)');
    close(mapAtK(ranked, rel, 4), (1 / 2 + 2 / 4) / 3, 'map@4');
  });

  it('a repeated document counts once', () => {
    close(recallAtK(['a', 'a', 'a'], rel, 3), 1 / 3, 'recall');
    close(precisionAtK(['a', 'a'], rel, 2), 1 / 2, 'precision');
  });

  it('perfect ranking scores 1 everywhere', () => {
    for (const m of RANKING_METRICS) {
      if (m !== 'precision' && m !== 'recall') close(FNS[m](['a', 'b', 'c', 'z'], rel, 2), 1, m);
    }
  });

  it('bad input throws LmiError', () => {
    assert.throws(() => recallAtK(['a'], rel, 0), LmiError);
    assert.throws(() => ndcgAtK(['a'], rel, 1.5), LmiError);
    assert.throws(() => mapAtK(['a'], new Set(), 3), LmiError);
    assert.throws(() => evaluateRanking(new Map(), new Map([['q', rel]]), []), LmiError);
    assert.throws(() => evaluateRanking(new Map(), new Map([['q', new Set<string>()]]), [1]), LmiError);
  });
});
