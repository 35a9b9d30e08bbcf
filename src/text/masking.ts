/**
 * Masking for the two text objectives:
 * - `hintMask`: the reconstructor's hint mask (paper Eq. 4–5: the reconstructor sees the semantic ID plus a
 *   fraction `hintRatio` of the document tokens, and must recover the rest);
 * - `spanCorruption`: T5's pre-training objective (Raffel et al. 2020, `random_spans_noise_mask`): noise spans of
 *   mean length `meanSpanLength` covering `noiseDensity` of the tokens are replaced by one sentinel each in the
 *   inputs; the targets list each sentinel followed by the span it replaced, then eos.
 */
import { LmiError } from '../errors';
import type { Rng } from '../rng';
import type { Tokenizer } from './tokenizer';

/**
 * Keep-mask over `length` tokens with exactly `round(hintRatio · length)` visible (true) tokens, capped so that at
 * least one token is masked (false). Positions are drawn uniformly with `rng`.
 */
export function hintMask(length: number, hintRatio: number, rng: Rng): boolean[] {
  if (!Number.isInteger(length) || length < 0) throw new LmiError(`hintMask: length must be an integer ≥ 0, got ${length}`);
  if (!(hintRatio >= 0 && hintRatio <= 1)) {
    throw new LmiError(`hintMask: hintRatio must be in [0, 1], got ${hintRatio} (config indexer.hintRatios)`);
  }
  const keep = new Array<boolean>(length).fill(false);
  const visible = Math.max(0, Math.min(Math.round(hintRatio * length), length - 1));
  // Partial Fisher–Yates: the first `visible` entries of a random permutation.
  const idx = Array.from({ length }, (_, i) => i);
  for (let i = 0; i < visible; i++) {
    const j = i + rng.int(length - i);
    const t = idx[i];
    idx[i] = idx[j];
    idx[j] = t;
    keep[idx[i]] = true;
  }
  return keep;
}

/** `ids` with every position whose `keep` is false replaced by `maskId`. */
export function applyHintMask(ids: readonly number[], keep: readonly boolean[], maskId: number): number[] {
  if (ids.length !== keep.length) {
    throw new LmiError(`applyHintMask: ids has ${ids.length} tokens but keep has ${keep.length}`);
  }
  return ids.map((id, i) => (keep[i] ? id : maskId));
}

/** Options of {@link spanCorruption}. */
export interface SpanCorruptionOptions {
  /** Fraction of tokens inside noise spans (T5: 0.15). */
  noiseDensity: number;
  /** Mean noise-span length (T5: 3). */
  meanSpanLength: number;
  /** Append eos to inputs and targets (T5 does). */
  addEos: boolean;
}

/** Defaults of {@link SpanCorruptionOptions} (T5's). */
export const DEFAULT_SPAN_CORRUPTION: SpanCorruptionOptions = { noiseDensity: 0.15, meanSpanLength: 3, addEos: true };

/** One span-corruption example. */
export interface SpanCorruptionExample {
  inputs: number[];
  targets: number[];
  /** Per original token: true if it was inside a noise span. */
  noiseMask: boolean[];
}

/** Splits `n` items into `k` non-empty segments uniformly at random; returns the segment lengths. */
function randomSegmentation(n: number, k: number, rng: Rng): number[] {
  // Choose k-1 distinct cut points in 1..n-1.
  const cuts = rng.permutation(n - 1).slice(0, k - 1).map((c) => c + 1).sort((a, b) => a - b);
  const out: number[] = [];
  let prev = 0;
  for (const c of [...cuts, n]) {
    out.push(c - prev);
    prev = c;
  }
  return out;
}

/**
 * T5 noise mask: `round(length · noiseDensity)` noise tokens (clamped to [1, length-1]) in
 * `max(1, round(noise / meanSpanLength))` spans, interleaved with non-noise spans, starting with non-noise.
 */
export function randomSpansNoiseMask(length: number, noiseDensity: number, meanSpanLength: number, rng: Rng): boolean[] {
  if (length <= 1) return new Array<boolean>(length).fill(true);
  const numNoise = Math.min(Math.max(Math.round(length * noiseDensity), 1), length - 1);
  const numNonNoise = length - numNoise;
  const numSpans = Math.min(Math.max(Math.round(numNoise / meanSpanLength), 1), numNoise, numNonNoise);
  const noiseLens = randomSegmentation(numNoise, numSpans, rng);
  const keepLens = randomSegmentation(numNonNoise, numSpans, rng);
  const mask: boolean[] = [];
  for (let s = 0; s < numSpans; s++) {
    for (let i = 0; i < keepLens[s]; i++) mask.push(false);
    for (let i = 0; i < noiseLens[s]; i++) mask.push(true);
  }
  return mask;
}

/**
 * T5 span corruption of `ids` (without eos): `inputs` keep non-noise tokens and put `sentinelIds[i]` in place of
 * the i-th noise span; `targets` are `sentinelIds[i]` followed by span i, for every span, then eos.
 */
export function spanCorruption(
  ids: readonly number[],
  tok: Pick<Tokenizer, 'sentinelIds' | 'eosId'>,
  rng: Rng,
  options: Partial<SpanCorruptionOptions> = {},
): SpanCorruptionExample {
  const o = { ...DEFAULT_SPAN_CORRUPTION, ...options };
  if (!(o.noiseDensity > 0 && o.noiseDensity < 1)) {
    throw new LmiError(`spanCorruption: option "noiseDensity" must be in (0, 1), got ${o.noiseDensity}`);
  }
  if (!(o.meanSpanLength >= 1)) {
    throw new LmiError(`spanCorruption: option "meanSpanLength" must be ≥ 1, got ${o.meanSpanLength}`);
  }
  const noiseMask = randomSpansNoiseMask(ids.length, o.noiseDensity, o.meanSpanLength, rng);
  const inputs: number[] = [];
  const targets: number[] = [];
  let span = -1;
  for (let i = 0; i < ids.length; i++) {
    if (noiseMask[i]) {
      if (i === 0 || !noiseMask[i - 1]) {
        span++;
        const s = tok.sentinelIds[span];
        if (s === undefined) {
          throw new LmiError(
            `spanCorruption: needs ${span + 1}+ sentinels but the tokenizer has ${tok.sentinelIds.length}; ` +
              'raise numSentinels or shorten the sequence',
          );
        }
        inputs.push(s);
        targets.push(s);
      }
      targets.push(ids[i]);
    } else inputs.push(ids[i]);
  }
  if (o.addEos) {
    inputs.push(tok.eosId);
    targets.push(tok.eosId);
  }
  return { inputs, targets, noiseMask };
}
