/**
 * AG News subset (`textcls/ag_news/train.csv`): 4,000 news texts, no header, `label,text` with RFC 4180 quoting.
 * Labels 0–3 are the standard AG classes minus one: World, Sports, Business, Sci/Tech (`level1`). Some texts hold a
 * TAB between title and body; whitespace is collapsed to single spaces. Doc ids are row indices ("0".."3999").
 */
import { errorAt } from '../errors';
import { collapseWhitespace } from './clean';
import { parseCsv } from './csv';
import { requireDataDir, requireDataFile } from './paths';
import type { Corpus, Doc } from './types';
import { checkText, readTextFile } from './validate';

/** AG News class names by label index. */
export const AG_NEWS_CLASSES = ['World', 'Sports', 'Business', 'Sci/Tech'] as const;
/** The CSV file, relative to the data folder. */
export const AG_NEWS_FILE = 'textcls/ag_news/train.csv';

/** Load the AG News corpus (labels in `level1`, `meta.label` holds the numeric label). */
export function loadAgNewsCorpus(dir: string = requireDataDir()): Corpus {
  const file = requireDataFile(AG_NEWS_FILE, dir);
  const records = parseCsv(readTextFile(file), { file });
  const docs: Doc[] = [];
  for (const { line, fields } of records) {
    if (fields.length < 2) throw errorAt(file, line, `field "text" missing: ${fields.length} column(s); rows are "label,text"`);
    if (fields.length > 2) throw errorAt(file, line, `${fields.length} columns, expected 2 ("label,text"); quote text that contains commas`);
    const [label, raw] = fields;
    if (!/^[0-3]$/.test(label.trim())) throw errorAt(file, line, `field "label" must be 0, 1, 2 or 3, got ${JSON.stringify(label.slice(0, 20))}`);
    const text = checkText(collapseWhitespace(raw), file, line, 'text');
    docs.push({ id: String(docs.length), text, labels: { level1: AG_NEWS_CLASSES[Number(label)] }, meta: { label: label.trim() } });
  }
  if (docs.length === 0) throw errorAt(file, undefined, 'no rows');
  return { name: 'agnews', source: file, docs, labelKeys: ['level1'] };
}
