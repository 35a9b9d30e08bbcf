/**
 * The collision position (paper, Sec. 3: "a final position ... to distinguish documents" that share the same
 * semantic ID): documents with the same prefix are numbered 0, 1, 2, … in corpus order, so full IDs are unique.
 */

/** IDs with one more position numbering the documents that share a prefix; `size` = the largest group (≥ 1). */
export function appendCollisionPosition(ids: readonly number[][]): { ids: number[][]; size: number } {
  const seen = new Map<string, number>();
  let size = 1;
  const out = ids.map((id) => {
    const key = id.join(',');
    const next = seen.get(key) ?? 0;
    seen.set(key, next + 1);
    size = Math.max(size, next + 1);
    return [...id, next];
  });
  return { ids: out, size };
}

/** How unique a set of IDs is: distinct IDs, documents sharing their ID with another, largest group. */
export function collisionStats(ids: readonly number[][]): { distinct: number; collidingDocs: number; maxGroup: number } {
  const groups = new Map<string, number>();
  for (const id of ids) {
    const key = id.join(',');
    groups.set(key, (groups.get(key) ?? 0) + 1);
  }
  let collidingDocs = 0;
  let maxGroup = 0;
  for (const g of groups.values()) {
    if (g > 1) collidingDocs += g;
    maxGroup = Math.max(maxGroup, g);
  }
  return { distinct: groups.size, collidingDocs, maxGroup };
}

/**
 * Finish an indexer's codes: `paths` (doc × T) with `codebookSize` codes per position, plus the collision position
 * when `collisionPosition` is on. Returns the IDs, the codebook size of every position and the collisions before
 * the extra position (for the diagnostics).
 */
export function finishIds(paths: number[][], codebookSize: number, collisionPosition: boolean): {
  ids: number[][];
  codebookSizes: number[];
  collisionsBefore: ReturnType<typeof collisionStats>;
} {
  const collisionsBefore = collisionStats(paths);
  const codebookSizes = new Array<number>(paths[0]?.length ?? 0).fill(codebookSize);
  if (!collisionPosition) return { ids: paths, codebookSizes, collisionsBefore };
  const c = appendCollisionPosition(paths);
  return { ids: c.ids, codebookSizes: [...codebookSizes, c.size], collisionsBefore };
}
