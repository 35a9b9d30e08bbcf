/**
 * A suffix array over a tokenised corpus: the substring index SEAL (Bevilacqua et al. 2022) needs, built here
 * instead of an FM-index (same queries — occurrence count of an n-gram, the tokens that may follow it, the
 * documents that contain it — with more memory and no compression; fine at SciFact / Amazon sizes).
 *
 * Layout: the documents' token ids (≥ 0) are concatenated, each followed by its own separator −(d + 1), so no
 * n-gram crosses a document boundary and every suffix is distinct. Order: separators (by document) before tokens
 * (by id). Built by prefix doubling (Manber & Myers 1993) with a counting sort per round, O(n log n).
 *
 * Ranges: an n-gram g of length m matches the suffixes `sa[lo..hi)` that start with g; `hi − lo` is its number of
 * occurrences. Extending a range by one token is two binary searches at depth m.
 */
import { LmiError } from '../../errors';

/** Suffixes `sa[lo..hi)` share a prefix; empty when `lo === hi`. */
export interface SaRange {
  lo: number;
  hi: number;
}

/** One token that may follow a prefix, with the range of the extended prefix. */
export interface NextToken extends SaRange {
  token: number;
}

export class SuffixArray {
  /** Concatenated tokens with separators −(d + 1) after document d. */
  readonly text: Int32Array;
  /** Start positions of the suffixes in sorted order. */
  readonly sa: Int32Array;
  /** Document index of each text position. */
  readonly docOf: Int32Array;
  readonly numDocs: number;
  /** Number of (non-separator) tokens: the denominator of an n-gram's corpus probability. */
  readonly numTokens: number;

  private constructor(text: Int32Array, sa: Int32Array, docOf: Int32Array, numDocs: number) {
    this.text = text;
    this.sa = sa;
    this.docOf = docOf;
    this.numDocs = numDocs;
    this.numTokens = text.length - numDocs;
  }

  /** Index `docs[d]` (token ids ≥ 0; empty documents are allowed and match nothing). */
  static build(docs: readonly (readonly number[])[]): SuffixArray {
    if (docs.length === 0) throw new LmiError('SuffixArray.build: no documents to index');
    const n = docs.reduce((s, d) => s + d.length + 1, 0);
    const text = new Int32Array(n);
    const docOf = new Int32Array(n);
    let p = 0;
    docs.forEach((d, di) => {
      for (let j = 0; j < d.length; j++) {
        const t = d[j];
        if (!Number.isInteger(t) || t < 0) throw new LmiError(`SuffixArray.build: document ${di}, position ${j}: token ${t} is not an integer ≥ 0; pass token ids`);
        docOf[p] = di;
        text[p++] = t;
      }
      docOf[p] = di;
      text[p++] = -(di + 1);
    });
    return new SuffixArray(text, suffixArray(text, docs.length), docOf, docs.length);
  }

  /** Sort key of a text value: separators first (by document), then tokens (by id). */
  private key(v: number): number {
    return v < 0 ? -v - 1 : v + this.numDocs;
  }

  /** The whole array (prefix of length 0). */
  get all(): SaRange {
    return { lo: 0, hi: this.sa.length };
  }

  /** First j in [lo, hi) whose key at `depth` is ≥ `key` (hi if none). Keys are sorted within a shared-prefix range. */
  private lowerBound(lo: number, hi: number, depth: number, key: number): number {
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.key(this.text[this.sa[mid] + depth]) < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Narrow `r` (suffixes sharing a token prefix of length `depth`) to those followed by `token`. */
  extend(r: SaRange, depth: number, token: number): SaRange {
    if (r.lo >= r.hi || token < 0) return { lo: r.lo, hi: r.lo };
    const k = token + this.numDocs;
    const lo = this.lowerBound(r.lo, r.hi, depth, k);
    return { lo, hi: this.lowerBound(lo, r.hi, depth, k + 1) };
  }

  /** Range of the suffixes starting with `ngram` (empty range when it does not occur). */
  range(ngram: readonly number[]): SaRange {
    let r = this.all;
    for (let i = 0; i < ngram.length && r.lo < r.hi; i++) r = this.extend(r, i, ngram[i]);
    return r;
  }

  /** Occurrences of `ngram` in the corpus (the empty n-gram occurs `numTokens` times). */
  count(ngram: readonly number[]): number {
    if (ngram.length === 0) return this.numTokens;
    const r = this.range(ngram);
    return r.hi - r.lo;
  }

  /** The distinct tokens that follow the prefix of `r` (length `depth`), ascending, each with its range. */
  nextTokens(r: SaRange, depth: number): NextToken[] {
    const out: NextToken[] = [];
    let j = this.lowerBound(r.lo, r.hi, depth, this.numDocs); // skip suffixes that end at a separator
    while (j < r.hi) {
      const token = this.text[this.sa[j] + depth];
      const end = this.lowerBound(j, r.hi, depth, token + this.numDocs + 1);
      out.push({ token, lo: j, hi: end });
      j = end;
    }
    return out;
  }

  /** The distinct documents with an occurrence in `r`, ascending. */
  docsIn(r: SaRange): Int32Array {
    const seen = new Uint8Array(this.numDocs);
    let count = 0;
    for (let j = r.lo; j < r.hi; j++) {
      const d = this.docOf[this.sa[j]];
      if (!seen[d]) {
        seen[d] = 1;
        count++;
      }
    }
    const out = new Int32Array(count);
    for (let d = 0, k = 0; d < this.numDocs; d++) if (seen[d]) out[k++] = d;
    return out;
  }

  /** The distinct documents containing `ngram`, ascending. */
  docs(ngram: readonly number[]): Int32Array {
    return this.docsIn(this.range(ngram));
  }
}

/** Prefix doubling with counting sorts; `text` values are tokens ≥ 0 and unique separators −(d + 1). */
function suffixArray(text: Int32Array, numDocs: number): Int32Array {
  const n = text.length;
  let maxKey = 0;
  let rank = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = text[i];
    rank[i] = v < 0 ? -v - 1 : v + numDocs;
    if (rank[i] > maxKey) maxKey = rank[i];
  }
  let sa = countingSort(identity(n), rank, maxKey + 1);
  let tmp = new Int32Array(n);
  // Re-rank after the first sort (keys → dense ranks).
  denseRanks(sa, rank, () => 0, tmp);
  [rank, tmp] = [tmp, rank];
  const second = new Int32Array(n);
  for (let k = 1; rank[sa[n - 1]] < n - 1; k *= 2) {
    // Order by the rank of i + k: suffixes with i + k ≥ n first (rank "−1"), then by sa order shifted back by k.
    let p = 0;
    for (let i = n - k; i < n; i++) if (i >= 0) second[p++] = i;
    for (let j = 0; j < n; j++) if (sa[j] >= k) second[p++] = sa[j] - k;
    sa = countingSort(second, rank, n);
    const r = rank;
    denseRanks(sa, r, (i) => (i + k < n ? r[i + k] : -1), tmp);
    [rank, tmp] = [tmp, rank];
  }
  return sa;
}

function identity(n: number): Int32Array {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  return a;
}

/** Stable counting sort of `order` by `key[order[j]]` ∈ [0, range). */
function countingSort(order: Int32Array, key: Int32Array, range: number): Int32Array {
  const count = new Int32Array(range + 1);
  for (let j = 0; j < order.length; j++) count[key[order[j]] + 1]++;
  for (let r = 0; r < range; r++) count[r + 1] += count[r];
  const out = new Int32Array(order.length);
  for (let j = 0; j < order.length; j++) out[count[key[order[j]]]++] = order[j];
  return out;
}

/** out[sa[j]] = number of distinct (first, second) pairs before position j of the sorted order. */
function denseRanks(sa: Int32Array, first: Int32Array, second: (i: number) => number, out: Int32Array): void {
  let r = 0;
  out[sa[0]] = 0;
  for (let j = 1; j < sa.length; j++) {
    const a = sa[j - 1];
    const b = sa[j];
    if (first[a] !== first[b] || second(a) !== second(b)) r++;
    out[b] = r;
  }
}
