/**
 * Issue 13 — where should LMIndexer's semantic encoder start? First-position IDs (T = 1, K = 64) learned from
 * (a) random init, (b) GloVe token embeddings, (c) corpus span-corruption pretraining (the "pretrained T5" stand-in),
 * (d) GloVe then pretraining — beside k-means on TF-IDF+SVD and on GloVe document vectors, on seeded document subsets
 * of AG News, Scientific and Beauty. Reports AMI vs the top label, codes used, ID perplexity and the reconstructor's
 * accuracy with and without the ID, with an independent PyTorch check (DESIGN.md, measured risks) beside ours.
 * One tokenizer per corpus (trained on the subset) is shared by all four starts, so only the initial weights differ.
 */
import { describeBackend, initBackend } from '../backend';
import { configHash, type DataConfig, type LmiConfig, type ModelConfig } from '../config';
import { dataDir } from '../data/paths';
import { loadCorpus } from '../data/loaders';
import type { Corpus } from '../data/types';
import { embedWithGlove } from '../embeddings/glove-docs';
import { LmiError } from '../errors';
import { adjustedMutualInfo } from '../eval/ami';
import { idStats } from '../eval/id-stats';
import { initEmbeddingsFromGlove } from '../indexer/glove-init';
import { LMIndexer } from '../indexer/lmindexer';
import type { LMIndexerOptions } from '../indexer/options';
import { pretrain } from '../model/pretrain';
import { T5 } from '../model/t5';
import { kmeans } from '../quantize/kmeans';
import { Rng } from '../rng';
import { buildTokenizer } from '../text/index';
import type { Tokenizer } from '../text/tokenizer';
import { bar } from '../viz/plots';
import { embedTfidf, labelsOf } from './id-quality';
import { reconWithWithoutId } from './init-study-recon';
import type { Experiment, RunOptions } from './registry';
import type { Cell, ExperimentResult } from './types';

/** How LMIndexer's semantic encoder starts. */
export type InitKind = 'random' | 'glove' | 'pretrain' | 'glove+pretrain';
export const INIT_KINDS: readonly InitKind[] = ['random', 'glove', 'pretrain', 'glove+pretrain'];
export const INIT_NAMES: Record<InitKind, string> = {
  random: 'LMIndexer, random init',
  glove: 'LMIndexer, GloVe init',
  pretrain: 'LMIndexer, corpus pretraining',
  'glove+pretrain': 'LMIndexer, GloVe init + pretraining',
};
export const KMEANS_TFIDF = 'k-means on TF-IDF+SVD';
export const KMEANS_GLOVE = 'k-means on GloVe idf-mean';

export interface InitStudySettings {
  corpora: DataConfig['corpus'][];
  /** Documents per corpus (seeded subset; 0 = all). */
  docs: number;
  codebookSize: number;
  /** Label key the AMI is taken against (`level1`: AG News class, top category of the product sets). */
  labelKey: string;
  /** Overrides of `cfg.model` for the study's T5 (encoder, decoder and reconstructor widths). */
  model: Partial<ModelConfig>;
  /** Tokens per document. */
  maxLength: number;
  /** Corpus-trained WordPiece vocabulary (the reconstructor predicts over it, so it sets much of the step cost). */
  tokenizerVocab: number;
  /** Documents per optimizer step (LMIndexer stages and pretraining). */
  batchSize: number;
  inits: InitKind[];
  reconWarmupEpochs: number;
  encoderWarmupEpochs: number;
  jointEpochs: number;
  /** Span-corruption epochs on the corpus subset for (c) and (d). */
  pretrainEpochs: number;
  /** Documents for the reconstruction accuracy with / without the ID. */
  probeDocs: number;
}

/** `make figures` (small preset): the three corpora in ≈ 7 CPU minutes (418 CPU s measured on a busy 2-core machine). */
export const SMALL_INIT_STUDY: InitStudySettings = {
  corpora: ['agnews', 'scientific', 'beauty'], docs: 1000, codebookSize: 64, labelKey: 'level1',
  model: { dModel: 64, dKv: 16, dFf: 256, numHeads: 4, numLayers: 2, numDecoderLayers: 1 }, maxLength: 32,
  tokenizerVocab: 4000, batchSize: 64, inits: [...INIT_KINDS], reconWarmupEpochs: 1, encoderWarmupEpochs: 3, jointEpochs: 1, pretrainEpochs: 2, probeDocs: 512,
};

/** Longer runs from the notebook (hours on 2 cores): 4,000-document subsets (all of AG News), the small preset's T5
 *  (d 128, 2+2 layers), 64 tokens, longer stages — close to the independent check's setting. */
export const FULL_INIT_STUDY: InitStudySettings = {
  ...SMALL_INIT_STUDY, docs: 4000, model: {}, maxLength: 64, tokenizerVocab: 8000, batchSize: 32,
  reconWarmupEpochs: 2, encoderWarmupEpochs: 8, jointEpochs: 2, pretrainEpochs: 4, probeDocs: 1024,
};

/** Seconds, for tests: the synthetic corpus, K = 8, one epoch per stage. */
export const SMOKE_INIT_STUDY: InitStudySettings = {
  corpora: ['synthetic'], docs: 240, codebookSize: 8, labelKey: 'level1',
  model: { dModel: 32, dKv: 8, dFf: 64, numHeads: 4, numLayers: 1, numDecoderLayers: 1 }, maxLength: 24,
  tokenizerVocab: 1000, batchSize: 16, inits: [...INIT_KINDS], reconWarmupEpochs: 1, encoderWarmupEpochs: 1, jointEpochs: 1, pretrainEpochs: 1, probeDocs: 64,
};

/**
 * Independent PyTorch re-implementation (DESIGN.md, "Measured risks"): whole AG News (4,000) and Scientific (4,344),
 * K = 64, first position, d 128, 2 layers, staged training. Not the paper: the paper has no initialisation study.
 */
export const INDEPENDENT_CHECK: Partial<Record<DataConfig['corpus'], Record<string, number>>> = {
  agnews: { [INIT_NAMES.random]: 0.049, [INIT_NAMES.glove]: 0.293, [KMEANS_TFIDF]: 0.215, [KMEANS_GLOVE]: 0.335 },
  scientific: { [INIT_NAMES.random]: 0.235, [INIT_NAMES.glove]: 0.345, [KMEANS_TFIDF]: 0.54, [KMEANS_GLOVE]: 0.273 },
};

/** One method on one corpus. */
export interface InitStudyRow {
  corpus: string;
  method: string;
  ami: number;
  /** LMIndexer: AMI of the k-means codebook initialisation (before the joint phase). */
  amiAfterCodebookInit?: number;
  codesUsed: number;
  perplexity: number;
  reconWithId?: number;
  reconWithoutId?: number;
  /** Final mean span-corruption loss (last 20 steps) for the pretrained starts. */
  pretrainLoss?: number;
  /** Wall-clock seconds (pretraining included) and this process's CPU seconds (less sensitive to a busy machine). */
  seconds: number;
  cpuSeconds: number;
}

export interface InitStudy {
  settings: InitStudySettings;
  rows: InitStudyRow[];
  /** Corpus → what was used (source, docs). */
  data: Record<string, string>;
  notes: string[];
}

const say = (l: string): void => { if (process.env.LMI_QUIET !== '1') process.stderr.write(`init-study: ${l}\n`); };

/** Wall and CPU seconds since `start()`. */
function clock(): () => { seconds: number; cpuSeconds: number } {
  const t = Date.now();
  const c = process.cpuUsage();
  return () => {
    const d = process.cpuUsage(c);
    return { seconds: (Date.now() - t) / 1000, cpuSeconds: (d.user + d.system) / 1e6 };
  };
}

function firstPositionRow(corpus: string, method: string, truth: string[], codes: ArrayLike<number>, time: { seconds: number; cpuSeconds: number }): InitStudyRow {
  const c = Array.from(codes);
  const s = idStats(c.map((x) => [x]));
  return { corpus, method, ami: adjustedMutualInfo(truth, c), codesUsed: s.codesUsed[0], perplexity: s.perplexity[0], ...time };
}

/** The study's config for one corpus: T = 1, K, subset, model and length overrides. */
export function studyConfig(base: LmiConfig, s: InitStudySettings, corpus: DataConfig['corpus']): LmiConfig {
  const cfg = structuredClone(base);
  cfg.data.corpus = corpus;
  cfg.data.maxDocs = s.docs;
  if (corpus === 'synthetic' && s.docs > 0) cfg.data.synthetic.numDocs = s.docs;
  cfg.model = { ...cfg.model, ...s.model };
  cfg.tokenizer.maxLength = s.maxLength;
  cfg.tokenizer.vocabSize = s.tokenizerVocab;
  cfg.indexer.batchSize = s.batchSize;
  cfg.indexer.idLength = 1;
  cfg.indexer.codebookSize = s.codebookSize;
  return cfg;
}

/** A T5 trained by span corruption on `texts` (optionally from GloVe token embeddings); the caller disposes it. */
export async function pretrainedStart(
  cfg: LmiConfig, tok: Tokenizer, texts: readonly string[], glove: boolean, epochs: number, workers?: 'auto' | number,
): Promise<{ model: T5; loss: number }> {
  const model = T5.create({ ...cfg.model, vocabSize: tok.vocabSize }, { seed: cfg.seed });
  // Same projection seed as LMIndexer's own gloveInit (options.seed + 3), so (b) and (d) start from equal rows.
  if (glove) initEmbeddingsFromGlove(model.params.get('shared.weight')!, tok, tok.vocabSize, cfg.seed + 3, texts);
  const seqs = texts.map((t) => tok.encode(t).slice(0, cfg.tokenizer.maxLength));
  const bs = cfg.indexer.batchSize;
  const stepsPerEpoch = Math.max(1, Math.floor(seqs.length / bs));
  const r = await pretrain(model, seqs, tok, {
    epochs, batchSize: bs, maxInputLength: cfg.tokenizer.maxLength, learningRate: cfg.indexer.learningRate,
    warmupSteps: Math.min(100, stepsPerEpoch), schedule: 'linear', seed: cfg.seed, ...(workers !== undefined ? { workers } : {}),
  });
  const tail = r.history.slice(-20).map((h) => h.loss);
  return { model, loss: tail.reduce((a, b) => a + b, 0) / Math.max(1, tail.length) };
}

/** Every method on one loaded corpus. */
async function studyCorpus(cfg: LmiConfig, s: InitStudySettings, corpus: Corpus): Promise<InitStudyRow[]> {
  const name = cfg.data.corpus;
  const rng = new Rng(cfg.seed + 1);
  const texts = corpus.docs.map((d) => d.text);
  const truth = labelsOf(corpus, s.labelKey);
  const K = s.codebookSize;
  const rows: InitStudyRow[] = [];
  let t = clock();
  const tfidf = kmeans(embedTfidf(corpus, cfg, rng.fork()), K, cfg.kmeans, rng.fork());
  rows.push(firstPositionRow(name, KMEANS_TFIDF, truth, tfidf.assignments, t()));
  t = clock();
  const { data, n, dim } = embedWithGlove(texts, { weighting: 'idf' });
  const gkm = kmeans({ data, n, dim }, K, cfg.kmeans, rng.fork());
  rows.push(firstPositionRow(name, KMEANS_GLOVE, truth, gkm.assignments, t()));
  const tokenizer = buildTokenizer(cfg.tokenizer, texts);
  const probe = Math.min(s.probeDocs, texts.length);
  for (const init of s.inits) {
    t = clock();
    say(`${name}: ${INIT_NAMES[init]} (${texts.length} docs)`);
    const pre = init === 'pretrain' || init === 'glove+pretrain' ? await pretrainedStart(cfg, tokenizer, texts, init === 'glove+pretrain', s.pretrainEpochs) : undefined;
    const overrides: Partial<LMIndexerOptions> = {
      idLength: 1, codebookSize: K, gloveInit: init === 'glove', reconWarmupEpochs: s.reconWarmupEpochs,
      encoderWarmupEpochs: s.encoderWarmupEpochs, jointEpochs: s.jointEpochs, diagnosticsEvery: 0, probeDocs: Math.min(128, probe),
    };
    const lmi = new LMIndexer(cfg, overrides);
    let afterInit: number | undefined;
    try {
      const res = await lmi.fit(texts, {
        tokenizer, pretrained: pre ? { model: pre.model, tokenizer } : undefined, say: () => {},
        onStageEnd: (stage, _n, x) => {
          if (stage.kind === 'codebook-init' && x.lastCodes) afterInit = adjustedMutualInfo(truth, Array.from(x.lastCodes));
        },
      });
      const first = res.ids.map((r) => r[0]);
      const recon = reconWithWithoutId(lmi, texts.slice(0, probe), first.slice(0, probe), cfg.seed + 7);
      const row = firstPositionRow(name, INIT_NAMES[init], truth, first, t());
      rows.push({ ...row, amiAfterCodebookInit: afterInit, reconWithId: recon.withId, reconWithoutId: recon.withoutId, pretrainLoss: pre?.loss });
      say(`${name}: ${INIT_NAMES[init]} AMI ${row.ami.toFixed(3)} in ${row.seconds.toFixed(0)}s (${row.cpuSeconds.toFixed(0)} CPU s)`);
    } finally {
      lmi.dispose();
      pre?.model.dispose();
    }
  }
  return rows;
}

/** Throws LmiError naming the bad settings field. */
export function validateInitStudySettings(s: InitStudySettings): void {
  const bad = (f: string, why: string): never => { throw new LmiError(`init-study settings ${f}: ${why}`); };
  if (!s.corpora.length) bad('corpora', 'name at least one corpus (agnews, scientific, beauty, synthetic …)');
  if (!s.inits.length || s.inits.some((i) => !INIT_KINDS.includes(i))) bad('inits', `use some of ${INIT_KINDS.join(', ')}; got [${s.inits.join(', ')}]`);
  if (!(Number.isInteger(s.docs) && s.docs >= 0)) bad('docs', `must be an integer ≥ 0 (0 = whole corpus), got ${s.docs}`);
  if (s.docs > 0 && s.docs < s.codebookSize) bad('docs', `${s.docs} documents cannot fill ${s.codebookSize} codes; raise docs or lower codebookSize`);
  if (!(Number.isInteger(s.codebookSize) && s.codebookSize >= 2)) bad('codebookSize', `must be an integer ≥ 2, got ${s.codebookSize}`);
  for (const f of ['reconWarmupEpochs', 'encoderWarmupEpochs', 'jointEpochs', 'pretrainEpochs'] as const) if (!(Number.isInteger(s[f]) && s[f] >= 0)) bad(f, `must be an integer ≥ 0, got ${s[f]}`);
  if (s.pretrainEpochs < 1 && s.inits.some((i) => i.endsWith('pretrain'))) bad('pretrainEpochs', 'must be ≥ 1 when inits include a pretrained start');
  if (!(Number.isInteger(s.probeDocs) && s.probeDocs >= 1)) bad('probeDocs', `must be an integer ≥ 1, got ${s.probeDocs}`);
}

/** Run the study on every corpus of `s` that can be loaded (the synthetic corpus when none can). */
export async function runInitStudy(base: LmiConfig, s: InitStudySettings): Promise<InitStudy> {
  validateInitStudySettings(s);
  await initBackend();
  const rows: InitStudyRow[] = [];
  const data: Record<string, string> = {};
  const notes: string[] = [];
  let corpora = s.corpora.filter((c) => c === 'synthetic' || dataDir());
  if (corpora.length < s.corpora.length) notes.push(`No data directory (LMI_DATA_DIR): skipped ${s.corpora.filter((c) => !corpora.includes(c)).join(', ')}.`);
  if (!corpora.length) {
    corpora = ['synthetic'];
    notes.push('Ran on the synthetic corpus instead (known topic hierarchy, level1 labels).');
  }
  for (const c of corpora) {
    const cfg = studyConfig(base, s, c);
    const corpus = loadCorpus(cfg.data, new Rng(cfg.seed).fork());
    data[c] = `${corpus.source} (${corpus.docs.length} docs${s.docs > 0 ? ', seeded subset' : ''})`;
    rows.push(...(await studyCorpus(cfg, s, corpus)));
  }
  return { settings: s, rows, data, notes };
}

const round = (x: number | undefined): Cell => (x === undefined || !Number.isFinite(x) ? null : x);

/** Table (ours beside the independent check) and a grouped bar plot of AMI per method per corpus. */
export function initStudyResult(st: InitStudy, meta: ExperimentResult['meta']): ExperimentResult {
  const s = st.settings;
  const m = s.model;
  const rows: Cell[][] = st.rows.map((r) => [
    r.corpus, r.method, r.ami, round(INDEPENDENT_CHECK[r.corpus as DataConfig['corpus']]?.[r.method]), round(r.amiAfterCodebookInit),
    r.codesUsed, r.perplexity, round(r.reconWithId), round(r.reconWithoutId), round(r.pretrainLoss), r.seconds, r.cpuSeconds,
  ]);
  const corpora = [...new Set(st.rows.map((r) => r.corpus))];
  const methods = [...new Set(st.rows.map((r) => r.method))];
  const best = corpora.map((c) => {
    const rs = st.rows.filter((r) => r.corpus === c).sort((a, b) => b.ami - a.ami);
    return `${c}: ${rs.map((r) => `${r.method} ${r.ami.toFixed(3)}`).join(' > ')}`;
  });
  return {
    tables: [{
      id: 'init-study',
      title: `Initialisation study: first-position AMI vs ${s.labelKey} at K = ${s.codebookSize}`,
      columns: ['corpus', 'method', 'AMI c¹ (ours)', 'AMI c¹ (independent check)', 'AMI after k-means codebook init', 'codes used c¹', 'ID perplexity c¹', 'recon acc. with ID', 'recon acc. without ID', 'pretrain loss', 'seconds', 'CPU seconds'],
      rows,
      notes: [
        `Data: ${Object.entries(st.data).map(([c, d]) => `${c} = ${d}`).join('; ')}.`,
        `Ordering measured here — ${best.join('; ')}.`,
        `LMIndexer: T = 1 (first position only; no collision position needed for AMI), K = ${s.codebookSize}, T5 d=${m.dModel ?? 'preset'}, ${m.numLayers ?? 'preset'}+${m.numDecoderLayers ?? 'preset'} layers, ${s.maxLength} tokens/doc, vocabulary ≤ ${s.tokenizerVocab}, batch ${s.batchSize}, stages: reconstructor warm-up ${s.reconWarmupEpochs}, encoder warm-up ${s.encoderWarmupEpochs}, joint ${s.jointEpochs} epoch(s); pretraining: ${s.pretrainEpochs} span-corruption epoch(s) on the same subset. One corpus-trained tokenizer per corpus shared by all starts.`,
        `Reconstruction accuracy: masked-token accuracy of the final reconstructor on the first ${s.probeDocs} documents (hint ratio of position 1), with the document's ĉ¹ as query vs with no ID (zero query); same masks.`,
        'Independent check: a separate minimal PyTorch re-implementation on the whole AG News (4,000) and Scientific (4,344) sets, d 128, longer stages (DESIGN.md) — a different setting, shown for direction, not as a target. The paper has no initialisation study (it starts from pretrained T5-base).',
        ...st.notes,
      ],
    }],
    figures: [bar({
      id: 'init-study-ami',
      title: `First-position AMI by starting point (K = ${s.codebookSize})`,
      x: corpora,
      series: methods.map((method) => ({ name: method, y: corpora.map((c) => st.rows.find((r) => r.corpus === c && r.method === method)?.ami ?? 0) })),
      xTitle: 'corpus',
      yTitle: `AMI vs ${s.labelKey}`,
    })],
    meta,
  };
}

/** The study as an experiment result under any settings (notebook: `FULL_INIT_STUDY` for longer runs). */
export async function initStudyExperiment(base: LmiConfig, s: InitStudySettings): Promise<ExperimentResult> {
  const t0 = Date.now();
  const info = await initBackend();
  const st = await runInitStudy(base, s);
  return initStudyResult(st, {
    id: 'init-study', data: Object.values(st.data).join('; '), configHash: configHash({ base, s }), config: { base, initStudy: s },
    seed: base.seed, backend: describeBackend(info), seconds: (Date.now() - t0) / 1000,
    paper: 'No initialisation study in the paper (LMIndexer starts from pretrained T5-base); Table 1 LMIndexer AMI on Amazon .3563/.4163/.3536. Independent-check column: a separate PyTorch run (DESIGN.md).',
  });
}

/** `make figures`: the small settings (smoke: the synthetic corpus in seconds). */
export const initStudy: Experiment = {
  id: 'init-study',
  title: 'LMIndexer initialisation study: random vs GloVe vs corpus pretraining',
  version: 2,
  run: (base: LmiConfig, opts: RunOptions) => initStudyExperiment(base, opts.smoke ? SMOKE_INIT_STUDY : SMALL_INIT_STUDY),
};
