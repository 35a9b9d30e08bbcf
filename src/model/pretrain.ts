/**
 * The pretraining stage: T5 span corruption on the corpus, the stand-in for "start from pretrained T5" when no
 * weights can be downloaded (DESIGN.md). `lmindexer pretrain` wires it to the CLI; checkpoints and resume come from
 * the Trainer. Data order and corruption are pure functions of (seed, micro-batch number), so resume is exact.
 */
import { LmiError } from '../errors';
import { Rng } from '../rng';
import type { Tokenizer } from '../text/tokenizer';
import { epochBatches, epochTimer } from '../train/epochs';
import { type StepInfo, Trainer, type TrainerCallback, type TrainerOptions } from '../train/trainer';
import { t5ReplicaTask } from '../train/parallel/t5-replica';
import { type SpanCorruptionExample, spanCorruption } from '../text/masking';
import { IGNORE_INDEX, type Seq2SeqBatch, type T5 } from './t5';

export interface PretrainOptions extends Partial<TrainerOptions> {
  epochs: number;
  batchSize: number;
  /** Source tokens kept per document (before corruption; sentinels and EOS are added). */
  maxInputLength: number;
  noiseDensity: number;
  meanSpanLength: number;
  /** Replace the built-in corruption (e.g. the `src/text` masker). */
  corrupt?: (ids: readonly number[], rng: Rng) => SpanCorruptionExample;
  callbacks?: TrainerCallback[];
  /** Continue from the newest checkpoint in `checkpointDir` if there is one. */
  resume?: boolean;
}

export const DEFAULT_PRETRAIN_OPTIONS = { epochs: 1, batchSize: 32, maxInputLength: 64, noiseDensity: 0.15, meanSpanLength: 3 };

export interface PretrainResult {
  history: StepInfo[];
  /** Optimizer steps done in total (including any before a resume). */
  steps: number;
  stepsPerEpoch: number;
  /** Wall-clock ms of each epoch completed in this call. */
  msPerEpoch: number[];
  /** Checkpoint resumed from, if any. */
  resumedFrom?: string;
}

/** Pad examples into a batch: inputs with `padId`, labels with IGNORE_INDEX. */
export function collateSpanCorruption(examples: SpanCorruptionExample[], padId: number): Seq2SeqBatch {
  const li = Math.max(...examples.map((e) => e.inputs.length));
  const lt = Math.max(...examples.map((e) => e.targets.length));
  return {
    inputIds: examples.map((e) => [...e.inputs, ...new Array<number>(li - e.inputs.length).fill(padId)]),
    labels: examples.map((e) => [...e.targets, ...new Array<number>(lt - e.targets.length).fill(IGNORE_INDEX)]),
  };
}

/** Span-corruption pretraining of `model` on encoded documents (ids without special tokens). */
export async function pretrain(
  model: T5, sequences: readonly (readonly number[])[], tokenizer: Pick<Tokenizer, 'padId' | 'eosId' | 'sentinelIds'>,
  options: Partial<PretrainOptions> = {},
): Promise<PretrainResult> {
  const o = { ...DEFAULT_PRETRAIN_OPTIONS, ...options };
  const docs = sequences.filter((s) => s.length > 0);
  if (!docs.length) throw new LmiError('pretrain: no non-empty sequences to train on');
  const seed = o.seed ?? 0;
  const batches = epochBatches(seed, docs.length, o.batchSize, o.gradAccumSteps ?? 1);
  const stepsPerEpoch = batches.stepsPerEpoch;
  const totalSteps = stepsPerEpoch * o.epochs;
  const corrupt = o.corrupt ?? ((ids: readonly number[], rng: Rng) =>
    spanCorruption(ids, tokenizer, rng, { noiseDensity: o.noiseDensity, meanSpanLength: o.meanSpanLength }));
  const source = (index: number): Seq2SeqBatch => {
    const rng = new Rng((seed ^ Math.imul(index + 1, 0x27d4eb2d)) >>> 0);
    const examples = batches.indicesAt(index).map((d) => corrupt(docs[d].slice(0, o.maxInputLength), rng));
    return collateSpanCorruption(examples, tokenizer.padId);
  };
  const timer = epochTimer(stepsPerEpoch);
  const { epochs: _e, batchSize: _b, maxInputLength: _m, noiseDensity: _n, meanSpanLength: _s, corrupt: _c, callbacks, resume, ...trainerOpts } = o;
  const trainer = new Trainer<Seq2SeqBatch>(
    model, (batch, ctx) => model.loss(batch, { training: true, rng: ctx.rng }),
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
