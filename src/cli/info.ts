/** `lmindexer info`: backend, presets, data directory, experiments. */
import { parseArgs } from 'node:util';
import { describeBackend, initBackend } from '../backend';
import { PRESETS } from '../config';
import { dataDir } from '../data/paths';
import { ALL_EXPERIMENTS } from '../experiments/all';
import type { Command } from './options';

export const infoCommand: Command = {
  name: 'info',
  usage: `
backend, presets, data directory, experiments`,
  async run(args) {
    parseArgs({ args, options: {} }); // no options: anything given is an error (exit 2)
    const info = await initBackend({ quiet: true });
    process.stdout.write(
      `backend: ${describeBackend(info)}\n` +
        info.skipped.map((s) => `  skipped ${s.choice}: ${s.error}\n`).join('') +
        `presets: ${PRESETS.join(', ')} (default small)\n` +
        `data dir: ${dataDir() ?? '(none: set LMI_DATA_DIR; the synthetic corpus is used)'}\n` +
        `experiments: ${ALL_EXPERIMENTS.map((e) => e.id).join(', ')}\n`,
    );
  },
};
