/**
 * Diagnostics of a run (Sec 4.3, Figure 4): per optimizer step the loss terms; per corpus pass the code usage and
 * ID perplexity at the position being learned, collision rate of the prefix, diff ratio, ID churn (share of docs
 * whose current-position code changed since the last pass), ID stability (share of docs whose earlier-position IDs,
 * re-predicted now, differ from the stored ones — what Eq 10 guards), and the reconstruction accuracy / token
 * macro-F1 on a fixed probe set. Everything is appended to a JSONL file, one object per line.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { idStats } from '../eval/id-stats';
import { type CodebookOptions, assignCodes } from '../quantize/codebook';
import type { EncodedBatch } from '../text/index';
import { docBatch } from './batches';
import type { SemanticEncoder } from './semantic-encoder';

/** h_j for every document and every j ≤ upto (teacher forcing with the stored codes): hs[j] is N × d. */
export function corpusHidden(encoder: SemanticEncoder, corpus: EncodedBatch, docs: readonly number[], codes: readonly Int32Array[], upto: number, batchSize = HIDDEN_BATCH): Float32Array[] {
  const d = encoder.dModel;
  const hs = Array.from({ length: upto + 1 }, () => new Float32Array(docs.length * d));
  for (let s = 0; s < docs.length; s += batchSize) {
    const rows = docs.slice(s, s + batchSize);
    const b = docBatch(corpus, rows);
    const prefix = codes.slice(0, upto).map((c) => rows.map((r) => c[r]));
    const h = encoder.hidden(b.ids, prefix, upto);
    const data = h.dataSync() as Float32Array;
    h.dispose();
    for (let i = 0; i < rows.length; i++) {
      for (let j = 0; j <= upto; j++) hs[j].set(data.subarray((i * (upto + 1) + j) * d, (i * (upto + 1) + j + 1) * d), (s + i) * d);
    }
  }
  return hs;
}

/** Documents per batch of a hidden-state pass over the corpus. */
export const HIDDEN_BATCH = 128;

/** Documents lo … hi − 1 of a hidden-state pass up to position `upto` (what one replica computes). */
export interface HiddenRange {
  lo: number;
  hi: number;
  upto: number;
  batchSize: number;
}

/** `corpusHidden` over one range of documents. */
export function rangeHidden(encoder: SemanticEncoder, corpus: EncodedBatch, codes: readonly Int32Array[], r: HiddenRange): Float32Array[] {
  return corpusHidden(encoder, corpus, Array.from({ length: r.hi - r.lo }, (_, i) => r.lo + i), codes, r.upto, r.batchSize);
}

/**
 * Documents 0 … n − 1 in `count` contiguous ranges cut at multiples of `batchSize`: every batch is the one a single
 * pass forms, so the ranges' hidden states equal that pass's bit for bit.
 */
export function hiddenRanges(n: number, count: number, upto: number, batchSize = HIDDEN_BATCH): HiddenRange[] {
  const batches = Math.ceil(n / batchSize);
  const cut = (r: number): number => Math.min(n, Math.floor((batches * r) / count) * batchSize);
  return Array.from({ length: count }, (_, r) => ({ lo: cut(r), hi: cut(r + 1), upto, batchSize }));
}

/** Per-range hidden states (in range order) joined into hs[j] over all documents. */
export function joinHidden(parts: Float32Array[][]): Float32Array[] {
  return parts[0].map((_, j) => {
    const out = new Float32Array(parts.reduce((a, h) => a + h[j].length, 0));
    let off = 0;
    for (const h of parts) {
      out.set(h[j], off);
      off += h[j].length;
    }
    return out;
  });
}

/** Codes of rows of h (N × d) under a codebook variable. */
export function codesOf(h: Float32Array, d: number, codebook: tf.Tensor2D, opts: CodebookOptions): Int32Array {
  const t = tf.tensor2d(h, [h.length / d, d]);
  try {
    return assignCodes(t, codebook, opts);
  } finally {
    t.dispose();
  }
}

/** Corpus-level ID statistics at 0-based position p, given stored codes (< p) and current codes at p. */
export function positionStats(stored: readonly Int32Array[], current: Int32Array, p: number, docs: readonly number[]): Record<string, number> {
  const ids = docs.map((r, i) => [...stored.slice(0, p).map((c) => c[r]), current[i]]);
  const s = idStats(ids);
  return {
    codesUsed: s.codesUsed[p], perplexity: s.perplexity[p], collisionRate: s.collisionRate[p],
    diffRatio: s.diffRatio[p], distinctPrefixes: s.distinctPrefixes[p],
  };
}

/** Share of positions where a and b differ. */
export function changedShare(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
  return a.length ? n / a.length : 0;
}

/** Accuracy and macro-F1 (over classes present in the truth) of predicted token ids. */
export function tokenScores(truth: ArrayLike<number>, pred: ArrayLike<number>): { accuracy: number; macroF1: number } {
  const tp = new Map<number, number>();
  const fp = new Map<number, number>();
  const fn = new Map<number, number>();
  let correct = 0;
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i];
    const p = pred[i];
    if (t === p) { correct++; tp.set(t, (tp.get(t) ?? 0) + 1); } else { fn.set(t, (fn.get(t) ?? 0) + 1); fp.set(p, (fp.get(p) ?? 0) + 1); }
  }
  const classes = new Set<number>([...tp.keys(), ...fn.keys()]);
  let f1 = 0;
  for (const c of classes) {
    const a = tp.get(c) ?? 0;
    const denom = 2 * a + (fp.get(c) ?? 0) + (fn.get(c) ?? 0);
    f1 += denom ? (2 * a) / denom : 0;
  }
  return { accuracy: truth.length ? correct / truth.length : 0, macroF1: classes.size ? f1 / classes.size : 0 };
}

/** Appends JSON lines to a file (no-op without a file). */
export class DiagnosticsLog {
  readonly rows: Record<string, unknown>[] = [];
  constructor(readonly file?: string, readonly keepInMemory = true) {
    if (file) fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  }

  write(row: Record<string, unknown>): void {
    if (this.keepInMemory) this.rows.push(row);
    if (this.file) fs.appendFileSync(this.file, JSON.stringify(row) + '\n');
  }
}
