import { test } from 'node:test';
import assert from 'node:assert/strict';
import { preset } from '../../src/config';
import { Rng } from '../../src/rng';
import { syntheticCorpus } from '../../src/data/synthetic';
import type { Corpus } from '../../src/data/types';
import { LmiError } from '../../src/errors';

const cfg = preset('small').data.synthetic;

/** Held-out accuracy of a multinomial naive Bayes on words, per label key (train on even docs, test on odd). */
function nbAccuracy(c: Corpus, key: string): number {
  const counts = new Map<string, Map<string, number>>();
  const totals = new Map<string, number>();
  const vocab = new Set<string>();
  c.docs.forEach((d, i) => {
    if (i % 2) return;
    const y = d.labels![key];
    if (!counts.has(y)) counts.set(y, new Map());
    const m = counts.get(y)!;
    for (const w of d.text.split(' ')) {
      m.set(w, (m.get(w) ?? 0) + 1);
      totals.set(y, (totals.get(y) ?? 0) + 1);
      vocab.add(w);
    }
  });
  let ok = 0;
  let n = 0;
  c.docs.forEach((d, i) => {
    if (!(i % 2)) return;
    let best = '';
    let bestScore = -Infinity;
    for (const [y, m] of counts) {
      let s = 0;
      for (const w of d.text.split(' ')) s += Math.log(((m.get(w) ?? 0) + 1) / (totals.get(y)! + vocab.size));
      if (s > bestScore) [best, bestScore] = [y, s];
    }
    ok += best === d.labels![key] ? 1 : 0;
    n++;
  });
  return ok / n;
}

test('same seed gives the same corpus, another seed a different one', () => {
  const a = syntheticCorpus(cfg, new Rng(42));
  const b = syntheticCorpus(cfg, new Rng(42));
  const c = syntheticCorpus(cfg, new Rng(43));
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.docs.map((d) => d.text), c.docs.map((d) => d.text));
});

test('label hierarchy: level keys coarsest first, children extend parents, all nodes used', () => {
  const c = syntheticCorpus(cfg, new Rng(1));
  assert.equal(c.docs.length, cfg.numDocs);
  assert.deepEqual(c.labelKeys, ['level1', 'level2', 'level3']);
  const distinct = c.labelKeys.map((k) => new Set(c.docs.map((d) => d.labels![k])).size);
  assert.deepEqual(distinct, [6, 24, 72]);
  for (const d of c.docs) {
    const { level1, level2, level3 } = d.labels!;
    assert.match(level1, /^t[1-6]$/);
    assert.ok(level2.startsWith(`${level1}.`) && level3.startsWith(`${level2}.`), `${level1} ${level2} ${level3}`);
    const n = d.text.split(' ').length;
    assert.ok(n >= cfg.minWords && n <= cfg.maxWords, `length ${n}`);
    assert.match(d.text, /^[a-z]+( [a-z]+)*$/);
    assert.equal(d.meta!.topic.split(' > ').length, 3);
  }
  assert.equal(new Set(c.docs.map((d) => d.id)).size, c.docs.length);
});

test('top level is recoverable but noisy; deeper levels are harder', () => {
  const c = syntheticCorpus(cfg, new Rng(42));
  const acc = c.labelKeys.map((k) => nbAccuracy(c, k));
  assert.ok(acc[0] > 0.8, `level1 accuracy ${acc[0]}`);
  assert.ok(acc[0] < 0.995, `level1 should not be trivially perfect: ${acc[0]}`);
  assert.ok(acc[2] < acc[0] && acc[2] < 0.9, `level3 accuracy ${acc[2]} should be below level1 ${acc[0]}`);
  // without the per-document secondary topic the task gets easier
  const clean = syntheticCorpus(cfg, new Rng(42), { secondaryShare: 0 });
  assert.ok(nbAccuracy(clean, 'level1') > acc[0]);
});

test('vocabulary is kept when only numDocs changes; background words are shared', () => {
  const a = syntheticCorpus({ ...cfg, numDocs: 200 }, new Rng(5));
  const b = syntheticCorpus({ ...cfg, numDocs: 400 }, new Rng(5));
  assert.deepEqual(a.docs[0].meta, b.docs[0].meta);
  const va = new Set(a.docs.flatMap((d) => d.text.split(' ')));
  const vb = new Set(b.docs.flatMap((d) => d.text.split(' ')));
  const shared = [...va].filter((w) => vb.has(w)).length;
  assert.ok(shared / va.size > 0.8, `shared ${shared}/${va.size}`);
});

test('3,000 docs in well under a second', () => {
  const t = performance.now();
  syntheticCorpus(cfg, new Rng(9));
  const ms = performance.now() - t;
  assert.ok(ms < 1000, `${ms} ms`);
});

test('bad config fields are named', () => {
  assert.throws(() => syntheticCorpus({ ...cfg, branching: [6, 1] }, new Rng(1)), (e: Error) => e instanceof LmiError && /data\.synthetic\.branching/.test(e.message));
  assert.throws(() => syntheticCorpus({ ...cfg, maxWords: 2 }, new Rng(1)), /data\.synthetic\.maxWords/);
  assert.throws(() => syntheticCorpus(cfg, new Rng(1), { levelWeights: [1] }), /levelWeights/);
});
