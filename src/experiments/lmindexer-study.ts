/**
 * LMIndexer beside the classic indexers on one corpus, at the same codebook size: first-position AMI against the
 * labels, AMI of every prefix, code usage, perplexity and collisions — LMIndexer (Section 3) vs HC on TF-IDF+SVD vs
 * k-means on GloVe document vectors. Shared by `make figures`, the notebooks and `bench/indexer.ts`.
 */
import { describeBackend, initBackend } from '../backend';
import { configHash, type LmiConfig } from '../config';
import { loadCorpus } from '../data/loaders';
import type { Corpus } from '../data/types';
import { embedWithGlove } from '../embeddings/glove-docs';
import { adjustedMutualInfo } from '../eval/ami';
import { idStats, prefixLabels } from '../eval/id-stats';
import { LMIndexer } from '../indexer/lmindexer';
import type { T5 } from '../model/t5';
import { type Tokenizer, buildTokenizer } from '../text/index';
import type { LMIndexerOptions } from '../indexer/options';
import { kmeans } from '../quantize/kmeans';
import { Rng } from '../rng';
import { bar } from '../viz/plots';
import { DEFAULT_ENCODER_STANDIN, ENCODER_EMBEDDING_KINDS, ENCODER_EMBEDDING_NAMES, type EncoderStandinSettings, SMOKE_ENCODER_STANDIN, embedTfidf, encoderStandinEmbeddings, indexHc, labelsOf } from './id-quality';
import { pretrainedStart } from './init-study';
import type { Experiment, RunOptions } from './registry';
import type { Cell, ExperimentResult } from './types';

/** One compared method's scores. */
export interface IndexerScores {
  method: string;
  amiByPrefix: number[];
  codesUsedFirst: number;
  perplexityFirst: number;
  /** Share of documents whose T-position ID is shared, before the collision position. */
  collisionRate: number;
  seconds: number;
}

/** First-position AMI of LMIndexer's codes at one diagnostics pass. */
export interface AmiTracePoint {
  stage: string;
  step: number;
  ami: number;
}

export interface IndexerComparison {
  corpus: Corpus;
  labelKey: string;
  codebookSize: number;
  rows: IndexerScores[];
  /** LMIndexer's first-position AMI right after each position-1 stage (k-means init, joint…). */
  lmindexerAmiAfterStage: Record<string, number>;
  /** The same at every diagnostics pass of the position-1 codebook-init and joint stages. */
  lmindexerAmiTrace: AmiTracePoint[];
  /** Final span-corruption loss when the encoder was pretrained (CompareOptions.pretrainEpochs). */
  pretrainLoss?: number;
  /** LMIndexer's per-step / per-epoch diagnostics (recon loss, code usage, stability…). */
  diagnostics: Record<string, unknown>[];
}

function scores(method: string, corpus: Corpus, ids: number[][], key: string, T: number, seconds: number): IndexerScores {
  const truth = labelsOf(corpus, key);
  const s = idStats(ids.map((r) => r.slice(0, T)));
  return {
    method,
    amiByPrefix: Array.from({ length: T }, (_, t) => adjustedMutualInfo(truth, prefixLabels(ids, t + 1))),
    codesUsedFirst: s.codesUsed[0],
    perplexityFirst: s.perplexity[0],
    collisionRate: s.collisionRate[T - 1],
    seconds,
  };
}

/** How {@link compareIndexers} runs LMIndexer. */
export interface CompareOptions {
  /** Diagnostics JSONL file. */
  log?: string;
  /** Data-parallel training replicas (FitOptions.workers). */
  workers?: 'auto' | number;
  /**
   * Span-corruption pretraining epochs of the semantic encoder on the corpus before LMIndexer (the "pretrained T5"
   * stand-in of init-study; GloVe rows first when `overrides.gloveInit` is not false). 0 = none (default).
   */
  pretrainEpochs?: number;
  /**
   * Also run HC on the encoder stand-ins (the paper's two-step baselines: HC on BERT / in-domain SimCSE embeddings;
   * here a T5 encoder pretrained on the corpus, mean-pooled, and the same after unsupervised SimCSE — id-quality.ts).
   */
  standins?: EncoderStandinSettings;
}

/** Run LMIndexer (with `overrides`), HC on TF-IDF and GloVe k-means on `cfg.data` with K = `cfg.indexer.codebookSize`. */
export async function compareIndexers(cfg: LmiConfig, labelKey: string, overrides: Partial<LMIndexerOptions> = {}, opts: CompareOptions = {}): Promise<IndexerComparison> {
  await initBackend();
  const K = cfg.indexer.codebookSize;
  const T = cfg.indexer.idLength;
  const rng = new Rng(cfg.seed);
  const corpus = loadCorpus(cfg.data, rng.fork());
  const rows: IndexerScores[] = [];
  let t = Date.now();
  const hcCfg = { ...cfg, hc: { k: K, depth: T, collisionPosition: true } };
  const hc = indexHc(embedTfidf(corpus, hcCfg, rng.fork()), hcCfg, rng.fork());
  rows.push(scores('HC on TF-IDF+SVD', corpus, hc.ids, labelKey, T, (Date.now() - t) / 1000));
  t = Date.now();
  const glove = embedWithGlove(corpus.docs.map((d) => d.text), { weighting: 'idf' });
  const km = kmeans(glove, K, cfg.kmeans, rng.fork());
  rows.push(scores('k-means on GloVe idf-mean', corpus, Array.from(km.assignments, (c) => [c]), labelKey, 1, (Date.now() - t) / 1000));
  if (opts.standins) {
    t = Date.now();
    const st = await encoderStandinEmbeddings(corpus, cfg, opts.standins);
    const ready = (Date.now() - t) / 1000;
    for (const kind of ENCODER_EMBEDDING_KINDS) {
      t = Date.now();
      const res = indexHc(st.embeddings[kind], hcCfg, rng.fork());
      rows.push(scores(`HC on ${ENCODER_EMBEDDING_NAMES[kind]}`, corpus, res.ids, labelKey, T, ready + (Date.now() - t) / 1000));
    }
  }
  t = Date.now();
  const texts = corpus.docs.map((d) => d.text);
  const pretrainEpochs = opts.pretrainEpochs ?? 0;
  const lmi = new LMIndexer(cfg, overrides);
  const truth = labelsOf(corpus, labelKey);
  const amiOf = (x: LMIndexer): number => adjustedMutualInfo(truth, Array.from(x.lastCodes!));
  const amiAfter: Record<string, number> = {};
  const amiTrace: AmiTracePoint[] = [];
  let pre: { model: T5; tokenizer: Tokenizer; loss: number } | undefined;
  try {
    if (pretrainEpochs > 0) {
      const tokenizer = buildTokenizer(cfg.tokenizer, texts);
      pre = { tokenizer, ...(await pretrainedStart(cfg, tokenizer, texts, overrides.gloveInit !== false, pretrainEpochs, opts.workers)) };
    }
    const res = await lmi.fit(texts, {
      log: opts.log, workers: opts.workers, pretrained: pre && { model: pre.model, tokenizer: pre.tokenizer },
      onStageEnd: (stage, name, x) => {
        if (stage.position === 0 && x.lastCodes && stage.kind === 'assign') amiAfter[name] = amiOf(x);
      },
      // Position 1 after the k-means initialisation and at every joint diagnostics pass.
      onEval: (stage, name, step, x) => {
        if (stage.position !== 0 || !x.lastCodes || (stage.kind !== 'codebook-init' && stage.kind !== 'joint')) return;
        const ami = amiOf(x);
        amiTrace.push({ stage: name, step, ami });
        if (stage.kind === 'codebook-init') amiAfter[name] = ami;
      },
    });
    const name = `LMIndexer${pre ? `, ${pretrainEpochs} pretraining epoch(s)` : ''}${overrides.gloveInit === false ? '' : ' (GloVe init)'}`;
    rows.unshift(scores(name, corpus, res.ids, labelKey, T, (Date.now() - t) / 1000));
    return {
      corpus, labelKey, codebookSize: K, rows, lmindexerAmiAfterStage: amiAfter, lmindexerAmiTrace: amiTrace,
      pretrainLoss: pre?.loss, diagnostics: lmi.diagnostics.rows as Record<string, unknown>[],
    };
  } finally {
    lmi.dispose();
    pre?.model.dispose();
  }
}

/** The comparison as a table and an AMI-per-prefix bar chart. */
export function comparisonResult(c: IndexerComparison, id: string, meta: ExperimentResult['meta']): ExperimentResult {
  const T = Math.max(...c.rows.map((r) => r.amiByPrefix.length));
  const rows: Cell[][] = c.rows.map((r) => [
    r.method, ...Array.from({ length: T }, (_, t) => r.amiByPrefix[t] ?? null), r.codesUsedFirst, r.perplexityFirst, r.amiByPrefix.length > 1 ? r.collisionRate : null, r.seconds,
  ]);
  return {
    tables: [{
      id,
      title: `LMIndexer vs classic indexers on ${c.corpus.name} (K = ${c.codebookSize}, AMI vs ${c.labelKey})`,
      columns: ['method', ...Array.from({ length: T }, (_, t) => (t === 0 ? 'AMI c¹' : `AMI c¹…c${t + 1}`)), 'codes used c¹', 'perplexity c¹', 'collision rate before extra position', 'seconds'],
      rows,
      notes: [
        `Data: ${c.corpus.source} (${c.corpus.docs.length} docs).`,
        `LMIndexer first-position AMI after its position-1 stages: ${Object.entries(c.lmindexerAmiAfterStage).map(([k, v]) => `${k} ${v.toFixed(3)}`).join(', ') || '–'}.`,
        'Every LMIndexer result is shown beside TF-IDF (HC) and GloVe (k-means) on the same corpus; where it is below them, that is the finding at this scale (tiny model, no pretrained LM, few epochs on 2 CPU cores).',
      ],
    }],
    figures: [bar({
      id: `${id}-ami`,
      title: `AMI of ID prefixes vs ${c.labelKey} (${c.corpus.name}, K = ${c.codebookSize})`,
      x: Array.from({ length: T }, (_, t) => (t === 0 ? 'c¹' : `c¹…c${t + 1}`)),
      series: c.rows.map((r) => ({ name: r.method, y: Array.from({ length: T }, (_, t) => r.amiByPrefix[t] ?? 0) })),
      yTitle: 'AMI',
    })],
    meta,
  };
}

/** `make figures`: the synthetic corpus (known hierarchy), K = 8, short stages so it fits the 2-core budget. */
export const lmindexerSynthetic: Experiment = {
  id: 'lmindexer-synthetic',
  title: 'LMIndexer vs HC (TF-IDF, encoder stand-ins) and GloVe k-means on the synthetic corpus',
  version: 3,
  async run(base: LmiConfig, opts: RunOptions): Promise<ExperimentResult> {
    const t0 = Date.now();
    const info = await initBackend();
    const cfg = structuredClone(base);
    cfg.data.corpus = 'synthetic';
    cfg.data.synthetic.numDocs = opts.smoke ? 300 : 1500;
    cfg.indexer.codebookSize = 8;
    const overrides: Partial<LMIndexerOptions> = {
      gloveInit: true, reconWarmupEpochs: 1, encoderWarmupEpochs: opts.smoke ? 1 : 2, jointEpochs: 1, diagnosticsEvery: 0, probeDocs: 128,
    };
    const c = await compareIndexers(cfg, 'level1', overrides, { standins: opts.smoke ? SMOKE_ENCODER_STANDIN : DEFAULT_ENCODER_STANDIN });
    return comparisonResult(c, 'lmindexer-synthetic', {
      id: 'lmindexer-synthetic', data: `${c.corpus.source} (${c.corpus.docs.length} docs)`, configHash: configHash({ cfg, overrides }), config: { ...cfg, lmindexer: overrides },
      seed: cfg.seed, backend: describeBackend(info), seconds: (Date.now() - t0) / 1000,
      paper: 'No synthetic corpus in the paper; its Table 1 has LMIndexer above rq-VAE and HC on Amazon (.3563/.4163/.3536).',
    });
  },
};
