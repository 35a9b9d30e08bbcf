/** Sequential sanity baselines and the shared protocol on tiny hand-made sequences with known answers. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Interactions } from '../../src/data/types';
import { Rng } from '../../src/rng';
import { evaluateSeqRec, seqRecData, type SeqRecommender } from '../../src/baselines/seqrec/protocol';
import { topK } from '../../src/baselines/seqrec/top-k';
import { MostPop } from '../../src/baselines/seqrec/mostpop';
import { Markov } from '../../src/baselines/seqrec/markov';
import { ItemKNN } from '../../src/baselines/seqrec/itemknn';

const inter = (rows: Record<string, string[]>): Interactions => ({ name: 'toy', source: 'test', sequences: new Map(Object.entries(rows)) });

/** A model returning fixed scores. */
const constant = (scores: number[]): SeqRecommender => ({ name: 'const', fit: () => {}, scoreAll: () => Float32Array.from(scores) });

describe('topK', () => {
  it('equals a full sort (score desc, index asc) on random scores with many ties', () => {
    const rng = new Rng(1);
    for (let trial = 0; trial < 50; trial++) {
      const n = 1 + rng.int(300);
      const s = Float32Array.from({ length: n }, () => rng.int(5));
      const k = 1 + rng.int(25);
      const ref = Array.from({ length: n }, (_, i) => i).sort((a, b) => s[b] - s[a] || a - b).slice(0, k);
      assert.deepEqual(Array.from(topK(s, k)), ref);
    }
  });
  it('bans items, puts a tie loser last, a tie winner first', () => {
    const s = Float32Array.from([1, 3, 1, 1, 0]);
    assert.deepEqual(Array.from(topK(s, 3, { banned: Uint8Array.from([0, 1, 0, 0, 0]) })), [0, 2, 3]);
    assert.deepEqual(Array.from(topK(s, 4, { tieLoser: 0 })), [1, 2, 3, 0]);
    assert.deepEqual(Array.from(topK(s, 2, { tieWinner: 3 })), [1, 3]);
    assert.deepEqual(Array.from(topK(Float32Array.from([NaN, 2]), 5)), [1, 0]);
  });
});

describe('seqRecData', () => {
  const d = inter({ u1: ['1', '2', '3', '4'], u2: ['2', '3'], u3: ['5'] });
  it('test: target = last item, training drops it', () => {
    const t = seqRecData(d, 'test');
    assert.deepEqual(t.items, ['1', '2', '3', '4', '5']);
    assert.deepEqual(t.cases.map((c) => [c.user, Array.from(c.history), c.target]), [['u1', [0, 1, 2], 3], ['u2', [1], 2]]);
    assert.deepEqual(t.train.map((s) => Array.from(s)), [[0, 1, 2], [1], []]);
  });
  it('validation: target = second-to-last, training drops the last two', () => {
    const v = seqRecData(d, 'validation');
    assert.deepEqual(v.cases.map((c) => [c.user, Array.from(c.history), c.target]), [['u1', [0, 1], 2]]);
    assert.deepEqual(v.train.map((s) => Array.from(s)), [[0, 1], [], []]);
  });
});

describe('baselines', () => {
  it('Markov recommends the known successor of the last history item', () => {
    // a→b three times, a→c once; the test user's history ends in a, target b.
    const d = seqRecData(inter({ x: ['a', 'b', 'z'], y: ['a', 'b', 'z'], w: ['q', 'a', 'b', 'z'], v: ['a', 'c', 'z'], t: ['c', 'a', 'b'] }));
    const m = new Markov();
    m.fit(d.train, d.items.length);
    const ia = d.items.indexOf('a');
    const ib = d.items.indexOf('b');
    assert.equal(m.count(ia, ib), 3); // the test user's own a→b is held out
    const top = topK(m.scoreAll(Int32Array.of(d.items.indexOf('c'), ia)), 2);
    assert.deepEqual(Array.from(top, (i) => d.items[i]), ['b', 'c']);
    const r = evaluateSeqRec(m, d, { ks: [1], conventions: [{ candidates: 'all', ties: 'pessimistic' }] });
    assert.equal(r.rows[0].metrics['recall@1'], 1 / 5); // only t's target b follows its last item (a); z after b/c never seen
  });
  it('Markov popularity tie-break orders zero-count candidates by popularity', () => {
    const d = seqRecData(inter({ x: ['a', 'b', 'p', 'p2'], y: ['p', 'c'], z: ['p', 'd'] }));
    const m = new Markov({ popularityTieBreak: true });
    m.fit(d.train, d.items.length);
    const top = topK(m.scoreAll(Int32Array.of(d.items.indexOf('a'))), 2);
    assert.deepEqual(Array.from(top, (i) => d.items[i]), ['b', 'p']);
  });
  it('MostPop counts training interactions; excludeHistory removes history items', () => {
    const d = seqRecData(inter({ u1: ['a', 'b', 'b', 'x'], u2: ['b', 'a', 'y'], u3: ['b', 'c', 'a'] }));
    const res = evaluateSeqRec(new MostPop(), d, {
      ks: [1, 2],
      conventions: [
        { candidates: 'all', ties: 'pessimistic' },
        { candidates: 'excludeHistory', ties: 'pessimistic' },
      ],
    });
    // popularity b=4, a=2, c=1. u3's target a: rank 2 over all items; history {b,c} excluded → rank 1.
    assert.deepEqual([res.rows[0].metrics['recall@1'], res.rows[0].metrics['recall@2']], [0, 1 / 3]);
    assert.deepEqual([res.rows[1].metrics['recall@1'], res.rows[1].metrics['recall@2']], [1 / 3, 1 / 3]);
  });
  it('ties: a target tied with many zero scores is never credited under the pessimistic rule', () => {
    const n = 1000;
    const seqs: Record<string, string[]> = {};
    for (let u = 0; u < 400; u++) seqs[`u${u}`] = [String(u % n), String((u * 7 + 3) % n)];
    const d = seqRecData(inter(seqs), 'test', { items: Array.from({ length: n }, (_, i) => String(i)) });
    const zeros = constant(new Array(n).fill(0));
    const conv = (ties: 'pessimistic' | 'random' | 'optimistic') => evaluateSeqRec(zeros, d, { ks: [10], conventions: [{ candidates: 'all', ties }] }).rows[0].metrics['recall@10'];
    assert.equal(conv('pessimistic'), 0);
    assert.equal(conv('optimistic'), 1);
    const rnd = conv('random');
    assert.ok(rnd > 0 && rnd < 0.04, `random ties ≈ 10/1000, got ${rnd}`);
    assert.equal(conv('random'), rnd, 'seeded: same value twice');
  });
  it('ItemKNN: cosine on the binary user×item matrix, summed over distinct history items', () => {
    // users (train): {a,b}, {a,b,c}, {a}: |U_a|=3, |U_b|=2, |U_c|=1, a∩b=2, a∩c=1, b∩c=1.
    const m = new ItemKNN();
    m.fit([Int32Array.of(0, 1), Int32Array.of(0, 1, 2, 0), Int32Array.of(0)], 3);
    assert.ok(Math.abs(m.similarity(0, 1) - 2 / Math.sqrt(6)) < 1e-6);
    assert.ok(Math.abs(m.similarity(1, 2) - 1 / Math.sqrt(2)) < 1e-6);
    assert.equal(m.similarity(0, 0), 0);
    const s = m.scoreAll(Int32Array.of(0, 1, 1));
    assert.ok(Math.abs(s[2] - (1 / Math.sqrt(3) + 1 / Math.sqrt(2))) < 1e-6);
    const top1 = new ItemKNN({ neighbours: 1, historyWindow: 1 });
    top1.fit([Int32Array.of(0, 1), Int32Array.of(0, 1, 2, 0), Int32Array.of(0)], 3);
    assert.equal(top1.similarity(1, 2), 0); // b's best neighbour is a
    assert.deepEqual(Array.from(top1.scoreAll(Int32Array.of(2, 1))).map((x) => +x.toFixed(5)), [+(2 / Math.sqrt(6)).toFixed(5), 0, 0]);
  });
});
