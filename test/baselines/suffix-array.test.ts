/** Suffix array (SEAL's n-gram index): every query checked against brute force on seeded random corpora. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SuffixArray } from '../../src/baselines/retrieval/suffix-array';
import { LmiError } from '../../src/errors';
import { Rng } from '../../src/rng';

/** Occurrences of `g` in `docs` (never across a document boundary), the docs holding it and the tokens after it. */
function brute(docs: number[][], g: number[]): { count: number; docs: number[]; next: Map<number, number> } {
  let count = 0;
  const holding = new Set<number>();
  const next = new Map<number, number>();
  docs.forEach((d, di) => {
    for (let i = 0; i + g.length <= d.length; i++) {
      if (g.every((t, j) => d[i + j] === t)) {
        count++;
        holding.add(di);
        if (i + g.length < d.length) next.set(d[i + g.length], (next.get(d[i + g.length]) ?? 0) + 1);
      }
    }
  });
  return { count, docs: [...holding].sort((a, b) => a - b), next };
}

function randomCorpus(rng: Rng, numDocs: number, vocab: number, maxLen: number): number[][] {
  return Array.from({ length: numDocs }, () => Array.from({ length: rng.int(maxLen + 1) }, () => rng.int(vocab)));
}

describe('SuffixArray', () => {
  it('sorts the suffixes (separators before tokens, each document its own separator)', () => {
    const sa = SuffixArray.build([[2, 1, 2], [1, 2]]);
    // text: 2 1 2 #0 1 2 #1  → keys: 2→4, 1→3, #0→0, #1→1
    assert.deepEqual([...sa.text], [2, 1, 2, -1, 1, 2, -2]);
    const key = (v: number): number => (v < 0 ? -v - 1 : v + 2);
    for (let j = 1; j < sa.sa.length; j++) {
      const a = [...sa.text.subarray(sa.sa[j - 1])].map(key);
      const b = [...sa.text.subarray(sa.sa[j])].map(key);
      let c = 0;
      for (let i = 0; c === 0 && i < Math.min(a.length, b.length); i++) c = a[i] - b[i];
      assert.ok(c < 0 || (c === 0 && a.length < b.length), `suffix ${sa.sa[j - 1]} must sort before ${sa.sa[j]}`);
    }
    assert.equal(sa.numTokens, 5);
    assert.equal(sa.count([1, 2]), 2);
    assert.deepEqual([...sa.docs([2, 1])], [0]);
    assert.deepEqual([...sa.docs([1, 2])], [0, 1]);
  });

  it('counts, documents and next tokens equal brute force on random corpora (incl. repetitive ones)', () => {
    const rng = new Rng(7);
    for (let trial = 0; trial < 30; trial++) {
      const vocab = trial % 3 === 0 ? 2 : 6; // a 2-token vocabulary makes long repeats (many doubling rounds)
      const docs = randomCorpus(rng, 1 + rng.int(8), vocab, 25);
      const sa = SuffixArray.build(docs);
      for (let q = 0; q < 40; q++) {
        const len = 1 + rng.int(5);
        // Half the probes are real n-grams of the corpus, half random.
        const src = docs[rng.int(docs.length)];
        const g = rng.next() < 0.5 && src.length >= len
          ? src.slice(rng.int(src.length - len + 1)).slice(0, len)
          : Array.from({ length: len }, () => rng.int(vocab + 1));
        const want = brute(docs, g);
        assert.equal(sa.count(g), want.count, `count of [${g}] in ${JSON.stringify(docs)}`);
        assert.deepEqual([...sa.docs(g)], want.docs);
        const next = sa.nextTokens(sa.range(g), g.length);
        assert.deepEqual(next.map((x) => [x.token, x.hi - x.lo]), [...want.next].sort((a, b) => a[0] - b[0]));
        for (const x of next) assert.deepEqual(sa.range([...g, x.token]), { lo: x.lo, hi: x.hi });
      }
    }
  });

  it('builds a 200k-token index quickly and rejects bad tokens', () => {
    const rng = new Rng(3);
    const docs = randomCorpus(rng, 2000, 500, 200);
    docs.push(docs[5].slice(), docs[5].slice()); // duplicate documents: the longest repeats
    const t0 = Date.now();
    const sa = SuffixArray.build(docs);
    const ms = Date.now() - t0;
    assert.ok(ms < 10_000, `build took ${ms} ms`);
    if (docs[5].length > 3) assert.deepEqual([...sa.docs(docs[5].slice(0, 4))].slice(-3), [5, 2000, 2001]);
    assert.throws(() => SuffixArray.build([[1, -3]]), (e: unknown) => e instanceof LmiError && /document 0, position 1/.test((e as Error).message));
    assert.throws(() => SuffixArray.build([]), LmiError);
  });
});
