/** Table 5: a smoke run with a further ID source (issue 7: rq-VAE beside HC) and the cached LMIndexer index for it. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeConfig } from '../../src/config';
import { dataDir } from '../../src/data/paths';
import { hcIds } from '../../src/experiments/generative-common';
import { idsFromIndex, paperIndexerRow } from '../../src/experiments/id-source';
import { PAPER_TABLE5, runTable5Metrics, scifactTask, table5, table5Config, table5LmIndexerIndex } from '../../src/experiments/table5';
import { plainAndWithRqVae } from '../helpers/more-ids';
import { quietTempDirs } from '../helpers/quiet-tmp';

const tmp = quietTempDirs('lmi-t5-test-');
const noData = dataDir() ? false : 'no data directory';

test('table5 smoke, moreIds rq-VAE: an extra generative row with rq-VAE IDs, the HC row unchanged, paper values beside', { skip: noData }, async () => {
  assert.equal(table5.version, 3);
  const cfg = makeConfig();
  const opts = { smoke: true, baselines: false as const, settings: { pretrainEpochs: 0, epochs: 1 } };
  const { plain, run, rq, seconds } = await plainAndWithRqVae((o) => runTable5Metrics(cfg, o), opts);
  // The row's IDs are rq-VAE's on Table 5's corpus (300 SciFact abstracts in smoke runs).
  const tcfg = table5Config(cfg, true);
  const { corpus } = scifactTask(tcfg);
  assert.equal(corpus.docs.length, 300);
  assert.deepEqual(rq.ids, hcIds(tcfg, corpus, 'tfidf', 'rq-vae'));

  const t = run.result.tables[0];
  const ours = t.rows.filter((r) => String(r[0]).startsWith('ours: '));
  assert.deepEqual(ours.map((r) => r[0]), ['ours: BM25 (k1 .9, b .4)', `ours: generative, ${plain.metrics!.ids.name}`, `ours: generative, ${rq.ids.name}`]);
  const m = ['recall@1', 'recall@10', 'ndcg@10', 'mrr@10'] as const;
  assert.deepEqual(ours[1].slice(1), [...PAPER_TABLE5['HC indexer'], ...m.map((k) => plain.metrics![k])]);
  assert.deepEqual(ours[2].slice(1), [...PAPER_TABLE5['rq-VAE indexer'], ...m.map((k) => rq[k])]);
  for (const k of m) assert.ok(rq[k] >= 0 && rq[k] <= 1, `${k} ${rq[k]}`);
  assert.ok(rq['recall@10'] >= rq['recall@1']);
  assert.ok(t.notes!.some((n) => n.startsWith(`${rq.ids.name}: fine-tuned from the same initial model`)));
  process.stderr.write(`table5 smoke (300 docs, ${rq.testCases} test claims, 1 epoch): plain ${seconds[0]} s, + rq-VAE ${seconds[1]} s; HC R@10 ${plain.metrics!['recall@10']}, rq-VAE R@10 ${rq['recall@10']}\n`);
});

test('table5LmIndexerIndex smoke: LMIndexer IDs of exactly Table 5\'s corpus, cached and reused', { skip: noData }, async () => {
  const cfg = makeConfig();
  const root = tmp('cache');
  const t0 = Date.now();
  const a = await table5LmIndexerIndex(cfg, { smoke: true, cacheRoot: root });
  const fitSeconds = (Date.now() - t0) / 1000;
  assert.equal(a.reused, false);
  const { corpus } = scifactTask(table5Config(cfg, true));
  const ids = idsFromIndex(a.dir)(corpus); // throws if any of the task's abstracts has no ID
  assert.equal(paperIndexerRow(ids), 'LMIndexer');
  assert.equal(ids.ids.length, corpus.docs.length);
  assert.equal(ids.codebookSizes.length, cfg.hc.depth + 1, 'Table 1 ID shape: hc.depth positions + collision');
  assert.equal(ids.codebookSizes[0], cfg.hc.k);
  assert.equal(new Set(ids.ids.map((id) => id.join(','))).size, corpus.docs.length);
  const b = await table5LmIndexerIndex(cfg, { smoke: true, cacheRoot: root });
  assert.equal(b.reused, true);
  assert.equal(b.dir, a.dir);
  assert.deepEqual(b.result.ids, a.result.ids);
  process.stderr.write(`table5LmIndexerIndex smoke fit: ${fitSeconds} s\n`);
});
