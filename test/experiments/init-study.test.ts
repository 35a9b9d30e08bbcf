import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeConfig } from '../../src/config';
import { INIT_NAMES, KMEANS_GLOVE, KMEANS_TFIDF, SMOKE_INIT_STUDY, initStudy, runInitStudy } from '../../src/experiments/init-study';

test('init study (smoke): six methods on the synthetic corpus, real AMIs, ID stats and recon accuracies', { timeout: 300_000 }, async () => {
  process.env.LMI_QUIET = '1';
  const r = await initStudy.run(makeConfig({ preset: 'small' }), { smoke: true });
  assert.equal(r.meta.id, 'init-study');
  const t = r.tables[0];
  const col = (name: string): number => {
    const i = t.columns.indexOf(name);
    assert.ok(i >= 0, `column "${name}" missing`);
    return i;
  };
  const methods = t.rows.map((row) => row[col('method')]);
  assert.deepEqual(methods, [KMEANS_TFIDF, KMEANS_GLOVE, INIT_NAMES.random, INIT_NAMES.glove, INIT_NAMES.pretrain, INIT_NAMES['glove+pretrain']]);
  const amis = t.rows.map((row) => row[col('AMI c¹ (ours)')] as number);
  for (const a of amis) assert.ok(Number.isFinite(a) && a >= -1 && a <= 1, `AMI ${a} outside [-1, 1]`);
  // Computed, not constants: the six methods do not all land on one value, and the k-means baselines find the topics.
  assert.ok(new Set(amis.map((a) => a.toFixed(6))).size >= 3, `AMIs suspiciously equal: ${amis}`);
  assert.ok(amis[0] > 0.2, `TF-IDF k-means AMI ${amis[0]} should find the synthetic topics`);
  const K = SMOKE_INIT_STUDY.codebookSize;
  for (const row of t.rows) {
    const used = row[col('codes used c¹')] as number;
    const ppl = row[col('ID perplexity c¹')] as number;
    assert.ok(Number.isInteger(used) && used >= 1 && used <= K, `codes used ${used}`);
    assert.ok(ppl >= 1 && ppl <= used + 1e-9, `perplexity ${ppl} with ${used} codes`);
  }
  for (const row of t.rows.slice(2)) {
    for (const c of ['recon acc. with ID', 'recon acc. without ID']) {
      const v = row[col(c)] as number;
      assert.ok(typeof v === 'number' && v >= 0 && v <= 1, `${row[1]} ${c} = ${v}`);
    }
    const after = row[col('AMI after k-means codebook init')] as number;
    assert.ok(typeof after === 'number' && after >= -1 && after <= 1, `${row[1]} AMI after codebook init ${after}`);
  }
  const loss = col('pretrain loss');
  assert.equal(t.rows[2][loss], null, 'random init has no pretraining loss');
  assert.ok((t.rows[4][loss] as number) > 0 && (t.rows[5][loss] as number) > 0, 'pretrained starts report their loss');
  assert.equal(r.figures.length, 1);
  assert.equal(r.figures[0].id, 'init-study-ami');
});

test('init study: the same seed gives the same table; another seed changes LMIndexer rows', { timeout: 300_000 }, async () => {
  process.env.LMI_QUIET = '1';
  const s = { ...SMOKE_INIT_STUDY, docs: 120, inits: ['random' as const] };
  const a = await runInitStudy(makeConfig({ preset: 'small' }), s);
  const b = await runInitStudy(makeConfig({ preset: 'small' }), s);
  assert.deepEqual(a.rows.map((r) => [r.ami, r.codesUsed, r.reconWithId]), b.rows.map((r) => [r.ami, r.codesUsed, r.reconWithId]));
  const c = await runInitStudy(makeConfig({ preset: 'small', seed: 7 }), s);
  assert.notDeepEqual(a.rows.map((r) => r.ami), c.rows.map((r) => r.ami));
});

test('init study: bad settings are LmiErrors naming the field', async () => {
  const cfg = makeConfig({ preset: 'small' });
  await assert.rejects(runInitStudy(cfg, { ...SMOKE_INIT_STUDY, inits: ['bert' as never] }), (e: Error) => e.name === 'LmiError' && /inits/.test(e.message));
  await assert.rejects(runInitStudy(cfg, { ...SMOKE_INIT_STUDY, docs: 4 }), (e: Error) => e.name === 'LmiError' && /docs/.test(e.message));
  await assert.rejects(runInitStudy(cfg, { ...SMOKE_INIT_STUDY, pretrainEpochs: 0 }), (e: Error) => e.name === 'LmiError' && /pretrainEpochs/.test(e.message));
});
