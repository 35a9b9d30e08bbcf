/**
 * What an LMIndexer run will cost before it starts (`lmindexer plan`): parameter counts of the semantic encoder (T5
 * with the ID tokens appended to its vocabulary), the reconstructor and the codebooks; a memory estimate for one
 * training step (weights + gradients + AdamW moments + activations of the batch); and the optimizer steps of every
 * stage for a corpus size. Counts come from the same shapes the model builds (`T5.parameterShapes`); the
 * reconstructor's are mirrored here and pinned to a real instance by test/cli/add-plan.test.ts.
 *
 * Activation memory is a rough upper bound: float32, no activation checkpointing, no mixed precision, framework
 * workspace not included; every intermediate of the forward pass is counted as kept for the backward pass.
 */
import type { LmiConfig, ModelConfig } from '../config';
import { T5 } from '../model/t5';
import { batchesPerEpoch } from './batches';
import { type LMIndexerOptions, lmIndexerOptions } from './options';
import { stageName, stagePlan } from './progressive';

/** Parameters of a T5 of these shapes (HF layout; tied embeddings share `shared.weight`). */
export function t5ParamCount(model: ModelConfig, vocabSize: number): number {
  let n = 0;
  for (const shape of T5.parameterShapes({ ...model, vocabSize }).values()) n += shape.reduce((a, b) => a * b, 1);
  return n;
}

/** Parameters of the reconstructor (reconstructor.ts): position table, `layers` cross-attention + FFN blocks, final norm. */
export function reconstructorParamCount(model: ModelConfig, layers: number, maxLength: number): number {
  const d = model.dModel;
  const inner = model.numHeads * model.dKv;
  const perLayer = 3 * d * inner + inner * d + 3 * d + 2 * d * model.dFf;
  return maxLength * d + layers * perLayer + d;
}

export interface ParamBreakdown {
  /** Text vocabulary assumed (the tokenizer's target size when `model.vocabSize` is 0). */
  textVocab: number;
  /** The T5 alone with the text vocabulary (compare with the published size of the backbone). */
  backbone: number;
  /** The semantic encoder: the T5 with T·K ID-token rows added to `shared.weight`. */
  encoder: number;
  reconstructor: number;
  codebooks: number;
  total: number;
}

export function paramBreakdown(cfg: LmiConfig, o: LMIndexerOptions = lmIndexerOptions(cfg)): ParamBreakdown {
  const textVocab = cfg.model.vocabSize > 0 ? cfg.model.vocabSize : cfg.tokenizer.vocabSize;
  const backbone = t5ParamCount(cfg.model, textVocab);
  const encoder = t5ParamCount(cfg.model, textVocab + o.idLength * o.codebookSize);
  const reconstructor = reconstructorParamCount(cfg.model, o.reconstructorLayers, o.maxLength);
  const codebooks = o.idLength * o.codebookSize * cfg.model.dModel;
  return { textVocab, backbone, encoder, reconstructor, codebooks, total: encoder + reconstructor + codebooks };
}

export interface MemoryEstimate {
  /** Bytes of float32 weights, gradients and the two AdamW moments (16 bytes per parameter). */
  weights: number;
  gradients: number;
  adamw: number;
  /** Bytes of activations kept for the backward pass of one joint-stage step at the last position (the largest). */
  activations: number;
  total: number;
  /** Batch the activations are for. */
  batch: number;
}

/** Memory of one training step with `batch` documents (defaults to the configured batch size). */
export function memoryEstimate(cfg: LmiConfig, batch?: number, o: LMIndexerOptions = lmIndexerOptions(cfg)): MemoryEstimate {
  const p = paramBreakdown(cfg, o);
  const m = cfg.model;
  const B = batch ?? o.batchSize;
  const L = o.maxLength;
  const d = m.dModel;
  const inner = m.numHeads * m.dKv;
  const H = m.numHeads;
  const T = o.idLength;
  const Ld = T; // decoder tokens at the last position: start + T−1 earlier IDs
  const ffn = m.feedForwardProj === 'gated-gelu' ? 3 * m.dFf : 2 * m.dFf;
  // Floats kept per token and layer: norms, projections, attention scores + probabilities, FFN hidden + activation.
  const encoderLayer = B * L * (5 * d + 4 * inner + 2 * H * L + ffn);
  const decoderLayer = B * Ld * (8 * d + 6 * inner + 2 * H * Ld + 2 * H * L + ffn) + B * L * 2 * inner; // + cross K/V
  const S = T; // ID representations summed by the reconstructor at the last position
  const reconLayer = B * S * L * (4 * d + 2 * inner + 2 * H * L + 2 * m.dFf) + B * L * (d + 2 * inner);
  const targets = Math.ceil((1 - Math.min(...o.hintRatios)) * L); // masked tokens predicted per document
  const logits = 2 * B * targets * p.textVocab; // logits + softmax over the text vocabulary
  const embeddings = 2 * B * L * d;
  const floats = m.numLayers * encoderLayer + m.numDecoderLayers * decoderLayer + o.reconstructorLayers * reconLayer + logits + embeddings;
  const weights = 4 * p.total;
  const activations = 4 * floats;
  return { weights, gradients: weights, adamw: 2 * weights, activations, total: 4 * weights + activations, batch: B };
}

export interface StageSteps {
  name: string;
  epochs: number;
  steps: number;
}

/** Optimizer steps of every training stage for a corpus of `numDocs` documents (non-training stages omitted). */
export function stageSteps(numDocs: number, o: LMIndexerOptions): StageSteps[] {
  const perEpoch = batchesPerEpoch(numDocs, o.batchSize);
  return stagePlan(o)
    .map((s, i) => ({ name: stageName(s, i), epochs: s.epochs, steps: s.epochs * perEpoch }))
    .filter((s) => s.epochs > 0);
}

/** Human-readable bytes (GiB/MiB). */
export function formatBytes(n: number): string {
  if (n >= 2 ** 30) return `${(n / 2 ** 30).toFixed(2)} GiB`;
  return `${(n / 2 ** 20).toFixed(1)} MiB`;
}
