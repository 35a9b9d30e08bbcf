/**
 * LMIndexer (Sec 3): `new LMIndexer(cfg).fit(corpus)` learns semantic IDs progressively (progressive.ts) with the
 * semantic encoder, per-position codebooks, the reconstructor and the losses of Eq 7, 9, 10; `index(texts)` gives IDs
 * for seen or unseen documents (greedy, position by position); `save` / `load` round-trip everything.
 *
 * Collision position (Appendix A.3, "the final position is added to distinguish documents sharing the prefixes"):
 * after the T learned positions, documents sharing a full ID are numbered 0, 1, … in corpus order
 * (`appendCollisionPosition`), so the fitted ID → document map is a bijection. Chosen because it is the paper's rule
 * and needs no training; its codebook size is the largest group.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { writeFileAtomic } from '../atomic-write';
import type { LmiConfig, ModelConfig } from '../config';
import type { Corpus } from '../data/types';
import { LmiError } from '../errors';
import { gatherRows } from '../nn/embedding';
import { readSafetensors, writeSafetensors } from '../nn/safetensors';
import { T5 } from '../model/t5';
import { IdVocab, withIdTokens } from '../generative/id-tokens';
import { type CodebookOptions, argmaxCodes, codebookLogits } from '../quantize/codebook';
import { appendCollisionPosition, collisionStats } from '../quantize/collisions';
import { kmeans } from '../quantize/kmeans';
import type { IndexerResult } from '../quantize/types';
import { Rng } from '../rng';
import { type EncodedBatch, buildTokenizer, encodeBatch, loadTokenizer } from '../text/index';
import type { Tokenizer } from '../text/tokenizer';
import { DataParallel } from '../train/parallel/engine';
import { type FrozenTensor, assignHostTensors, hostTensors } from '../train/parallel/host-tensors';
import { type MapSpec, type MapTask, type ParallelMapOptions, mapThreads, parallelMap } from '../train/parallel/map';
import { type StepContext, Trainer } from '../train/trainer';
import { batchOrder, batchesPerEpoch, docBatch, hintBatch } from './batches';
import { DiagnosticsLog, type HiddenRange, changedShare, codesOf, hiddenRanges, joinHidden, positionStats, rangeHidden, tokenScores } from './diagnostics';
import { type GloveInitReport, initEmbeddingsFromGlove } from './glove-init';
import { type LMIndexerOptions, hintRatioAt, lmIndexerOptions } from './options';
import { type Stage, checkSamePlan, readState, runStages, stageName, stagePlan, writeState } from './progressive';
import { Reconstructor } from './reconstructor';
import { indexerReplicaTask } from './replica';
import { SemanticEncoder } from './semantic-encoder';
import { type StageBatch, type StageModel, codebookOptions, indexerParams, stageBatch, stageLoss, stageParams } from './stage-loss';

export interface FitOptions {
  /** Run directory: stage-boundary state, in-stage Trainer checkpoints (needed for `resume`). */
  dir?: string;
  /** Continue from `dir`'s saved stage and step. */
  resume?: boolean;
  /** Trainer checkpoint every this many steps inside a stage (with `dir`; default 200). */
  checkpointEvery?: number;
  /** Diagnostics JSONL file. */
  log?: string;
  /** Use this tokenizer instead of training one on the corpus. */
  tokenizer?: Tokenizer;
  /** Progress lines (default: stderr unless LMI_QUIET=1). */
  say?: (line: string) => void;
  /** Called after every stage (e.g. to score `lastCodes` against labels). */
  onStageEnd?: (stage: Stage, name: string, indexer: LMIndexer) => void;
  /** Called after every corpus diagnostics pass (each `diagnosticsEvery` steps / epoch), e.g. to trace `lastCodes`. */
  onEval?: (stage: Stage, name: string, step: number, indexer: LMIndexer) => void;
  /** Stop after this many stages (tests of resume). */
  stopAfterStages?: number;
  /**
   * Data-parallel replicas for the training stages (main thread + worker threads, src/train/parallel; replica.ts):
   * a number, or 'auto' = the machine's cores on wasm/cpu. Default 1. With > 1 the contrastive loss (Eq 9) takes its
   * in-batch negatives within each replica's shard; the other terms average to the whole batch's gradient. A step
   * row's `loss` is the whole step's; its terms (recon, contrastive, …) are those of the main thread's shard.
   */
  workers?: 'auto' | number;
  /**
   * Start the semantic encoder from this T5 (e.g. corpus span-corruption pretraining, `model/pretrain.ts`) and use its
   * tokenizer: every parameter is copied, the T·K ID rows are appended at random (`withIdTokens`). The model's shapes
   * must equal the config's; `gloveInit` is skipped (the pretrained embeddings are kept; apply GloVe before
   * pretraining instead, as `init-study` does). The caller keeps
   * ownership of `model`.
   */
  pretrained?: { model: T5; tokenizer: Tokenizer };
}

const FORMAT = 'lmindexer-model';

/** `indexer.json`: everything but the weights. */
export interface LMIndexerMeta {
  format: string;
  version: number;
  options: LMIndexerOptions;
  model: ModelConfig;
  tokenizerConfig: LmiConfig['tokenizer'];
  textVocab: number;
  /** `Tokenizer.toJSON()` output. */
  tokenizer: object;
  codes: number[][];
  glove?: GloveInitReport;
}

/** The indexer's whole state as plain data (structured-cloneable). */
export interface LMIndexerSnapshot {
  meta: LMIndexerMeta;
  tensors: FrozenTensor[];
}

export class LMIndexer {
  readonly options: LMIndexerOptions;
  readonly model: ModelConfig;
  tokenizer?: Tokenizer;
  encoder?: SemanticEncoder;
  reconstructor?: Reconstructor;
  codebooks: tf.Variable[] = [];
  /** Stored codes per learned position (corpus order), Alg. 1 line 18. */
  codes: Int32Array[] = [];
  gloveReport?: GloveInitReport;
  diagnostics: DiagnosticsLog;
  private readonly tokenizerConfig: LmiConfig['tokenizer'];
  private corpus?: EncodedBatch;
  private lastLoss: Record<string, number> = {};

  constructor(cfg: LmiConfig, overrides: Partial<LMIndexerOptions> = {}) {
    this.options = lmIndexerOptions(cfg, overrides);
    this.model = { ...cfg.model };
    this.tokenizerConfig = { ...cfg.tokenizer };
    this.diagnostics = new DiagnosticsLog();
  }

  private get cb(): CodebookOptions {
    return codebookOptions(this.options);
  }

  /** Build tokenizer, encoder, reconstructor and codebooks (random). */
  private build(texts: readonly string[], cfgTok: LmiConfig['tokenizer'], tok?: Tokenizer): void {
    const o = this.options;
    this.tokenizer = tok ?? buildTokenizer(cfgTok, texts);
    this.encoder = SemanticEncoder.create(this.model, this.tokenizer.vocabSize, o.idLength, o.codebookSize, o.seed);
    const m = this.model;
    this.reconstructor = new Reconstructor({ dModel: m.dModel, numHeads: m.numHeads, dKv: m.dKv, dFf: m.dFf, layers: o.reconstructorLayers, maxLength: o.maxLength }, o.seed + 1);
    const rng = new Rng(o.seed + 2);
    this.codebooks = Array.from({ length: o.idLength }, () => {
      const data = new Float32Array(o.codebookSize * m.dModel);
      for (let i = 0; i < data.length; i++) data[i] = rng.normal();
      return tf.tidy(() => tf.variable(tf.tensor2d(data, [o.codebookSize, m.dModel]), true));
    });
  }

  /** Replace the freshly built encoder by a copy of `t5` with the ID rows appended (FitOptions.pretrained). */
  private startFrom(t5: T5): void {
    const o = this.options;
    const V = this.tokenizer!.vocabSize;
    if (t5.config.vocabSize !== V) throw new LmiError(`LMIndexer.fit: pretrained model vocabulary ${t5.config.vocabSize} ≠ its tokenizer's ${V}; pass the tokenizer it was trained with`);
    const shape = (m: ModelConfig): string => [m.dModel, m.dKv, m.dFf, m.numLayers, m.numDecoderLayers, m.numHeads, m.feedForwardProj].join(',');
    if (shape(t5.config) !== shape(this.model)) throw new LmiError(`LMIndexer.fit: pretrained model shape [${shape(t5.config)}] ≠ config.model [${shape(this.model)}] (d, dKv, dFf, layers, decoder layers, heads, FFN)`);
    this.encoder!.dispose();
    this.encoder = SemanticEncoder.wrap(withIdTokens(t5, new IdVocab(V, Array(o.idLength).fill(o.codebookSize)), { seed: o.seed }), V, o.idLength, o.codebookSize);
  }

  /** All variables by a stable name (save/load, checkpoints). */
  allParams(): Map<string, tf.Variable> {
    return indexerParams(this.encoder!, this.reconstructor!, this.codebooks);
  }

  /** What the stage loss reads (stage-loss.ts). */
  private stageModel(): StageModel {
    return {
      encoder: this.encoder!, reconstructor: this.reconstructor!, codebooks: this.codebooks, corpus: this.corpus!, codes: this.codes,
      options: this.options, maskId: this.tokenizer!.maskId,
    };
  }

  /**
   * Learn semantic IDs for a corpus (or plain texts). Returns the IDs with the collision position appended
   * (`codebookSizes` = [K × T, largest collision group]) and, in `meta`, the run's settings, timings and final stats.
   */
  async fit(data: Corpus | readonly string[], opts: FitOptions = {}): Promise<IndexerResult> {
    const t0 = Date.now();
    const texts = Array.isArray(data) ? (data as readonly string[]) : (data as Corpus).docs.map((d) => d.text);
    const o = this.options;
    if (texts.length < o.codebookSize) throw new LmiError(`LMIndexer.fit: ${texts.length} documents < codebook size ${o.codebookSize}; lower indexer.codebookSize`);
    const say = opts.say ?? ((l: string) => { if (process.env.LMI_QUIET !== '1') process.stderr.write(l + '\n'); });
    this.diagnostics = new DiagnosticsLog(opts.log);
    const plan = stagePlan(o);
    let start = 0;
    const saved = opts.dir && opts.resume ? readState(opts.dir) : undefined;
    if (saved) {
      checkSamePlan(saved.plan, plan, opts.dir!);
      this.loadInto(path.join(opts.dir!, 'state'));
      start = saved.next;
      say(`lmindexer: resuming at stage ${start}/${plan.length}`);
    } else {
      this.build(texts, this.tokenizerConfig, opts.pretrained?.tokenizer ?? opts.tokenizer);
      if (opts.pretrained) this.startFrom(opts.pretrained.model);
      // GloVe initialises a random encoder; a pretrained one keeps the embeddings it learned.
      if (o.gloveInit && opts.pretrained) say('lmindexer: pretrained start — GloVe init skipped (the pretrained embeddings are kept)');
      else if (o.gloveInit) {
        this.gloveReport = initEmbeddingsFromGlove(this.encoder!.params.get('shared.weight')!, this.tokenizer!, this.tokenizer!.vocabSize, o.seed + 3, texts);
        say(`lmindexer: GloVe init ${this.gloveReport.covered}/${this.gloveReport.wholeWords} whole-word tokens (${this.gloveReport.projection})`);
      }
    }
    this.corpus = encodeBatch(this.tokenizer!, texts, o.maxLength);
    const persist = (next: number): void => {
      if (!opts.dir) return;
      this.save(path.join(opts.dir, 'state'));
      writeState(opts.dir, { next, plan });
    };
    if (opts.dir && !saved) persist(0);
    const stop = opts.stopAfterStages ?? Infinity;
    let done = 0;
    const stageMs: Record<string, number> = {};
    await runStages(plan, start, async (stage, i) => {
      if (done++ >= stop) throw new StopSignal();
      const ts = Date.now();
      await this.runStage(stage, i, opts, say);
      opts.onStageEnd?.(stage, stageName(stage, i), this);
      stageMs[stageName(stage, i)] = Date.now() - ts;
      say(`lmindexer: ${stageName(stage, i)} done in ${((Date.now() - ts) / 1000).toFixed(1)}s`);
    }, persist).catch((e) => { if (!(e instanceof StopSignal)) throw e; });
    if (this.codes.length < o.idLength) return { ids: [], codebookSizes: [], meta: { stopped: true, stagesDone: start + Math.min(done, stop) } };
    const ids = Array.from({ length: texts.length }, (_, d) => this.codes.map((c) => c[d]));
    const withCollision = appendCollisionPosition(ids);
    return {
      ids: withCollision.ids,
      codebookSizes: [...Array(o.idLength).fill(o.codebookSize), withCollision.size],
      meta: {
        method: 'lmindexer', options: o, model: this.model, stages: plan.map(stageName), stageMs, ms: Date.now() - t0,
        before: collisionStats(ids), after: collisionStats(withCollision.ids), glove: this.gloveReport,
      },
    };
  }

  private async runStage(stage: Stage, index: number, opts: FitOptions, say: (l: string) => void): Promise<void> {
    const o = this.options;
    const N = this.corpus!.batchSize;
    const p = stage.position;
    if (stage.kind === 'codebook-init') {
      // One hidden-state pass serves the k-means and the diagnostics row (the encoder does not change in between).
      const hs = await this.allHidden(p);
      if (stage.kmeans) this.initCodebook(p, hs[p]);
      await this.evaluate(stage, index, 0, undefined, hs);
      return opts.onEval?.(stage, stageName(stage, index), 0, this);
    }
    if (stage.kind === 'assign') {
      const all = Array.from({ length: N }, (_, i) => i);
      const hs = await this.allHidden(p);
      this.codes[p] = codesOf(hs[p], this.encoder!.dModel, this.codebooks[p] as tf.Variable<tf.Rank.R2>, this.cb);
      this.previous.set(p, this.codes[p]);
      const st = positionStats(this.codes, this.codes[p], p, all);
      this.diagnostics.write({ kind: 'assign', stage: stageName(stage, index), position: p + 1, ...st });
      return;
    }
    const perEpoch = batchesPerEpoch(N, o.batchSize);
    const steps = stage.epochs * perEpoch;
    const params = stageParams(this.allParams(), stage);
    const lr = stage.kind === 'joint' ? o.jointLearningRate : o.learningRate;
    const stageSeed = (o.seed * 7919 + index * 104729) >>> 0;
    const dir = opts.dir ? path.join(opts.dir, 'stages', stageName(stage, index)) : undefined;
    const parallel = opts.workers !== undefined && opts.workers !== 1;
    const trainer: Trainer<StageBatch> = new Trainer({ params }, (batch: StageBatch, ctx: StepContext) => this.loss(stage, batch, ctx), {
      learningRate: lr, schedule: 'constant', weightDecay: o.weightDecay, seed: stageSeed, maxGradNorm: 1,
      checkpointDir: dir, checkpointEvery: dir ? opts.checkpointEvery ?? 200 : 0,
      noDecay: (n) => /layer_norm|codebook|position/.test(n),
      ...(parallel ? { workers: opts.workers, replicaTask: indexerReplicaTask(this.stageModel(), stage) } : {}),
    }, [{
      onStepEnd: async (info) => {
        this.diagnostics.write({ kind: 'step', stage: stageName(stage, index), position: p + 1, step: info.step, loss: info.loss, ...this.lastLoss, lr: info.lr, gradNorm: info.gradNorm, ms: info.ms, ...(info.phases ? { phases: info.phases } : {}), numTensors: tf.memory().numTensors });
        const every = o.diagnosticsEvery > 0 ? o.diagnosticsEvery : perEpoch;
        if (info.step % every === 0 || info.step === steps) {
          const dp = DataParallel.of(trainer);
          const hs = await this.evaluate(stage, index, info.step, dp);
          opts.onEval?.(stage, stageName(stage, index), info.step, this);
          // A reseeded codebook is copied into the worker replicas before the next step.
          if (stage.kind === 'joint' && o.deadCodeReseed && hs && this.reseedDeadCodes(p, info.step, hs[p])) await dp?.sync();
          const last = this.diagnostics.rows[this.diagnostics.rows.length - 1];
          say(`lmindexer: ${stageName(stage, index)} step ${info.step}/${steps} loss ${info.loss.toFixed(3)} ${fmt(last)}`);
        }
      },
    }]);
    try {
      if (dir && opts.resume && fs.existsSync(dir)) trainer.resume(dir);
      await trainer.fit((k) => stageBatch(this.corpus!, batchOrder(N, o.batchSize, stageSeed, k, (s) => new Rng(s)), o, p), { steps });
    } finally {
      trainer.dispose();
    }
  }

  /** Eq 11 / 13 / 12 on one batch or shard (stage-loss.ts); keeps its terms for the step's diagnostics row. */
  private loss(stage: Stage, batch: StageBatch, ctx: StepContext): tf.Scalar {
    const { loss, parts } = stageLoss(this.stageModel(), stage, batch, ctx);
    this.lastLoss = parts;
    return loss;
  }

  /** Eq 13: codebook p ← k-means of {h_p} (spherical, matching the cosine look-up), scaled to the mean ‖h‖. */
  private initCodebook(p: number, h: Float32Array): void {
    const N = this.corpus!.batchSize;
    const d = this.encoder!.dModel;
    const km = kmeans({ data: h, n: N, dim: d }, this.options.codebookSize, { maxIters: 50, tol: 1e-4, nInit: 2, spherical: this.options.similarity === 'cosine' }, new Rng(this.options.seed + 11 + p));
    let mean = 0;
    for (let i = 0; i < N; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += h[i * d + j] ** 2;
      mean += Math.sqrt(s) / N;
    }
    const c = km.centroids;
    if (this.options.similarity === 'cosine') for (let i = 0; i < c.length; i++) c[i] *= mean;
    tf.tidy(() => this.codebooks[p].assign(tf.tensor2d(c, [this.options.codebookSize, d])));
  }

  private previous = new Map<number, Int32Array>();

  /** Corpus codes at the position of the last diagnostics pass (undefined before any codebook exists). */
  get lastCodes(): Int32Array | undefined {
    const p = Math.max(-1, ...this.previous.keys());
    return p >= 0 ? this.previous.get(p) : undefined;
  }

  /**
   * h_j (j ≤ p) of every document (teacher forcing with the stored codes). During a data-parallel stage (`dp`) each
   * replica computes a range of the corpus on its identical weights: the same values, on every core.
   */
  private async allHidden(p: number, dp?: DataParallel<StageBatch>): Promise<Float32Array[]> {
    const ranges = hiddenRanges(this.corpus!.batchSize, dp?.count ?? 1, p);
    const local = (r: HiddenRange): Float32Array[] => rangeHidden(this.encoder!, this.corpus!, this.codes, r);
    return joinHidden(dp ? await dp.map(ranges, local) : ranges.map(local));
  }

  /**
   * Corpus-level diagnostics row (see diagnostics.ts); `evalMs` = the time it took; `precomputed`: this pass's hidden
   * states when the caller has them. Returns the hidden states it used (none in the reconstructor warm-up).
   */
  private async evaluate(stage: Stage, index: number, step: number, dp?: DataParallel<StageBatch>, precomputed?: Float32Array[]): Promise<Float32Array[] | undefined> {
    const t0 = performance.now();
    if (stage.kind === 'recon-warmup') {
      this.diagnostics.write({ kind: 'eval', stage: stageName(stage, index), position: 0, step, ...this.probe(stage), evalMs: Math.round(performance.now() - t0) });
      return undefined;
    }
    const p = stage.position;
    const N = this.corpus!.batchSize;
    const all = Array.from({ length: N }, (_, i) => i);
    const hs = precomputed ?? (await this.allHidden(p, dp));
    const d = this.encoder!.dModel;
    let unstable = 0;
    if (p > 0) {
      const earlier = hs.slice(0, p).map((h, j) => codesOf(h, d, this.codebooks[j] as tf.Variable<tf.Rank.R2>, this.cb));
      for (let i = 0; i < N; i++) if (earlier.some((c, j) => c[i] !== this.codes[j][i])) unstable++;
    }
    const row: Record<string, unknown> = { kind: 'eval', stage: stageName(stage, index), position: p + 1, step, idStability: 1 - unstable / N };
    if (stage.kind !== 'encoder-warmup') {
      const cur = codesOf(hs[p], d, this.codebooks[p] as tf.Variable<tf.Rank.R2>, this.cb);
      Object.assign(row, positionStats(this.codes, cur, p, all));
      const prev = this.previous.get(p);
      if (prev) row.churn = changedShare(prev, cur);
      this.previous.set(p, cur);
    }
    Object.assign(row, this.probe(stage));
    row.evalMs = Math.round(performance.now() - t0);
    this.diagnostics.write(row);
    return hs;
  }

  /** Reconstruction accuracy / macro-F1 on a fixed probe set with fixed hint masks, in the stage's query mode. */
  private probe(stage: Stage): { reconAccuracy: number; reconMacroF1: number } {
    const o = this.options;
    const n = Math.min(o.probeDocs, this.corpus!.batchSize);
    const docs = Array.from({ length: n }, (_, i) => i);
    const truth: number[] = [];
    const pred: number[] = [];
    const p = stage.position;
    for (let s = 0; s < n; s += 64) {
      const rows = docs.slice(s, s + 64);
      const batch = docBatch(this.corpus!, rows);
      const hints = hintBatch(batch, hintRatioAt(o, Math.max(0, p)), this.tokenizer!.maskId, new Rng(o.seed + 99 + s));
      if (!hints.targets.length) continue;
      const out = tf.tidy(() => {
        const w = this.encoder!.tokenEmbeddings();
        const reps: tf.Tensor2D[] = [];
        if (stage.kind !== 'recon-warmup') {
          const prefix = this.codes.slice(0, p).map((c) => rows.map((r) => c[r]));
          const h3 = this.encoder!.hidden(batch.ids, prefix, p);
          const d = this.encoder!.dModel;
          prefix.forEach((c, j) => reps.push(gatherRows(this.codebooks[j] as tf.Variable<tf.Rank.R2>, c)));
          const ht = tf.reshape(tf.slice(h3, [0, p, 0], [rows.length, 1, d]), [rows.length, d]) as tf.Tensor2D;
          if (stage.kind === 'encoder-warmup') reps.push(ht);
          else reps.push(gatherRows(this.codebooks[p] as tf.Variable<tf.Rank.R2>, argmaxCodes(codebookLogits(ht, this.codebooks[p] as tf.Variable<tf.Rank.R2>, this.cb))));
        }
        const z = this.reconstructor!.forward(reps, hints, w);
        const [B, L, d] = z.shape;
        const zr = gatherRows(tf.reshape(z, [B * L, d]) as tf.Tensor2D, hints.targetRows);
        return tf.argMax(tf.matMul(zr, tf.transpose(w)), 1);
      });
      const a = out.dataSync();
      out.dispose();
      for (let i = 0; i < a.length; i++) { truth.push(hints.targets[i]); pred.push(a[i]); }
    }
    const s = tokenScores(truth, pred);
    return { reconAccuracy: s.accuracy, reconMacroF1: s.macroF1 };
  }

  /**
   * Optional collapse guard (not in the paper): unused codes of position p get random rows of h (h_p of every
   * document, from the diagnostics pass that just counted the codes). True if any did.
   */
  private reseedDeadCodes(p: number, step: number, h: Float32Array): boolean {
    const cur = this.previous.get(p);
    if (!cur) return false;
    const used = new Set(cur);
    const K = this.options.codebookSize;
    const dead = Array.from({ length: K }, (_, j) => j).filter((j) => !used.has(j));
    if (!dead.length) return false;
    const N = this.corpus!.batchSize;
    const d = this.encoder!.dModel;
    const rng = new Rng(this.options.seed + step);
    const table = Float32Array.from(this.codebooks[p].dataSync() as Float32Array);
    for (const j of dead) {
      const r = rng.int(N);
      table.set(h.subarray(r * d, r * d + d), j * d);
    }
    tf.tidy(() => this.codebooks[p].assign(tf.tensor2d(table, [K, d])));
    this.diagnostics.write({ kind: 'reseed', position: p + 1, step, reseeded: dead.length });
    return true;
  }

  /**
   * Semantic IDs (T codes, no collision position) of any texts: greedy, position by position (Eq 1–2). The collision
   * position depends on which documents already hold a prefix, so it is assigned against a saved index:
   * `indexDocs` / `addDocuments` in incremental.ts (next free code per prefix; existing IDs never change).
   */
  index(texts: readonly string[], batchSize = 128): number[][] {
    if (!this.encoder || !this.tokenizer) throw new LmiError('LMIndexer.index: not fitted or loaded');
    const o = this.options;
    const enc = encodeBatch(this.tokenizer, texts, o.maxLength);
    const out: number[][] = texts.map(() => []);
    for (let s = 0; s < texts.length; s += batchSize) {
      const rows = Array.from({ length: Math.min(batchSize, texts.length - s) }, (_, i) => s + i);
      const b = docBatch(enc, rows);
      const prefix: Int32Array[] = [];
      const available = Math.min(o.idLength, this.codebooks.length);
      for (let p = 0; p < available; p++) {
        const codes = tf.tidy(() => {
          const h3 = this.encoder!.hidden(b.ids, prefix, p);
          const ht = tf.reshape(tf.slice(h3, [0, p, 0], [rows.length, 1, this.encoder!.dModel]), [rows.length, -1]) as tf.Tensor2D;
          return codebookLogits(ht, this.codebooks[p] as tf.Variable<tf.Rank.R2>, this.cb);
        });
        const c = argmaxCodes(codes);
        codes.dispose();
        prefix.push(c);
      }
      rows.forEach((r, i) => { out[r] = prefix.map((c) => c[i]); });
    }
    return out;
  }

  /** The whole state as plain data: what `save` writes and what a worker needs to rebuild the indexer. */
  snapshot(): LMIndexerSnapshot {
    if (!this.encoder || !this.tokenizer) throw new LmiError('LMIndexer: nothing to save (fit or load first)');
    const meta: LMIndexerMeta = {
      format: FORMAT, version: 1, options: this.options, model: this.model, tokenizerConfig: this.tokenizerConfig, textVocab: this.tokenizer.vocabSize,
      tokenizer: this.tokenizer.toJSON() as object, codes: this.codes.map((c) => Array.from(c)), glove: this.gloveReport,
    };
    return { meta, tensors: hostTensors(this.allParams()) };
  }

  /** Write `indexer.json` (options, model shape, tokenizer, stored codes) and `params.safetensors`. */
  save(dir: string): void {
    if (!this.encoder || !this.tokenizer) throw new LmiError('LMIndexer.save: nothing to save (fit or load first)');
    const { meta, tensors } = this.snapshot();
    fs.mkdirSync(dir, { recursive: true });
    writeSafetensors(path.join(dir, 'params.safetensors'), new Map(tensors.map((t) => [t.name, { shape: t.shape, data: t.data }])), { format: FORMAT });
    writeFileAtomic(path.join(dir, 'indexer.json'), JSON.stringify(meta) + '\n');
  }

  /** Replace this indexer's state by a saved one (options must match). */
  private loadInto(dir: string): void {
    const file = path.join(dir, 'indexer.json');
    if (!fs.existsSync(file)) throw new LmiError(`${file}: missing; not an LMIndexer directory`);
    const meta = JSON.parse(fs.readFileSync(file, 'utf8')) as LMIndexerMeta;
    if (meta.format !== FORMAT) throw new LmiError(`${file}: format "${meta.format}", expected "${FORMAT}"`);
    const { tensors } = readSafetensors(path.join(dir, 'params.safetensors'));
    this.restore({ meta, tensors: [...tensors].map(([name, t]) => ({ name, shape: [...t.shape], data: t.data instanceof Float32Array ? t.data : Float32Array.from(t.data) })) }, `${dir}/params.safetensors`);
  }

  /** Rebuild the model from a snapshot; `where` names its source in errors. */
  private restore({ meta, tensors }: LMIndexerSnapshot, where: string): void {
    this.dispose();
    this.tokenizer = loadTokenizer(meta.tokenizer);
    const o = this.options;
    const t5 = T5.create({ ...meta.model, vocabSize: meta.textVocab + o.idLength * o.codebookSize }, { seed: 0 });
    this.encoder = SemanticEncoder.wrap(t5, meta.textVocab, o.idLength, o.codebookSize);
    const m = this.model;
    this.reconstructor = new Reconstructor({ dModel: m.dModel, numHeads: m.numHeads, dKv: m.dKv, dFf: m.dFf, layers: o.reconstructorLayers, maxLength: o.maxLength }, 0);
    this.codebooks = Array.from({ length: o.idLength }, () => tf.tidy(() => tf.variable(tf.zeros([o.codebookSize, m.dModel]), true)));
    const all = this.allParams();
    const missing = [...all.keys()].filter((n) => !tensors.some((t) => t.name === n));
    if (missing.length) throw new LmiError(`${where}: tensor "${missing[0]}" missing`);
    assignHostTensors(all, tensors.filter((t) => all.has(t.name)), where);
    this.codes = meta.codes.map((c) => Int32Array.from(c));
    this.gloveReport = meta.glove;
  }

  /** An indexer from a snapshot (`snapshot()` output, e.g. in a worker thread). */
  static fromSnapshot(snap: LMIndexerSnapshot, where = 'LMIndexer snapshot'): LMIndexer {
    const x = LMIndexer.blank(snap.meta);
    x.restore(snap, where);
    return x;
  }

  /**
   * `index(texts)` with the texts split over threads (`workers`, default 'auto': one per core on wasm/cpu); each
   * worker rebuilds the indexer from `snapshot()`. IDs equal `index(texts)`'s.
   */
  async indexParallel(texts: readonly string[], opts: ParallelMapOptions & { batchSize?: number } = {}): Promise<number[][]> {
    const { batchSize, ...par } = opts;
    const local = { run: (t: string[]) => this.index(t, batchSize) };
    if (mapThreads(texts.length, par, { module: __filename }) <= 1) return local.run([...texts]);
    const task: MapTask = { module: __filename, exportName: 'indexMapper', args: { snapshot: this.snapshot(), batchSize } satisfies IndexMapperArgs };
    return parallelMap(texts, local, task, par);
  }

  /** Load a saved indexer (`save` output). */
  static load(dir: string): LMIndexer {
    const file = path.join(dir, 'indexer.json');
    if (!fs.existsSync(file)) throw new LmiError(`${file}: missing; not an LMIndexer directory`);
    const x = LMIndexer.blank(JSON.parse(fs.readFileSync(file, 'utf8')) as LMIndexerMeta);
    x.loadInto(dir);
    return x;
  }

  /** An unfitted indexer with the options and shapes of `meta`. */
  private static blank(meta: LMIndexerMeta): LMIndexer {
    const x = Object.create(LMIndexer.prototype) as LMIndexer;
    Object.assign(x, { options: meta.options, model: meta.model, tokenizerConfig: meta.tokenizerConfig, codebooks: [], codes: [], diagnostics: new DiagnosticsLog(), previous: new Map(), lastLoss: {} });
    return x;
  }

  dispose(): void {
    this.encoder?.dispose();
    this.reconstructor?.dispose();
    for (const v of this.codebooks) v.dispose();
    this.encoder = undefined;
    this.reconstructor = undefined;
    this.codebooks = [];
  }
}

class StopSignal extends Error {}

function fmt(row: Record<string, unknown> | undefined): string {
  if (!row) return '';
  const keys = ['codesUsed', 'perplexity', 'collisionRate', 'churn', 'idStability', 'reconAccuracy'];
  return keys.filter((k) => typeof row[k] === 'number').map((k) => `${k} ${(row[k] as number).toFixed(3)}`).join(' ');
}

interface IndexMapperArgs {
  snapshot: LMIndexerSnapshot;
  batchSize?: number;
}

/** Worker side of `indexParallel`: rebuild the indexer from its snapshot and index a shard of the texts. */
export const indexMapper: MapSpec<string, number[], IndexMapperArgs> = {
  create({ snapshot, batchSize }) {
    const x = LMIndexer.fromSnapshot(snapshot, 'indexParallel worker');
    return { run: (texts) => x.index(texts, batchSize), dispose: () => x.dispose() };
  },
};
