/** How the project's worker threads start: a tiny eval script that registers tsx (when present) and loads the module. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LmiError } from '../../errors';

/** JavaScript that loads `<dir>/<name>.ts` (through tsx) or, in a compiled build, `<dir>/<name>.js`. */
export function workerBootstrap(dir: string, name: string): string {
  const ts = path.join(dir, `${name}.ts`);
  const file = fs.existsSync(ts) ? ts : path.join(dir, `${name}.js`);
  let register = '';
  try {
    register = `require(${JSON.stringify(require.resolve('tsx/cjs'))});`;
  } catch {
    if (file.endsWith('.ts')) throw new LmiError('parallel: workers need tsx to load TypeScript (package "tsx" not found)');
  }
  return `${register} require(${JSON.stringify(file)});`;
}

const warned = new Set<string>();
/** Write `line` to stderr once per process (fallback notices). */
function warnOnce(line: string): void {
  if (warned.has(line)) return;
  warned.add(line);
  process.stderr.write(line);
}

/**
 * Whether a worker thread can load `module`: tslab (and other in-memory compilers) run modules that are not files,
 * so no worker could load them. If not, a one-time notice ends with `fallback` (what runs instead).
 */
export function workerCanLoad(module: string, fallback: string): boolean {
  if (fs.existsSync(module)) return true;
  warnOnce(`[lmindexer] parallel: ${path.basename(module)} is not a file on disk (compiled in memory, e.g. in a tslab notebook): ${fallback}\n`);
  return false;
}
