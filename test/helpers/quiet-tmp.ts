/**
 * Test setup shared by files that write index folders: the backend initialised quietly, LMI_QUIET set, and temp
 * folders (`tmp(tag)`) removed after the file's tests.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before } from 'node:test';
import { initBackend } from '../../src/backend';

export function quietTempDirs(prefix: string): (tag?: string) => string {
  const made: string[] = [];
  before(async () => {
    await initBackend({ quiet: true });
    process.env.LMI_QUIET = '1';
  });
  after(() => {
    for (const d of made) fs.rmSync(d, { recursive: true, force: true });
  });
  return (tag = '') => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}${tag ? `${tag}-` : ''}`));
    made.push(d);
    return d;
  };
}
