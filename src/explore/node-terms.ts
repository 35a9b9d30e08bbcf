/**
 * Top words of every node of the ID tree: the terms whose mean TF-IDF weight in the node's documents is high and
 * well above their mean over the whole corpus. Score = m · ln(m / m̄) (m: mean l2-normalised TF-IDF weight in the
 * node, m̄: in the corpus) — one term of the KL divergence of the node's term mass from the corpus's, so a word must be
 * both frequent in the node and distinctive of it. The root, which has nothing to contrast with, ranks by m̄.
 * English function words and pure numbers are never listed (they are kept for search).
 */
import type { CsrMatrix } from '../embeddings/types';

/** A ranked top word: vocabulary index and score scaled to 0..100 (100 = the node's best word). */
export type RankedTerm = [term: number, score: number];

/** Function words left out of top-word lists (a short English list; TF-IDF alone ranks them high at the root). */
export const STOPWORDS: ReadonlySet<string> = new Set(
  ('a about above after again all also am an and any are as at be been before being below between both but by can ' +
    'could did do does doing down during each few for from further had has have having he her here hers him his how ' +
    'if in into is it its itself just may me more most my no nor not now of off on once one only or other our ours ' +
    'out over own same she should so some such than that the their theirs them then there these they this those ' +
    'through to too under until up use used very was we were what when where which while who whom why will with ' +
    'would you your yours').split(' '),
);

/** Whether a term may appear among a node's top words. */
function listable(term: string): boolean {
  return !STOPWORDS.has(term) && !/^\d+$/.test(term);
}

/** Prefix key of a document's first `len` codes: `"4-2"`; the root is `""`. */
export function prefixKey(codes: readonly number[], len: number): string {
  return codes.slice(0, len).join('-');
}

/** Document indices of every tree node (prefix of length 0..depth). */
export function nodeMembers(ids: readonly number[][], depth: number): Map<string, number[]> {
  const out = new Map<string, number[]>();
  ids.forEach((row, i) => {
    for (let len = 0; len <= depth; len++) {
      const k = prefixKey(row, len);
      let m = out.get(k);
      if (!m) out.set(k, (m = []));
      m.push(i);
    }
  });
  return out;
}

/** Indices of the `k` largest scores (descending; ties by lower index). */
function topK(terms: number[], scores: number[], k: number): number[] {
  const order = terms.map((_, j) => j).sort((a, b) => scores[b] - scores[a] || terms[a] - terms[b]);
  return order.slice(0, k);
}

/** Top `k` words of every node in `members`, from the TF-IDF rows `x` of the documents (`vocab`: column terms). */
export function nodeTopTerms(x: CsrMatrix, vocab: readonly string[], members: Map<string, number[]>, k: number): Map<string, RankedTerm[]> {
  const ok = vocab.map(listable);
  const n = Math.max(1, x.nRows);
  const corpusMean = new Float64Array(x.nCols);
  for (let p = 0; p < x.indptr[x.nRows]; p++) corpusMean[x.indices[p]] += x.data[p] / n;
  const acc = new Float64Array(x.nCols);
  const out = new Map<string, RankedTerm[]>();
  for (const [key, docs] of members) {
    const touched: number[] = [];
    for (const i of docs) {
      for (let p = x.indptr[i]; p < x.indptr[i + 1]; p++) {
        const t = x.indices[p];
        if (!ok[t]) continue;
        if (acc[t] === 0) touched.push(t);
        acc[t] += x.data[p];
      }
    }
    const scores = touched.map((t) => {
      const m = acc[t] / docs.length;
      return key === '' ? m : m * Math.log(m / corpusMean[t]);
    });
    for (const t of touched) acc[t] = 0;
    const best = topK(touched, scores, k).filter((j) => scores[j] > 0);
    const top = best.length ? scores[best[0]] : 1;
    out.set(key, best.map((j) => [touched[j], Math.max(1, Math.round((100 * scores[j]) / top))]));
  }
  return out;
}
