/**
 * Leave-one-out splits of user sequences (S3Rec/P5 convention): the last item is the test target, the second-to-last
 * the validation target, and training uses only items before those.
 */
import { LmiError } from '../errors';
import type { Interactions, SequenceSplit } from './types';

/** Options for {@link leaveOneOut}. */
export interface SplitOptions {
  /** Train on every prefix → next item of `seq[:-2]` (default true); false = one example per user, target `seq[-3]`. */
  trainPrefixes: boolean;
  /** Keep at most this many most recent history items (0 = all; default 0). */
  maxHistory: number;
}

/** Defaults for {@link SplitOptions}. */
export const SPLIT_DEFAULTS: SplitOptions = { trainPrefixes: true, maxHistory: 0 };

/** The three splits. */
export interface LeaveOneOutSplits {
  train: SequenceSplit[];
  validation: SequenceSplit[];
  test: SequenceSplit[];
}

/**
 * Split every user sequence: test = (seq[:-1] → seq[-1]), validation = (seq[:-2] → seq[-2]), train = prefixes of
 * seq[:-2]. Users too short for a split (test needs 2 items, validation 3, train 4) are left out of that split.
 */
export function leaveOneOut(inter: Interactions, options: Partial<SplitOptions> = {}): LeaveOneOutSplits {
  const o = { ...SPLIT_DEFAULTS, ...options };
  if (!Number.isInteger(o.maxHistory) || o.maxHistory < 0) throw new LmiError(`splits: option "maxHistory" must be an integer ≥ 0, got ${o.maxHistory}`);
  const cut = (h: string[]): string[] => (o.maxHistory > 0 && h.length > o.maxHistory ? h.slice(h.length - o.maxHistory) : h);
  const out: LeaveOneOutSplits = { train: [], validation: [], test: [] };
  for (const [user, seq] of inter.sequences) {
    const n = seq.length;
    if (n >= 2) out.test.push({ user, history: cut(seq.slice(0, n - 1)), target: seq[n - 1] });
    if (n >= 3) out.validation.push({ user, history: cut(seq.slice(0, n - 2)), target: seq[n - 2] });
    if (n >= 4) {
      if (o.trainPrefixes) {
        for (let t = 1; t <= n - 3; t++) out.train.push({ user, history: cut(seq.slice(0, t)), target: seq[t] });
      } else {
        out.train.push({ user, history: cut(seq.slice(0, n - 3)), target: seq[n - 3] });
      }
    }
  }
  return out;
}
