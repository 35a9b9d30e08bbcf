/**
 * Index a corpus with one of the classic indexers and save the result as a semantic-ID index folder — the library
 * side of `lmindexer index`. Embeddings: TF-IDF + SVD or GloVe (idf-weighted mean); indexers: HC (hierarchical
 * k-means). The folder (`src/quantize/id-index.ts`) feeds `lmindexer explore` and the downstream tasks.
 */
import type { LmiConfig } from '../config';
import { loadCorpus } from '../data/loaders';
import type { Corpus } from '../data/types';
import { LmiError } from '../errors';
import { type IdIndexManifest, saveIdIndex } from '../quantize/id-index';
import type { IndexerResult } from '../quantize/types';
import { Rng } from '../rng';
import { amiByPrefix, embedCorpus, type EmbeddingKind, indexHc } from './id-quality';

export { EMBEDDING_KINDS, type EmbeddingKind } from './id-quality';

export type ClassicIndexer = 'hc';
export const CLASSIC_INDEXERS: readonly ClassicIndexer[] = ['hc'];

export interface BuildIndexResult {
  corpus: Corpus;
  result: IndexerResult;
  manifest?: IdIndexManifest;
  /** AMI of the first position vs each coarse label key, when the corpus has labels. */
  ami: Record<string, number>;
  seconds: number;
}

/** Load `cfg.data`, embed, index, optionally save to `outDir`. */
export function buildIndex(cfg: LmiConfig, opts: { indexer?: ClassicIndexer; embedding?: EmbeddingKind; outDir?: string } = {}): BuildIndexResult {
  const t0 = Date.now();
  const indexer = opts.indexer ?? 'hc';
  if (!CLASSIC_INDEXERS.includes(indexer)) throw new LmiError(`indexer "${String(indexer)}" unknown; use one of ${CLASSIC_INDEXERS.join(', ')}`);
  const embedding = opts.embedding ?? 'tfidf';
  const rng = new Rng(cfg.seed);
  const corpus = loadCorpus(cfg.data, rng.fork());
  const emb = embedCorpus(corpus, embedding, cfg, rng.fork());
  const result = indexHc(emb, cfg, rng.fork());
  result.meta = { ...result.meta, embedding };
  const keys = corpus.labelKeys.filter((k) => /^level[12]$/.test(k));
  const amiRows = amiByPrefix(corpus, result.ids, keys, 1);
  const ami = Object.fromEntries(keys.map((k) => [k, amiRows[k][0]]));
  const manifest = opts.outDir ? saveIdIndex(opts.outDir, { corpus, result, indexer: `${indexer}-${embedding}`, config: cfg }) : undefined;
  return { corpus, result, manifest, ami, seconds: (Date.now() - t0) / 1000 };
}
