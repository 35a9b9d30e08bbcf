/** The return shape shared by every indexer (HC, RQ-VAE, LMIndexer): discrete IDs, one code per position. */

/** Semantic IDs of a corpus. */
export interface IndexerResult {
  /** ids[doc][position]: the code of each document at each ID position (all rows have the same length). */
  ids: number[][];
  /** Codebook size per position (every code at position t is < codebookSizes[t]). */
  codebookSizes: number[];
  /** Method, settings, timings and diagnostics for reports (JSON-serialisable). */
  meta: Record<string, unknown>;
}
