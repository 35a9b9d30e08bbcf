/** `lmindexer figures`: run the experiments behind the paper's tables and figures. */
import { parseArgs } from 'node:util';
import { makeFigures } from '../experiments/figures';
import { type Command, intOption, presetOption } from './options';

export const figuresCommand: Command = {
  name: 'figures',
  usage: `[--preset small|paper] [--only id,id] [--force] [--smoke] [--out DIR] [--jobs N] [--compute-only]
run the experiments behind the paper's tables/figures → DIR (default figures/): REPORT.md, index.html
--jobs N: experiments computed at once in child processes (default LMI_FIGURES_JOBS or one per core)
--compute-only: write the experiments' cache files only (what each child process does)`,
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        preset: { type: 'string', default: process.env.PRESET ?? 'small' },
        only: { type: 'string' },
        force: { type: 'boolean', default: false },
        smoke: { type: 'boolean', default: process.env.LMI_SMOKE === '1' },
        out: { type: 'string', default: 'figures' },
        jobs: { type: 'string' },
        'compute-only': { type: 'boolean', default: false },
      },
    });
    const preset = presetOption(values.preset);
    await makeFigures({
      preset,
      only: values.only ? values.only.split(',').map((s) => s.trim()).filter(Boolean) : undefined,
      force: values.force,
      smoke: values.smoke,
      outDir: values.out,
      jobs: intOption('jobs', values.jobs),
      computeOnly: values['compute-only'],
    });
  },
};
