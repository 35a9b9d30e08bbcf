/**
 * WordPiece vocabulary learning by **frequency-based merges** (the procedure HF `tokenizers`' WordPieceTrainer
 * uses: BPE merges written in WordPiece notation). Each word starts as its characters, the first as-is and the
 * rest as `##c` continuation symbols. Repeatedly the adjacent symbol pair with the highest corpus count is merged
 * (`a` + `##b` → `ab`, `##a` + `##b` → `##ab`) and the new symbol is added to the vocabulary, until the
 * vocabulary is full or no pair occurs `minFrequency` times. Frequent words thus end up whole; rarer words split
 * into frequent stems and suffixes. Ties break by symbol ids (assigned in a fixed order), so training is
 * deterministic. Pair counts are updated incrementally with a lazy max-heap: O(total merge work · log), not
 * O(merges · corpus).
 */

/** Counts of characters and merges over word counts. */
export interface MergeTrainOptions {
  /** Maximum number of symbols to return (alphabet + merged pieces). */
  maxSymbols: number;
  /** A merge needs a pair count ≥ this. */
  minFrequency: number;
  /** Keep at most this many alphabet symbols (by frequency). */
  limitAlphabet: number;
}

const CONT = '##';
const SHIFT = 4194304; // 2^22: pair key = a * SHIFT + b (symbol ids < 2^22, keys < 2^44)

/** Binary max-heap of [count, key] with ties broken by smaller key. */
class PairHeap {
  private counts: number[] = [];
  private keys: number[] = [];

  get size(): number {
    return this.counts.length;
  }

  private better(i: number, j: number): boolean {
    const ci = this.counts[i];
    const cj = this.counts[j];
    return ci > cj || (ci === cj && this.keys[i] < this.keys[j]);
  }

  private swap(i: number, j: number): void {
    const c = this.counts[i];
    this.counts[i] = this.counts[j];
    this.counts[j] = c;
    const k = this.keys[i];
    this.keys[i] = this.keys[j];
    this.keys[j] = k;
  }

  push(count: number, key: number): void {
    this.counts.push(count);
    this.keys.push(key);
    let i = this.counts.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.better(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }

  pop(): [number, number] {
    const top: [number, number] = [this.counts[0], this.keys[0]];
    const last = this.counts.length - 1;
    this.swap(0, last);
    this.counts.pop();
    this.keys.pop();
    const n = this.counts.length;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.better(l, m)) m = l;
      if (r < n && this.better(r, m)) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
    return top;
  }
}

/**
 * Learns WordPiece symbols from word counts. Returns the alphabet (most frequent first) followed by merged
 * symbols in merge order, at most `maxSymbols` in all, with no duplicates.
 */
export function learnWordPieces(wordCounts: ReadonlyMap<string, number>, opts: MergeTrainOptions): string[] {
  // Words in a fixed order: count desc, then code-unit order.
  const words = [...wordCounts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  // Alphabet: first characters and ## continuation characters, by weighted frequency.
  const charFreq = new Map<string, number>();
  for (const [w, c] of words) {
    let first = true;
    for (const ch of w) {
      const s = first ? ch : CONT + ch;
      charFreq.set(s, (charFreq.get(s) ?? 0) + c);
      first = false;
    }
  }
  const alphabet = [...charFreq.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, Math.min(opts.limitAlphabet, opts.maxSymbols))
    .map(([s]) => s);
  const symbols: string[] = [...alphabet];
  const symbolId = new Map<string, number>(symbols.map((s, i) => [s, i]));

  // Word symbol sequences (words with a character outside the alphabet take no part in merging).
  const seqs: number[][] = [];
  const wcount: number[] = [];
  for (const [w, c] of words) {
    const seq: number[] = [];
    let ok = true;
    let first = true;
    for (const ch of w) {
      const id = symbolId.get(first ? ch : CONT + ch);
      first = false;
      if (id === undefined) {
        ok = false;
        break;
      }
      seq.push(id);
    }
    if (ok && seq.length > 1) {
      seqs.push(seq);
      wcount.push(c);
    }
  }

  const pairCount = new Map<number, number>();
  const where = new Map<number, number[]>();
  for (let w = 0; w < seqs.length; w++) {
    const seq = seqs[w];
    for (let i = 0; i + 1 < seq.length; i++) {
      const key = seq[i] * SHIFT + seq[i + 1];
      pairCount.set(key, (pairCount.get(key) ?? 0) + wcount[w]);
      const list = where.get(key);
      if (!list) where.set(key, [w]);
      else if (list[list.length - 1] !== w) list.push(w);
    }
  }
  const heap = new PairHeap();
  for (const [key, c] of pairCount) heap.push(c, key);

  const touched = new Set<number>();
  while (symbols.length < opts.maxSymbols && heap.size > 0) {
    const [stored, key] = heap.pop();
    const actual = pairCount.get(key) ?? 0;
    if (stored !== actual) {
      if (actual > 0 && actual < stored) heap.push(actual, key);
      continue;
    }
    if (actual < opts.minFrequency || actual <= 0) break;
    const a = Math.floor(key / SHIFT);
    const b = key - a * SHIFT;
    const merged = symbols[a] + symbols[b].slice(CONT.length);
    let m = symbolId.get(merged);
    if (m === undefined) {
      m = symbols.length;
      symbols.push(merged);
      symbolId.set(merged, m);
    }
    touched.clear();
    for (const w of where.get(key) ?? []) {
      const seq = seqs[w];
      const c = wcount[w];
      let found = false;
      for (let i = 0; i + 1 < seq.length; i++) {
        if (seq[i] === a && seq[i + 1] === b) {
          found = true;
          break;
        }
      }
      if (!found) continue;
      for (let i = 0; i + 1 < seq.length; i++) {
        const k = seq[i] * SHIFT + seq[i + 1];
        pairCount.set(k, pairCount.get(k)! - c);
      }
      const next: number[] = [];
      for (let i = 0; i < seq.length; i++) {
        if (i + 1 < seq.length && seq[i] === a && seq[i + 1] === b) {
          next.push(m);
          i++;
        } else next.push(seq[i]);
      }
      seqs[w] = next;
      for (let i = 0; i + 1 < next.length; i++) {
        const k = next[i] * SHIFT + next[i + 1];
        pairCount.set(k, (pairCount.get(k) ?? 0) + c);
        touched.add(k);
        const list = where.get(k);
        if (!list) where.set(k, [w]);
        else if (list[list.length - 1] !== w) list.push(w);
      }
    }
    pairCount.delete(key);
    where.delete(key);
    for (const k of touched) {
      const c = pairCount.get(k) ?? 0;
      if (c > 0) heap.push(c, k);
    }
  }
  return symbols;
}
