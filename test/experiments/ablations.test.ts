import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeConfig } from '../../src/config';
import { LmiError } from '../../src/errors';
import { ABLATION_SMOKE_SETTINGS, codeCounts, curveFromDiagnostics, runAblations } from '../../src/experiments/ablation-runs';
import { ablationResult, lmindexerAblations, lmindexerAblationsScientific, PAPER_TABLE15, stagePlanTable } from '../../src/experiments/ablations';
import { dataDir } from '../../src/data/paths';
import { ALL_EXPERIMENTS } from '../../src/experiments/all';

test('curveFromDiagnostics places every eval row on the global optimizer-step axis', () => {
  const rows = [
    { kind: 'step', stage: '00-recon-warmup' }, { kind: 'step', stage: '00-recon-warmup' },
    { kind: 'eval', stage: '00-recon-warmup', position: 0, step: 2, reconMacroF1: 0.1, reconAccuracy: 0.2 },
    { kind: 'step', stage: '01-encoder-warmup-p1' },
    { kind: 'eval', stage: '02-codebook-init-p1', position: 1, step: 0, perplexity: 3, diffRatio: 0.5, codesUsed: 4, idStability: 1, reconMacroF1: 0.2, reconAccuracy: 0.3 },
    { kind: 'assign', stage: '03-assign-p1', perplexity: 99 },
  ];
  const c = curveFromDiagnostics(rows);
  assert.deepEqual(c.map((p) => p.step), [2, 3]);
  assert.ok(Number.isNaN(c[0].perplexity), 'warm-up points have no perplexity');
  assert.equal(c[1].perplexity, 3);
  assert.equal(c[1].stage, '02-codebook-init-p1');
});

test('codeCounts counts documents per code and rejects codes outside the codebook', () => {
  assert.deepEqual(codeCounts([[0, 1], [0, 2], [2, 2]], 3, 2), [[2, 0, 1], [0, 1, 2]]);
  assert.throws(() => codeCounts([[3]], 3, 1), LmiError);
});

test('stage plans drop exactly the ablated stages', () => {
  const t = stagePlanTable(makeConfig({ preset: 'small' }), ABLATION_SMOKE_SETTINGS);
  const [full, noRecon, noEnc] = t.rows.map((r) => String(r[1]));
  assert.match(full, /^recon-warmup/);
  assert.match(full, /encoder-warmup-p2/);
  assert.doesNotMatch(noRecon, /recon-warmup/);
  assert.doesNotMatch(noEnc, /encoder-warmup/);
  assert.match(noEnc, /codebook-init-p1/);
});

test('lmindexer-ablations is registered for make figures', () => {
  assert.ok(ALL_EXPERIMENTS.some((e) => e.id === lmindexerAblations.id));
});

test('unknown variant → LmiError naming the valid ones', async () => {
  await assert.rejects(runAblations(makeConfig({ preset: 'small' }), { smoke: true, variants: ['nope'] }), (e: Error) => e instanceof LmiError && /no-commitment/.test(e.message));
});

test('ablation runs (smoke): stages, curves, Table 15 and Table 4 are consistent with the runs', { timeout: 300_000 }, async () => {
  process.env.LMI_QUIET = '1';
  const base = makeConfig({ preset: 'small' });
  const study = await runAblations(base, { smoke: true, variants: ['full', 'no-recon-warmup', 'no-encoder-warmup', 'no-commitment', 'dead-code-reseed', 'recon-1'] });
  const K = study.settings.codebookSize;
  const N = study.corpus.docs.length;
  const byKey = new Map(study.runs.map((r) => [r.variant.key, r]));
  const full = byKey.get('full')!;
  assert.ok(full.stages.some((s) => s.includes('recon-warmup')));
  assert.ok(!byKey.get('no-recon-warmup')!.stages.some((s) => s.includes('recon-warmup')));
  assert.ok(!byKey.get('no-encoder-warmup')!.stages.some((s) => s.includes('encoder-warmup')));
  assert.equal(full.curve[0].stage.slice(3), 'recon-warmup', 'the full run starts with the reconstructor warm-up');
  for (const r of study.runs) {
    for (const counts of r.codeCounts) assert.equal(counts.reduce((a, b) => a + b, 0), N);
    assert.ok(r.perplexity.every((p) => p >= 1 && p <= K + 1e-9), `${r.variant.key}: perplexity within [1, K]`);
    assert.ok(r.curve.every((p, i) => i === 0 || p.step >= r.curve[i - 1].step), `${r.variant.key}: steps never go back`);
  }
  // c¹ is stored at its assignment and never changed: the snapshot then equals the final IDs' statistics.
  for (const r of [full, byKey.get('no-commitment')!]) {
    const at = r.earlier.find((e) => e.stage.includes('assign-p1'))!;
    assert.equal(at.agreement, 1);
    assert.ok(Math.abs(at.perplexity - r.perplexity[0]) < 1e-9);
    assert.ok(r.earlier.some((e) => e.stage.includes('joint-p2')), 'snapshot at the end of joint training of c²');
  }
  assert.equal(byKey.get('recon-1')!.idLength, 1);
  // Dead-code re-seeding (ours) runs through its joint stages without error (it once copied rows of the wrong length).
  assert.equal(byKey.get('dead-code-reseed')!.codeCounts.length, 2);
  const res = ablationResult(study, base, { id: 'x', configHash: 'h', config: {}, seed: base.seed, backend: 'test', seconds: study.seconds });
  const t15 = res.tables.find((t) => t.id === 'table15-commitment')!;
  assert.deepEqual(t15.rows.map((r) => r.slice(1, 4)), [PAPER_TABLE15.withCommitment, PAPER_TABLE15.withoutCommitment]);
  assert.equal(t15.rows[0][4], full.perplexity[0]);
  const t4 = res.tables.find((t) => t.id === 'table4-reconstructor')!;
  assert.equal(t4.rows[0][4], byKey.get('recon-1')!.ami[0]);
  assert.equal(t4.rows[1][4], null, 'a depth not run is empty, not invented');
  const orders = res.tables.find((t) => t.id === 'ablation-orderings')!;
  assert.ok(orders.rows.some((r) => r[4] === 'not run'), 'orderings of variants not run are marked so');
  assert.deepEqual(res.figures.map((f) => f.id), ['fig4-recon-macro-f1', 'fig4-id-perplexity', 'fig4-diff-ratio', 'ablation-code-usage-c1']);
  assert.equal((res.figures[0].data as unknown[]).length, 3, 'three of the four Figure 4 variants were run');
  const ppl = (res.figures[1].data as { name: string; y: (number | null)[] }[]).find((d) => d.name === 'full')!;
  assert.ok(ppl.y.includes(null), 'the perplexity line breaks between positions and over warm-ups');
  assert.ok(ppl.y.some((v) => v !== null && v > 1), 'and has measured points');
});

test('Tables 4 and 15 on Scientific (smoke): only their variants run, tables carry the corpus name, orderings not run are dropped', { timeout: 300_000 }, async (t) => {
  if (!dataDir()) return t.skip('needs ../shared/data (Scientific)');
  process.env.LMI_QUIET = '1';
  const res = await lmindexerAblationsScientific.run(makeConfig({ preset: 'small' }), { smoke: true });
  assert.deepEqual(res.tables.map((x) => x.id), ['table15-commitment-scientific', 'table4-reconstructor-scientific', 'ablation-orderings-scientific', 'ablation-summary-scientific']);
  const summary = res.tables[3];
  assert.deepEqual(summary.rows.slice(0, 5).map((r) => r[0]), ['full', 'w/o commitment', 'reconstructor 1 layer', 'reconstructor 2 layers', 'reconstructor 3 layers']);
  const t4 = res.tables[1];
  assert.ok(t4.rows.every((r) => typeof r[4] === 'number' && (r[4] as number) <= 1), 'AMI measured for every depth');
  const orders = res.tables[2];
  assert.ok(orders.rows.length >= 5 && orders.rows.every((r) => r[4] === 'yes' || String(r[4]).startsWith('no')), 'only the checks whose variants ran');
  assert.match(res.meta.data, /Scientific/);
});
