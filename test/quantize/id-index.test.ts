import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import type { Corpus } from '../../src/data/types';
import { LmiError } from '../../src/errors';
import { loadIdIndex, saveIdIndex, type SaveIdIndexInput } from '../../src/quantize/id-index';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lmi-idindex-'));
let n = 0;
const fresh = (): string => path.join(root, `idx${n++}`);

const corpus: Corpus = {
  name: 'tiny',
  source: 'test fixture',
  labelKeys: ['top'],
  docs: [
    { id: 'a', text: 'red apple "quoted"\nline two', labels: { top: 'fruit' }, meta: { title: 'Apple' } },
    { id: 'b', text: 'green pear', labels: { top: 'fruit' } },
    { id: 'c 3', text: 'hammer and nails ünïcode', labels: { top: 'tools' } },
  ],
};
const input: SaveIdIndexInput = {
  corpus,
  result: { ids: [[1, 0, 0], [1, 0, 1], [0, 2, 0]], codebookSizes: [2, 3, 2], meta: { method: 'hc', k: 2 } },
  indexer: 'hc',
  config: { seed: 7, hc: { k: 2 } },
  created: new Date('2024-05-01T00:00:00Z'),
};

/** Save a valid index, then let `edit` corrupt one file; returns the folder. */
function corrupt(file: string, edit: (text: string) => string): string {
  const dir = fresh();
  saveIdIndex(dir, input);
  const f = path.join(dir, file);
  fs.writeFileSync(f, edit(fs.readFileSync(f, 'utf8')));
  return dir;
}

const throwsLmi = (fn: () => unknown, re: RegExp): void => assert.throws(fn, (e: unknown) => e instanceof LmiError && re.test(e.message));

test('round trip: docs, labels, meta, IDs and manifest survive save + load', () => {
  const dir = fresh();
  const m = saveIdIndex(dir, input);
  assert.deepEqual(fs.readdirSync(dir).sort(), ['docs.jsonl', 'ids.tsv', 'index.json']);
  assert.equal(fs.readdirSync(root).filter((f) => f.includes('.tmp-')).length, 0, 'no temp folder left');
  const back = loadIdIndex(dir);
  assert.deepEqual(back.corpus, corpus);
  assert.deepEqual(back.result.ids, input.result.ids);
  assert.deepEqual(back.result.codebookSizes, [2, 3, 2]);
  assert.deepEqual(back.result.meta, { method: 'hc', k: 2 });
  assert.equal(back.manifest.indexer, 'hc');
  assert.equal(back.manifest.created, '2024-05-01T00:00:00.000Z');
  assert.equal(back.manifest.configHash, m.configHash);
  assert.match(m.configHash, /^[0-9a-f]{12}$/);
  assert.deepEqual(back.manifest.config, input.config);
  assert.equal(fs.readFileSync(path.join(dir, 'ids.tsv'), 'utf8').split('\n')[0], 'doc_id\tc1\tc2\tc3');
});

test('rows of ids.tsv may come in any order; saving again replaces the index in place', () => {
  const dir = corrupt('ids.tsv', (t) => {
    const [head, ...rows] = t.trim().split('\n');
    return [head, ...rows.reverse()].join('\n') + '\n';
  });
  assert.deepEqual(loadIdIndex(dir).result.ids, input.result.ids);
  saveIdIndex(dir, { ...input, result: { ...input.result, ids: [[0, 0, 0], [0, 0, 1], [1, 1, 0]] } });
  assert.deepEqual(loadIdIndex(dir).result.ids[2], [1, 1, 0]);
  assert.equal(fs.readdirSync(root).filter((f) => f.includes('.tmp-')).length, 0);
});

test('save refuses bad input and never overwrites a folder that is not an index', () => {
  throwsLmi(() => saveIdIndex(fresh(), { ...input, result: { ...input.result, ids: [[1, 0, 0], [1, 0], [0, 2, 0]] } }), /ragged/);
  throwsLmi(() => saveIdIndex(fresh(), { ...input, result: { ...input.result, ids: [[1, 0, 0]] } }), /1 ID rows for 3 documents/);
  throwsLmi(() => saveIdIndex(fresh(), { ...input, result: { ...input.result, ids: [[1, 0, 0], [1, 0, 1], [0, 3, 0]] } }), /code 3 at position 2/);
  throwsLmi(() => saveIdIndex(fresh(), { ...input, corpus: { ...corpus, docs: [corpus.docs[0], corpus.docs[1], { ...corpus.docs[2], id: 'a' }] } }), /duplicate document id "a"/);
  throwsLmi(() => saveIdIndex(fresh(), { ...input, corpus: { ...corpus, docs: [corpus.docs[0], corpus.docs[1], { ...corpus.docs[2], id: 'x\ty' }] } }), /without tabs/);
  const other = fresh();
  fs.mkdirSync(other);
  fs.writeFileSync(path.join(other, 'notes.txt'), 'mine');
  throwsLmi(() => saveIdIndex(other, input), /not an ID index folder/);
  assert.equal(fs.readFileSync(path.join(other, 'notes.txt'), 'utf8'), 'mine');
});

test('load: missing folder and missing files are named', () => {
  throwsLmi(() => loadIdIndex(path.join(root, 'nope')), /no such ID index folder/);
  const dir = fresh();
  saveIdIndex(dir, input);
  fs.rmSync(path.join(dir, 'ids.tsv'));
  throwsLmi(() => loadIdIndex(dir), /ids\.tsv: missing/);
});

test('load: wrong format version', () => {
  const dir = corrupt('index.json', (t) => t.replace('"version": 1', '"version": 99'));
  throwsLmi(() => loadIdIndex(dir), /format version 99 is not supported/);
  const dir2 = corrupt('index.json', (t) => t.replace('lmindexer-id-index', 'something-else'));
  throwsLmi(() => loadIdIndex(dir2), /not an ID index/);
});

test('load: ragged ID row and out-of-range code give file:line', () => {
  const dir = corrupt('ids.tsv', (t) => t.replace('b\t1\t0\t1', 'b\t1\t0'));
  throwsLmi(() => loadIdIndex(dir), /ids\.tsv:3: 2 codes, expected 3 \(ragged IDs\)/);
  const dir2 = corrupt('ids.tsv', (t) => t.replace('b\t1\t0\t1', 'b\t1\tx\t1'));
  throwsLmi(() => loadIdIndex(dir2), /ids\.tsv:3: code "x" at position 2/);
});

test('load: document count mismatch (docs vs manifest, IDs vs docs)', () => {
  const dir = corrupt('docs.jsonl', (t) => t.split('\n').slice(1).join('\n'));
  throwsLmi(() => loadIdIndex(dir), /2 documents, but .*numDocs = 3/);
  const dir2 = corrupt('ids.tsv', (t) => t.split('\n').filter((l) => !l.startsWith('b\t')).join('\n'));
  throwsLmi(() => loadIdIndex(dir2), /2 ID rows for 3 documents .*no ID for "b"/);
  const dir3 = corrupt('ids.tsv', (t) => t.replace('b\t', 'zz\t'));
  throwsLmi(() => loadIdIndex(dir3), /document "zz" is not in docs\.jsonl/);
});

test('load: duplicate doc id in docs.jsonl or ids.tsv, bad JSON line', () => {
  const dir = corrupt('docs.jsonl', (t) => t.replace('"id":"b"', '"id":"a"'));
  throwsLmi(() => loadIdIndex(dir), /docs\.jsonl:2: duplicate document id "a" \(first on line 1\)/);
  const dir2 = corrupt('ids.tsv', (t) => t.replace('b\t1\t0\t1', 'a\t1\t0\t1'));
  throwsLmi(() => loadIdIndex(dir2), /ids\.tsv:3: duplicate document id "a"/);
  const dir3 = corrupt('docs.jsonl', (t) => t.replace('{"id":"b"', '{id:"b"'));
  throwsLmi(() => loadIdIndex(dir3), /docs\.jsonl:2: invalid JSON/);
});
