/**
 * The compact term-weight table behind the page's search: for each document its `termsPerDoc` largest TF-IDF weights
 * (of the l2-normalised row), weights quantised to 1..255, stored as base64 typed arrays (offsets Uint32, term ids
 * Uint16, weights Uint8) — about 4 bytes of page per kept term. The page scores a query by the dot product of its
 * TF-IDF vector with these truncated rows: an approximate cosine.
 */
import type { CsrMatrix } from '../embeddings/types';
import { LmiError } from '../errors';

/** The table as it travels in the page. */
export interface SearchTable {
  /** base64 Uint32 (little-endian), numDocs + 1 entries: document i's terms are `[offsets[i], offsets[i+1])`. */
  offsets: string;
  /** base64 Uint16 (little-endian) term ids into the page vocabulary. */
  terms: string;
  /** base64 Uint8 weights, w ≈ q / 255. */
  weights: string;
}

/** The truncated rows before encoding (term ids in the TF-IDF model's vocabulary). */
export interface TruncatedRows {
  offsets: Uint32Array;
  terms: Uint32Array;
  weights: Uint8Array;
}

/** Keep each row's `k` largest weights (descending), quantised to 1..255. */
export function truncateRows(x: CsrMatrix, k: number): TruncatedRows {
  const offsets = new Uint32Array(x.nRows + 1);
  const terms: number[] = [];
  const weights: number[] = [];
  for (let i = 0; i < x.nRows; i++) {
    const ps: number[] = [];
    for (let p = x.indptr[i]; p < x.indptr[i + 1]; p++) ps.push(p);
    ps.sort((a, b) => x.data[b] - x.data[a] || x.indices[a] - x.indices[b]);
    for (const p of ps.slice(0, k)) {
      terms.push(x.indices[p]);
      weights.push(Math.min(255, Math.max(1, Math.round(x.data[p] * 255))));
    }
    offsets[i + 1] = terms.length;
  }
  return { offsets, terms: Uint32Array.from(terms), weights: Uint8Array.from(weights) };
}

/** base64 of a typed array's bytes (the platform is little-endian, as every browser is). */
function b64(a: ArrayBufferView): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

/** Encode rows whose term ids were already remapped to the page vocabulary (`remap[old] = new`). */
export function encodeSearchTable(rows: TruncatedRows, remap: Int32Array): SearchTable {
  const terms = new Uint16Array(rows.terms.length);
  rows.terms.forEach((t, j) => {
    const r = remap[t];
    if (r < 0 || r > 0xffff) throw new LmiError(`explorer: term id ${t} has no 16-bit page id; lower maxTerms (≤ 65535)`);
    terms[j] = r;
  });
  return { offsets: b64(rows.offsets), terms: b64(terms), weights: b64(rows.weights) };
}
