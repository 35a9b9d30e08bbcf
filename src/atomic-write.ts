/**
 * Atomic file writes: write a temp file in the same folder, then rename over the target, so a killed process never
 * leaves a half-written file (checkpoints, caches, figures).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LmiError } from './errors';

/** Write `data` to `file` atomically, creating the folder. `what` names the file's role in the error message. */
export function writeFileAtomic(file: string, data: string | NodeJS.ArrayBufferView, what = 'file'): void {
  const dir = path.dirname(path.resolve(file));
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new LmiError(`cannot write ${what} ${file}: cannot create the folder ${dir} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}; is a file in the way?)`);
  }
  const tmp = `${file}.tmp-${process.pid}-${Date.now().toString(36)}`;
  try {
    const fd = fs.openSync(tmp, 'w');
    try {
      fs.writeFileSync(fd, data);
      fs.fsyncSync(fd); // the bytes reach the disk before the rename makes them visible
    } finally {
      fs.closeSync(fd);
    }
    pauseBeforeRenameForTests(file);
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw new LmiError(`cannot write ${what} ${file}: ${(e as Error).message} (check the folder exists and is writable)`);
  }
}

/**
 * Delete the temp files that killed writers left in `dir` (`<name>.tmp-<pid>-<time>` whose process is gone; a live
 * writer's temp file is kept). Called when a run resumes. Returns the names removed.
 */
export function removeStaleTemps(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const removed: string[] = [];
  for (const f of fs.readdirSync(dir)) {
    const m = /\.tmp-(\d+)-[0-9a-z]+$/.exec(f);
    if (!m || processAlive(Number(m[1]))) continue;
    fs.rmSync(path.join(dir, f), { force: true });
    removed.push(f);
  }
  return removed;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Test-only hook for the kill-and-resume tests (test/robustness/kill-resume.test.ts). With
 * `LMI_TEST_PAUSE_IN_WRITE="<substring>#<n>"` (`#<n>` optional, default 1) the n-th atomic write in this process whose
 * target path contains <substring> stops after its temp file is written and synced, before the rename: it prints
 * `LMI_TEST_PAUSED <file>` on stderr and blocks for up to 60 s so the test can SIGKILL the process mid-write.
 * Unset (normal use) it costs one environment lookup per write.
 */
let pauseHits = 0;
function pauseBeforeRenameForTests(file: string): void {
  const spec = process.env.LMI_TEST_PAUSE_IN_WRITE;
  if (!spec) return;
  const [needle, nth = '1'] = spec.split('#');
  if (!file.includes(needle) || ++pauseHits !== Number(nth)) return;
  fs.writeSync(2, `LMI_TEST_PAUSED ${file}\n`);
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
}
