/** Text → dense document embeddings: TF-IDF followed by a randomised truncated SVD (LSA). */
import type { EmbeddingConfig } from '../config';
import type { Rng } from '../rng';
import { randomizedSvd, type SvdResult } from './svd';
import { defaultTermTokenizer, fitTfidf, type TermTokenizer, type TfidfModel } from './tfidf';
import type { DenseMatrix } from './types';

export type { CsrMatrix, DenseMatrix } from './types';
export { defaultTermTokenizer, fitTfidf, TfidfModel, type TermTokenizer } from './tfidf';
export { projectSvd, randomizedSvd, type SvdOptions, type SvdResult } from './svd';

/** Embeddings plus the fitted pieces (to embed queries: `projectSvd(svd, tfidf.transform(qs))`). */
export interface TfidfSvdEmbeddings extends DenseMatrix {
  tfidf: TfidfModel;
  svd: SvdResult;
}

/** Fit TF-IDF on `texts`, reduce to `cfg.svdDim` dimensions by randomised SVD; rows are U·Σ (float32, n × svdDim). */
export function tfidfSvdEmbeddings(
  texts: readonly string[],
  cfg: EmbeddingConfig,
  rng: Rng,
  tokenize: TermTokenizer = defaultTermTokenizer,
): TfidfSvdEmbeddings {
  const tfidf = fitTfidf(texts, cfg, tokenize);
  const svd = randomizedSvd(tfidf.transform(texts), cfg.svdDim, cfg.svdIters, rng);
  return { ...svd.embeddings, tfidf, svd };
}
