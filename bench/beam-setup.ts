/**
 * Shared by bench/beam-search.ts and bench/scaling.ts: the random ID trie + mock decoder of the beam-search bench,
 * and its timing loop (best of `reps` passes over `totalQueries` queries, after one warm-up batch).
 */
import { constrainedBeamSearch } from '../src/generative/beam-search';
import { MockMatmulDecoder } from '../src/generative/mock-decoder';
import { IdTrie } from '../src/generative/trie';
import { Rng } from '../src/rng';

export interface BeamSetup {
  trie: IdTrie;
  dec: MockMatmulDecoder;
}

/** `numIds` distinct random IDs of `positions` codes in [0, codebookSize), and the matching mock decoder. */
export function beamSetup(o: { codebookSize: number; positions: number; numIds: number; hidden?: number; seed?: number }): BeamSetup {
  const rng = new Rng(o.seed ?? 42);
  const trie = new IdTrie({ codebookSize: o.codebookSize });
  while (trie.size < o.numIds) trie.insert(Array.from({ length: o.positions }, () => rng.int(o.codebookSize)));
  return { trie, dec: new MockMatmulDecoder(rng, { codebookSize: o.codebookSize, hidden: o.hidden ?? 128 }) };
}

/** ms per query: `body(q)` handles q queries; one warm-up call, then the best of `reps` passes over all queries. */
export async function timePerQuery(totalQueries: number, reps: number, batch: number, body: (q: number) => Promise<void>): Promise<number> {
  await body(batch); // warm-up (kernels, trie caches)
  let best = Infinity;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    for (let done = 0; done < totalQueries; done += batch) await body(Math.min(batch, totalQueries - done));
    best = Math.min(best, performance.now() - t0);
  }
  return best / totalQueries;
}

/** One constrained beam search over q fresh queries. */
export async function searchOnce(s: BeamSetup, q: number, beamSize: number, selection: 'sparse' | 'topk' = 'sparse'): Promise<void> {
  await constrainedBeamSearch(s.dec, { state: s.dec.start(q, new Rng(q)), numQueries: q }, s.trie, { beamSize, selection });
}
