/**
 * The fitted centroid tree of the HC indexer (hierarchical.ts), kept so documents the indexer never saw can be placed
 * later (incremental indexing): at each level a new document takes the code of its nearest centroid — cosine when the
 * k-means was spherical, Euclidean otherwise — and descends into that cluster. A cluster that DSI numbered directly
 * (≤ k documents) stores its members' embeddings as its "centroids", so a new document there takes the code of its
 * nearest member; the positions below are 0, as for the members. Who shares the resulting path is settled by the
 * collision position (src/indexer/incremental.ts).
 */
import type { DenseMatrix } from '../embeddings/types';
import { LmiError } from '../errors';

/** One cluster of the tree. */
export interface HcTreeNode {
  /** True for a cluster numbered directly (its rows are its members' embeddings, in code order). */
  direct: boolean;
  /** Row-major rows × dim: k-means centroids (unit rows when spherical) or member embeddings. */
  centroids: Float32Array;
  rows: number;
  /** Node index of each code's sub-cluster, −1 where none (last level, direct clusters, empty clusters). */
  children: number[];
}

/** The whole tree; `nodes[0]` is the root (level 1). */
export interface HcTree {
  k: number;
  depth: number;
  dim: number;
  spherical: boolean;
  nodes: HcTreeNode[];
}

/** The JSON part of a saved tree (the centroid rows go to a binary file, concatenated in node order). */
export interface HcTreeJson {
  format: 'lmi-hc-tree';
  version: 1;
  k: number;
  depth: number;
  dim: number;
  spherical: boolean;
  nodes: { direct: boolean; rows: number; children: number[] }[];
}

/** Index of the row of `table` (rows × dim) nearest to `x`: highest cosine (spherical) or lowest squared distance. */
function nearestRow(x: Float32Array, table: Float32Array, rows: number, dim: number, spherical: boolean): number {
  let best = 0;
  let bestScore = -Infinity;
  let xNorm = 0;
  for (let j = 0; j < dim; j++) xNorm += x[j] * x[j];
  xNorm = Math.sqrt(xNorm) || 1;
  for (let r = 0; r < rows; r++) {
    let dot = 0;
    let cc = 0;
    for (let j = 0; j < dim; j++) {
      const c = table[r * dim + j];
      dot += x[j] * c;
      cc += c * c;
    }
    // spherical: cos = x·c / (‖x‖‖c‖); Euclidean: −‖x − c‖² = 2x·c − ‖c‖² − ‖x‖² (‖x‖² is constant per x).
    const score = spherical ? dot / (xNorm * (Math.sqrt(cc) || 1)) : 2 * dot - cc;
    if (score > bestScore) {
      bestScore = score;
      best = r;
    }
  }
  return best;
}

/** The path (depth codes) of every row of `emb` down the tree. Pure. */
export function placeInTree(tree: HcTree, emb: DenseMatrix): number[][] {
  if (emb.dim !== tree.dim) throw new LmiError(`HC tree: embeddings have ${emb.dim} dimensions, the tree was fitted on ${tree.dim}`);
  if (!tree.nodes.length) throw new LmiError('HC tree: empty tree (no root node)');
  const out: number[][] = [];
  for (let i = 0; i < emb.n; i++) {
    const x = emb.data.subarray(i * emb.dim, (i + 1) * emb.dim);
    const path = new Array<number>(tree.depth).fill(0);
    let node: HcTreeNode | undefined = tree.nodes[0];
    for (let level = 0; level < tree.depth && node; level++) {
      const code = nearestRow(x, node.centroids, node.rows, tree.dim, tree.spherical);
      path[level] = code;
      const child: number = node.direct ? -1 : node.children[code] ?? -1;
      node = child >= 0 ? tree.nodes[child] : undefined;
    }
    out.push(path);
  }
  return out;
}

/** Split a tree into its JSON description and one float32 block of all rows (node order). */
export function encodeHcTree(tree: HcTree): { json: HcTreeJson; rows: Float32Array } {
  const total = tree.nodes.reduce((s, n) => s + n.rows, 0);
  const rows = new Float32Array(total * tree.dim);
  let at = 0;
  for (const n of tree.nodes) {
    rows.set(n.centroids.subarray(0, n.rows * tree.dim), at);
    at += n.rows * tree.dim;
  }
  const json: HcTreeJson = {
    format: 'lmi-hc-tree', version: 1, k: tree.k, depth: tree.depth, dim: tree.dim, spherical: tree.spherical,
    nodes: tree.nodes.map((n) => ({ direct: n.direct, rows: n.rows, children: [...n.children] })),
  };
  return { json, rows };
}

/** Rebuild a tree from {@link encodeHcTree}'s parts; `where` names the files in errors. */
export function decodeHcTree(json: HcTreeJson, rows: Float32Array, where: string): HcTree {
  if (!json || json.format !== 'lmi-hc-tree' || json.version !== 1) throw new LmiError(`${where}: not an HC tree (format "lmi-hc-tree", version 1 expected)`);
  const { dim } = json;
  if (!Array.isArray(json.nodes) || !json.nodes.length || !(Number.isInteger(dim) && dim > 0)) throw new LmiError(`${where}: HC tree has no nodes or a bad dim`);
  const total = json.nodes.reduce((s, n) => s + n.rows, 0);
  if (rows.length !== total * dim) throw new LmiError(`${where}: HC tree needs ${total}×${dim} centroid values, found ${rows.length}; the index is inconsistent, re-create it`);
  let at = 0;
  const nodes = json.nodes.map((n, i) => {
    if (n.children.some((c) => c >= json.nodes.length || (c >= 0 && c <= i))) throw new LmiError(`${where}: HC tree node ${i} has a bad child index`);
    const node: HcTreeNode = { direct: n.direct, rows: n.rows, children: [...n.children], centroids: rows.slice(at, at + n.rows * dim) };
    at += n.rows * dim;
    return node;
  });
  return { k: json.k, depth: json.depth, dim, spherical: json.spherical, nodes };
}
