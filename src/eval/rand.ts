import { checkLabellings, contingency, type Label } from './contingency';

/** n choose 2 as a double. */
const pairs = (x: number): number => (x * (x - 1)) / 2;

/**
 * Adjusted Rand index (Hubert & Arabie 1985) of two labellings: pair-counting agreement corrected for chance,
 *   (Σ C(n_ij,2) − Σ C(a_i,2)·Σ C(b_j,2)/C(n,2)) / (½(Σ C(a_i,2) + Σ C(b_j,2)) − Σ C(a_i,2)·Σ C(b_j,2)/C(n,2)).
 * Equals scikit-learn's `adjusted_rand_score`; 1 when no pair disagrees (including n = 1 and identical
 * partitions). Throws LmiError on empty input or a length mismatch.
 */
export function adjustedRandIndex(labelsTrue: ArrayLike<Label>, labelsPred: ArrayLike<Label>): number {
  checkLabellings(labelsTrue, labelsPred, 'adjustedRandIndex');
  const table = contingency(labelsTrue, labelsPred);
  let sumIJ = 0;
  for (const x of table.counts) sumIJ += pairs(x);
  let sumA = 0;
  for (const x of table.rowSums) sumA += pairs(x);
  let sumB = 0;
  for (const x of table.colSums) sumB += pairs(x);
  // no disagreeing pair: false positives (sumB − sumIJ) and false negatives (sumA − sumIJ) are both zero
  if (sumA === sumIJ && sumB === sumIJ) return 1;
  const expected = (sumA * sumB) / pairs(table.n);
  return (sumIJ - expected) / ((sumA + sumB) / 2 - expected);
}
