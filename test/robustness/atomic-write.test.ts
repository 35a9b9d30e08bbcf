/** Atomic writes after a kill: stale temp files of dead writers are removed on resume, live writers' are kept. */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { removeStaleTemps, writeFileAtomic } from '../../src/atomic-write';
import { LmiError } from '../../src/errors';
import { removeTempDirs, tempDir } from './cli-child';

after(removeTempDirs);

test('removeStaleTemps removes only temp files whose writer process is gone', () => {
  const dir = tempDir();
  const dead = spawnSync(process.execPath, ['-e', '0']).pid!; // exited by now
  const names = [`a.json.tmp-${dead}-lq3x`, `b.safetensors.tmp-${process.pid}-lq3y`, 'c.json', 'notes.tmp-x'];
  for (const n of names) fs.writeFileSync(path.join(dir, n), 'x');
  assert.deepEqual(removeStaleTemps(dir), [`a.json.tmp-${dead}-lq3x`]);
  assert.deepEqual(fs.readdirSync(dir).sort(), names.slice(1).sort());
  assert.deepEqual(removeStaleTemps(path.join(dir, 'missing')), []);
});

test('writeFileAtomic replaces the whole file and leaves no temp file; an unwritable target is an LmiError', () => {
  const dir = tempDir();
  const f = path.join(dir, 'sub', 'x.json');
  writeFileAtomic(f, 'first');
  writeFileAtomic(f, 'second');
  assert.equal(fs.readFileSync(f, 'utf8'), 'second');
  assert.deepEqual(fs.readdirSync(path.dirname(f)), ['x.json']);
  fs.mkdirSync(path.join(dir, 'is-a-dir'));
  assert.throws(() => writeFileAtomic(path.join(dir, 'is-a-dir'), 'x', 'config'), (e: unknown) => e instanceof LmiError && /cannot write config .*is-a-dir/.test(e.message));
  assert.deepEqual(fs.readdirSync(dir).sort(), ['is-a-dir', 'sub'], 'the failed write removed its temp file');
  assert.throws(() => writeFileAtomic(path.join(f, 'y.json'), 'x', 'page'), (e: unknown) => e instanceof LmiError && /cannot write page .*cannot create the folder .*x\.json \(EEXIST; is a file in the way\?\)/.test(e.message));
});
