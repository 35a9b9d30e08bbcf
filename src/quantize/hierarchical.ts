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
import type { HcTree, HcTreeNode } from './hc-tree';
import type { IndexerResult } from './types';

/**
 * Hierarchical k-means IDs for the rows of `emb`. Randomness: the level-1 k-means uses `rng.fork()` (the first
 * fork), then every sub-clustering forks `rng` again in depth-first order (cluster 0 first), so the first position
 * equals `kmeans(emb, k, kmeansCfg, rngCopy.fork())`.
 */
export function hcIndex(emb: DenseMatrix, cfg: HcConfig, kmeansCfg: KMeansConfig, rng: Rng, opts: KMeansOptions = {}): IndexerResult {
  return hcIndexWithTree(emb, cfg, kmeansCfg, rng, opts).result;
}

/**
 * {@link hcIndex} plus the fitted centroid tree (hc-tree.ts), so unseen documents can later be placed by nearest
 * centroid per level. Same IDs and randomness as `hcIndex`.
 */
export function hcIndexWithTree(emb: DenseMatrix, cfg: HcConfig, kmeansCfg: KMeansConfig, rng: Rng, opts: KMeansOptions = {}): { result: IndexerResult; tree: HcTree } {
  const { n, dim } = emb;
  if (!Number.isInteger(cfg.k) || cfg.k < 2) throw new LmiError(`hc: k must be an integer ≥ 2, got ${cfg.k}`);
  if (!Number.isInteger(cfg.depth) || cfg.depth < 1) throw new LmiError(`hc: depth must be an integer ≥ 1, got ${cfg.depth}`);
  if (n < 1) throw new LmiError('hc: no documents to index');
  const t0 = performance.now();
  const paths: number[][] = Array.from({ length: n }, () => new Array<number>(cfg.depth).fill(0));
  let kmeansCalls = 0;
  let directClusters = 0;
  const nodes: HcTreeNode[] = [];

  /** Returns the index of the tree node made for this cluster. */
  const split = (members: Int32Array, level: number): number => {
    const sub = new Float32Array(members.length * dim);
    members.forEach((doc, j) => sub.set(emb.data.subarray(doc * dim, (doc + 1) * dim), j * dim));
    const node: HcTreeNode = { direct: false, centroids: sub, rows: members.length, children: [] };
    nodes.push(node);
    const at = nodes.length - 1;
    if (members.length <= cfg.k) {
      // DSI: a small cluster numbers its documents directly (the tree keeps their embeddings as its "centroids").
      members.forEach((doc, j) => (paths[doc][level] = j));
      node.direct = true;
      directClusters++;
      return at;
    }
    const { assignments, centroids } = kmeans({ data: sub, n: members.length, dim }, cfg.k, kmeansCfg, rng.fork(), opts);
    kmeansCalls++;
    Object.assign(node, { centroids, rows: cfg.k, children: new Array<number>(cfg.k).fill(-1) });
    members.forEach((doc, j) => (paths[doc][level] = assignments[j]));
    if (level + 1 === cfg.depth) return at;
    const byCluster: number[][] = Array.from({ length: cfg.k }, () => []);
    members.forEach((doc, j) => byCluster[assignments[j]].push(doc));
    byCluster.forEach((group, c) => { if (group.length > 0) node.children[c] = split(Int32Array.from(group), level + 1); });
    return at;
  };
  split(Int32Array.from({ length: n }, (_, i) => i), 0);

  const { ids, codebookSizes, collisionsBefore: before } = finishIds(paths, cfg.k, cfg.collisionPosition);
  const tree: HcTree = { k: cfg.k, depth: cfg.depth, dim, spherical: kmeansCfg.spherical, nodes };
  const result: IndexerResult = {
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
  return { result, tree };
}
