/**
 * Kill and resume: `lmindexer fit` is SIGKILLed three times — inside a Trainer checkpoint write (between the temp
 * file and its rename), in the middle of a training stage, and inside the stage-boundary state write (after
 * params.safetensors, before indexer.json) — and continued each time with `--resume`. The IDs and the saved model
 * must be byte-identical to an uninterrupted run with the same seed. Tiny synthetic run (48 docs, d_model 16).
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cliAsync, cliKilledWhen, cliSync, removeTempDirs, tempDir, TINY } from './cli-child';

after(removeTempDirs);


function fitArgs(dir: string, run: string, out: string, resume: boolean): string[] {
  return ['fit', '--corpus', 'synthetic', '--max-docs', '48', '--config', path.join(dir, 'tiny.json'), '--run', run, '--out', out, '--checkpoint-every', '3', ...(resume ? ['--resume'] : [])];
}

/** Progress lines on stderr (the kills and the resume message are read from them). */
const LOUD = { LMI_QUIET: '0' };
const readState = (run: string): { next: number } => JSON.parse(fs.readFileSync(path.join(run, 'state.json'), 'utf8'));

test('fit killed with SIGKILL at three points and resumed gives the IDs and model of an uninterrupted run', async () => {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'tiny.json'), JSON.stringify(TINY));
  const refRun = cliAsync(fitArgs(dir, path.join(dir, 'run-ref'), path.join(dir, 'out-ref'), false)); // alongside

  const run = path.join(dir, 'run');
  const out = path.join(dir, 'out');
  // 1. Inside the 2nd checkpoint write of the first encoder warm-up (step 6 of 32): temp file written, not renamed.
  const k1 = await cliKilledWhen(fitArgs(dir, run, out, false), (s) => s.includes('LMI_TEST_PAUSED'), { ...LOUD, LMI_TEST_PAUSE_IN_WRITE: `01-encoder-warmup-p1${path.sep}step-#2` });
  assert.equal(k1.signal, 'SIGKILL', k1.stderr);
  const stageDir = path.join(run, 'stages', '01-encoder-warmup-p1');
  const files = fs.readdirSync(stageDir);
  assert.deepEqual(files.filter((f) => /^step-\d+\.safetensors$/.test(f)), ['step-00000003.safetensors'], `${files}`);
  assert.ok(files.some((f) => f.startsWith('step-00000006.safetensors.tmp-')), 'the kill left the half-done temp file');
  assert.equal(readState(run).next, 1);
  assert.ok(!fs.existsSync(out));

  // 2. Mid-stage, while the first joint stage trains (at whatever point the signal lands).
  const k2 = await cliKilledWhen(fitArgs(dir, run, out, true), (s) => s.includes('03-joint-p1 step 4/'), LOUD);
  assert.equal(k2.signal, 'SIGKILL', k2.stderr);
  assert.match(k2.stderr, /resuming at stage 1\/9/);
  assert.ok(readState(run).next >= 3, 'got into the joint stage');

  // 3. Inside the next stage-boundary write of indexer.json: state/params.safetensors is already the new one.
  const k3 = await cliKilledWhen(fitArgs(dir, run, out, true), (s) => s.includes('LMI_TEST_PAUSED'), { ...LOUD, LMI_TEST_PAUSE_IN_WRITE: `state${path.sep}indexer.json#1` });
  assert.equal(k3.signal, 'SIGKILL', k3.stderr);
  assert.ok(fs.readdirSync(path.join(run, 'state')).some((f) => f.startsWith('indexer.json.tmp-')), 'killed between the two state files');
  assert.ok(!fs.existsSync(out));

  const fin = cliSync(fitArgs(dir, run, out, true));
  assert.equal(fin.status, 0, fin.stderr);
  const ref = await refRun;
  assert.equal(ref.status, 0, ref.stderr);
  assert.equal(fs.readFileSync(path.join(out, 'ids.tsv'), 'utf8'), fs.readFileSync(path.join(dir, 'out-ref', 'ids.tsv'), 'utf8'), 'IDs differ from the uninterrupted run');
  const temps = (fs.readdirSync(run, { recursive: true }) as string[]).filter((f) => f.includes('.tmp-'));
  assert.deepEqual(temps, [], 'the resumed run removed the temp files the kills left behind');
  const params = (d: string) => fs.readFileSync(path.join(d, 'model', 'params.safetensors'));
  assert.ok(params(out).equals(params(path.join(dir, 'out-ref'))), 'model parameters differ from the uninterrupted run');
});
