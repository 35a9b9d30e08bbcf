/**
 * The LMIndexer training study's runs (Sec 4.3 Figure 4, Appendix A.11 Table 15, Sec 5.2 Table 4): one LMIndexer fit
 * per variant — the full recipe, each stage / loss switched off, dead-code re-seeding switched on, and the
 * reconstructor at 1/2/3 layers — on the same corpus, seed and sizes. Each run keeps its diagnostics as curves
 * (x = optimizer step since the start of the run), its final ID statistics and AMI, and the perplexity of the
 * re-predicted first-position IDs at the stage boundaries of position 2 (what Eq 10 is meant to keep).
 * Tables and figures are built from these in `ablations.ts`.
 */
import { initBackend } from '../backend';
import type { LmiConfig } from '../config';
import { loadCorpus } from '../data/loaders';
import type { Corpus } from '../data/types';
import { embedWithGlove } from '../embeddings/glove-docs';
import { LmiError } from '../errors';
import { idStats } from '../eval/id-stats';
import { LMIndexer } from '../indexer/lmindexer';
import type { LMIndexerOptions } from '../indexer/options';
import { Progress } from '../progress';
import { kmeans } from '../quantize/kmeans';
import { Rng } from '../rng';
import { amiByPrefix, embedTfidf, indexHc } from './id-quality';

/** Sizes of the study (the corpus is the synthetic one unless `corpus` says otherwise). */
export interface AblationSettings {
  corpus: LmiConfig['data']['corpus'];
  numDocs: number;
  codebookSize: number;
  /** ID positions of the Figure 4 / Table 15 runs (≥ 2: the commitment loss and diff ratio need a prefix). */
  idLength: number;
  /** Tokens per document. */
  maxLength: number;
  reconWarmupEpochs: number;
  encoderWarmupEpochs: number;
  jointEpochs: number;
  /** Corpus diagnostics every this many optimizer steps (the curve resolution). */
  diagnosticsEvery: number;
  probeDocs: number;
  /** Label keys AMI is measured against, coarsest first: prefix length t is scored against labelKeys[t − 1]. */
  labelKeys: string[];
}

/** `make figures` sizes: the 9 runs took 355 CPU s (≈ 6 min on one idle core; wasm is single-threaded), seed 42, measured. */
export const ABLATION_SETTINGS: AblationSettings = {
  corpus: 'synthetic', numDocs: 300, codebookSize: 8, idLength: 2, maxLength: 32,
  reconWarmupEpochs: 1, encoderWarmupEpochs: 2, jointEpochs: 1, diagnosticsEvery: 4, probeDocs: 96, labelKeys: ['level1', 'level2'],
};

/** Notebook smoke / test sizes: seconds per run. */
export const ABLATION_SMOKE_SETTINGS: AblationSettings = {
  ...ABLATION_SETTINGS, numDocs: 64, maxLength: 16, encoderWarmupEpochs: 1, diagnosticsEvery: 1, probeDocs: 32,
};

/**
 * Tables 4 and 15 on real text (issue 6): Scientific, 2,000 documents, K = 32, two positions, AMI vs level2 then the
 * full category path. Only the variants those tables need run here (see SCIENTIFIC_ABLATION_VARIANTS). Measured, seed
 * 42: the five runs took 1,122 CPU s (≈ 19 min on one idle core; references add seconds), and all five orderings of
 * Tables 4 and 15 held (AMI 1/2/3 layers .165/.139/.131; c¹ perplexity after c²'s encoder warm-up 28.3 vs 18.9).
 */
export const SCIENTIFIC_ABLATION_SETTINGS: AblationSettings = {
  corpus: 'scientific', numDocs: 2000, codebookSize: 32, idLength: 2, maxLength: 32,
  reconWarmupEpochs: 1, encoderWarmupEpochs: 1, jointEpochs: 1, diagnosticsEvery: 16, probeDocs: 128, labelKeys: ['level2', 'path'],
};

/** Smoke sizes of the Scientific study. */
export const SCIENTIFIC_ABLATION_SMOKE_SETTINGS: AblationSettings = {
  ...SCIENTIFIC_ABLATION_SETTINGS, numDocs: 96, codebookSize: 8, maxLength: 16, diagnosticsEvery: 2, probeDocs: 32,
};

/** Table 15 (with / without commitment) and Table 4 (reconstructor depth). */
export const SCIENTIFIC_ABLATION_VARIANTS = ['full', 'no-commitment', 'recon-1', 'recon-2', 'recon-3'];

/** One variant: overrides on top of the full recipe. */
export interface AblationVariant {
  key: string;
  label: string;
  /** Legend label in figures. */
  short: string;
  overrides: Partial<LMIndexerOptions>;
  /** ID positions for this run (default: the settings' idLength). Table 4 runs learn only position 1. */
  idLength?: number;
  /** Whether the paper runs this variant (dead-code re-seeding is ours). */
  inPaper: boolean;
}

export const ABLATION_VARIANTS: readonly AblationVariant[] = [
  { key: 'full', label: 'full', short: 'full', overrides: {}, inPaper: true },
  { key: 'no-recon-warmup', label: 'w/o recon warm-up', short: 'w/o recon warm-up', overrides: { reconWarmup: false }, inPaper: true },
  { key: 'no-encoder-warmup', label: 'w/o encoder warm-up + k-means init', short: 'w/o encoder warm-up', overrides: { encoderWarmup: false }, inPaper: true },
  { key: 'no-contrastive', label: 'w/o contrastive', short: 'w/o contrastive', overrides: { contrastive: false }, inPaper: true },
  { key: 'no-commitment', label: 'w/o commitment', short: 'w/o commitment', overrides: { commitment: false }, inPaper: true },
  { key: 'dead-code-reseed', label: 'w/o encoder warm-up + dead-code re-seed (ours)', short: 'w/o enc. warm-up + re-seed', overrides: { encoderWarmup: false, deadCodeReseed: true }, inPaper: false },
  { key: 'recon-1', label: 'reconstructor 1 layer', short: 'recon 1 layer', overrides: { reconstructorLayers: 1 }, idLength: 1, inPaper: true },
  { key: 'recon-2', label: 'reconstructor 2 layers', short: 'recon 2 layers', overrides: { reconstructorLayers: 2 }, idLength: 1, inPaper: true },
  { key: 'recon-3', label: 'reconstructor 3 layers', short: 'recon 3 layers', overrides: { reconstructorLayers: 3 }, idLength: 1, inPaper: true },
];

/** One diagnostics evaluation, placed on the run's global step axis. */
export interface CurvePoint {
  /** Optimizer steps done since the start of the run. */
  step: number;
  stage: string;
  /** 1-based position being learned (0 in the reconstructor warm-up). */
  position: number;
  reconMacroF1: number;
  reconAccuracy: number;
  /** NaN where the stage has no codes yet (warm-ups). */
  perplexity: number;
  diffRatio: number;
  codesUsed: number;
  idStability: number;
}

/** Perplexity of the re-predicted first-position IDs at a stage boundary. */
export interface EarlierSnapshot {
  stage: string;
  perplexity: number;
  codesUsed: number;
  /** Share of documents whose re-predicted c¹ equals the stored one. */
  agreement: number;
}

export interface VariantRun {
  variant: AblationVariant;
  idLength: number;
  /** AMI of prefix length t against labelKeys[t − 1]. */
  ami: number[];
  codesUsed: number[];
  perplexity: number[];
  /** Diff ratio per position (pairs sharing the prefix whose code at the position differs). */
  diffRatio: number[];
  /** Share of documents whose learned ID (before the collision position) is shared. */
  collisionRate: number;
  /** Documents per code, per position (length K each). */
  codeCounts: number[][];
  curve: CurvePoint[];
  earlier: EarlierSnapshot[];
  /** Stage names run, in order (shows which stages an ablation dropped). */
  stages: string[];
  seconds: number;
  /** CPU seconds of this process during the run (≈ uncontended wall time: the wasm backend uses one thread). */
  cpuSeconds: number;
}

export interface ReferenceRow {
  method: string;
  ami: number[];
  codesUsed: number;
  perplexity: number;
}

export interface AblationStudy {
  corpus: Corpus;
  seed: number;
  settings: AblationSettings;
  runs: VariantRun[];
  /** HC on TF-IDF and k-means on GloVe at the same K, for scale. */
  references: ReferenceRow[];
  seconds: number;
  cpuSeconds: number;
}

function cpuSince(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1e6;
}

const num = (v: unknown): number => (typeof v === 'number' ? v : NaN);

/**
 * Diagnostics rows (in the order written) → curve points: every `step` row advances the global step; every `eval`
 * row becomes a point at the current global step.
 */
export function curveFromDiagnostics(rows: readonly Record<string, unknown>[]): CurvePoint[] {
  let step = 0;
  const out: CurvePoint[] = [];
  for (const r of rows) {
    if (r.kind === 'step') step++;
    else if (r.kind === 'eval') {
      out.push({
        step, stage: String(r.stage), position: num(r.position), reconMacroF1: num(r.reconMacroF1), reconAccuracy: num(r.reconAccuracy),
        perplexity: num(r.perplexity), diffRatio: num(r.diffRatio), codesUsed: num(r.codesUsed), idStability: num(r.idStability),
      });
    }
  }
  return out;
}

/** Documents per code at each position. */
export function codeCounts(ids: readonly (readonly number[])[], K: number, T: number): number[][] {
  return Array.from({ length: T }, (_, p) => {
    const c = new Array<number>(K).fill(0);
    for (const id of ids) {
      if (!(id[p] >= 0 && id[p] < K)) throw new LmiError(`codeCounts: code ${id[p]} at position ${p + 1} outside 0..${K - 1}`);
      c[id[p]]++;
    }
    return c;
  });
}

/** The config a variant runs under (corpus and sizes from the settings, the rest from `base`). */
export function studyConfig(base: LmiConfig, s: AblationSettings, idLength = s.idLength): LmiConfig {
  const cfg = structuredClone(base);
  cfg.data.corpus = s.corpus;
  if (s.corpus === 'synthetic') cfg.data.synthetic.numDocs = s.numDocs;
  else cfg.data.maxDocs = s.numDocs;
  cfg.indexer.codebookSize = s.codebookSize;
  cfg.indexer.idLength = idLength;
  cfg.tokenizer.maxLength = s.maxLength;
  return cfg;
}

/** Stage-length and diagnostics overrides shared by every variant. */
export function studyOverrides(s: AblationSettings): Partial<LMIndexerOptions> {
  return {
    gloveInit: true, reconWarmupEpochs: s.reconWarmupEpochs, encoderWarmupEpochs: s.encoderWarmupEpochs, jointEpochs: s.jointEpochs,
    diagnosticsEvery: s.diagnosticsEvery, probeDocs: s.probeDocs,
  };
}

/** Fit one variant on `corpus`. */
export async function runVariant(base: LmiConfig, s: AblationSettings, corpus: Corpus, v: AblationVariant): Promise<VariantRun> {
  const t0 = Date.now();
  const cpu0 = process.cpuUsage();
  const T = v.idLength ?? s.idLength;
  if (T > s.labelKeys.length) throw new LmiError(`ablations: variant "${v.key}" learns ${T} positions but settings.labelKeys has ${s.labelKeys.length}; add a label key per position`);
  const cfg = studyConfig(base, s, T);
  const lmi = new LMIndexer(cfg, { ...studyOverrides(s), ...v.overrides });
  const texts = corpus.docs.map((d) => d.text);
  const earlier: EarlierSnapshot[] = [];
  const stages: string[] = [];
  try {
    const res = await lmi.fit(corpus, {
      say: () => {},
      onStageEnd: (stage, name, x) => {
        stages.push(name);
        // c¹ re-predicted now (no prefix: the greedy index equals the teacher-forced one at position 1).
        const atFirstAssign = stage.kind === 'assign' && stage.position === 0;
        if (T < 2 || !(atFirstAssign || stage.position >= 1)) return;
        const stored = x.codes[0];
        const now = x.index(texts).map((id) => id[0]);
        const st = idStats(now.map((c) => [c]));
        let same = 0;
        now.forEach((c, i) => { if (c === stored[i]) same++; });
        earlier.push({ stage: name, perplexity: st.perplexity[0], codesUsed: st.codesUsed[0], agreement: same / now.length });
      },
    });
    const ids = res.ids.map((r) => r.slice(0, T));
    const st = idStats(ids);
    const amiAll = amiByPrefix(corpus, ids, s.labelKeys.slice(0, T), T);
    return {
      variant: v, idLength: T, ami: Array.from({ length: T }, (_, t) => amiAll[s.labelKeys[t]][t]),
      codesUsed: st.codesUsed, perplexity: st.perplexity, diffRatio: st.diffRatio, collisionRate: st.collisionRate[T - 1],
      codeCounts: codeCounts(ids, s.codebookSize, T), curve: curveFromDiagnostics(lmi.diagnostics.rows), earlier, stages,
      seconds: (Date.now() - t0) / 1000, cpuSeconds: cpuSince(cpu0),
    };
  } finally {
    lmi.dispose();
  }
}

/** HC on TF-IDF+SVD (depth = idLength) and k-means on GloVe idf-mean document vectors, same K. */
export function referenceRows(base: LmiConfig, s: AblationSettings, corpus: Corpus, rng: Rng): ReferenceRow[] {
  const cfg = studyConfig(base, s);
  const T = s.idLength;
  const hcCfg = { ...cfg, hc: { k: s.codebookSize, depth: T, collisionPosition: false } };
  const hc = indexHc(embedTfidf(corpus, hcCfg, rng.fork()), hcCfg, rng.fork()).ids.map((r) => r.slice(0, T));
  const glove = embedWithGlove(corpus.docs.map((d) => d.text), { weighting: 'idf' });
  const km = Array.from(kmeans(glove, s.codebookSize, cfg.kmeans, rng.fork()).assignments, (c) => [c]);
  const row = (method: string, ids: number[][]): ReferenceRow => {
    const len = ids[0].length;
    const a = amiByPrefix(corpus, ids, s.labelKeys.slice(0, len), len);
    const st = idStats(ids);
    return { method, ami: Array.from({ length: len }, (_, t) => a[s.labelKeys[t]][t]), codesUsed: st.codesUsed[0], perplexity: st.perplexity[0] };
  };
  return [row('HC on TF-IDF+SVD', hc), row('k-means on GloVe idf-mean', km)];
}

/** Run the study: the listed variants (default all) on one corpus with one seed. */
export async function runAblations(base: LmiConfig, opts: { smoke?: boolean; settings?: Partial<AblationSettings>; variants?: string[] } = {}): Promise<AblationStudy> {
  const t0 = Date.now();
  const cpu0 = process.cpuUsage();
  await initBackend();
  const s: AblationSettings = { ...(opts.smoke ? ABLATION_SMOKE_SETTINGS : ABLATION_SETTINGS), ...(opts.settings ?? {}) };
  if (s.idLength < 2) throw new LmiError(`ablations: settings.idLength must be ≥ 2 (Table 15 and the diff ratio need an ID prefix), got ${s.idLength}`);
  const keys = opts.variants ?? ABLATION_VARIANTS.map((v) => v.key);
  const variants = keys.map((k) => {
    const v = ABLATION_VARIANTS.find((x) => x.key === k);
    if (!v) throw new LmiError(`ablations: unknown variant "${k}"; use one of ${ABLATION_VARIANTS.map((x) => x.key).join(', ')}`);
    return v;
  });
  const rng = new Rng(base.seed);
  const corpus = loadCorpus(studyConfig(base, s).data, rng.fork());
  const references = referenceRows(base, s, corpus, rng.fork());
  const bar = new Progress({ label: 'ablations', total: variants.length, unit: 'run' });
  const runs: VariantRun[] = [];
  for (const v of variants) {
    runs.push(await runVariant(base, s, corpus, v));
    bar.tick(1, `${v.key} ${runs[runs.length - 1].seconds.toFixed(0)}s`);
  }
  bar.finish();
  return { corpus, seed: base.seed, settings: s, runs, references, seconds: (Date.now() - t0) / 1000, cpuSeconds: cpuSince(cpu0) };
}
