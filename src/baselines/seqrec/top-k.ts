/**
 * Top-k partial selection over a full score vector (a size-k heap, one pass, O(n log k)) with a deterministic
 * tie-break. Items are ordered by score descending, then by a tie key ascending, then by index ascending.
 * Tie key = (`tieSalt` given ? hash32(item, tieSalt) : 0), except that `tieLoser` loses and `tieWinner` wins every
 * tie. The key is computed inline (no callback): ties with thousands of zero scores stay cheap.
 */

/** Options for {@link topK}. */
export interface TopKOptions {
  /** Items with `banned[i] !== 0` are never returned (e.g. history items). */
  banned?: Uint8Array;
  /** Order equal scores by a seeded hash of the item (one draw of random tie-breaking); default: index order. */
  tieSalt?: number;
  /** This item ranks after every item with the same score (pessimistic evaluation of a target). */
  tieLoser?: number;
  /** This item ranks before every item with the same score (optimistic evaluation of a target). */
  tieWinner?: number;
}

const LOSE = 2 ** 33;

/**
 * The `k` best item indices, best first. NaN scores count as -Infinity; -Infinity items can still fill the list
 * when fewer than k items have finite scores (banned items never do).
 */
export function topK(scores: Float32Array | Float64Array, k: number, options: TopKOptions = {}): Int32Array {
  const n = scores.length;
  const { banned, tieSalt, tieLoser = -1, tieWinner = -1 } = options;
  const cap = Math.max(0, Math.min(k, n));
  // Min-heap on "rank": slot 0 holds the worst kept item. Scores and keys are cached beside the indices.
  const hi = new Int32Array(cap);
  const hs = new Float64Array(cap);
  const hk = new Float64Array(cap);
  let size = 0;
  // a ranks before b
  const before = (sa: number, ka: number, ia: number, sb: number, kb: number, ib: number): boolean =>
    sa !== sb ? sa > sb : ka !== kb ? ka < kb : ia < ib;
  const swap = (a: number, b: number): void => {
    const i = hi[a], s = hs[a], q = hk[a];
    hi[a] = hi[b]; hs[a] = hs[b]; hk[a] = hk[b];
    hi[b] = i; hs[b] = s; hk[b] = q;
  };
  const worse = (a: number, b: number): boolean => before(hs[b], hk[b], hi[b], hs[a], hk[a], hi[a]);
  if (cap === 0) return hi;
  for (let i = 0; i < n; i++) {
    let v = scores[i];
    if (size === cap && v < hs[0]) continue; // fast reject: the common case
    if (banned !== undefined && banned[i] !== 0) continue;
    if (v !== v) v = -Infinity;
    const key = i === tieLoser ? LOSE : i === tieWinner ? -LOSE : tieSalt === undefined ? 0 : hash32(i, tieSalt);
    if (size < cap) {
      let pos = size++;
      hi[pos] = i; hs[pos] = v; hk[pos] = key;
      while (pos > 0) {
        const p = (pos - 1) >> 1;
        if (!worse(pos, p)) break;
        swap(pos, p);
        pos = p;
      }
    } else if (before(v, key, i, hs[0], hk[0], hi[0])) {
      hi[0] = i; hs[0] = v; hk[0] = key;
      let pos = 0;
      for (;;) {
        const l = 2 * pos + 1;
        if (l >= size) break;
        const r = l + 1;
        const w = r < size && worse(r, l) ? r : l;
        if (!worse(w, pos)) break;
        swap(pos, w);
        pos = w;
      }
    }
  }
  const order = Array.from({ length: size }, (_, j) => j);
  order.sort((a, b) => (before(hs[a], hk[a], hi[a], hs[b], hk[b], hi[b]) ? -1 : 1));
  return Int32Array.from(order, (j) => hi[j]);
}

/** A well-mixed 32-bit hash of (x, salt) as an unsigned integer (murmur3 finaliser). */
export function hash32(x: number, salt: number): number {
  let h = (Math.imul(x, 0x9e3779b1) ^ salt) | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
