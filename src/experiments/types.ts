/**
 * What every experiment returns: tables (paper value beside ours, the data used), figures (plot specs), and metadata.
 * Notebooks render these inline; `make figures` writes them to figures/.
 */
import type { FigureSpec } from '../viz/figure';

export type Cell = string | number | null;

export interface Table {
  /** File-safe id, e.g. `table1-ami`. */
  id: string;
  title: string;
  columns: string[];
  rows: Cell[][];
  /** Free-text notes printed under the table (data used, deviations from the paper). */
  notes?: string[];
}

export interface ExperimentMeta {
  /** Experiment id, e.g. `quickstart-hc-ami`. */
  id: string;
  /** Data set(s) and where they came from. */
  data: string;
  /** Hash of the config that produced this result. */
  configHash: string;
  /** The config itself (JSON). */
  config: unknown;
  seed: number;
  backend: string;
  /** Wall-clock seconds. */
  seconds: number;
  /** What the paper reports, where it applies (free text or a reference like "Table 1"). */
  paper?: string;
}

export interface ExperimentResult {
  tables: Table[];
  figures: FigureSpec[];
  meta: ExperimentMeta;
}
