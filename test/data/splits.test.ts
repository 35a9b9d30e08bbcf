import { test } from 'node:test';
import assert from 'node:assert/strict';
import { leaveOneOut } from '../../src/data/splits';
import { loadCorpus, subsampleCorpus } from '../../src/data/loaders';
import { checkCorpus } from '../../src/data/validate';
import { preset } from '../../src/config';
import { Rng } from '../../src/rng';
import type { Interactions } from '../../src/data/types';

function randomInteractions(rng: Rng, users: number): Interactions {
  const sequences = new Map<string, string[]>();
  for (let u = 1; u <= users; u++) sequences.set(String(u), Array.from({ length: 1 + rng.int(9) }, () => String(1 + rng.int(50))));
  return { name: 'random', source: 'test', sequences };
}

test('leave-one-out: last = test, second-to-last = validation, train only before them', () => {
  const inter: Interactions = { name: 'x', source: 't', sequences: new Map([['u', ['a', 'b', 'c', 'd', 'e']]]) };
  const s = leaveOneOut(inter);
  assert.deepEqual(s.test, [{ user: 'u', history: ['a', 'b', 'c', 'd'], target: 'e' }]);
  assert.deepEqual(s.validation, [{ user: 'u', history: ['a', 'b', 'c'], target: 'd' }]);
  assert.deepEqual(s.train, [
    { user: 'u', history: ['a'], target: 'b' },
    { user: 'u', history: ['a', 'b'], target: 'c' },
  ]);
  assert.deepEqual(leaveOneOut(inter, { trainPrefixes: false }).train, [{ user: 'u', history: ['a', 'b'], target: 'c' }]);
  assert.deepEqual(leaveOneOut(inter, { maxHistory: 2 }).test[0].history, ['c', 'd']);
  assert.throws(() => leaveOneOut(inter, { maxHistory: -1 }), /maxHistory/);
});

test('leave-one-out properties on random sequences (no leakage, counts)', () => {
  const inter = randomInteractions(new Rng(11), 300);
  const s = leaveOneOut(inter);
  const lens = [...inter.sequences.values()].map((q) => q.length);
  assert.equal(s.test.length, lens.filter((n) => n >= 2).length);
  assert.equal(s.validation.length, lens.filter((n) => n >= 3).length);
  assert.equal(s.train.length, lens.reduce((a, n) => a + Math.max(0, n - 3), 0));
  for (const x of s.test) {
    const seq = inter.sequences.get(x.user)!;
    assert.deepEqual([...x.history, x.target], seq);
  }
  for (const x of s.train) {
    const seq = inter.sequences.get(x.user)!;
    assert.ok(x.history.length + 1 <= seq.length - 2, 'train never reaches validation/test positions');
    assert.deepEqual([...x.history, x.target], seq.slice(0, x.history.length + 1));
  }
});

test('loadCorpus(synthetic) is validated, seeded, and maxDocs keeps original order', () => {
  const data = { ...preset().data, maxDocs: 100 };
  const a = loadCorpus(data, new Rng(2));
  const b = loadCorpus(data, new Rng(2));
  assert.equal(a.docs.length, 100);
  assert.deepEqual(a, b);
  const ids = a.docs.map((d) => Number(d.id));
  assert.deepEqual(ids, [...ids].sort((x, y) => x - y));
  assert.match(a.source, /maxDocs=100/);
  const full = loadCorpus({ ...data, maxDocs: 0 }, new Rng(2));
  assert.equal(full.docs.length, data.synthetic.numDocs);
  assert.equal(subsampleCorpus(full, 10 ** 6, new Rng(1)), full);
  assert.throws(() => subsampleCorpus(full, -1, new Rng(1)), /data\.maxDocs/);
  assert.throws(() => loadCorpus({ ...data, corpus: 'nope' as never }, new Rng(1)), /data\.corpus/);
});

test('checkCorpus rejects duplicate ids, empty text and missing label keys', () => {
  const base = { name: 'c', source: 'mem', labelKeys: ['level1'] };
  assert.throws(() => checkCorpus({ ...base, docs: [{ id: '1', text: 'a', labels: { level1: 'x' } }, { id: '1', text: 'b', labels: { level1: 'x' } }] }), /duplicate id "1"/);
  assert.throws(() => checkCorpus({ ...base, docs: [{ id: '1', text: ' ', labels: { level1: 'x' } }] }), /field "text" is empty/);
  assert.throws(() => checkCorpus({ ...base, docs: [{ id: '1', text: 'a' }] }), /labels\.level1/);
  assert.throws(() => checkCorpus({ ...base, docs: [] }), /no documents/);
});
