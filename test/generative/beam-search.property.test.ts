/**
 * Property test (issue 7): 10,000 random small tries × random decoders. The search never emits an ID outside the
 * trie, never a duplicate within a query, returns scores that equal the exhaustive score of each ID, and with
 * beam ≥ number of IDs returns exactly the exhaustive ranking (so every ID is reachable and top-1 = exhaustive best);
 * a decoder that prefers a target reaches it with beam 1.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { constrainedBeamSearch } from '../../src/generative/beam-search';
import { IdTrie } from '../../src/generative/trie';
import { Rng } from '../../src/rng';
import { exhaustive, TableDecoder } from './table-decoder';

interface Case {
  trie: IdTrie;
  ids: number[][];
  nested: Set<string>;
  fixed: boolean;
}

function randomCase(rng: Rng): Case {
  const V = 2 + rng.int(5);
  const fixed = rng.next() < 0.7;
  const endCode = fixed ? undefined : V - 1;
  const codes = fixed ? V : V - 1;
  const L = 1 + rng.int(4);
  const trie = new IdTrie({ codebookSize: V, endCode });
  const n = 1 + rng.int(15);
  for (let i = 0; i < n; i++) {
    const len = fixed ? L : 1 + rng.int(L);
    trie.insert(Array.from({ length: len }, () => rng.int(codes)));
  }
  const ids = [...trie.ids()];
  const nested = new Set(ids.filter((id) => !trie.nodeAt(id)!.isLeaf).map((id) => id.join(',')));
  return { trie, ids, nested, fixed };
}

describe('constrained beam search: property test over 10,000 random tries', () => {
  it('valid, unique, exact scores; beam >= #IDs gives the exhaustive ranking; preferred targets are reachable', async () => {
    const rng = new Rng(2024);
    let fullChecks = 0;
    for (let trial = 0; trial < 10_000; trial++) {
      const { trie, ids, nested, fixed } = randomCase(rng);
      const Q = 1 + rng.int(3);
      const beam = 1 + rng.int(ids.length + 2);
      const topK = 1 + rng.int(beam);
      const dec = new TableDecoder(trie.codebookSize, rng.nextUint32());
      const hits = await constrainedBeamSearch(dec, { state: dec.start(Q), numQueries: Q }, trie, { beamSize: beam, topK });
      assert.equal(dec.disposed, 1);
      assert.equal(hits.length, Q);
      for (let q = 0; q < Q; q++) {
        const ex = exhaustive(dec, q, ids, trie.endCode, nested);
        const exScore = new Map(ex.map((e) => [e.id.join(','), e.score]));
        const seen = new Set<string>();
        for (const h of hits[q]) {
          const key = h.id.join(',');
          assert.ok(trie.has(h.id), `trial ${trial}: emitted [${key}] not in trie`);
          assert.ok(!seen.has(key), `trial ${trial}: duplicate [${key}]`);
          seen.add(key);
          assert.equal(h.score, exScore.get(key), `trial ${trial}: score of [${key}]`);
        }
        for (let i = 1; i < hits[q].length; i++) assert.ok(hits[q][i - 1].score >= hits[q][i].score);
        if (fixed) assert.equal(hits[q].length, Math.min(topK, ids.length), `trial ${trial}: result count`);
        if (beam >= ids.length) {
          fullChecks++;
          assert.deepEqual(hits[q], ex.slice(0, topK), `trial ${trial}: beam ${beam} >= ${ids.length} IDs`);
        }
      }

      // Forcing: a decoder preferring a random target per query finds it with beam 1.
      const targets = Array.from({ length: Q }, () => {
        const id = ids[rng.int(ids.length)];
        return nested.has(id.join(',')) ? [...id, trie.endCode!] : id;
      });
      const forced = new TableDecoder(trie.codebookSize, rng.nextUint32(), targets);
      const top = await constrainedBeamSearch(forced, { state: forced.start(Q), numQueries: Q }, trie, { beamSize: 1 });
      for (let q = 0; q < Q; q++) {
        const want = nested.has(targets[q].slice(0, -1).join(',')) && targets[q].at(-1) === trie.endCode
          ? targets[q].slice(0, -1) : targets[q];
        assert.deepEqual(top[q].map((h) => h.id), [want], `trial ${trial}: forced target`);
      }
    }
    assert.ok(fullChecks > 5000, `exhaustive comparisons: ${fullChecks}`);
  });
});
