/** Helpers for robustness tests that run `lmindexer` as a child process (sync for exit codes, async for kills). */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '../..');
const CLI = ['--import', 'tsx', path.join(ROOT, 'src/cli.ts')];

export interface CliResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Run the CLI to completion (quiet progress). */
export function cliSync(args: string[], env: Record<string, string> = {}): CliResult {
  const r = spawnSync(process.execPath, [...CLI, ...args], { cwd: ROOT, env: { ...process.env, LMI_QUIET: '1', ...env }, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** Run the CLI to completion without blocking the test process (quiet progress). */
export function cliAsync(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return cliKilledWhen(args, () => false, { LMI_QUIET: '1', ...env });
}

/**
 * Start the CLI; `killWhen(stderrSoFar)` is checked on every stderr chunk and, once it returns true, the child gets
 * SIGKILL at once. Resolves when the child has exited (killed or not).
 */
export function cliKilledWhen(args: string[], killWhen: (stderr: string) => boolean, env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...CLI, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let killed = false;
    const guard = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.stdout.on('data', (b: Buffer) => { stdout += b.toString('utf8'); });
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString('utf8');
      if (!killed && killWhen(stderr)) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.on('error', reject);
    child.on('close', (status, signal) => {
      clearTimeout(guard);
      resolve({ status, signal, stdout, stderr });
    });
  });
}

const roots: string[] = [];
/** A fresh temp folder, removed by `removeTempDirs`. */
/** A partial config small enough for `lmindexer fit` to finish in seconds (synthetic corpus, d_model 16). */
export const TINY = {
  seed: 7,
  data: { synthetic: { numDocs: 60, branching: [3, 2] } },
  tokenizer: { vocabSize: 200, minFrequency: 1, maxLength: 16 },
  model: { dModel: 16, dKv: 8, numHeads: 2, dFf: 32, numLayers: 1, numDecoderLayers: 1 },
  indexer: { idLength: 2, codebookSize: 4, batchSize: 12 },
};

export function tempDir(prefix = 'lmi-rb-'): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  roots.push(d);
  return d;
}
export function removeTempDirs(): void {
  for (const r of roots.splice(0)) fs.rmSync(r, { recursive: true, force: true });
}
