/**
 * The shape of an experiment as `make figures` runs it. Notebooks import the same functions directly.
 * Add an experiment: write `src/experiments/<name>.ts` exporting an `Experiment` and list it in `all.ts`.
 */
import type { LmiConfig } from '../config';
import type { ExperimentResult } from './types';

export interface RunOptions {
  /** Tiny sizes for notebook smoke runs and tests (`LMI_SMOKE=1`). */
  smoke?: boolean;
  /** Where trained indexers are cached as ID index folders (default `figures/cache/indexers`; `make figures`: `<out>/cache/indexers`). */
  cacheRoot?: string;
  /** Train cached indexers again instead of loading them (`make figures --force`). */
  fresh?: boolean;
}

export interface Experiment {
  id: string;
  title: string;
  /** Bump when the experiment's code changes in a way that invalidates cached results. */
  version: number;
  run(cfg: LmiConfig, opts: RunOptions): Promise<ExperimentResult>;
  /** Experiments whose cached artefacts this one reads; a parallel `make figures` starts it after them. */
  after?: readonly string[];
  /** Expected seconds on one core of the small preset (orders a parallel `make figures`, longest first). */
  estimateSeconds?: number;
}

