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
import { runTable5, table5, table5LmIndexerIndex } from './table5';
import { runTable14, table14 } from './table14';
import { idSweeps, runIdSweeps } from './id-sweeps';
import type { LmiConfig } from '../config';
import type { ExperimentResult } from './types';

/**
 * Fine-tuning budget of the generative tables inside `make figures` on 2 CPU cores: fewer epochs and users than the
 * experiments' own defaults, pretraining and fine-tuning data-parallel over one replica per core ('auto': 1 on
 * tfjs-node, which threads natively). Measured on a fresh clone with one worker: Table 2 1,372 s, Table 5 867 s,
 * Table 3 446 s. Run `bench/generative.ts` for longer runs.
 */
export const FIGURES_GENERATIVE_BUDGET: Partial<GenerativeSettings> = { pretrainEpochs: 1, epochs: 3, workers: 'auto' };
const FIGURES_MAX_USERS = 1000;
/** Users per point of the ID-length and codebook-size sweeps inside `make figures` (the sweep's own default: 200). */
const FIGURES_SWEEP_USERS = 100;

const budget = (o: RunOptions) => (o.smoke ? {} : { settings: FIGURES_GENERATIVE_BUDGET });

/**
 * `estimateSeconds`: wall seconds of each full (small-preset) run in a fresh-clone `make figures` on the 2-core
 * development machine, two experiments at a time (2026-11-27: 78 min 45 s in all); they only order a parallel run
 * (critical path first) and feed its ETA.
 */
export const ALL_EXPERIMENTS: readonly Experiment[] = [
  { ...quickstart, estimateSeconds: 5 },
  { ...table1, estimateSeconds: 810 },
  { ...idInspection, estimateSeconds: 150 },
  { ...pretrainExperiment, estimateSeconds: 120 },
  { ...lmindexerSynthetic, estimateSeconds: 420 },
  { ...lmindexerAblations, estimateSeconds: 350 },
  { ...lmindexerAblationsScientific, estimateSeconds: 1050 },
  { ...initStudy, estimateSeconds: 330 },
  { ...table5, estimateSeconds: 1310, run: (cfg: LmiConfig, o: RunOptions) => runTable5(cfg, { ...o, ...budget(o) }) },
  {
    ...table3,
    estimateSeconds: 1350,
    after: ['table1'],
    // rq-VAE beside HC, and (full runs) the LMIndexer that Table 1 trained on Beauty, loaded from its cache.
    run: async (cfg: LmiConfig, o: RunOptions) => runTable3(cfg, {
      ...o, ...budget(o),
      moreIds: [{ indexer: 'rq-vae' }, ...(o.smoke ? [] : [idsFromIndex((await table1LmIndexerIndex(cfg, 'beauty', o)).dir)])],
      ...(o.smoke ? {} : { maxUsers: FIGURES_MAX_USERS }),
    }),
  },
  { ...table2, estimateSeconds: 1630, run: (cfg: LmiConfig, o: RunOptions) => runTable2(cfg, { ...o, ...budget(o), ...(o.smoke ? {} : { maxUsers: FIGURES_MAX_USERS }) }) },
  { ...table14, estimateSeconds: 900, run: (cfg: LmiConfig, o: RunOptions) => runTable14(cfg, { ...o, ...budget(o) }) },
  {
    ...idSweeps,
    estimateSeconds: 1460,
    run: (cfg: LmiConfig, o: RunOptions) => runIdSweeps(cfg, { ...o, ...(o.smoke ? {} : { maxUsers: FIGURES_SWEEP_USERS, settings: { workers: 'auto' } }) }),
  },
];

/** A result whose table ids carry `suffix` (so a variant's tables/*.md do not overwrite the default run's). */
function suffixed(r: ExperimentResult, suffix: string): ExperimentResult {
  return { ...r, tables: r.tables.map((t) => ({ ...t, id: `${t.id}${suffix}` })) };
}

/**
 * Tables 2 and 5 with all three ID sources of the paper (HC, rq-VAE, LMIndexer; issue 7), each fine-tuned from the
 * same initial model. Not in the default `make figures` set — about three times the CPU of the HC-only tables, over
 * its 90-minute budget on 2 cores — but run by `lmindexer eval --task all-ids` or `make figures` with `--only`.
 * Table 2 reads the LMIndexer Table 1 trained on Beauty; Table 5 fits (and caches) one on SciFact.
 */
export const MORE_ID_EXPERIMENTS: readonly Experiment[] = [
  {
    id: 'table2-all-ids',
    title: 'Table 2 with HC, rq-VAE and LMIndexer semantic IDs (Amazon-Beauty recommendation)',
    version: 1,
    after: ['table1'],
    estimateSeconds: 4500,
    run: async (cfg: LmiConfig, o: RunOptions) => suffixed(await runTable2(cfg, {
      ...o, ...budget(o), ...(o.smoke ? {} : { maxUsers: FIGURES_MAX_USERS }),
      moreIds: [{ indexer: 'rq-vae' }, ...(o.smoke ? [] : [idsFromIndex((await table1LmIndexerIndex(cfg, 'beauty', o)).dir)])],
    }), '-all-ids'),
  },
  {
    id: 'table5-all-ids',
    title: 'Table 5 with HC, rq-VAE and LMIndexer semantic IDs (SciFact document retrieval)',
    version: 1,
    estimateSeconds: 3600,
    run: async (cfg: LmiConfig, o: RunOptions) => suffixed(await runTable5(cfg, {
      ...o, ...budget(o),
      moreIds: [{ indexer: 'rq-vae' }, ...(o.smoke ? [] : [idsFromIndex((await table5LmIndexerIndex(cfg, o)).dir)])],
    }), '-all-ids'),
  },
];
