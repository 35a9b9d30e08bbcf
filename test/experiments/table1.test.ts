import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { quietTempDirs } from '../helpers/quiet-tmp';
import { makeConfig } from '../../src/config';
import { dataDir } from '../../src/data/paths';
import { idsFromIndex } from '../../src/experiments/id-source';
import { runTable1, table1 } from '../../src/experiments/table1';
import { loadIdIndex } from '../../src/quantize/id-index';

const tmp = quietTempDirs('lmi-table1-');

test('table1 smoke: Beauty (1500 items), paper rows beside rq-VAE/HC × TF-IDF/GloVe and LMIndexer (cached index folder), Figure 3(a), no leaks', { skip: dataDir() ? false : 'no data directory' }, async () => {
  assert.equal(table1.id, 'table1');
  const cfg = makeConfig({ hc: { k: 16 } });
  const cacheRoot = tmp('cache');
  const r = await runTable1(cfg, { smoke: true, cacheRoot });
  const before = tf.memory().numTensors;
  const t = r.tables.find((x) => x.id === 'table1')!;
  assert.deepEqual(t.columns, ['indexer (embedding)', 'beauty paper', 'beauty ours c¹ vs top', 'beauty ours c¹ vs level-2']);
  assert.equal(t.rows.length, 5 + 5);
  assert.equal(t.rows[0][1], 0.2654);
  const ours = t.rows.slice(5);
  assert.deepEqual(ours.map((row) => row[0]), [
    'ours: rq-VAE indexer (TF-IDF+SVD)', 'ours: rq-VAE indexer (GloVe idf-mean)', 'ours: HC indexer (TF-IDF+SVD)', 'ours: HC indexer (GloVe idf-mean)',
    'ours: LMIndexer (own encoder, GloVe init)',
  ]);
  for (const row of ours.slice(0, 4)) {
    for (const v of row.slice(2)) assert.ok(typeof v === 'number' && v > 0.02 && v < 1, `${row[0]}: AMI ${v}`);
  }
  // The smoke LMIndexer is a narrow model with one epoch per stage: its AMI must be a real score, not a fixed value.
  for (const v of ours[4].slice(2)) assert.ok(typeof v === 'number' && v > 0 && v < 1, `LMIndexer AMI ${v}`);
  assert.equal(r.figures.length, 1);
  assert.match(r.figures[0].id, /fig3a-beauty/);
  const stats = r.tables.find((x) => x.id === 'table1-idstats')!;
  assert.equal(stats.rows.length, 5);
  const lmiStats = stats.rows[4];
  assert.equal(lmiStats[1], 'LMIndexer (own encoder, GloVe init)');
  assert.match(String(lmiStats[2]), /^\d+\/\d+$/, 'K = 16, T = hc.depth = 2 learned positions');
  assert.ok(Number(String(lmiStats[2]).split('/')[0]) <= 16);
  assert.ok(r.meta.data.includes('beauty'));
  assert.ok(r.meta.seconds > 0);

  // The fit is an index folder under cacheRoot, with its model, that `finetune --ids` reads for the same corpus.
  const [folder] = fs.readdirSync(cacheRoot).filter((f) => !f.startsWith('.'));
  assert.match(folder, /^lmindexer-beauty-[0-9a-f]{12}$/);
  const dir = path.join(cacheRoot, folder);
  assert.ok(fs.existsSync(path.join(dir, 'model', 'indexer.json')));
  const index = loadIdIndex(dir);
  assert.equal(index.corpus.docs.length, 1500);
  assert.deepEqual(index.result.codebookSizes.slice(0, 2), [16, 16]);
  assert.ok(t.notes!.some((n) => n.includes(`fitted and saved to ${dir}`)));
  const viaIds = idsFromIndex(dir)(index.corpus);
  assert.deepEqual(viaIds.ids, index.result.ids);

  // Second run: same table (deterministic for a seed), the LMIndexer folder reused instead of refitted.
  const again = await runTable1(cfg, { smoke: true, cacheRoot });
  assert.deepEqual(again.tables[0].rows, t.rows, 'deterministic for a seed');
  assert.ok(again.tables[0].notes!.some((n) => n.includes(`reused from ${dir}`)));
  assert.equal(tf.memory().numTensors, before);
});
