/**
 * Bounded top-k selection over (score, key) pairs in typed arrays: a min-heap of the best k seen so far, so a
 * candidate set of size n costs O(n log k) and no allocation per candidate. Ties break towards the smaller key,
 * which makes beam search deterministic.
 */
export class TopK {
  readonly capacity: number;
  private readonly scores: Float64Array;
  private readonly keys: Float64Array;
  private n = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.scores = new Float64Array(capacity);
    this.keys = new Float64Array(capacity);
  }

  /** Number of items held. */
  get size(): number {
    return this.n;
  }

  reset(): void {
    this.n = 0;
  }

  /** Offer a candidate; keeps it when it is among the best `capacity` so far. */
  push(score: number, key: number): void {
    const { scores, keys } = this;
    if (this.n < this.capacity) {
      let i = this.n++;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (!worse(score, key, scores[p], keys[p])) break;
        scores[i] = scores[p];
        keys[i] = keys[p];
        i = p;
      }
      scores[i] = score;
      keys[i] = key;
      return;
    }
    if (this.capacity === 0 || !worse(scores[0], keys[0], score, key)) return;
    this.siftDown(score, key);
  }

  /** Items best first (score descending, then key ascending); empties the heap. */
  drain(): { scores: Float64Array; keys: Float64Array } {
    const m = this.n;
    const outS = new Float64Array(m);
    const outK = new Float64Array(m);
    for (let j = m - 1; j >= 0; j--) {
      outS[j] = this.scores[0];
      outK[j] = this.keys[0];
      this.n--;
      if (this.n > 0) this.siftDown(this.scores[this.n], this.keys[this.n]);
    }
    return { scores: outS, keys: outK };
  }

  /** Replace the root with (score, key) and restore the heap. */
  private siftDown(score: number, key: number): void {
    const { scores, keys } = this;
    const n = this.n;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && worse(scores[r], keys[r], scores[l], keys[l]) ? r : l;
      if (!worse(scores[c], keys[c], score, key)) break;
      scores[i] = scores[c];
      keys[i] = keys[c];
      i = c;
    }
    scores[i] = score;
    keys[i] = key;
  }
}

/** True when (s1, k1) ranks below (s2, k2): lower score, or equal score and larger key. */
function worse(s1: number, k1: number, s2: number, k2: number): boolean {
  return s1 < s2 || (s1 === s2 && k1 > k2);
}
