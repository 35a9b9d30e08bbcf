import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';

const root = path.resolve(__dirname, '../..');
const cli = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'src/cli.ts'), ...args], {
    cwd: root,
    env: { ...process.env, LMI_QUIET: '1' },
    encoding: 'utf8',
  });

test('index → explore on the synthetic corpus writes an ID index and an explorer page', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lmi-cli-'));
  const out = path.join(dir, 'idx');
  const cfg = path.join(dir, 'exp.json');
  fs.writeFileSync(cfg, JSON.stringify({ data: { synthetic: { numDocs: 300 } }, hc: { k: 6, depth: 2 } }));
  const r = cli('index', '--corpus', 'synthetic', '--out', out, '--config', cfg);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /indexed 300 documents of synthetic with hc on tfidf/);
  assert.match(r.stdout, /AMI\(c¹, level1\) = 0\.\d{4}/);
  const ids = fs.readFileSync(path.join(out, 'ids.tsv'), 'utf8').trim().split('\n');
  assert.equal(ids.length, 301, 'header + one row per document');
  const e = cli('explore', '--index', out);
  assert.equal(e.status, 0, e.stderr);
  const html = fs.readFileSync(path.join(out, 'explorer.html'), 'utf8');
  assert.match(html, /<html/);
  assert.ok(!/src="https?:/.test(html), 'explorer page must not load anything from the network');
});

test('index --indexer rq-vae writes unique IDs of depth + 1 positions that feed a generative task', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lmi-cli-'));
  const out = path.join(dir, 'idx');
  const cfg = path.join(dir, 'exp.json');
  fs.writeFileSync(cfg, JSON.stringify({ data: { synthetic: { numDocs: 300 } }, hc: { k: 6, depth: 2 } }));
  const r = cli('index', '--corpus', 'synthetic', '--out', out, '--config', cfg, '--indexer', 'rq-vae');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /indexed 300 documents of synthetic with rq-vae on tfidf/);
  const rows = fs.readFileSync(path.join(out, 'ids.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
  const ids = rows.map((r) => r.slice(1).join(','));
  assert.equal(new Set(ids).size, 300, 'the collision position makes every rq-VAE ID unique');
  assert.ok(rows.every((r) => r.length - 1 >= 3), 'depth 2 + collision position');
  const manifest = JSON.parse(fs.readFileSync(path.join(out, 'index.json'), 'utf8')) as { indexer: string; codebookSizes: number[] };
  assert.equal(manifest.indexer, 'rq-vae-tfidf');
  assert.deepEqual(manifest.codebookSizes.slice(0, 2), [6, 6]);
});

const bad: [string, string[], RegExp][] = [
  ['unknown command', ['frobnicate'], /unknown command "frobnicate"/],
  ['missing --corpus', ['index', '--out', '/tmp/x'], /--corpus is required/],
  ['unknown corpus', ['index', '--corpus', 'imdb', '--out', '/tmp/x'], /data\.corpus.*imdb/],
  ['unknown option', ['index', '--bogus'], /Unknown option '--bogus'/],
  ['bad --max-docs', ['index', '--corpus', 'synthetic', '--out', '/tmp/x', '--max-docs', 'many'], /--max-docs: must be a non-negative integer/],
  ['missing index folder', ['explore', '--index', '/nonexistent/idx'], /no such ID index folder/],
  ['missing config file', ['index', '--corpus', 'synthetic', '--out', '/tmp/x', '--config', '/nonexistent.json'], /nonexistent\.json: cannot read config/],
];
for (const [name, args, re] of bad) {
  test(`CLI error: ${name} → exit 2 with a clear message`, () => {
    const r = cli(...args);
    assert.equal(r.status, 2, r.stdout + r.stderr);
    assert.match(r.stderr, re);
  });
}
