/**
 * Atomic file writes: write a temp file in the same folder, then rename over the target, so a killed process never
 * leaves a half-written file (checkpoints, caches, figures).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LmiError } from './errors';

/** Write `data` to `file` atomically, creating the folder. `what` names the file's role in the error message. */
export function writeFileAtomic(file: string, data: string | NodeJS.ArrayBufferView, what = 'file'): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}-${Date.now().toString(36)}`;
  try {
    const fd = fs.openSync(tmp, 'w');
    try {
      fs.writeFileSync(fd, data);
      fs.fsyncSync(fd); // the bytes reach the disk before the rename makes them visible
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw new LmiError(`cannot write ${what} ${file}: ${(e as Error).message} (check the folder exists and is writable)`);
  }
}
