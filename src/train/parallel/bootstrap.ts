/** How the project's worker threads start: a tiny eval script that registers tsx (when present) and loads the module. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { LmiError } from '../../errors';

/**
 * Young-generation size of every worker (V8 splits it into 3 semi-spaces' worth: 192 MB ≈ `--max-semi-space-size=64`,
 * which the launchers give the main thread). A training step makes many short-lived JS objects (tensors, tape
 * nodes); with the default 16 MB semi-spaces V8 scavenges often, on helper threads that compete with the replicas
 * for the cores. Measured on 2 cores (docs/parallel-scaling.md): 2-replica step 514–552 → 493–505 ms, CPU per step
 * −8%.
 */
export const WORKER_YOUNG_GENERATION_MB = 192;

/** Start the worker thread that runs `<dir>/<name>.ts` with `workerData` (no inherited exec args, quiet stdio). */
export function startWorker(dir: string, name: string, workerData: unknown): Worker {
  return new Worker(workerBootstrap(dir, name), {
    eval: true, workerData, execArgv: [], stdout: false, stderr: false,
    resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
  });
}

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
