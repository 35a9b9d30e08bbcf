/**
 * A WordPiece tokenizer trained on the corpus (used when no `spiece.model` is available).
 *
 * Vocabulary layout: `<pad>`=0, `</s>`=1, `<unk>`=2, `<mask>`=3, then `<extra_id_0>`… `<extra_id_{N-1}>` (T5 span
 * corruption sentinels), then the character alphabet, then pieces learned by frequency-based merges (see
 * `wordpiece-train.ts`). Encoding: normalise, pre-tokenise into words, and split each word greedily longest-match
 * first (`##` marks a word-internal piece); a word that cannot be covered becomes one `<unk>`. Decoding joins
 * `##` pieces to their word and words with single spaces, drops pad/eos/mask/sentinels and keeps `<unk>` visible.
 */
import * as fs from 'node:fs';
import { LmiError } from '../errors';
import type { Tokenizer } from './tokenizer';
import { DEFAULT_NORMALIZE_OPTIONS, normalizeText, preTokenize, type NormalizeOptions } from './normalize';
import { learnWordPieces } from './wordpiece-train';

/** Options of {@link trainWordPiece}. */
export interface WordPieceOptions {
  /** Total vocabulary size including special tokens; the corpus may support fewer. */
  vocabSize: number;
  /** A merge needs its pair to occur at least this many times. */
  minFrequency: number;
  /** Number of `<extra_id_N>` sentinels for T5 span corruption. */
  numSentinels: number;
  /** Words longer than this (in characters) become `<unk>` and are ignored in training. */
  maxInputCharsPerWord: number;
  /** At most this many distinct alphabet symbols (`c` and `##c` forms counted separately). */
  limitAlphabet: number;
  /** Text normalisation before pre-tokenisation. */
  normalize: NormalizeOptions;
}

/** Defaults of {@link WordPieceOptions}. */
export const DEFAULT_WORDPIECE_OPTIONS: WordPieceOptions = {
  vocabSize: 8000,
  minFrequency: 2,
  numSentinels: 20,
  maxInputCharsPerWord: 100,
  limitAlphabet: 1000,
  normalize: DEFAULT_NORMALIZE_OPTIONS,
};

/** Options accepted by {@link trainWordPiece}: any subset, normalisation options merged field by field. */
export type WordPieceOptionsInput = Partial<Omit<WordPieceOptions, 'normalize'>> & {
  normalize?: Partial<NormalizeOptions>;
};

/** JSON form of a {@link WordPieceTokenizer}. */
export interface WordPieceJson {
  type: 'wordpiece';
  version: 1;
  options: WordPieceOptions;
  vocab: string[];
}

const CONT = '##';

/** The fixed special tokens at the start of the vocabulary for `numSentinels` sentinels. */
export function wordPieceSpecials(numSentinels: number): string[] {
  const out = ['<pad>', '</s>', '<unk>', '<mask>'];
  for (let i = 0; i < numSentinels; i++) out.push(`<extra_id_${i}>`);
  return out;
}

/** A WordPiece tokenizer over a fixed vocabulary (see the module comment for the layout). */
export class WordPieceTokenizer implements Tokenizer {
  readonly vocabSize: number;
  readonly padId = 0;
  readonly eosId = 1;
  readonly unkId = 2;
  readonly maskId = 3;
  readonly sentinelIds: readonly number[];
  private readonly ids: Map<string, number>;
  private readonly maxPieceChars: number;
  private readonly numSpecials: number;
  private cache = new Map<string, readonly number[]>();

  /** Builds a tokenizer from a vocabulary that starts with {@link wordPieceSpecials}. Prefer {@link trainWordPiece}. */
  constructor(
    readonly vocab: readonly string[],
    readonly options: WordPieceOptions,
  ) {
    this.vocabSize = vocab.length;
    this.ids = new Map(vocab.map((t, i) => [t, i]));
    this.numSpecials = 4 + options.numSentinels;
    this.sentinelIds = Array.from({ length: options.numSentinels }, (_, i) => 4 + i);
    let maxLen = 1;
    for (let i = this.numSpecials; i < vocab.length; i++) {
      const t = vocab[i].startsWith(CONT) ? vocab[i].slice(CONT.length) : vocab[i];
      maxLen = Math.max(maxLen, [...t].length);
    }
    this.maxPieceChars = maxLen;
  }

  /** Normalised, pre-tokenised form of `text`: what `decode(encode(text))` returns for in-vocabulary text. */
  normalizedWords(text: string): string[] {
    return preTokenize(normalizeText(text, this.options.normalize));
  }

  /** Greedy longest-match-first split of one word into piece ids (one `<unk>` if it cannot be covered). */
  encodeWord(word: string): readonly number[] {
    const hit = this.cache.get(word);
    if (hit) return hit;
    // Code-unit slicing is exact when the word has no surrogate pairs (the common case); else slice code points.
    const chars = /[\ud800-\udfff]/.test(word) ? [...word] : undefined;
    const n = chars ? chars.length : word.length;
    const piece = (a: number, b: number): string => (chars ? chars.slice(a, b).join('') : word.slice(a, b));
    let out: number[] = [];
    if (n > this.options.maxInputCharsPerWord) out = [this.unkId];
    else {
      let start = 0;
      while (start < n) {
        let end = Math.min(n, start + this.maxPieceChars);
        let id: number | undefined;
        while (end > start) {
          const sub = piece(start, end);
          id = this.ids.get(start > 0 ? CONT + sub : sub);
          if (id !== undefined && id >= this.numSpecials) break;
          id = undefined;
          end--;
        }
        if (id === undefined) {
          out = [this.unkId];
          break;
        }
        out.push(id);
        start = end;
      }
    }
    if (this.cache.size > 200000) this.cache = new Map();
    this.cache.set(word, out);
    return out;
  }

  /** Text → ids (no eos added). */
  encode(text: string): number[] {
    const out: number[] = [];
    const words = this.normalizedWords(text);
    for (let i = 0; i < words.length; i++) {
      const ids = this.encodeWord(words[i]);
      for (let k = 0; k < ids.length; k++) out.push(ids[k]);
    }
    return out;
  }

  /** Ids → text: `##` pieces joined, words separated by one space, specials other than `<unk>` dropped. */
  decode(ids: readonly number[]): string {
    let s = '';
    for (const id of ids) {
      const t = this.vocab[id];
      if (t === undefined) throw new LmiError(`wordpiece decode: id ${id} is outside [0, ${this.vocabSize})`);
      if (id < this.numSpecials && id !== this.unkId) continue;
      if (t.startsWith(CONT) && id >= this.numSpecials) s += t.slice(CONT.length);
      else s += (s.length ? ' ' : '') + t;
    }
    return s;
  }

  /** Token string of an id. */
  idToToken(id: number): string {
    const t = this.vocab[id];
    if (t === undefined) throw new LmiError(`wordpiece idToToken: id ${id} is outside [0, ${this.vocabSize})`);
    return t;
  }

  /** Id of a token string, or undefined. */
  tokenToId(token: string): number | undefined {
    return this.ids.get(token);
  }

  /** `{type: 'wordpiece', version: 1, options, vocab}`; {@link loadWordPiece} reverses it. */
  toJSON(): WordPieceJson {
    return { type: 'wordpiece', version: 1, options: structuredClone(this.options), vocab: [...this.vocab] };
  }
}

function resolveOptions(input: WordPieceOptionsInput, where: string): WordPieceOptions {
  const o: WordPieceOptions = {
    ...DEFAULT_WORDPIECE_OPTIONS,
    ...input,
    normalize: { ...DEFAULT_NORMALIZE_OPTIONS, ...(input.normalize ?? {}) },
  };
  const int = (field: keyof WordPieceOptions, min: number): void => {
    const v = o[field];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
      throw new LmiError(`${where}: field "options.${field}" must be an integer ≥ ${min}, got ${JSON.stringify(v)}`);
    }
  };
  int('numSentinels', 0);
  int('vocabSize', 5 + o.numSentinels);
  int('minFrequency', 1);
  int('maxInputCharsPerWord', 1);
  int('limitAlphabet', 1);
  const n = o.normalize;
  for (const f of ['lowercase', 'stripAccents', 'stripTags'] as const) {
    if (typeof n[f] !== 'boolean') throw new LmiError(`${where}: field "options.normalize.${f}" must be a boolean`);
  }
  if (!['NFKC', 'NFC', 'none'].includes(n.unicode)) {
    throw new LmiError(`${where}: field "options.normalize.unicode" must be "NFKC", "NFC" or "none"`);
  }
  return o;
}

/**
 * Trains a WordPiece tokenizer on `texts`. Deterministic: the same texts and options give the same vocabulary.
 * `vocabSize` counts the special tokens; it must leave room for at least one piece.
 */
export function trainWordPiece(texts: readonly string[], options: WordPieceOptionsInput = {}): WordPieceTokenizer {
  const o = resolveOptions(options, 'trainWordPiece');
  const counts = new Map<string, number>();
  for (const text of texts) {
    if (typeof text !== 'string') throw new LmiError('trainWordPiece: texts must be strings');
    for (const w of preTokenize(normalizeText(text, o.normalize))) {
      if (w.length > o.maxInputCharsPerWord) continue;
      counts.set(w, (counts.get(w) ?? 0) + 1);
    }
  }
  const specials = wordPieceSpecials(o.numSentinels);
  const symbols = learnWordPieces(counts, {
    maxSymbols: o.vocabSize - specials.length,
    minFrequency: o.minFrequency,
    limitAlphabet: o.limitAlphabet,
  });
  return new WordPieceTokenizer([...specials, ...symbols], o);
}

/**
 * Loads a tokenizer saved with `JSON.stringify(tok.toJSON())`: from a parsed object, a JSON string, or a file
 * path. Validation errors name the file and the field (`tok.json: field "vocab[3]" must be "<mask>"`).
 */
export function loadWordPiece(jsonOrPath: string | object, source?: string): WordPieceTokenizer {
  let where = source ?? 'tokenizer JSON';
  let obj: unknown = jsonOrPath;
  if (typeof jsonOrPath === 'string') {
    let text = jsonOrPath;
    if (!jsonOrPath.trimStart().startsWith('{')) {
      where = source ?? jsonOrPath;
      if (!fs.existsSync(jsonOrPath)) throw new LmiError(`${where}: file not found; save one with toJSON() first`);
      text = fs.readFileSync(jsonOrPath, 'utf8');
    }
    try {
      obj = JSON.parse(text);
    } catch (e) {
      throw new LmiError(`${where}: not valid JSON (${(e as Error).message}); re-save the tokenizer`);
    }
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
    throw new LmiError(`${where}: expected a JSON object {type, version, options, vocab}`);
  }
  const j = obj as Partial<WordPieceJson>;
  if (j.type !== 'wordpiece') throw new LmiError(`${where}: field "type" must be "wordpiece", got ${JSON.stringify(j.type)}`);
  if (j.version !== 1) throw new LmiError(`${where}: field "version" must be 1, got ${JSON.stringify(j.version)}`);
  if (typeof j.options !== 'object' || j.options === null) throw new LmiError(`${where}: field "options" missing`);
  const o = resolveOptions(j.options, where);
  if (!Array.isArray(j.vocab)) throw new LmiError(`${where}: field "vocab" must be an array of strings`);
  const specials = wordPieceSpecials(o.numSentinels);
  const seen = new Set<string>();
  j.vocab.forEach((t, i) => {
    if (typeof t !== 'string' || t.length === 0) throw new LmiError(`${where}: field "vocab[${i}]" must be a non-empty string`);
    if (i < specials.length && t !== specials[i]) {
      throw new LmiError(`${where}: field "vocab[${i}]" must be "${specials[i]}" (special tokens come first), got "${t}"`);
    }
    if (seen.has(t)) throw new LmiError(`${where}: field "vocab[${i}]" duplicates "${t}"`);
    seen.add(t);
  });
  if (j.vocab.length < specials.length) {
    throw new LmiError(`${where}: field "vocab" has ${j.vocab.length} entries, fewer than the ${specials.length} specials`);
  }
  return new WordPieceTokenizer(j.vocab, o);
}
