import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { backendInfo, describeBackend, initBackend } from '../../src/backend';

test('initBackend picks a working backend once and reports why', async () => {
  const info = await initBackend({ quiet: true });
  assert.equal(tf.getBackend(), info.name);
  assert.ok(['tensorflow', 'wasm', 'cpu'].includes(info.name));
  assert.equal(await initBackend(), info, 'second call returns the same choice');
  assert.equal(backendInfo(), info);
  assert.match(describeBackend(info), new RegExp(info.name));
  if (process.env.LMI_BACKEND === undefined && info.name === 'wasm') {
    // Native packages are optional: when they are absent the fallback names them.
    assert.ok(info.skipped.some((s) => s.choice === 'tensorflow'));
  }
  const y = tf.tidy(() => tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]])).dataSync()[0]);
  assert.equal(y, 11);
});
