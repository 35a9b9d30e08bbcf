/**
 * `make figures`: run every experiment on the configured preset, reuse cached results whose config and code
 * version are unchanged, write tables/figures, REPORT.md and index.html. A progress line shows the stage and ETA.
 * With `jobs` > 1 (default: one per core on single-threaded backends) the experiments to compute run side by side in
 * child processes (figures-jobs.ts) and this process then writes everything from their caches.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../atomic-write';
import { describeBackend, initBackend } from '../backend';
import type { LmiConfig, PresetName } from '../config';
import { configHash, makeConfig } from '../config';
import { LmiError } from '../errors';
import { Progress } from '../progress';
import { availableCores } from '../train/parallel/task';
import { openExporter } from '../viz/export';
import { ALL_EXPERIMENTS, MORE_ID_EXPERIMENTS } from './all';
import { type JobOutcome, runJobs } from './figures-jobs';
import { writeResult } from './output';
import type { Experiment } from './registry';
import type { ReportEntry } from './report';
import { writeReport } from './report';
import type { ExperimentResult } from './types';

export interface FiguresOptions {
  preset?: PresetName;
  /** Output directory (default `figures/`). */
  outDir?: string;
  /** Run only these experiment ids. */
  only?: string[];
  /** Ignore cached results. */
  force?: boolean;
  smoke?: boolean;
  /** Experiments to run (default: all registered; a custom list always runs in this process). */
  experiments?: readonly Experiment[];
  /**
   * Experiments computed at once, each in its own process (default `LMI_FIGURES_JOBS`, else the cores on wasm/cpu,
   * 1 on natively threaded tfjs-node). 1 runs everything in this process.
   */
  jobs?: number;
  /** Run the chosen experiments and write their cache files only: no tables, figures or report (child processes). */
  computeOnly?: boolean;
}

/** Default experiments at once: `LMI_FIGURES_JOBS`, else one per core unless the backend threads by itself. */
export function defaultJobs(multiThreaded: boolean): number {
  const env = process.env.LMI_FIGURES_JOBS;
  if (env !== undefined && env !== '') {
    const n = Number(env);
    if (!(Number.isInteger(n) && n >= 1)) throw new LmiError(`figures: LMI_FIGURES_JOBS must be an integer ≥ 1, got "${env}"`);
    return n;
  }
  return multiThreaded ? 1 : availableCores();
}

/** One-core seconds assumed for an experiment without `estimateSeconds` (only orders the parallel run). */
const DEFAULT_ESTIMATE_S = 300;

/** Cache file for an experiment under a config: `<out>/cache/<id>-<hash>.json`. */
function cachePath(outDir: string, e: Experiment, cfg: LmiConfig, smoke: boolean): string {
  return path.join(outDir, 'cache', `${e.id}-${configHash({ cfg, version: e.version, smoke })}.json`);
}

/** Run (or load from cache) every experiment and write all outputs. Returns the report entries. */
export async function makeFigures(opts: FiguresOptions = {}): Promise<ReportEntry[]> {
  const t0 = Date.now();
  const outDir = path.resolve(opts.outDir ?? 'figures');
  const cfg = makeConfig({ preset: opts.preset ?? 'small' }, 'figures');
  // `only` may also name the optional experiments (MORE_ID_EXPERIMENTS); the default set is ALL_EXPERIMENTS.
  const all = opts.experiments ?? [...ALL_EXPERIMENTS, ...MORE_ID_EXPERIMENTS];
  const chosen = opts.only?.length ? all.filter((e) => opts.only!.includes(e.id)) : [...(opts.experiments ?? ALL_EXPERIMENTS)];
  const unknown = (opts.only ?? []).filter((id) => !all.some((e) => e.id === id));
  if (unknown.length) throw new LmiError(`figures: unknown experiment id(s) ${unknown.join(', ')}; known: ${all.map((e) => e.id).join(', ')}`);
  const smoke = Boolean(opts.smoke);
  const info = await initBackend();
  const jobs = opts.jobs ?? defaultJobs(info.multiThreaded);
  if (!(Number.isInteger(jobs) && jobs >= 1)) throw new LmiError(`figures: jobs must be an integer ≥ 1, got ${jobs}`);
  const runOptions = { smoke, fresh: opts.force, cacheRoot: path.join(outDir, 'cache', 'indexers') };
  if (opts.computeOnly) {
    for (const e of chosen) writeFileAtomic(cachePath(outDir, e, cfg, smoke), JSON.stringify(await e.run(structuredClone(cfg), runOptions)));
    return [];
  }
  // Several experiments to compute and several cores: children compute them, this process writes from the caches.
  const todo = chosen.filter((e) => opts.force || !fs.existsSync(cachePath(outDir, e, cfg, smoke)));
  let outcomes = new Map<string, JobOutcome>();
  // Children look experiments up by id in ALL_EXPERIMENTS, so a custom `experiments` list runs in this process.
  if (jobs > 1 && todo.length > 1 && !opts.experiments) {
    const parallel = Math.min(jobs, todo.length);
    outcomes = await runJobs(todo.map((e) => ({ id: e.id, after: e.after ?? [], estimate: e.estimateSeconds ?? DEFAULT_ESTIMATE_S })), {
      parallel, outDir, preset: cfg.preset, smoke, force: Boolean(opts.force),
      coresPerJob: Math.max(1, Math.floor(availableCores() / parallel)),
    });
  }
  const exporter = await openExporter();
  if (!exporter.available) process.stderr.write(`[figures] ${exporter.reason ?? 'Chromium unavailable'}: writing HTML figures only\n`);
  const bar = new Progress({ label: 'figures', total: chosen.length, unit: 'exp', intervalMs: 0 });
  const entries: ReportEntry[] = [];
  const failed: string[] = [];
  try {
    for (const e of chosen) {
      bar.tick(0, e.id);
      const outcome = outcomes.get(e.id);
      if (outcome && !outcome.ok) {
        failed.push(`${e.id} (log: ${path.relative(process.cwd(), outcome.log)})`);
        bar.tick(1, `${e.id} FAILED`);
        continue;
      }
      const file = cachePath(outDir, e, cfg, smoke);
      let result: ExperimentResult;
      let cached = false;
      if ((!opts.force || outcome) && fs.existsSync(file)) {
        result = JSON.parse(fs.readFileSync(file, 'utf8')) as ExperimentResult;
        cached = !outcome;
      } else {
        result = await e.run(structuredClone(cfg), runOptions);
        writeFileAtomic(file, JSON.stringify(result));
      }
      const files = await writeResult(result, outDir, exporter);
      entries.push({ title: e.title, result, files, cached });
      bar.tick(1, `${e.id} ${cached ? 'cached' : `${result.meta.seconds.toFixed(1)} s`}`);
    }
  } finally {
    await exporter.close();
  }
  writeReport(entries, { preset: cfg.preset, backend: describeBackend(info), seconds: (Date.now() - t0) / 1000, date: new Date().toISOString() }, outDir);
  bar.finish(`wrote ${path.relative(process.cwd(), outDir) || '.'}/REPORT.md and index.html`);
  if (failed.length) throw new LmiError(`figures: ${failed.length} experiment(s) failed: ${failed.join('; ')}; the report lists the others`);
  return entries;
}
