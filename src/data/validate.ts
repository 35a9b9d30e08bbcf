/**
 * Shared input checks for every loader. Each failure is an `LmiError` of the form
 * `<file>:<line>: field "<name>" <what is wrong>; <how to fix>` so the user can open the file at the line.
 */
import { isUtf8 } from 'node:buffer';
import * as fs from 'node:fs';
import { errorAt, LmiError } from '../errors';
import type { Corpus } from './types';
import { lineOf, scanJson } from './json-scan';

/** Read a UTF-8 file; missing, unreadable or empty (whitespace-only) files are errors. */
export function readTextFile(file: string): string {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw errorAt(file, undefined, 'file not found; check the path, or set LMI_DATA_DIR to the data folder that holds it');
    throw errorAt(file, undefined, `cannot read file (${code ?? (e as Error).message})`);
  }
  if (!isUtf8(bytes)) throw invalidUtf8(file, bytes);
  let text = bytes.toString('utf8');
  if (text.trim() === '') throw errorAt(file, undefined, 'file is empty; re-copy it from its source (see the data MANIFEST.md)');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return text;
}

/** The error for a file that is not valid UTF-8, naming the first bad line and byte (a newline byte never occurs
 *  inside a multi-byte UTF-8 sequence, so lines can be checked one by one). */
function invalidUtf8(file: string, bytes: Buffer): LmiError {
  let start = 0;
  for (let line = 1; ; line++) {
    const nl = bytes.indexOf(0x0a, start);
    const end = nl === -1 ? bytes.length : nl;
    if (!isUtf8(bytes.subarray(start, end))) {
      let col = 0; // walk whole characters (1-4 bytes each) up to the first that does not decode
      for (;;) {
        const len = [1, 2, 3, 4].find((n) => start + col + n <= end && isUtf8(bytes.subarray(start + col, start + col + n)));
        if (len === undefined) break;
        col += len;
      }
      return errorAt(file, line, `not valid UTF-8 (bad byte 0x${bytes[start + col].toString(16).padStart(2, '0')} at byte ${col + 1} of the line); re-save the file as UTF-8 (e.g. iconv -f latin1 -t utf-8)`);
    }
    if (nl === -1) return errorAt(file, undefined, 'not valid UTF-8; re-save the file as UTF-8');
    start = nl + 1;
  }
}

/** A parsed JSON file plus a way to find the line of a top-level key (computed only when asked). */
export interface JsonFile {
  file: string;
  value: unknown;
  /** 1-based line of top-level key `key` (undefined if not found or the root is not an object). */
  keyLine(key: string): number | undefined;
}

/** Read and parse a JSON file; a syntax error names the line and what was expected there. */
export function readJsonFile(file: string): JsonFile {
  const text = readTextFile(file);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const scan = scanJson(text);
    const line = scan.errorOffset !== undefined ? lineOf(text, scan.errorOffset) : undefined;
    const exp = scan.expected ? `expected ${scan.expected}` : (e as Error).message;
    throw errorAt(file, line, `malformed JSON (${exp}); fix the file or re-copy it from its source`);
  }
  let keyLines: Map<string, number> | undefined;
  return {
    file,
    value,
    keyLine(key: string): number | undefined {
      if (!keyLines) {
        keyLines = new Map();
        for (const [k, off] of scanJson(text).topKeys) keyLines.set(k, off);
        // offsets → lines in one pass
        const entries = [...keyLines.entries()].sort((a, b) => a[1] - b[1]);
        let line = 1;
        let pos = 0;
        for (const [k, off] of entries) {
          for (let n = text.indexOf('\n', pos); n !== -1 && n < off; n = text.indexOf('\n', n + 1)) {
            line++;
            pos = n + 1;
          }
          keyLines.set(k, line);
        }
      }
      return keyLines.get(key);
    },
  };
}

/** One parsed JSONL record with its 1-based line number. */
export interface JsonlRecord {
  line: number;
  value: Record<string, unknown>;
}

/** Read a JSON-lines file: one JSON object per non-blank line; a bad line is an error naming its line number. */
export function readJsonl(file: string): JsonlRecord[] {
  const text = readTextFile(file);
  const out: JsonlRecord[] = [];
  const lines = text.split('\n');
  for (let k = 0; k < lines.length; k++) {
    const raw = lines[k].endsWith('\r') ? lines[k].slice(0, -1) : lines[k];
    if (raw.trim() === '') continue;
    let v: unknown;
    try {
      v = JSON.parse(raw);
    } catch {
      const scan = scanJson(raw);
      throw errorAt(file, k + 1, `malformed JSON line (${scan.expected ? `expected ${scan.expected} at column ${(scan.errorOffset ?? 0) + 1}` : 'invalid JSON'}); each line must be one JSON object`);
    }
    if (!isRecord(v)) throw errorAt(file, k + 1, `each line must be a JSON object, got ${typeName(v)}`);
    out.push({ line: k + 1, value: v });
  }
  return out;
}

/** True for a plain (non-array, non-null) object. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** JSON-ish type name for messages. */
export function typeName(v: unknown): string {
  return Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v;
}

/** `obj[field]` as a string; missing or non-string → error naming file, line and field. */
export function fieldString(obj: Record<string, unknown>, field: string, file: string, line?: number, context = ''): string {
  const v = obj[field];
  if (v === undefined) throw errorAt(file, line, `${context}field "${field}" missing; every record needs it`);
  if (typeof v !== 'string') throw errorAt(file, line, `${context}field "${field}" must be a string, got ${typeName(v)} (${JSON.stringify(v)?.slice(0, 40)})`);
  return v;
}

/** Like `fieldString`, but also accepts a number (ids written as numbers) and returns it as a string. */
export function fieldId(obj: Record<string, unknown>, field: string, file: string, line?: number, context = ''): string {
  const v = obj[field];
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  const s = fieldString(obj, field, file, line, context);
  if (s.trim() === '') throw errorAt(file, line, `${context}field "${field}" is empty; ids must be non-empty`);
  return s;
}

/** Checks that `text` is non-empty after trimming; returns it trimmed. */
export function checkText(text: string, file: string, line: number | undefined, field: string, context = ''): string {
  const t = text.trim();
  if (t === '') throw errorAt(file, line, `${context}field "${field}" is empty (whitespace only); every document needs text — drop the record or fill the field`);
  return t;
}

/** Tracks ids seen in a file and rejects duplicates, naming both lines. */
export class IdRegistry {
  private readonly seen = new Map<string, number | undefined>();
  constructor(private readonly file: string, private readonly field = 'id') {}

  /** Register `id` found at `line`; a repeat is an error. */
  add(id: string, line?: number): void {
    if (this.seen.has(id)) {
      const first = this.seen.get(id);
      throw errorAt(this.file, line, `field "${this.field}": duplicate id "${id}"${first !== undefined ? ` (first at line ${first})` : ''}; ids must be unique`);
    }
    this.seen.set(id, line);
  }

  has(id: string): boolean {
    return this.seen.has(id);
  }

  get size(): number {
    return this.seen.size;
  }
}

/** Final whole-corpus check (unique ids, non-empty text, every label key present); returns the corpus. */
export function checkCorpus(corpus: Corpus): Corpus {
  const where = corpus.source || corpus.name;
  if (corpus.docs.length === 0) throw new LmiError(`${where}: corpus "${corpus.name}" has no documents`);
  const ids = new Set<string>();
  for (const [k, d] of corpus.docs.entries()) {
    if (ids.has(d.id)) throw new LmiError(`${where}: doc ${k}: field "id": duplicate id "${d.id}"`);
    ids.add(d.id);
    if (d.text.trim() === '') throw new LmiError(`${where}: doc "${d.id}": field "text" is empty`);
    for (const key of corpus.labelKeys) {
      if (typeof d.labels?.[key] !== 'string') throw new LmiError(`${where}: doc "${d.id}": field "labels.${key}" missing (labelKeys lists it)`);
    }
  }
  return corpus;
}
