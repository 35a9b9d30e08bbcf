/**
 * Test helper: a pure-JS decoder whose log-probs are a fixed random table indexed by (query, prefix), so an
 * exhaustive search can score every ID exactly as the beam search does. `prefer` forces a target per query.
 */
import type { IdDecoder, StepInput, StepOutput } from '../../src/generative/decoder';
import { Rng } from '../../src/rng';

export interface TableState {
  /** Query index per row. */
  query: Int32Array;
}

export class TableDecoder implements IdDecoder<TableState> {
  private readonly cache = new Map<string, Float32Array>();
  steps = 0;
  disposed = 0;

  constructor(
    readonly codebookSize: number,
    readonly seed: number,
    /** Per query: an ID (with trailing end code for nested IDs) whose codes get a large bonus. */
    readonly prefer?: (number[] | undefined)[],
  ) {}

  start(numQueries: number): TableState {
    return { query: Int32Array.from({ length: numQueries }, (_, i) => i) };
  }

  /** Log-probs of the next code after `prefix` for query `q`. */
  logProbs(q: number, prefix: readonly number[]): Float32Array {
    const key = `${q}|${prefix.join(',')}`;
    let lp = this.cache.get(key);
    if (!lp) {
      let h = this.seed ^ (q * 0x9e3779b1);
      for (const c of prefix) h = Math.imul(h ^ (c + 1), 0x85ebca6b) ^ (h >>> 13);
      const rng = new Rng(h);
      const V = this.codebookSize;
      const logits = Array.from({ length: V }, () => rng.normal() * 2);
      const target = this.prefer?.[q];
      if (target && prefix.length < target.length && prefix.every((c, i) => c === target[i])) logits[target[prefix.length]] += 40;
      const max = Math.max(...logits);
      const lse = max + Math.log(logits.reduce((s, x) => s + Math.exp(x - max), 0));
      lp = Float32Array.from(logits, (x) => x - lse);
      this.cache.set(key, lp);
    }
    return lp;
  }

  step(state: TableState, input: StepInput): StepOutput<TableState> {
    this.steps++;
    const V = this.codebookSize;
    const out = new Float32Array(input.rows * V);
    for (let r = 0; r < input.rows; r++) {
      const prefix = Array.from(input.prefixes.subarray(r * input.position, (r + 1) * input.position));
      out.set(this.logProbs(state.query[r], prefix), r * V);
    }
    return { logProbs: out, state };
  }

  reorder(state: TableState, parents: Int32Array): TableState {
    return { query: parents.map((p) => state.query[p]) };
  }

  dispose(): void {
    this.disposed++;
  }
}

/** Every ID of `ids` with its exact score (same float64 summation order as the search), best first. */
export function exhaustive(dec: TableDecoder, q: number, ids: number[][], endCode: number | undefined, nested: Set<string>): { id: number[]; score: number }[] {
  const scored = ids.map((id) => {
    let s = 0;
    for (let t = 0; t < id.length; t++) s = s + dec.logProbs(q, id.slice(0, t))[id[t]];
    if (endCode !== undefined && nested.has(id.join(','))) s = s + dec.logProbs(q, id)[endCode];
    return { id, score: s };
  });
  return scored.sort((a, b) => b.score - a.score || cmp(a.id, b.id));
}

function cmp(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}
