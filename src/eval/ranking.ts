import { LmiError } from '../errors';

/*
 * Ranking metrics for one query with binary relevance. Conventions (pytrec_eval / BEIR unless noted):
 * - `ranked` is the system's list, best first; only its first k entries count. A document repeated in `ranked`
 *   counts once (its first occurrence); later copies are treated as non-relevant and still use up a rank.
 * - recall@k   = |relevant ∩ top-k| / |relevant|                                   (BEIR recall_k)
 * - precision@k = |relevant ∩ top-k| / k, even if fewer than k were retrieved     (pytrec_eval P_k)
 * - hit@k      = 1 if any relevant document is in the top k, else 0
 * - mrr@k      = 1 / rank of the first relevant document within the top k, else 0 (BEIR mrr_cut)
 * - ndcg@k     = DCG@k / IDCG@k with gain 1 for relevant, discount 1/log2(rank+1), and IDCG over
 *                min(|relevant|, k) relevant documents at ranks 1..                 (pytrec_eval ndcg_cut, binary)
 * - map@k      = Σ_{rank r ≤ k, doc relevant} precision@r / min(|relevant|, k).
 *                NOTE: pytrec_eval's map_cut (used by BEIR) divides by |relevant| instead; the two agree
 *                whenever |relevant| ≤ k (e.g. one relevant document per query). min(|rel|, k) makes a perfect
 *                top-k score 1 (as in the "AP@k" of recommender-system papers).
 * An empty relevant set is an error in the per-query functions and is skipped by {@link evaluateRanking}.
 */

/** The metric names {@link evaluateRanking} reports, each as `${name}@${k}`. */
export const RANKING_METRICS = ['recall', 'precision', 'hit', 'mrr', 'ndcg', 'map'] as const;

/** One of {@link RANKING_METRICS}. */
export type RankingMetric = (typeof RANKING_METRICS)[number];

function checkK(k: number, where: string): void {
  if (!Number.isInteger(k) || k <= 0) throw new LmiError(`${where}: k must be a positive integer, got ${k}`);
}

function checkRelevant(relevant: ReadonlySet<string>, where: string): void {
  if (relevant.size === 0) {
    throw new LmiError(`${where}: relevant set is empty; the metric is undefined for a query with no relevant docs`);
  }
}

/** 0/1 gains of the first k ranks (repeats of an already-seen document get 0). */
function gainsAtK(ranked: readonly string[], relevant: ReadonlySet<string>, k: number): number[] {
  const seen = new Set<string>();
  const gains: number[] = [];
  for (let r = 0; r < Math.min(k, ranked.length); r++) {
    const doc = ranked[r];
    gains.push(!seen.has(doc) && relevant.has(doc) ? 1 : 0);
    seen.add(doc);
  }
  return gains;
}

const sum = (xs: number[]): number => xs.reduce((s, x) => s + x, 0);

/** Fraction of the relevant documents found in the top k. */
export function recallAtK(ranked: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  checkK(k, 'recallAtK');
  checkRelevant(relevant, 'recallAtK');
  return sum(gainsAtK(ranked, relevant, k)) / relevant.size;
}

/** Fraction of the top k that is relevant (denominator k even when fewer were retrieved). */
export function precisionAtK(ranked: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  checkK(k, 'precisionAtK');
  checkRelevant(relevant, 'precisionAtK');
  return sum(gainsAtK(ranked, relevant, k)) / k;
}

/** 1 if any relevant document is in the top k, else 0. */
export function hitAtK(ranked: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  checkK(k, 'hitAtK');
  checkRelevant(relevant, 'hitAtK');
  return gainsAtK(ranked, relevant, k).includes(1) ? 1 : 0;
}

/** Reciprocal rank of the first relevant document within the top k, else 0. */
export function mrrAtK(ranked: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  checkK(k, 'mrrAtK');
  checkRelevant(relevant, 'mrrAtK');
  const first = gainsAtK(ranked, relevant, k).indexOf(1);
  return first < 0 ? 0 : 1 / (first + 1);
}

/** Binary-relevance NDCG@k with log2(rank + 1) discount; IDCG puts min(|relevant|, k) hits at the top. */
export function ndcgAtK(ranked: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  checkK(k, 'ndcgAtK');
  checkRelevant(relevant, 'ndcgAtK');
  const gains = gainsAtK(ranked, relevant, k);
  let dcg = 0;
  for (let r = 0; r < gains.length; r++) dcg += gains[r] / Math.log2(r + 2);
  let idcg = 0;
  for (let r = 0; r < Math.min(relevant.size, k); r++) idcg += 1 / Math.log2(r + 2);
  return dcg / idcg;
}

/** Average precision truncated at k, normalised by min(|relevant|, k) (pytrec_eval's map_cut uses |relevant|). */
export function mapAtK(ranked: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  checkK(k, 'mapAtK');
  checkRelevant(relevant, 'mapAtK');
  const gains = gainsAtK(ranked, relevant, k);
  let hits = 0;
  let ap = 0;
  for (let r = 0; r < gains.length; r++) {
    if (gains[r] === 1) {
      hits++;
      ap += hits / (r + 1);
    }
  }
  return ap / Math.min(relevant.size, k);
}

const METRIC_FNS: Record<RankingMetric, typeof recallAtK> = {
  recall: recallAtK,
  precision: precisionAtK,
  hit: hitAtK,
  mrr: mrrAtK,
  ndcg: ndcgAtK,
  map: mapAtK,
};

/**
 * Mean of every metric in {@link RANKING_METRICS} at every k over the queries of `qrels`, keyed `${metric}@${k}`
 * (e.g. `ndcg@10`). A query in `qrels` but missing from `runs` scores 0 on every metric; queries in `runs` but not
 * in `qrels`, and queries whose relevant set is empty, are ignored (as BEIR does). Throws LmiError when `ks` is
 * empty or holds a non-positive k, or when no query of `qrels` has a relevant document.
 */
export function evaluateRanking(
  runs: ReadonlyMap<string, readonly string[]>,
  qrels: ReadonlyMap<string, ReadonlySet<string>>,
  ks: readonly number[],
): Record<string, number> {
  if (ks.length === 0) throw new LmiError('evaluateRanking: ks is empty; pass cut-offs such as [1, 5, 10]');
  for (const k of ks) checkK(k, 'evaluateRanking');
  const queries = [...qrels].filter(([, rel]) => rel.size > 0);
  if (queries.length === 0) {
    throw new LmiError('evaluateRanking: no query in qrels has a relevant document; check the qrels file and split');
  }
  const out: Record<string, number> = {};
  for (const k of ks) {
    for (const name of RANKING_METRICS) {
      let total = 0;
      for (const [q, rel] of queries) {
        const ranked = runs.get(q);
        if (ranked !== undefined) total += METRIC_FNS[name](ranked, rel, k);
      }
      out[`${name}@${k}`] = total / queries.length;
    }
  }
  return out;
}
