/** Every experiment `make figures` runs, in report order. */
import { pretrainExperiment } from './pretrain';
import { quickstart } from './quickstart';
import type { Experiment } from './registry';
import { table1 } from './table1';

export const ALL_EXPERIMENTS: readonly Experiment[] = [quickstart, table1, pretrainExperiment];
