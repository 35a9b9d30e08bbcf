/**
 * T5 encoder-decoder (Raffel et al. 2020; the paper's semantic encoder and generative backbone, Sec. 3 and A.3).
 *
 * One file, top to bottom: options and parameter names → initialisation → encoder → decoder (teacher forcing and
 * incremental with a key/value cache) → LM head and loss → Hugging Face safetensors I/O.
 *
 * Parameters live in `params`, keyed by Hugging Face T5 names (`encoder.block.0.layer.0.SelfAttention.q.weight`).
 * Linear weights are stored as [in, out] — the transpose of PyTorch's [out, in] — so the hot path is `x @ W` with no
 * per-step transposes; `toHF()` / `fromPretrained()` convert. `shared.weight` and the bias tables keep HF layout.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from '../config';
import { LmiError } from '../errors';
import { Rng } from '../rng';
import { type AttentionShape, type AttentionWeights, type KeyValue, crossAttention, projectKeyValue, selfAttention } from '../nn/attention';
import { dropout } from '../nn/dropout';
import { embed, gatherRows } from '../nn/embedding';
import { type FeedForwardWeights, feedForward } from '../nn/feed-forward';
import { t5LayerNorm } from '../nn/layer-norm';
import { lmHeadCrossEntropy } from '../nn/loss';
import { causalBias, paddingBias } from '../nn/masks';
import { linear } from '../nn/ops';
import { positionBias } from '../nn/relative-position';
import { writeFileAtomic } from '../atomic-write';
import { type HostTensor, readSafetensors, writeSafetensors } from '../nn/safetensors';

/** Label value that is not scored (as in Hugging Face). */
export const IGNORE_INDEX = -100;

/** Token settings that are not shapes (HF config.json names in comments). */
export interface T5Options {
  /** pad_token_id (also the padding-mask source). */
  padTokenId: number;
  /** eos_token_id. */
  eosTokenId: number;
  /** decoder_start_token_id (T5: the pad id). */
  decoderStartTokenId: number;
  /** layer_norm_epsilon. */
  layerNormEpsilon: number;
}

export const DEFAULT_T5_OPTIONS: T5Options = { padTokenId: 0, eosTokenId: 1, decoderStartTokenId: 0, layerNormEpsilon: 1e-6 };

/** A [rows, cols] matrix of token ids, row-major. */
export interface IdMatrix {
  data: Int32Array;
  rows: number;
  cols: number;
}

/** Ids as a tensor, nested arrays (equal lengths) or an `IdMatrix`. */
export type IdInput = tf.Tensor2D | IdMatrix | readonly (readonly number[])[];

/** Dropout is active only with `training: true` and an `rng`. */
export interface ForwardOptions {
  training?: boolean;
  rng?: Rng;
}

/** Inputs of a sequence-to-sequence step. Labels equal to `IGNORE_INDEX` are not scored. */
export interface Seq2SeqBatch {
  inputIds: IdInput;
  labels: IdInput;
  /** 1 = real token, 0 = padding; default: `inputIds !== padTokenId`. */
  attentionMask?: IdInput;
  /** Default: labels shifted right with `decoderStartTokenId` (ignored labels become padding). */
  decoderInputIds?: IdInput;
}

export interface Seq2SeqOutput {
  /** [B, T, V] */
  logits: tf.Tensor3D;
  /** Final decoder hidden states h_t [B, T, d] (after the final layer norm; LMIndexer Eq. 1). */
  decoderHidden: tf.Tensor3D;
  /** [B, L, d] */
  encoderHidden: tf.Tensor3D;
}

/** Normalise any id input to an `IdMatrix`. */
export function toIdMatrix(x: IdInput, what = 'ids'): IdMatrix {
  if (x instanceof tf.Tensor) {
    if (x.rank !== 2) throw new LmiError(`${what}: expected a rank-2 tensor, got shape [${x.shape.join(', ')}]`);
    return { data: Int32Array.from(x.dataSync()), rows: x.shape[0], cols: x.shape[1] };
  }
  if ('data' in x && 'rows' in x) return x as IdMatrix;
  const rows = x as readonly (readonly number[])[];
  const cols = rows.length ? rows[0].length : 0;
  const data = new Int32Array(rows.length * cols);
  rows.forEach((r, i) => {
    if (r.length !== cols) throw new LmiError(`${what}: row ${i} has ${r.length} ids, row 0 has ${cols}; pad rows to equal length`);
    data.set(r, i * cols);
  });
  return { data, rows: rows.length, cols };
}

/** Decoder inputs for teacher forcing: [start, y0, y1, …, y_{T-2}], ignored labels replaced by padding. */
export function shiftRight(labels: IdMatrix, decoderStartTokenId: number, padTokenId: number): IdMatrix {
  const { rows, cols } = labels;
  const data = new Int32Array(rows * cols);
  for (let b = 0; b < rows; b++) {
    data[b * cols] = decoderStartTokenId;
    for (let t = 1; t < cols; t++) {
      const y = labels.data[b * cols + t - 1];
      data[b * cols + t] = y === IGNORE_INDEX ? padTokenId : y;
    }
  }
  return { data, rows, cols };
}

/** Stored as [in, out] (HF [out, in] transposed). */
export function isLinearWeight(name: string): boolean {
  return /\.(q|k|v|o|wi|wi_0|wi_1|wo)\.weight$/.test(name) || name === 'lm_head.weight';
}

/** Self-attention cache of the decoder plus the encoder memory, for incremental decoding (beam search). */
export class DecoderCache {
  /** Number of tokens decoded so far (the next query position). */
  position = 0;
  /** Per decoder layer: keys/values of all previous positions, [B·H, position, d_kv]. */
  self: (KeyValue | undefined)[];

  constructor(
    /** Rows being decoded (batch × beams). */
    public batch: number,
    /** Per decoder layer: projected encoder keys/values. */
    public memory: KeyValue[],
    /** Encoder padding bias [B, 1, 1, L], or undefined when nothing is padded. */
    public crossBias: tf.Tensor4D | undefined,
    private readonly numHeads: number,
  ) {
    this.self = memory.map(() => undefined);
  }

  private tensors(): tf.Tensor[] {
    const out: tf.Tensor[] = [];
    for (const kv of [...this.memory, ...this.self]) if (kv) out.push(kv.k, kv.v);
    if (this.crossBias) out.push(this.crossBias);
    return out;
  }

  /** Keep only / repeat rows: row i of the new cache is row `rows[i]` of the old one (beam search reordering). */
  reorder(rows: readonly number[]): void {
    const h = this.numHeads;
    const headRows = Int32Array.from(rows.flatMap((r) => Array.from({ length: h }, (_, j) => r * h + j)));
    const pick = (t: tf.Tensor3D): tf.Tensor3D => tf.tidy(() => tf.gather(t, tf.tensor1d(headRows, 'int32')));
    const old = this.tensors();
    this.memory = this.memory.map((kv) => ({ k: pick(kv.k), v: pick(kv.v) }));
    this.self = this.self.map((kv) => (kv ? { k: pick(kv.k), v: pick(kv.v) } : undefined));
    if (this.crossBias) {
      const cb = this.crossBias;
      this.crossBias = tf.tidy(() => tf.gather(cb, tf.tensor1d(Int32Array.from(rows), 'int32')));
    }
    this.batch = rows.length;
    old.forEach((t) => t.dispose());
  }

  dispose(): void {
    this.tensors().forEach((t) => t.dispose());
    this.memory = [];
    this.self = [];
    this.crossBias = undefined;
  }
}

/** The T5 model. Create with `T5.create(config)` or `T5.fromPretrained(dir)`. */
export class T5 {
  readonly config: ModelConfig;
  readonly options: T5Options;
  /** All trainable parameters, HF T5 names. */
  readonly params: Map<string, tf.Variable>;

  private constructor(config: ModelConfig, options: T5Options, params: Map<string, tf.Variable>) {
    this.config = config;
    this.options = options;
    this.params = params;
  }

  // ---------------------------------------------------------------- parameters

  /** Names and HF shapes ([out, in] for linears) of every parameter this config needs. */
  static parameterShapes(c: ModelConfig): Map<string, number[]> {
    const inner = c.numHeads * c.dKv;
    const shapes = new Map<string, number[]>();
    shapes.set('shared.weight', [c.vocabSize, c.dModel]);
    const attn = (prefix: string, withBias: boolean): void => {
      for (const p of ['q', 'k', 'v']) shapes.set(`${prefix}.${p}.weight`, [inner, c.dModel]);
      shapes.set(`${prefix}.o.weight`, [c.dModel, inner]);
      if (withBias) shapes.set(`${prefix}.relative_attention_bias.weight`, [c.relativeAttentionNumBuckets, c.numHeads]);
    };
    const ff = (prefix: string): void => {
      if (c.feedForwardProj === 'relu') shapes.set(`${prefix}.DenseReluDense.wi.weight`, [c.dFf, c.dModel]);
      else for (const p of ['wi_0', 'wi_1']) shapes.set(`${prefix}.DenseReluDense.${p}.weight`, [c.dFf, c.dModel]);
      shapes.set(`${prefix}.DenseReluDense.wo.weight`, [c.dModel, c.dFf]);
      shapes.set(`${prefix}.layer_norm.weight`, [c.dModel]);
    };
    for (let i = 0; i < c.numLayers; i++) {
      attn(`encoder.block.${i}.layer.0.SelfAttention`, i === 0);
      shapes.set(`encoder.block.${i}.layer.0.layer_norm.weight`, [c.dModel]);
      ff(`encoder.block.${i}.layer.1`);
    }
    shapes.set('encoder.final_layer_norm.weight', [c.dModel]);
    for (let i = 0; i < c.numDecoderLayers; i++) {
      attn(`decoder.block.${i}.layer.0.SelfAttention`, i === 0);
      shapes.set(`decoder.block.${i}.layer.0.layer_norm.weight`, [c.dModel]);
      attn(`decoder.block.${i}.layer.1.EncDecAttention`, false);
      shapes.set(`decoder.block.${i}.layer.1.layer_norm.weight`, [c.dModel]);
      ff(`decoder.block.${i}.layer.2`);
    }
    shapes.set('decoder.final_layer_norm.weight', [c.dModel]);
    if (!c.tieWordEmbeddings) shapes.set('lm_head.weight', [c.vocabSize, c.dModel]);
    return shapes;
  }

  /** Standard deviation of the HF T5 initialiser (`_init_weights`, factor 1) for a parameter. */
  private static initStd(name: string, c: ModelConfig): number {
    if (name.endsWith('layer_norm.weight')) return 0;
    if (name === 'shared.weight' || name === 'lm_head.weight') return 1;
    if (name.endsWith('.q.weight')) return (c.dModel * c.dKv) ** -0.5;
    if (name.endsWith('.o.weight')) return (c.numHeads * c.dKv) ** -0.5;
    if (name.endsWith('.wo.weight')) return c.dFf ** -0.5;
    return c.dModel ** -0.5; // k, v, wi, wi_0, wi_1, relative_attention_bias
  }

  /** A randomly initialised model (HF T5 initialisation). `config.vocabSize` must be set (> 0). */
  static create(config: ModelConfig, opts: Partial<T5Options> & { seed?: number } = {}): T5 {
    if (!(config.vocabSize > 0)) throw new LmiError('T5.create: config.vocabSize is 0; set it from the tokenizer (tokenizer.vocabSize)');
    const rng = new Rng(opts.seed ?? 0);
    const params = new Map<string, tf.Variable>();
    for (const [name, hfShape] of T5.parameterShapes(config)) {
      const std = T5.initStd(name, config);
      const n = hfShape.reduce((a, b) => a * b, 1);
      const data = new Float32Array(n);
      for (let i = 0; i < n; i++) data[i] = std === 0 ? 1 : std * rng.normal();
      params.set(name, T5.toVariable(name, { shape: hfShape, data }));
    }
    const { seed: _seed, ...rest } = opts;
    return new T5({ ...config }, { ...DEFAULT_T5_OPTIONS, ...rest }, params);
  }

  /** HF-layout host tensor → variable in our layout. */
  private static toVariable(name: string, t: HostTensor): tf.Variable {
    return tf.tidy(() => {
      const x = tf.tensor(t.data, t.shape, 'float32');
      return tf.variable(isLinearWeight(name) ? tf.transpose(x) : x, true);
    });
  }

  private p(name: string): tf.Variable {
    const v = this.params.get(name);
    if (!v) throw new LmiError(`T5: parameter "${name}" missing`);
    return v;
  }

  private attentionWeights(prefix: string): AttentionWeights {
    return {
      q: this.p(`${prefix}.q.weight`) as tf.Variable<tf.Rank.R2>,
      k: this.p(`${prefix}.k.weight`) as tf.Variable<tf.Rank.R2>,
      v: this.p(`${prefix}.v.weight`) as tf.Variable<tf.Rank.R2>,
      o: this.p(`${prefix}.o.weight`) as tf.Variable<tf.Rank.R2>,
    };
  }

  private feedForwardWeights(prefix: string): FeedForwardWeights {
    const get = (n: string): tf.Tensor2D => this.p(`${prefix}.DenseReluDense.${n}.weight`) as tf.Variable<tf.Rank.R2>;
    return this.config.feedForwardProj === 'relu' ? { wi: get('wi'), wo: get('wo') } : { wi0: get('wi_0'), wi1: get('wi_1'), wo: get('wo') };
  }

  private get shape(): AttentionShape {
    return { numHeads: this.config.numHeads, dKv: this.config.dKv };
  }

  private norm<T extends tf.Tensor>(x: T, name: string): T {
    return t5LayerNorm(x, this.p(name) as tf.Variable<tf.Rank.R1>, this.options.layerNormEpsilon);
  }

  /** Total number of scalar parameters. */
  numParameters(): number {
    let n = 0;
    for (const v of this.params.values()) n += v.size;
    return n;
  }

  // ---------------------------------------------------------------- encoder

  /** 0/1 mask of non-padding input tokens. */
  paddingMask(ids: IdMatrix): IdMatrix {
    const data = new Int32Array(ids.data.length);
    for (let i = 0; i < data.length; i++) data[i] = ids.data[i] === this.options.padTokenId ? 0 : 1;
    return { data, rows: ids.rows, cols: ids.cols };
  }

  /** Encoder hidden states [B, L, d] (after the final layer norm). */
  encode(inputIds: IdInput, opts: ForwardOptions & { attentionMask?: IdInput } = {}): tf.Tensor3D {
    const ids = toIdMatrix(inputIds, 'inputIds');
    const mask = opts.attentionMask ? toIdMatrix(opts.attentionMask, 'attentionMask') : this.paddingMask(ids);
    const c = this.config;
    const rate = opts.training ? c.dropoutRate : 0;
    const rng = opts.training ? opts.rng : undefined;
    return tf.tidy(() => {
      let h = dropout(embed(this.p('shared.weight') as tf.Variable<tf.Rank.R2>, ids.data, ids.rows, ids.cols), rate, rng);
      const table = this.p('encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight') as tf.Variable<tf.Rank.R2>;
      const bias = tf.add(positionBias(table, ids.cols, ids.cols, true, c.relativeAttentionMaxDistance), paddingBias(mask.data, mask.rows, mask.cols));
      for (let i = 0; i < c.numLayers; i++) {
        const b = `encoder.block.${i}`;
        const a = selfAttention(this.norm(h, `${b}.layer.0.layer_norm.weight`), this.attentionWeights(`${b}.layer.0.SelfAttention`), this.shape, bias, rate, rng);
        h = tf.add(h, dropout(a.out, rate, rng));
        const f = feedForward(this.norm(h, `${b}.layer.1.layer_norm.weight`), this.feedForwardWeights(`${b}.layer.1`), c.feedForwardProj, rate, rng);
        h = tf.add(h, dropout(f, rate, rng));
      }
      return dropout(this.norm(h, 'encoder.final_layer_norm.weight'), rate, rng);
    });
  }

  // ---------------------------------------------------------------- decoder

  /** One decoder block; `incremental` → one decoding step after `selfCache` (returns the extended cache). */
  private decoderBlock(
    i: number, h: tf.Tensor3D, memory: KeyValue, selfBias: tf.Tensor | undefined, crossBias: tf.Tensor | undefined,
    rate: number, rng: Rng | undefined, selfCache?: KeyValue, incremental = false,
  ): { h: tf.Tensor3D; cache: KeyValue | undefined } {
    const b = `decoder.block.${i}`;
    const s = selfAttention(this.norm(h, `${b}.layer.0.layer_norm.weight`), this.attentionWeights(`${b}.layer.0.SelfAttention`), this.shape, selfBias, rate, rng, selfCache, incremental);
    h = tf.add(h, dropout(s.out, rate, rng));
    const x = crossAttention(this.norm(h, `${b}.layer.1.layer_norm.weight`), memory, this.attentionWeights(`${b}.layer.1.EncDecAttention`), this.shape, crossBias, rate, rng);
    h = tf.add(h, dropout(x, rate, rng));
    const f = feedForward(this.norm(h, `${b}.layer.2.layer_norm.weight`), this.feedForwardWeights(`${b}.layer.2`), this.config.feedForwardProj, rate, rng);
    return { h: tf.add(h, dropout(f, rate, rng)), cache: s.cache };
  }

  private decoderTable(): tf.Tensor2D {
    return this.p('decoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight') as tf.Variable<tf.Rank.R2>;
  }

  /**
   * Teacher-forced decoder: hidden states h_t [B, T, d] after the final layer norm (the LMIndexer's h_t, Eq. 1).
   * `encoderMask` is the encoder's 0/1 attention mask (default: no padding).
   */
  decode(decoderInputIds: IdInput, encoderHidden: tf.Tensor3D, opts: ForwardOptions & { encoderMask?: IdInput } = {}): tf.Tensor3D {
    const ids = toIdMatrix(decoderInputIds, 'decoderInputIds');
    const c = this.config;
    const rate = opts.training ? c.dropoutRate : 0;
    const rng = opts.training ? opts.rng : undefined;
    return tf.tidy(() => {
      let h = dropout(embed(this.p('shared.weight') as tf.Variable<tf.Rank.R2>, ids.data, ids.rows, ids.cols), rate, rng);
      const selfBias = tf.add(positionBias(this.decoderTable(), ids.cols, ids.cols, false, c.relativeAttentionMaxDistance), causalBias(ids.cols));
      const m = opts.encoderMask ? toIdMatrix(opts.encoderMask, 'encoderMask') : undefined;
      const crossBias = m ? paddingBias(m.data, m.rows, m.cols) : undefined;
      for (let i = 0; i < c.numDecoderLayers; i++) {
        const memory = projectKeyValue(encoderHidden, this.attentionWeights(`decoder.block.${i}.layer.1.EncDecAttention`), this.shape);
        h = this.decoderBlock(i, h, memory, selfBias, crossBias, rate, rng).h;
      }
      return dropout(this.norm(h, 'decoder.final_layer_norm.weight'), rate, rng);
    });
  }

  /** Start incremental decoding from encoder states [B, L, d]; dispose the cache when done. */
  startDecoding(encoderHidden: tf.Tensor3D, encoderMask?: IdInput): DecoderCache {
    const memory = tf.tidy(() => {
      const kvs: KeyValue[] = [];
      for (let i = 0; i < this.config.numDecoderLayers; i++) {
        kvs.push(projectKeyValue(encoderHidden, this.attentionWeights(`decoder.block.${i}.layer.1.EncDecAttention`), this.shape));
      }
      return kvs.flatMap((kv) => [kv.k, kv.v]);
    });
    const kv: KeyValue[] = [];
    for (let i = 0; i < memory.length; i += 2) kv.push({ k: memory[i] as tf.Tensor3D, v: memory[i + 1] as tf.Tensor3D });
    const m = encoderMask ? toIdMatrix(encoderMask, 'encoderMask') : undefined;
    const crossBias = m ? paddingBias(m.data, m.rows, m.cols) : undefined;
    return new DecoderCache(encoderHidden.shape[0], kv, crossBias, this.config.numHeads);
  }

  /**
   * Feed one token per row (`tokens.length === cache.batch`) and advance the cache. Returns logits [B, V] and the
   * hidden state [B, d] of this position; the caller disposes both.
   */
  decodeStep(tokens: ArrayLike<number>, cache: DecoderCache): { logits: tf.Tensor2D; hidden: tf.Tensor2D } {
    const c = this.config;
    if (tokens.length !== cache.batch) throw new LmiError(`decodeStep: ${tokens.length} tokens for a cache of ${cache.batch} rows`);
    const old = cache.self;
    const fresh: KeyValue[] = [];
    const out = tf.tidy(() => {
      let h = embed(this.p('shared.weight') as tf.Variable<tf.Rank.R2>, tokens, cache.batch, 1);
      const selfBias = positionBias(this.decoderTable(), 1, cache.position + 1, false, c.relativeAttentionMaxDistance, cache.position);
      for (let i = 0; i < c.numDecoderLayers; i++) {
        const r = this.decoderBlock(i, h, cache.memory[i], selfBias, cache.crossBias, 0, undefined, old[i], true);
        h = r.h;
        fresh.push({ k: tf.keep(r.cache!.k), v: tf.keep(r.cache!.v) });
      }
      const hidden = tf.reshape(this.norm(h, 'decoder.final_layer_norm.weight'), [cache.batch, c.dModel]) as tf.Tensor2D;
      return { logits: this.logits(hidden) as tf.Tensor2D, hidden };
    });
    old.forEach((kv) => kv && (kv.k.dispose(), kv.v.dispose()));
    cache.self = fresh;
    cache.position += 1;
    return out;
  }

  /** Greedy decoding (stops at EOS or `maxLength`); returns generated ids without the start token. */
  generate(inputIds: IdInput, opts: { maxLength?: number; attentionMask?: IdInput } = {}): number[][] {
    const ids = toIdMatrix(inputIds, 'inputIds');
    const mask = opts.attentionMask ? toIdMatrix(opts.attentionMask, 'attentionMask') : this.paddingMask(ids);
    const enc = this.encode(ids, { attentionMask: mask });
    const cache = this.startDecoding(enc, mask);
    enc.dispose();
    const out: number[][] = Array.from({ length: ids.rows }, () => []);
    const done = new Array<boolean>(ids.rows).fill(false);
    let tokens = new Array<number>(ids.rows).fill(this.options.decoderStartTokenId);
    try {
      for (let t = 0; t < (opts.maxLength ?? 32) && !done.every(Boolean); t++) {
        const { logits, hidden } = this.decodeStep(tokens, cache);
        const best = tf.argMax(logits, -1);
        const next = best.dataSync();
        best.dispose();
        logits.dispose();
        hidden.dispose();
        tokens = Array.from(next);
        tokens.forEach((y, b) => {
          if (done[b]) return;
          out[b].push(y);
          if (y === this.options.eosTokenId) done[b] = true;
        });
      }
    } finally {
      cache.dispose();
    }
    return out;
  }

  // ---------------------------------------------------------------- head and loss

  /** The head input and weight [d, V]: tied → (h · d^-½) @ sharedᵀ, untied → h @ lm_head. */
  private head(hidden: tf.Tensor2D): { h: tf.Tensor2D; w: tf.Tensor2D } {
    if (this.config.tieWordEmbeddings) {
      return { h: tf.mul(hidden, this.config.dModel ** -0.5), w: tf.transpose(this.p('shared.weight') as tf.Variable<tf.Rank.R2>) };
    }
    return { h: hidden, w: this.p('lm_head.weight') as tf.Variable<tf.Rank.R2> };
  }

  /** Vocabulary logits for hidden states [..., d] → [..., V]. */
  logits(hidden: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const lead = hidden.shape.slice(0, -1);
      const { h, w } = this.head(tf.reshape(hidden, [-1, this.config.dModel]));
      return tf.reshape(linear(h, w), [...lead, this.config.vocabSize]);
    });
  }

  private prepare(batch: Seq2SeqBatch): { input: IdMatrix; mask: IdMatrix; labels: IdMatrix; decIn: IdMatrix } {
    const input = toIdMatrix(batch.inputIds, 'inputIds');
    const labels = toIdMatrix(batch.labels, 'labels');
    const mask = batch.attentionMask ? toIdMatrix(batch.attentionMask, 'attentionMask') : this.paddingMask(input);
    const decIn = batch.decoderInputIds
      ? toIdMatrix(batch.decoderInputIds, 'decoderInputIds')
      : shiftRight(labels, this.options.decoderStartTokenId, this.options.padTokenId);
    if (labels.rows !== input.rows || decIn.rows !== labels.rows || decIn.cols !== labels.cols) {
      throw new LmiError(`T5: batch shapes disagree: inputIds [${input.rows}, ${input.cols}], labels [${labels.rows}, ${labels.cols}], decoderInputIds [${decIn.rows}, ${decIn.cols}]`);
    }
    return { input, mask, labels, decIn };
  }

  /** Full teacher-forced forward: logits, decoder and encoder hidden states. */
  forward(batch: Seq2SeqBatch, opts: ForwardOptions = {}): Seq2SeqOutput {
    const { input, mask, decIn } = this.prepare(batch);
    return tf.tidy(() => {
      const encoderHidden = this.encode(input, { ...opts, attentionMask: mask });
      const decoderHidden = this.decode(decIn, encoderHidden, { ...opts, encoderMask: mask });
      return { logits: this.logits(decoderHidden) as tf.Tensor3D, decoderHidden, encoderHidden };
    });
  }

  /** Mean token cross-entropy over labels ≠ IGNORE_INDEX (the seq2seq / span-corruption loss). */
  loss(batch: Seq2SeqBatch, opts: ForwardOptions = {}): tf.Scalar {
    const { input, mask, labels, decIn } = this.prepare(batch);
    const rows: number[] = [];
    const targets: number[] = [];
    labels.data.forEach((y, i) => {
      if (y !== IGNORE_INDEX) {
        rows.push(i);
        targets.push(y);
      }
    });
    return tf.tidy(() => {
      const enc = this.encode(input, { ...opts, attentionMask: mask });
      const dec = this.decode(decIn, enc, { ...opts, encoderMask: mask });
      const picked = gatherRows(tf.reshape(dec, [-1, this.config.dModel]) as tf.Tensor2D, rows);
      const { h, w } = this.head(picked);
      return lmHeadCrossEntropy(h, w, targets);
    });
  }

  // ---------------------------------------------------------------- weights I/O

  /** Parameters in Hugging Face layout (linears transposed back to [out, in]). */
  toHF(): Map<string, HostTensor> {
    const out = new Map<string, HostTensor>();
    for (const [name, v] of this.params) {
      // (Never return a typed array from tf.tidy: it walks every element looking for tensors.)
      const t = isLinearWeight(name) ? tf.transpose(v) : v;
      const data = Float32Array.from(t.dataSync() as Float32Array);
      if (t !== v) t.dispose();
      const shape = isLinearWeight(name) ? [...v.shape].reverse() : [...v.shape];
      out.set(name, { shape, data });
    }
    return out;
  }

  /** Replace parameter values from HF-layout tensors (shapes must match exactly). */
  loadHF(tensors: Map<string, HostTensor>, where = 'weights'): void {
    const known = new Set(['encoder.embed_tokens.weight', 'decoder.embed_tokens.weight', 'lm_head.weight']);
    for (const [name, v] of this.params) {
      let t = tensors.get(name);
      if (!t && name === 'shared.weight') t = tensors.get('encoder.embed_tokens.weight');
      if (!t) throw new LmiError(`${where}: tensor "${name}" missing (config needs ${this.params.size} tensors)`);
      const src = t;
      const want = isLinearWeight(name) ? [...v.shape].reverse() : v.shape;
      if (t.shape.join(',') !== want.join(',')) throw new LmiError(`${where}: tensor "${name}" has shape [${t.shape.join(', ')}], config needs [${want.join(', ')}]`);
      tf.tidy(() => {
        const x = tf.tensor(Float32Array.from(src.data), src.shape, 'float32');
        v.assign(isLinearWeight(name) ? tf.transpose(x) : x);
      });
    }
    const extra = [...tensors.keys()].filter((n) => !this.params.has(n) && !known.has(n));
    if (extra.length) throw new LmiError(`${where}: unexpected tensors ${extra.slice(0, 5).join(', ')}${extra.length > 5 ? ` (+${extra.length - 5})` : ''}; does config.json match the checkpoint?`);
  }

  /** HF config.json fields for this model. */
  hfConfig(): Record<string, unknown> {
    const c = this.config;
    return {
      architectures: ['T5ForConditionalGeneration'], model_type: 't5',
      d_model: c.dModel, d_kv: c.dKv, d_ff: c.dFf, num_layers: c.numLayers, num_decoder_layers: c.numDecoderLayers,
      num_heads: c.numHeads, relative_attention_num_buckets: c.relativeAttentionNumBuckets,
      relative_attention_max_distance: c.relativeAttentionMaxDistance, dropout_rate: c.dropoutRate,
      feed_forward_proj: c.feedForwardProj, tie_word_embeddings: c.tieWordEmbeddings, vocab_size: c.vocabSize,
      layer_norm_epsilon: this.options.layerNormEpsilon, pad_token_id: this.options.padTokenId,
      eos_token_id: this.options.eosTokenId, decoder_start_token_id: this.options.decoderStartTokenId,
      is_encoder_decoder: true,
    };
  }

  /** Write `model.safetensors` + `config.json` (HF layout, loadable by `fromPretrained` and by transformers). */
  save(dir: string): void {
    fs.mkdirSync(dir, { recursive: true });
    writeSafetensors(path.join(dir, 'model.safetensors'), this.toHF(), { format: 'pt' });
    writeFileAtomic(path.join(dir, 'config.json'), JSON.stringify(this.hfConfig(), null, 2) + '\n');
  }

  /** Read an HF T5 config.json into our config + options. */
  static readHFConfig(file: string): { config: ModelConfig; options: T5Options } {
    let j: Record<string, unknown>;
    try {
      j = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch (e) {
      throw new LmiError(`${file}: cannot read T5 config (${(e as Error).message})`);
    }
    const num = (k: string, dflt?: number): number => {
      const v = j[k] ?? dflt;
      if (typeof v !== 'number') throw new LmiError(`${file}: field "${k}" missing or not a number`);
      return v;
    };
    const proj = String(j.feed_forward_proj ?? 'relu');
    if (proj !== 'relu' && proj !== 'gated-gelu') throw new LmiError(`${file}: feed_forward_proj "${proj}" unsupported; use relu or gated-gelu`);
    const config: ModelConfig = {
      dModel: num('d_model'), dKv: num('d_kv'), dFf: num('d_ff'), numLayers: num('num_layers'),
      numDecoderLayers: num('num_decoder_layers', num('num_layers')), numHeads: num('num_heads'),
      relativeAttentionNumBuckets: num('relative_attention_num_buckets', 32),
      relativeAttentionMaxDistance: num('relative_attention_max_distance', 128), dropoutRate: num('dropout_rate', 0.1),
      feedForwardProj: proj, tieWordEmbeddings: j.tie_word_embeddings === undefined ? true : Boolean(j.tie_word_embeddings),
      vocabSize: num('vocab_size'),
    };
    const options: T5Options = {
      padTokenId: num('pad_token_id', 0), eosTokenId: num('eos_token_id', 1),
      decoderStartTokenId: num('decoder_start_token_id', 0), layerNormEpsilon: num('layer_norm_epsilon', 1e-6),
    };
    return { config, options };
  }

  /** Load a local HF T5 directory (`config.json` + `model.safetensors`), e.g. a user's t5-small download. */
  static fromPretrained(dir: string): T5 {
    const cfgFile = path.join(dir, 'config.json');
    const wFile = path.join(dir, 'model.safetensors');
    for (const f of [cfgFile, wFile]) {
      if (!fs.existsSync(f)) throw new LmiError(`${f}: not found; T5.fromPretrained needs config.json and model.safetensors (HF layout) in ${dir}`);
    }
    const { config, options } = T5.readHFConfig(cfgFile);
    const { tensors } = readSafetensors(wFile);
    const params = new Map<string, tf.Variable>();
    for (const [name, shape] of T5.parameterShapes(config)) {
      let t = tensors.get(name);
      if (!t && name === 'shared.weight') t = tensors.get('encoder.embed_tokens.weight');
      if (!t) throw new LmiError(`${wFile}: tensor "${name}" missing`);
      if (t.shape.join(',') !== shape.join(',')) throw new LmiError(`${wFile}: tensor "${name}" has shape [${t.shape.join(', ')}], config.json implies [${shape.join(', ')}]`);
      params.set(name, T5.toVariable(name, t));
    }
    return new T5(config, options, params);
  }

  /** Free all parameters. */
  dispose(): void {
    for (const v of this.params.values()) v.dispose();
    this.params.clear();
  }
}
