import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import type { Corpus, Doc } from '../../src/data/types';
import { idsFromIndex } from '../../src/experiments/id-source';
import { saveIdIndex } from '../../src/quantize/id-index';

const makeCorpus = (name: string, docs: Doc[], source: string): Corpus => ({ name, source, docs, labelKeys: [] });
const root = path.join(__dirname, '../..');
const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'src/cli.ts'), ...args], { encoding: 'utf8', cwd: root });

test('finetune rejects a missing or unknown task and a misplaced option with exit code 2', () => {
  const none = cli('finetune');
  assert.equal(none.status, 2);
  assert.match(none.stderr, /--task is required/);
  const bad = cli('finetune', '--task', 'ranking');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /must be one of rec, search, retrieval/);
  const misplaced = cli('finetune', '--task', 'retrieval', '--max-users', '10');
  assert.equal(misplaced.status, 2);
  assert.match(misplaced.stderr, /--max-users applies to/);
  const workers = cli('finetune', '--task', 'retrieval', '--workers', '0');
  assert.equal(workers.status, 2);
  assert.match(workers.stderr, /--workers: must be "auto" or an integer ≥ 1, got "0"/);
});

test('idsFromIndex aligns an ID index to the task corpus by document id and names missing documents', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lmi-ids-'));
  const docs = ['a', 'b', 'c'].map((id) => ({ id, text: `text ${id}`, labels: {} }));
  saveIdIndex(dir, { corpus: makeCorpus('toy', docs, 'test'), result: { ids: [[0, 1], [1, 0], [1, 1]], codebookSizes: [2, 2], meta: {} }, indexer: 'hc', config: {} });
  const resolve = idsFromIndex(dir);
  const reordered = resolve(makeCorpus('toy', [docs[2], docs[0]], 'test'));
  assert.deepEqual(reordered.ids, [[1, 1], [0, 1]]);
  assert.deepEqual(reordered.codebookSizes, [2, 2]);
  assert.throws(() => resolve(makeCorpus('toy', [...docs, { id: 'zz', text: 'new', labels: {} }], 'test')), /1 of the 4 documents of toy have no ID.*"zz".*lmindexer add/s);
});
