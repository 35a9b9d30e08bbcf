/**
 * Zero-shot retrieval through the ID trie (no fine-tuning): the indexer gives a query text its T-position prefix,
 * and the documents whose IDs lie under that prefix in the trie are the answer (an unordered candidate set). Used to
 * check that documents added by `lmindexer add` are found (issue 11): hit rate = share of queries whose target is
 * among the candidates; `chance` = the hit rate of a candidate set of the same size drawn at random.
 */
import type { IdTrie, TrieNode } from '../generative/trie';
import type { IdAssigner } from './incremental';

/** Every complete ID at or below `node` (prefix included), depth first in code order. */
export function idsUnder(node: TrieNode | undefined, prefix: readonly number[]): number[][] {
  const out: number[][] = [];
  const walk = (n: TrieNode, path: number[]): void => {
    if (n.terminal) out.push([...path]);
    for (const c of [...n.children.keys()].sort((a, b) => a - b)) walk(n.children.get(c)!, [...path, c]);
  };
  if (node) walk(node, [...prefix]);
  return out;
}

export interface PrefixRetrievalResult {
  queries: number;
  /** Share of queries whose target document is under the predicted prefix. */
  hitRate: number;
  /** Mean number of candidates per query. */
  meanCandidates: number;
  /** Expected hit rate of random candidate sets of the same sizes (meanCandidates / documents). */
  chance: number;
}

/**
 * Run queries (text + target document's full ID) through `assigner` and `trie`; `numDocs` is the collection size.
 */
export function prefixRetrieval(assigner: IdAssigner, trie: IdTrie, queries: readonly { text: string; targetId: readonly number[] }[], numDocs: number): PrefixRetrievalResult {
  if (!queries.length) return { queries: 0, hitRate: 0, meanCandidates: 0, chance: 0 };
  const prefixes = assigner.prefixes(queries.map((q) => q.text));
  let hits = 0;
  let candidates = 0;
  queries.forEach((q, i) => {
    const found = idsUnder(trie.nodeAt(prefixes[i]), prefixes[i]);
    candidates += found.length;
    const target = q.targetId.join(',');
    if (found.some((id) => id.join(',') === target)) hits++;
  });
  const meanCandidates = candidates / queries.length;
  return { queries: queries.length, hitRate: hits / queries.length, meanCandidates, chance: meanCandidates / numDocs };
}
