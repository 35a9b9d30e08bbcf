/**
 * The saved semantic ID index: the artefact every indexer (HC, RQ-VAE, LMIndexer) writes, and the explorer, retrieval
 * and incremental indexing read. A folder holding
 * - `index.json`: format and version, indexer name, corpus name/source/label keys/document count, config + its hash,
 *   codebook sizes, ID length, creation date, the indexer's own diagnostics;
 * - `ids.tsv`: header `doc_id  c1 … cL`, then one row per document: its id and its code at every position;
 * - `docs.jsonl`: one `{id, text, labels?, meta?}` per line, so the index is self-contained;
 * - optional, added without a version bump (readers ignore files they do not know): what an indexer needs to place
 *   unseen documents (`hc-state.json` + `hc-state.safetensors` for HC on TF-IDF, `model/` for LMIndexer) and
 *   `trie.json`, the prefix trie of all IDs used by retrieval. `lmindexer add` extends ids.tsv, docs.jsonl and
 *   trie.json together (src/indexer/incremental.ts); the collision position's codebook size then grows.
 * Saving writes a sibling temp folder and renames it into place, so a killed process never leaves half an index.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { configHash } from '../config';
import type { Corpus, Doc } from '../data/types';
import { LmiError } from '../errors';
import type { IndexerResult } from './types';

/** Value of `format` in every `index.json`. */
export const ID_INDEX_FORMAT = 'lmindexer-id-index';
/** Current format version; `loadIdIndex` rejects others. */
export const ID_INDEX_VERSION = 1;
/** File names inside an index folder. */
export const ID_INDEX_FILES = { manifest: 'index.json', ids: 'ids.tsv', docs: 'docs.jsonl' } as const;

/** Contents of `index.json`. */
export interface IdIndexManifest {
  format: typeof ID_INDEX_FORMAT;
  version: number;
  /** Indexer name: `hc`, `rq-vae`, `lmindexer`, … */
  indexer: string;
  corpus: { name: string; source: string; labelKeys: string[]; numDocs: number };
  /** `configHash(config)`: the cache key of the run that made the IDs. */
  configHash: string;
  config: unknown;
  codebookSizes: number[];
  /** Number of ID positions (= codebookSizes.length). */
  idLength: number;
  /** ISO date of creation. */
  created: string;
  /** The indexer's `IndexerResult.meta` (method, settings, diagnostics). */
  indexerMeta: Record<string, unknown>;
}

/** What `saveIdIndex` needs. */
export interface SaveIdIndexInput {
  corpus: Corpus;
  result: IndexerResult;
  indexer: string;
  config: unknown;
  /** Creation date (default now); fixed in tests. */
  created?: Date;
  /** More files to write into the folder, by name (written before the atomic swap, like the three above). */
  extraFiles?: Record<string, string | Uint8Array>;
  /** Carry every other entry of this existing index folder (a model, fitted state) into the new one (hard links). */
  carryFrom?: string;
}

/** A loaded index: the manifest, the corpus rebuilt from `docs.jsonl`, and the IDs in the corpus's document order. */
export interface LoadedIdIndex {
  dir: string;
  manifest: IdIndexManifest;
  corpus: Corpus;
  result: IndexerResult;
}

/** Throws unless `result` has one ID row per document, all rows as long as `codebookSizes`, codes in range. */
function checkIds(where: string, docs: readonly Doc[], result: IndexerResult): void {
  const L = result.codebookSizes.length;
  if (L === 0) throw new LmiError(`${where}: codebookSizes is empty; an index needs at least one ID position`);
  result.codebookSizes.forEach((k, t) => {
    if (!Number.isInteger(k) || k < 1) throw new LmiError(`${where}: codebookSizes[${t}] must be an integer ≥ 1, got ${k}`);
  });
  if (result.ids.length !== docs.length) {
    throw new LmiError(`${where}: ${result.ids.length} ID rows for ${docs.length} documents; pass the IDs of exactly this corpus`);
  }
  result.ids.forEach((row, i) => {
    if (row.length !== L) throw new LmiError(`${where}: ID of document "${docs[i].id}" has ${row.length} codes, expected ${L} (ragged IDs)`);
    row.forEach((c, t) => {
      if (!Number.isInteger(c) || c < 0 || c >= result.codebookSizes[t]) {
        throw new LmiError(`${where}: document "${docs[i].id}" has code ${c} at position ${t + 1}, outside 0..${result.codebookSizes[t] - 1}`);
      }
    });
  });
}

/** Throws on duplicate ids or ids that cannot live in a TSV cell. */
function checkDocIds(where: string, docs: readonly Doc[]): void {
  const seen = new Set<string>();
  for (const d of docs) {
    if (typeof d.id !== 'string' || d.id === '' || /[\t\r\n]/.test(d.id)) {
      throw new LmiError(`${where}: document id ${JSON.stringify(d.id)} must be a non-empty string without tabs or line breaks`);
    }
    if (seen.has(d.id)) throw new LmiError(`${where}: duplicate document id "${d.id}"; ids must be unique`);
    seen.add(d.id);
  }
}

/** The TSV text of the IDs. */
function idsTsv(docs: readonly Doc[], ids: readonly number[][], L: number): string {
  const head = ['doc_id', ...Array.from({ length: L }, (_, t) => `c${t + 1}`)].join('\t');
  const rows = docs.map((d, i) => `${d.id}\t${ids[i].join('\t')}`);
  return `${head}\n${rows.join('\n')}\n`;
}

/** The JSONL text of the documents. */
function docsJsonl(docs: readonly Doc[]): string {
  return docs.map((d) => JSON.stringify({ id: d.id, text: d.text, ...(d.labels ? { labels: d.labels } : {}), ...(d.meta ? { meta: d.meta } : {}) })).join('\n') + '\n';
}

/** Hard-link files (copy where links fail) of `src` into `dst`, recursively: carrying a large model costs nothing.
 *  Safe because every file of an index is replaced by rename, never rewritten in place. */
function linkOrCopy(src: string, dst: string): void {
  if (fs.statSync(src).isDirectory()) {
    fs.mkdirSync(dst);
    for (const name of fs.readdirSync(src)) linkOrCopy(path.join(src, name), path.join(dst, name));
    return;
  }
  try {
    fs.linkSync(src, dst);
  } catch {
    fs.copyFileSync(src, dst);
  }
}

/** Make `tmp` appear at `dir` in one rename; an existing index at `dir` is replaced, anything else is refused. */
function swapInto(tmp: string, dir: string): void {
  if (fs.existsSync(dir)) {
    const st = fs.statSync(dir);
    const empty = st.isDirectory() && fs.readdirSync(dir).length === 0;
    if (!st.isDirectory() || (!empty && !fs.existsSync(path.join(dir, ID_INDEX_FILES.manifest)))) {
      throw new LmiError(`${dir}: exists and is not an ID index folder; choose a new or empty folder (nothing was overwritten)`);
    }
    const old = `${tmp}.old`;
    fs.renameSync(dir, old);
    try {
      fs.renameSync(tmp, dir);
    } catch (e) {
      fs.renameSync(old, dir);
      throw e;
    }
    fs.rmSync(old, { recursive: true, force: true });
  } else {
    fs.renameSync(tmp, dir);
  }
}

/**
 * Save the IDs of `corpus` as an index folder at `dir` (created or replaced atomically). Validates first: one ID row
 * per document, equal lengths, codes within the codebooks, unique TSV-safe doc ids. Returns the manifest written.
 */
export function saveIdIndex(dir: string, input: SaveIdIndexInput): IdIndexManifest {
  const { corpus, result } = input;
  const where = `saveIdIndex(${dir})`;
  checkDocIds(where, corpus.docs);
  checkIds(where, corpus.docs, result);
  const L = result.codebookSizes.length;
  const manifest: IdIndexManifest = {
    format: ID_INDEX_FORMAT,
    version: ID_INDEX_VERSION,
    indexer: input.indexer,
    corpus: { name: corpus.name, source: corpus.source, labelKeys: [...corpus.labelKeys], numDocs: corpus.docs.length },
    configHash: configHash(input.config ?? null),
    config: input.config ?? null,
    codebookSizes: [...result.codebookSizes],
    idLength: L,
    created: (input.created ?? new Date()).toISOString(),
    indexerMeta: result.meta ?? {},
  };
  const abs = path.resolve(dir);
  const parent = path.dirname(abs);
  let tmp = '';
  try {
    fs.mkdirSync(parent, { recursive: true });
    tmp = fs.mkdtempSync(path.join(parent, `.${path.basename(abs)}.tmp-`));
    fs.writeFileSync(path.join(tmp, ID_INDEX_FILES.docs), docsJsonl(corpus.docs));
    fs.writeFileSync(path.join(tmp, ID_INDEX_FILES.ids), idsTsv(corpus.docs, result.ids, L));
    fs.writeFileSync(path.join(tmp, ID_INDEX_FILES.manifest), JSON.stringify(manifest, null, 2) + '\n');
    for (const [name, data] of Object.entries(input.extraFiles ?? {})) fs.writeFileSync(path.join(tmp, name), data);
    if (input.carryFrom) {
      for (const name of fs.readdirSync(input.carryFrom)) {
        if (fs.existsSync(path.join(tmp, name))) continue;
        linkOrCopy(path.join(input.carryFrom, name), path.join(tmp, name));
      }
    }
    swapInto(tmp, abs);
  } catch (e) {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    if (e instanceof LmiError) throw e;
    throw new LmiError(`cannot write ID index ${dir}: ${(e as Error).message} (check the folder is writable)`);
  }
  return manifest;
}

/** Read one file of the index, naming it when missing. */
function readPart(dir: string, name: string): string {
  const file = path.join(dir, name);
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new LmiError(`${file}: missing; ${dir} is not a complete ID index (re-run the indexer with --out)`);
    throw new LmiError(`${file}: cannot read (${code ?? (e as Error).message})`);
  }
}

/** Parse and check `index.json`. */
function parseManifest(file: string, text: string): IdIndexManifest {
  let m: Partial<IdIndexManifest>;
  try {
    m = JSON.parse(text) as Partial<IdIndexManifest>;
  } catch (e) {
    throw new LmiError(`${file}: invalid JSON (${(e as Error).message})`);
  }
  if (!m || typeof m !== 'object' || m.format !== ID_INDEX_FORMAT) {
    throw new LmiError(`${file}: field "format" must be "${ID_INDEX_FORMAT}", got ${JSON.stringify(m?.format)}; not an ID index`);
  }
  if (m.version !== ID_INDEX_VERSION) {
    throw new LmiError(`${file}: format version ${JSON.stringify(m.version)} is not supported (this build reads version ${ID_INDEX_VERSION}); re-create the index`);
  }
  if (!Array.isArray(m.codebookSizes) || m.codebookSizes.length === 0 || !m.codebookSizes.every((k) => Number.isInteger(k) && k >= 1)) {
    throw new LmiError(`${file}: field "codebookSizes" must be a non-empty list of integers ≥ 1`);
  }
  if (!m.corpus || typeof m.corpus.name !== 'string' || !Number.isInteger(m.corpus.numDocs) || !Array.isArray(m.corpus.labelKeys)) {
    throw new LmiError(`${file}: field "corpus" must hold name, source, labelKeys and numDocs`);
  }
  if (typeof m.indexer !== 'string') throw new LmiError(`${file}: field "indexer" missing`);
  return { ...m, idLength: m.codebookSizes.length, indexerMeta: m.indexerMeta ?? {} } as IdIndexManifest;
}

/** Parse `docs.jsonl` (blank lines ignored); also reads the documents given to `lmindexer add`. */
export function parseDocs(file: string, text: string): Doc[] {
  const docs: Doc[] = [];
  const seen = new Map<string, number>();
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const at = `${file}:${i + 1}`;
    let o: Partial<Doc>;
    try {
      o = JSON.parse(line) as Partial<Doc>;
    } catch (e) {
      throw new LmiError(`${at}: invalid JSON (${(e as Error).message})`);
    }
    if (typeof o.id !== 'string' || o.id === '') throw new LmiError(`${at}: field "id" missing or not a non-empty string`);
    if (typeof o.text !== 'string') throw new LmiError(`${at}: field "text" missing or not a string`);
    const prev = seen.get(o.id);
    if (prev !== undefined) throw new LmiError(`${at}: duplicate document id "${o.id}" (first on line ${prev}); ids must be unique`);
    seen.set(o.id, i + 1);
    docs.push({ id: o.id, text: o.text, ...(o.labels ? { labels: o.labels } : {}), ...(o.meta ? { meta: o.meta } : {}) });
  });
  return docs;
}

/** Parse `ids.tsv` into rows aligned with `docs`. */
function parseIds(file: string, text: string, docs: readonly Doc[], sizes: readonly number[]): number[][] {
  const lines = text.split('\n');
  const L = sizes.length;
  const head = lines[0]?.replace(/\r$/, '').split('\t') ?? [];
  if (head[0] !== 'doc_id' || head.length !== L + 1) {
    throw new LmiError(`${file}:1: header must be "doc_id" and ${L} code columns (c1..c${L}, from index.json codebookSizes), got ${JSON.stringify(lines[0] ?? '')}`);
  }
  const pos = new Map(docs.map((d, i) => [d.id, i]));
  const ids: (number[] | undefined)[] = new Array(docs.length);
  let rows = 0;
  for (let n = 1; n < lines.length; n++) {
    const line = lines[n].replace(/\r$/, '');
    if (line === '') continue;
    const at = `${file}:${n + 1}`;
    const cells = line.split('\t');
    if (cells.length !== L + 1) throw new LmiError(`${at}: ${cells.length - 1} codes, expected ${L} (ragged IDs)`);
    const i = pos.get(cells[0]);
    if (i === undefined) throw new LmiError(`${at}: document "${cells[0]}" is not in ${ID_INDEX_FILES.docs}`);
    if (ids[i]) throw new LmiError(`${at}: duplicate document id "${cells[0]}"`);
    ids[i] = cells.slice(1).map((s, t) => {
      const c = Number(s);
      if (!/^\d+$/.test(s) || c >= sizes[t]) throw new LmiError(`${at}: code "${s}" at position ${t + 1} is not an integer in 0..${sizes[t] - 1}`);
      return c;
    });
    rows++;
  }
  if (rows !== docs.length) {
    const missing = docs.find((_, i) => !ids[i]);
    throw new LmiError(`${file}: ${rows} ID rows for ${docs.length} documents in ${ID_INDEX_FILES.docs}${missing ? ` (no ID for "${missing.id}")` : ''}; the index is inconsistent, re-create it`);
  }
  return ids as number[][];
}

/** Load an index folder written by `saveIdIndex`, checking every file; errors name the file, line and fix. */
export function loadIdIndex(dir: string): LoadedIdIndex {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new LmiError(`${dir}: no such ID index folder (create one with the indexer's --out option)`);
  }
  const mFile = path.join(dir, ID_INDEX_FILES.manifest);
  const manifest = parseManifest(mFile, readPart(dir, ID_INDEX_FILES.manifest));
  const dFile = path.join(dir, ID_INDEX_FILES.docs);
  const docs = parseDocs(dFile, readPart(dir, ID_INDEX_FILES.docs));
  if (docs.length !== manifest.corpus.numDocs) {
    throw new LmiError(`${dFile}: ${docs.length} documents, but ${mFile} says numDocs = ${manifest.corpus.numDocs}; the index is inconsistent, re-create it`);
  }
  const ids = parseIds(path.join(dir, ID_INDEX_FILES.ids), readPart(dir, ID_INDEX_FILES.ids), docs, manifest.codebookSizes);
  const corpus: Corpus = { name: manifest.corpus.name, source: manifest.corpus.source, docs, labelKeys: [...manifest.corpus.labelKeys] };
  return { dir, manifest, corpus, result: { ids, codebookSizes: [...manifest.codebookSizes], meta: manifest.indexerMeta } };
}
