/** Every experiment `make figures` runs, in report order. */
import { quickstart } from './quickstart';
import type { Experiment } from './registry';
import { table1Hc } from './table1-hc';

export const ALL_EXPERIMENTS: readonly Experiment[] = [quickstart, table1Hc];
