import { LmiError } from '../errors';
import { checkLabellings, contingency, labelCounts, type Contingency, type Label } from './contingency';

/**
 * How NMI/AMI normalise by the two entropies H(U), H(V): `max` → max(H(U), H(V)), `arithmetic` → (H(U)+H(V))/2,
 * `geometric` → √(H(U)·H(V)), `min` → min(H(U), H(V)).
 */
export type AverageMethod = 'max' | 'arithmetic' | 'geometric' | 'min';

/**
 * Default normalisation of this library: `'arithmetic'`, scikit-learn's default since 0.22 (2019) and so the most
 * likely choice behind the paper's Table 1 (2023); the independent GloVe/TF-IDF AMI measurements quoted in the issue
 * tracker were also made with it. `'max'` (Vinh et al.'s AMI_max, sklearn's default before 0.22) is stricter when
 * the two partitions have very different numbers of clusters (many ID codes vs few categories).
 */
export const DEFAULT_AVERAGE_METHOD: AverageMethod = 'arithmetic';

/** Options for the normalised scores. */
export interface AverageOptions {
  /** Normaliser over the two entropies; default {@link DEFAULT_AVERAGE_METHOD} (`'arithmetic'`). */
  averageMethod?: AverageMethod;
}

/** The chosen mean of two entropies (see {@link AverageMethod}); throws LmiError on an unknown method. */
export function generalizedAverage(u: number, v: number, method: AverageMethod): number {
  switch (method) {
    case 'max':
      return Math.max(u, v);
    case 'min':
      return Math.min(u, v);
    case 'arithmetic':
      return (u + v) / 2;
    case 'geometric':
      return Math.sqrt(u * v);
    default:
      throw new LmiError(
        `averageMethod "${String(method)}" unknown; use 'max', 'arithmetic', 'geometric' or 'min'`,
      );
  }
}

/** Shannon entropy (natural log) of cluster sizes. */
export function entropyOfCounts(counts: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i];
  let nonzero = 0;
  let h = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i];
    if (c > 0) {
      nonzero++;
      h -= (c / total) * (Math.log(c) - Math.log(total));
    }
  }
  return nonzero <= 1 ? 0 : h;
}

/** Shannon entropy H(U) in nats of a labelling (0 for a single cluster). Throws LmiError on empty input. */
export function entropy(labels: ArrayLike<Label>): number {
  return entropyOfCounts(labelCounts(labels, 'entropy'));
}

/** Mutual information (nats) from a contingency table; clipped at 0 like scikit-learn. */
export function mutualInfoFromContingency(table: Contingency): number {
  const { n, rowSums, colSums, rows, cols, counts } = table;
  if (rowSums.length === 1 || colSums.length === 1) return 0;
  const logN = Math.log(n);
  let mi = 0;
  for (let c = 0; c < counts.length; c++) {
    const nij = counts[c];
    // (n_ij/n) · log(n · n_ij / (a_i · b_j)), logs split for precision
    mi += (nij / n) * (Math.log(nij) + logN - Math.log(rowSums[rows[c]]) - Math.log(colSums[cols[c]]));
  }
  return Math.max(mi, 0);
}

/** Mutual information I(U; V) in nats between two labellings of the same items (scikit-learn `mutual_info_score`). */
export function mutualInfo(labelsTrue: ArrayLike<Label>, labelsPred: ArrayLike<Label>): number {
  checkLabellings(labelsTrue, labelsPred, 'mutualInfo');
  return mutualInfoFromContingency(contingency(labelsTrue, labelsPred));
}

/**
 * Normalised mutual information I(U;V) / mean(H(U), H(V)), mean chosen by `averageMethod` (default `'arithmetic'`;
 * scikit-learn's default is `'arithmetic'`). Edge cases as scikit-learn: one cluster on both sides → 1; MI = 0 → 0.
 */
export function normalizedMutualInfo(
  labelsTrue: ArrayLike<Label>,
  labelsPred: ArrayLike<Label>,
  opts: AverageOptions = {},
): number {
  checkLabellings(labelsTrue, labelsPred, 'normalizedMutualInfo');
  const method = opts.averageMethod ?? DEFAULT_AVERAGE_METHOD;
  generalizedAverage(0, 0, method); // validate early
  const table = contingency(labelsTrue, labelsPred);
  if (table.rowSums.length === 1 && table.colSums.length === 1) return 1;
  const mi = mutualInfoFromContingency(table);
  if (mi === 0) return 0;
  return mi / generalizedAverage(entropyOfCounts(table.rowSums), entropyOfCounts(table.colSums), method);
}
