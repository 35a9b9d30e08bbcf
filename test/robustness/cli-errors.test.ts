/**
 * Bad input through the command line (robustness suite, part 2; test/cli/cli.test.ts has the first usage errors).
 * Every case must exit with code 2 and one message naming the file / line / field and the fix, and must leave what
 * an earlier successful run wrote byte-identical.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cliAsync, cliSync, removeTempDirs, tempDir, TINY } from './cli-child';

after(removeTempDirs);

let dir = '';
const P = (f: string) => path.join(dir, f);

/** Every file under `d` with its bytes (to prove a failed command changed nothing). */
function snapshot(d: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const f of fs.readdirSync(d, { recursive: true }) as string[]) {
    const p = path.join(d, f);
    if (fs.statSync(p).isFile()) out.set(f, fs.readFileSync(p));
  }
  return out;
}
function assertUnchanged(d: string, before: Map<string, Buffer>): void {
  const now = snapshot(d);
  assert.deepEqual([...now.keys()].sort(), [...before.keys()].sort(), `${d}: files added or removed`);
  for (const [f, b] of before) assert.ok(now.get(f)!.equals(b), `${d}/${f} changed`);
}

let indexSnap: Map<string, Buffer>;
let runSnap: Map<string, Buffer>;
let ptSnap: Map<string, Buffer>;
before(async () => {
  dir = tempDir();
  const files: Record<string, string> = {
    'tiny.json': JSON.stringify(TINY),
    'tiny-hc.json': JSON.stringify({ ...TINY, embedding: { svdDim: 16 }, hc: { k: 4, depth: 2 } }),
    'other.json': JSON.stringify({ ...TINY, model: { ...TINY.model, dModel: 24 } }),
    'other-vocab.json': JSON.stringify({ ...TINY, tokenizer: { ...TINY.tokenizer, vocabSize: 120 } }),
    'unknown-key.json': '{"indexr": {"codebookSize": 8}}',
    'unknown-nested.json': '{"indexer": {"codebookSize": 8, "codebok": 3}}',
    'codebook0.json': '{"indexer": {"codebookSize": 0}}',
    'hint15.json': '{"indexer": {"hintRatios": [0.5, 1.5]}}',
    'wrong-type.json': '{"hc": {"k": "four"}}',
    'bad-json.json': '{\n  "seed": 1,\n  "hc": {"k": 4}\n  "kmeans": {}\n}\n',
    'empty.json': '  \n',
    'array.json': '[1, 2]',
    'seed-neg.json': '{"seed": -1}',
  };
  for (const [f, body] of Object.entries(files)) fs.writeFileSync(P(f), body);
  // real outputs that the failing commands below must not touch (three tiny runs side by side)
  const done = await Promise.all([
    cliAsync(['index', '--corpus', 'synthetic', '--out', P('idx'), '--max-docs', '60', '--config', P('tiny-hc.json')]),
    cliAsync(['fit', '--corpus', 'synthetic', '--max-docs', '48', '--config', P('tiny.json'), '--run', P('run'), '--out', P('fit-out')]),
    cliAsync(['pretrain', '--corpus', 'synthetic', '--max-docs', '24', '--config', P('tiny.json'), '--out', P('pt')]),
  ]);
  for (const r of done) assert.equal(r.status, 0, r.stderr);
  indexSnap = snapshot(P('idx'));
  runSnap = snapshot(P('fit-out'));
  ptSnap = snapshot(P('pt'));
  // damaged copies of the index for `explore`
  for (const [name, file, edit] of [
    ['idx-ragged', 'ids.tsv', (t: string) => t.split('\n').map((l, i) => (i === 2 ? l.split('\t').slice(0, -1).join('\t') : l)).join('\n')],
    ['idx-badjson', 'index.json', (t: string) => t.replace('"format"', '"format" "')],
  ] as const) {
    fs.cpSync(P('idx'), P(name), { recursive: true });
    fs.writeFileSync(P(`${name}/${file}`), edit(fs.readFileSync(P(`${name}/${file}`), 'utf8')));
  }
  // bad data folders (LMI_DATA_DIR)
  const data = (name: string, rel: string, body: string | Buffer) => {
    fs.mkdirSync(path.dirname(P(`${name}/${rel}`)), { recursive: true });
    fs.writeFileSync(P(`${name}/${rel}`), body);
  };
  data('data-badline', 'scifact/corpus.jsonl', '{"_id": "1", "title": "T", "text": "x"}\n{"_id": "2", "title": "T" "text": "y"}\n');
  data('data-latin1', 'textcls/ag_news/train.csv', Buffer.concat([Buffer.from('0,"ok"\n1,"na'), Buffer.from([0xef, 0x76]), Buffer.from('e"\n')]));
  data('data-dup', 'scifact/corpus.jsonl', '{"_id": "1", "title": "T", "text": "x"}\n{"_id": "1", "title": "T", "text": "y"}\n');
  data('data-type', 'scientific/Scientific.item.json', '{\n  "0": {"title": 7, "description": "", "brand": "", "categories": ""}\n}\n');
  data('data-join', 'amazon/derived/Toys_and_Games_item2asin.tsv', 'item_id\tasin\n1\tA1\n2\tA2\n');
  data('data-join', 'amazon/idgenrec/Toys/item_generative_indexing_phase_0.txt', 'A1 a toy\nA2 another toy\n');
  data('data-join', 'amazon/categories/toys_categories.tsv', 'item_id\tasin\ttop_category\tcategory_path\tall_paths\tbrand\n1\tA1\tT\tT\tT\t\n2\tZZ\tT\tT\tT\t\n');
  data('data-empty', 'scifact/corpus.jsonl', '\n\n');
});

type Case = [name: string, args: () => string[], expect: (string | RegExp)[], env?: () => Record<string, string>];
const idx = () => ['index', '--corpus', 'synthetic', '--out', P('idx')];
const fitResume = (cfg: string, maxDocs = '48') => ['fit', '--corpus', 'synthetic', '--max-docs', maxDocs, '--config', P(cfg), '--run', P('run'), '--out', P('fit-out'), '--resume'];
const withData = (name: string) => () => ({ LMI_DATA_DIR: P(name) });

const CASES: Case[] = [
  // configs (--config FILE)
  ['config: unknown top-level key', () => [...idx(), '--config', P('unknown-key.json')], ['unknown-key.json: unknown field "indexr"', 'known fields here']],
  ['config: unknown nested key', () => [...idx(), '--config', P('unknown-nested.json')], ['field "indexer.codebok"']],
  ['config: codebook size 0', () => [...idx(), '--config', P('codebook0.json')], ['codebook0.json: field "indexer.codebookSize" must be an integer in [2,', 'got 0']],
  ['config: hint ratio 1.5', () => [...idx(), '--config', P('hint15.json')], ['hint15.json: field "indexer.hintRatios"', '[0, 1)', '1.5']],
  ['config: wrong type', () => [...idx(), '--config', P('wrong-type.json')], ['field "hc.k" must be number, got string ("four")']],
  ['config: negative seed', () => [...idx(), '--config', P('seed-neg.json')], ['field "seed" must be an integer', 'got -1']],
  ['config: malformed JSON names the line', () => [...idx(), '--config', P('bad-json.json')], ['bad-json.json: invalid JSON at line 4', 'fix the file']],
  ['config: empty file', () => [...idx(), '--config', P('empty.json')], ['empty.json: config file is empty']],
  ['config: not an object', () => [...idx(), '--config', P('array.json')], ['a config must be a JSON object, got array']],
  // data files (LMI_DATA_DIR)
  ['data: malformed JSONL line', () => ['index', '--corpus', 'scifact', '--out', P('idx')], ['scifact/corpus.jsonl:2: malformed JSON line'], withData('data-badline')],
  ['data: non-UTF-8 bytes', () => ['index', '--corpus', 'agnews', '--out', P('idx')], ['ag_news/train.csv:2: not valid UTF-8', 'bad byte 0xef'], withData('data-latin1')],
  ['data: duplicate doc ids', () => ['index', '--corpus', 'scifact', '--out', P('idx')], ['corpus.jsonl:2:', 'duplicate id "1"'], withData('data-dup')],
  ['data: wrong field type', () => ['index', '--corpus', 'scientific', '--out', P('idx')], ['Scientific.item.json:2:', 'field "title" must be a string, got number'], withData('data-type')],
  ['data: category row joins an unknown item', () => ['index', '--corpus', 'toys', '--out', P('idx')], ['toys_categories.tsv:3:', 'field "asin" is ZZ'], withData('data-join')],
  ['data: empty file', () => ['index', '--corpus', 'scifact', '--out', P('idx')], ['corpus.jsonl: file is empty'], withData('data-empty')],
  ['data: missing file', () => ['index', '--corpus', 'beauty', '--out', P('idx')], ['file not found', 'LMI_DATA_DIR'], withData('data-empty')],
  ['data: LMI_DATA_DIR points nowhere', () => ['index', '--corpus', 'scientific', '--out', P('idx')], ['LMI_DATA_DIR=/nonexistent/lmi', 'no such directory'], () => ({ LMI_DATA_DIR: '/nonexistent/lmi' })],
  // runs and checkpoints
  ['fit --resume with another config', () => fitResume('other.json'), ['run/state/indexer.json: this run was made with other settings', 'model.dModel: run 16, config 24', 'fresh --run folder']],
  ['fit: --run folder of another run without --resume', () => fitResume('tiny.json').filter((a) => a !== '--resume'), ['run: --run folder already holds a run (state.json, state, stages)', 'continue it with --resume']],
  ['fit --resume on other documents', () => fitResume('tiny.json', '60'), ['run/corpus.json: this run learns IDs for 48 documents of synthetic', 'give 60 documents', 'fresh --run folder']],
  ['fit: fewer documents than codes', () => ['fit', '--corpus', 'synthetic', '--max-docs', '3', '--config', P('tiny.json'), '--out', P('fit-out')], ['3 documents < codebook size 4']],
  ['fit: --resume without --run', () => ['fit', '--corpus', 'synthetic', '--out', P('fit-out'), '--resume'], ['--resume needs --run DIR']],
  ['fit: --checkpoint-every 0', () => ['fit', '--corpus', 'synthetic', '--out', P('fit-out'), '--run', P('run2'), '--checkpoint-every', '0'], ['--checkpoint-every: must be at least 1']],
  ['pretrain --resume with another model config', () => ['pretrain', '--corpus', 'synthetic', '--max-docs', '24', '--config', P('other.json'), '--out', P('pt'), '--resume'], ['pt/checkpoints/step-', 'parameter "shared.weight" has shape', 'another model config']],
  // ID index folders (explore)
  ['explore: ragged ids.tsv row', () => ['explore', '--index', P('idx-ragged')], ['idx-ragged/ids.tsv:3:', 'codes, expected 3 (ragged IDs)']],
  ['explore: malformed index.json', () => ['explore', '--index', P('idx-badjson')], ['idx-badjson/index.json: invalid JSON']],
  ['explore: --out inside a file', () => ['explore', '--index', P('idx'), '--out', P('tiny.json/x.html')], ['cannot write explorer page', 'cannot create the folder', 'is a file in the way?']],
  ['fit: --run is a file', () => ['fit', '--corpus', 'synthetic', '--max-docs', '48', '--config', P('tiny.json'), '--run', P('tiny.json'), '--out', P('fit-out2')], ['tiny.json/corpus.json', 'is a file in the way?']],
  // commands and options
  ['info: unknown option', () => ['info', '--bogus'], ["Unknown option '--bogus'"]],
  ['index: unknown indexer', () => [...idx(), '--indexer', 'lsh'], ['--indexer: must be one of', 'got "lsh"']],
  ['pretrain: --epochs 0', () => ['pretrain', '--corpus', 'synthetic', '--out', P('pt'), '--epochs', '0'], ['--epochs: must be at least 1']],
  ['figures: unknown experiment', () => ['figures', '--only', 'table99', '--out', P('fig')], ['unknown experiment id(s) table99', 'known:']],
  ['figures: unknown preset', () => ['figures', '--preset', 'huge', '--out', P('fig')], ['--preset: must be one of small, paper, got "huge"']],
];

// Three children at a time: each case is one `lmindexer` process (~1.5 s of start-up, tsx + tfjs).
describe('CLI bad input', { concurrency: 3 }, () => {
for (const [name, args, expect, env] of CASES) {
  test(`${name} → exit 2, clear message, nothing written changed`, async () => {
    const r = await cliAsync(args(), env?.() ?? {});
    assert.equal(r.status, 2, `exit ${r.status}\n${r.stdout}${r.stderr}`);
    const msg = r.stderr.split('\n').filter((l) => l.startsWith('lmindexer: ')).join('\n');
    assert.ok(msg, `no "lmindexer: " error line:\n${r.stderr}`);
    assert.ok(!/\n\s+at /.test(r.stderr), `stack trace printed for a user error:\n${r.stderr}`);
    for (const e of expect) {
      if (typeof e === 'string') assert.ok(msg.includes(e), `message lacks ${JSON.stringify(e)}:\n  ${msg}`);
      else assert.match(msg, e);
    }
    assertUnchanged(P('idx'), indexSnap);
    assertUnchanged(P('fit-out'), runSnap);
    assertUnchanged(P('pt'), ptSnap);
  });
}
});

// Regression: a refused `pretrain --resume` used to rewrite tokenizer.json before the Trainer checked the checkpoint.
test('CLI: a failing pretrain --resume leaves the pretraining folder byte-identical', async () => {
  const r = await cliAsync(['pretrain', '--corpus', 'synthetic', '--max-docs', '24', '--config', P('other-vocab.json'), '--out', P('pt'), '--resume']);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /another model config/);
  assertUnchanged(P('pt'), ptSnap);
});

test('CLI: a truncated run checkpoint is refused on --resume (exit 2, "truncated"); the earlier output is intact', () => {
  const params = P('run/state/params.safetensors');
  const bytes = fs.readFileSync(params);
  fs.writeFileSync(params, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
  const r = cliSync(fitResume('tiny.json'));
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /lmindexer: .*run\/state\/params\.safetensors: tensor ".*" ends at byte \d+ but the file has \d+ bytes; the file is truncated/);
  assertUnchanged(P('fit-out'), runSnap);
});
