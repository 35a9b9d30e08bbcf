/** Every experiment `make figures` runs, in report order. */
import type { GenerativeSettings } from './generative-common';
import { idInspection } from './id-inspection';
import { initStudy } from './init-study';
import { lmindexerAblations, lmindexerAblationsScientific } from './ablations';
import { lmindexerSynthetic } from './lmindexer-study';
import { pretrainExperiment } from './pretrain';
import { quickstart } from './quickstart';
import type { Experiment, RunOptions } from './registry';
import { table1, table1LmIndexerIndex } from './table1';
import { idsFromIndex } from './id-source';
import { runTable2, table2 } from './table2';
import { runTable3, table3 } from './table3';
import { runTable5, table5 } from './table5';
import { runTable14, table14 } from './table14';
import { idSweeps, runIdSweeps } from './id-sweeps';
import type { LmiConfig } from '../config';

/**
 * Fine-tuning budget of the generative tables inside `make figures` on 2 CPU cores: fewer epochs and users than the
 * experiments' own defaults, pretraining and fine-tuning data-parallel over one replica per core ('auto': 1 on
 * tfjs-node, which threads natively). Measured on a fresh clone with one worker: Table 2 1,372 s, Table 5 867 s,
 * Table 3 446 s. Run `bench/generative.ts` for longer runs.
 */
export const FIGURES_GENERATIVE_BUDGET: Partial<GenerativeSettings> = { pretrainEpochs: 1, epochs: 3, workers: 'auto' };
const FIGURES_MAX_USERS = 1000;

const budget = (o: RunOptions) => (o.smoke ? {} : { settings: FIGURES_GENERATIVE_BUDGET });

export const ALL_EXPERIMENTS: readonly Experiment[] = [
  quickstart,
  table1,
  idInspection,
  pretrainExperiment,
  lmindexerSynthetic,
  lmindexerAblations,
  lmindexerAblationsScientific,
  initStudy,
  { ...table5, run: (cfg: LmiConfig, o: RunOptions) => runTable5(cfg, { ...o, ...budget(o) }) },
  {
    ...table3,
    // rq-VAE beside HC, and (full runs) the LMIndexer that Table 1 trained on Beauty, loaded from its cache.
    run: async (cfg: LmiConfig, o: RunOptions) => runTable3(cfg, {
      ...o, ...budget(o),
      moreIds: [{ indexer: 'rq-vae' }, ...(o.smoke ? [] : [idsFromIndex((await table1LmIndexerIndex(cfg, 'beauty', o)).dir)])],
      ...(o.smoke ? {} : { maxUsers: FIGURES_MAX_USERS }),
    }),
  },
  { ...table2, run: (cfg: LmiConfig, o: RunOptions) => runTable2(cfg, { ...o, ...budget(o), ...(o.smoke ? {} : { maxUsers: FIGURES_MAX_USERS }) }) },
  { ...table14, run: (cfg: LmiConfig, o: RunOptions) => runTable14(cfg, { ...o, ...budget(o) }) },
  { ...idSweeps, run: (cfg: LmiConfig, o: RunOptions) => runIdSweeps(cfg, { ...o, ...(o.smoke ? {} : { settings: { workers: 'auto' } }) }) },
];
