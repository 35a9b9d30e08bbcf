/**
 * SEAL (Bevilacqua et al. 2022, "Autoregressive Search Engines: Generating Substrings as Document Identifiers"),
 * the n-gram generative-retrieval baseline of Tables 3 and 5, on our T5 and a {@link SuffixArray} (SEAL: BART and
 * an FM-index; both answer the same queries).
 *
 * - Identifiers: every n-gram of every document. Training pairs map a query to n-grams of a relevant document —
 *   random spans of `ngramLength` tokens, plus the document's title when it has one (SEAL's title target) — and
 *   unsupervised pairs map a document's title / pseudo-query to spans of the same document ({@link sealExamples}).
 * - Decoding: beam search in which the allowed next tokens of a hypothesis are the tokens that follow it somewhere
 *   in the corpus (its suffix-array range), so every hypothesis is an n-gram that occurs. Every hypothesis kept in
 *   the beam at any step (lengths 1..ngramLength) is a generated n-gram with score log P(n | q) = its summed
 *   log-probabilities (masked, not renormalised, as constrained decoding does).
 * - Scoring (SEAL's intersective scoring): n-gram weight
 *     w(n, q) = max(0, log[ P(n|q) · (1 − P(n)) / (P(n) · (1 − P(n|q))) ]),  P(n) = F(n) / Σ_d |d|,
 *   F(n) = occurrences of n in the corpus (so frequent n-grams weigh less). A document's score sums, over the
 *   distinct generated n-grams it contains, taken by decreasing weight,
 *     w(n, q)^α · (1 − β + β · |tokens(n) \ tokens already covered| / |tokens(n)|),
 *   the coverage factor damping n-grams whose tokens higher-weighted n-grams already matched. β = 0 is the plain
 *   sum of weights.
 */
import * as tf from '@tensorflow/tfjs';
import { LmiError } from '../../errors';
import { inputMatrix, type SpecialTokens } from '../../generative/finetune';
import { IGNORE_INDEX, type Seq2SeqBatch, type T5 } from '../../model/t5';
import { Rng } from '../../rng';
import { epochBatches } from '../../train/epochs';
import { type StepInfo, Trainer, type TrainerCallback } from '../../train/trainer';
import { topK } from '../seqrec/top-k';
import { type SaRange, SuffixArray } from './suffix-array';

/** Settings of SEAL. */
export interface SealConfig {
  /** Longest generated n-gram = decoding steps (SEAL: 10). Training spans have this length. */
  ngramLength: number;
  /** Beam width (SEAL: 15). */
  beamSize: number;
  /** Exponent α of the n-gram weight in the document score. */
  alpha: number;
  /** Coverage weight β ∈ [0, 1] of the intersective scoring (0 = plain sum). */
  beta: number;
  /** Random spans of the relevant document per training pair. */
  spansPerPair: number;
  /** Document tokens indexed (and sampled from) per document. */
  maxDocTokens: number;
  epochs: number;
  /** Stop after this many optimizer steps even if the epochs are not done (0 = no cap). */
  maxSteps: number;
  batchSize: number;
  learningRate: number;
  /** Query tokens kept (EOS added after). */
  maxInputLength: number;
  /** Queries decoded together. */
  queryBatch: number;
  seed: number;
}

export const DEFAULT_SEAL_CONFIG: SealConfig = {
  ngramLength: 6, beamSize: 10, alpha: 2, beta: 0.8, spansPerPair: 3, maxDocTokens: 256, epochs: 2, maxSteps: 0, batchSize: 32,
  learningRate: 1e-3, maxInputLength: 64, queryBatch: 16, seed: 0,
};

/** A generated n-gram with its log P(n | q). */
export interface ScoredNgram {
  tokens: number[];
  logProb: number;
}

/** One seq2seq training example: input tokens → n-gram tokens. */
export interface NgramExample {
  input: readonly number[];
  target: readonly number[];
}

/** A ranked document with its SEAL score. */
export interface SealHit {
  doc: number;
  score: number;
}

/** w(n, q) of the module doc from log P(n|q), the n-gram's corpus count and the corpus size in tokens. */
export function ngramWeight(logProb: number, count: number, numTokens: number): number {
  if (!(count >= 1) || !(numTokens >= count)) throw new LmiError(`ngramWeight: count ${count} must be in [1, numTokens = ${numTokens}]`);
  const pq = Math.min(Math.exp(logProb), 1 - 1e-9);
  const p = Math.min(count / numTokens, 1 - 1e-9);
  return Math.max(0, Math.log((pq * (1 - p)) / (p * (1 - pq))));
}

/**
 * Intersective scoring (module doc): document index → score over the documents containing at least one generated
 * n-gram with positive weight. Repeated n-grams count once, with their best log-probability.
 */
export function sealScores(ngrams: readonly ScoredNgram[], sa: SuffixArray, config: Pick<SealConfig, 'alpha' | 'beta'>): Map<number, number> {
  const { alpha, beta } = config;
  if (!(beta >= 0 && beta <= 1)) throw new LmiError(`sealScores: beta must be in [0, 1], got ${beta}`);
  const best = new Map<string, ScoredNgram>();
  for (const g of ngrams) {
    if (g.tokens.length === 0) continue;
    const k = g.tokens.join(',');
    const prev = best.get(k);
    if (!prev || g.logProb > prev.logProb) best.set(k, g);
  }
  const weighted: { tokens: number[]; w: number; range: SaRange }[] = [];
  for (const g of best.values()) {
    const range = sa.range(g.tokens);
    const count = range.hi - range.lo;
    if (count === 0) continue; // cannot happen for constrained output; hand-made lists may hold absent n-grams
    const w = ngramWeight(g.logProb, count, sa.numTokens);
    if (w > 0) weighted.push({ tokens: g.tokens, w, range });
  }
  weighted.sort((a, b) => b.w - a.w);
  const perDoc = new Map<number, { score: number; covered: Set<number> }>();
  for (const g of weighted) {
    const distinct = new Set(g.tokens);
    for (const d of sa.docsIn(g.range)) {
      let s = perDoc.get(d);
      if (!s) perDoc.set(d, (s = { score: 0, covered: new Set() }));
      let fresh = 0;
      for (const t of distinct) if (!s.covered.has(t)) fresh++;
      s.score += g.w ** alpha * (1 - beta + (beta * fresh) / distinct.size);
      for (const t of distinct) s.covered.add(t);
    }
  }
  return new Map([...perDoc].map(([d, s]) => [d, s.score]));
}

/** The `k` best documents of a score map, best first (ties: lower index first). */
export function rankSealScores(scores: ReadonlyMap<number, number>, k: number): SealHit[] {
  const docs = [...scores.keys()];
  const arr = Float64Array.from(docs, (d) => scores.get(d)!);
  const order = [...topK(arr, k)].map((i) => ({ doc: docs[i], score: arr[i] }));
  return order.sort((a, b) => b.score - a.score || a.doc - b.doc);
}

/** A random span of up to `length` tokens of `doc` (the whole document when shorter). */
function span(doc: readonly number[], length: number, rng: Rng): number[] {
  if (doc.length <= length) return doc.slice();
  const s = rng.int(doc.length - length + 1);
  return doc.slice(s, s + length);
}

/**
 * Training examples: each (query, relevant document) pair → `spansPerPair` random spans of the document, plus its
 * title tokens when `titles[doc]` is non-empty. Documents are the indexed token sequences (already truncated).
 */
export function sealExamples(
  pairs: readonly { query: readonly number[]; doc: number }[], docTokens: readonly (readonly number[])[],
  config: Pick<SealConfig, 'ngramLength' | 'spansPerPair'>, rng: Rng, titles?: readonly (readonly number[])[],
): NgramExample[] {
  const out: NgramExample[] = [];
  for (const p of pairs) {
    const doc = docTokens[p.doc];
    if (!doc) throw new LmiError(`sealExamples: pair names document ${p.doc}, the corpus has ${docTokens.length}`);
    if (doc.length === 0 || p.query.length === 0) continue;
    for (let k = 0; k < config.spansPerPair; k++) out.push({ input: p.query, target: span(doc, config.ngramLength, rng) });
    const title = titles?.[p.doc];
    if (title && title.length > 0) out.push({ input: p.query, target: title.slice(0, config.ngramLength) });
  }
  return out;
}

/** Pad a batch: inputs + EOS padded with `padId`, targets padded with IGNORE_INDEX (no EOS: n-grams are open-ended). */
export function collateNgramExamples(examples: readonly NgramExample[], special: SpecialTokens, maxInputLength: number): Seq2SeqBatch {
  if (!examples.length) throw new LmiError('collateNgramExamples: empty batch');
  const T = Math.max(...examples.map((e) => e.target.length));
  return {
    inputIds: inputMatrix(examples.map((e) => e.input), special, maxInputLength),
    labels: examples.map((e) => [...e.target, ...new Array<number>(T - e.target.length).fill(IGNORE_INDEX)]),
  };
}

/** The SEAL retriever: a T5 (owned; pass a copy) fine-tuned to generate corpus n-grams, and the corpus index. */
export class Seal {
  readonly config: SealConfig;
  readonly index: SuffixArray;
  /** Token ids of each indexed document (truncated to maxDocTokens). */
  readonly docTokens: number[][];
  private readonly firstTokens: { token: number; lo: number; hi: number }[];

  constructor(readonly model: T5, docTokens: readonly (readonly number[])[], readonly special: SpecialTokens, config: Partial<SealConfig> = {}) {
    this.config = { ...DEFAULT_SEAL_CONFIG, ...config };
    const c = this.config;
    if (!(c.ngramLength >= 1 && c.beamSize >= 1)) throw new LmiError(`Seal: ngramLength and beamSize must be ≥ 1, got ${c.ngramLength}, ${c.beamSize}`);
    this.docTokens = docTokens.map((d) => d.slice(0, c.maxDocTokens));
    this.index = SuffixArray.build(this.docTokens);
    this.firstTokens = this.index.nextTokens(this.index.all, 0);
    const V = model.config.vocabSize;
    const bad = this.firstTokens.find((t) => t.token >= V);
    if (bad) throw new LmiError(`Seal: corpus token ${bad.token} is outside the model vocabulary (${V}); tokenise with the model's tokenizer`);
  }

  /** Fine-tune the model on n-gram examples with the project Trainer (AdamW, linear decay, clipping). */
  async fit(examples: readonly NgramExample[], callbacks: TrainerCallback[] = []): Promise<{ history: StepInfo[]; steps: number }> {
    if (!examples.length) throw new LmiError('Seal.fit: no training examples');
    const c = this.config;
    const batches = epochBatches(c.seed, examples.length, c.batchSize);
    const stepsPerEpoch = batches.stepsPerEpoch;
    const totalSteps = c.maxSteps > 0 ? Math.min(c.maxSteps, stepsPerEpoch * c.epochs) : stepsPerEpoch * c.epochs;
    const source = (index: number): Seq2SeqBatch => collateNgramExamples(batches.indicesAt(index).map((i) => examples[i]), this.special, c.maxInputLength);
    const trainer = new Trainer<Seq2SeqBatch>(this.model, (b, ctx) => this.model.loss(b, { training: true, rng: ctx.rng }), {
      learningRate: c.learningRate, totalSteps, warmupSteps: Math.min(100, stepsPerEpoch), schedule: 'linear', seed: c.seed,
    }, callbacks);
    try {
      const history = await trainer.fit(source, { steps: totalSteps });
      return { history, steps: trainer.step };
    } finally {
      trainer.dispose();
    }
  }

  /** Constrained beam search: every n-gram the beams hold at any step, per query (see module doc). */
  generate(queries: readonly (readonly number[])[], onBatch?: (done: number, total: number) => void): ScoredNgram[][] {
    const out: ScoredNgram[][] = [];
    for (let s = 0; s < queries.length; s += this.config.queryBatch) {
      out.push(...this.generateBatch(queries.slice(s, s + this.config.queryBatch)));
      onBatch?.(Math.min(s + this.config.queryBatch, queries.length), queries.length);
    }
    return out;
  }

  private generateBatch(queries: readonly (readonly number[])[]): ScoredNgram[][] {
    const { beamSize: B, ngramLength: L } = this.config;
    const Q = queries.length;
    const V = this.model.config.vocabSize;
    const ids = inputMatrix(queries, this.special, this.config.maxInputLength);
    const mask = this.model.paddingMask(ids);
    const enc = this.model.encode(ids, { attentionMask: mask });
    const cache = this.model.startDecoding(enc, mask);
    enc.dispose();
    type Hyp = { tokens: number[]; score: number; range: SaRange };
    let hyps: (Hyp | undefined)[] = queries.map(() => ({ tokens: [], score: 0, range: this.index.all }));
    const found: ScoredNgram[][] = queries.map(() => []);
    try {
      for (let t = 0; t < L; t++) {
        const rows = hyps.length;
        const last = Int32Array.from(hyps, (h) => (t === 0 ? this.model.options.decoderStartTokenId : h ? h.tokens[t - 1] : this.special.padId));
        const { logits, hidden } = this.model.decodeStep(last, cache);
        hidden.dispose();
        const lpT = tf.tidy(() => tf.logSoftmax(logits));
        logits.dispose();
        const lp = lpT.dataSync() as Float32Array;
        lpT.dispose();
        const perRow = t === 0 ? 1 : B;
        const next: (Hyp | undefined)[] = new Array(Q * B).fill(undefined);
        const parents = new Array<number>(Q * B).fill(0);
        let alive = false;
        for (let q = 0; q < Q; q++) {
          // Candidates of query q: (parent row, token, score, range), best B kept.
          const cand: { row: number; token: number; score: number; lo: number; hi: number }[] = [];
          for (let k = 0; k < perRow; k++) {
            const row = q * perRow + k;
            const h = hyps[row];
            if (!h) continue;
            const options = t === 0 ? this.firstTokens : this.index.nextTokens(h.range, t);
            for (const o of options) cand.push({ row, token: o.token, score: h.score + lp[row * V + o.token], lo: o.lo, hi: o.hi });
          }
          cand.sort((a, b) => b.score - a.score || a.row - b.row || a.token - b.token);
          cand.slice(0, B).forEach((c, k) => {
            const h: Hyp = { tokens: [...hyps[c.row]!.tokens, c.token], score: c.score, range: { lo: c.lo, hi: c.hi } };
            next[q * B + k] = h;
            parents[q * B + k] = c.row;
            found[q].push({ tokens: h.tokens, logProb: h.score });
            alive = true;
          });
        }
        if (!alive || t === L - 1) break;
        cache.reorder(parents);
        hyps = next;
      }
    } finally {
      cache.dispose();
    }
    return found;
  }

  /** The `k` best documents per query, best first (a query can return fewer: only documents with a matched n-gram). */
  search(queries: readonly (readonly number[])[], k: number, onBatch?: (done: number, total: number) => void): SealHit[][] {
    return this.generate(queries, onBatch).map((ngrams) => rankSealScores(sealScores(ngrams, this.index, this.config), k));
  }

  dispose(): void {
    this.model.dispose();
  }
}
