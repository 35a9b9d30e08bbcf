import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeConfig } from '../../src/config';
import { quickstartConfig, runQuickstart } from '../../src/experiments/quickstart';

test('quickstart: HC IDs on the synthetic corpus reach AMI ≥ 0.5 vs top-level topics, deterministically', { timeout: 120_000 }, async () => {
  process.env.LMI_QUIET = '1';
  const cfg = quickstartConfig(makeConfig({ preset: 'small' }));
  const a = await runQuickstart(cfg);
  const b = await runQuickstart(cfg);
  assert.deepEqual(a.index.ids, b.index.ids, 'same seed → same IDs');
  assert.equal(a.corpus.docs.length, cfg.data.synthetic.numDocs);
  assert.ok(a.ami.level1[0] >= 0.5, `AMI(c¹, level1) = ${a.ami.level1[0]}`);
  // The hierarchy shows: the two-position prefix explains level 2 better than the first position does.
  assert.ok(a.ami.level2[1] > a.ami.level2[0], `level2: c¹ ${a.ami.level2[0]} vs c¹c² ${a.ami.level2[1]}`);
  const unique = new Set(a.index.ids.map((id) => id.join('-')));
  assert.equal(unique.size, a.index.ids.length, 'IDs are unique with the collision position');
  const other = await runQuickstart({ ...cfg, seed: cfg.seed + 1 });
  assert.notDeepEqual(other.index.ids, a.index.ids, 'another seed gives other IDs');
});
