/**
 * `lmindexer eval --task …`: one group of the paper's tables (the same experiments `make figures` runs), cached by
 * config hash and code version in DIR/cache so a re-run is instant; `--fresh` recomputes.
 */
import { parseArgs } from 'node:util';
import { LmiError } from '../errors';
import { makeFigures } from '../experiments/figures';
import { type Command, presetOption } from './options';

/** Experiment ids per task (see `src/experiments/all.ts`). */
export const EVAL_TASKS: Record<string, { experiments: string[]; what: string }> = {
  'id-quality': { experiments: ['table1', 'id-inspection', 'lmindexer-synthetic', 'lmindexer-ablations', 'lmindexer-ablations-scientific', 'init-study'], what: 'Tables 1, 4, 12, 15 (4 and 15 also on Scientific), Figures 3, 4, 6, the initialisation study' },
  rec: { experiments: ['table2'], what: 'Table 2 (next-item recommendation)' },
  search: { experiments: ['table3', 'table14'], what: 'Tables 3, 13 and 14 (product search, latency, zero-shot items)' },
  retrieval: { experiments: ['table5'], what: 'Table 5 (document retrieval)' },
  'all-ids': { experiments: ['table2-all-ids', 'table5-all-ids'], what: 'Tables 2 and 5 with HC, rq-VAE and LMIndexer IDs (not in the default make figures: ≈ 3× their CPU)' },
  studies: { experiments: ['id-sweeps', 'table14', 'lmindexer-ablations-scientific'], what: 'Figures 5, 7, 8 (ID length, codebook size), Table 14 (zero-shot), Tables 4 and 15 on Scientific' },
};

export const evalCommand: Command = {
  name: 'eval',
  usage: `--task ${Object.keys(EVAL_TASKS).join('|')} [--fresh] [--smoke] [--preset small|paper] [--out DIR]
run one group of the paper's experiments (cached; --fresh recomputes) → DIR (default figures/):
${Object.entries(EVAL_TASKS).map(([k, v]) => `  ${k}: ${v.what}`).join('\n')}`,
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        task: { type: 'string' },
        fresh: { type: 'boolean', default: false },
        smoke: { type: 'boolean', default: false },
        preset: { type: 'string', default: 'small' },
        out: { type: 'string', default: 'figures' },
      },
    });
    const task = values.task ? EVAL_TASKS[values.task] : undefined;
    if (!task) throw new LmiError(`eval: --task must be one of ${Object.keys(EVAL_TASKS).join(', ')}${values.task ? `, got "${values.task}"` : ''}`);
    const preset = presetOption(values.preset);
    await makeFigures({ preset, only: task.experiments, force: values.fresh, smoke: values.smoke, outDir: values.out });
  },
};
