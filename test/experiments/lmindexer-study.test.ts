import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeConfig } from '../../src/config';
import { SMOKE_ENCODER_STANDIN } from '../../src/experiments/id-quality';
import { compareIndexers, lmindexerSynthetic } from '../../src/experiments/lmindexer-study';

test('LMIndexer study (smoke): LMIndexer, HC and GloVe k-means rows on the same corpus, no collapse', { timeout: 300_000 }, async () => {
  process.env.LMI_QUIET = '1';
  const r = await lmindexerSynthetic.run(makeConfig({ preset: 'small' }), { smoke: true });
  const t = r.tables[0];
  const methods = t.rows.map((row) => row[0]);
  assert.deepEqual(methods, [
    'LMIndexer (GloVe init)', 'HC on TF-IDF+SVD', 'k-means on GloVe idf-mean', 'HC on T5-enc mean-pool (BERT stand-in)', 'HC on T5-enc + unsup. SimCSE (SimCSE stand-in)',
  ]);
  const used = t.columns.indexOf('codes used c¹');
  assert.ok((t.rows[0][used] as number) >= 4, `LMIndexer uses ${t.rows[0][used]} of 8 first-position codes`);
  const ami = t.rows[0][1] as number;
  assert.ok(Number.isFinite(ami) && ami > 0.05, `LMIndexer AMI(c¹) ${ami} is above chance`);
  assert.equal(r.figures.length, 1);
});

test('compareIndexers: a pretrained start (span corruption first), HC on the encoder stand-ins, the first-position AMI trace', { timeout: 300_000 }, async () => {
  process.env.LMI_QUIET = '1';
  const cfg = makeConfig({ preset: 'small' });
  cfg.data.corpus = 'synthetic';
  cfg.data.synthetic.numDocs = 160;
  cfg.indexer.codebookSize = 4;
  cfg.indexer.idLength = 1;
  const c = await compareIndexers(cfg, 'level1', { reconWarmupEpochs: 1, encoderWarmupEpochs: 1, jointEpochs: 2, probeDocs: 32 }, { pretrainEpochs: 1, standins: SMOKE_ENCODER_STANDIN });
  assert.deepEqual(c.rows.map((r) => r.method), [
    'LMIndexer, 1 pretraining epoch(s) (GloVe init)', 'HC on TF-IDF+SVD', 'k-means on GloVe idf-mean',
    'HC on T5-enc mean-pool (BERT stand-in)', 'HC on T5-enc + unsup. SimCSE (SimCSE stand-in)',
  ]);
  for (const r of c.rows) assert.ok(r.amiByPrefix.every((a) => Number.isFinite(a) && a <= 1) && r.codesUsedFirst >= 2, JSON.stringify(r));
  assert.ok(Number.isFinite(c.pretrainLoss) && c.pretrainLoss! > 0, `pretrain loss ${c.pretrainLoss}`);
  // One point after the k-means initialisation, one per joint epoch; the last joint pass has the final weights.
  assert.deepEqual(c.lmindexerAmiTrace.map((p) => p.stage.replace(/^\d+-/, '')), ['codebook-init-p1', 'joint-p1', 'joint-p1']);
  const assign = Object.entries(c.lmindexerAmiAfterStage).find(([k]) => k.endsWith('assign-p1'))![1];
  assert.equal(c.lmindexerAmiTrace[2].ami, assign);
  assert.equal(c.rows[0].amiByPrefix[0], assign);
});
