import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { test } from 'node:test';

const root = path.resolve(__dirname, '../..');
const run = (env: Record<string, string>) =>
  spawnSync(process.execPath, ['--import', 'tsx', '-e', "require('./src/backend').initBackend({quiet:true}).then(i=>console.log(i.name)).catch(e=>{console.error(e.message);process.exit(3)})"], {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });

test('LMI_BACKEND=cpu forces the cpu backend', () => {
  const r = run({ LMI_BACKEND: 'cpu' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'cpu');
});

test('LMI_BACKEND with an unknown name is a clear error', () => {
  const r = run({ LMI_BACKEND: 'cuda' });
  assert.equal(r.status, 3);
  assert.match(r.stderr, /LMI_BACKEND: unknown backend "cuda"; use one of tensorflow-gpu, tensorflow, wasm, cpu/);
});

test('LMI_BACKEND=tensorflow without tfjs-node installed fails loudly instead of falling back', (t) => {
  try {
    require.resolve('@tensorflow/tfjs-node');
    t.skip('tfjs-node is installed here');
    return;
  } catch {
    /* not installed: the case under test */
  }
  const r = run({ LMI_BACKEND: 'tensorflow' });
  assert.equal(r.status, 3);
  assert.match(r.stderr, /could not initialise "tensorflow" \(from LMI_BACKEND\)/);
});
