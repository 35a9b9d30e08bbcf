/**
 * Amazon 2014 5-core Beauty / Sports_and_Outdoors / Toys_and_Games (`amazon/` in the data folder).
 * Interactions: S3Rec sequence files (S3Rec item ids). Item corpus: IDGenRec phase-0 phrases (short title-derived
 * text, the only item text available for these sets — not full titles), keyed by ASIN and joined to S3Rec ids
 * through `derived/*_item2asin.tsv`; labels from `categories/*_categories.tsv` (S3Rec ids).
 * Doc ids are S3Rec item ids as strings, so they match the sequences.
 *
 * One Beauty item (ASIN B001LTVF7G) has an empty phrase; its text falls back to "<brand> <last category>" and
 * `meta.textSource` says `fallback` (all others say `idgenrec`).
 */
import { errorAt } from '../errors';
import { pathLabels, PATH_LABEL_KEYS } from './labels';
import { requireDataDir, requireDataFile } from './paths';
import { readSequenceFile } from './sequences';
import { readTsv } from './tsv';
import type { Corpus, Doc, Interactions } from './types';
import { IdRegistry, readTextFile } from './validate';
import { cleanText } from './clean';

/** The three Amazon 2014 sets. */
export type AmazonSet = 'beauty' | 'sports' | 'toys';
/** All Amazon set names. */
export const AMAZON_SETS: readonly AmazonSet[] = ['beauty', 'sports', 'toys'];

/** Files of one set, relative to the data folder. */
export interface AmazonFiles {
  sequences: string;
  phrases: string;
  item2asin: string;
  categories: string;
}

/** Where each set's files live. */
export const AMAZON_FILES: Record<AmazonSet, AmazonFiles> = {
  beauty: { sequences: 'amazon/s3rec/Beauty.txt', phrases: 'amazon/idgenrec/Beauty/item_generative_indexing_phase_0.txt', item2asin: 'amazon/derived/Beauty_item2asin.tsv', categories: 'amazon/categories/beauty_categories.tsv' },
  sports: { sequences: 'amazon/s3rec/Sports_and_Outdoors.txt', phrases: 'amazon/idgenrec/Sports/item_generative_indexing_phase_0.txt', item2asin: 'amazon/derived/Sports_and_Outdoors_item2asin.tsv', categories: 'amazon/categories/sports_categories.tsv' },
  toys: { sequences: 'amazon/s3rec/Toys_and_Games.txt', phrases: 'amazon/idgenrec/Toys/item_generative_indexing_phase_0.txt', item2asin: 'amazon/derived/Toys_and_Games_item2asin.tsv', categories: 'amazon/categories/toys_categories.tsv' },
};

function checkSet(set: string): AmazonSet {
  if (!(AMAZON_SETS as readonly string[]).includes(set)) throw errorAt('data', undefined, `field "corpus": unknown Amazon set "${set}"; use one of ${AMAZON_SETS.join(', ')}`);
  return set as AmazonSet;
}

/** S3Rec item id → ASIN, in file order (ids must be unique positive integers, ASINs unique and non-empty). */
export function readItem2Asin(file: string): Map<string, string> {
  const t = readTsv(file, ['item_id', 'asin']);
  const ids = new IdRegistry(file, 'item_id');
  const asins = new IdRegistry(file, 'asin');
  const out = new Map<string, string>();
  for (const { line, cols } of t.rows) {
    if (!/^[1-9]\d*$/.test(cols.item_id)) throw errorAt(file, line, `field "item_id" must be a positive integer, got ${JSON.stringify(cols.item_id)}`);
    if (cols.asin.trim() === '') throw errorAt(file, line, `field "asin" is empty; every item needs its ASIN`);
    ids.add(cols.item_id, line);
    asins.add(cols.asin, line);
    out.set(cols.item_id, cols.asin);
  }
  if (out.size === 0) throw errorAt(file, undefined, 'no item rows below the header');
  return out;
}

/** ASIN → phrase from an IDGenRec `ASIN text` file (text may be empty; duplicates are errors). */
export function readPhrases(file: string): Map<string, { text: string; line: number }> {
  const lines = readTextFile(file).split('\n');
  const out = new Map<string, { text: string; line: number }>();
  for (let k = 0; k < lines.length; k++) {
    const raw = lines[k].replace(/\r$/, '');
    if (raw.trim() === '') continue;
    const sp = raw.indexOf(' ');
    const asin = (sp === -1 ? raw : raw.slice(0, sp)).trim();
    const prev = out.get(asin);
    if (prev) throw errorAt(file, k + 1, `field "asin": duplicate ASIN "${asin}" (first at line ${prev.line}); one line per item`);
    out.set(asin, { text: sp === -1 ? '' : raw.slice(sp + 1).trim(), line: k + 1 });
  }
  return out;
}

/** Load one set's user sequences; every item must be in its item2asin table. */
export function loadAmazonInteractions(set: AmazonSet, dir: string = requireDataDir()): Interactions {
  const f = AMAZON_FILES[checkSet(set)];
  const itemFile = requireDataFile(f.item2asin, dir);
  const known = new Set(readItem2Asin(itemFile).keys());
  const file = requireDataFile(f.sequences, dir);
  return { name: set, source: file, sequences: readSequenceFile(file, known, itemFile) };
}

/**
 * Load one set's item corpus: text = IDGenRec phrase; labels `level1` = top category, `level2` = two-level prefix,
 * `path` = category path below the department root (`(none)` where the metadata lists only the root);
 * meta: asin, brand, allPaths, textSource.
 */
export function loadAmazonCorpus(set: AmazonSet, dir: string = requireDataDir()): Corpus {
  const f = AMAZON_FILES[checkSet(set)];
  const itemFile = requireDataFile(f.item2asin, dir);
  const phraseFile = requireDataFile(f.phrases, dir);
  const catFile = requireDataFile(f.categories, dir);
  const item2asin = readItem2Asin(itemFile);
  const phrases = readPhrases(phraseFile);
  const cats = readTsv(catFile, ['item_id', 'asin', 'top_category', 'category_path', 'brand']);
  const catById = new Map<string, { line: number; cols: Record<string, string> }>();
  const seen = new IdRegistry(catFile, 'item_id');
  for (const row of cats.rows) {
    const { line, cols } = row;
    seen.add(cols.item_id, line);
    const asin = item2asin.get(cols.item_id);
    if (asin === undefined) throw errorAt(catFile, line, `field "item_id": item ${cols.item_id} is not in ${itemFile}`);
    if (asin !== cols.asin) throw errorAt(catFile, line, `field "asin" is ${cols.asin} but ${itemFile} maps item ${cols.item_id} to ${asin}; the files are out of sync`);
    catById.set(cols.item_id, row);
  }
  const docs: Doc[] = [];
  for (const [id, asin] of item2asin) {
    const cat = catById.get(id);
    if (!cat) throw errorAt(catFile, undefined, `field "item_id": no row for item ${id} (ASIN ${asin}); every item needs a category row`);
    const ph = phrases.get(asin);
    if (!ph) throw errorAt(phraseFile, undefined, `field "asin": no line for ASIN ${asin} (item ${id} in ${itemFile}); every item needs a phrase`);
    const parts = cat.cols.category_path === '' ? [] : cat.cols.category_path.split(' > ');
    const labels = pathLabels(parts);
    if (cat.cols.top_category !== '' && cat.cols.top_category !== labels.level1) {
      throw errorAt(catFile, cat.line, `field "top_category" is "${cat.cols.top_category}" but "category_path" starts with "${labels.level1}"`);
    }
    const brand = cleanText(cat.cols.brand);
    let text = cleanText(ph.text);
    let textSource = 'idgenrec';
    if (text === '') {
      text = [brand, cleanText(parts[parts.length - 1] ?? '')].filter((s) => s !== '').join(' ');
      textSource = 'fallback';
      if (text === '') throw errorAt(phraseFile, ph.line, `field "text" is empty for ASIN ${asin} and the item has neither brand nor category to fall back on`);
    }
    docs.push({ id, text, labels, meta: { asin, brand, allPaths: cat.cols.all_paths ?? '', textSource } });
  }
  return { name: set, source: `${phraseFile} + ${catFile}`, docs, labelKeys: PATH_LABEL_KEYS };
}

