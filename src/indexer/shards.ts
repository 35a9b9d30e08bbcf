/**
 * Sharded incremental indexing (docs/scale-out.md): the expensive part of `add` — running the trained indexer over
 * the new documents — splits across processes (or machines); the cheap part — collision codes and the atomic index
 * write — runs once. Shard s of n holds the documents at positions s, s + n, s + 2n, … of the input file; each shard
 * writes a prefix table (`doc_id  p1 … pT`, TSV); the merge reads all tables and calls `addDocuments` with them, so
 * the IDs equal an unsharded `add` of the same file.
 */
import * as fs from 'node:fs';
import { writeFileAtomic } from '../atomic-write';
import type { Doc } from '../data/types';
import { LmiError } from '../errors';
import { loadIdIndex } from '../quantize/id-index';
import { loadAssigner, type PrefixTable } from './incremental';

/** Parse `i/n` (0 ≤ i < n). */
export function parseShard(spec: string): { shard: number; of: number } {
  const m = /^(\d+)\/(\d+)$/.exec(spec);
  const shard = m ? Number(m[1]) : NaN;
  const of = m ? Number(m[2]) : NaN;
  if (!m || !(of >= 1) || !(shard < of)) throw new LmiError(`--shard: expected i/n with 0 ≤ i < n (e.g. 0/4), got "${spec}"`);
  return { shard, of };
}

/** The documents of shard `shard` of `of` (input positions shard, shard + of, …). */
export function shardDocs<T>(docs: readonly T[], shard: number, of: number): T[] {
  return docs.filter((_, i) => i % of === shard);
}

/** What one shard did. */
export interface ShardRun {
  docs: number;
  /** Documents already in the index (skipped). */
  alreadyIndexed: number;
  seconds: number;
  /** Documents per second of the prefix computation (model load excluded). */
  docsPerSecond: number;
  loadSeconds: number;
}

/** Compute the prefixes of one shard's unseen documents with the index's trained indexer and write them to `out`. */
export function runShard(dir: string, docs: readonly Doc[], shard: number, of: number, out: string): ShardRun {
  const t0 = performance.now();
  const index = loadIdIndex(dir);
  const known = new Set(index.corpus.docs.map((d) => d.id));
  const mine = shardDocs(docs, shard, of);
  const todo = mine.filter((d) => !known.has(d.id));
  const assigner = loadAssigner(index);
  try {
    const t1 = performance.now();
    const prefixes = todo.length ? assigner.prefixes(todo.map((d) => d.text)) : [];
    const seconds = (performance.now() - t1) / 1000;
    const T = assigner.prefixLength;
    const head = ['doc_id', ...Array.from({ length: T }, (_, t) => `p${t + 1}`)].join('\t');
    writeFileAtomic(out, [head, ...todo.map((d, i) => `${d.id}\t${prefixes[i].join('\t')}`)].join('\n') + '\n', 'prefix table');
    return { docs: todo.length, alreadyIndexed: mine.length - todo.length, seconds, docsPerSecond: todo.length / Math.max(seconds, 1e-9), loadSeconds: (t1 - t0) / 1000 };
  } finally {
    assigner.dispose();
  }
}

/** Read and join prefix tables written by {@link runShard}; errors name the file and line. */
export function readPrefixTables(files: readonly string[]): PrefixTable {
  if (!files.length) throw new LmiError('--prefixes: give at least one prefix table file');
  const byId = new Map<string, number[]>();
  const from = new Map<string, string>();
  let T = -1;
  for (const file of files) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      throw new LmiError(`${file}: cannot read prefix table (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    const lines = text.split('\n');
    const head = lines[0].split('\t');
    if (head[0] !== 'doc_id' || head.length < 2) throw new LmiError(`${file}:1: header must be "doc_id p1 … pT" (a table from add --shard), got ${JSON.stringify(lines[0])}`);
    if (T >= 0 && head.length - 1 !== T) throw new LmiError(`${file}:1: ${head.length - 1} positions, but ${files[0]} has ${T}; the tables come from different indexes`);
    T = head.length - 1;
    lines.slice(1).forEach((line, n) => {
      if (line === '') return;
      const cells = line.split('\t');
      const at = `${file}:${n + 2}`;
      if (cells.length !== T + 1 || cells.slice(1).some((c) => !/^\d+$/.test(c))) throw new LmiError(`${at}: expected a document id and ${T} non-negative integer codes`);
      if (byId.has(cells[0])) throw new LmiError(`${at}: document "${cells[0]}" also in ${from.get(cells[0])}; each document belongs to one shard`);
      byId.set(cells[0], cells.slice(1).map(Number));
      from.set(cells[0], at);
    });
  }
  return { prefixLength: T, byId, source: files.join(', ') };
}
