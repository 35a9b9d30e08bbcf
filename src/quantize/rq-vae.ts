/**
 * The rq-VAE indexer (TIGER, Rajput et al. 2023; residual quantiser of Lee et al. 2022), the paper's first
 * two-step baseline: an MLP encoder maps a document embedding x to a latent z, residual quantisation with T
 * codebooks turns z into T codes (residual.ts), and an MLP decoder reconstructs x from the quantised latent through
 * a straight-through gradient. Loss = ‖x − x̂‖² + Σ_t (‖sg[r_t] − e_t‖² + β‖r_t − sg[e_t]‖²) (VQ-VAE codebook and
 * commitment losses). The codebooks are k-means-initialised (TIGER) from the latents of the whole set after
 * optional autoencoder warm-up epochs; codes unused during an epoch can be reset to random residuals. A document's
 * ID is its T codes, plus the collision position (same rule as the HC indexer).
 */
import * as tf from '@tensorflow/tfjs';
import type { KMeansConfig } from '../config';
import type { DenseMatrix } from '../embeddings/types';
import { LmiError } from '../errors';
import { linear } from '../nn/ops';
import type { Rng } from '../rng';
import { finishIds } from './collisions';
import type { KMeansOptions } from './kmeans';
import { encodeResidual, kmeansResidualInit, residualQuantize } from './residual';
import { straightThrough } from './straight-through';
import type { IndexerResult } from './types';

/** rq-VAE settings (not yet in config.ts; the defaults train in seconds on 4k–18k × 64–100 inputs on wasm). */
export interface RqVaeConfig {
  /** Number of codebooks T (ID positions before the collision position). */
  levels: number;
  /** Codes per codebook K. */
  codebookSize: number;
  latentDim: number;
  /** Encoder hidden widths (the decoder mirrors them). */
  hidden: number[];
  epochs: number;
  /** Autoencoder-only epochs (no quantisation) before the k-means initialisation of the codebooks. */
  warmupEpochs: number;
  batchSize: number;
  learningRate: number;
  /** Adam learning rate of the codebooks (larger, so codes keep up with the moving latents). */
  codebookLearningRate: number;
  /** Commitment weight β. */
  beta: number;
  /** Input scaling: `l2` rows then one global scale to unit mean square (cosine geometry, like spherical HC);
   *  `standardize` = centre columns + global scale; `none`. */
  inputNorm: 'l2' | 'standardize' | 'none';
  /** Replace codes unused during an epoch with random residuals of that level (not after the last epoch). */
  deadCodeReset: boolean;
  /** Append a final position that makes every ID unique. */
  collisionPosition: boolean;
}

export const DEFAULT_RQVAE: RqVaeConfig = {
  levels: 3,
  codebookSize: 32,
  latentDim: 32,
  hidden: [256, 128],
  epochs: 10,
  warmupEpochs: 5,
  batchSize: 256,
  learningRate: 1e-3,
  codebookLearningRate: 1e-2,
  beta: 0.25,
  inputNorm: 'l2',
  deadCodeReset: true,
  collisionPosition: true,
};

/** One epoch of training (warm-up epochs have `vqLoss` 0 and no code statistics). */
export interface RqVaeEpochLog {
  epoch: number;
  phase: 'warmup' | 'rq';
  /** Mean reconstruction MSE over the epoch's batches (on the scaled input). */
  reconLoss: number;
  /** Mean of Σ_t (codebook + β·commitment) over the epoch's batches. */
  vqLoss: number;
  /** Distinct codes chosen per level during the epoch (training batches). */
  codesUsed: number[];
  /** exp(entropy) of the code distribution per level during the epoch. */
  perplexity: number[];
  /** Codes reset per level after this epoch. */
  deadCodesReset: number[];
}

export interface RqVaeOptions {
  /** Called after every epoch. */
  onEpoch?: (log: RqVaeEpochLog) => void;
  kmeans?: KMeansOptions;
  /** Called once after training, before the model is disposed, with the trained encoder + codebooks as a function
   *  from already-scaled rows (n × dim, see `scaleInput`) to their T codes (n × T, row-major); rq-vae-assign.ts. */
  onTrained?: (encode: (scaled: Float32Array, n: number) => Int32Array) => void;
}

interface Mlp {
  weights: tf.Variable[];
  biases: tf.Variable[];
}

/** He-uniform weights ([in, out]) and zero biases from `rng`. */
function makeMlp(dims: number[], rng: Rng): Mlp {
  const weights: tf.Variable[] = [];
  const biases: tf.Variable[] = [];
  for (let l = 0; l + 1 < dims.length; l++) {
    const [fanIn, fanOut] = [dims[l], dims[l + 1]];
    const lim = Math.sqrt(6 / fanIn);
    const w = Float32Array.from({ length: fanIn * fanOut }, () => (2 * rng.next() - 1) * lim);
    weights.push(tf.tidy(() => tf.variable(tf.tensor2d(w, [fanIn, fanOut]))));
    biases.push(tf.tidy(() => tf.variable(tf.zeros([fanOut]))));
  }
  return { weights, biases };
}

/** ReLU between layers, linear output. */
function runMlp(m: Mlp, x: tf.Tensor2D): tf.Tensor2D {
  let h: tf.Tensor2D = x;
  m.weights.forEach((w, l) => {
    h = tf.add(linear(h, w as tf.Tensor2D), m.biases[l]) as tf.Tensor2D;
    if (l + 1 < m.weights.length) h = tf.relu(h);
  });
  return h;
}

/** Scale rows per `inputNorm`; returns a new matrix. */
export function scaleInput(x: DenseMatrix, mode: RqVaeConfig['inputNorm']): Float32Array {
  const { n, dim } = x;
  const out = Float32Array.from(x.data);
  if (mode === 'none') return out;
  if (mode === 'l2') {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < dim; j++) s += out[i * dim + j] ** 2;
      const f = s > 0 ? 1 / Math.sqrt(s) : 0;
      for (let j = 0; j < dim; j++) out[i * dim + j] *= f;
    }
  } else {
    for (let j = 0; j < dim; j++) {
      let m = 0;
      for (let i = 0; i < n; i++) m += out[i * dim + j];
      m /= n;
      for (let i = 0; i < n; i++) out[i * dim + j] -= m;
    }
  }
  let sq = 0;
  for (let i = 0; i < out.length; i++) sq += out[i] * out[i];
  const f = sq > 0 ? Math.sqrt(out.length / sq) : 1;
  for (let i = 0; i < out.length; i++) out[i] *= f;
  return out;
}

function checkConfig(cfg: RqVaeConfig, n: number): void {
  const bad = (f: string, m: string): never => {
    throw new LmiError(`rq-vae: field "${f}" ${m}`);
  };
  const posInt = (v: number, f: string, lo = 1): void => {
    if (!Number.isInteger(v) || v < lo) bad(f, `must be an integer ≥ ${lo}, got ${v}`);
  };
  posInt(cfg.levels, 'levels');
  posInt(cfg.codebookSize, 'codebookSize', 2);
  posInt(cfg.latentDim, 'latentDim');
  posInt(cfg.epochs, 'epochs');
  posInt(cfg.warmupEpochs, 'warmupEpochs', 0);
  posInt(cfg.batchSize, 'batchSize');
  cfg.hidden.forEach((h, i) => posInt(h, `hidden[${i}]`));
  if (!(cfg.learningRate > 0)) bad('learningRate', `must be > 0, got ${cfg.learningRate}`);
  if (!(cfg.codebookLearningRate > 0)) bad('codebookLearningRate', `must be > 0, got ${cfg.codebookLearningRate}`);
  if (!(cfg.beta >= 0)) bad('beta', `must be ≥ 0, got ${cfg.beta}`);
  if (!['l2', 'standardize', 'none'].includes(cfg.inputNorm)) bad('inputNorm', `must be l2, standardize or none, got "${cfg.inputNorm}"`);
  if (cfg.codebookSize > n) bad('codebookSize', `(${cfg.codebookSize}) must not exceed the number of documents (${n})`);
}

function perplexityOf(counts: Int32Array): number {
  let total = 0;
  for (const c of counts) total += c;
  let h = 0;
  for (const c of counts) if (c > 0) h -= (c / total) * Math.log(c / total);
  return Math.exp(h);
}

/** The trainable state: encoder, decoder, codebooks. */
interface Model {
  encoder: Mlp;
  decoder: Mlp;
  codebooks: tf.Variable[];
}

function disposeModel(m: Model): void {
  for (const v of [...m.encoder.weights, ...m.encoder.biases, ...m.decoder.weights, ...m.decoder.biases, ...m.codebooks]) v.dispose();
}

/** Latents of all rows (chunks of 4096), no gradients. */
function encodeAll(m: Model, x: Float32Array, n: number, dim: number): Float32Array {
  const L = m.encoder.weights[m.encoder.weights.length - 1].shape[1]!;
  const out = new Float32Array(n * L);
  for (let s = 0; s < n; s += 4096) {
    const e = Math.min(n, s + 4096);
    const z = tf.tidy(() => runMlp(m.encoder, tf.tensor2d(x.subarray(s * dim, e * dim), [e - s, dim])));
    out.set(z.dataSync(), s * L);
    z.dispose();
  }
  return out;
}

/**
 * Train an rq-VAE on the rows of `emb` and return every row's semantic ID. Deterministic for a given `rng` state
 * (weights, shuffling, k-means and resets all draw from it). All tensors are disposed before returning.
 */
export function rqVaeIndex(emb: DenseMatrix, cfg: RqVaeConfig, kmeansCfg: KMeansConfig, rng: Rng, opts: RqVaeOptions = {}): IndexerResult {
  const { n, dim } = emb;
  if (emb.data.length !== n * dim) throw new LmiError(`rq-vae: data has ${emb.data.length} values, expected n×dim = ${n}×${dim}`);
  checkConfig(cfg, n);
  const t0 = performance.now();
  const x = scaleInput(emb, cfg.inputNorm);
  const { levels: T, codebookSize: K, latentDim: L } = cfg;
  const model: Model = {
    encoder: makeMlp([dim, ...cfg.hidden, L], rng.fork()),
    decoder: makeMlp([L, ...[...cfg.hidden].reverse(), dim], rng.fork()),
    codebooks: Array.from({ length: T }, () => tf.tidy(() => tf.variable(tf.zeros([K, L])))),
  };
  const optimizer = tf.train.adam(cfg.learningRate);
  const codebookOptimizer = tf.train.adam(cfg.codebookLearningRate);
  const history: RqVaeEpochLog[] = [];
  const shuffleRng = rng.fork();
  const initRng = rng.fork();
  const resetRng = rng.fork();
  const totalEpochs = cfg.warmupEpochs + cfg.epochs;
  try {
    for (let epoch = 0; epoch < totalEpochs; epoch++) {
      const warm = epoch < cfg.warmupEpochs;
      if (epoch === cfg.warmupEpochs) {
        const init = kmeansResidualInit({ data: encodeAll(model, x, n, dim), n, dim: L }, T, K, kmeansCfg, initRng, opts.kmeans);
        init.forEach((c, t) => tf.tidy(() => model.codebooks[t].assign(tf.tensor2d(c, [K, L]))));
      }
      const counts = Array.from({ length: T }, () => new Int32Array(K));
      const order = shuffleRng.permutation(n);
      let recon = 0;
      let vq = 0;
      let batches = 0;
      for (let s = 0; s < n; s += cfg.batchSize) {
        const rows = order.slice(s, s + cfg.batchSize);
        const xb = new Float32Array(rows.length * dim);
        rows.forEach((r, i) => xb.set(x.subarray(r * dim, (r + 1) * dim), i * dim));
        const step = trainStep(model, optimizer, codebookOptimizer, xb, rows.length, dim, warm, cfg.beta);
        recon += step.recon;
        vq += step.vq;
        batches++;
        if (step.codes) for (let i = 0; i < rows.length; i++) for (let t = 0; t < T; t++) counts[t][step.codes[i * T + t]]++;
      }
      const log: RqVaeEpochLog = {
        epoch,
        phase: warm ? 'warmup' : 'rq',
        reconLoss: recon / batches,
        vqLoss: vq / batches,
        codesUsed: warm ? [] : counts.map((c) => c.reduce((a, v) => a + (v > 0 ? 1 : 0), 0)),
        perplexity: warm ? [] : counts.map(perplexityOf),
        deadCodesReset: warm ? [] : new Array<number>(T).fill(0),
      };
      if (!warm && cfg.deadCodeReset && epoch + 1 < totalEpochs) log.deadCodesReset = resetDeadCodes(model, counts, x, n, dim, K, resetRng);
      history.push(log);
      opts.onEpoch?.(log);
    }
    opts.onTrained?.((rows, m) => encodeResidual({ data: encodeAll(model, rows, m, dim), n: m, dim: L }, model.codebooks.map((c) => Float32Array.from(c.dataSync())), K).codes);
    return finish(model, x, n, dim, cfg, kmeansCfg, history, t0);
  } finally {
    optimizer.dispose();
    codebookOptimizer.dispose();
    disposeModel(model);
  }
}

/** One Adam step on a batch; returns the batch losses and (after warm-up) its codes [B·T] row-major. */
function trainStep(m: Model, opt: tf.Optimizer, codebookOpt: tf.Optimizer, xb: Float32Array, b: number, dim: number, warm: boolean, beta: number): { recon: number; vq: number; codes?: Int32Array } {
  const xt = tf.tensor2d(xb, [b, dim]);
  let reconT: tf.Scalar | undefined;
  let vqT: tf.Scalar | undefined;
  let codesT: tf.Tensor2D | undefined;
  const varList = [...m.encoder.weights, ...m.encoder.biases, ...m.decoder.weights, ...m.decoder.biases, ...(warm ? [] : m.codebooks)];
  const { value, grads } = tf.variableGrads(() => {
    const z = runMlp(m.encoder, xt);
    let zq: tf.Tensor2D = z;
    let vq: tf.Scalar = tf.scalar(0);
    if (!warm) {
      const rq = residualQuantize(z, m.codebooks as tf.Tensor2D[]);
      zq = straightThrough(z, rq.quantized);
      vq = tf.add(rq.codebookLoss, tf.mul(rq.commitmentLoss, beta));
      codesT = tf.keep(rq.codes);
    }
    const recon = tf.mean(tf.square(tf.sub(runMlp(m.decoder, zq), xt))) as tf.Scalar;
    reconT = tf.keep(recon);
    vqT = tf.keep(vq);
    return tf.add(recon, vq) as tf.Scalar;
  }, varList);
  const books = new Set(m.codebooks.map((c) => c.name));
  const pick = (inBooks: boolean): tf.NamedTensorMap => Object.fromEntries(Object.entries(grads).filter(([k]) => books.has(k) === inBooks));
  opt.applyGradients(pick(false));
  if (!warm) codebookOpt.applyGradients(pick(true));
  const out = { recon: reconT!.dataSync()[0], vq: vqT!.dataSync()[0], codes: codesT ? Int32Array.from(codesT.dataSync()) : undefined };
  tf.dispose([xt, value, reconT!, vqT!, ...(codesT ? [codesT] : []), ...Object.values(grads)]);
  return out;
}

/** Reset codes with zero count to residuals of random documents at that level; returns resets per level. */
function resetDeadCodes(m: Model, counts: Int32Array[], x: Float32Array, n: number, dim: number, K: number, rng: Rng): number[] {
  const dead = counts.map((c) => [...c.keys()].filter((k) => c[k] === 0));
  if (dead.every((d) => d.length === 0)) return dead.map(() => 0);
  const L = m.codebooks[0].shape[1]!;
  const z = encodeAll(m, x, n, dim);
  const books = m.codebooks.map((c) => Float32Array.from(c.dataSync()));
  const { residuals } = encodeResidual({ data: z, n, dim: L }, books, K);
  dead.forEach((codes, t) => {
    if (codes.length === 0) return;
    for (const k of codes) {
      const i = rng.int(n);
      books[t].set(residuals[t].subarray(i * L, (i + 1) * L), k * L);
    }
    tf.tidy(() => m.codebooks[t].assign(tf.tensor2d(books[t], [K, L])));
  });
  return dead.map((d) => d.length);
}

/** Encode every document with the trained model; build the IDs and the report metadata. */
function finish(m: Model, x: Float32Array, n: number, dim: number, cfg: RqVaeConfig, kmeansCfg: KMeansConfig, history: RqVaeEpochLog[], t0: number): IndexerResult {
  const { levels: T, codebookSize: K, latentDim: L } = cfg;
  const z = encodeAll(m, x, n, dim);
  const books = m.codebooks.map((c) => Float32Array.from(c.dataSync()));
  const { codes, residuals } = encodeResidual({ data: z, n, dim: L }, books, K);
  // Reconstruction MSE of the quantised latents (scaled input) and share of ‖z‖² left unexplained after each level.
  let zEnergy = 0;
  for (const v of z) zEnergy += v * v;
  const residualShare = residuals.slice(1).map((r) => r.reduce((a, v) => a + v * v, 0) / zEnergy);
  const last = residuals[T - 1];
  let finalEnergy = 0;
  const bT = books[T - 1];
  for (let i = 0; i < n; i++) for (let j = 0; j < L; j++) finalEnergy += (last[i * L + j] - bT[codes[i * T + T - 1] * L + j]) ** 2;
  residualShare.push(finalEnergy / zEnergy);
  let reconMse = 0;
  for (let s = 0; s < n; s += 4096) {
    const e = Math.min(n, s + 4096);
    const mse = tf.tidy(() => {
      const zq = tf.tensor2d(z.subarray(s * L, e * L), [e - s, L]);
      const q = tf.sub(zq, tf.tensor2d(finalResidual(residuals[T - 1], bT, codes, T, s, e, L), [e - s, L]));
      return tf.sum(tf.square(tf.sub(runMlp(m.decoder, q as tf.Tensor2D), tf.tensor2d(x.subarray(s * dim, e * dim), [e - s, dim]))));
    });
    reconMse += mse.dataSync()[0];
    mse.dispose();
  }
  reconMse /= n * dim;
  const paths = Array.from({ length: n }, (_, i) => Array.from(codes.subarray(i * T, (i + 1) * T)));
  const counts = Array.from({ length: T }, (_, t) => {
    const c = new Int32Array(K);
    for (let i = 0; i < n; i++) c[codes[i * T + t]]++;
    return c;
  });
  const { ids, codebookSizes, collisionsBefore: before } = finishIds(paths, K, cfg.collisionPosition);
  return {
    ids,
    codebookSizes,
    meta: {
      method: 'rq-vae',
      config: { ...cfg, hidden: [...cfg.hidden] },
      kmeans: { ...kmeansCfg, spherical: false },
      codesUsed: counts.map((c) => c.reduce((a, v) => a + (v > 0 ? 1 : 0), 0)),
      perplexity: counts.map(perplexityOf),
      reconMse,
      residualShare,
      distinctPaths: before.distinct,
      collidingDocs: before.collidingDocs,
      maxCollisionGroup: before.maxGroup,
      history,
      seconds: (performance.now() - t0) / 1000,
    },
  };
}

/** Rows s..e of the residual left after the last level (r_T − e_T), so that Σ_t e_t = z − it. */
function finalResidual(rT: Float32Array, bT: Float32Array, codes: Int32Array, T: number, s: number, e: number, L: number): Float32Array {
  const out = new Float32Array((e - s) * L);
  for (let i = s; i < e; i++) for (let j = 0; j < L; j++) out[(i - s) * L + j] = rT[i * L + j] - bT[codes[i * T + T - 1] * L + j];
  return out;
}
