import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { makeConfig } from '../../src/config';
import { dataDir } from '../../src/data/paths';
import { runTable1, table1 } from '../../src/experiments/table1';

test('table1 smoke: Beauty (1500 items), paper rows beside rq-VAE/HC × TF-IDF/GloVe, Figure 3(a), no leaks', { skip: dataDir() ? false : 'no data directory' }, async () => {
  assert.equal(table1.id, 'table1');
  const cfg = makeConfig({ hc: { k: 16 } });
  const r = await runTable1(cfg, { smoke: true });
  const before = tf.memory().numTensors;
  const t = r.tables.find((x) => x.id === 'table1')!;
  assert.deepEqual(t.columns, ['indexer (embedding)', 'beauty paper', 'beauty ours c¹ vs top', 'beauty ours c¹ vs level-2']);
  assert.equal(t.rows.length, 5 + 4);
  assert.equal(t.rows[0][1], 0.2654);
  const ours = t.rows.slice(5);
  assert.deepEqual(ours.map((row) => row[0]), ['ours: rq-VAE indexer (TF-IDF+SVD)', 'ours: rq-VAE indexer (GloVe idf-mean)', 'ours: HC indexer (TF-IDF+SVD)', 'ours: HC indexer (GloVe idf-mean)']);
  for (const row of ours) {
    for (const v of row.slice(2)) assert.ok(typeof v === 'number' && v > 0.02 && v < 1, `${row[0]}: AMI ${v}`);
  }
  assert.equal(r.figures.length, 1);
  assert.match(r.figures[0].id, /fig3a-beauty/);
  const stats = r.tables.find((x) => x.id === 'table1-idstats')!;
  assert.equal(stats.rows.length, 4);
  assert.ok(r.meta.data.includes('beauty'));
  assert.ok(r.meta.seconds > 0);
  const again = await runTable1(cfg, { smoke: true });
  assert.deepEqual(again.tables[0].rows, t.rows, 'deterministic for a seed');
  assert.equal(tf.memory().numTensors, before);
});
