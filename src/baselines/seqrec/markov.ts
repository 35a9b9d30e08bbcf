/**
 * First-order Markov chain: score(candidate) = number of "last history item → candidate" transitions (consecutive
 * pairs) in the training sequences. With `popularityTieBreak`, item popularity is added as a fraction < 1, so it
 * only orders candidates with equal transition counts (most of them: zero).
 */
import { itemPopularity } from './mostpop';
import type { SeqRecommender } from './protocol';
import { SparseRows } from './sparse-rows';

/** Options for {@link Markov}. */
export interface MarkovOptions {
  /** Break equal transition counts by training popularity (default false). */
  popularityTieBreak: boolean;
}

/** Defaults for {@link MarkovOptions}. */
export const MARKOV_DEFAULTS: MarkovOptions = { popularityTieBreak: false };

/** The first-order Markov baseline. */
export class Markov implements SeqRecommender {
  readonly name: string;
  readonly options: MarkovOptions;
  private transitions = SparseRows.fromMaps([]);
  private popFraction = new Float32Array(0);
  private numItems = 0;

  constructor(options: Partial<MarkovOptions> = {}) {
    this.options = { ...MARKOV_DEFAULTS, ...options };
    this.name = this.options.popularityTieBreak ? 'Markov+pop' : 'Markov';
  }

  fit(train: readonly Int32Array[], numItems: number): void {
    this.numItems = numItems;
    const rows: Map<number, number>[] = Array.from({ length: numItems }, () => new Map());
    for (const seq of train) {
      for (let t = 0; t + 1 < seq.length; t++) {
        const row = rows[seq[t]];
        row.set(seq[t + 1], (row.get(seq[t + 1]) ?? 0) + 1);
      }
    }
    this.transitions = SparseRows.fromMaps(rows);
    const pop = itemPopularity(train, numItems);
    let max = 0;
    for (const p of pop) max = Math.max(max, p);
    this.popFraction = Float32Array.from(pop, (p) => p / (max + 1));
  }

  /** Transition count from `from` to `to` in the training data. */
  count(from: number, to: number): number {
    return this.transitions.get(from, to);
  }

  scoreAll(history: Int32Array): Float32Array {
    // Counts ≤ 2^10 keep ≥ 13 bits of the float32 mantissa for the popularity fraction: ties stay ordered.
    const scores = this.options.popularityTieBreak ? this.popFraction.slice() : new Float32Array(this.numItems);
    if (history.length > 0) this.transitions.addRowTo(history[history.length - 1], scores);
    return scores;
  }
}
