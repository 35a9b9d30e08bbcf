/**
 * T5 span corruption (Raffel et al. 2020, Sec. 3.1.4): drop ~15% of the tokens in spans of mean length 3, replace
 * each span in the input by a sentinel, and ask the decoder for "sentinel₀ span₀ sentinel₁ span₁ … EOS".
 * A small self-contained version for the pretraining stage; a masker from `src/text` can be passed instead.
 */
import { LmiError } from '../errors';
import type { Rng } from '../rng';

export interface SpanCorruptionExample {
  inputs: number[];
  targets: number[];
}

export interface SpanCorruptionOptions {
  noiseDensity: number;
  meanSpanLength: number;
  /** Sentinel ids in order (`<extra_id_0>`, `<extra_id_1>`, …). */
  sentinelIds: readonly number[];
  eosId: number;
}

/** Split n items into k non-empty segments at random; returns segment lengths. */
function randomSegmentation(n: number, k: number, rng: Rng): number[] {
  if (k <= 1) return [n];
  const cuts = rng.permutation(n - 1).slice(0, k - 1).map((c) => c + 1).sort((a, b) => a - b);
  const out: number[] = [];
  let prev = 0;
  for (const c of [...cuts, n]) {
    out.push(c - prev);
    prev = c;
  }
  return out;
}

/** Corrupt one token sequence (without EOS; EOS is appended to inputs and targets). */
export function spanCorrupt(ids: readonly number[], rng: Rng, o: SpanCorruptionOptions): SpanCorruptionExample {
  const n = ids.length;
  if (!o.sentinelIds.length) throw new LmiError('spanCorrupt: the tokenizer has no sentinel ids; span corruption needs at least one');
  if (n < 2) return { inputs: [...ids, o.eosId], targets: [o.sentinelIds[0], o.eosId] };
  const numNoise = Math.min(n - 1, Math.max(1, Math.round(n * o.noiseDensity)));
  const numSpans = Math.min(o.sentinelIds.length, numNoise, n - numNoise, Math.max(1, Math.round(numNoise / o.meanSpanLength)));
  const noiseLens = randomSegmentation(numNoise, numSpans, rng);
  const keepLens = randomSegmentation(n - numNoise, numSpans, rng);
  const inputs: number[] = [];
  const targets: number[] = [];
  let pos = 0;
  for (let s = 0; s < numSpans; s++) {
    for (let i = 0; i < keepLens[s]; i++) inputs.push(ids[pos++]);
    inputs.push(o.sentinelIds[s]);
    targets.push(o.sentinelIds[s]);
    for (let i = 0; i < noiseLens[s]; i++) targets.push(ids[pos++]);
  }
  inputs.push(o.eosId);
  targets.push(o.eosId);
  return { inputs, targets };
}
