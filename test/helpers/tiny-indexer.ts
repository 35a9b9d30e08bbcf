/** The tiny LMIndexer config shared by tests that fit and save an indexer on a 40-document corpus (seconds per fit). */
import { type LmiConfig, preset } from '../../src/config';

export function tinyIndexerConfig(): LmiConfig {
  const cfg = preset('small');
  cfg.model = { ...cfg.model, dModel: 16, dKv: 8, numHeads: 2, dFf: 32, numLayers: 1, numDecoderLayers: 1, dropoutRate: 0 };
  cfg.tokenizer = { ...cfg.tokenizer, maxLength: 16, vocabSize: 200, minFrequency: 1 };
  cfg.indexer = { ...cfg.indexer, idLength: 2, codebookSize: 4, batchSize: 12 };
  return cfg;
}

/** Stage lengths of those fits: one epoch per stage. */
export const TINY_INDEXER_STAGES = { reconWarmupEpochs: 1, encoderWarmupEpochs: 1, jointEpochs: 1, probeDocs: 12 };
