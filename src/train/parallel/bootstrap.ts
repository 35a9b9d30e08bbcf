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
export function warnOnce(line: string): void {
  if (warned.has(line)) return;
  warned.add(line);
  process.stderr.write(line);
}
