/** `lmindexer pretrain`: tokenizer + T5 span-corruption pretraining on a corpus (checkpointed, resumable). */
import { parseArgs } from 'node:util';
import { LmiError } from '../errors';
import { epochLosses, pretrainOnCorpus } from '../experiments/pretrain';
import { type Command, CORPUS_OPTIONS, corpusConfig, intOption, workersOption } from './options';

export const pretrainCommand: Command = {
  name: 'pretrain',
  usage: `--corpus NAME --out DIR [--epochs N] [--resume] [--workers N|auto] [--config FILE] [--preset small|paper] [--max-docs N]
train a tokenizer and T5 span-corruption pretraining on a corpus (checkpointed; --resume continues)`,
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        ...CORPUS_OPTIONS,
        epochs: { type: 'string', default: '1' },
        resume: { type: 'boolean', default: false },
        workers: { type: 'string' },
      },
    });
    if (!values.corpus) throw new LmiError('pretrain: --corpus is required (e.g. --corpus scientific)');
    if (!values.out) throw new LmiError('pretrain: --out DIR is required (tokenizer, model, checkpoints and loss curve go there)');
    const epochs = intOption('epochs', values.epochs) ?? 1;
    if (epochs < 1) throw new LmiError('--epochs: must be at least 1');
    const cfg = corpusConfig(values);
    const workers = workersOption(values.workers);
    const run = await pretrainOnCorpus(cfg, { outDir: values.out, epochs, resume: values.resume, progress: true, ...(workers !== undefined ? { workers } : {}) });
    run.model.dispose();
    const losses = epochLosses(run.result).map((l, e) => `epoch ${e + 1}: loss ${l.toFixed(4)}${run.result.msPerEpoch[e] ? `, ${(run.result.msPerEpoch[e] / 1000).toFixed(1)} s` : ''}`);
    process.stdout.write(
      `pretrained on ${run.docs} documents of ${values.corpus} (${run.tokensPerDoc.toFixed(1)} tokens/doc, vocab ${run.tokenizer.vocabSize})` +
        `${run.result.resumedFrom ? `, resumed from ${run.result.resumedFrom}` : ''}\n${losses.join('\n')}\n` +
        `saved tokenizer.json, model/, checkpoints/ and pretrain.jsonl in ${values.out}\n`,
    );
  },
};
