import { LmiError } from '../errors';
import { entropyOfCounts } from './information';

/*
 * Statistics of semantic IDs `ids[doc][position]` (non-negative integer codes, same length T for every doc).
 * "Prefix of length t" means positions 0..t−1; t = T is the full ID.
 */

/** Summary of a set of semantic IDs; every per-position / per-prefix array has length T. */
export interface IdStats {
  /** Number of documents. */
  docs: number;
  /** ID length T. */
  length: number;
  /** Distinct codes used at each position. */
  codesUsed: number[];
  /** exp(entropy) of the code distribution at each position (Figure 4 "perplexity"). */
  perplexity: number[];
  /** collisionRate[t−1]: fraction of docs whose length-t prefix is shared with another doc. */
  collisionRate: number[];
  /** Distinct length-t prefixes, index t−1. */
  distinctPrefixes: number[];
  /** diffRatio[t−1]: see {@link diffRatio} (NaN when no two docs share the length-(t−1) prefix). */
  diffRatio: number[];
  /** Docs-per-full-ID histogram: docsPerId[s] = number of distinct full IDs held by exactly s docs (Figure 6). */
  docsPerId: number[];
}

/** Throws LmiError unless `ids` is a non-empty rectangular array of non-negative integers; returns T. */
export function checkIds(ids: readonly (readonly number[])[], where = 'ids'): number {
  if (ids.length === 0) throw new LmiError(`${where}: no documents; pass one ID (array of codes) per document`);
  const T = ids[0].length;
  if (T === 0) throw new LmiError(`${where}: doc 0 has an empty ID; IDs need at least one position`);
  for (let d = 0; d < ids.length; d++) {
    const id = ids[d];
    if (id.length !== T) throw new LmiError(`${where}: doc ${d} has ID length ${id.length}, doc 0 has ${T}`);
    for (let p = 0; p < T; p++) {
      if (!Number.isInteger(id[p]) || id[p] < 0) {
        throw new LmiError(`${where}: doc ${d} position ${p} holds ${id[p]}; codes must be non-negative integers`);
      }
    }
  }
  return T;
}

function checkPrefixLength(t: number, T: number, where: string): void {
  if (!Number.isInteger(t) || t < 1 || t > T) {
    throw new LmiError(`${where}: prefix length must be an integer in 1..${T}, got ${t}`);
  }
}

/** Sizes of groups of equal keys. */
function groupSizes(keys: string[]): number[] {
  const m = new Map<string, number>();
  for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
  return [...m.values()];
}

/**
 * String cluster label per doc from its first `t` positions, codes joined by '-' (e.g. `"12-3"`), for AMI of
 * ID prefixes against category labels. Throws LmiError on bad ids or t outside 1..T.
 */
export function prefixLabels(ids: readonly (readonly number[])[], t: number): string[] {
  const T = checkIds(ids, 'prefixLabels');
  checkPrefixLength(t, T, 'prefixLabels');
  return ids.map((id) => id.slice(0, t).join('-'));
}

/** Distinct codes used at each position. */
export function codesUsedPerPosition(ids: readonly (readonly number[])[]): number[] {
  const T = checkIds(ids, 'codesUsedPerPosition');
  return Array.from({ length: T }, (_, p) => new Set(ids.map((id) => id[p])).size);
}

/** Code-usage perplexity exp(H) (natural log) at each position: 1 = collapse to one code, K = uniform over K. */
export function perplexityPerPosition(ids: readonly (readonly number[])[]): number[] {
  const T = checkIds(ids, 'perplexityPerPosition');
  return Array.from({ length: T }, (_, p) => Math.exp(entropyOfCounts(groupSizes(ids.map((id) => String(id[p]))))));
}

/** collisionRate[t−1] = fraction of docs whose length-t prefix is also held by at least one other doc. */
export function collisionRateByPrefix(ids: readonly (readonly number[])[]): number[] {
  const T = checkIds(ids, 'collisionRateByPrefix');
  return Array.from({ length: T }, (_, p) => {
    const shared = groupSizes(prefixLabels(ids, p + 1)).reduce((s, g) => (g > 1 ? s + g : s), 0);
    return shared / ids.length;
  });
}

/**
 * Docs-per-ID histogram over length-t prefixes (default: the full ID): h[s] = number of distinct prefixes held by
 * exactly s docs (h[0] = 0). The paper's Figure 6 plots this for full IDs.
 */
export function docsPerIdHistogram(ids: readonly (readonly number[])[], t?: number): number[] {
  const T = checkIds(ids, 'docsPerIdHistogram');
  const len = t ?? T;
  checkPrefixLength(len, T, 'docsPerIdHistogram');
  const sizes = groupSizes(prefixLabels(ids, len));
  const h = new Array<number>(sizes.reduce((m, s) => Math.max(m, s), 0) + 1).fill(0);
  for (const s of sizes) h[s]++;
  return h;
}

/**
 * The paper's "diff ratio" (Sec 4.3) at 0-based `position`: among document pairs sharing the ID prefix before
 * `position` (all pairs when position = 0), the fraction whose codes at `position` differ. NaN when no pair
 * shares the prefix.
 */
export function diffRatio(ids: readonly (readonly number[])[], position: number): number {
  const T = checkIds(ids, 'diffRatio');
  if (!Number.isInteger(position) || position < 0 || position >= T) {
    throw new LmiError(`diffRatio: position must be an integer in 0..${T - 1}, got ${position}`);
  }
  const pairs = (g: number): number => (g * (g - 1)) / 2;
  const prefix = position === 0 ? ids.map(() => '') : prefixLabels(ids, position);
  const sharingPrefix = groupSizes(prefix).reduce((s, g) => s + pairs(g), 0);
  const sharingNext = groupSizes(prefixLabels(ids, position + 1)).reduce((s, g) => s + pairs(g), 0);
  return sharingPrefix === 0 ? NaN : (sharingPrefix - sharingNext) / sharingPrefix;
}

/** All of the above in one pass-friendly summary. */
export function idStats(ids: readonly (readonly number[])[]): IdStats {
  const T = checkIds(ids, 'idStats');
  const positions = Array.from({ length: T }, (_, p) => p);
  return {
    docs: ids.length,
    length: T,
    codesUsed: codesUsedPerPosition(ids),
    perplexity: perplexityPerPosition(ids),
    collisionRate: collisionRateByPrefix(ids),
    distinctPrefixes: positions.map((p) => new Set(prefixLabels(ids, p + 1)).size),
    diffRatio: positions.map((p) => diffRatio(ids, p)),
    docsPerId: docsPerIdHistogram(ids),
  };
}
