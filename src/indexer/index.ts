/** LMIndexer (Sec 3): self-supervised semantic IDs. */
export { LMIndexer, type FitOptions } from './lmindexer';
export { type LMIndexerOptions, DEFAULT_LMINDEXER_RUNTIME, lmIndexerOptions, hintRatioAt } from './options';
export { SemanticEncoder } from './semantic-encoder';
export { Reconstructor, type HintBatch, type ReconstructorShape } from './reconstructor';
export { reconstructionLoss, contrastiveLoss, earlierIdCrossEntropy, commitmentLoss, idCrossEntropy } from './losses';
export { stagePlan, stageName, type Stage, type StageKind } from './progressive';
export { initEmbeddingsFromGlove, wholeWordTokens } from './glove-init';
