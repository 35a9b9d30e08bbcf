/**
 * Semantic IDs as decoder tokens (paper Sec. 5, Eq. 14: the model generates the target's ID c_1 … c_T).
 *
 * Choice: every (position t, code j) pair is a new token `<c{t}_{j}>` appended to the T5 vocabulary after the
 * text tokens, so ID tokens share the embedding table and the tied LM head with the text (TIGER / DSI style). The
 * same tokens can also appear in encoder inputs (a user's history as item IDs, Table 2). Token of (t, j) =
 * `base + offsets[t] + j`, where `offsets` are the running sums of the per-position codebook sizes.
 */
import * as tf from '@tensorflow/tfjs';
import { LmiError } from '../errors';
import { T5 } from '../model/t5';
import { Rng } from '../rng';

/** The block of ID tokens appended after a text vocabulary of size `base`. */
export class IdVocab {
  /** First ID token (= size of the text vocabulary). */
  readonly base: number;
  /** Codebook size per ID position. */
  readonly codebookSizes: readonly number[];
  /** Offset of position t's block inside the ID tokens. */
  readonly offsets: readonly number[];
  /** Number of ID tokens (Σ codebookSizes). */
  readonly size: number;

  constructor(base: number, codebookSizes: readonly number[]) {
    if (!Number.isInteger(base) || base < 1) throw new LmiError(`IdVocab: base (text vocabulary size) must be a positive integer, got ${base}`);
    if (!codebookSizes.length || codebookSizes.some((k) => !Number.isInteger(k) || k < 1)) {
      throw new LmiError(`IdVocab: codebookSizes must be positive integers, got [${codebookSizes.join(', ')}]`);
    }
    this.base = base;
    this.codebookSizes = [...codebookSizes];
    const offsets: number[] = [];
    let s = 0;
    for (const k of codebookSizes) {
      offsets.push(s);
      s += k;
    }
    this.offsets = offsets;
    this.size = s;
  }

  /** ID length T. */
  get length(): number {
    return this.codebookSizes.length;
  }

  /** Largest codebook (the beam search's per-step width). */
  get maxCodebookSize(): number {
    return Math.max(...this.codebookSizes);
  }

  /** Vocabulary size of a model that holds these tokens. */
  get totalVocab(): number {
    return this.base + this.size;
  }

  /** Token of code `code` at position `t`. */
  token(t: number, code: number): number {
    const k = this.codebookSizes[t];
    if (k === undefined) throw new LmiError(`IdVocab: position ${t} out of range [0, ${this.length})`);
    if (!Number.isInteger(code) || code < 0 || code >= k) throw new LmiError(`IdVocab: code ${code} out of range [0, ${k}) at position ${t}`);
    return this.base + this.offsets[t] + code;
  }

  /** Tokens of a whole ID. */
  tokens(id: readonly number[]): number[] {
    if (id.length !== this.length) throw new LmiError(`IdVocab: ID [${id.join(',')}] has ${id.length} codes, expected ${this.length}`);
    return id.map((c, t) => this.token(t, c));
  }

  /** (position, code) of an ID token, or undefined for a text token. */
  decode(token: number): { t: number; code: number } | undefined {
    if (token < this.base || token >= this.totalVocab) return undefined;
    const r = token - this.base;
    let t = this.length - 1;
    while (this.offsets[t] > r) t--;
    return { t, code: r - this.offsets[t] };
  }

  /** Display name `<c{t}_{j}>` of an ID token (1-based position as in the paper). */
  name(t: number, code: number): string {
    return `<c${t + 1}_${code}>`;
  }
}

/** Options of {@link withIdTokens}. */
export interface WithIdTokensOptions {
  /** Seed of the new embedding rows. Default 0. */
  seed?: number;
  /** Std of the new rows; default: the std of the existing `shared.weight` rows. */
  std?: number;
}

/**
 * A copy of `model` whose vocabulary has `vocab.size` extra rows for the ID tokens (in `shared.weight` and, when
 * untied, `lm_head.weight`). Every other parameter is copied unchanged. `model.config.vocabSize` must equal
 * `vocab.base`. The caller owns both models.
 */
export function withIdTokens(model: T5, vocab: IdVocab, options: WithIdTokensOptions = {}): T5 {
  const V = model.config.vocabSize;
  if (V !== vocab.base) throw new LmiError(`withIdTokens: model vocabulary is ${V} but IdVocab.base is ${vocab.base}; build the IdVocab from the model's vocabSize`);
  const out = T5.create({ ...model.config, vocabSize: vocab.totalVocab }, { ...model.options, seed: options.seed ?? 0 });
  const rng = new Rng(options.seed ?? 0);
  for (const [name, v] of model.params) {
    const target = out.params.get(name)!;
    if (name === 'shared.weight' || name === 'lm_head.weight') {
      const old = v.dataSync() as Float32Array;
      let std = options.std;
      if (std === undefined) {
        let s = 0;
        let s2 = 0;
        for (const x of old) {
          s += x;
          s2 += x * x;
        }
        const m = s / old.length;
        std = Math.sqrt(Math.max(1e-12, s2 / old.length - m * m));
      }
      // shared.weight is [V, d]; lm_head.weight is stored [d, V] (linear layout): new columns there.
      const [rows, cols] = v.shape as [number, number];
      const sd = std;
      const extra = Float32Array.from({ length: vocab.size * (name === 'shared.weight' ? cols : rows) }, () => rng.normal() * sd);
      tf.tidy(() => {
        const add = name === 'shared.weight' ? tf.tensor2d(extra, [vocab.size, cols]) : tf.tensor2d(extra, [rows, vocab.size]);
        target.assign(tf.concat([v, add], name === 'shared.weight' ? 0 : 1));
      });
    } else {
      target.assign(v);
    }
  }
  return out;
}
