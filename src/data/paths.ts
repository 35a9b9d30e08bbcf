/**
 * Where the real data lives. `LMI_DATA_DIR` wins; otherwise `<repo root>/../shared/data` when it exists.
 * Files are never copied into the repository: loaders read them in place by path.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LmiError } from '../errors';

/**
 * The repository root (two folders above this file: `src/data/` → repo). Symlinks are resolved first: notebooks
 * load the library through `notebooks/src → ../src`, where `__dirname` is `notebooks/src/data`.
 */
export function repoRoot(): string {
  return path.resolve(fs.realpathSync(__dirname), '..', '..');
}

/**
 * The data directory: `LMI_DATA_DIR` if set (undefined when that folder does not exist), else
 * `<repo>/../shared/data` if present, else undefined. Use {@link requireDataDir} for an error that says why.
 */
export function dataDir(): string | undefined {
  const env = process.env.LMI_DATA_DIR;
  if (env !== undefined && env.trim() !== '') {
    const dir = path.resolve(env);
    return fs.existsSync(dir) && fs.statSync(dir).isDirectory() ? dir : undefined;
  }
  const fallback = path.resolve(repoRoot(), '..', 'shared', 'data');
  return fs.existsSync(fallback) ? fallback : undefined;
}

const HOW = 'set LMI_DATA_DIR to the folder that holds MANIFEST.md (e.g. LMI_DATA_DIR=/path/to/shared/data), or place it at ../shared/data beside the repository';

/** The data directory, or an `LmiError` saying how to point at it. */
export function requireDataDir(): string {
  const env = process.env.LMI_DATA_DIR;
  if (env !== undefined && env.trim() !== '') {
    const dir = path.resolve(env);
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
      throw new LmiError(`LMI_DATA_DIR=${env}: no such directory; ${HOW}`);
    }
    return dir;
  }
  const dir = dataDir();
  if (dir === undefined) throw new LmiError(`no data directory found (LMI_DATA_DIR unset, ${path.resolve(repoRoot(), '..', 'shared', 'data')} absent); ${HOW}`);
  return dir;
}

/**
 * Absolute path of `rel` inside the data directory (or inside `dir` when given), checked to exist.
 * Throws an `LmiError` naming the missing file and how to fix it.
 */
export function requireDataFile(rel: string, dir?: string): string {
  const base = dir ?? requireDataDir();
  const file = path.resolve(base, rel);
  if (!fs.existsSync(file)) {
    throw new LmiError(`${file}: file not found (expected "${rel}" inside the data directory ${base}); ${HOW}`);
  }
  return file;
}
