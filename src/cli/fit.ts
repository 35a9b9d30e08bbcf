/** `lmindexer fit`: learn LMIndexer semantic IDs (progressive training, Section 3) → an ID index folder + model. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { removeStaleTemps, writeFileAtomic } from '../atomic-write';
import { describeBackend, initBackend } from '../backend';
import { corpusHash } from '../data/corpus-hash';
import { loadCorpus } from '../data/loaders';
import type { Corpus } from '../data/types';
import { LmiError } from '../errors';
import { LMIndexer } from '../indexer/lmindexer';
import { saveIdIndex } from '../quantize/id-index';
import { Rng } from '../rng';
import { type Command, CORPUS_OPTIONS, corpusConfig, intOption, workersOption } from './options';

export const fitCommand: Command = {
  name: 'fit',
  usage: `--corpus NAME --out DIR [--run DIR] [--resume] [--checkpoint-every N] [--workers N|auto] [--config FILE]
[--preset small|paper] [--max-docs N]
learn LMIndexer semantic IDs (progressive training, Section 3) and save an ID index folder;
--run DIR (new, or with --resume) keeps stage checkpoints (every N optimizer steps inside a stage, default 200)
so --resume continues a killed run exactly (also with another --workers);
--workers trains each stage with N data-parallel replicas (auto = one per core on wasm/cpu; default 1)`,
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        ...CORPUS_OPTIONS,
        run: { type: 'string' },
        resume: { type: 'boolean', default: false },
        'checkpoint-every': { type: 'string' },
        workers: { type: 'string' },
      },
    });
    if (!values.corpus) throw new LmiError('fit: --corpus is required (e.g. --corpus scientific)');
    if (!values.out) throw new LmiError('fit: --out DIR is required (the ID index folder to write)');
    if (values.resume && !values.run) throw new LmiError('fit: --resume needs --run DIR (the folder of the run to continue)');
    const checkpointEvery = intOption('checkpoint-every', values['checkpoint-every']);
    if (checkpointEvery !== undefined && !values.run) throw new LmiError('fit: --checkpoint-every needs --run DIR (where the checkpoints go)');
    if (checkpointEvery === 0) throw new LmiError('--checkpoint-every: must be at least 1 (optimizer steps between checkpoints)');
    const workers = workersOption(values.workers);
    const cfg = corpusConfig(values);
    const info = await initBackend();
    const t0 = Date.now();
    const corpus = loadCorpus(cfg.data, new Rng(cfg.seed).fork());
    const lmi = new LMIndexer(cfg);
    if (values.resume) {
      checkSameSettings(values.run!, lmi);
      for (const d of [values.run!, path.join(values.run!, 'state')]) removeStaleTemps(d); // left by a killed run
    }
    if (values.run && !values.resume) checkFreshRunFolder(values.run);
    if (values.run) checkSameCorpus(values.run, corpus, values.resume);
    try {
      const result = await lmi.fit(corpus, {
        dir: values.run, resume: values.resume, checkpointEvery, log: values.run ? path.join(values.run, 'diagnostics.jsonl') : undefined,
        ...(workers !== undefined ? { workers } : {}),
      });
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
};

/**
 * A new run (no --resume) must not reuse a folder that holds another run: its stage checkpoints would be picked up
 * by a later --resume and silently mix two runs.
 */
function checkFreshRunFolder(run: string): void {
  const marks = ['state.json', 'state', 'stages'].filter((f) => fs.existsSync(path.join(run, f)));
  if (marks.length) {
    throw new LmiError(`${run}: --run folder already holds a run (${marks.join(', ')}); continue it with --resume, or pass a new folder (or delete this one)`);
  }
}

/** A run folder records the documents it learns IDs for (`corpus.json`); `--resume` on other documents is an error. */
function checkSameCorpus(run: string, corpus: Corpus, resume: boolean): void {
  const file = path.join(run, 'corpus.json');
  const now = { name: corpus.name, numDocs: corpus.docs.length, hash: corpusHash(corpus) };
  if (resume && fs.existsSync(file)) {
    let was: typeof now;
    try {
      was = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (e) {
      throw new LmiError(`${file}: unreadable (${(e as Error).message}); the run folder is damaged, start again with a fresh --run folder`);
    }
    if (was.hash === now.hash) return;
    throw new LmiError(
      `${file}: this run learns IDs for ${was.numDocs} documents of ${was.name}, but --corpus/--max-docs/--config give ` +
        `${now.numDocs} documents of ${now.name}${was.numDocs === now.numDocs && was.name === now.name ? ' (other documents)' : ''}; ` +
        'resume with the options of the run or use a fresh --run folder',
    );
  }
  writeFileAtomic(file, JSON.stringify(now, null, 2) + '\n', 'run corpus record');
}

/** `--resume` needs the run's own settings: name every model shape / indexer option that differs from the config. */
function checkSameSettings(run: string, lmi: LMIndexer): void {
  const file = path.join(run, 'state', 'indexer.json');
  if (!fs.existsSync(file)) return; // killed before the first state write: a fresh start
  let saved: { model?: Record<string, unknown>; options?: Record<string, unknown> };
  try {
    saved = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new LmiError(`${file}: unreadable (${(e as Error).message}); the run folder is damaged, start again with a fresh --run folder`);
  }
  const diffs: string[] = [];
  const compare = (label: string, was: Record<string, unknown> | undefined, now: object): void => {
    for (const [k, v] of Object.entries(now)) {
      if (JSON.stringify(was?.[k]) !== JSON.stringify(v)) diffs.push(`${label}${k}: run ${JSON.stringify(was?.[k])}, config ${JSON.stringify(v)}`);
    }
  };
  compare('model.', saved.model, lmi.model);
  compare('indexer option ', saved.options, lmi.options);
  if (diffs.length) {
    throw new LmiError(`${file}: this run was made with other settings (${diffs.slice(0, 4).join('; ')}${diffs.length > 4 ? `; +${diffs.length - 4} more` : ''}); resume with the run's config or use a fresh --run folder`);
  }
}
