/** ID inspection: Table 12 proxy, Figure 3 (a)(b), Figure 6 — helpers and the smoke run on the synthetic corpus. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { makeConfig } from '../../src/config';
import { docsPerIdDensity, idInspection, randomPairs, runIdInspection, sameLabelShare, samplePrefixPairs } from '../../src/experiments/id-inspection';
import { ALL_EXPERIMENTS } from '../../src/experiments/all';
import { encoderStandinEmbeddings, SMOKE_ENCODER_STANDIN } from '../../src/experiments/id-quality';
import { Rng } from '../../src/rng';

test('samplePrefixPairs draws only pairs of distinct documents that share the prefix', () => {
  const ids = [[0, 1, 0], [0, 1, 1], [0, 2, 0], [1, 1, 0], [1, 1, 1], [1, 1, 2], [2, 0, 0]];
  const pairs = samplePrefixPairs(ids, 2, 500, new Rng(1));
  assert.equal(pairs.length, 500);
  const seen = new Set<string>();
  for (const p of pairs) {
    assert.notEqual(p.a, p.b);
    assert.deepEqual(ids[p.a].slice(0, 2), ids[p.b].slice(0, 2));
    assert.equal(p.prefix, ids[p.a].slice(0, 2).join('-'));
    seen.add([p.a, p.b].sort().join(','));
  }
  // Every shared pair shows up: {0,1} and the three pairs of {3,4,5}; documents 2 and 6 have no partner.
  assert.deepEqual([...seen].sort(), ['0,1', '3,4', '3,5', '4,5']);
  assert.deepEqual(samplePrefixPairs([[0, 1], [0, 2]], 2, 10, new Rng(1)), []);
  assert.deepEqual(samplePrefixPairs(ids, 2, 20, new Rng(5)), samplePrefixPairs(ids, 2, 20, new Rng(5)));
});

test('sameLabelShare and randomPairs', () => {
  const labels = ['a', 'a', 'b', 'b'];
  assert.equal(sameLabelShare(labels, [{ a: 0, b: 1, prefix: '' }, { a: 1, b: 2, prefix: '' }]), 0.5);
  assert.ok(Number.isNaN(sameLabelShare(labels, [])));
  const r = randomPairs(4, 300, new Rng(2));
  assert.ok(r.every((p) => p.a !== p.b && p.a >= 0 && p.b < 4));
  // Chance of equal labels for two distinct random docs here is 1/3.
  assert.ok(Math.abs(sameLabelShare(labels, r) - 1 / 3) < 0.1);
});

test('encoder stand-ins refuse a corpus other than the one cfg.data pretrains on', async () => {
  const corpus = { name: 'synthetic', source: 'test', labelKeys: ['level1'], docs: [{ id: '0', text: 'a b', labels: { level1: 'x' } }] };
  await assert.rejects(encoderStandinEmbeddings(corpus, makeConfig({ data: { corpus: 'scientific' } }), SMOKE_ENCODER_STANDIN), /corpus is "synthetic" but cfg.data.corpus is "scientific"/);
});

test('docsPerIdDensity: share of IDs per size, collision position dropped', () => {
  const ids = [[0, 0, 0], [0, 0, 1], [0, 0, 2], [0, 1, 0], [1, 0, 0], [1, 0, 1]];
  const d = docsPerIdDensity(ids, true);
  assert.deepEqual(d.sizes, [1, 2, 3]);
  assert.deepEqual(d.share, [1 / 3, 1 / 3, 1 / 3]);
  assert.equal(d.distinct, 3);
  assert.deepEqual(docsPerIdDensity(ids, false).sizes, [1]);
});

test('id-inspection smoke (synthetic corpus): Table 12 proxy beside the paper, pairs, Figures 3 and 6, deterministic, no leaks', async () => {
  assert.ok(ALL_EXPERIMENTS.some((e) => e.id === 'id-inspection'));
  assert.equal(idInspection.id, 'id-inspection');
  const cfg = makeConfig({ hc: { k: 6 } });
  const before = tf.memory().numTensors;
  const r = await runIdInspection(cfg, { smoke: true, pairs: 100 });
  assert.equal(tf.memory().numTensors, before);
  const proxy = r.tables.find((t) => t.id === 'table12-proxy')!;
  assert.deepEqual(proxy.rows.slice(0, 3).map((x) => x[1]), [0.7375, 0.5375, 0.775]);
  const ours = proxy.rows.filter((x) => String(x[0]).startsWith('ours: ') && !String(x[0]).includes('random'));
  // TF-IDF, GloVe and both encoder stand-ins × HC and rq-VAE.
  assert.equal(ours.length, 8);
  assert.ok(ours.some((x) => String(x[0]).includes('BERT stand-in')) && ours.some((x) => String(x[0]).includes('SimCSE stand-in')));
  const chance = proxy.rows.find((x) => String(x[0]).includes('random'))!;
  const tfidfHc = ours.find((x) => x[0] === 'ours: HC (TF-IDF+SVD)')!;
  assert.equal(tfidfHc[2], 100);
  // On a corpus with a clean topic hierarchy, documents sharing c¹c² under TF-IDF HC agree on the top topic far above chance.
  assert.ok((tfidfHc[4] as number) > (chance[4] as number) + 0.3, `same top: HC ${tfidfHc[4]} vs chance ${chance[4]}`);
  for (const x of ours) for (const v of x.slice(3, 5)) assert.ok(typeof v === 'number' && v >= 0 && v <= 1, `${x[0]}: ${v}`);
  const pairs = r.tables.find((t) => t.id === 'table12-pairs')!;
  assert.ok(pairs.rows.length > 0);
  for (const row of pairs.rows) assert.equal(row[6] === 'yes', row[3] === row[5], 'same-leaf flag agrees with the shown categories');
  assert.deepEqual(r.figures.map((f) => f.id).sort(), ['fig3-synthetic-a', 'fig3-synthetic-b', 'fig6-docs-per-id-synthetic']);
  const fig6 = r.figures.find((f) => f.id.startsWith('fig6'))!;
  assert.equal(fig6.data.length, 8);
  // Cumulative shares: non-decreasing, ending at 1.
  for (const s of fig6.data as { y: number[] }[]) {
    assert.ok(s.y.every((v, i) => i === 0 || v >= s.y[i - 1]));
    assert.ok(Math.abs(s.y[s.y.length - 1] - 1) < 1e-9);
  }
  const density = r.tables.find((t) => t.id === 'fig6-docs-per-id')!;
  assert.equal(density.rows.length, 8);
  // Same config again: the encoder stand-ins come from the per-process memo; indexing and sampling are re-run.
  const again = await runIdInspection(cfg, { smoke: true, pairs: 100 });
  assert.deepEqual(again.tables[0].rows, proxy.rows, 'deterministic for a seed');
});
