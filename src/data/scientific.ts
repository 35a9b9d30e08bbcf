/**
 * Amazon 2018 Industrial & Scientific (`scientific/` in the data folder): item JSON → Corpus with real title, brand,
 * description and category labels; user JSON → Interactions.
 *
 * Labels: `categories` is one comma-joined string, root first, whose names themselves contain ", "
 * ("Tapes, Adhesives & Sealants"), so it is split only at commas *not* followed by a space. `level1` is the first
 * category below the root "Industrial & Scientific", `level2` the two-level prefix, `path` everything below the root.
 * 131 items have an empty `categories` string; they are labelled `(none)` at every level.
 */
import * as path from 'node:path';
import { errorAt } from '../errors';
import { cleanText } from './clean';
import { NO_LABEL, pathLabels, PATH_LABEL_KEYS } from './labels';
import { requireDataDir, requireDataFile } from './paths';
import type { Corpus, Doc, Interactions } from './types';
import { checkText, fieldString, isRecord, readJsonFile, typeName, type JsonFile } from './validate';

/** Department root of every category path. */
export const SCIENTIFIC_ROOT = 'Industrial & Scientific';
/** Item file, relative to the data folder. */
export const SCIENTIFIC_ITEMS = 'scientific/Scientific.item.json';
/** Interaction file, relative to the data folder. */
export const SCIENTIFIC_INTERACTIONS = 'scientific/Scientific.inter.json';

/** Split a comma-joined category string at commas not followed by a space (names keep their ", "). */
export function splitCategories(categories: string): string[] {
  if (categories.trim() === '') return [];
  return categories.split(/,(?! )/).map((s) => s.trim());
}

function readItems(dir: string): JsonFile & { value: Record<string, unknown> } {
  const json = readJsonFile(requireDataFile(SCIENTIFIC_ITEMS, dir));
  if (!isRecord(json.value)) throw errorAt(json.file, 1, `root must be a JSON object "item_id" → {title, description, brand, categories}, got ${typeName(json.value)}`);
  return json as JsonFile & { value: Record<string, unknown> };
}

/** Load the Scientific item corpus (4,344 items). `dir` defaults to the data folder. */
export function loadScientificCorpus(dir: string = requireDataDir()): Corpus {
  const json = readItems(dir);
  const file = json.file;
  const docs: Doc[] = [];
  for (const [id, rec] of Object.entries(json.value)) {
    const ctx = `item "${id}": `;
    if (id.trim() === '') throw errorAt(file, json.keyLine(id), `field "item_id" is empty; every item needs an id`);
    if (!isRecord(rec)) throw errorAt(file, json.keyLine(id), `${ctx}value must be an object {title, description, brand, categories}, got ${typeName(rec)}`);
    const at = (): number | undefined => json.keyLine(id);
    const get = (f: string): string => {
      const v = rec[f];
      return typeof v === 'string' ? v : fieldString(rec, f, file, at(), ctx); // throws, naming the line
    };
    const title = cleanText(get('title'));
    const description = cleanText(get('description'));
    const brand = cleanText(get('brand'));
    const categories = get('categories');
    if (title === '') checkText(title, file, at(), 'title', ctx);
    const parts = splitCategories(categories);
    if (parts.length > 0 && parts[0] !== SCIENTIFIC_ROOT) {
      throw errorAt(file, at(), `${ctx}field "categories" must start with the root "${SCIENTIFIC_ROOT}", got ${JSON.stringify(categories.slice(0, 60))}`);
    }
    const text = [title, brand, description].filter((s) => s !== '').join(' ');
    docs.push({
      id,
      text,
      labels: pathLabels(parts.slice(1).map(cleanText)),
      meta: { title, brand, categories: parts.length ? parts.join(' > ') : NO_LABEL },
    });
  }
  if (docs.length === 0) throw errorAt(file, 1, 'no items; the file holds an empty object');
  return { name: 'scientific', source: file, docs, labelKeys: PATH_LABEL_KEYS };
}

/**
 * Load Scientific user sequences (8,317 users; item ids as strings, chronological). Every item must exist in the
 * item file (or in `items` when given).
 */
export function loadScientificInteractions(dir: string = requireDataDir(), items?: Set<string>): Interactions {
  const known = items ?? new Set(Object.keys(readItems(dir).value));
  const json = readJsonFile(requireDataFile(SCIENTIFIC_INTERACTIONS, dir));
  const file = json.file;
  if (!isRecord(json.value)) throw errorAt(file, 1, `root must be a JSON object "user_id" → [item_id, ...], got ${typeName(json.value)}`);
  const sequences = new Map<string, string[]>();
  for (const [user, seq] of Object.entries(json.value)) {
    const ctx = `user "${user}": `;
    if (!Array.isArray(seq)) throw errorAt(file, json.keyLine(user), `${ctx}field "${user}" must be an array of item ids, got ${typeName(seq)}`);
    if (seq.length === 0) throw errorAt(file, json.keyLine(user), `${ctx}field "${user}" is an empty sequence; drop the user or add items`);
    const out: string[] = new Array<string>(seq.length);
    for (let k = 0; k < seq.length; k++) {
      const v = seq[k];
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
        throw errorAt(file, json.keyLine(user), `${ctx}field "${user}[${k}]" must be a non-negative integer item id, got ${JSON.stringify(v)}`);
      }
      const id = String(v);
      if (!known.has(id)) throw errorAt(file, json.keyLine(user), `${ctx}field "${user}[${k}]": item ${id} is not in ${path.basename(SCIENTIFIC_ITEMS)}; the two files must come from the same preprocessing run`);
      out[k] = id;
    }
    sequences.set(user, out);
  }
  if (sequences.size === 0) throw errorAt(file, 1, 'no users; the file holds an empty object');
  return { name: 'scientific', source: file, sequences };
}
