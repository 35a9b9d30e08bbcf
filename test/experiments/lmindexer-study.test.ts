import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeConfig } from '../../src/config';
import { lmindexerSynthetic } from '../../src/experiments/lmindexer-study';

test('LMIndexer study (smoke): LMIndexer, HC and GloVe k-means rows on the same corpus, no collapse', { timeout: 300_000 }, async () => {
  process.env.LMI_QUIET = '1';
  const r = await lmindexerSynthetic.run(makeConfig({ preset: 'small' }), { smoke: true });
  const t = r.tables[0];
  const methods = t.rows.map((row) => row[0]);
  assert.deepEqual(methods, ['LMIndexer (GloVe init)', 'HC on TF-IDF+SVD', 'k-means on GloVe idf-mean']);
  const used = t.columns.indexOf('codes used c¹');
  assert.ok((t.rows[0][used] as number) >= 4, `LMIndexer uses ${t.rows[0][used]} of 8 first-position codes`);
  const ami = t.rows[0][1] as number;
  assert.ok(Number.isFinite(ami) && ami > 0.05, `LMIndexer AMI(c¹) ${ami} is above chance`);
  assert.equal(r.figures.length, 1);
});
