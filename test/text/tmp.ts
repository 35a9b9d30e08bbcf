/** Temporary directories for tests, removed when the test file finishes. */
import { after } from 'node:test';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const made: string[] = [];
after(() => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});

/** A fresh empty directory under the OS temp dir, deleted after the tests of this file. */
export function tmpDir(prefix: string): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), `lmi-text-${prefix}-`));
  made.push(d);
  return d;
}
