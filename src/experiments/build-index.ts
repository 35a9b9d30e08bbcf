/**
 * Index a corpus with one of the classic indexers and save the result as a semantic-ID index folder — the library
 * side of `lmindexer index`. Embeddings: TF-IDF + SVD or GloVe (idf-weighted mean); indexers: HC (hierarchical
 * k-means). The folder (`src/quantize/id-index.ts`) feeds `lmindexer explore` and the downstream tasks.
 */
import type { LmiConfig } from '../config';
import { loadCorpus } from '../data/loaders';
import type { Corpus } from '../data/types';
import { LmiError } from '../errors';
import { tfidfSvdEmbeddings } from '../embeddings/index';
import { encodeHcState } from '../quantize/hc-state';
import { hcIndexWithTree } from '../quantize/hierarchical';
import { type IdIndexManifest, saveIdIndex } from '../quantize/id-index';
import { DEFAULT_RQVAE, rqVaeIndex, type RqVaeConfig } from '../quantize/rq-vae';
import type { IndexerResult } from '../quantize/types';
import { Rng } from '../rng';
import { amiByPrefix, embedCorpus, type EmbeddingKind } from './id-quality';

export { EMBEDDING_KINDS, type EmbeddingKind } from './id-quality';

export type ClassicIndexer = 'hc' | 'rq-vae';
export const CLASSIC_INDEXERS: readonly ClassicIndexer[] = ['hc', 'rq-vae'];

/** rq-VAE settings matched to the HC ones of `cfg`: T = `hc.depth` codebooks of K = `hc.k` codes (+ collision position). */
export function rqVaeConfigOf(cfg: LmiConfig): RqVaeConfig {
  return { ...DEFAULT_RQVAE, levels: cfg.hc.depth, codebookSize: cfg.hc.k };
}

export interface BuildIndexResult {
  corpus: Corpus;
  result: IndexerResult;
  manifest?: IdIndexManifest;
  /** AMI of the first position vs each coarse label key, when the corpus has labels. */
  ami: Record<string, number>;
  seconds: number;
}

/**
 * Load `cfg.data`, embed, index, optionally save to `outDir`. With HC on TF-IDF the fitted state (TF-IDF + SVD +
 * centroid tree, `src/quantize/hc-state.ts`) is saved too, so `lmindexer add` can place unseen documents.
 */
export function buildIndex(cfg: LmiConfig, opts: { indexer?: ClassicIndexer; embedding?: EmbeddingKind; outDir?: string; corpus?: Corpus } = {}): BuildIndexResult {
  const t0 = Date.now();
  const indexer = opts.indexer ?? 'hc';
  if (!CLASSIC_INDEXERS.includes(indexer)) throw new LmiError(`indexer "${String(indexer)}" unknown; use one of ${CLASSIC_INDEXERS.join(', ')}`);
  const embedding = opts.embedding ?? 'tfidf';
  const rng = new Rng(cfg.seed);
  const loadRng = rng.fork(); // drawn even with opts.corpus, so the later forks are the same either way
  const corpus = opts.corpus ?? loadCorpus(cfg.data, loadRng);
  // Same draws as embedCorpus (embedTfidf is tfidfSvdEmbeddings on cfg.embedding), keeping the fitted models.
  const fitted = embedding === 'tfidf' ? tfidfSvdEmbeddings(corpus.docs.map((d) => d.text), cfg.embedding, rng.fork()) : undefined;
  const emb = fitted ?? embedCorpus(corpus, embedding, cfg, rng.fork());
  let result: IndexerResult;
  let extraFiles: Record<string, string | Uint8Array> | undefined;
  if (indexer === 'hc') {
    const hc = hcIndexWithTree(emb, cfg.hc, cfg.kmeans, rng.fork());
    result = hc.result;
    extraFiles = fitted ? encodeHcState({ embedding: { kind: 'tfidf', tfidf: fitted.tfidf, svd: fitted.svd }, tree: hc.tree }) : undefined;
  } else {
    result = rqVaeIndex(emb, rqVaeConfigOf(cfg), cfg.kmeans, rng.fork());
  }
  result.meta = { ...result.meta, embedding };
  const keys = corpus.labelKeys.filter((k) => /^level[12]$/.test(k));
  const amiRows = amiByPrefix(corpus, result.ids, keys, 1);
  const ami = Object.fromEntries(keys.map((k) => [k, amiRows[k][0]]));
  const manifest = opts.outDir ? saveIdIndex(opts.outDir, { corpus, result, indexer: `${indexer}-${embedding}`, config: cfg, extraFiles }) : undefined;
  return { corpus, result, manifest, ami, seconds: (Date.now() - t0) / 1000 };
}
