/**
 * `lmindexer <command>` — the command line. Every command calls the same library functions the notebooks use.
 *   figures   run every experiment → figures/ (REPORT.md, index.html, tables, PNG/SVG/HTML)
 *   info      print the backend choice, presets and data directory
 * Errors print one clear line and exit non-zero.
 */
import { parseArgs } from 'node:util';
import { describeBackend, initBackend } from './backend';
import { PRESETS, type PresetName, makeConfig } from './config';
import { dataDir } from './data/paths';
import { LmiError } from './errors';
import { makeFigures } from './experiments/figures';
import { ALL_EXPERIMENTS } from './experiments/all';

const USAGE = `usage: lmindexer <command> [options]

commands:
  figures [--preset small|paper] [--only id,id] [--force] [--smoke] [--out DIR]
          run the experiments behind every paper table/figure and write DIR (default figures/)
  info    backend, presets, data directory, experiments
`;

async function main(argv: string[]): Promise<void> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '-h' || cmd === '--help' || cmd === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  switch (cmd) {
    case 'figures': {
      const { values } = parseArgs({
        args: rest,
        options: {
          preset: { type: 'string', default: process.env.PRESET ?? 'small' },
          only: { type: 'string' },
          force: { type: 'boolean', default: false },
          smoke: { type: 'boolean', default: process.env.LMI_SMOKE === '1' },
          out: { type: 'string', default: 'figures' },
        },
      });
      if (!PRESETS.includes(values.preset as PresetName)) throw new LmiError(`--preset: must be one of ${PRESETS.join(', ')}, got "${values.preset}"`);
      await makeFigures({
        preset: values.preset as PresetName,
        only: values.only ? values.only.split(',').map((s) => s.trim()).filter(Boolean) : undefined,
        force: values.force,
        smoke: values.smoke,
        outDir: values.out,
      });
      return;
    }
    case 'info': {
      const info = await initBackend({ quiet: true });
      const cfg = makeConfig();
      process.stdout.write(
        `backend: ${describeBackend(info)}\n` +
          info.skipped.map((s) => `  skipped ${s.choice}: ${s.error}\n`).join('') +
          `presets: ${PRESETS.join(', ')} (default ${cfg.preset})\n` +
          `data dir: ${dataDir() ?? '(none: set LMI_DATA_DIR; the synthetic corpus is used)'}\n` +
          `experiments: ${ALL_EXPERIMENTS.map((e) => e.id).join(', ')}\n`,
      );
      return;
    }
    default:
      throw new LmiError(`unknown command "${cmd}"\n${USAGE}`);
  }
}

main(process.argv.slice(2)).catch((e: unknown) => {
  if (e instanceof LmiError) {
    process.stderr.write(`lmindexer: ${e.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`lmindexer: unexpected error\n${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
