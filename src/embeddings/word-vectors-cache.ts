/**
 * On-disk cache of the full word-vector table: `words.json` (word list, row order = the package's frequency rank),
 * `vectors.f32` (little-endian float32, row-major `size × dim`) and `meta.json`, written last as the commit marker.
 * Every file is written to a temp name in the same folder and renamed, so a crash or a concurrent writer never
 * leaves a half-written cache that a reader would accept.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LmiError } from '../errors';
import type { ParsedWordVectors } from './word-vectors-parse';
import { writeFileAtomic } from '../atomic-write';

/** Bumped when the cache layout changes; old caches are then rebuilt. */
export const CACHE_FORMAT = 1;

export interface WordVectorCacheMeta {
  format: number;
  package: string;
  version: string;
  size: number;
  dim: number;
  /** Byte size of the source JSON, checked on load so a different file with the same version is not mistaken. */
  sourceBytes: number;
  createdAt: string;
  convertSeconds: number;
}

/** Write the full table into `dir` (created if needed). */
export function writeCache(dir: string, parsed: ParsedWordVectors, meta: WordVectorCacheMeta): void {
  if (os.endianness() !== 'LE') throw new LmiError('word vectors: the cache format is little-endian; this machine is big-endian');
  fs.mkdirSync(dir, { recursive: true });
  const v = parsed.vectors;
  writeFileAtomic(path.join(dir, 'vectors.f32'), new Uint8Array(v.buffer, v.byteOffset, v.byteLength), 'word-vector cache file (set LMI_CACHE_DIR to a writable folder)');
  writeFileAtomic(path.join(dir, 'words.json'), JSON.stringify(parsed.words), 'word-vector cache file');
  writeFileAtomic(path.join(dir, 'meta.json'), JSON.stringify(meta, null, 2) + '\n', 'word-vector cache file');
}

/** The cache's meta if it is complete and matches `expect`, else undefined (then it is rebuilt). */
export function readCacheMeta(dir: string, expect: Pick<WordVectorCacheMeta, 'version' | 'sourceBytes'>): WordVectorCacheMeta | undefined {
  let meta: WordVectorCacheMeta;
  try {
    meta = JSON.parse(fs.readFileSync(path.join(dir, 'meta.json'), 'utf8')) as WordVectorCacheMeta;
    const bytes = fs.statSync(path.join(dir, 'vectors.f32')).size;
    if (bytes !== meta.size * meta.dim * 4) return undefined;
    fs.accessSync(path.join(dir, 'words.json'), fs.constants.R_OK);
  } catch {
    return undefined;
  }
  if (meta.format !== CACHE_FORMAT || meta.version !== expect.version || meta.sourceBytes !== expect.sourceBytes) return undefined;
  return meta;
}

/** The cached word list (all rows). */
export function readCacheWords(dir: string, meta: WordVectorCacheMeta): string[] {
  const words = JSON.parse(fs.readFileSync(path.join(dir, 'words.json'), 'utf8')) as string[];
  if (!Array.isArray(words) || words.length !== meta.size) {
    throw new LmiError(`${path.join(dir, 'words.json')}: expected ${meta.size} words; delete ${dir} to rebuild the cache`);
  }
  return words;
}

/**
 * Read the given rows (any order, no duplicates needed) of the cached table into a new `rows.length × dim` array,
 * output row i = cached row `rows[i]`. Reads sequentially in blocks of `blockBytes`, skipping blocks with no wanted row.
 */
export function readCacheRows(dir: string, meta: WordVectorCacheMeta, rows: ArrayLike<number>, blockBytes = 4 << 20): Float32Array {
  const { dim } = meta;
  const rowBytes = dim * 4;
  const out = new Float32Array(rows.length * dim);
  const order = Array.from({ length: rows.length }, (_, i) => i).sort((a, b) => rows[a] - rows[b]);
  const fd = fs.openSync(path.join(dir, 'vectors.f32'), 'r');
  try {
    const rowsPerBlock = Math.max(1, Math.floor(blockBytes / rowBytes));
    const block = Buffer.alloc(rowsPerBlock * rowBytes);
    const view = new Float32Array(block.buffer, block.byteOffset, rowsPerBlock * dim);
    let i = 0;
    while (i < order.length) {
      const first = rows[order[i]];
      const count = Math.min(rowsPerBlock, meta.size - first);
      const got = fs.readSync(fd, block, 0, count * rowBytes, first * rowBytes);
      if (got !== count * rowBytes) throw new LmiError(`${path.join(dir, 'vectors.f32')}: short read; delete ${dir} to rebuild the cache`);
      for (; i < order.length && rows[order[i]] < first + count; i++) {
        const src = (rows[order[i]] - first) * dim;
        out.set(view.subarray(src, src + dim), order[i] * dim);
      }
    }
  } finally {
    fs.closeSync(fd);
  }
  return out;
}
