/** Category-path labels shared by the product loaders. */

/** Label for a level an item does not have (e.g. items whose metadata lists no category). */
export const NO_LABEL = '(none)';

/** Category labels of one item: `level1` = first category, `level2` = first two joined by ` > `, `path` = all. */
export interface PathLabels {
  level1: string;
  level2: string;
  path: string;
  [key: string]: string;
}

/**
 * Labels from a category path below the department root, coarsest first. `level2` is the two-level prefix
 * (`Fasteners > Staples`) so that equal sub-category names under different parents stay distinct; an item with one
 * level gets `level2 = "<level1> > (none)"`, an item with none gets `(none)` everywhere.
 */
export function pathLabels(parts: string[]): PathLabels {
  const p = parts.map((s) => s.trim()).filter((s) => s !== '');
  if (p.length === 0) return { level1: NO_LABEL, level2: NO_LABEL, path: NO_LABEL };
  return { level1: p[0], level2: `${p[0]} > ${p[1] ?? NO_LABEL}`, path: p.join(' > ') };
}

/** Label keys of {@link pathLabels}, coarsest first. */
export const PATH_LABEL_KEYS = ['level1', 'level2', 'path'];
