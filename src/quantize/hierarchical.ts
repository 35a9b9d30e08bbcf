/**
 * The HC indexer (hierarchical clustering, DSI; Tay et al. 2022, the paper's baseline): k-means into k clusters,
 * then k-means again inside every cluster, `depth` levels; a document's ID is its path of cluster indices. A
 * cluster with ≤ k documents gets codes 0..m−1 directly (in corpus order), as DSI does; its documents are then
 * unique and their remaining positions are padded with 0. With `collisionPosition`, a final position numbers the
 * documents sharing a full path (collisions.ts).
 */
import type { HcConfig, KMeansConfig } from '../config';
import type { DenseMatrix } from '../embeddings/types';
import { LmiError } from '../errors';
import type { Rng } from '../rng';
import { finishIds } from './collisions';
import { kmeans, type KMeansOptions } from './kmeans';
import type { IndexerResult } from './types';

/**
 * Hierarchical k-means IDs for the rows of `emb`. Randomness: the level-1 k-means uses `rng.fork()` (the first
 * fork), then every sub-clustering forks `rng` again in depth-first order (cluster 0 first), so the first position
 * equals `kmeans(emb, k, kmeansCfg, rngCopy.fork())`.
 */
export function hcIndex(emb: DenseMatrix, cfg: HcConfig, kmeansCfg: KMeansConfig, rng: Rng, opts: KMeansOptions = {}): IndexerResult {
  const { n, dim } = emb;
  if (!Number.isInteger(cfg.k) || cfg.k < 2) throw new LmiError(`hc: k must be an integer ≥ 2, got ${cfg.k}`);
  if (!Number.isInteger(cfg.depth) || cfg.depth < 1) throw new LmiError(`hc: depth must be an integer ≥ 1, got ${cfg.depth}`);
  if (n < 1) throw new LmiError('hc: no documents to index');
  const t0 = performance.now();
  const paths: number[][] = Array.from({ length: n }, () => new Array<number>(cfg.depth).fill(0));
  let kmeansCalls = 0;
  let directClusters = 0;

  const split = (members: Int32Array, level: number): void => {
    if (members.length <= cfg.k) {
      // DSI: a small cluster numbers its documents directly.
      members.forEach((doc, j) => (paths[doc][level] = j));
      directClusters++;
      return;
    }
    const sub = new Float32Array(members.length * dim);
    members.forEach((doc, j) => sub.set(emb.data.subarray(doc * dim, (doc + 1) * dim), j * dim));
    const { assignments } = kmeans({ data: sub, n: members.length, dim }, cfg.k, kmeansCfg, rng.fork(), opts);
    kmeansCalls++;
    members.forEach((doc, j) => (paths[doc][level] = assignments[j]));
    if (level + 1 === cfg.depth) return;
    const byCluster: number[][] = Array.from({ length: cfg.k }, () => []);
    members.forEach((doc, j) => byCluster[assignments[j]].push(doc));
    for (const group of byCluster) if (group.length > 0) split(Int32Array.from(group), level + 1);
  };
  split(Int32Array.from({ length: n }, (_, i) => i), 0);

  const { ids, codebookSizes, collisionsBefore: before } = finishIds(paths, cfg.k, cfg.collisionPosition);
  return {
    ids,
    codebookSizes,
    meta: {
      method: 'hc',
      k: cfg.k,
      depth: cfg.depth,
      collisionPosition: cfg.collisionPosition,
      kmeans: { ...kmeansCfg },
      kmeansCalls,
      directClusters,
      distinctPaths: before.distinct,
      collidingDocs: before.collidingDocs,
      maxCollisionGroup: before.maxGroup,
      seconds: (performance.now() - t0) / 1000,
    },
  };
}
