import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend';
import { LmiError } from '../../src/errors';
import { constrainedBeamSearch, type IdDecoder } from '../../src/generative/beam-search';
import { MockMatmulDecoder } from '../../src/generative/mock-decoder';
import { IdTrie } from '../../src/generative/trie';
import { Rng } from '../../src/rng';
import { exhaustive, TableDecoder } from './table-decoder';

function randomTrie(rng: Rng, V: number, L: number, n: number): IdTrie {
  const t = new IdTrie({ codebookSize: V });
  n = Math.min(n, V ** L);
  while (t.size < n) t.insert(Array.from({ length: L }, () => rng.int(V)));
  return t;
}

describe('constrainedBeamSearch', () => {
  before(async () => {
    await initBackend({ quiet: true });
  });

  it('returns every ID when fewer valid IDs exist than the beam', async () => {
    const trie = IdTrie.from([[1, 2, 3], [1, 2, 0], [3, 3, 3]], { codebookSize: 4 });
    const dec = new TableDecoder(4, 1);
    const hits = await constrainedBeamSearch(dec, { state: dec.start(2), numQueries: 2 }, trie, { beamSize: 20 });
    for (const h of hits) assert.deepEqual(h.map((x) => x.id.join('')).sort(), ['120', '123', '333']);
  });

  it('an empty trie gives empty results without calling the decoder', async () => {
    const dec = new TableDecoder(4, 1);
    const hits = await constrainedBeamSearch(dec, { state: dec.start(2), numQueries: 2 }, new IdTrie({ codebookSize: 4 }));
    assert.deepEqual(hits, [[], []]);
    assert.equal(dec.steps, 0);
    assert.equal(dec.disposed, 1);
  });

  it('one trie per query (e.g. excluding items) is respected', async () => {
    const rng = new Rng(3);
    const a = randomTrie(rng, 5, 2, 6);
    const b = randomTrie(rng, 5, 2, 3);
    const dec = new TableDecoder(5, 9);
    const hits = await constrainedBeamSearch(dec, { state: dec.start(2), numQueries: 2 }, [a, b], { beamSize: 10 });
    assert.equal(hits[0].length, 6);
    assert.equal(hits[1].length, 3);
    assert.ok(hits[1].every((h) => b.has(h.id)));
  });

  it('codes the decoder gives -Infinity are never emitted', async () => {
    const trie = IdTrie.from([[0, 0], [0, 1], [1, 1]], { codebookSize: 2 });
    const dec: IdDecoder<null> = {
      step: (s, inp) => ({ logProbs: Float32Array.from({ length: inp.rows * 2 }, (_, i) => (i % 2 === 1 ? -Infinity : -0.5)), state: s }),
      reorder: (s) => s,
      dispose: () => undefined,
    };
    const hits = await constrainedBeamSearch(dec, { state: null, numQueries: 1 }, trie, { beamSize: 5 });
    assert.deepEqual(hits[0].map((h) => h.id), [[0, 0]]);
  });

  it('rejects bad arguments and bad decoder output with LmiError', async () => {
    const trie = IdTrie.from([[0, 1]], { codebookSize: 2 });
    const dec = new TableDecoder(2, 1);
    const start = { state: dec.start(1), numQueries: 1 };
    await assert.rejects(constrainedBeamSearch(dec, start, trie, { beamSize: 5, topK: 6 }), /topK must be an integer in \[1, beamSize=5\]/);
    await assert.rejects(constrainedBeamSearch(dec, start, [trie, trie]), /2 tries for 1 queries/);
    const nested = IdTrie.from([[0], [0, 1]], { codebookSize: 2 });
    await assert.rejects(constrainedBeamSearch(dec, start, nested), /ID \[0\] is a prefix of a longer ID; give the trie an endCode/);
    const nan: IdDecoder<null> = { step: (s, i) => ({ logProbs: new Float32Array(i.rows * 2).fill(NaN), state: s }), reorder: (s) => s, dispose: () => undefined };
    await assert.rejects(constrainedBeamSearch(nan, { state: null, numQueries: 1 }, trie), /NaN/);
    let disposed = 0;
    const short: IdDecoder<null> = { step: (s) => ({ logProbs: new Float32Array(1), state: s }), reorder: (s) => s, dispose: () => void disposed++ };
    await assert.rejects(constrainedBeamSearch(short, { state: null, numQueries: 1 }, trie), LmiError);
    assert.equal(disposed, 1, 'state disposed on error');
  });

  it("selection 'topk' (tf.topk, float32) matches 'sparse' (typed arrays, float64)", async () => {
    const rng = new Rng(11);
    for (let trial = 0; trial < 40; trial++) {
      const V = 3 + rng.int(10);
      const trie = randomTrie(rng, V, 1 + rng.int(3), 1 + rng.int(40));
      const Q = 1 + rng.int(4);
      const beam = 1 + rng.int(12);
      const dec = new TableDecoder(V, rng.nextUint32());
      const run = (selection: 'sparse' | 'topk') =>
        constrainedBeamSearch(dec, { state: dec.start(Q), numQueries: Q }, trie, { beamSize: beam, selection });
      const [s, t] = [await run('sparse'), await run('topk')];
      for (let q = 0; q < Q; q++) {
        assert.deepEqual(t[q].map((h) => h.id), s[q].map((h) => h.id), `trial ${trial} query ${q}`);
        t[q].forEach((h, i) => assert.ok(Math.abs(h.score - s[q][i].score) < 1e-4));
      }
    }
  });

  it("selection 'topk' falls back to sparse on mixed-length steps and stays exact", async () => {
    const trie = IdTrie.from([[1], [1, 2], [2, 2, 2], [3, 1]], { codebookSize: 5, endCode: 0 });
    const dec = new TableDecoder(5, 4);
    const hits = await constrainedBeamSearch(dec, { state: dec.start(1), numQueries: 1 }, trie, { beamSize: 8, selection: 'topk' });
    const ex = exhaustive(dec, 0, [...trie.ids()], 0, new Set(['1']));
    assert.deepEqual(hits[0].map((h) => h.id), ex.map((e) => e.id));
  });

  it('tf decoder: state reordered by parent beam, no tensor leaks across searches', async () => {
    const rng = new Rng(5);
    const V = 16;
    const dec = new MockMatmulDecoder(rng, { codebookSize: V, hidden: 8 });
    const trie = randomTrie(rng, V, 3, 300);
    const run = async (selection: 'sparse' | 'topk') => {
      const Q = 3;
      const state = dec.start(Q, new Rng(1));
      return constrainedBeamSearch(dec, { state, numQueries: Q }, trie, { beamSize: 20, topK: 10, selection });
    };
    await run('sparse');
    await run('topk');
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      const [a, b] = [await run('sparse'), await run('topk')];
      assert.equal(tf.memory().numTensors, before, `search ${i} leaked tensors`);
      assert.deepEqual(b.map((q) => q.map((h) => h.id)), a.map((q) => q.map((h) => h.id)));
      for (const q of a) assert.ok(q.length === 10 && q.every((h) => trie.has(h.id)));
    }
    // Reorder correctness: the score the search reports equals a fresh greedy re-scoring of that ID.
    const [hits] = await run('sparse');
    for (const h of hits.slice(0, 3)) {
      let state = dec.start(3, new Rng(1));
      let score = 0;
      for (let t = 0; t < 3; t++) {
        const out = dec.step(state, { position: t, rows: 3, prefixes: new Int32Array(0), lastCodes: new Int32Array(3).fill(t === 0 ? -1 : h.id[t - 1]) });
        state = out.state;
        const lp = (await (out.logProbs as tf.Tensor).data()) as Float32Array;
        (out.logProbs as tf.Tensor).dispose();
        score += lp[h.id[t]];
      }
      dec.dispose(state);
      assert.ok(Math.abs(score - h.score) < 1e-4, `rescored ${score} vs ${h.score}`);
    }
    assert.equal(tf.memory().numTensors, before);
    dec.release();
  });
});
