/** Each loader on the real files in the data folder; skipped (with a message) when the folder is absent. */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { dataDir } from '../../src/data/paths';
import { loadScientificCorpus, loadScientificInteractions } from '../../src/data/scientific';
import { loadAmazonCorpus, loadAmazonInteractions } from '../../src/data/amazon';
import { loadScifactCorpus, loadScifactQueries } from '../../src/data/scifact';
import { loadAgNewsCorpus } from '../../src/data/agnews';
import { loadCorpus, loadInteractions, loadQueries } from '../../src/data/loaders';
import { preset } from '../../src/config';
import { Rng } from '../../src/rng';

const DIR = dataDir();
const SKIP = 'no data folder (set LMI_DATA_DIR or place ../shared/data beside the repo)';
function need(t: TestContext): string | undefined {
  if (!DIR) t.skip(SKIP);
  return DIR;
}
const total = (m: Map<string, string[]>): number => [...m.values()].reduce((a, s) => a + s.length, 0);
const tally = (xs: string[]): Map<string, number> => xs.reduce((m, x) => m.set(x, (m.get(x) ?? 0) + 1), new Map<string, number>());

test('Scientific: 4,344 items, labels below the root, 8,317 users / 58,492 interactions', (t) => {
  const dir = need(t);
  if (!dir) return;
  const c = loadScientificCorpus(dir);
  assert.equal(c.docs.length, 4344);
  const d0 = c.docs.find((d) => d.id === '0')!;
  assert.ok(d0.text.startsWith('SUPCO SPP6 Relay/Capacitor Hard Start Kit'));
  assert.ok(d0.text.includes('Sealed Unit Parts Co., Inc.'));
  assert.deepEqual(d0.labels, { level1: 'Industrial Electrical', level2: 'Industrial Electrical > Passive Components', path: 'Industrial Electrical > Passive Components > Capacitors' });
  const l1 = tally(c.docs.map((d) => d.labels!.level1));
  assert.equal(l1.get('(none)'), 131);
  assert.equal(l1.get('Tapes, Adhesives & Sealants'), 457); // a name with ", " kept whole
  assert.ok(!c.docs.some((d) => /&amp;|\s{2}/.test(d.text)), 'entities decoded, whitespace collapsed');
  const inter = loadScientificInteractions(dir);
  assert.equal(inter.sequences.size, 8317);
  assert.equal(total(inter.sequences), 58492);
  assert.deepEqual(inter.sequences.get('1'), ['9', '10', '11', '12', '6']);
});

for (const [set, items, users, inter, tops] of [
  ['beauty', 12101, 22363, 198502, 6],
  ['sports', 18357, 35598, 296337, 17],
  ['toys', 11924, 19412, 167597, 18],
] as const) {
  test(`Amazon ${set}: ${items} items, ${users} users, ${inter} interactions, fast`, (t) => {
    const dir = need(t);
    if (!dir) return;
    const t0 = performance.now();
    const c = loadAmazonCorpus(set, dir);
    const s = loadAmazonInteractions(set, dir);
    const ms = performance.now() - t0;
    assert.ok(ms < 4000, `${ms} ms`);
    assert.equal(c.docs.length, items);
    assert.equal(s.sequences.size, users);
    assert.equal(total(s.sequences), inter);
    const ids = new Set(c.docs.map((d) => d.id));
    for (const seq of s.sequences.values()) for (const it of seq) assert.ok(ids.has(it));
    const l1 = new Set(c.docs.map((d) => d.labels!.level1));
    l1.delete('(none)');
    assert.equal(l1.size, tops);
  });
}

test('Amazon spot checks: Beauty item 1, Toys item 4, Beauty user 1', (t) => {
  const dir = need(t);
  if (!dir) return;
  const b = loadAmazonCorpus('beauty', dir);
  const b1 = b.docs.find((d) => d.id === '1')!;
  assert.equal(b1.meta!.asin, 'B004756YJA');
  assert.equal(b1.meta!.brand, 'OPI');
  assert.deepEqual(b1.labels, { level1: 'Makeup', level2: 'Makeup > Nails', path: 'Makeup > Nails > Nail Polish' });
  assert.equal(tally(b.docs.map((d) => d.labels!.level1)).get('Skin Care'), 3814);
  assert.deepEqual(b.docs.filter((d) => d.meta!.textSource === 'fallback').map((d) => d.meta!.asin), ['B001LTVF7G']);
  const toys = loadAmazonCorpus('toys', dir);
  const t4 = toys.docs.find((d) => d.id === '4')!;
  assert.equal(t4.meta!.asin, '0439893577');
  assert.equal(t4.labels!.level1, 'Dress Up & Pretend Play');
  assert.equal(tally(toys.docs.map((d) => d.labels!.level1)).get('(none)'), 345);
  assert.deepEqual(loadAmazonInteractions('beauty', dir).sequences.get('1'), ['1', '2', '3', '4', '5']);
});

test('SciFact: 5,183 docs; test 300 queries / 339 pairs; train 809 / 919', (t) => {
  const dir = need(t);
  if (!dir) return;
  const c = loadScifactCorpus(dir);
  assert.equal(c.docs.length, 5183);
  const d = c.docs.find((x) => x.id === '4983')!;
  assert.ok(d.text.startsWith('Microstructural development of human newborn cerebral white matter'));
  assert.ok(d.text.includes('Alterations of the architecture of cerebral white matter'));
  const ids = new Set(c.docs.map((x) => x.id));
  const test = loadScifactQueries('test', dir, ids);
  assert.equal(test.queries.length, 300);
  assert.equal([...test.qrels.values()].reduce((a, s) => a + s.size, 0), 339);
  assert.deepEqual([...test.qrels.get('1')!], ['31715818']);
  const train = loadScifactQueries('train', dir, ids);
  assert.equal(train.queries.length, 809);
  assert.equal([...train.qrels.values()].reduce((a, s) => a + s.size, 0), 919);
  assert.equal(train.queries.find((q) => q.id === '0')!.text, '0-dimensional biomaterials lack inductive properties.');
  assert.ok(!train.queries.some((q) => test.qrels.has(q.id)), 'train and test queries are disjoint');
});

test('AG News: 4,000 docs, 4 x 1,000 labels, quoted text parsed', (t) => {
  const dir = need(t);
  if (!dir) return;
  const c = loadAgNewsCorpus(dir);
  assert.equal(c.docs.length, 4000);
  assert.deepEqual([...tally(c.docs.map((d) => d.labels!.level1))].sort(), [['Business', 1000], ['Sci/Tech', 1000], ['Sports', 1000], ['World', 1000]]);
  assert.ok(c.docs[0].text.startsWith('CAIRO , EGYPT -- A man identified as Osama bin Laden ,'));
  assert.equal(c.docs[0].labels!.level1, 'World');
  assert.ok(!c.docs.some((d) => d.text.includes('\t')));
});

test('loadCorpus dispatch + seeded maxDocs subsample keeps order; loadInteractions / loadQueries', (t) => {
  const dir = need(t);
  if (!dir) return;
  const data = { ...preset().data, corpus: 'scientific' as const, maxDocs: 500 };
  const a = loadCorpus(data, new Rng(3), dir);
  const b = loadCorpus(data, new Rng(3), dir);
  const c = loadCorpus(data, new Rng(4), dir);
  assert.equal(a.docs.length, 500);
  assert.deepEqual(a.docs.map((d) => d.id), b.docs.map((d) => d.id));
  assert.notDeepEqual(a.docs.map((d) => d.id), c.docs.map((d) => d.id));
  const nums = a.docs.map((d) => Number(d.id));
  assert.deepEqual(nums, [...nums].sort((x, y) => x - y));
  assert.equal(loadCorpus({ ...data, corpus: 'agnews', maxDocs: 0 }, new Rng(1), dir).docs.length, 4000);
  assert.equal(loadInteractions('toys', dir).sequences.size, 19412);
  assert.equal(loadQueries('test', dir).queries.length, 300);
});
