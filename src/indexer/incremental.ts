/**
 * Incremental indexing (issue 11; paper Sec. 4: a trained indexer "can be directly utilized to generate semantic
 * IDs for documents both seen and unseen"): IDs for new documents from the trained indexer, no retraining.
 *
 * - The indexer gives each unseen document its T-position prefix: HC by nearest centroid per level
 *   (src/quantize/hc-state.ts), LMIndexer greedily position by position (`LMIndexer.index`).
 * - The collision position (the final one) settles who shares a prefix: a new document takes the next free
 *   collision code of its prefix (largest existing code + 1), so existing IDs never change and all IDs stay unique.
 *   The collision position's codebook size grows when a prefix gets more documents than the largest group before.
 * - Seen documents (same id, same text) keep their stored ID; the same id with another text is an error.
 * - A new document whose text duplicates a seen document's text is still a new document: it gets its own ID (the
 *   same prefix, the next collision code). Choice: ids, not texts, name documents, and the ID map must stay a
 *   bijection between IDs and document ids.
 * `addDocuments` writes ids.tsv, docs.jsonl, index.json and trie.json together in one atomic folder swap.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Corpus, Doc } from '../data/types';
import { LmiError } from '../errors';
import { idStats } from '../eval/id-stats';
import { IdTrie, type IdTrieJson } from '../generative/trie';
import { hcPaths, loadHcState } from '../quantize/hc-state';
import { type IdIndexManifest, loadIdIndex, type LoadedIdIndex, saveIdIndex } from '../quantize/id-index';
import { LMIndexer } from './lmindexer';

/** File name of the saved trie inside an index folder. */
export const TRIE_FILE = 'trie.json';
/** Folder of the saved LMIndexer model inside an index folder (written by `lmindexer fit`). */
export const MODEL_DIR = 'model';

/** What places unseen texts: their T-position prefix (no collision position). */
export interface IdAssigner {
  /** `hc` or `lmindexer`. */
  kind: string;
  /** Number of learned positions T. */
  prefixLength: number;
  prefixes(texts: readonly string[]): number[][];
  dispose(): void;
}

/** Prefixes computed elsewhere (a sharded run, src/indexer/shards.ts): document id → its T codes. */
export interface PrefixTable {
  prefixLength: number;
  byId: Map<string, number[]>;
  /** Where the table came from, for error messages. */
  source: string;
}

/** The assigner saved with an index: HC state files, or the LMIndexer model folder. */
export function loadAssigner(index: LoadedIdIndex): IdAssigner {
  const { dir, manifest } = index;
  if (manifest.indexer === 'lmindexer') {
    const modelDir = path.join(dir, MODEL_DIR);
    if (!fs.existsSync(path.join(modelDir, 'indexer.json'))) {
      throw new LmiError(`${modelDir}: missing; this LMIndexer index has no saved model (re-create it with "lmindexer fit --out")`);
    }
    const lmi = LMIndexer.load(modelDir);
    return { kind: 'lmindexer', prefixLength: lmi.options.idLength, prefixes: (t) => lmi.index(t), dispose: () => lmi.dispose() };
  }
  if (manifest.indexer.startsWith('hc-')) {
    const state = loadHcState(dir); // throws with the file name and the fix when the state is missing
    return { kind: 'hc', prefixLength: state.tree.depth, prefixes: (t) => hcPaths(state, t), dispose: () => undefined };
  }
  throw new LmiError(`${path.join(dir, 'index.json')}: indexer "${manifest.indexer}" cannot place new documents; only hc-tfidf and lmindexer indexes can`);
}

/** Whether IDs of this index end with a collision position after the T learned ones. */
function hasCollisionPosition(index: LoadedIdIndex, T: number): boolean {
  const L = index.manifest.codebookSizes.length;
  if (L === T + 1) return true;
  if (L === T) return false;
  throw new LmiError(`${path.join(index.dir, 'index.json')}: ${L} ID positions, but the indexer has ${T} learned positions; the index and its model do not match`);
}

const key = (id: readonly number[]): string => id.join(',');

/**
 * Full IDs for new prefixes given the existing IDs: with a collision position, each new document takes the next
 * free code of its prefix; without one the ID is the prefix itself (duplicates possible, as in the index).
 */
export function resolveCollisions(existing: readonly (readonly number[])[], prefixes: readonly (readonly number[])[], withCollision: boolean): number[][] {
  if (!withCollision) return prefixes.map((p) => [...p]);
  const T = prefixes[0]?.length ?? 0;
  const next = new Map<string, number>();
  for (const id of existing) {
    const k = key(id.slice(0, T));
    next.set(k, Math.max(next.get(k) ?? 0, id[T] + 1));
  }
  return prefixes.map((p) => {
    const k = key(p);
    const c = next.get(k) ?? 0;
    next.set(k, c + 1);
    return [...p, c];
  });
}

/** IDs of `docs` against an index: `seen[i]` tells whether doc i was already there (its stored ID returned). */
export interface IndexedDocs {
  ids: number[][];
  seen: boolean[];
  /** The T-position prefixes the indexer gave the unseen documents (undefined for seen ones). */
  prefixes: (number[] | undefined)[];
}

/**
 * IDs for seen and unseen documents (issue 5 `.index(docs)`): seen ones keep their stored ID, unseen ones get the
 * indexer's prefix plus the next free collision code. Nothing is written. `where` names the documents' source.
 */
export function indexDocs(index: LoadedIdIndex, assigner: IdAssigner | PrefixTable, docs: readonly Doc[], where = 'documents'): IndexedDocs {
  const pos = new Map(index.corpus.docs.map((d, i) => [d.id, i]));
  const fresh = new Set<string>();
  const unseen: number[] = [];
  const seen = docs.map((d) => {
    const i = pos.get(d.id);
    if (i !== undefined) {
      if (index.corpus.docs[i].text !== d.text) {
        throw new LmiError(`${where}: document "${d.id}" is already in ${index.dir} with a different text; give the new version a new id`);
      }
      return true;
    }
    if (fresh.has(d.id)) throw new LmiError(`${where}: document id "${d.id}" appears twice; ids must be unique`);
    fresh.add(d.id);
    return false;
  });
  docs.forEach((_, i) => { if (!seen[i]) unseen.push(i); });
  const T = assigner.prefixLength;
  const withCollision = hasCollisionPosition(index, T);
  const newPrefixes = !unseen.length ? [] : 'byId' in assigner ? unseen.map((i) => lookup(assigner, docs[i].id, where)) : assigner.prefixes(unseen.map((i) => docs[i].text));
  const full = resolveCollisions(index.result.ids, newPrefixes, withCollision);
  const ids: number[][] = new Array(docs.length);
  const prefixes: (number[] | undefined)[] = new Array(docs.length).fill(undefined);
  docs.forEach((d, i) => { if (seen[i]) ids[i] = [...index.result.ids[pos.get(d.id)!]]; });
  unseen.forEach((i, j) => { ids[i] = full[j]; prefixes[i] = newPrefixes[j]; });
  return { ids, seen, prefixes };
}

function lookup(table: PrefixTable, id: string, where: string): number[] {
  const p = table.byId.get(id);
  if (!p) throw new LmiError(`${where}: no precomputed prefix for document "${id}" in ${table.source}; run the shard that holds it (add --shard i/n --prefixes-out FILE)`);
  return p;
}

/** How the new documents spread over the codes. */
export interface AddReport {
  added: number;
  /** Documents already in the index (same id and text), left as they were. */
  alreadyIndexed: number;
  /** Per learned position: distinct codes the new documents use, and the exp-entropy of their codes. */
  codesUsed: number[];
  perplexity: number[];
  /** New documents whose T-prefix was already held by an existing document (they got a collision code > 0). */
  joinedExistingPrefix: number;
  /** Distinct T-prefixes that did not exist before. */
  newPrefixes: number;
  /** Codebook sizes before and after (only the collision position can grow). */
  codebookSizesBefore: number[];
  codebookSizesAfter: number[];
  seconds: number;
  /** Documents per second of the whole `add` (load, assign, write). */
  docsPerSecond: number;
  /** Seconds spent computing prefixes alone. */
  assignSeconds: number;
}

/** Load `dir/trie.json`, or build the trie from the IDs when the index predates it. */
export function loadTrie(index: LoadedIdIndex): IdTrie {
  const file = path.join(index.dir, TRIE_FILE);
  const size = Math.max(...index.manifest.codebookSizes);
  if (!fs.existsSync(file)) return IdTrie.from(index.result.ids, { codebookSize: size });
  const trie = IdTrie.fromJSON(fs.readFileSync(file, 'utf8'), file);
  if (trie.size !== new Set(index.result.ids.map(key)).size) {
    throw new LmiError(`${file}: holds ${trie.size} IDs but ids.tsv has ${new Set(index.result.ids.map(key)).size} distinct ones; the index is inconsistent, delete trie.json to rebuild it`);
  }
  return trie;
}

/**
 * Add `docs` to the index at `dir` (no retraining) and write the extended index atomically to `out` (default `dir`):
 * ids.tsv and docs.jsonl gain the new rows, trie.json the new IDs, index.json the new counts and an `added` history.
 */
export function addDocuments(
  dir: string, docs: readonly Doc[], opts: { out?: string; where?: string; assigner?: IdAssigner; prefixes?: PrefixTable } = {},
): { report: AddReport; ids: number[][]; manifest: IdIndexManifest } {
  const t0 = performance.now();
  const index = loadIdIndex(dir);
  const own = !opts.assigner && !opts.prefixes;
  const assigner: IdAssigner | PrefixTable = opts.prefixes ?? opts.assigner ?? loadAssigner(index);
  try {
    const ta = performance.now();
    const r = indexDocs(index, assigner, docs, opts.where);
    const assignSeconds = (performance.now() - ta) / 1000;
    const newDocs = docs.filter((_, i) => !r.seen[i]);
    const newIds = r.ids.filter((_, i) => !r.seen[i]);
    const T = assigner.prefixLength;
    const allIds = [...index.result.ids, ...newIds];
    const before = index.manifest.codebookSizes;
    const after = before.map((k, t) => (t < T ? k : newIds.reduce((m, id) => Math.max(m, id[t] + 1), k))); // no spread: 1M args overflow
    const oldPrefixes = new Set(index.result.ids.map((id) => key(id.slice(0, T))));
    const newPrefixes = new Set(newIds.map((id) => key(id.slice(0, T))).filter((k) => !oldPrefixes.has(k)));
    const trie = loadTrie(index);
    let trieJson: IdTrieJson;
    if (Math.max(...after) > trie.codebookSize) trieJson = IdTrie.from(allIds, { codebookSize: Math.max(...after) }).toJSON();
    else {
      for (const id of newIds) trie.insert(id);
      trieJson = trie.toJSON();
    }
    const corpus: Corpus = { ...index.corpus, docs: [...index.corpus.docs, ...newDocs] };
    const stats = newIds.length ? idStats(newIds.map((id) => id.slice(0, T))) : undefined;
    const seconds = (performance.now() - t0) / 1000;
    const report: AddReport = {
      added: newDocs.length,
      alreadyIndexed: docs.length - newDocs.length,
      codesUsed: stats?.codesUsed ?? [],
      perplexity: stats?.perplexity ?? [],
      joinedExistingPrefix: newIds.filter((id) => oldPrefixes.has(key(id.slice(0, T)))).length,
      newPrefixes: newPrefixes.size,
      codebookSizesBefore: [...before],
      codebookSizesAfter: after,
      seconds,
      docsPerSecond: newDocs.length / Math.max(seconds, 1e-9),
      assignSeconds,
    };
    if (!newDocs.length) return { report, ids: r.ids, manifest: index.manifest }; // nothing new: the index stays as it is
    const history = Array.isArray(index.manifest.indexerMeta.added) ? (index.manifest.indexerMeta.added as unknown[]) : [];
    const kept = { added: report.added, alreadyIndexed: report.alreadyIndexed, joinedExistingPrefix: report.joinedExistingPrefix, newPrefixes: report.newPrefixes, codebookSizes: after, assignSeconds };
    const manifest = saveIdIndex(opts.out ?? dir, {
      corpus,
      result: { ids: allIds, codebookSizes: after, meta: { ...index.manifest.indexerMeta, added: [...history, { date: new Date().toISOString(), ...kept }] } },
      indexer: index.manifest.indexer,
      config: index.manifest.config,
      created: new Date(index.manifest.created),
      extraFiles: { [TRIE_FILE]: JSON.stringify(trieJson) + '\n' },
      carryFrom: dir,
    });
    report.seconds = (performance.now() - t0) / 1000;
    report.docsPerSecond = newDocs.length / Math.max(report.seconds, 1e-9);
    return { report, ids: r.ids, manifest };
  } finally {
    if (own) (assigner as IdAssigner).dispose();
  }
}
