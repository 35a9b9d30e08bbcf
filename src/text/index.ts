/**
 * Text entry points: build a tokenizer from config, load a saved one (corpus-trained WordPiece JSON or a T5
 * `spiece.model`), and encode batches into padded id matrices for the models.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TokenizerConfig } from '../config';
import { LmiError } from '../errors';
import type { Tokenizer } from './tokenizer';
import { loadSpiece, spieceFromJson, type SpieceJson, type SpieceOptions } from './spiece';
import { loadWordPiece, trainWordPiece, type WordPieceOptionsInput } from './wordpiece';

export type { Tokenizer } from './tokenizer';
export { trainWordPiece, loadWordPiece, WordPieceTokenizer } from './wordpiece';
export type { WordPieceOptions, WordPieceJson } from './wordpiece';
export { loadSpiece, SpieceTokenizer } from './spiece';
export type { SpieceOptions, SpieceJson } from './spiece';
export { normalizeText, preTokenize, decodeHtmlEntities, collapseWhitespace } from './normalize';
export type { NormalizeOptions } from './normalize';
export { hintMask, applyHintMask, spanCorruption, randomSpansNoiseMask } from './masking';
export type { SpanCorruptionOptions, SpanCorruptionExample } from './masking';

/**
 * Trains the tokenizer a config asks for on `texts`. `extra` carries WordPiece options not in `TokenizerConfig`
 * (limitAlphabet, normalisation details).
 */
export function buildTokenizer(cfg: TokenizerConfig, texts: readonly string[], extra: WordPieceOptionsInput = {}): Tokenizer {
  if (cfg.kind !== 'wordpiece') {
    throw new LmiError(`config: field "tokenizer.kind" is "${String(cfg.kind)}"; only "wordpiece" can be trained`);
  }
  if (texts.length === 0) throw new LmiError('buildTokenizer: no texts to train on; load a corpus first');
  return trainWordPiece(texts, {
    ...extra,
    vocabSize: cfg.vocabSize,
    minFrequency: cfg.minFrequency,
    numSentinels: cfg.numSentinels,
    normalize: { ...(extra.normalize ?? {}), lowercase: cfg.lowercase },
  });
}

/**
 * Loads a tokenizer from: a `toJSON()` object (WordPiece or spiece), a JSON string, a `.json` file, a
 * `spiece.model` file, or a directory holding `spiece.model` (preferred, T5/HF layout) or `tokenizer.json`.
 * The format is detected from content, not the extension (a SentencePiece model is binary protobuf).
 */
export function loadTokenizer(pathOrJson: string | object, spieceOptions: Partial<SpieceOptions> = {}): Tokenizer {
  if (typeof pathOrJson === 'object') return fromObject(pathOrJson, 'tokenizer JSON');
  if (pathOrJson.trimStart().startsWith('{')) return fromObject(parseJson(pathOrJson, 'tokenizer JSON'), 'tokenizer JSON');
  const p = pathOrJson;
  if (!fs.existsSync(p)) throw new LmiError(`${p}: not found; pass a tokenizer JSON, a spiece.model or a directory`);
  if (fs.statSync(p).isDirectory()) {
    if (fs.existsSync(path.join(p, 'spiece.model'))) return loadSpiece(p, spieceOptions);
    const j = path.join(p, 'tokenizer.json');
    if (fs.existsSync(j)) return loadTokenizer(j, spieceOptions);
    throw new LmiError(`${p}: directory has neither spiece.model nor tokenizer.json`);
  }
  const bytes = fs.readFileSync(p);
  let i = 0;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)) i++;
  if (bytes[i] === 0x7b /* '{' */) return fromObject(parseJson(bytes.toString('utf8'), p), p);
  return loadSpiece(p, spieceOptions);
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new LmiError(`${where}: not valid JSON (${(e as Error).message})`);
  }
}

function fromObject(obj: unknown, where: string): Tokenizer {
  const type = (obj as { type?: unknown } | null)?.type;
  if (type === 'wordpiece') return loadWordPiece(obj as object, where);
  if (type === 'spiece') return spieceFromJson(obj as SpieceJson, where);
  throw new LmiError(`${where}: field "type" must be "wordpiece" or "spiece", got ${JSON.stringify(type)}`);
}

/** A padded batch of token ids, row-major `[texts.length, maxLength]`. */
export interface EncodedBatch {
  ids: Int32Array;
  /** Tokens per row before padding (eos included when added). */
  lengths: Int32Array;
  batchSize: number;
  maxLength: number;
}

/** Options of {@link encodeBatch}. */
export interface EncodeBatchOptions {
  /** Append eos (T5 inputs end with `</s>`); truncation keeps room for it. Default true. */
  addEos: boolean;
}

/**
 * Encodes `texts`, truncates each to `maxLength` tokens (eos kept last when `addEos`) and pads with `padId`.
 */
export function encodeBatch(
  tok: Tokenizer,
  texts: readonly string[],
  maxLength: number,
  options: Partial<EncodeBatchOptions> = {},
): EncodedBatch {
  const { addEos } = { addEos: true, ...options };
  if (!Number.isInteger(maxLength) || maxLength < (addEos ? 2 : 1)) {
    throw new LmiError(`encodeBatch: maxLength must be an integer ≥ ${addEos ? 2 : 1} (config tokenizer.maxLength), got ${maxLength}`);
  }
  const ids = new Int32Array(texts.length * maxLength).fill(tok.padId);
  const lengths = new Int32Array(texts.length);
  texts.forEach((text, r) => {
    const row = tok.encode(text);
    const keep = Math.min(row.length, addEos ? maxLength - 1 : maxLength);
    for (let i = 0; i < keep; i++) ids[r * maxLength + i] = row[i];
    let n = keep;
    if (addEos) ids[r * maxLength + n++] = tok.eosId;
    lengths[r] = n;
  });
  return { ids, lengths, batchSize: texts.length, maxLength };
}
