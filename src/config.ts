/**
 * Typed configuration with presets. `small` (default) is sized for a 2-core CPU; `paper` holds the paper's sizes
 * (T5-base, codebook 512, batch 128, max length 512, hints 50%/30%; Appendix A.3, Table 8). Experiment JSON files
 * are deep-merged over a preset and validated: unknown keys, wrong types and out-of-range values are errors that
 * name the file and the field.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { LmiError } from './errors';

export type PresetName = 'small' | 'paper';
export const PRESETS: readonly PresetName[] = ['small', 'paper'];

/** Synthetic corpus with a known topic hierarchy (the embedded default data set). */
export interface SyntheticConfig {
  numDocs: number;
  /** Branching factor per level; [6, 4] = 6 top topics × 4 sub-topics. */
  branching: number[];
  /** Words per document, drawn uniformly in [min, max]. */
  minWords: number;
  maxWords: number;
  /** Topic-specific vocabulary size per leaf topic and per level. */
  wordsPerTopic: number;
  /** Shared background vocabulary size. */
  backgroundWords: number;
  /** Probability a word is drawn from the background, the rest split across the topic path (top → leaf). */
  backgroundRate: number;
}

export interface DataConfig {
  /** Which corpus: `synthetic` (embedded, no files) or one of the real sets in LMI_DATA_DIR. */
  corpus: 'synthetic' | 'scientific' | 'beauty' | 'sports' | 'toys' | 'scifact' | 'agnews';
  /** Keep at most this many documents (0 = all), chosen with the seeded RNG. */
  maxDocs: number;
  synthetic: SyntheticConfig;
}

export interface TokenizerConfig {
  kind: 'wordpiece';
  vocabSize: number;
  lowercase: boolean;
  /** Minimum count for a word to enter the training vocabulary. */
  minFrequency: number;
  /** Maximum tokens per document fed to models (paper: 512). */
  maxLength: number;
  /** `<extra_id_N>` sentinels for T5 span corruption; ≥ noiseDensity·maxLength/meanSpanLength spans are needed. */
  numSentinels: number;
}

export interface EmbeddingConfig {
  /** TF-IDF: keep the most frequent terms (document frequency), drop terms in fewer than minDf docs. */
  maxFeatures: number;
  minDf: number;
  /** Use 1 + log(tf) instead of raw counts. */
  sublinearTf: boolean;
  /** Truncated SVD output dimension. */
  svdDim: number;
  /** Power iterations of the randomised SVD. */
  svdIters: number;
}

export interface KMeansConfig {
  maxIters: number;
  /** Stop when fewer than this fraction of points change cluster. */
  tol: number;
  /** Number of k-means++ restarts; the lowest inertia wins. */
  nInit: number;
  /** Cosine k-means on l2-normalised rows (spherical) instead of Euclidean. */
  spherical: boolean;
}

/** Hierarchical clustering indexer (DSI-style): k clusters per level, recursively; ID = path (+ collision suffix). */
export interface HcConfig {
  k: number;
  depth: number;
  /** Append a final position that makes every ID unique (paper: "final position ... distinguish documents"). */
  collisionPosition: boolean;
}

/** T5-style encoder-decoder shapes (HF T5 names). */
export interface ModelConfig {
  dModel: number;
  dKv: number;
  dFf: number;
  numLayers: number;
  numDecoderLayers: number;
  numHeads: number;
  relativeAttentionNumBuckets: number;
  relativeAttentionMaxDistance: number;
  dropoutRate: number;
  feedForwardProj: 'relu' | 'gated-gelu';
  tieWordEmbeddings: boolean;
  /** 0 = take it from the tokenizer. */
  vocabSize: number;
}

/** LMIndexer (Section 3, Table 8). */
export interface IndexerConfig {
  /** ID length T (positions learned progressively), without the collision position. */
  idLength: number;
  codebookSize: number;
  /** Hint ratio per position t = 1..T-1 (fraction of document tokens kept visible to the reconstructor). */
  hintRatios: number[];
  reconstructorLayers: number;
  batchSize: number;
  /** Warm-up learning rate (AdamW; the paper searches {1e-3, 2e-3, 5e-3}). */
  learningRate: number;
  /** Stage lengths in epochs over the corpus (Section 3.3): the reconstructor warm-up (Eq 12) runs once before
   *  t = 1; each position then runs the encoder warm-up + k-means codebook initialisation (Eq 13) and joint training.
   *  The paper trains 30 epochs in all (Table 8). */
  reconWarmupEpochs: number;
  encoderWarmupEpochs: number;
  jointEpochs: number;
  /** Joint-phase learning rate: lower reduces ID churn (DESIGN.md: 1e-4 → 15–20% churn vs 45–55% at 1e-3). */
  jointLearningRate: number;
  weightDecay: number;
  /** Weights of Eq 11's terms (the reconstruction loss, Eq 7, has weight 1) and the contrastive temperature (Eq 9). */
  contrastiveWeight: number;
  commitmentWeight: number;
  contrastiveTemperature: number;
  /** Code look-up (Eq 2, 6): cosine (default; see src/quantize/codebook.ts for the measured collapse with raw dot
   *  products at small scale) or the paper's dot product; softmax temperature of the straight-through backward. */
  similarity: 'cosine' | 'dot';
  temperature: number;
  /** Initialise whole-word token embeddings from GloVe 100d (fixed random projection 100 → d_model). */
  gloveInit: boolean;
  /** Ablations (Figure 4, Table 15): switch a stage or loss off. `encoderWarmup` also covers the k-means codebook
   *  initialisation; `deadCodeReseed` (not in the paper) re-seeds codes unused in the last pass. */
  ablation: { reconWarmup: boolean; encoderWarmup: boolean; contrastive: boolean; commitment: boolean; deadCodeReseed: boolean };
}

export interface LmiConfig {
  preset: PresetName;
  seed: number;
  data: DataConfig;
  tokenizer: TokenizerConfig;
  embedding: EmbeddingConfig;
  kmeans: KMeansConfig;
  hc: HcConfig;
  model: ModelConfig;
  indexer: IndexerConfig;
}

/** Deep partial, for overrides. */
export type DeepPartial<T> = { [K in keyof T]?: T[K] extends (infer U)[] ? U[] : T[K] extends object ? DeepPartial<T[K]> : T[K] };

const SMALL: LmiConfig = {
  preset: 'small',
  seed: 42,
  data: {
    corpus: 'synthetic',
    maxDocs: 0,
    synthetic: { numDocs: 3000, branching: [6, 4, 3], minWords: 12, maxWords: 40, wordsPerTopic: 12, backgroundWords: 400, backgroundRate: 0.45 },
  },
  tokenizer: { kind: 'wordpiece', vocabSize: 8000, lowercase: true, minFrequency: 2, maxLength: 64, numSentinels: 20 },
  embedding: { maxFeatures: 20000, minDf: 2, sublinearTf: true, svdDim: 64, svdIters: 4 },
  kmeans: { maxIters: 50, tol: 1e-4, nInit: 2, spherical: true },
  hc: { k: 32, depth: 2, collisionPosition: true },
  model: {
    dModel: 128, dKv: 32, dFf: 512, numLayers: 2, numDecoderLayers: 2, numHeads: 4,
    relativeAttentionNumBuckets: 32, relativeAttentionMaxDistance: 128, dropoutRate: 0.1,
    feedForwardProj: 'relu', tieWordEmbeddings: true, vocabSize: 0,
  },
  indexer: {
    idLength: 3, codebookSize: 64, hintRatios: [0.5, 0.3], reconstructorLayers: 1, batchSize: 32, learningRate: 1e-3,
    reconWarmupEpochs: 2, encoderWarmupEpochs: 8, jointEpochs: 4, jointLearningRate: 1e-4, weightDecay: 0.01,
    // GloVe init on by default: the best LMIndexer start on AG News, Scientific and Beauty in `init-study` (issue 13).
    contrastiveWeight: 0.1, commitmentWeight: 1, contrastiveTemperature: 0.1, similarity: 'cosine', temperature: 0.1, gloveInit: true,
    ablation: { reconWarmup: true, encoderWarmup: true, contrastive: true, commitment: true, deadCodeReseed: false },
  },
};

const PAPER: LmiConfig = {
  ...SMALL,
  preset: 'paper',
  tokenizer: { ...SMALL.tokenizer, vocabSize: 32128, maxLength: 512, numSentinels: 100 },
  embedding: { ...SMALL.embedding, svdDim: 768 },
  hc: { k: 512, depth: 2, collisionPosition: true },
  model: {
    dModel: 768, dKv: 64, dFf: 3072, numLayers: 12, numDecoderLayers: 12, numHeads: 12,
    relativeAttentionNumBuckets: 32, relativeAttentionMaxDistance: 128, dropoutRate: 0.1,
    feedForwardProj: 'relu', tieWordEmbeddings: true, vocabSize: 32128,
  },
  // Stage lengths: 2 + (8 + 20) per position ≈ the paper's 30 epochs (Table 8).
  indexer: {
    idLength: 3, codebookSize: 512, hintRatios: [0.5, 0.3], reconstructorLayers: 1, batchSize: 128, learningRate: 1e-3,
    reconWarmupEpochs: 2, encoderWarmupEpochs: 8, jointEpochs: 20, jointLearningRate: 1e-4, weightDecay: 0.01,
    contrastiveWeight: 0.1, commitmentWeight: 1, contrastiveTemperature: 0.1, similarity: 'cosine', temperature: 0.1, gloveInit: false,
    ablation: { reconWarmup: true, encoderWarmup: true, contrastive: true, commitment: true, deadCodeReseed: false },
  },
};

/** A fresh copy of a preset. */
export function preset(name: PresetName = 'small'): LmiConfig {
  if (name === 'small') return structuredClone(SMALL);
  if (name === 'paper') return structuredClone(PAPER);
  throw new LmiError(`config: unknown preset "${name as string}"; use one of ${PRESETS.join(', ')}`);
}

/** Range and enum rules, checked after every merge. Each returns an error message or undefined. */
type Rule = [field: string, check: (c: LmiConfig) => string | undefined];
const int = (v: number, lo: number, hi = Infinity): string | undefined =>
  Number.isInteger(v) && v >= lo && v <= hi ? undefined : `must be an integer in [${lo}, ${hi}], got ${v}`;
const real = (v: number, lo: number, hi: number, openLo = false): string | undefined =>
  Number.isFinite(v) && (openLo ? v > lo : v >= lo) && v <= hi ? undefined : `must be a number in ${openLo ? '(' : '['}${lo}, ${hi}], got ${v}`;
const oneOf = (v: string, xs: readonly string[]): string | undefined => (xs.includes(v) ? undefined : `must be one of ${xs.join(', ')}, got "${v}"`);

const RULES: Rule[] = [
  ['preset', (c) => oneOf(c.preset, PRESETS)],
  ['seed', (c) => int(c.seed, 0, 2 ** 32 - 1)],
  ['data.corpus', (c) => oneOf(c.data.corpus, ['synthetic', 'scientific', 'beauty', 'sports', 'toys', 'scifact', 'agnews'])],
  ['data.maxDocs', (c) => int(c.data.maxDocs, 0)],
  ['data.synthetic.numDocs', (c) => int(c.data.synthetic.numDocs, 1)],
  ['data.synthetic.branching', (c) => (c.data.synthetic.branching.length >= 1 && c.data.synthetic.branching.every((b) => Number.isInteger(b) && b >= 2) ? undefined : 'must be a non-empty list of integers ≥ 2')],
  ['data.synthetic.minWords', (c) => int(c.data.synthetic.minWords, 1)],
  ['data.synthetic.maxWords', (c) => int(c.data.synthetic.maxWords, c.data.synthetic.minWords)],
  ['data.synthetic.wordsPerTopic', (c) => int(c.data.synthetic.wordsPerTopic, 1)],
  ['data.synthetic.backgroundWords', (c) => int(c.data.synthetic.backgroundWords, 1)],
  ['data.synthetic.backgroundRate', (c) => real(c.data.synthetic.backgroundRate, 0, 1)],
  ['tokenizer.kind', (c) => oneOf(c.tokenizer.kind, ['wordpiece'])],
  ['tokenizer.vocabSize', (c) => int(c.tokenizer.vocabSize, 16)],
  ['tokenizer.minFrequency', (c) => int(c.tokenizer.minFrequency, 1)],
  ['tokenizer.maxLength', (c) => int(c.tokenizer.maxLength, 2)],
  ['tokenizer.numSentinels', (c) => int(c.tokenizer.numSentinels, 1, 1000)],
  ['embedding.maxFeatures', (c) => int(c.embedding.maxFeatures, 1)],
  ['embedding.minDf', (c) => int(c.embedding.minDf, 1)],
  ['embedding.svdDim', (c) => int(c.embedding.svdDim, 1)],
  ['embedding.svdIters', (c) => int(c.embedding.svdIters, 0, 50)],
  ['kmeans.maxIters', (c) => int(c.kmeans.maxIters, 1)],
  ['kmeans.tol', (c) => real(c.kmeans.tol, 0, 1)],
  ['kmeans.nInit', (c) => int(c.kmeans.nInit, 1)],
  ['hc.k', (c) => int(c.hc.k, 2)],
  ['hc.depth', (c) => int(c.hc.depth, 1, 16)],
  ['model.dModel', (c) => int(c.model.dModel, 1)],
  ['model.dKv', (c) => int(c.model.dKv, 1)],
  ['model.dFf', (c) => int(c.model.dFf, 1)],
  ['model.numLayers', (c) => int(c.model.numLayers, 1)],
  ['model.numDecoderLayers', (c) => int(c.model.numDecoderLayers, 1)],
  ['model.numHeads', (c) => int(c.model.numHeads, 1)],
  ['model.relativeAttentionNumBuckets', (c) => int(c.model.relativeAttentionNumBuckets, 2)],
  ['model.relativeAttentionMaxDistance', (c) => int(c.model.relativeAttentionMaxDistance, 2)],
  ['model.dropoutRate', (c) => real(c.model.dropoutRate, 0, 1)],
  ['model.feedForwardProj', (c) => oneOf(c.model.feedForwardProj, ['relu', 'gated-gelu'])],
  ['model.vocabSize', (c) => int(c.model.vocabSize, 0)],
  ['indexer.idLength', (c) => int(c.indexer.idLength, 1, 16)],
  ['indexer.codebookSize', (c) => int(c.indexer.codebookSize, 2)],
  ['indexer.hintRatios', (c) => (c.indexer.hintRatios.every((r) => Number.isFinite(r) && r >= 0 && r < 1) ? undefined : `every hint ratio must be in [0, 1), got [${c.indexer.hintRatios.join(', ')}]`)],
  ['indexer.reconstructorLayers', (c) => int(c.indexer.reconstructorLayers, 1)],
  ['indexer.batchSize', (c) => int(c.indexer.batchSize, 1)],
  ['indexer.reconWarmupEpochs', (c) => int(c.indexer.reconWarmupEpochs, 0)],
  ['indexer.encoderWarmupEpochs', (c) => int(c.indexer.encoderWarmupEpochs, 0)],
  ['indexer.jointEpochs', (c) => int(c.indexer.jointEpochs, 0)],
  ['indexer.jointLearningRate', (c) => real(c.indexer.jointLearningRate, 0, 1, true)],
  ['indexer.weightDecay', (c) => real(c.indexer.weightDecay, 0, 1)],
  ['indexer.contrastiveWeight', (c) => real(c.indexer.contrastiveWeight, 0, 1000)],
  ['indexer.commitmentWeight', (c) => real(c.indexer.commitmentWeight, 0, 1000)],
  ['indexer.contrastiveTemperature', (c) => real(c.indexer.contrastiveTemperature, 0, 100, true)],
  ['indexer.similarity', (c) => oneOf(c.indexer.similarity, ['cosine', 'dot'])],
  ['indexer.temperature', (c) => real(c.indexer.temperature, 0, 100, true)],
  ['indexer.learningRate', (c) => real(c.indexer.learningRate, 0, 1, true)],
];

/** Validate a complete config; `where` names its source (file path) in errors. */
export function validateConfig(c: LmiConfig, where = 'config'): LmiConfig {
  for (const [field, check] of RULES) {
    const msg = check(c);
    if (msg) throw new LmiError(`${where}: field "${field}" ${msg}`);
  }
  return c;
}

function typeName(v: unknown): string {
  return Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v;
}

/** Merge `over` into `base` (a copy), rejecting unknown keys and type changes. */
function mergeInto(base: Record<string, unknown>, over: Record<string, unknown>, where: string, prefix: string): void {
  for (const [key, value] of Object.entries(over)) {
    const field = prefix ? `${prefix}.${key}` : key;
    if (!(key in base)) {
      throw new LmiError(`${where}: unknown field "${field}"; known fields here: ${Object.keys(base).join(', ')}`);
    }
    const cur = base[key];
    if (typeName(cur) !== typeName(value)) {
      throw new LmiError(`${where}: field "${field}" must be ${typeName(cur)}, got ${typeName(value)} (${JSON.stringify(value)})`);
    }
    if (typeName(cur) === 'object') mergeInto(cur as Record<string, unknown>, value as Record<string, unknown>, where, field);
    else base[key] = structuredClone(value);
  }
}

/**
 * Build a config: start from `overrides.preset` (or `small`), apply overrides, validate.
 * `where` names the source of the overrides for error messages.
 */
export function makeConfig(overrides: DeepPartial<LmiConfig> = {}, where = 'config'): LmiConfig {
  if (typeof overrides !== 'object' || overrides === null || Array.isArray(overrides)) {
    throw new LmiError(`${where}: a config must be a JSON object, got ${typeName(overrides)}`);
  }
  const name = (overrides.preset ?? process.env.PRESET ?? 'small') as PresetName;
  if (!PRESETS.includes(name)) throw new LmiError(`${where}: field "preset" must be one of ${PRESETS.join(', ')}, got "${name}"`);
  const c = preset(name);
  mergeInto(c as unknown as Record<string, unknown>, overrides as Record<string, unknown>, where, '');
  return validateConfig(c, where);
}

/** Read an experiment JSON file (a partial config) and build the validated config. */
export function loadConfigFile(file: string): LmiConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new LmiError(`${file}: cannot read config (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (text.trim() === '') throw new LmiError(`${file}: config file is empty; write a JSON object such as {"seed": 1} (or leave out --config)`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const pos = /at position (\d+)/.exec(msg);
    const line = pos ? text.slice(0, Number(pos[1])).split('\n').length : undefined;
    throw new LmiError(`${file}: invalid JSON${line ? ` at line ${line}` : ''} (${msg}); fix the file, it must hold one JSON object`);
  }
  return makeConfig(parsed as DeepPartial<LmiConfig>, file);
}

/** JSON with object keys sorted, so equal configs serialise identically. */
export function stableStringify(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableStringify).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v as object).sort().map((k) => `${JSON.stringify(k)}:${stableStringify((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** Short content hash of any config-like value (cache keys, report columns). */
export function configHash(v: unknown): string {
  return createHash('sha256').update(stableStringify(v)).digest('hex').slice(0, 12);
}
