/** `lmindexer index`: classic indexers (HC, rq-VAE, k-means) on off-the-shelf embeddings → an ID index folder. */
import { parseArgs } from 'node:util';
import { describeBackend, initBackend } from '../backend';
import { LmiError } from '../errors';
import { buildIndex, CLASSIC_INDEXERS, type ClassicIndexer, EMBEDDING_KINDS, type EmbeddingKind } from '../experiments/build-index';
import { type Command, CORPUS_OPTIONS, corpusConfig } from './options';

export const indexCommand: Command = {
  name: 'index',
  usage: `--corpus NAME --out DIR [--indexer ${CLASSIC_INDEXERS.join('|')}] [--embedding ${EMBEDDING_KINDS.join('|')}]
[--config FILE] [--preset small|paper] [--max-docs N]
assign semantic IDs to a corpus and save an ID index folder`,
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        ...CORPUS_OPTIONS,
        indexer: { type: 'string', default: 'hc' },
        embedding: { type: 'string', default: 'tfidf' },
      },
    });
    if (!values.corpus) throw new LmiError('index: --corpus is required (e.g. --corpus synthetic)');
    if (!values.out) throw new LmiError('index: --out DIR is required (the ID index folder to write)');
    if (!CLASSIC_INDEXERS.includes(values.indexer as ClassicIndexer)) throw new LmiError(`--indexer: must be one of ${CLASSIC_INDEXERS.join(', ')}, got "${values.indexer}"`);
    if (!EMBEDDING_KINDS.includes(values.embedding as EmbeddingKind)) throw new LmiError(`--embedding: must be one of ${EMBEDDING_KINDS.join(', ')}, got "${values.embedding}"`);
    const cfg = corpusConfig(values);
    const info = await initBackend();
    const r = buildIndex(cfg, { indexer: values.indexer as ClassicIndexer, embedding: values.embedding as EmbeddingKind, outDir: values.out });
    const ami = Object.entries(r.ami).map(([k, v]) => `AMI(c¹, ${k}) = ${v.toFixed(4)}`).join(', ');
    process.stdout.write(
      `indexed ${r.corpus.docs.length} documents of ${r.corpus.name} with ${values.indexer} on ${values.embedding} in ${r.seconds.toFixed(1)} s ` +
        `(${describeBackend(info)})\nID length ${r.result.ids[0].length}, codebooks ${r.result.codebookSizes.join(' × ')}${ami ? `; ${ami}` : ''}\n` +
        `saved to ${values.out}\n`,
    );
  },
};
