/**
 * The evaluation protocol shared by every sequential recommender (Table 2): leave-one-out splits, full ranking over
 * the whole item catalogue, Recall/NDCG@5/10/20 from `src/eval`.
 *
 * - Split (S3Rec/P5 convention, `src/data/splits.ts`): test target = last item, history = everything before it;
 *   validation target = second-to-last item. Training sequences = every user's sequence without its last item
 *   (test) or its last two items (validation); users too short for a case still contribute training data.
 * - Candidates: `'all'` ranks every catalogue item; `'excludeHistory'` removes the user's history items first (a
 *   target that repeats a history item then can never be found).
 * - Ties (equal scores) are broken deterministically by one of three rules:
 *   `'pessimistic'` (default): the target ranks after every item with the same score — a lower bound; a target tied
 *   with thousands of zero-score items is never credited. `'random'`: a seeded per-user hash order of the items,
 *   i.e. one draw of uniform random tie-breaking (≈ its expectation over many users). `'optimistic'`: the target
 *   ranks first among its ties — an upper bound, for diagnosis only.
 * - Ranking uses a size-k partial selection ({@link topK}), never a full sort.
 */
import { LmiError } from '../../errors';
import { leaveOneOut } from '../../data/splits';
import type { Interactions } from '../../data/types';
import { evaluateRanking } from '../../eval/ranking';
import { encodeInteractions } from './item-index';
import { hash32, topK, type TopKOptions } from './top-k';

/** A sequential recommender over item indices 0..numItems-1. */
export interface SeqRecommender {
  readonly name: string;
  /** Learn from training sequences (item indices, oldest first). */
  fit(train: readonly Int32Array[], numItems: number): void;
  /** One score per item index for a user with this history (higher = better); a fresh array the caller may modify. */
  scoreAll(history: Int32Array): Float32Array;
}

/** Which held-out item is the target. */
export type SeqSplitName = 'test' | 'validation';
/** Candidate convention of the full ranking. */
export type Candidates = 'all' | 'excludeHistory';
/** Tie-break rule, see the file comment. */
export type TieRule = 'pessimistic' | 'random' | 'optimistic';

/** One evaluation case. */
export interface SeqCase {
  user: string;
  history: Int32Array;
  target: number;
}

/** A split ready for recommenders: catalogue, training sequences and cases, all as item indices. */
export interface SeqRecData {
  name: string;
  split: SeqSplitName;
  items: string[];
  train: Int32Array[];
  cases: SeqCase[];
}

/**
 * Build the `split` of `inter` (see file comment). `items` optionally fixes the catalogue (default: every item in
 * a sequence). `maxUsers` > 0 keeps only the first that many cases (training data is unchanged).
 */
export function seqRecData(inter: Interactions, split: SeqSplitName = 'test', options: { items?: readonly string[]; maxUsers?: number } = {}): SeqRecData {
  if (split !== 'test' && split !== 'validation') throw new LmiError(`seqRecData: field "split" must be "test" or "validation", got ${JSON.stringify(split)}`);
  const enc = encodeInteractions(inter, options.items);
  const holdout = split === 'test' ? 1 : 2;
  const train = enc.sequences.map((s) => s.subarray(0, Math.max(0, s.length - holdout)));
  const loo = leaveOneOut(inter, { trainPrefixes: false });
  let raw = split === 'test' ? loo.test : loo.validation;
  const maxUsers = options.maxUsers ?? 0;
  if (maxUsers > 0) raw = raw.slice(0, maxUsers);
  const idx = (id: string): number => enc.index.get(id) as number; // encodeInteractions checked every id
  const cases = raw.map((c) => ({ user: c.user, history: Int32Array.from(c.history, idx), target: idx(c.target) }));
  return { name: inter.name, split, items: enc.items, train, cases };
}

/** One (candidates, ties) convention. */
export interface Convention {
  candidates: Candidates;
  ties: TieRule;
}

/** Options for {@link evaluateSeqRec}. */
export interface SeqEvalOptions {
  /** Metric cut-offs (default [5, 10, 20]). */
  ks: number[];
  /** Conventions to score from the same model scores (default: all × pessimistic, excludeHistory × pessimistic). */
  conventions: Convention[];
  /** Seed of the `'random'` tie rule (default 42). */
  seed: number;
}

/** Defaults for {@link SeqEvalOptions}. */
export const SEQ_EVAL_DEFAULTS: SeqEvalOptions = {
  ks: [5, 10, 20],
  conventions: [
    { candidates: 'all', ties: 'pessimistic' },
    { candidates: 'excludeHistory', ties: 'pessimistic' },
  ],
  seed: 42,
};

/** Metrics of one convention. */
export interface SeqEvalRow extends Convention {
  /** `${metric}@${k}` for every metric of `evaluateRanking` (recall, ndcg, hit, mrr, map, precision). */
  metrics: Record<string, number>;
}

/** Result of {@link evaluateSeqRec}. */
export interface SeqEvalResult {
  model: string;
  data: string;
  split: SeqSplitName;
  users: number;
  items: number;
  /** Fraction of cases whose target already occurs in the history. */
  targetInHistory: number;
  fitSeconds: number;
  evalSeconds: number;
  rows: SeqEvalRow[];
}

/** The {@link topK} tie options of `rule` for one case. */
function tieOptions(rule: TieRule, target: number, salt: number): TopKOptions {
  if (rule === 'pessimistic') return { tieLoser: target };
  if (rule === 'optimistic') return { tieWinner: target };
  if (rule === 'random') return { tieSalt: salt };
  throw new LmiError(`evaluateSeqRec: field "ties" must be pessimistic, random or optimistic, got ${JSON.stringify(rule)}`);
}

/**
 * Fit `model` on `data.train`, then rank the full catalogue for every case under each convention and average the
 * ranking metrics over cases (one relevant item per case).
 */
export function evaluateSeqRec(model: SeqRecommender, data: SeqRecData, options: Partial<SeqEvalOptions> = {}): SeqEvalResult {
  const o = { ...SEQ_EVAL_DEFAULTS, ...options };
  if (o.conventions.length === 0) throw new LmiError('evaluateSeqRec: "conventions" is empty; pass at least one {candidates, ties}');
  if (data.cases.length === 0) throw new LmiError(`evaluateSeqRec(${data.name}): no evaluation cases; sequences need ≥ 2 items (test) or ≥ 3 (validation)`);
  const n = data.items.length;
  const kMax = Math.max(...o.ks);
  const t0 = performance.now();
  model.fit(data.train, n);
  const t1 = performance.now();
  const runs = o.conventions.map(() => new Map<string, string[]>());
  const qrels = new Map<string, Set<string>>();
  const banned = new Uint8Array(n);
  let inHistory = 0;
  data.cases.forEach((c, ci) => {
    const scores = model.scoreAll(c.history);
    if (scores.length !== n) throw new LmiError(`evaluateSeqRec: ${model.name}.scoreAll returned ${scores.length} scores for ${n} items`);
    if (c.history.includes(c.target)) inHistory++;
    qrels.set(c.user, new Set([data.items[c.target]]));
    const salt = hash32(ci, o.seed);
    o.conventions.forEach((conv, r) => {
      const exclude = conv.candidates === 'excludeHistory';
      if (!exclude && conv.candidates !== 'all') throw new LmiError(`evaluateSeqRec: field "candidates" must be "all" or "excludeHistory", got ${JSON.stringify(conv.candidates)}`);
      if (exclude) for (const h of c.history) banned[h] = 1;
      const top = topK(scores, kMax, { banned: exclude ? banned : undefined, ...tieOptions(conv.ties, c.target, salt) });
      if (exclude) for (const h of c.history) banned[h] = 0;
      runs[r].set(c.user, Array.from(top, (i) => data.items[i]));
    });
  });
  const rows = o.conventions.map((conv, r) => ({ ...conv, metrics: evaluateRanking(runs[r], qrels, o.ks) }));
  const t2 = performance.now();
  return {
    model: model.name,
    data: data.name,
    split: data.split,
    users: data.cases.length,
    items: n,
    targetInHistory: inHistory / data.cases.length,
    fitSeconds: (t1 - t0) / 1000,
    evalSeconds: (t2 - t1) / 1000,
    rows,
  };
}
