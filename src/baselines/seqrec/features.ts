/**
 * Item side features for feature-aware recommenders (FDSA, Zhang et al. 2019): the S3Rec item → attribute lists
 * (brand + category names) in `amazon/attributes/*_item2attributes.json`. Item keys there are S3Rec item ids, the
 * ids of `amazon/s3rec/*.txt` (= the interaction item ids), so they align with `SeqRecData.items`.
 */
import * as fs from 'node:fs';
import { LmiError } from '../../errors';
import { requireDataFile } from '../../data/paths';

/** The three Amazon sets that have attribute files. */
export type AttributeSet = 'beauty' | 'sports' | 'toys';

/** Attribute files, relative to the data folder. */
export const ATTRIBUTE_FILES: Record<AttributeSet, string> = {
  beauty: 'amazon/attributes/Beauty_item2attributes.json',
  sports: 'amazon/attributes/Sports_and_Outdoors_item2attributes.json',
  toys: 'amazon/attributes/Toys_and_Games_item2attributes.json',
};

/** Item features as a ragged table over item indices (CSR): item i has `ids[offsets[i] .. offsets[i+1])`. */
export interface ItemFeatures {
  /** Number of distinct feature ids (features are 0..numFeatures-1). */
  numFeatures: number;
  offsets: Int32Array;
  ids: Int32Array;
}

/** Raw item id → attribute id list, from one `*_item2attributes.json` file (checked). */
export function readItemAttributes(file: string): Map<string, number[]> {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new LmiError(`${file}: cannot read item attributes as JSON (${(e as Error).message}); expected {"<item id>": [<attribute id>, ...], ...}`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new LmiError(`${file}: expected a JSON object {"<item id>": [<attribute id>, ...]}`);
  const out = new Map<string, number[]>();
  for (const [item, list] of Object.entries(raw as Record<string, unknown>)) {
    if (!Array.isArray(list) || !list.every((a) => Number.isInteger(a) && (a as number) >= 0)) {
      throw new LmiError(`${file}: item "${item}": field value must be a list of non-negative integer attribute ids, got ${JSON.stringify(list)}`);
    }
    out.set(item, list as number[]);
  }
  if (out.size === 0) throw new LmiError(`${file}: no items`);
  return out;
}

/**
 * Encode attributes over the catalogue `items` (item ids by index, e.g. `SeqRecData.items`). Attribute ids are
 * re-numbered densely in order of first appearance. `missing: 'error'` (default) throws for a catalogue item
 * without an entry; `'empty'` gives it no features.
 */
export function encodeItemFeatures(attrs: Map<string, number[]>, items: readonly string[], options: { missing?: 'error' | 'empty'; source?: string } = {}): ItemFeatures {
  const dense = new Map<number, number>();
  const offsets = new Int32Array(items.length + 1);
  const ids: number[] = [];
  items.forEach((item, i) => {
    const list = attrs.get(item);
    if (!list && (options.missing ?? 'error') === 'error') {
      throw new LmiError(`${options.source ?? 'item attributes'}: item "${item}" (index ${i}) has no attribute entry; are the item ids S3Rec ids of the same data set? (pass missing: 'empty' to allow it)`);
    }
    for (const a of new Set(list ?? [])) {
      let d = dense.get(a);
      if (d === undefined) dense.set(a, (d = dense.size));
      ids.push(d);
    }
    offsets[i + 1] = ids.length;
  });
  return { numFeatures: dense.size, offsets, ids: Int32Array.from(ids) };
}

/** Load the attributes of `set` for the catalogue `items` (S3Rec item ids, e.g. `seqRecData(...).items`). */
export function loadItemFeatures(set: AttributeSet, items: readonly string[], dir?: string): ItemFeatures {
  const rel = ATTRIBUTE_FILES[set];
  if (!rel) throw new LmiError(`loadItemFeatures: unknown set ${JSON.stringify(set)}; use one of ${Object.keys(ATTRIBUTE_FILES).join(', ')} (only the Amazon 2014 sets have attribute files)`);
  const file = requireDataFile(rel, dir);
  return encodeItemFeatures(readItemAttributes(file), items, { source: file });
}
