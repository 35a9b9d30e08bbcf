/**
 * Batches for the indexer: the corpus is tokenized once (padded to `maxLength`); a batch takes rows, trims the
 * columns to its longest document, and draws the reconstructor's hint mask (Eq 4: hintRatio of the tokens stay
 * visible, the rest are predicted) from the step's seeded Rng — so batches are pure functions of (seed, step).
 */
import type { IdMatrix } from '../model/t5';
import type { Rng } from '../rng';
import { hintMask } from '../text/masking';
import type { EncodedBatch } from '../text/index';
import type { HintBatch } from './reconstructor';

export interface DocBatch {
  /** Corpus row of each batch row. */
  docs: number[];
  ids: IdMatrix;
  lengths: Int32Array;
}

/** Rows `docs` of the encoded corpus, trimmed to the longest. */
export function docBatch(corpus: EncodedBatch, docs: readonly number[]): DocBatch {
  const L = corpus.maxLength;
  let cols = 1;
  for (const d of docs) cols = Math.max(cols, corpus.lengths[d]);
  const data = new Int32Array(docs.length * cols);
  const lengths = new Int32Array(docs.length);
  docs.forEach((d, b) => {
    data.set(corpus.ids.subarray(d * L, d * L + cols), b * cols);
    lengths[b] = corpus.lengths[d];
  });
  return { docs: [...docs], ids: { data, rows: docs.length, cols }, lengths };
}

/** Hint mask per document (Eq 4): masked positions get `maskId`, padding is invisible and never predicted. */
export function hintBatch(batch: DocBatch, hintRatio: number, maskId: number, rng: Rng): HintBatch {
  const { rows, cols } = batch.ids;
  const hintIds = new Int32Array(rows * cols).fill(maskId);
  const visible = new Int32Array(rows * cols);
  const targetRows: number[] = [];
  const targets: number[] = [];
  for (let b = 0; b < rows; b++) {
    const n = batch.lengths[b];
    const keep = hintMask(n, hintRatio, rng);
    for (let i = 0; i < n; i++) {
      const k = b * cols + i;
      const id = batch.ids.data[k];
      if (keep[i]) {
        hintIds[k] = id;
        visible[k] = 1;
      } else {
        targetRows.push(k);
        targets.push(id);
      }
    }
  }
  return { rows, cols, hintIds, visible, targetRows: Int32Array.from(targetRows), targets: Int32Array.from(targets) };
}

/** Batch `index` of an epoch-wise shuffled order (epoch e uses permutation seeded by (seed, e)); the last partial
 *  batch of an epoch is dropped when it would hold a single document. */
export function batchOrder(n: number, batchSize: number, seed: number, index: number, makeRng: (seed: number) => Rng): number[] {
  const perEpoch = batchesPerEpoch(n, batchSize);
  const epoch = Math.floor(index / perEpoch);
  const k = index % perEpoch;
  const perm = makeRng((seed ^ Math.imul(epoch + 1, 0x27d4eb2d)) >>> 0).permutation(n);
  return perm.slice(k * batchSize, Math.min(n, (k + 1) * batchSize));
}

export function batchesPerEpoch(n: number, batchSize: number): number {
  const full = Math.floor(n / batchSize);
  return n - full * batchSize >= 2 ? full + 1 : Math.max(1, full);
}
