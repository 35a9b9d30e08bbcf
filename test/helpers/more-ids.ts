/**
 * The shared part of the `moreIds` tests of Tables 2 and 5: run a table plainly and with rq-VAE IDs added, and check
 * what must hold for any table — no leaked tensors, the main (HC) row unchanged, one extra row started from the
 * shared initial model on the same test cases.
 */
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import type { IdSource, IdSourceLike } from '../../src/experiments/generative-common';
import type { ExperimentResult } from '../../src/experiments/types';

interface RowMetrics {
  ids: IdSource;
  testCases: number;
  seconds: { pretrain: number };
}

interface TableRun<M> {
  result: ExperimentResult;
  metrics?: M;
  more?: M[];
}

export async function plainAndWithRqVae<M extends RowMetrics, O extends object>(
  runTable: (opts: O & { moreIds?: IdSourceLike[] }) => Promise<TableRun<M>>, opts: O,
): Promise<{ plain: TableRun<M>; run: TableRun<M>; rq: M; seconds: [number, number] }> {
  const before = tf.memory().numTensors;
  const t0 = Date.now();
  const plain = await runTable(opts);
  const t1 = Date.now();
  const run = await runTable({ ...opts, moreIds: [{ indexer: 'rq-vae' }] });
  const t2 = Date.now();
  assert.equal(tf.memory().numTensors, before, 'no leaked tensors (the shared initial model disposed once)');
  assert.deepEqual(plain.more, []);
  const scores = (m: M) => ({ ...m, seconds: null });
  assert.deepEqual(scores(run.metrics!), scores(plain.metrics!), 'adding an ID source leaves the HC row as it was');
  assert.equal(run.more!.length, 1);
  const rq = run.more![0];
  assert.notDeepEqual(rq.ids.ids, plain.metrics!.ids.ids, 'not the HC IDs');
  assert.equal(rq.testCases, plain.metrics!.testCases);
  assert.equal(rq.seconds.pretrain, 0, 'started from the shared initial model');
  assert.notEqual(run.result.meta.configHash, plain.result.meta.configHash);
  return { plain, run, rq, seconds: [(t1 - t0) / 1000, (t2 - t1) / 1000] };
}
