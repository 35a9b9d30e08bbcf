/**
 * `lmindexer <command>` — the command line. Every command calls the same library functions the notebooks use.
 * Errors print one clear line and exit with code 2 (bad input) or 1 (unexpected failure).
 */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { describeBackend, initBackend } from './backend';
import { type DeepPartial, type LmiConfig, loadConfigFile, makeConfig, PRESETS, type PresetName } from './config';
import { dataDir } from './data/paths';
import { LmiError } from './errors';
import { ALL_EXPERIMENTS } from './experiments/all';
import { buildIndex, CLASSIC_INDEXERS, type ClassicIndexer, EMBEDDING_KINDS, type EmbeddingKind } from './experiments/build-index';
import { makeFigures } from './experiments/figures';
import { epochLosses, pretrainOnCorpus } from './experiments/pretrain';
import { writeExplorer } from './explore/index';
import { LMIndexer } from './indexer/lmindexer';
import { loadCorpus } from './data/loaders';
import { loadIdIndex, saveIdIndex } from './quantize/id-index';
import { Rng } from './rng';

const USAGE = `usage: lmindexer <command> [options]

commands:
  figures  [--preset small|paper] [--only id,id] [--force] [--smoke] [--out DIR]
           run the experiments behind the paper's tables/figures → DIR (default figures/): REPORT.md, index.html
  index    --corpus NAME --out DIR [--indexer ${CLASSIC_INDEXERS.join('|')}] [--embedding ${EMBEDDING_KINDS.join('|')}]
           [--config FILE] [--preset small|paper] [--max-docs N]
           assign semantic IDs to a corpus and save an ID index folder
  fit      --corpus NAME --out DIR [--run DIR] [--resume] [--config FILE] [--preset small|paper] [--max-docs N]
           learn LMIndexer semantic IDs (progressive training, Section 3) and save an ID index folder;
           --run keeps stage checkpoints so --resume continues a killed run
  pretrain --corpus NAME --out DIR [--epochs N] [--resume] [--config FILE] [--preset small|paper] [--max-docs N]
           train a tokenizer and T5 span-corruption pretraining on a corpus (checkpointed; --resume continues)
  explore  --index DIR [--out FILE]
           write a self-contained HTML ID explorer for an index (default DIR/explorer.html)
  info     backend, presets, data directory, experiments

corpora: synthetic (embedded, no files), scientific, beauty, sports, toys, scifact, agnews (from LMI_DATA_DIR)
`;

/** Config from --config FILE (a partial config) or --preset, plus command-line overrides. */
function configFrom(values: { config?: string; preset?: string }, overrides: DeepPartial<LmiConfig>): LmiConfig {
  const base = values.config ? loadConfigFile(values.config) : makeConfig({ preset: (values.preset ?? 'small') as PresetName }, '--preset');
  return makeConfig({ ...base, ...overrides, data: { ...base.data, ...(overrides.data ?? {}) } } as DeepPartial<LmiConfig>, values.config ?? 'command line');
}

function intOption(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new LmiError(`--${name}: must be a non-negative integer, got "${v}"`);
  return n;
}

const commands: Record<string, (args: string[]) => Promise<void>> = {
  async figures(args) {
    const { values } = parseArgs({
      args,
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
  },

  async index(args) {
    const { values } = parseArgs({
      args,
      options: {
        corpus: { type: 'string' },
        out: { type: 'string' },
        indexer: { type: 'string', default: 'hc' },
        embedding: { type: 'string', default: 'tfidf' },
        config: { type: 'string' },
        preset: { type: 'string' },
        'max-docs': { type: 'string' },
      },
    });
    if (!values.corpus) throw new LmiError('index: --corpus is required (e.g. --corpus synthetic)');
    if (!values.out) throw new LmiError('index: --out DIR is required (the ID index folder to write)');
    if (!CLASSIC_INDEXERS.includes(values.indexer as ClassicIndexer)) throw new LmiError(`--indexer: must be one of ${CLASSIC_INDEXERS.join(', ')}, got "${values.indexer}"`);
    if (!EMBEDDING_KINDS.includes(values.embedding as EmbeddingKind)) throw new LmiError(`--embedding: must be one of ${EMBEDDING_KINDS.join(', ')}, got "${values.embedding}"`);
    const maxDocs = intOption('max-docs', values['max-docs']);
    const cfg = configFrom(values, { data: { corpus: values.corpus as LmiConfig['data']['corpus'], ...(maxDocs !== undefined ? { maxDocs } : {}) } });
    const info = await initBackend();
    const r = buildIndex(cfg, { indexer: values.indexer as ClassicIndexer, embedding: values.embedding as EmbeddingKind, outDir: values.out });
    const ami = Object.entries(r.ami).map(([k, v]) => `AMI(c¹, ${k}) = ${v.toFixed(4)}`).join(', ');
    process.stdout.write(
      `indexed ${r.corpus.docs.length} documents of ${r.corpus.name} with ${values.indexer} on ${values.embedding} in ${r.seconds.toFixed(1)} s ` +
        `(${describeBackend(info)})\nID length ${r.result.ids[0].length}, codebooks ${r.result.codebookSizes.join(' × ')}${ami ? `; ${ami}` : ''}\n` +
        `saved to ${values.out}\n`,
    );
  },

  async fit(args) {
    const { values } = parseArgs({
      args,
      options: {
        corpus: { type: 'string' },
        out: { type: 'string' },
        run: { type: 'string' },
        resume: { type: 'boolean', default: false },
        config: { type: 'string' },
        preset: { type: 'string' },
        'max-docs': { type: 'string' },
      },
    });
    if (!values.corpus) throw new LmiError('fit: --corpus is required (e.g. --corpus scientific)');
    if (!values.out) throw new LmiError('fit: --out DIR is required (the ID index folder to write)');
    if (values.resume && !values.run) throw new LmiError('fit: --resume needs --run DIR (the folder of the run to continue)');
    const maxDocs = intOption('max-docs', values['max-docs']);
    const cfg = configFrom(values, { data: { corpus: values.corpus as LmiConfig['data']['corpus'], ...(maxDocs !== undefined ? { maxDocs } : {}) } });
    const info = await initBackend();
    const t0 = Date.now();
    const corpus = loadCorpus(cfg.data, new Rng(cfg.seed).fork());
    const lmi = new LMIndexer(cfg);
    try {
      const result = await lmi.fit(corpus, { dir: values.run, resume: values.resume, log: values.run ? path.join(values.run, 'diagnostics.jsonl') : undefined });
      saveIdIndex(values.out, { corpus, result, indexer: 'lmindexer', config: cfg });
      lmi.save(path.join(values.out, 'model'));
      process.stdout.write(
        `LMIndexer IDs for ${corpus.docs.length} documents of ${corpus.name} in ${((Date.now() - t0) / 1000).toFixed(0)} s (${describeBackend(info)}); ` +
          `codebooks ${result.codebookSizes.join(' × ')}; saved to ${values.out}\n`,
      );
    } finally {
      lmi.dispose();
    }
  },

  async pretrain(args) {
    const { values } = parseArgs({
      args,
      options: {
        corpus: { type: 'string' },
        out: { type: 'string' },
        epochs: { type: 'string', default: '1' },
        resume: { type: 'boolean', default: false },
        config: { type: 'string' },
        preset: { type: 'string' },
        'max-docs': { type: 'string' },
      },
    });
    if (!values.corpus) throw new LmiError('pretrain: --corpus is required (e.g. --corpus scientific)');
    if (!values.out) throw new LmiError('pretrain: --out DIR is required (tokenizer, model, checkpoints and loss curve go there)');
    const epochs = intOption('epochs', values.epochs) ?? 1;
    if (epochs < 1) throw new LmiError('--epochs: must be at least 1');
    const maxDocs = intOption('max-docs', values['max-docs']);
    const cfg = configFrom(values, { data: { corpus: values.corpus as LmiConfig['data']['corpus'], ...(maxDocs !== undefined ? { maxDocs } : {}) } });
    const run = await pretrainOnCorpus(cfg, { outDir: values.out, epochs, resume: values.resume, progress: true });
    run.model.dispose();
    const losses = epochLosses(run.result).map((l, e) => `epoch ${e + 1}: loss ${l.toFixed(4)}${run.result.msPerEpoch[e] ? `, ${(run.result.msPerEpoch[e] / 1000).toFixed(1)} s` : ''}`);
    process.stdout.write(
      `pretrained on ${run.docs} documents of ${values.corpus} (${run.tokensPerDoc.toFixed(1)} tokens/doc, vocab ${run.tokenizer.vocabSize})` +
        `${run.result.resumedFrom ? `, resumed from ${run.result.resumedFrom}` : ''}\n${losses.join('\n')}\n` +
        `saved tokenizer.json, model/, checkpoints/ and pretrain.jsonl in ${values.out}\n`,
    );
  },

  async explore(args) {
    const { values } = parseArgs({ args, options: { index: { type: 'string' }, out: { type: 'string' } } });
    if (!values.index) throw new LmiError('explore: --index DIR is required (a folder written by `lmindexer index`)');
    const out = values.out ?? path.join(values.index, 'explorer.html');
    const bytes = writeExplorer(loadIdIndex(values.index), out);
    process.stdout.write(`wrote ${out} (${(bytes / 1e6).toFixed(1)} MB); open it in a browser, no server needed\n`);
  },

  async info() {
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

async function main(argv: string[]): Promise<void> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '-h' || cmd === '--help' || cmd === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  const run = commands[cmd];
  if (!run) throw new LmiError(`unknown command "${cmd}"\n${USAGE}`);
  try {
    await run(rest);
  } catch (e) {
    // parseArgs errors (unknown option, missing value) are user errors too.
    if ((e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) throw new LmiError(`${cmd}: ${(e as Error).message}\n${USAGE}`);
    throw e;
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
