/**
 * SciFact in the BEIR layout (`scifact/` in the data folder): `corpus.jsonl` (`_id`, `title`, `text`) → Corpus with
 * text = title + abstract; `queries_{train,test}.jsonl` + `qrels/{train,test}.tsv` → QuerySet.
 * SciFact has no category labels, so `labelKeys` is empty.
 */
import { errorAt } from '../errors';
import { collapseWhitespace } from './clean';
import { requireDataDir, requireDataFile } from './paths';
import { readTsv } from './tsv';
import type { Corpus, Doc, QuerySet } from './types';
import { checkText, fieldId, fieldString, IdRegistry, readJsonl } from './validate';

/** BEIR split names available for SciFact. */
export type ScifactSplit = 'train' | 'test';

/** Corpus file, relative to the data folder. */
export const SCIFACT_CORPUS = 'scifact/corpus.jsonl';

/** Load the 5,183 SciFact abstracts. */
export function loadScifactCorpus(dir: string = requireDataDir()): Corpus {
  const file = requireDataFile(SCIFACT_CORPUS, dir);
  const ids = new IdRegistry(file, '_id');
  const docs: Doc[] = [];
  for (const { line, value } of readJsonl(file)) {
    const id = fieldId(value, '_id', file, line);
    ids.add(id, line);
    const title = collapseWhitespace(fieldString(value, 'title', file, line));
    const body = collapseWhitespace(fieldString(value, 'text', file, line));
    const text = checkText([title, body].filter((s) => s !== '').join(' '), file, line, 'text');
    docs.push({ id, text, meta: { title } });
  }
  return { name: 'scifact', source: file, docs, labelKeys: [] };
}

/**
 * Load a SciFact query split with its relevance judgements (score > 0 = relevant). Every qrels query must be in
 * the queries file; with `docIds`, every judged doc must be in the corpus.
 */
export function loadScifactQueries(split: ScifactSplit, dir: string = requireDataDir(), docIds?: Set<string>): QuerySet {
  if (split !== 'train' && split !== 'test') throw errorAt('scifact', undefined, `field "split" must be "train" or "test", got ${JSON.stringify(split)}`);
  const qFile = requireDataFile(`scifact/queries_${split}.jsonl`, dir);
  const rFile = requireDataFile(`scifact/qrels/${split}.tsv`, dir);
  const ids = new IdRegistry(qFile, '_id');
  const queries: { id: string; text: string }[] = [];
  for (const { line, value } of readJsonl(qFile)) {
    const id = fieldId(value, '_id', qFile, line);
    ids.add(id, line);
    queries.push({ id, text: checkText(collapseWhitespace(fieldString(value, 'text', qFile, line)), qFile, line, 'text') });
  }
  const qrels = new Map<string, Set<string>>();
  for (const { line, cols } of readTsv(rFile, ['query-id', 'corpus-id', 'score']).rows) {
    const q = cols['query-id'];
    const d = cols['corpus-id'];
    const score = Number(cols.score);
    if (!Number.isFinite(score) || cols.score.trim() === '') throw errorAt(rFile, line, `field "score" must be a number, got ${JSON.stringify(cols.score)}`);
    if (!ids.has(q)) throw errorAt(rFile, line, `field "query-id": query "${q}" is not in ${qFile}`);
    if (d.trim() === '') throw errorAt(rFile, line, 'field "corpus-id" is empty');
    if (docIds && !docIds.has(d)) throw errorAt(rFile, line, `field "corpus-id": doc "${d}" is not in the corpus`);
    if (score <= 0) continue;
    let s = qrels.get(q);
    if (!s) qrels.set(q, (s = new Set()));
    s.add(d);
  }
  return { name: `scifact-${split}`, source: `${qFile} + ${rFile}`, queries, qrels };
}
