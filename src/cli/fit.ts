/** `lmindexer fit`: learn LMIndexer semantic IDs (progressive training, Section 3) → an ID index folder + model. */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { describeBackend, initBackend } from '../backend';
import { loadCorpus } from '../data/loaders';
import { LmiError } from '../errors';
import { LMIndexer } from '../indexer/lmindexer';
import { saveIdIndex } from '../quantize/id-index';
import { Rng } from '../rng';
import { type Command, corpusConfig } from './options';

export const fitCommand: Command = {
  name: 'fit',
  usage: `--corpus NAME --out DIR [--run DIR] [--resume] [--config FILE] [--preset small|paper] [--max-docs N]
learn LMIndexer semantic IDs (progressive training, Section 3) and save an ID index folder;
--run keeps stage checkpoints so --resume continues a killed run`,
  async run(args) {
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
    const cfg = corpusConfig(values);
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
};
