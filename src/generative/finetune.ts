/**
 * Generative fine-tuning (paper Eq. 14): maximise log P(c_1 … c_T | q) of the target's semantic ID given the input
 * text q, with the ID codes as decoder target tokens ({@link IdVocab}). The "indexing" task (document text → its own
 * ID, DSI-style) is just more examples of the same form — see {@link indexingExamples}; mix them in the example list.
 * Decoding: {@link generateIds} runs the constrained beam search over a trie of valid IDs with {@link T5IdDecoder}.
 *
 * Data order is a pure function of (seed, micro-batch number), so `resume` from a Trainer checkpoint is exact.
 */
import { LmiError } from '../errors';
import type { IdMatrix, Seq2SeqBatch, T5 } from '../model/t5';
import { epochBatches, epochTimer } from '../train/epochs';
import { t5ReplicaTask } from '../train/parallel/t5-replica';
import { type StepInfo, Trainer, type TrainerCallback, type TrainerOptions } from '../train/trainer';
import { type BeamHit, constrainedBeamSearch } from './beam-search';
import type { IdVocab } from './id-tokens';
import { T5IdDecoder, type T5IdDecoderOptions } from './t5-decoder';
import type { IdTrie } from './trie';

/** One training pair: input tokens (text and/or ID tokens, no EOS) → the target's ID codes. */
export interface IdExample {
  input: readonly number[];
  id: readonly number[];
}

/** Special tokens the collation needs. */
export interface SpecialTokens {
  padId: number;
  eosId: number;
}

/** Options of {@link finetuneIds} (Trainer options pass through). */
export interface FinetuneOptions extends Partial<TrainerOptions> {
  epochs: number;
  batchSize: number;
  /** Input tokens kept per example (EOS added after). */
  maxInputLength: number;
  callbacks?: TrainerCallback[];
  /** Continue from the newest checkpoint in `checkpointDir`. */
  resume?: boolean;
}

export const DEFAULT_FINETUNE_OPTIONS = { epochs: 1, batchSize: 32, maxInputLength: 64, learningRate: 1e-3 };

/** What {@link finetuneIds} returns. */
export interface FinetuneResult {
  history: StepInfo[];
  steps: number;
  stepsPerEpoch: number;
  msPerEpoch: number[];
  resumedFrom?: string;
}

/** Pad a batch: inputs truncated to `maxInputLength`, EOS appended, padded with `padId`; labels = ID tokens. */
export function collateIdExamples(examples: readonly IdExample[], vocab: IdVocab, special: SpecialTokens, maxInputLength: number): Seq2SeqBatch {
  if (!examples.length) throw new LmiError('collateIdExamples: empty batch');
  const inputs = examples.map((e) => [...e.input.slice(0, maxInputLength), special.eosId]);
  const L = Math.max(...inputs.map((x) => x.length));
  return {
    inputIds: inputs.map((x) => [...x, ...new Array<number>(L - x.length).fill(special.padId)]),
    labels: examples.map((e) => vocab.tokens(e.id)),
  };
}

/** Padded input matrix for encoding (same truncation and EOS as training). */
export function inputMatrix(inputs: readonly (readonly number[])[], special: SpecialTokens, maxInputLength: number): IdMatrix {
  const rows = inputs.map((x) => [...x.slice(0, maxInputLength), special.eosId]);
  const cols = Math.max(...rows.map((r) => r.length));
  const data = new Int32Array(rows.length * cols).fill(special.padId);
  rows.forEach((r, i) => data.set(r, i * cols));
  return { data, rows: rows.length, cols };
}

/** The indexing task: each document's tokens → its own ID (`ids[i]` is the ID of `docTokens[i]`). */
export function indexingExamples(docTokens: readonly (readonly number[])[], ids: readonly (readonly number[])[]): IdExample[] {
  if (docTokens.length !== ids.length) throw new LmiError(`indexingExamples: ${docTokens.length} documents but ${ids.length} IDs`);
  return docTokens.map((input, i) => ({ input, id: ids[i] }));
}

/**
 * Fine-tune `model` (which must hold the ID tokens, see `withIdTokens`) on `examples` with the Trainer: AdamW, the
 * options' schedule (default linear decay over all steps), clipping, optional checkpoints/resume.
 */
export async function finetuneIds(
  model: T5, vocab: IdVocab, examples: readonly IdExample[], special: SpecialTokens, options: Partial<FinetuneOptions> = {},
): Promise<FinetuneResult> {
  const o = { ...DEFAULT_FINETUNE_OPTIONS, ...options };
  if (model.config.vocabSize !== vocab.totalVocab) throw new LmiError(`finetuneIds: model vocabulary ${model.config.vocabSize} ≠ IdVocab total ${vocab.totalVocab}; use withIdTokens first`);
  if (!examples.length) throw new LmiError('finetuneIds: no training examples');
  const seed = o.seed ?? 0;
  const batches = epochBatches(seed, examples.length, o.batchSize, o.gradAccumSteps ?? 1);
  const stepsPerEpoch = batches.stepsPerEpoch;
  const totalSteps = o.totalSteps && o.totalSteps > 0 ? o.totalSteps : stepsPerEpoch * o.epochs;
  const source = (index: number): Seq2SeqBatch => {
    const batch = batches.indicesAt(index).map((i) => examples[i]);
    return collateIdExamples(batch, vocab, special, o.maxInputLength);
  };
  const timer = epochTimer(stepsPerEpoch);
  const { epochs: _e, batchSize: _b, maxInputLength: _m, callbacks, resume, totalSteps: _t, ...trainerOpts } = o;
  const trainer = new Trainer<Seq2SeqBatch>(
    model, (batch, ctx) => model.loss(batch, { training: true, rng: ctx.rng }),
    // replicaTask: `workers` > 1 trains data-parallel replicas of the same T5 (the loss is the plain seq2seq loss).
    { totalSteps, replicaTask: t5ReplicaTask(model), ...trainerOpts }, [timer, ...(callbacks ?? [])],
  );
  try {
    const resumedFrom = resume && o.checkpointDir ? trainer.resume(o.checkpointDir) : undefined;
    timer.restart();
    const history = await trainer.fit(source, { steps: totalSteps });
    return { history, steps: trainer.step, stepsPerEpoch, msPerEpoch: timer.msPerEpoch, resumedFrom };
  } finally {
    trainer.dispose();
  }
}

/** Options of {@link generateIds}. */
export interface GenerateOptions extends T5IdDecoderOptions {
  /** Beam width (paper: 20). Default 20. */
  beamSize?: number;
  /** IDs returned per query (≤ beamSize). Default beamSize. */
  topK?: number;
  /** Queries encoded and searched together. Default 32. */
  queryBatch?: number;
  /** Input tokens kept per query. Default 64. */
  maxInputLength?: number;
  /** Called after each query batch with (queries done, total). */
  onBatch?: (done: number, total: number) => void;
}

/**
 * Constrained beam search for every input: the best `topK` valid IDs of `trie` per input, best first. `trie` may
 * be a function giving each input's own trie (e.g. without the items a user already has).
 */
export async function generateIds(
  model: T5, vocab: IdVocab, inputs: readonly (readonly number[])[], trie: IdTrie | ((query: number) => IdTrie),
  special: SpecialTokens, options: GenerateOptions = {},
): Promise<BeamHit[][]> {
  const beamSize = options.beamSize ?? 20;
  const qb = options.queryBatch ?? 32;
  const maxLen = options.maxInputLength ?? 64;
  const first = typeof trie === 'function' ? trie(0) : trie;
  if (first.codebookSize !== vocab.maxCodebookSize) {
    throw new LmiError(`generateIds: trie codebookSize ${first.codebookSize} ≠ largest ID codebook ${vocab.maxCodebookSize}; build the trie with { codebookSize: vocab.maxCodebookSize }`);
  }
  const decoder = new T5IdDecoder(model, vocab, options);
  const out: BeamHit[][] = [];
  try {
    for (let s = 0; s < inputs.length; s += qb) {
      const chunk = inputs.slice(s, s + qb);
      const start = decoder.start(inputMatrix(chunk, special, maxLen));
      const tries = typeof trie === 'function' ? chunk.map((_, i) => trie(s + i)) : trie;
      out.push(...(await constrainedBeamSearch(decoder, start, tries, { beamSize, topK: options.topK ?? beamSize })));
      options.onBatch?.(Math.min(s + qb, inputs.length), inputs.length);
    }
  } finally {
    decoder.release();
  }
  return out;
}

/** A string key of an ID (for maps from ID to documents). */
export function idKey(id: readonly number[]): string {
  return id.join(',');
}

/** ID key → document indices holding that ID (several when IDs collide). */
export function docsById(ids: readonly (readonly number[])[]): Map<string, number[]> {
  const m = new Map<string, number[]>();
  ids.forEach((id, i) => {
    const k = idKey(id);
    const xs = m.get(k);
    if (xs) xs.push(i);
    else m.set(k, [i]);
  });
  return m;
}

/** Turn beam hits into ranked document indices (a colliding ID expands to its documents in index order). */
export function rankedDocs(hits: readonly BeamHit[], byId: ReadonlyMap<string, readonly number[]>): number[] {
  const out: number[] = [];
  for (const h of hits) out.push(...(byId.get(idKey(h.id)) ?? []));
  return out;
}
