/**
 * Corpus pretraining, the stand-in for "start from pretrained T5" (no weights can be downloaded here): train a
 * WordPiece tokenizer on the corpus, then T5 span corruption (Raffel et al. 2020) on it. Writes the tokenizer,
 * the model (HF layout), atomic checkpoints (resumable) and the loss curve (JSONL) into `outDir`.
 * The library side of `lmindexer pretrain` and of the `pretrain` experiment in `make figures`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeBackend, initBackend } from '../backend';
import { configHash, type LmiConfig } from '../config';
import { loadCorpus } from '../data/loaders';
import { T5 } from '../model/t5';
import { pretrain, type PretrainResult } from '../model/pretrain';
import { Rng } from '../rng';
import { buildTokenizer } from '../text/index';
import type { Tokenizer } from '../text/tokenizer';
import { jsonlLogger, progressCallback } from '../train/callbacks';
import { line } from '../viz/plots';
import { writeFileAtomic } from '../atomic-write';
import type { Experiment, RunOptions } from './registry';
import type { ExperimentResult } from './types';

export interface PretrainRunOptions {
  /** Output folder (tokenizer.json, model/, checkpoints/, pretrain.jsonl); none = keep in memory only. */
  outDir?: string;
  epochs: number;
  /** Continue from the newest checkpoint in outDir/checkpoints. */
  resume?: boolean;
  /** Show a progress bar (CLI). */
  progress?: boolean;
  /** Called once on the freshly created model, before pretraining (e.g. GloVe-initialise its token embeddings). */
  init?: (model: T5, tokenizer: Tokenizer, texts: readonly string[]) => void;
  /** Data-parallel replicas (worker threads): a number or 'auto' (the cores, on wasm/cpu). Default 1. */
  workers?: 'auto' | number;
}

export interface PretrainRun {
  model: T5;
  tokenizer: Tokenizer;
  result: PretrainResult;
  docs: number;
  tokensPerDoc: number;
}

/** Tokenizer + span-corruption pretraining on `cfg.data`. The caller owns (and must dispose) the returned model. */
export async function pretrainOnCorpus(cfg: LmiConfig, opts: PretrainRunOptions): Promise<PretrainRun> {
  await initBackend();
  const rng = new Rng(cfg.seed);
  const corpus = loadCorpus(cfg.data, rng.fork());
  const texts = corpus.docs.map((d) => d.text);
  const tokenizer = buildTokenizer(cfg.tokenizer, texts);
  const sequences = texts.map((t) => tokenizer.encode(t).slice(0, cfg.tokenizer.maxLength));
  const model = T5.create({ ...cfg.model, vocabSize: tokenizer.vocabSize }, { seed: rng.seed() });
  opts.init?.(model, tokenizer, texts);
  const out = opts.outDir;
  // A resumed run writes its tokenizer only after the checkpoint accepted it: a refused resume (another config)
  // must leave the folder as it was.
  const writeTokenizer = (): void => writeFileAtomic(path.join(out as string, 'tokenizer.json'), JSON.stringify(tokenizer.toJSON()), 'tokenizer file');
  if (out) {
    fs.mkdirSync(out, { recursive: true });
    if (!opts.resume) writeTokenizer();
  }
  const stepsPerEpoch = Math.max(1, Math.floor(sequences.length / Math.min(cfg.indexer.batchSize, sequences.length)));
  const callbacks = [
    ...(out ? [jsonlLogger(path.join(out, 'pretrain.jsonl'))] : []),
    ...(opts.progress ? [progressCallback(stepsPerEpoch * opts.epochs, 'pretrain')] : []),
  ];
  const result = await pretrain(model, sequences, tokenizer, {
    epochs: opts.epochs,
    batchSize: cfg.indexer.batchSize,
    maxInputLength: cfg.tokenizer.maxLength,
    learningRate: cfg.indexer.learningRate,
    warmupSteps: Math.min(100, stepsPerEpoch),
    schedule: 'linear',
    seed: cfg.seed,
    callbacks,
    ...(opts.workers !== undefined ? { workers: opts.workers } : {}),
    ...(out ? { checkpointDir: path.join(out, 'checkpoints'), checkpointEvery: stepsPerEpoch, resume: opts.resume } : {}),
  });
  if (out && opts.resume) writeTokenizer();
  if (out) model.save(path.join(out, 'model'));
  const tokens = sequences.reduce((a, s) => a + s.length, 0);
  return { model, tokenizer, result, docs: sequences.length, tokensPerDoc: tokens / sequences.length };
}

/** Mean loss per epoch from a step history. */
export function epochLosses(r: PretrainResult): number[] {
  const out: number[] = [];
  for (let e = 0; e * r.stepsPerEpoch < r.history.length; e++) {
    const xs = r.history.slice(e * r.stepsPerEpoch, (e + 1) * r.stepsPerEpoch).map((h) => h.loss);
    out.push(xs.reduce((a, b) => a + b, 0) / xs.length);
  }
  return out;
}

export const pretrainExperiment: Experiment = {
  id: 'pretrain',
  title: 'Corpus pretraining (T5 span corruption) — the stand-in for a pretrained T5',
  version: 1,
  async run(base: LmiConfig, opts: RunOptions): Promise<ExperimentResult> {
    const t0 = Date.now();
    const info = await initBackend();
    const cfg = structuredClone(base);
    cfg.data.corpus = 'synthetic';
    if (opts.smoke) cfg.data.synthetic.numDocs = 256;
    const epochs = opts.smoke ? 1 : 3;
    const run = await pretrainOnCorpus(cfg, { epochs });
    run.model.dispose();
    const r = run.result;
    const losses = epochLosses(r);
    return {
      tables: [{
        id: 'pretrain-epochs',
        title: 'Span-corruption pretraining on the synthetic corpus: mean loss and time per epoch',
        columns: ['epoch', 'mean loss', 'seconds'],
        rows: losses.map((l, e) => [e + 1, l, (r.msPerEpoch[e] ?? NaN) / 1000]),
        notes: [`${run.docs} documents, ${run.tokensPerDoc.toFixed(1)} tokens/doc on average, batch ${cfg.indexer.batchSize}, ${r.stepsPerEpoch} steps/epoch, model d=${cfg.model.dModel}, ${cfg.model.numLayers}+${cfg.model.numDecoderLayers} layers, vocab ${run.tokenizer.vocabSize}.`],
      }],
      figures: [line({
        id: 'pretrain-loss',
        title: 'Span-corruption loss per step (synthetic corpus)',
        xTitle: 'optimizer step',
        yTitle: 'cross-entropy',
        series: [{ name: 'loss', y: r.history.map((h) => h.loss) }],
      })],
      meta: { id: 'pretrain', data: `synthetic corpus (${run.docs} docs)`, configHash: configHash(cfg), config: cfg, seed: cfg.seed, backend: describeBackend(info), seconds: (Date.now() - t0) / 1000 },
    };
  },
};
