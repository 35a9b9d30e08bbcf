/**
 * LMIndexer options: `LmiConfig.indexer` (T, K, hint ratios, reconstructor depth, batch, learning rates, stage
 * lengths, loss weights, code look-up, ablation switches, GloVe initialisation) flattened, plus the run-time settings
 * a config does not hold (token length from `tokenizer.maxLength`, diagnostics cadence, probe size).
 */
import type { LmiConfig } from '../config';
import { LmiError } from '../errors';
import type { Similarity } from '../quantize/codebook';

export interface LMIndexerOptions {
  seed: number;
  /** T: ID positions learned progressively (the collision position comes on top). */
  idLength: number;
  codebookSize: number;
  /** Hint ratio per learned position (positions beyond the list reuse its last entry); the reconstructor warm-up
   *  (Eq 12) uses the first. Paper: 50%, 30%. */
  hintRatios: number[];
  reconstructorLayers: number;
  batchSize: number;
  /** Tokens per document (eos included). */
  maxLength: number;
  /** Stage lengths per position, in epochs over the corpus (the reconstructor warm-up runs once, before t = 1). */
  reconWarmupEpochs: number;
  encoderWarmupEpochs: number;
  jointEpochs: number;
  /** Warm-up learning rate (`indexer.learningRate`). */
  learningRate: number;
  /** Joint-phase learning rate: lower reduces ID churn (DESIGN.md: 1e-4 → 15–20% churn vs 45–55% at 1e-3). */
  jointLearningRate: number;
  weightDecay: number;
  /** Weights of Eq 11's terms (Eq 7 has weight 1). */
  contrastiveWeight: number;
  commitmentWeight: number;
  /** Temperature of the contrastive softmax over cosine similarities of h (Eq 9 with normalised h). */
  contrastiveTemperature: number;
  /** Code look-up similarity and temperature (Eq 2, 6); see quantize/codebook.ts for why cosine is the default. */
  similarity: Similarity;
  temperature: number;
  /** Ablations (Figure 4, Table 15): each stage / loss can be switched off. */
  reconWarmup: boolean;
  /** Encoder warm-up (Eq 13) AND the k-means codebook initialisation; off = random codebook, straight to joint. */
  encoderWarmup: boolean;
  contrastive: boolean;
  commitment: boolean;
  /** Re-seed codes unused in the last corpus pass from random h rows after each epoch (not in the paper; off). */
  deadCodeReseed: boolean;
  /** Initialise the token embeddings of whole-word tokens from GloVe 100d (fixed random projection 100 → d_model). */
  gloveInit: boolean;
  /** Corpus-level diagnostics (code usage, perplexity, stability …) every this many optimizer steps (0 = per epoch). */
  diagnosticsEvery: number;
  /** Docs used for the reconstruction accuracy / macro-F1 probe. */
  probeDocs: number;
}

/** Run-time settings that are not part of the method's config (diagnostics only). */
export const DEFAULT_LMINDEXER_RUNTIME = { diagnosticsEvery: 0, probeDocs: 256 };

/** Options from a config (indexer section, tokenizer max length, seed) with `overrides` on top; validated. */
export function lmIndexerOptions(cfg: LmiConfig, overrides: Partial<LMIndexerOptions> = {}): LMIndexerOptions {
  const i = cfg.indexer;
  const o: LMIndexerOptions = {
    seed: cfg.seed, idLength: i.idLength, codebookSize: i.codebookSize, hintRatios: [...i.hintRatios],
    reconstructorLayers: i.reconstructorLayers, batchSize: i.batchSize, maxLength: cfg.tokenizer.maxLength,
    learningRate: i.learningRate, reconWarmupEpochs: i.reconWarmupEpochs, encoderWarmupEpochs: i.encoderWarmupEpochs,
    jointEpochs: i.jointEpochs, jointLearningRate: i.jointLearningRate, weightDecay: i.weightDecay,
    contrastiveWeight: i.contrastiveWeight, commitmentWeight: i.commitmentWeight, contrastiveTemperature: i.contrastiveTemperature,
    similarity: i.similarity, temperature: i.temperature, gloveInit: i.gloveInit, ...i.ablation,
    ...DEFAULT_LMINDEXER_RUNTIME, ...overrides,
  };
  validateOptions(o);
  return o;
}

/** Throws LmiError naming the field. */
export function validateOptions(o: LMIndexerOptions): void {
  const bad = (f: string, why: string): never => { throw new LmiError(`LMIndexer option ${f}: ${why}`); };
  if (!(Number.isInteger(o.idLength) && o.idLength >= 1)) bad('idLength', `must be an integer ≥ 1, got ${o.idLength}`);
  if (!(Number.isInteger(o.codebookSize) && o.codebookSize >= 2)) bad('codebookSize', `must be an integer ≥ 2, got ${o.codebookSize}`);
  if (!o.hintRatios.length || o.hintRatios.some((r) => !(r >= 0 && r < 1))) bad('hintRatios', `need ≥ 1 ratio in [0, 1), got [${o.hintRatios}]`);
  if (!(o.reconstructorLayers >= 1)) bad('reconstructorLayers', `must be ≥ 1, got ${o.reconstructorLayers}`);
  if (!(o.batchSize >= 2)) bad('batchSize', `must be ≥ 2 (the contrastive loss is in-batch), got ${o.batchSize}`);
  if (!(o.maxLength >= 4)) bad('maxLength', `must be ≥ 4, got ${o.maxLength}`);
  for (const f of ['reconWarmupEpochs', 'encoderWarmupEpochs', 'jointEpochs'] as const) if (!(o[f] >= 0)) bad(f, `must be ≥ 0, got ${o[f]}`);
  for (const f of ['learningRate', 'jointLearningRate', 'temperature', 'contrastiveTemperature'] as const) if (!(o[f] > 0)) bad(f, `must be > 0, got ${o[f]}`);
}

/** Hint ratio for 0-based position p. */
export function hintRatioAt(o: LMIndexerOptions, p: number): number {
  return o.hintRatios[Math.min(p, o.hintRatios.length - 1)];
}
