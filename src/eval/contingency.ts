import { LmiError } from '../errors';

/** A cluster label: anything usable as a Map key. `1` and `'1'` are different labels. */
export type Label = string | number;

/**
 * Sparse contingency table of two labellings of the same n items.
 * Row i is the i-th distinct true label (first-appearance order), column j the j-th distinct predicted label.
 */
export interface Contingency {
  /** Number of items. */
  n: number;
  /** Row sums a_i (size of each true cluster). */
  rowSums: number[];
  /** Column sums b_j (size of each predicted cluster). */
  colSums: number[];
  /** Nonzero cells n_ij as parallel arrays (row index, column index, count). */
  rows: number[];
  cols: number[];
  counts: number[];
}

/** Throws unless both labellings are non-empty and of equal length. `where` names the caller in the message. */
export function checkLabellings(labelsTrue: ArrayLike<Label>, labelsPred: ArrayLike<Label>, where: string): void {
  if (labelsTrue.length !== labelsPred.length) {
    throw new LmiError(
      `${where}: labelsTrue has ${labelsTrue.length} items but labelsPred has ${labelsPred.length}; ` +
        'pass one label per item in the same order',
    );
  }
  if (labelsTrue.length === 0) throw new LmiError(`${where}: empty labellings; pass at least one item`);
}

/** Maps each label to a dense index in first-appearance order; returns the indices and the number of distinct labels. */
export function encodeLabels(labels: ArrayLike<Label>, where = 'encodeLabels'): { codes: Int32Array; k: number } {
  const index = new Map<Label, number>();
  const codes = new Int32Array(labels.length);
  for (let t = 0; t < labels.length; t++) {
    const label = labels[t];
    if (typeof label !== 'string' && typeof label !== 'number') {
      throw new LmiError(`${where}: label at index ${t} is ${String(label)}; labels must be strings or numbers`);
    }
    let code = index.get(label);
    if (code === undefined) {
      code = index.size;
      index.set(label, code);
    }
    codes[t] = code;
  }
  return { codes, k: index.size };
}

/** Counts of each distinct label (first-appearance order). Throws on empty input. */
export function labelCounts(labels: ArrayLike<Label>, where = 'labelCounts'): number[] {
  if (labels.length === 0) throw new LmiError(`${where}: empty labelling; pass at least one item`);
  const { codes, k } = encodeLabels(labels, where);
  const counts = new Array<number>(k).fill(0);
  for (const c of codes) counts[c]++;
  return counts;
}

/** Builds the sparse contingency table of two labellings (checked: same length, non-empty). */
export function contingency(labelsTrue: ArrayLike<Label>, labelsPred: ArrayLike<Label>): Contingency {
  checkLabellings(labelsTrue, labelsPred, 'contingency');
  const t = encodeLabels(labelsTrue, 'contingency(labelsTrue)');
  const p = encodeLabels(labelsPred, 'contingency(labelsPred)');
  const n = labelsTrue.length;
  const rowSums = new Array<number>(t.k).fill(0);
  const colSums = new Array<number>(p.k).fill(0);
  const cell = new Map<number, number>(); // key i * C + j (exact: both < n ≤ 2^26 in practice)
  for (let s = 0; s < n; s++) {
    const i = t.codes[s];
    const j = p.codes[s];
    rowSums[i]++;
    colSums[j]++;
    const key = i * p.k + j;
    cell.set(key, (cell.get(key) ?? 0) + 1);
  }
  const rows: number[] = [];
  const cols: number[] = [];
  const counts: number[] = [];
  for (const [key, count] of cell) {
    rows.push(Math.floor(key / p.k));
    cols.push(key % p.k);
    counts.push(count);
  }
  return { n, rowSums, colSums, rows, cols, counts };
}
