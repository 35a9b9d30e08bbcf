/**
 * `make figures` on several cores: each experiment runs in its own node process (`lmindexer figures --only ID
 * --compute-only`), which writes the experiment's cache file and nothing else; the parent then writes every table,
 * figure and the report from the caches, as in a one-process run. Output of each child goes to
 * `<out>/logs/<id>.log`. The experiments are single-threaded on wasm, so two of them on two cores take about the
 * time of the longer chain instead of the sum.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Progress, formatDuration } from '../progress';
import { type ScheduledJob, nextJob, plannedSeconds } from './schedule';

export interface JobRunOptions {
  /** Experiments run at once. */
  parallel: number;
  outDir: string;
  preset: string;
  smoke: boolean;
  force: boolean;
  /** Cores each child may use for data-parallel replicas ('auto'); default max(1, cores / parallel). */
  coresPerJob: number;
}

export interface JobOutcome {
  ok: boolean;
  seconds: number;
  log: string;
}

/** Command line that runs this CLI in a child node (through tsx when running from TypeScript sources). */
function cliCommand(): string[] {
  const ext = path.extname(__filename);
  const cli = path.resolve(__dirname, '..', `cli${ext}`);
  return ext === '.ts' ? ['--require', require.resolve('tsx/cjs'), cli] : [cli];
}

function runChild(job: ScheduledJob, o: JobRunOptions, log: string): Promise<boolean> {
  const args = [...cliCommand(), 'figures', '--only', job.id, '--compute-only', '--jobs', '1', '--out', o.outDir, '--preset', o.preset,
    ...(o.smoke ? ['--smoke'] : []), ...(o.force ? ['--force'] : [])];
  const out = fs.openSync(log, 'w');
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', out, out],
    env: { ...process.env, LMI_CORES: String(o.coresPerJob), LMI_SMOKE: o.smoke ? '1' : '0' },
  });
  return new Promise((resolve) => {
    child.on('error', (e) => { fs.appendFileSync(log, `\n[figures] could not start: ${e.message}\n`); resolve(false); });
    child.on('exit', (code, signal) => {
      fs.closeSync(out);
      if (code !== 0) fs.appendFileSync(log, `\n[figures] exited with ${signal ?? `code ${code}`}\n`);
      resolve(code === 0);
    });
  });
}

/** Last lines of a log, indented, for the failure message. */
function tail(file: string, lines = 15): string {
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trimEnd().split('\n') : [];
  return text.slice(-lines).map((l) => `    ${l}`).join('\n');
}

/** Run `jobs` in child processes, at most `o.parallel` at once, longest first; resolves when all have finished. */
export async function runJobs(jobs: readonly ScheduledJob[], o: JobRunOptions): Promise<Map<string, JobOutcome>> {
  const logDir = path.join(o.outDir, 'logs');
  fs.mkdirSync(logDir, { recursive: true });
  const say = (l: string): void => { if (process.env.LMI_QUIET !== '1') process.stderr.write(`[figures] ${l}\n`); };
  const total = jobs.reduce((s, j) => s + j.estimate, 0);
  // The estimates are of full-size runs: smoke runs get the order from them but no time forecast.
  const plan = o.smoke ? 'smoke sizes' : `estimated ${formatDuration(plannedSeconds(jobs, o.parallel))} wall from ${formatDuration(total)} of one-core estimates`;
  say(`${jobs.length} experiments on ${o.parallel} processes (${o.coresPerJob} core${o.coresPerJob > 1 ? 's' : ''} each); ${plan}; logs in ${path.relative(process.cwd(), logDir) || logDir}/`);
  const bar = new Progress({ label: 'figures', total, unit: 'est-s', intervalMs: 0 });
  const pending = [...jobs];
  const running = new Map<string, Promise<void>>();
  const outcomes = new Map<string, JobOutcome>();
  const start = (job: ScheduledJob): void => {
    pending.splice(pending.indexOf(job), 1);
    const log = path.join(logDir, `${job.id}.log`);
    const t0 = Date.now();
    say(`start ${job.id}${o.smoke ? '' : ` (≈ ${formatDuration(job.estimate)})`}`);
    running.set(job.id, runChild(job, o, log).then((ok) => {
      const seconds = (Date.now() - t0) / 1000;
      outcomes.set(job.id, { ok, seconds, log });
      running.delete(job.id);
      bar.tick(job.estimate, `${job.id} ${ok ? 'done' : 'FAILED'} in ${formatDuration(seconds)}${running.size ? ` · running ${[...running.keys()].join(', ')}` : ''}`);
      if (!ok) say(`${job.id} failed; the end of ${log}:\n${tail(log)}`);
    }));
  };
  while (pending.length || running.size) {
    let job: ScheduledJob | undefined;
    while (running.size < o.parallel && (job = nextJob(pending, new Set(running.keys())))) start(job);
    if (!running.size) {
      // Only possible with an `after` cycle: run the rest one after another rather than stop.
      start(pending[0]);
    }
    await Promise.race(running.values());
  }
  return outcomes;
}
