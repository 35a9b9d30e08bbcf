/** Table 2: the paper-row matcher, and a smoke run with a further ID source (issue 7: rq-VAE beside HC). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeConfig } from '../../src/config';
import { loadCorpus } from '../../src/data/loaders';
import { dataDir } from '../../src/data/paths';
import { hcIds } from '../../src/experiments/generative-common';
import { idSourcesKey, paperIndexerRow } from '../../src/experiments/id-source';
import { PAPER_TABLE2_BEAUTY, runTable2Metrics, table2 } from '../../src/experiments/table2';
import { Rng } from '../../src/rng';
import { plainAndWithRqVae } from '../helpers/more-ids';

test('paperIndexerRow: HC / rq-VAE / LMIndexer names of hcIds and idsFromIndex; nothing else', () => {
  const src = (name: string) => ({ name, ids: [], codebookSizes: [] });
  assert.equal(paperIndexerRow(src('HC (TF-IDF+SVD), k=32, depth 2 + collision position')), 'HC indexer');
  assert.equal(paperIndexerRow(src('rq-VAE (GloVe), k=32, depth 2 + collision position')), 'rq-VAE indexer');
  assert.equal(paperIndexerRow(src('lmindexer IDs from /tmp/x (codebooks 32×32×4)')), 'LMIndexer');
  assert.equal(paperIndexerRow(src('hc IDs from /tmp/x (codebooks 32×32×4)')), 'HC indexer');
  assert.equal(paperIndexerRow(src('rq-vae IDs from /tmp/x (codebooks 32×32×4)')), 'rq-VAE indexer');
  assert.equal(paperIndexerRow(src('random IDs')), undefined);
  assert.equal(paperIndexerRow(src('HCX')), undefined);
  assert.deepEqual(idSourcesKey([{ indexer: 'rq-vae' }, { indexer: 'hc', embedding: 'glove' }, src('mine'), () => src('f')]), ['rq-vae/tfidf', 'hc/glove', 'mine', 'resolver #3']);
});

const noData = dataDir() ? false : 'no data directory';

test('table2 smoke, moreIds rq-VAE: an extra generative row with rq-VAE IDs, the HC row unchanged, paper values beside', { skip: noData }, async () => {
  assert.equal(table2.version, 3);
  const cfg = makeConfig();
  const corpus = loadCorpus({ ...cfg.data, corpus: 'beauty', maxDocs: 0 }, new Rng(cfg.seed).fork());
  const hc = hcIds({ ...cfg, data: { ...cfg.data, corpus: 'beauty', maxDocs: 0 } }, corpus); // once, for both runs
  const opts = { smoke: true, maxUsers: 40, settings: { epochs: 1 }, ids: hc };
  const { plain, run, rq, seconds } = await plainAndWithRqVae((o) => runTable2Metrics(cfg, o), opts);
  assert.match(rq.ids.name, /^rq-VAE \(TF-IDF\+SVD\)/);
  assert.equal(rq.ids.ids.length, corpus.docs.length);
  assert.equal(new Set(rq.ids.ids.map((id) => id.join(','))).size, corpus.docs.length, 'rq-VAE IDs unique (collision position)');

  const t = run.result.tables[0];
  const ours = t.rows.filter((r) => String(r[0]).startsWith('ours: '));
  assert.deepEqual(ours.map((r) => String(r[0]).replace(/, history.*/, '')), [
    'ours: Markov (all users\' training sequences)', 'ours: MostPop (all users\' training sequences)',
    'ours: Markov (the same 40 users\' training sequences)', 'ours: MostPop (the same 40 users\' training sequences)',
    `ours: generative, ${hc.name}`, `ours: generative, ${rq.ids.name}`,
  ], 'Markov / MostPop on all users, then on the generative model\'s users, then HC, then rq-VAE');
  for (const r of ours.slice(0, 4)) for (const v of r.slice(3)) assert.ok(typeof v === 'number' && v >= 0 && v <= 1, String(r[0]));
  const [hcRow, rqRow] = ours.slice(4);
  assert.deepEqual(hcRow.slice(1), [...PAPER_TABLE2_BEAUTY['HC indexer'], plain.metrics!['recall@5'], plain.metrics!['ndcg@5']]);
  assert.deepEqual(rqRow.slice(1), [...PAPER_TABLE2_BEAUTY['rq-VAE indexer'], rq['recall@5'], rq['ndcg@5']]);
  for (const v of [rq['recall@5'], rq['ndcg@5'], rq['recall@10']]) assert.ok(v >= 0 && v <= 1);
  assert.ok(rq['recall@10'] >= rq['recall@5']);
  assert.ok(t.notes!.some((n) => n.startsWith(`${rq.ids.name}: fine-tuned from the same initial model`)));
  process.stderr.write(`table2 smoke (40 users, 1 epoch): plain ${seconds[0]} s, + rq-VAE ${seconds[1]} s; HC R@5 ${plain.metrics!['recall@5']}, rq-VAE R@5 ${rq['recall@5']}\n`);
});
