/** `lmindexer baselines`: argument errors (exit 2, clear message) and small real-data runs writing paper | ours tables. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { Bm25Index } from '../../src/baselines/retrieval/bm25';
import { dataDir } from '../../src/data/paths';
import { loadScifactCorpus, loadScifactQueries } from '../../src/data/scifact';
import { evaluateRanking } from '../../src/eval/ranking';

const root = path.resolve(__dirname, '../..');
const cli = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'src/cli.ts'), ...args], {
    cwd: root, env: { ...process.env, LMI_QUIET: '1' }, encoding: 'utf8', timeout: 120_000,
  });

const bad: [string, string[], RegExp][] = [
  ['missing --task', ['baselines', '--dataset', 'beauty'], /--task is required/],
  ['missing --dataset', ['baselines', '--task', 'rec'], /--dataset is required/],
  ['unknown task', ['baselines', '--task', 'ranking', '--dataset', 'beauty'], /--task must be one of rec, search, retrieval, got "ranking"/],
  ['dataset of another task', ['baselines', '--task', 'retrieval', '--dataset', 'beauty'], /--dataset for --task retrieval must be one of scifact/],
  ['unknown baseline', ['baselines', '--task', 'search', '--dataset', 'beauty', '--only', 'bm25,colbert'], /"colbert" is not a search baseline; use some of bm25, dual-encoder, seal/],
  ['bad --max-users', ['baselines', '--task', 'search', '--dataset', 'beauty', '--max-users', 'lots'], /--max-users: must be a non-negative integer/],
];
for (const [name, args, re] of bad) {
  test(`baselines CLI error: ${name} → exit 2`, () => {
    const r = cli(...args);
    assert.equal(r.status, 2, r.stdout + r.stderr);
    assert.match(r.stderr, re);
  });
}

const dir = dataDir();
const skip = dir === undefined || !fs.existsSync(path.join(dir, 'amazon', 's3rec', 'Beauty.txt')) || !fs.existsSync(path.join(dir, 'scifact', 'corpus.jsonl')) ? 'data absent (set LMI_DATA_DIR)' : false;

test('search on Beauty (BM25) and rec on Beauty (MostPop, Markov) write markdown + JSON with paper beside ours', { skip }, () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'lmi-baselines-'));
  const s = cli('baselines', '--task', 'search', '--dataset', 'beauty', '--only', 'bm25', '--max-users', '100', '--out', out);
  assert.equal(s.status, 0, s.stderr);
  const json = JSON.parse(fs.readFileSync(path.join(out, 'tables', 'baselines-search-beauty.json'), 'utf8'));
  assert.deepEqual(json.columns.slice(0, 5), ['model', 'paper NDCG@5', 'paper MAP@5', 'ours NDCG@5', 'ours MAP@5']);
  assert.equal(json.rows.length, 1);
  assert.deepEqual(json.rows[0].slice(1, 3), [0.249, 0.2152]);
  const [ndcg, map] = json.rows[0].slice(3, 5) as number[];
  assert.ok(ndcg > 0 && ndcg < 1 && map > 0 && map <= ndcg + 1e-12, `NDCG@5 ${ndcg}, MAP@5 ${map}`);
  assert.match(json.notes[0], /first 100 users/);
  assert.match(fs.readFileSync(path.join(out, 'tables', 'baselines-search-beauty.md'), 'utf8'), /\| BM25 \(k1 \.9, b \.4\)/);
  assert.match(s.stdout, /wrote .*baselines-search-beauty\.md/);

  const r = cli('baselines', '--task', 'rec', '--dataset', 'beauty', '--only', 'markov,mostpop', '--max-users', '300', '--out', out);
  assert.equal(r.status, 0, r.stderr);
  const rec = JSON.parse(fs.readFileSync(path.join(out, 'tables', 'baselines-rec-beauty.json'), 'utf8'));
  assert.deepEqual(rec.rows.map((x: unknown[]) => x[0]), ['MostPop', 'Markov']);
  for (const row of rec.rows) assert.ok(row[3] >= 0 && row[3] <= row[5] + 1e-12, 'Recall@5 ≤ Recall@10');
  assert.ok(rec.rows[1][3] > rec.rows[0][3], 'Markov beats MostPop on Beauty');
});

test('retrieval on SciFact: BM25 row equals the library BM25 on the same split (Lucene stop words, ≈ .663 NDCG@10)', { skip }, () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'lmi-baselines-'));
  const r = cli('baselines', '--task', 'retrieval', '--dataset', 'scifact', '--only', 'bm25', '--out', out);
  assert.equal(r.status, 0, r.stderr);
  const json = JSON.parse(fs.readFileSync(path.join(out, 'tables', 'baselines-retrieval-scifact.json'), 'utf8'));
  const row = json.rows[0];
  assert.deepEqual(row.slice(1, 6), [0.297, 0.603, 0.2756, 0.2995, 0.3144]);
  const corpus = loadScifactCorpus();
  const qs = loadScifactQueries('test');
  const index = new Bm25Index(corpus.docs);
  const want = evaluateRanking(new Map(qs.queries.map((q) => [q.id, index.search(q.text, 10).map((h) => h.id)])), qs.qrels, [1, 10]);
  assert.deepEqual(row.slice(6, 10), [want['recall@1'], want['recall@10'], want['ndcg@10'], want['mrr@10']]);
  // bm25.test.ts: .6659 with the sklearn stop list; the tables use Lucene's 33 stop words (Anserini default).
  assert.ok(Math.abs(row[8] - 0.663) < 0.005, `SciFact NDCG@10 ${row[8]}`);
});
