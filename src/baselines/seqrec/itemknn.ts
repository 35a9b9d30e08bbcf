/**
 * ItemKNN: cosine similarity between item columns of the binary user × item matrix of the training sequences,
 * sim(i, j) = |U_i ∩ U_j| / sqrt(|U_i| |U_j|) (i ≠ j); score(candidate) = Σ over distinct history items h of
 * sim(h, candidate). Options keep only each item's top-N neighbours and only the most recent history items.
 */
import { LmiError } from '../../errors';
import type { SeqRecommender } from './protocol';
import { SparseRows } from './sparse-rows';

/** Options for {@link ItemKNN}. */
export interface ItemKnnOptions {
  /** Keep each item's `neighbours` most similar items (0 = all co-occurring items; default 0). */
  neighbours: number;
  /** Use only the last `historyWindow` distinct history items (0 = all; default 0). */
  historyWindow: number;
}

/** Defaults for {@link ItemKnnOptions}. */
export const ITEMKNN_DEFAULTS: ItemKnnOptions = { neighbours: 0, historyWindow: 0 };

/** The item-based nearest-neighbour baseline. */
export class ItemKNN implements SeqRecommender {
  readonly name: string;
  readonly options: ItemKnnOptions;
  private sims = SparseRows.fromMaps([]);
  private numItems = 0;

  constructor(options: Partial<ItemKnnOptions> = {}) {
    this.options = { ...ITEMKNN_DEFAULTS, ...options };
    for (const f of ['neighbours', 'historyWindow'] as const) {
      const v = this.options[f];
      if (!Number.isInteger(v) || v < 0) throw new LmiError(`ItemKNN: option "${f}" must be an integer ≥ 0, got ${v}`);
    }
    const { neighbours: nb, historyWindow: hw } = this.options;
    this.name = `ItemKNN${nb > 0 ? `(N=${nb})` : ''}${hw > 0 ? `(last ${hw})` : ''}`;
  }

  fit(train: readonly Int32Array[], numItems: number): void {
    this.numItems = numItems;
    // Distinct items per user, then users per item (CSR).
    const userItems = train.map((s) => Int32Array.from(new Set(s)));
    const deg = new Int32Array(numItems);
    for (const items of userItems) for (const i of items) deg[i]++;
    const off = new Int32Array(numItems + 1);
    for (let i = 0; i < numItems; i++) off[i + 1] = off[i] + deg[i];
    const itemUsers = new Int32Array(off[numItems]);
    const fill = off.slice(0, numItems);
    userItems.forEach((items, u) => {
      for (const i of items) itemUsers[fill[i]++] = u;
    });
    const co = new Float64Array(numItems);
    const touched: number[] = [];
    const rows: Map<number, number>[] = [];
    for (let i = 0; i < numItems; i++) {
      for (let p = off[i]; p < off[i + 1]; p++) {
        for (const j of userItems[itemUsers[p]]) {
          if (j === i) continue;
          if (co[j] === 0) touched.push(j);
          co[j]++;
        }
      }
      let entries = touched.map((j): [number, number] => [j, co[j] / Math.sqrt(deg[i] * deg[j])]);
      if (this.options.neighbours > 0 && entries.length > this.options.neighbours) {
        entries.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
        entries = entries.slice(0, this.options.neighbours);
      }
      rows.push(new Map(entries));
      for (const j of touched) co[j] = 0;
      touched.length = 0;
    }
    this.sims = SparseRows.fromMaps(rows);
  }

  /** Cosine similarity of items i and j as fitted (0 when pruned or never co-occurring). */
  similarity(i: number, j: number): number {
    return this.sims.get(i, j);
  }

  scoreAll(history: Int32Array): Float32Array {
    const scores = new Float32Array(this.numItems);
    const used = new Set<number>();
    const hw = this.options.historyWindow;
    for (let t = history.length - 1; t >= 0 && (hw === 0 || used.size < hw); t--) {
      const h = history[t];
      if (used.has(h)) continue;
      used.add(h);
      this.sims.addRowTo(h, scores);
    }
    return scores;
  }
}
