/** MostPop: score = number of occurrences of the item in the training sequences (same list for every user). */
import type { SeqRecommender } from './protocol';

/** Interaction counts per item index over `train` (every occurrence counts). */
export function itemPopularity(train: readonly Int32Array[], numItems: number): Float64Array {
  const pop = new Float64Array(numItems);
  for (const seq of train) for (let t = 0; t < seq.length; t++) pop[seq[t]]++;
  return pop;
}

/** The popularity baseline. */
export class MostPop implements SeqRecommender {
  readonly name = 'MostPop';
  private pop = new Float32Array(0);

  fit(train: readonly Int32Array[], numItems: number): void {
    this.pop = Float32Array.from(itemPopularity(train, numItems));
  }

  scoreAll(_history: Int32Array): Float32Array {
    return this.pop.slice();
  }
}
