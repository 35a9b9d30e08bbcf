/**
 * Bad input to the loaders and file readers (robustness suite, part 1; the CLI part is cli-errors.test.ts).
 * Malformed inputs are written to a temp folder: each error must be an LmiError naming the file, the line (where
 * one applies) and the field, and saying what to do. Moved here from test/data/bad-input.test.ts and extended.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LmiError } from '../../src/errors';
import { loadScientificCorpus, loadScientificInteractions } from '../../src/data/scientific';
import { loadAmazonCorpus, loadAmazonInteractions } from '../../src/data/amazon';
import { loadScifactCorpus, loadScifactQueries } from '../../src/data/scifact';
import { loadAgNewsCorpus } from '../../src/data/agnews';
import { requireDataDir, requireDataFile } from '../../src/data/paths';
import { readTextFile } from '../../src/data/validate';
import { initBackend } from '../../src/backend';
import { preset } from '../../src/config';
import { decodeSafetensors, encodeSafetensors, readSafetensors } from '../../src/nn/safetensors';
import { buildTokenizer, encodeBatch, loadTokenizer } from '../../src/text/index';
import { Trainer } from '../../src/train/trainer';
import * as tf from '@tensorflow/tfjs';

const roots: string[] = [];
after(() => roots.forEach((r) => fs.rmSync(r, { recursive: true, force: true })));

/** A fresh data folder holding `files` (relative path → content). */
function dataWith(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lmi-data-'));
  roots.push(dir);
  for (const [rel, body] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), body);
  }
  return dir;
}

/** Assert `f` throws an LmiError whose message matches every pattern. */
function throwsNaming(f: () => unknown, ...patterns: (string | RegExp)[]): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof LmiError, `expected LmiError, got ${String(e)}`);
    for (const p of patterns) {
      if (typeof p === 'string') assert.ok(e.message.includes(p), `message lacks ${JSON.stringify(p)}:\n  ${e.message}`);
      else assert.match(e.message, p);
    }
    return true;
  });
}

const SCI = 'scientific/Scientific.item.json';
const item = (o: Record<string, unknown>): Record<string, unknown> => ({ title: 'A tool', description: 'Does things.', brand: 'Acme', categories: 'Industrial & Scientific,Fasteners,Staples', ...o });
const pretty = (o: unknown): string => JSON.stringify(o, null, 2);

test('1. missing file: names the path and LMI_DATA_DIR', () => {
  const dir = dataWith({});
  throwsNaming(() => loadScientificCorpus(dir), path.join(dir, SCI), 'file not found', 'LMI_DATA_DIR');
  throwsNaming(() => requireDataFile('nope.txt', dir), 'nope.txt', 'LMI_DATA_DIR');
});

test('2. empty file', () => {
  const dir = dataWith({ [SCI]: '  \n' });
  throwsNaming(() => loadScientificCorpus(dir), `${SCI}: file is empty`);
});

test('3. malformed JSON: line of the syntax error', () => {
  // line 4 lacks the comma after "title"
  const dir = dataWith({ [SCI]: '{\n  "0": {\n    "title": "A"\n    "description": "B",\n    "brand": "C",\n    "categories": ""\n  }\n}\n' });
  throwsNaming(() => loadScientificCorpus(dir), `${SCI}:4: malformed JSON`, "expected ',' or '}'");
});

test('4. malformed JSONL: line N', () => {
  const dir = dataWith({ 'scifact/corpus.jsonl': '{"_id": "1", "title": "T", "text": "x"}\n{"_id": "2", "title": "T", "text": "y"}\n{"_id": "3", "title": "T" "text": "z"}\n' });
  throwsNaming(() => loadScifactCorpus(dir), 'scifact/corpus.jsonl:3: malformed JSON line');
});

test('5. missing field', () => {
  const dir = dataWith({ 'scifact/corpus.jsonl': '{"_id": "1", "title": "T", "text": "x"}\n{"_id": "2", "text": "y"}\n' });
  throwsNaming(() => loadScifactCorpus(dir), 'scifact/corpus.jsonl:2:', 'field "title" missing');
  const d2 = dataWith({ [SCI]: pretty({ 0: item({}), 1: { title: 'B', description: 'x', brand: 'y' } }) });
  throwsNaming(() => loadScientificCorpus(d2), `${SCI}:8:`, 'item "1"', 'field "categories" missing');
});

test('6. wrong field type', () => {
  const dir = dataWith({ [SCI]: pretty({ 0: item({}), 1: item({}), 2: item({ brand: 5 }) }) });
  throwsNaming(() => loadScientificCorpus(dir), `${SCI}:14:`, 'item "2"', 'field "brand" must be a string, got number');
  const d2 = dataWith({ 'scifact/corpus.jsonl': '{"_id": "1", "title": ["T"], "text": "x"}\n' });
  throwsNaming(() => loadScifactCorpus(d2), 'corpus.jsonl:1:', 'field "title" must be a string, got array');
});

test('7. empty / whitespace-only text', () => {
  const dir = dataWith({ 'textcls/ag_news/train.csv': '0,"Some news"\n1,"Sport, today"\n2,"  \t "\n' });
  throwsNaming(() => loadAgNewsCorpus(dir), 'ag_news/train.csv:3:', 'field "text" is empty');
  const d2 = dataWith({ [SCI]: pretty({ 0: item({ title: '   ' }) }) });
  throwsNaming(() => loadScientificCorpus(d2), `${SCI}:2:`, 'field "title" is empty');
  const d3 = dataWith({ 'scifact/corpus.jsonl': '{"_id": "1", "title": "", "text": " "}\n' });
  throwsNaming(() => loadScifactCorpus(d3), 'corpus.jsonl:1:', 'field "text" is empty');
});

test('8. duplicate id', () => {
  const dir = dataWith({ 'scifact/corpus.jsonl': '{"_id": "7", "title": "T", "text": "x"}\n{"_id": "8", "title": "T", "text": "y"}\n{"_id": "7", "title": "T", "text": "z"}\n' });
  throwsNaming(() => loadScifactCorpus(dir), 'corpus.jsonl:3:', 'field "_id": duplicate id "7" (first at line 1)');
  const d2 = dataWith({ 'amazon/s3rec/Beauty.txt': '1 1 2\n2 2 1\n1 1\n', 'amazon/derived/Beauty_item2asin.tsv': 'item_id\tasin\n1\tA1\n2\tA2\n' });
  throwsNaming(() => loadAmazonInteractions('beauty', d2), 'Beauty.txt:3:', 'field "user_id": duplicate user "1" (first at line 1)');
});

const ASIN = 'item_id\tasin\n1\tA1\n2\tA2\n3\tA3\n';
test('9. non-numeric item id in a sequence file', () => {
  const dir = dataWith({ 'amazon/s3rec/Beauty.txt': '1 1 2 3\n2 3 x7 1\n', 'amazon/derived/Beauty_item2asin.tsv': ASIN });
  throwsNaming(() => loadAmazonInteractions('beauty', dir), 'amazon/s3rec/Beauty.txt:2:', 'field "item_id" (item 2 of user 2) must be a positive integer, got "x7"');
});

test('10. sequence referencing an unknown item', () => {
  const dir = dataWith({ 'amazon/s3rec/Beauty.txt': '1 1 2 3\n2 3 2 1\n3 1 99\n', 'amazon/derived/Beauty_item2asin.tsv': ASIN });
  throwsNaming(() => loadAmazonInteractions('beauty', dir), 'Beauty.txt:3:', 'field "item_id"', 'unknown item 99', 'Beauty_item2asin.tsv');
  const d2 = dataWith({ [SCI]: pretty({ 0: item({}), 1: item({}) }), 'scientific/Scientific.inter.json': '{\n"0": [0, 1],\n"1": [1, 5]\n}\n' });
  throwsNaming(() => loadScientificInteractions(d2), 'Scientific.inter.json:3:', 'field "1[1]": item 5 is not in Scientific.item.json');
});

test('11. malformed rows in TSV / CSV / qrels', () => {
  const dir = dataWith({
    'amazon/derived/Beauty_item2asin.tsv': ASIN,
    'amazon/idgenrec/Beauty/item_generative_indexing_phase_0.txt': 'A1 red lipstick\nA2 blue\nA3 green\n',
    'amazon/categories/beauty_categories.tsv': 'item_id\tasin\ttop_category\tcategory_path\tall_paths\tbrand\n1\tA1\tMakeup\tMakeup > Lips\tMakeup > Lips\tX\n2\tA2\tMakeup\n',
  });
  throwsNaming(() => loadAmazonCorpus('beauty', dir), 'beauty_categories.tsv:3:', 'field "category_path" missing');
  const d2 = dataWith({ 'amazon/derived/Beauty_item2asin.tsv': 'item\tasin\n1\tA1\n' });
  throwsNaming(() => loadAmazonInteractions('beauty', d2), 'Beauty_item2asin.tsv:1:', 'field "item_id" missing');
  const d3 = dataWith({ 'textcls/ag_news/train.csv': '0,"ok"\n7,"bad label"\n' });
  throwsNaming(() => loadAgNewsCorpus(d3), 'train.csv:2:', 'field "label" must be 0, 1, 2 or 3');
  const d4 = dataWith({ 'textcls/ag_news/train.csv': '0,"ok"\n1,"never closed\n' });
  throwsNaming(() => loadAgNewsCorpus(d4), 'train.csv:2:', 'unterminated quoted field');
  const d5 = dataWith({ 'scifact/queries_test.jsonl': '{"_id": "1", "text": "q"}\n', 'scifact/qrels/test.tsv': 'query-id\tcorpus-id\tscore\n1\t10\t1\n2\t11\t1\n' });
  throwsNaming(() => loadScifactQueries('test', d5), 'qrels/test.tsv:3:', 'field "query-id": query "2" is not in');
});

test('12. Amazon joins: category ASIN out of sync with item2asin', () => {
  const dir = dataWith({
    'amazon/derived/Beauty_item2asin.tsv': ASIN,
    'amazon/idgenrec/Beauty/item_generative_indexing_phase_0.txt': 'A1 red lipstick\nA2 blue\nA3 green\n',
    'amazon/categories/beauty_categories.tsv': 'item_id\tasin\ttop_category\tcategory_path\tall_paths\tbrand\n1\tA1\tMakeup\tMakeup > Lips\tMakeup > Lips\tX\n2\tZZ\tMakeup\tMakeup\tMakeup\t\n',
  });
  throwsNaming(() => loadAmazonCorpus('beauty', dir), 'beauty_categories.tsv:3:', 'field "asin" is ZZ');
});

test('a well-formed tiny Amazon set loads with labels and fallback text', () => {
  const dir = dataWith({
    'amazon/derived/Beauty_item2asin.tsv': ASIN,
    'amazon/idgenrec/Beauty/item_generative_indexing_phase_0.txt': 'A1 red lipstick\nA2 \nA3 green &amp; soap\n',
    'amazon/categories/beauty_categories.tsv': 'item_id\tasin\ttop_category\tcategory_path\tall_paths\tbrand\n1\tA1\tMakeup\tMakeup > Lips\tMakeup > Lips\tX\n2\tA2\tMakeup\tMakeup > Nails > Polish\tMakeup > Nails > Polish\tOPI\n3\tA3\t\t\t\t\n',
  });
  const c = loadAmazonCorpus('beauty', dir);
  assert.deepEqual(c.docs.map((d) => d.text), ['red lipstick', 'OPI Polish', 'green & soap']);
  assert.deepEqual(c.docs.map((d) => d.labels!.level2), ['Makeup > Lips', 'Makeup > Nails', '(none)']);
  assert.equal(c.docs[1].meta!.textSource, 'fallback');
});

test('LMI_DATA_DIR pointing nowhere is named in the error', () => {
  const old = process.env.LMI_DATA_DIR;
  process.env.LMI_DATA_DIR = '/no/such/lmi/dir';
  try {
    throwsNaming(() => requireDataDir(), 'LMI_DATA_DIR=/no/such/lmi/dir', 'no such directory');
  } finally {
    if (old === undefined) delete process.env.LMI_DATA_DIR;
    else process.env.LMI_DATA_DIR = old;
  }
});

test('13. non-UTF-8 bytes: the line and the byte are named', () => {
  const bad = Buffer.concat([Buffer.from('{"_id": "1", "title": "T", "text": "x"}\n{"_id": "2", "title": "Caf'), Buffer.from([0xe9]), Buffer.from('", "text": "y"}\n')]);
  const dir = dataWith({});
  fs.mkdirSync(path.join(dir, 'scifact'));
  fs.writeFileSync(path.join(dir, 'scifact/corpus.jsonl'), bad);
  throwsNaming(() => loadScifactCorpus(dir), 'scifact/corpus.jsonl:2:', 'not valid UTF-8', 'bad byte 0xe9 at byte 27', 're-save the file as UTF-8');
  // the same check guards every text reader (CSV here); valid multi-byte text passes
  const d2 = dataWith({ 'textcls/ag_news/train.csv': '0,"Café crème 東京 ✓"\n' });
  assert.equal(loadAgNewsCorpus(d2).docs[0].text, 'Café crème 東京 ✓');
  fs.appendFileSync(path.join(d2, 'textcls/ag_news/train.csv'), Buffer.from([0x31, 0x2c, 0x22, 0xff, 0xfe, 0x22, 0x0a]));
  throwsNaming(() => loadAgNewsCorpus(d2), 'train.csv:2:', 'bad byte 0xff at byte 4');
  throwsNaming(() => readTextFile(path.join(d2, 'textcls/ag_news/train.csv')), 'not valid UTF-8');
});

test('14. a 1 MB document loads whole and is truncated only when encoded', () => {
  const words = Array.from({ length: 200_000 }, (_, i) => ['alpha', 'beta', 'gamma', 'delta'][i % 4]).join(' ');
  assert.ok(words.length > 1e6);
  const dir = dataWith({ 'scifact/corpus.jsonl': `${JSON.stringify({ _id: 'big', title: 'Huge', text: words })}\n{"_id": "2", "title": "T", "text": "small one"}\n` });
  const t0 = Date.now();
  const c = loadScifactCorpus(dir);
  assert.equal(c.docs.length, 2);
  assert.ok(c.docs[0].text.length > 1e6, 'nothing silently cut at load time');
  const cfg = preset('small').tokenizer;
  const tok = buildTokenizer({ ...cfg, vocabSize: 64, minFrequency: 1 }, c.docs.map((d) => d.text));
  const enc = encodeBatch(tok, c.docs.map((d) => d.text), 32);
  assert.equal(enc.ids.length, 2 * 32, 'every document is cut to maxLength tokens');
  assert.ok(Date.now() - t0 < 30_000, `1 MB document took ${Date.now() - t0} ms`);
});

test('15. truncated or garbled safetensors: says truncated and what to do', () => {
  const bytes = encodeSafetensors(new Map([['w', { shape: [4, 8], data: new Float32Array(32).fill(1) }]]), { kind: 'test' });
  assert.equal(decodeSafetensors(new Uint8Array(bytes)).tensors.get('w')!.data.length, 32);
  const cut = (n: number) => new Uint8Array(bytes.subarray(0, n));
  throwsNaming(() => decodeSafetensors(cut(bytes.length - 5), 'm.safetensors'), 'm.safetensors: tensor "w" ends at byte', 'truncated', 're-create it');
  throwsNaming(() => decodeSafetensors(cut(20), 'm.safetensors'), 'header length', 'exceeds file size 20', 'truncated');
  throwsNaming(() => decodeSafetensors(cut(5), 'm.safetensors'), 'file too short (5 bytes)');
  const garbled = Buffer.from(bytes);
  garbled[9] = 0x7b; // '{' inside the header
  throwsNaming(() => decodeSafetensors(new Uint8Array(garbled), 'm.safetensors'), 'invalid JSON header');
  const dir = dataWith({});
  const f = path.join(dir, 'x.safetensors');
  fs.writeFileSync(f, bytes.subarray(0, bytes.length - 1));
  throwsNaming(() => readSafetensors(f), f, 'truncated');
  throwsNaming(() => readSafetensors(path.join(dir, 'none.safetensors')), 'none.safetensors: cannot read (ENOENT)');
});

test('16. a trainer checkpoint from another config is refused with the parameter, both shapes and the fix', async () => {
  await initBackend({ quiet: true });
  const dir = dataWith({});
  const make = (d: number) => ({ params: new Map([['w', tf.variable(tf.ones([3, d]))], ['b', tf.variable(tf.zeros([d]))]]) });
  const small = make(4);
  const loss = (m: ReturnType<typeof make>) => () => tf.sum(tf.add(m.params.get('w')!, m.params.get('b')!)) as tf.Scalar;
  const t = new Trainer(small, loss(small), { seed: 1 });
  t.trainStep([0]);
  const file = t.saveCheckpoint(dir);
  const big = make(6);
  const t2 = new Trainer(big, loss(big), { seed: 1 });
  throwsNaming(() => t2.resume(dir), file, 'parameter "w" has shape [3, 4], model has [3, 6]', 'another model config', 'fresh folder');
  const other = { params: new Map([['v', tf.variable(tf.ones([2]))]]) };
  const t3 = new Trainer(other, () => tf.sum(other.params.get('v')!) as tf.Scalar, { seed: 1 });
  throwsNaming(() => t3.resume(file), 'parameter "v" missing', 'another model config');
  fs.writeFileSync(path.join(dir, 'plain.safetensors'), encodeSafetensors(new Map([['w', { shape: [1], data: new Float32Array(1) }]])));
  throwsNaming(() => t3.resume(path.join(dir, 'plain.safetensors')), 'not a trainer checkpoint');
  for (const m of [small, big, other]) for (const v of m.params.values()) v.dispose();
  for (const x of [t, t2, t3]) x.dispose();
});

test('17. tokenizer files: missing, truncated JSON, wrong type, garbage binary', () => {
  const tok = buildTokenizer({ ...preset('small').tokenizer, vocabSize: 64, minFrequency: 1 }, ['a small text', 'another small text']);
  const json = JSON.stringify(tok.toJSON());
  const dir = dataWith({ 'tok/tokenizer.json': json.slice(0, Math.floor(json.length / 2)), 'other.json': '{"type": "bpe"}', 'empty-dir/x.txt': 'x' });
  throwsNaming(() => loadTokenizer(path.join(dir, 'nope.json')), 'nope.json: not found');
  throwsNaming(() => loadTokenizer(path.join(dir, 'tok')), 'tok/tokenizer.json: not valid JSON');
  throwsNaming(() => loadTokenizer(path.join(dir, 'other.json')), 'other.json: field "type" must be "wordpiece" or "spiece", got "bpe"');
  throwsNaming(() => loadTokenizer(path.join(dir, 'empty-dir')), 'empty-dir: directory has neither spiece.model nor tokenizer.json');
  fs.writeFileSync(path.join(dir, 'spiece.model'), Buffer.from([0x0a, 0x40, 0x01, 0x02]));
  throwsNaming(() => loadTokenizer(path.join(dir, 'spiece.model')), 'spiece.model: corrupt or truncated protobuf at byte 2', 're-download');
  assert.equal(loadTokenizer(JSON.parse(json)).vocabSize, tok.vocabSize, 'the intact tokenizer loads');
});
