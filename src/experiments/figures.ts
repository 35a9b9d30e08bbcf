/**
 * `make figures`: run every experiment on the configured preset, reuse cached results whose config and code
 * version are unchanged, write tables/figures, REPORT.md and index.html. A progress line shows the stage and ETA.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../atomic-write';
import { describeBackend, initBackend } from '../backend';
import type { LmiConfig, PresetName } from '../config';
import { configHash, makeConfig } from '../config';
import { LmiError } from '../errors';
import { Progress } from '../progress';
import { openExporter } from '../viz/export';
import { ALL_EXPERIMENTS } from './all';
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
  /** Experiments to run (default: all registered). */
  experiments?: readonly Experiment[];
}

/** Cache file for an experiment under a config: `<out>/cache/<id>-<hash>.json`. */
function cachePath(outDir: string, e: Experiment, cfg: LmiConfig, smoke: boolean): string {
  return path.join(outDir, 'cache', `${e.id}-${configHash({ cfg, version: e.version, smoke })}.json`);
}

/** Run (or load from cache) every experiment and write all outputs. Returns the report entries. */
export async function makeFigures(opts: FiguresOptions = {}): Promise<ReportEntry[]> {
  const t0 = Date.now();
  const outDir = path.resolve(opts.outDir ?? 'figures');
  const cfg = makeConfig({ preset: opts.preset ?? 'small' }, 'figures');
  const all = opts.experiments ?? ALL_EXPERIMENTS;
  const chosen = opts.only?.length ? all.filter((e) => opts.only!.includes(e.id)) : [...all];
  const unknown = (opts.only ?? []).filter((id) => !all.some((e) => e.id === id));
  if (unknown.length) throw new LmiError(`figures: unknown experiment id(s) ${unknown.join(', ')}; known: ${all.map((e) => e.id).join(', ')}`);
  const info = await initBackend();
  const exporter = await openExporter();
  if (!exporter.available) process.stderr.write(`[figures] ${exporter.reason ?? 'Chromium unavailable'}: writing HTML figures only\n`);
  const bar = new Progress({ label: 'figures', total: chosen.length, unit: 'exp', intervalMs: 0 });
  const entries: ReportEntry[] = [];
  try {
    for (const e of chosen) {
      bar.tick(0, e.id);
      const file = cachePath(outDir, e, cfg, Boolean(opts.smoke));
      let result: ExperimentResult;
      let cached = false;
      if (!opts.force && fs.existsSync(file)) {
        result = JSON.parse(fs.readFileSync(file, 'utf8')) as ExperimentResult;
        cached = true;
      } else {
        result = await e.run(structuredClone(cfg), { smoke: opts.smoke, fresh: opts.force, cacheRoot: path.join(outDir, 'cache', 'indexers') });
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
  return entries;
}
